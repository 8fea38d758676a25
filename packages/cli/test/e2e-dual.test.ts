/**
 * Dual-signed licences from the command line, with the built binary: `department add-key --alg SM2`
 * gives the workspace's ES256 department an SM2 key, and every licence it issues then carries both
 * signatures. `verify` PASSES the archive (JWS general serialisation) with `--alg ES256` only (via
 * its ES256 signature), `--alg SM2` only and both, prints each signature's verdict, and FAILS it
 * with either signature broken; the compact file (a line per signature), a lookup's copy and an
 * audit bundle verify the same way. `department add --alg SM2,ES256` makes a dual-signing department.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const PASS = "dual passphrase";
const BUSINESS = "11330100MB0000019K001";
const DEPT = "11330100MB0000019K";
const TIMEOUT = 240_000;
const cause = (reason: string) => ["--matter", "330100-DUAL-1", "--reason", reason];
const BUSINESS_FIELDS = ["name=示例科技有限公司", "entityType=有限责任公司", "legalRepresentative=李四", "establishedOn=2020-05-18", "businessScope=软件开发", "registeredCapital=500", "address=示例市示例区示例路1号"].flatMap((f) => ["--field", f]);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], key = ""): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: key },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(r: Run): T {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const algOf = (protectedB64: string) => (JSON.parse(Buffer.from(protectedB64, "base64url").toString()) as { alg: string }).alg;

describe("dual-signed licences from the command line", () => {
  let dir: string;
  let home: string;
  let admin = "";
  let issuer = "";
  let id = "";
  let current = "";
  let file = "";

  beforeAll(() => {
    expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
    dir = mkdtempSync(join(tmpdir(), "elicence-dual-cli-"));
    home = join(dir, "ws");
    const init = json<{ apiKeys: { role: string; key: string }[] }>(run(["init", "--home", home, "--json"]));
    admin = init.apiKeys.find((k) => k.role === "admin")!.key;
    issuer = init.apiKeys.find((k) => k.role === "issuer")!.key;
  }, TIMEOUT);

  it("department add-key gives the ES256 department an SM2 key, encrypted at rest, listed in the trust list", () => {
    const added = json<{ code: string; alg: string; thumbprint: string }>(run(["department", "add-key", DEPT, "--alg", "SM2", "--home", home, "--json"]));
    expect([added.code, added.alg]).toEqual([DEPT, "SM2SM3"]);
    expect(readFileSync(join(home, "departments", DEPT, "cosign-SM2SM3.key.pem"), "utf8")).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const cert = spawnSync("openssl", ["x509", "-in", join(home, "departments", DEPT, "cosign-SM2SM3.pem"), "-text", "-noout"], { encoding: "utf8" }).stdout;
    expect(cert).toMatch(/ASN1 OID: SM2/);
    const listed = json<{ code: string; certificates: string[] }[]>(run(["department", "list", "--home", home, "--json"])).find((d) => d.code === DEPT)!;
    expect(listed.certificates).toContain(added.thumbprint);
    expect(listed.certificates).toHaveLength(2);
    expect(run(["department", "add-key", DEPT, "--alg", "SM2", "--home", home]).code).not.toBe(0);
  }, TIMEOUT);

  it("issue writes the general-serialisation archive; verify PASSES it with ES256 only, SM2 only and both, each signature reported", () => {
    file = join(dir, "licence.json");
    const one = run(["issue", "--home", home, "--type", BUSINESS, "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "示例科技有限公司", ...BUSINESS_FIELDS, "--out", file], issuer);
    expect(one.code, one.stderr).toBe(0);
    id = one.stdout.trim();
    const archive = JSON.parse(readFileSync(file, "utf8")) as { payload: string; signatures: { protected: string }[] };
    expect(archive.signatures.map((s) => algOf(s.protected))).toEqual(["ES256", "SM2SM3"]);
    for (const alg of ["ES256", "SM2", "ES256,SM2"]) {
      const r = run(["verify", file, "--home", home, "--alg", alg, "--json"]);
      expect(r.code, `${alg}: ${r.stdout}${r.stderr}`).toBe(0);
      const report = JSON.parse(r.stdout) as { indication: string; signatures: { algorithm: string; indication: string; allowed: boolean }[] };
      expect(report.signatures.map((s) => [s.algorithm, s.indication, s.allowed])).toEqual([
        ["ES256", "PASSED", alg.includes("ES256")],
        ["SM2SM3", "PASSED", alg.includes("SM2")],
      ]);
    }
    // The default allow-list has ES256: the licence passes via that signature; the SM2 one is still checked.
    const human = run(["verify", file, "--home", home]);
    expect(human.code, human.stdout).toBe(0);
    expect(human.stdout).toMatch(/2\. SM2SM3\s+PASSED\s+\[not in the allowed algorithms\]/);
    expect(run(["verify", file, "--home", home, "--alg", "EdDSA"]).code).toBe(1);
  }, TIMEOUT);

  it("either signature broken: FAILED whatever --alg says", () => {
    const archive = JSON.parse(readFileSync(file, "utf8")) as { signatures: { signature: string }[] };
    for (const broken of [0, 1]) {
      const copy = structuredClone(archive);
      const sig = copy.signatures[broken]!.signature;
      copy.signatures[broken]!.signature = `${sig.slice(0, 8)}${sig[8] === "A" ? "B" : "A"}${sig.slice(9)}`;
      const bad = join(dir, `bad-${broken}.json`);
      writeFileSync(bad, JSON.stringify(copy));
      for (const alg of ["ES256", "SM2", "ES256,SM2"]) {
        const r = run(["verify", bad, "--home", home, "--alg", alg, "--json"]);
        expect(r.code, `${broken} ${alg}`).toBe(1);
        expect(JSON.parse(r.stdout).indication).toBe("FAILED");
      }
    }
  }, TIMEOUT);

  it("the compact file has a line per signature and verifies; a lookup's copy and a fetch by id carry both signatures", () => {
    const compact = join(dir, "amended.txt");
    const amended = run(["amend", id, "--home", home, "--field", "registeredCapital=900", "--reason", "增资", "--format", "compact", "--out", compact], issuer);
    expect(amended.code, amended.stderr).toBe(0);
    current = amended.stdout.trim().split(/\s/)[0]!;
    const lines = readFileSync(compact, "utf8").trim().split("\n");
    expect(lines.map((l) => algOf(l.split(".")[0]!))).toEqual(["ES256", "SM2SM3"]);
    expect(run(["verify", compact, "--home", home, "--alg", "SM2"]).code).toBe(0);
    const copy = join(dir, "copy.json");
    expect(run(["get", id, "--home", home, "--out", copy, ...cause("copy")], admin).code).toBe(0);
    expect((JSON.parse(readFileSync(copy, "utf8")) as { signatures: unknown[] }).signatures).toHaveLength(2);
    const fetched = run(["verify", id, "--home", home, "--alg", "SM2", "--json", ...cause("fetch")], admin);
    expect(JSON.parse(fetched.stdout).signatures).toHaveLength(2);
  }, TIMEOUT);

  it("an audit bundle carries both signatures and verifies offline; a broken one FAILS it", () => {
    const bundle = join(dir, "bundle.json");
    expect(run(["bundle", "export", "--ids", current, "--out", bundle, "--home", home, ...cause("audit")], admin).code).toBe(0);
    expect((JSON.parse(readFileSync(bundle, "utf8")) as { licences: { cosigned?: unknown[] }[] }).licences[0]!.cosigned).toHaveLength(1);
    const operator = join(home, "pki", "operator.pem");
    // The bundle's own documents (trust list, status lists, tree head) are ES256 here, so its allow-list keeps ES256.
    for (const alg of ["ES256", "ES256,SM2"]) {
      const verified = run(["bundle", "verify", bundle, "--operator-cert", operator, "--alg", alg, "--json"]);
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    }
    const tampered = JSON.parse(readFileSync(bundle, "utf8")) as { licences: { cosigned: { licence: string }[] }[] };
    const c = tampered.licences[0]!.cosigned[0]!;
    const [h, p, s] = c.licence.split("~")[0]!.split(".");
    c.licence = `${h}.${p}.${s!.slice(0, 8)}${s![8] === "A" ? "B" : "A"}${s!.slice(9)}${c.licence.slice(c.licence.indexOf("~"))}`;
    writeFileSync(bundle, JSON.stringify(tampered));
    expect(run(["bundle", "verify", bundle, "--operator-cert", operator, "--alg", "ES256"]).code).toBe(1);
  }, TIMEOUT);

  it("department add --alg SM2,ES256 makes a department with both keys", () => {
    const code = "11330100MB0000027E";
    const added = json<{ alg: string; keys: { alg: string }[] }>(run(["department", "add", "--home", home, "--name", "示例市市场监督管理局", "--code", code, "--alg", "SM2,ES256", "--json"]));
    expect(added.alg).toBe("SM2SM3");
    expect(added.keys.map((k) => k.alg)).toEqual(["SM2SM3", "ES256"]);
    expect(run(["department", "add", "--home", home, "--name", "x", "--code", "11330100MB00000359", "--alg", "SM2,SM2"]).code).toBe(64);
  }, TIMEOUT);
});
