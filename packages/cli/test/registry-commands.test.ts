/**
 * The registry commands as a user runs them: the built binary against a workspace made by
 * `init`, with the API keys `init --json` prints.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_LICENCE } from "@elicence/registry/samples";
import { startServe } from "./support/serve.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const PASS = "correct horse battery staple";
const OPERATOR = "12330100MB00000431";
const BUSINESS = "11330100MB0000019K001";
const PERSON = "11330100MB0000019K002";
const COMPANY = "91330100MA2B3C4D1A";
const CITIZEN = "11010519491231002X";
const ID_PATTERN = /^1\.2\.156\.3005\.2\.[0-9A-Z]{21}\.[0-9A-Z]{18}\.[0-9A-Z]+\.\d{3}\.[0-9A-Z]$/;

let dir: string;
let home: string;
let issuer = "";
let admin = "";

function run(args: string[], key: string | undefined = issuer, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: key ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command against the workspace (`--home` appended). */
const ws = (args: string[], key?: string, env?: Record<string, string>) => run([...args, "--home", home], key ?? issuer, env);

function expectShortError(r: { stderr: string }): void {
  expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).toMatch(/^elicence: /);
}

const businessFields = (name: string) => [
  "--field", `name=${name}`, "--field", "entityType=有限责任公司", "--field", "legalRepresentative=李四", "--field", "establishedOn=2020-05-18",
  "--field", "businessScope=软件开发", "--field", "registeredCapital=500", "--field", "address=示例市示例路1号",
];

function issueBusiness(name = "示例科技有限公司"): string {
  const r = ws(["issue", "--type", BUSINESS, "--holder-id", COMPANY, "--holder-name", name, ...businessFields(name)]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

beforeAll(() => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "elicence-cli-reg-"));
  home = join(dir, "ws");
  const init = run(["init", "--home", home, "--json"], undefined);
  expect(init.code, init.stderr).toBe(0);
  const keys = (JSON.parse(init.stdout) as { apiKeys: { role: string; key: string }[] }).apiKeys;
  issuer = keys.find((k) => k.role === "issuer")!.key;
  admin = keys.find((k) => k.role === "admin")!.key;
});

