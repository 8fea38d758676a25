/**
 * The operator's and admins' commands as a user runs them (the built binary, a workspace made by
 * `init`): onboarding an issuing department, and creating, listing and revoking API keys.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_LICENCE } from "../src/workspace/samples.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const PASS = "correct horse battery staple";
const NEW_DEPT = "11330100MB00000359";
const CONSUMER = "11330100MB0000027E";
const COMPANY = "91330100MA2B3C4D1A";

let dir: string;
let home: string;
let admin = "";

function run(args: string[], key = admin, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: key, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const ws = (args: string[], key = admin, env: Record<string, string> = {}) => run([...args, "--home", home], key, env);

function expectShortError(r: { stderr: string }): void {
  expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  // Our errors start "elicence: "; commander's usage errors (a missing option) "error: ".
  expect(r.stderr).toMatch(/^(elicence|error): /);
}

beforeAll(() => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "elicence-cli-admin-"));
  home = join(dir, "ws");
  const init = run(["init", "--home", home, "--json"], "");
  expect(init.code, init.stderr).toBe(0);
  admin = (JSON.parse(init.stdout) as { apiKeys: { role: string; key: string }[] }).apiKeys.find((k) => k.role === "admin")!.key;
});

describe("department add|list, then the new department issues licences that verify", () => {
  it("refuses bad input in one or two lines, writing nothing", () => {
    const before = readFileSync(join(home, "elicence.json"), "utf8");
    const cases: [string[], number, Record<string, string>?][] = [
      [["department", "add", "--name", "局"], 64],
      [["department", "add", "--name", "局", "--code", "91330100MA2B3C4D1B"], 65],
      [["department", "add", "--name", "局", "--code", NEW_DEPT, "--alg", "HS256"], 64],
      [["department", "add", "--name", "局", "--code", NEW_DEPT], 77, { ELICENCE_PASSPHRASE: "wrong" }],
      [["department", "add", "--name", "重复", "--code", "11330100MB0000019K"], 65],
    ];
    for (const [args, code, env] of cases) {
      const r = ws(args, admin, env ?? {});
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(code);
      expectShortError(r);
    }
    expect(readFileSync(join(home, "elicence.json"), "utf8")).toBe(before);
    expect(existsSync(join(home, "departments", NEW_DEPT))).toBe(false);
  });

  it("adds a department, lists it, and its licences verify PASSED", () => {
    const added = ws(["department", "add", "--name", "示例市市场监督管理局", "--code", NEW_DEPT, "--alg", "EdDSA", "--json"]);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ code: NEW_DEPT, alg: "EdDSA" });
    const type = { ...BUSINESS_LICENCE, code: `${NEW_DEPT}001`, name: "食品生产许可证", issuers: [NEW_DEPT], version: 1 };
    writeFileSync(join(dir, "type.json"), JSON.stringify(type));
    expect(ws(["type", "add", join(dir, "type.json")]).code).toBe(0);
    const listed = JSON.parse(ws(["department", "list", "--json"]).stdout) as { code: string; licenceTypes: string[] }[];
    expect(listed.find((d) => d.code === NEW_DEPT)!.licenceTypes).toEqual([type.code]);

    const key = ws(["key", "create", "--department", NEW_DEPT, "--role", "issuer", "--type", type.code, "--label", "市场监管审批系统"]);
    expect(key.code, key.stderr).toBe(0);
    expect(key.stderr).toMatch(/only time the key is shown/);
    const issuerKey = key.stdout.trim();
    const fields = Object.entries({ name: "示例科技有限公司", entityType: "有限责任公司", legalRepresentative: "李四", establishedOn: "2020-05-18", businessScope: "食品生产", registeredCapital: "500", address: "示例市示例路1号" }).flatMap(([k, v]) => ["--field", `${k}=${v}`]);
    const out = join(dir, "new.json");
    const issued = ws(["issue", "--type", type.code, "--holder-id", COMPANY, "--holder-name", "示例科技有限公司", ...fields, "--out", out], issuerKey);
    expect(issued.code, issued.stderr).toBe(0);
    const verified = ws(["verify", out, "--json"]);
    expect(JSON.parse(verified.stdout)).toMatchObject({ indication: "PASSED", algorithm: "EdDSA", signer: { organizationIdentifier: NEW_DEPT } });
  });
});

describe("key create|list|revoke", () => {
  it("creates a consumer key, lists it without its secret, revokes it, and the key stops working", () => {
    const made = JSON.parse(ws(["key", "create", "--department", CONSUMER, "--role", "consumer", "--label", "审批系统", "--json"]).stdout) as { id: string; key: string };
    expect(made.key).toMatch(/^elk_[0-9a-f]{16}_/);
    const asConsumer = ws(["type", "list", "--json"], made.key);
    expect(asConsumer.code, asConsumer.stderr).toBe(0);
    const list = ws(["key", "list"]);
    expect(list.stdout).toContain(`${made.id}  ${CONSUMER}  consumer  active  审批系统`);
    expect(list.stdout).not.toContain(made.key.slice(22));
    const revoked = ws(["key", "revoke", made.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const refused = ws(["type", "list"], made.key);
    expect(refused.code).toBe(77);
    expectShortError(refused);
    expect(JSON.parse(ws(["key", "list", "--json"]).stdout).find((k: { id: string }) => k.id === made.id).revokedAt).toBeDefined();
  });

  it("refuses bad input and non-admins in one or two lines", () => {
    const issuer = JSON.parse(ws(["key", "create", "--department", "11330100MB0000019K", "--role", "issuer", "--type", BUSINESS_LICENCE.code, "--json"]).stdout).key as string;
    const cases: [string[], number, string?][] = [
      [["key", "create", "--department", CONSUMER], 64],
      [["key", "create", "--department", CONSUMER, "--role", "root"], 64],
      [["key", "create", "--department", CONSUMER, "--role", "issuer"], 64],
      [["key", "create", "--department", "91330100MA2B3C4D1B", "--role", "consumer"], 65],
      [["key", "create", "--department", CONSUMER, "--role", "consumer"], 77, issuer],
      [["key", "list"], 77, issuer],
      [["key", "revoke", "0123456789abcdef"], 65],
      [["key", "revoke"], 64],
    ];
    for (const [args, code, key] of cases) {
      const r = ws(args, key ?? admin);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(code);
      expectShortError(r);
    }
  });
});
