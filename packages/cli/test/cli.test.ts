/**
 * The `elicence` command as a user runs it: the built binary in a child process, a real workspace
 * on disk, real keys and signatures. `pnpm test` builds before testing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { Registry } from "@elicence/registry";
import { statusListIdOf } from "@elicence/sdk";
import { startServe } from "./support/serve.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const PASS = "correct horse battery staple";
const BUSINESS = "11330100MB0000019K001";
const PERSON = "11330100MB0000019K002";

function elicence(args: string[], env: Record<string, string | undefined> = {}, input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: issuerKey, ...env },
    ...(input !== undefined ? { input } : { stdio: ["ignore", "pipe", "pipe"] }),
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const businessFields = [
  "--field", "name=示例科技有限公司",
  "--field", "entityType=有限责任公司",
  "--field", "legalRepresentative=李四",
  "--field", "establishedOn=2020-05-18",
  "--field", "businessScope=软件开发",
  "--field", "registeredCapital=500",
  "--field", "address=示例市示例区示例路1号",
  "--field", "legalRepresentativeIdNumber=440524188001010014",
];

let dir: string;
let home: string;
let licence: string;
/** The sample department's issuer key, from `init --json`: registry commands read ELICENCE_API_KEY. */
let issuerKey = "";

beforeAll(() => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "elicence-cli-"));
  home = join(dir, "ws");
  const init = elicence(["init", "--home", home, "--json"]);
  expect(init.code, init.stderr).toBe(0);
  issuerKey = (JSON.parse(init.stdout) as { apiKeys: { role: string; key: string }[] }).apiKeys.find((k) => k.role === "issuer")!.key;
  licence = join(dir, "licence.json");
  const issued = elicence(["issue", "--home", home, "--type", BUSINESS, "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "示例科技有限公司", ...businessFields, "--out", licence]);
  expect(issued.code, issued.stderr).toBe(0);
});