describe("issue --batch", () => {
  const header = "type,holderName,holderIdType,holderId,operationCategory,operationItem,firstIssuedOn,gender,birthDate";
  const good = (k: number) => `${PERSON},张三${k},111,${CITIZEN},电工作业,低压电工作业 ${k},2019-07-01,女,1949-12-31`;
  const BAD_LINES = [101, 502, 777, 1001];
  let file: string;
  let firstIds: string[];

  beforeAll(() => {
    const lines = [header];
    for (let k = 0; k < 1000; k++) lines.push(good(k));
    lines[100] = `${PERSON},坏,111,11010519491231002Y,电工作业,x,2019-07-01,女,1949-12-31`; // wrong check character
    lines[501] = `${PERSON},短,111,${CITIZEN},电工作业`; // too few values
    lines[776] = `${PERSON},枚举,111,${CITIZEN},潜水作业,x,2019-07-01,女,1949-12-31`; // not one of the enum's values
    lines[1000] = `${PERSON},"未闭合,111,${CITIZEN},电工作业,x,2019-07-01,女,1949-12-31`; // an unclosed quote
    file = join(dir, "batch.csv");
    writeFileSync(file, `${lines.join("\r\n")}\r\n`);
  });

  it("issues the good rows of 1000, reports the bad ones by line, exit 65", () => {
    const r = ws(["issue", "--batch", file, "--chunk-size", "300", "--json"]);
    expect(r.code, r.stderr).toBe(65);
    const summary = JSON.parse(r.stdout);
    expect(summary.rows).toBe(1000);
    expect(summary.issued).toBe(996);
    expect(summary.errors.map((e: { line: number }) => e.line)).toEqual(BAD_LINES);
    expect(summary.errors[0].message).toContain("holder.idNumber");
    firstIds = summary.licences.map((l: { id: string }) => l.id);
    expect(new Set(firstIds).size).toBe(996);
    for (const id of firstIds) expect(id).toMatch(ID_PATTERN);
  });

  it("running the same file again issues nothing twice", () => {
    const r = ws(["issue", "--batch", file, "--chunk-size", "300"]);
    expect(r.code).toBe(65);
    expect(r.stdout).toContain("Issued 996 of 1000 rows");
    for (const line of BAD_LINES) expect(r.stderr).toContain(`line ${line}:`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const found = ws(["lookup", "--holder-id", CITIZEN, "--type", PERSON, "--matter", "M-1", "--reason", "count", "--limit", "1000", "--json"]);
    expect(found.code, found.stderr).toBe(0);
    expect((JSON.parse(found.stdout) as unknown[]).length).toBe(996);
  });

  it("reads JSON Lines, and all good rows → exit 0", () => {
    const jsonl = join(dir, "batch.jsonl");
    const item = { type: BUSINESS, holder: { name: "示例科技有限公司", idNumber: COMPANY }, fields: { name: "J", entityType: "有限责任公司", legalRepresentative: "李四", establishedOn: "2020-05-18", businessScope: "x", registeredCapital: "1", address: "y" } };
    writeFileSync(jsonl, `${JSON.stringify(item)}\n\n${JSON.stringify({ ...item, fields: { ...item.fields, name: "K" } })}\n`);
    const r = ws(["issue", "--batch", jsonl, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 2, issued: 2, failed: 0 });
    writeFileSync(jsonl, `${JSON.stringify(item)}\nnot json\n[1]\n`);
    const bad = ws(["issue", "--batch", jsonl, "--json"]);
    expect(bad.code).toBe(65);
    expect(JSON.parse(bad.stdout).errors.map((e: { line: number }) => e.line)).toEqual([2, 3]);
  });

  it.each([
    ["nocols.csv", "holderName,holderId\n", 65, "no rows"],
    ["noholder.csv", "type,holderName\nX,Y\n", 65, "holderId"],
    ["dup.csv", "holderName,holderId,holderId\nX,Y,Z\n", 65, "twice"],
    ["empty.csv", "", 65, "empty"],
    ["rows.txt", "a,b\n", 64, "--input-format"],
  ])("a malformed batch file %s → exit %i", (name, body, code, text) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    const r = ws(["issue", "--batch", path]);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(text);
    expectShortError(r);
  });

  it("an unreadable batch file → exit 66", () => {
    const r = ws(["issue", "--batch", join(dir, "missing.csv")]);
    expect(r.code).toBe(66);
    expectShortError(r);
    const locked = join(dir, "locked.csv");
    writeFileSync(locked, `${header}\n`);
    chmodSync(locked, 0o000);
    if (process.getuid?.() !== 0) expect(ws(["issue", "--batch", locked]).code).toBe(66);
  });

  it("--batch refuses single-licence flags", () => {
    const r = ws(["issue", "--batch", file, "--holder-id", COMPANY]);
    expect(r.code).toBe(64);
    expectShortError(r);
  });
});

describe("lifecycle", () => {
  it("suspend, resume, amend, renew, revoke; a revoked licence no longer verifies", () => {
    const id = issueBusiness();
    expect(id).toMatch(ID_PATTERN);
    const s = ws(["suspend", id, "--reason", "inspection", "--officer", "A-7", "--json"]);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).status).toBe("suspended");
    expect(ws(["resume", id, "--reason", "done"]).stdout).toContain(`${id} active`);
    const out = join(dir, "amended.json");
    const amended = ws(["amend", id, "--field", "address=新地址", "--reason", "moved", "--out", out, "--json"]);
    expect(amended.code, amended.stderr).toBe(0);
    const v2 = JSON.parse(amended.stdout).id as string;
    expect(v2).not.toBe(id);
    expect(ws(["verify", out]).code).toBe(0);
    // The superseded version cannot change any more.
    const again = ws(["amend", id, "--field", "address=x", "--reason", "late"]);
    expect(again.code).toBe(65);
    expectShortError(again);
    const renewed = ws(["renew", v2, "--valid-until", "2036-01-01T00:00:00Z", "--reason", "renewal"]);
    expect(renewed.code, renewed.stderr).toBe(0);
    const v3 = renewed.stdout.trim();
    const file = join(dir, "v3.json");
    expect(ws(["get", v3, "--matter", "M-2", "--reason", "copy", "--out", file]).code).toBe(0);
    expect(ws(["revoke", v3, "--reason", "fraud"]).code).toBe(0);
    expect(ws(["verify", file]).code).toBe(1);
    expect(ws(["cancel", v3, "--reason", "too late"]).code).toBe(65);
  });

  it.each([
    [["suspend", "ID"], 64, "--reason"],
    [["amend", "ID", "--reason", "x"], 64, "--field"],
    [["renew", "ID", "--reason", "x", "--valid-until", "soon"], 64, "ISO 8601"],
    [["revoke", "1.2.156.3005.2.nope", "--reason", "x"], 65, ""],
  ])("bad input %j → exit %i", (args, code, text) => {
    const id = "1.2.156.3005.2.11330100MB0000019K001.11330100MB0000019K.20260000009999.001.X";
    const r = ws(args.map((a) => (a === "ID" ? id : a)));
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("lookup, get and check-data", () => {
  it("conditional fields appear only with a sharing agreement", () => {
    issueBusiness("共享测试有限公司");
    const before = ws(["lookup", "--holder-id", COMPANY, "--type", BUSINESS, "--matter", "M-3", "--reason", "approval"], admin);
    expect(before.code, before.stderr).toBe(0);
    const list = JSON.parse(ws(["lookup", "--holder-id", COMPANY, "--type", BUSINESS, "--matter", "M-3", "--reason", "approval", "--json"], admin).stdout);
    expect(list.length).toBeGreaterThan(0);
    for (const l of list) {
      expect(l.fields.registeredCapital).toBeUndefined();
      expect(l.withheld).toContain("registeredCapital");
      expect(l.fields).not.toHaveProperty("legalRepresentativeIdNumber");
    }
    const added = ws(["agreement", "add", "--consumer", OPERATOR, "--type", BUSINESS, "--field", "registeredCapital", "--expires", "2099-01-01T00:00:00Z", "--json"], admin);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(ws(["agreement", "list", "--json"], admin).stdout).map((a: { id: string }) => a.id)).toContain(JSON.parse(added.stdout).id);
    const after = JSON.parse(ws(["lookup", "--holder-id", COMPANY, "--type", BUSINESS, "--matter", "M-3", "--reason", "approval", "--json"], admin).stdout);
    for (const l of after) {
      expect(l.fields.registeredCapital).toBeDefined();
      expect(l.withheld).not.toContain("registeredCapital");
      expect(l.withheld).toContain("address");
    }
    const one = JSON.parse(ws(["get", after[0].id, "--matter", "M-3", "--reason", "approval", "--json"], admin).stdout);
    expect(one.fields.registeredCapital).toBeDefined();
  });

  it("check-data answers yes (0) or no (1) without the data", () => {
    issueBusiness("核验有限公司");
    const yes = ws(["check-data", "--holder-id", COMPANY, "--type", BUSINESS, "--field", "name", "--value", "核验有限公司", "--matter", "M-4", "--reason", "check", "--json"]);
    expect(yes.code, yes.stderr).toBe(0);
    expect(JSON.parse(yes.stdout)).toEqual({ match: true });
    expect(ws(["check-data", "--holder-id", COMPANY, "--type", BUSINESS, "--field", "name", "--value", "别的公司", "--matter", "M-4", "--reason", "check"]).code).toBe(1);
  });

  it.each([
    [["lookup", "--holder-id", COMPANY, "--reason", "x"], 64, "--matter"],
    [["get", "1.2.3", "--matter", "M"], 64, "--reason"],
    [["check-data", "--holder-id", COMPANY, "--type", BUSINESS, "--field", "name", "--matter", "M", "--reason", "r"], 64, "--value"],
    [["lookup", "--holder-id", COMPANY, "--holder-id-type", "999", "--matter", "M", "--reason", "r"], 64, "holder-id-type"],
    [["agreement", "add", "--consumer", OPERATOR, "--type", BUSINESS, "--expires", "2099-01-01"], 64, "--field"],
  ])("bad input %j → exit %i", (args, code, text) => {
    const r = ws(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("an issuer may not create agreements: exit 77", () => {
    const r = ws(["agreement", "add", "--consumer", OPERATOR, "--type", BUSINESS, "--field", "address", "--expires", "2099-01-01T00:00:00Z"]);
    expect(r.code).toBe(77);
    expectShortError(r);
  });
});

describe("type", () => {
  const newType = {
    code: "11330100MB0000019K003",
    name: "测试许可证",
    holderKind: "legal-person",
    issuers: ["11330100MB0000019K"],
    version: 1,
    fields: [{ name: "scope", label: "许可范围", type: "string", required: true, share: "unconditional" }],
  };

  it("type add (admin), then type show and type list include it", () => {
    const file = join(dir, "type.json");
    writeFileSync(file, JSON.stringify(newType));
    const denied = ws(["type", "add", file]);
    expect(denied.code).toBe(77);
    expectShortError(denied);
    const r = ws(["type", "add", file, "--json"], admin);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).code).toBe(newType.code);
    expect(JSON.parse(ws(["type", "show", newType.code, "--json"]).stdout).name).toBe("测试许可证");
    expect(JSON.parse(ws(["type", "list", "--json"]).stdout).map((t: { code: string }) => t.code)).toContain(newType.code);
    expect(ws(["type", "add", file], admin).code).toBe(65); // same version again
  });

  it.each([
    ["junk.json", "{not json", 65],
    ["invalid.json", JSON.stringify({ ...newType, code: "X", fields: [] }), 65],
  ])("type add %s → exit %i", (name, body, code) => {
    const file = join(dir, name);
    writeFileSync(file, body);
    const r = ws(["type", "add", file], admin);
    expect(r.code).toBe(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("type add of a missing file → 66; type show of an unknown code → 65", () => {
    expect(ws(["type", "add", join(dir, "nope.json")], admin).code).toBe(66);
    const r = ws(["type", "show", "NOPE"]);
    expect(r.code).toBe(65);
    expectShortError(r);
  });
});

describe("log", () => {
  it("log verify: exit 0 when the log only grew since the saved head; 1 for a forged head", () => {
    const head = join(dir, "head.json");
    const saved = ws(["log", "head", "--out", head]);
    expect(saved.code, saved.stderr).toBe(0);
    issueBusiness("日志测试有限公司");
    const r = ws(["log", "verify", "--tree-head", head, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.consistent).toBe(true);
    expect(result.current.treeSize).toBeGreaterThan(result.old.treeSize);
    const withTrust = ws(["log", "verify", "--tree-head", head, "--trust", join(home, "trust-list.jwt"), "--operator-cert", join(home, "pki", "operator.pem")]);
    expect(withTrust.code, withTrust.stderr).toBe(0);
    expect(withTrust.stdout).toMatch(/^CONSISTENT/);

    const forged = JSON.parse(readFileSync(head, "utf8"));
    forged.rootHash = Buffer.alloc(32, 7).toString("base64url");
    const forgedFile = join(dir, "forged-head.json");
    writeFileSync(forgedFile, JSON.stringify(forged));
    const bad = ws(["log", "verify", "--tree-head", forgedFile]);
    expect(bad.code).toBe(1);
    expectShortError(bad);
  });

  it.each([
    [["log", "verify"], 64],
    [["log", "verify", "--tree-head", "/nonexistent/head.json"], 66],
    [["log", "verify", "--tree-head", "JUNK"], 65],
  ])("bad input %j → exit %i", (args, code) => {
    const junk = join(dir, "junk-head.json");
    writeFileSync(junk, JSON.stringify({ treeSize: "x" }));
    const r = ws(args.map((a) => (a === "JUNK" ? junk : a)));
    expect(r.code).toBe(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("where and who", () => {
  it.each([
    [["issue", "--type", BUSINESS, "--holder-id", COMPANY, "--holder-name", "X", ...businessFields("X")], "WRONG", 77, "ELICENCE_API_KEY"],
    [["lookup", "--holder-id", COMPANY, "--matter", "M", "--reason", "r"], "", 64, "ELICENCE_API_KEY"],
  ])("%j with a wrong or no API key → exit %i", (args, key, code, text) => {
    const r = ws(args, key === "WRONG" ? "elk_wrong" : key);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(text);
    expectShortError(r);
  });

  it("needs exactly one of --home and --registry, and a usable URL", () => {
    expect(run(["agreement", "list"]).code).toBe(64);
    expect(ws(["agreement", "list", "--registry", "http://127.0.0.1:9"]).code).toBe(64);
    const badUrl = run(["agreement", "list", "--registry", "ftp://x"]);
    expect(badUrl.code).toBe(64);
    expectShortError(badUrl);
    const down = run(["agreement", "list", "--registry", "http://127.0.0.1:9"], admin);
    expect(down.code).toBe(69);
    expectShortError(down);
  });

  it("works against a registry server with --registry URL", async () => {
    const { url, child } = await startServe(BIN, home, PASS);
    try {
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const c = spawn(process.execPath, [BIN, "issue", "--registry", url, "--type", BUSINESS, "--holder-id", COMPANY, "--holder-name", "远程", ...businessFields("远程"), "--json"], {
          env: { ...process.env, ELICENCE_API_KEY: issuer },
        });
        let stdout = "";
        let stderr = "";
        c.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        c.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        c.on("exit", (code) => resolve({ code, stdout, stderr }));
      });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).id).toMatch(ID_PATTERN);
      // The registry's own trust list is not taken on its word: --trust is required over HTTP.
      expect(run(["log", "head", "--registry", url], admin).code).toBe(64);
      const head = run(["log", "head", "--registry", url, "--trust", join(home, "trust-list.jwt"), "--operator-cert", join(home, "pki", "operator.pem"), "--json"], admin);
      expect(head.code, head.stderr).toBe(0);
      expect(JSON.parse(head.stdout).treeSize).toBeGreaterThan(0);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

describe("bundle", () => {
  let file: string;
  let id: string;
  const operatorCert = () => join(home, "pki", "operator.pem");

  beforeAll(async () => {
    id = issueBusiness("审计包有限公司");
    const read = ws(["get", id, "--matter", "330100-TEST-1", "--reason", "办理"]);
    expect(read.code, read.stderr).toBe(0);
    file = join(dir, "audit-bundle.json");
    const { url, child } = await startServe(BIN, home, PASS);
    try {
      const r = run(["bundle", "export", "--registry", url, "--ids", id, "--out", file, "--matter", "330100-AUDIT-1", "--reason", "年度审计"], admin);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^Wrote .*1 licence\(s\), 4 log entries/);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("bundle verify: PASSED with the registry stopped, every log entry of the licence proven", () => {
    const r = run(["bundle", "verify", file, "--operator-cert", operatorCert()], undefined);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASSED/);
    expect(r.stdout).toContain("4 of 4 inclusion proofs verify");
    const j = run(["bundle", "verify", file, "--operator-cert", operatorCert(), "--json"], undefined);
    expect(j.code).toBe(0);
    const report = JSON.parse(j.stdout);
    expect(report.indication).toBe("PASSED");
    expect(report.log.licencesWithoutProof).toEqual([]);
    // issue, the earlier get, the export's read and its log-entries read
    const bundle = JSON.parse(readFileSync(file, "utf8"));
    expect(bundle.log.entries.map((e: { entry: string }) => JSON.parse(e.entry).kind)).toEqual(["issue", "read", "read", "read"]);
    expect(bundle.log.entries.map((e: { entry: string }) => JSON.parse(e.entry).matter)).toEqual([undefined, "330100-TEST-1", "330100-AUDIT-1", "330100-AUDIT-1"]);
    expect(report.licences[0].id).toBe(id);
  });

  it("verify --offline --bundle FILE ID verifies one licence from the bundle", () => {
    const r = run(["verify", "--offline", "--bundle", file, id, "--operator-cert", operatorCert()], undefined);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASSED/);
    expect(r.stdout).toContain("4 of 4 inclusion proofs verify");
    const missing = run(["verify", "--bundle", file, id.slice(0, -1) + (id.endsWith("A") ? "B" : "A"), "--operator-cert", operatorCert()], undefined);
    expect(missing.code).toBe(65);
    expectShortError(missing);
    expect(run(["verify", "--bundle", file, id, "--home", home], undefined).code).toBe(64);
  });

  it("a tampered log entry or licence is FAILED (exit 1); a file that is not a bundle is exit 65", () => {
    const bundle = JSON.parse(readFileSync(file, "utf8"));
    const entry = structuredClone(bundle);
    entry.log.entries[1].entry = entry.log.entries[1].entry.replace('"matter":"330100-TEST-1"', '"matter":"330100-TEST-2"');
    const entryFile = join(dir, "tampered-entry.json");
    writeFileSync(entryFile, JSON.stringify(entry));
    const r = run(["bundle", "verify", entryFile, "--operator-cert", operatorCert()], undefined);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAILED/);
    expect(r.stdout).toContain("leaf-hash");

    const licence = structuredClone(bundle);
    const compact: string = licence.licences[0].licence;
    const at = compact.indexOf(".") + 10;
    licence.licences[0].licence = compact.slice(0, at) + (compact[at] === "A" ? "B" : "A") + compact.slice(at + 1);
    const licenceFile = join(dir, "tampered-licence.json");
    writeFileSync(licenceFile, JSON.stringify(licence));
    expect(run(["bundle", "verify", licenceFile, "--operator-cert", operatorCert()], undefined).code).toBe(1);

    const junk = join(dir, "junk-bundle.json");
    writeFileSync(junk, JSON.stringify({ format: "nope" }));
    const bad = run(["bundle", "verify", junk, "--operator-cert", operatorCert()], undefined);
    expect(bad.code).toBe(65);
    // One line, then each problem with its path.
    expect(bad.stderr).toMatch(/^elicence: The audit bundle is malformed/);
    expect(bad.stderr).toContain("log.treeHead");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(run(["bundle", "verify", "/nonexistent/bundle.json", "--operator-cert", operatorCert()], undefined).code).toBe(66);
    // Without a pinned operator nothing in a bundle can be checked: a usage error, before the file is read.
    expect(run(["bundle", "verify", "/nonexistent/bundle.json"], undefined).code).toBe(64);
  });
});

describe("stats", () => {
  it("prints per-department figures for admins; refuses issuers (77) and a bad period (64)", () => {
    const from = "2000-01-01T00:00:00Z";
    const to = new Date(Date.now() + 3600_000).toISOString();
    const r = ws(["stats", "--from", from, "--to", to, "--json"], admin);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout);
    const dept = stats.departments.find((d: { typesCatalogued: number }) => d.typesCatalogued > 0);
    expect(dept.licencesIssued).toBeGreaterThan(0);
    expect(dept.typesProvided).toBeGreaterThan(0);
    const human = ws(["stats", "--from", from, "--to", to], admin);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/types provided electronically\s+\d+ of \d+ catalogued/);
    const refused = ws(["stats", "--from", from, "--to", to]);
    expect(refused.code).toBe(77);
    expectShortError(refused);
    expect(ws(["stats", "--from", to, "--to", from], admin).code).toBe(64);
    expect(ws(["stats", "--from", "yesterday", "--to", to], admin).code).toBe(64);
  });
});

describe("completion", () => {
  it("prints a bash script that bash accepts, naming the commands", () => {
    const r = run(["completion", "bash"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("complete -F _elicence_complete elicence");
    for (const c of ["issue", "lookup", "agreement", "log", "--batch", "--tree-head"]) expect(r.stdout).toContain(c);
    const check = spawnSync("bash", ["-n"], { input: r.stdout, encoding: "utf8" });
    if (check.error === undefined) expect(check.status, check.stderr).toBe(0);
    expect(run(["completion", "zsh"]).stdout).toContain("bashcompinit");
  });

  it("refuses an unknown shell", () => {
    expect(run(["completion", "fish"]).code).toBe(64);
  });
});

describe("department add|list (the operator's job)", () => {
  const NEW_DEPT = "11330100MB00000359";

  it("refuses bad data, a wrong passphrase and a department that exists in one or two lines, writing nothing", () => {
    const before = readFileSync(join(home, "elicence.json"), "utf8");
    const cases: [string[], number, Record<string, string>?][] = [
      [["department", "add", "--name", "局", "--code", "91330100MA2B3C4D1B"], 65],
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

  it("adds a department, lists it; with a type and an issuer key its licences verify PASSED", () => {
    const added = ws(["department", "add", "--name", "示例市市场监督管理局", "--code", NEW_DEPT, "--alg", "EdDSA", "--json"]);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ code: NEW_DEPT, alg: "EdDSA" });
    const type = { ...BUSINESS_LICENCE, code: `${NEW_DEPT}001`, name: "食品生产许可证", issuers: [NEW_DEPT], version: 1 };
    writeFileSync(join(dir, "new-dept-type.json"), JSON.stringify(type));
    expect(ws(["type", "add", join(dir, "new-dept-type.json")], admin).code).toBe(0);
    const listed = JSON.parse(ws(["department", "list", "--json"]).stdout) as { code: string; licenceTypes: string[] }[];
    expect(listed.find((d) => d.code === NEW_DEPT)!.licenceTypes).toEqual([type.code]);

    const key = ws(["key", "create", "--department", NEW_DEPT, "--role", "issuer", "--type", type.code, "--label", "市场监管审批系统"], admin);
    expect(key.code, key.stderr).toBe(0);
    expect(key.stderr).toMatch(/only time the key is shown/);
    const out = join(dir, "new-dept.json");
    const issued = ws(["issue", "--type", type.code, "--holder-id", COMPANY, "--holder-name", "示例科技有限公司", ...businessFields("示例科技有限公司"), "--out", out], key.stdout.trim());
    expect(issued.code, issued.stderr).toBe(0);
    expect(JSON.parse(ws(["verify", out, "--json"]).stdout)).toMatchObject({ indication: "PASSED", algorithm: "EdDSA", signer: { organizationIdentifier: NEW_DEPT } });
  });
});

describe("key create|list|revoke (admins)", () => {
  const CONSUMER = "11330100MB0000027E";

  it("creates a consumer key, lists it without its secret, revokes it, and the key stops working", () => {
    const made = JSON.parse(ws(["key", "create", "--department", CONSUMER, "--role", "consumer", "--label", "审批系统", "--json"], admin).stdout) as { id: string; key: string };
    expect(made.key).toMatch(/^elk_[0-9a-f]{16}_/);
    const asConsumer = ws(["type", "list", "--json"], made.key);
    expect(asConsumer.code, asConsumer.stderr).toBe(0);
    const list = ws(["key", "list"], admin);
    expect(list.stdout).toContain(`${made.id}  ${CONSUMER}  consumer  active  审批系统`);
    expect(list.stdout).not.toContain(made.key.slice(22));
    expect(ws(["key", "revoke", made.id], admin).code).toBe(0);
    const refused = ws(["type", "list"], made.key);
    expect(refused.code).toBe(77);
    expectShortError(refused);
    expect(JSON.parse(ws(["key", "list", "--json"], admin).stdout).find((k: { id: string }) => k.id === made.id).revokedAt).toBeDefined();
  });

  it("refuses bad input and non-admins in one or two lines", () => {
    const cases: [string[], number, string][] = [
      [["key", "create", "--department", CONSUMER], 64, admin],
      [["key", "create", "--department", CONSUMER, "--role", "root"], 64, admin],
      [["key", "create", "--department", CONSUMER, "--role", "issuer"], 64, admin],
      [["key", "create", "--department", "91330100MA2B3C4D1B", "--role", "consumer"], 65, admin],
      [["key", "create", "--department", CONSUMER, "--role", "consumer"], 77, issuer],
      [["key", "list"], 77, issuer],
      [["key", "revoke", "0123456789abcdef"], 65, admin],
    ];
    for (const [args, code, key] of cases) {
      const r = ws(args, key);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(code);
      expectShortError(r);
    }
  });
});