describe("init", () => {
  it("makes a workspace whose private keys are encrypted, never in clear", () => {
    for (const key of ["pki/root-ca.key.pem", "pki/operator.key.pem", "pki/status.key.pem", "pki/log.key.pem", "pki/pseudonym.key.pem", "departments/11330100MB0000019K/signing.key.pem"]) {
      const text = readFileSync(join(home, key), "utf8");
      expect(text).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
      expect(text).not.toMatch(/BEGIN (EC )?PRIVATE KEY/);
      expect(statSync(join(home, key)).mode & 0o077).toBe(0);
    }
    expect(readFileSync(join(home, "trust-list.jwt"), "utf8").split(".")).toHaveLength(3);
  });

  it("refuses to overwrite a workspace without --force", () => {
    const r = elicence(["init", "--home", home]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("already exists");
    expect(r.stderr.split("\n").length).toBeLessThanOrEqual(3);
  });

  it("refuses to start without a passphrase when there is no terminal", () => {
    const r = elicence(["init", "--home", join(dir, "nopass")], { ELICENCE_PASSPHRASE: "" });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("ELICENCE_PASSPHRASE");
  });
});

describe("type list", () => {
  it("lists the catalogue as JSON with fields of all three sharing classes", () => {
    const r = elicence(["type", "list", "--home", home, "--json"]);
    expect(r.code).toBe(0);
    const types = JSON.parse(r.stdout);
    expect(types.map((t: { code: string }) => t.code)).toEqual([BUSINESS, PERSON]);
    for (const t of types) {
      expect(Object.keys(t)).toEqual(expect.arrayContaining(["code", "name", "holderKind", "fields"]));
      expect(new Set(t.fields.map((f: { share: string }) => f.share))).toEqual(new Set(["unconditional", "conditional", "none"]));
      for (const f of t.fields) expect(Object.keys(f)).toEqual(expect.arrayContaining(["name", "type", "required", "share"]));
    }
    expect(types.find((t: { code: string }) => t.code === PERSON).holderKind).toBe("natural-person");
  });

  it("prints a human table", () => {
    const r = elicence(["type", "list", "--home", home]);
    expect(r.stdout).toContain("营业执照");
    expect(r.stdout).toContain("特种作业操作证");
  });
});

describe("issue", () => {
  it("prints the identifier and writes a compact licence with --format compact", () => {
    const out = join(dir, "person.txt");
    const r = elicence([
      "issue", "--home", home, "--type", PERSON, "--holder-id", "11010519491231002X", "--holder-name", "张三",
      "--field", "operationCategory=电工作业", "--field", "operationItem=低压电工作业", "--field", "firstIssuedOn=2019-07-01",
      "--field", "gender=女", "--field", "birthDate=1949-12-31", "--out", out, "--format", "compact",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^1\.2\.156\.3005\.2\.11330100MB0000019K002\.11330100MB0000019K\.\d{12,}\.001\.[0-9A-Z]$/);
    expect(readFileSync(out, "utf8").trim().endsWith("~")).toBe(true);
    expect(elicence(["verify", out, "--home", home]).code).toBe(0);
  });

  it("refuses an invalid holder code with the path and no partial file", () => {
    const out = join(dir, "bad.json");
    const r = elicence(["issue", "--home", home, "--type", BUSINESS, "--holder-id", "91330100MA2B3C4D1B", "--holder-name", "X", ...businessFields, "--out", out]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("holder.idNumber");
    expect(r.stderr).not.toContain("91330100MA2B3C4D1B");
    expect(existsSync(out)).toBe(false);
  });

  it("reports every missing field", () => {
    const r = elicence(["issue", "--home", home, "--type", BUSINESS, "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "X", "--field", "name=X"]);
    expect(r.code).toBe(65);
    for (const f of ["entityType", "establishedOn", "registeredCapital", "address"]) expect(r.stderr).toContain(`fields.${f}`);
  });

  it("refuses a wrong passphrase with exit 77", () => {
    const r = elicence(["issue", "--home", home, "--type", BUSINESS, "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "X", ...businessFields], { ELICENCE_PASSPHRASE: "xyzzy-not-it" });
    expect(r.code).toBe(77);
    expect(r.stderr).toContain("passphrase");
    expect(r.stderr).not.toContain("xyzzy");
  });

  it.each([
    [["issue", "--home", "HOME", "--type", BUSINESS, "--holder-name", "X"], 64, "holder-id"],
    [["issue", "--home", "HOME", "--type", "NOPE", "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "X"], 65, "licence type"],
    [["issue", "--home", "HOME", "--type", BUSINESS, "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "X", "--field", "novalue"], 64, "KEY=VALUE"],
    [["issue", "--home", "/nonexistent/elicence", "--type", BUSINESS, "--holder-id", "1", "--holder-name", "X"], 65, "no eLicence workspace"],
    [["frobnicate"], 64, "unknown command"],
  ])("bad usage %j → exit %i", (args, code, text) => {
    const r = elicence(args.map((a) => (a === "HOME" ? home : a)));
    expect(r.code).toBe(code);
    expect(r.stderr.toLowerCase()).toContain(String(text).toLowerCase());
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("verify", () => {
  it("PASSED → exit 0, and --json carries the indication and every check", () => {
    const r = elicence(["verify", licence, "--home", home, "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.indication).toBe("PASSED");
    // The eight checks, then one per time-stamp: init's workspace time-stamps what it issues (B-T).
    expect(report.checks.slice(0, 8).map((c: { check: string }) => c.check)).toEqual(["format", "algorithm", "signature", "certificate-path", "issuer-authorised", "disclosures", "validity-period", "status"]);
    expect(report.checks.slice(8).every((c: { check: string; result: string }) => c.check === "timestamp" && c.result === "passed")).toBe(true);
    expect(report.level).toBe(report.checks.length > 8 ? "B-T" : "B-B");
    expect(report.licence.fields.registeredCapital).toBe("500");
  });

  it("verifies with --trust FILE and a pinned operator certificate", async () => {
    // The licence was issued through the registry and names a status list: offline, it is given too.
    const registry = await Registry.open({ home, passphrase: PASS });
    const statusFile = join(dir, "status-list.jwt");
    try {
      writeFileSync(statusFile, await registry.public.statusList(statusListIdOf(readFileSync(licence, "utf8"))!));
    } finally {
      await registry.close();
    }
    const r = elicence(["verify", licence, "--trust", join(home, "trust-list.jwt"), "--operator-cert", join(home, "pki", "operator.pem"), "--status-list", statusFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASSED/);
  });

  it("refuses a trust list pinned to another certificate", () => {
    const r = elicence(["verify", licence, "--trust", join(home, "trust-list.jwt"), "--operator-cert", join(home, "pki", "status.pem")]);
    expect(r.code).toBe(65);
  });

  it("a tampered licence → FAILED, exit 1", () => {
    const archive = JSON.parse(readFileSync(licence, "utf8"));
    const payload = JSON.parse(Buffer.from(archive.payload, "base64url").toString());
    payload.fields.name = "伪造有限公司";
    archive.payload = Buffer.from(JSON.stringify(payload)).toString("base64url");
    const forged = join(dir, "forged.json");
    writeFileSync(forged, JSON.stringify(archive));
    const r = elicence(["verify", forged, "--home", home, "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).indication).toBe("FAILED");
  });

  it("before the certificates existed → not PASSED, exit 1 or 2", () => {
    const r = elicence(["verify", licence, "--home", home, "--at", "2000-01-01T00:00:00Z"]);
    expect([1, 2, 65]).toContain(r.code);
  });

  it("reads standard input", () => {
    const r = elicence(["verify", "-", "--home", home], {}, readFileSync(licence, "utf8"));
    expect(r.code).toBe(0);
  });

  it("takes a compact licence as the argument, or fetches one by identifier with its cause", () => {
    const id = JSON.parse(elicence(["verify", licence, "--home", home, "--json"]).stdout).licence.id as string;
    const compact = join(dir, "licence-compact.txt");
    expect(elicence(["get", id, "--home", home, "--matter", "M-1", "--reason", "copy", "--format", "compact", "--out", compact]).code).toBe(0);
    const inline = elicence(["verify", readFileSync(compact, "utf8").trim(), "--home", home]);
    expect(inline.code, inline.stderr).toBe(0);
    expect(inline.stdout).toMatch(/^PASSED/);
    const fetched = elicence(["verify", id, "--home", home, "--matter", "M-1", "--reason", "check", "--json"]);
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(JSON.parse(fetched.stdout).licence.id).toBe(id);
    // A read needs its cause; --offline cannot fetch; a cause does not go with a file.
    for (const args of [["verify", id, "--home", home], ["verify", id, "--home", home, "--offline", "--matter", "M", "--reason", "r"], ["verify", licence, "--home", home, "--matter", "M", "--reason", "r"]]) {
      const r = elicence(args);
      expect(r.code).toBe(64);
      expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
    }
    // An unknown identifier: one line, exit 65.
    const unknown = elicence(["verify", id.replace(/\.\d{3}\.([0-9A-Z])$/, ".009.$1"), "--home", home, "--matter", "M", "--reason", "r"]);
    expect([65]).toContain(unknown.code);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [["verify", "/nonexistent/licence.json", "--home", "HOME"], 66],
    [["verify", "LICENCE"], 64],
    [["verify", "LICENCE", "--home", "HOME", "--trust", "x"], 64],
    [["verify", "LICENCE", "--home", "HOME", "--at", "yesterday"], 64],
    [["verify", "LICENCE", "--home", "HOME", "--alg", "HS256"], 64],
  ])("bad usage %j → exit %i, no stack trace", (args, code) => {
    const r = elicence(args.map((a) => (a === "HOME" ? home : a === "LICENCE" ? licence : a)));
    expect(r.code).toBe(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("garbage and an unreadable file never crash", () => {
    const junk = join(dir, "junk.json");
    writeFileSync(junk, "{\"protected\":1}");
    const r = elicence(["verify", junk, "--home", home]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAILED/);
    const locked = join(dir, "locked.json");
    writeFileSync(locked, "x");
    chmodSync(locked, 0o000);
    if (process.getuid?.() !== 0) expect(elicence(["verify", locked, "--home", home]).code).toBe(66);
  });
});

describe("serve", () => {
  it("serves the workspace's registry on loopback with no other setting, and stops on SIGTERM", async () => {
    const { url, child } = await startServe(BIN, home, PASS);
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const trust = await fetch(`${url}/v1/trust-list`);
      expect(trust.headers.get("content-type")).toContain("application/jwt");
      expect((await trust.text()).split(".")).toHaveLength(3);
      const unauth = await fetch(`${url}/v1/whoami`);
      expect(unauth.status).toBe(401);
      expect(unauth.headers.get("content-type")).toContain("application/problem+json");
    } finally {
      child.kill("SIGTERM");
    }
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(0);
  });

  it("refuses a bad --db and a bad --port", () => {
    expect(elicence(["serve", "--home", home, "--db", "mysql://x"]).code).toBe(64);
    expect(elicence(["serve", "--home", home, "--port", "http"]).code).toBe(64);
  });
});

describe("help", () => {
  it("documents the exit codes and the passphrase rule", () => {
    const r = elicence(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("77");
    expect(r.stdout).toContain("ELICENCE_PASSPHRASE");
  });
});
