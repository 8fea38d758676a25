/**
 * End to end, as a user works: the built `elicence` binary in child processes against a real
 * `elicence serve` on loopback, once on SQLite and once on PostgreSQL (same body): init, catalogue,
 * a batch of 10 000 licences through `--registry`, lookups by a consumer without and with a
 * sharing agreement, revocation, verification online and offline, an audit bundle verified on a
 * copy with the registry stopped, and `log verify` against a tree head saved before more events.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeCitizenIdCheck } from "@elicence/core";
import { createTestDatabase } from "@elicence/test-support/postgres";
import { startServe, stopServe } from "../support/serve.js";

const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));
const PASS = "correct horse battery staple";
const CONSUMER = "11330100MB0000027E"; // an approval system's department
const PERSON = "11330100MB0000019K002";
const NEW_TYPE = "11330100MB0000019K003";
const ROWS = 10_000;
/** Per test: the 10k batch takes 20–60 s on a busy 2-core machine (PostgreSQL the slower). */
const TEST_TIMEOUT_MS = 300_000;
/** Lines (1 = the header) of the rows that are wrong on purpose. */
const BAD_LINES = [2, 5_003, ROWS + 4];

/** Person n's citizen identity number: valid (GB 11643 check character), made up, unique. */
function citizen(n: number): string {
  const born = new Date(Date.UTC(1960, 0, 1) + Math.floor(n / 500) * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
  const body = `330106${born}${String(n % 500).padStart(3, "0")}`;
  return body + computeCitizenIdCheck(body);
}

/** The same code with a wrong check character. */
const wrongCheck = (code: string) => code.slice(0, -1) + (code.endsWith("0") ? "1" : "0");

/** The batch file: ROWS good rows of operator certificates and three bad ones at BAD_LINES. */
function batchCsv(): string {
  const lines = ["type,holderName,holderIdType,holderId,operationCategory,operationItem,firstIssuedOn,gender,birthDate,homeAddress"];
  for (let n = 0; n < ROWS; n++) {
    const id = citizen(n);
    lines.push(`${PERSON},张三${n},111,${id},电工作业,低压电工作业,2019-07-01,${n % 2 ? "男" : "女"},${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)},示例路${n}号`);
  }
  lines.splice(1, 0, `${PERSON},坏号码,111,${wrongCheck(citizen(1))},电工作业,x,2019-07-01,女,1960-01-01,`); // wrong check character
  lines.splice(5_002, 0, `${PERSON},短,111,${citizen(2)},电工作业`); // too few values
  lines.push(`${PERSON},枚举,111,${citizen(3)},潜水作业,x,2019-07-01,女,1960-01-01,`); // not a value of the enum
  return `${lines.join("\n")}\n`;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The end-to-end suite on one database; each adapter's test file calls it, so the two run in parallel. */
export function endToEnd(adapter: "sqlite" | "postgres"): void {
  describe(`end to end on ${adapter}`, () => {
    let dir: string;
    let home: string;
    let db: string | undefined;
    let dropDb: (() => Promise<void>) | undefined;
    let url: string;
    let server: ChildProcess | undefined;
    let admin = "";
    let consumer = "";
    let issuer = "";
    const trust = () => ["--trust", join(home, "trust-list.jwt"), "--operator-cert", join(home, "pki", "operator.pem")];
    const cause = (reason: string) => ["--matter", "330100-E2E-1", "--reason", reason];

    function run(args: string[], key = ""): Run {
      const r = spawnSync(process.execPath, [BIN, ...args], {
        encoding: "utf8",
        env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: key },
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 240_000,
        maxBuffer: 256 * 1024 * 1024,
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    }
    /** Runs a command against the registry server (`--registry URL` appended). */
    const remote = (args: string[], key: string) => run([...args, "--registry", url], key);
    const json = <T = unknown>(r: Run): T => {
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as T;
    };

    let ids: string[] = [];
    let revoked = "";
    let kept = "";

    beforeAll(async () => {
      expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
      dir = mkdtempSync(join(tmpdir(), `elicence-e2e-${adapter}-`));
      home = join(dir, "ws");
      if (adapter === "postgres") {
        const created = await createTestDatabase();
        db = created.url;
        dropDb = created.drop;
      }
      const init = json<{ apiKeys: { role: string; key: string }[] }>(run(["init", "--home", home, "--json", ...(db ? ["--db", db] : [])]));
      admin = init.apiKeys.find((k) => k.role === "admin")!.key;
      issuer = init.apiKeys.find((k) => k.role === "issuer")!.key;
      ({ url, child: server } = await startServe(BIN, home, PASS, {
        ...(db ? { db } : {}),
        // On PostgreSQL, a pool smaller than the default: the suite runs on 4 connections.
        ...(db ? { args: ["--db-pool-size", "4", "--db-pool-wait", "20000"] } : {}),
        log: join(dir, "serve.log"),
      }));
      // An approval system's department gets its own consumer key from an admin, over HTTP.
      const made = remote(["key", "create", "--department", CONSUMER, "--role", "consumer", "--label", "某某审批系统", "--json"], admin);
      expect(made.code, made.stderr).toBe(0);
      consumer = json<{ key: string }>(made).key;
    });

    afterAll(async () => {
      if (server) await stopServe(server);
      await dropDb?.();
    });

    it("catalogue: type add through the registry; type show and list see it", () => {
      const file = join(dir, "type.json");
      const type = {
        code: NEW_TYPE,
        name: "端到端测试许可证",
        holderKind: "legal-person",
        issuers: ["11330100MB0000019K"],
        version: 1,
        fields: [
          { name: "scope", label: "许可范围", type: "string", required: true, share: "unconditional" },
          { name: "contact", label: "联系电话", type: "string", required: false, share: "conditional" },
        ],
      };
      writeFileSync(file, JSON.stringify(type));
      expect(remote(["type", "add", file], issuer).code).toBe(77); // issuers do not edit the catalogue
      expect(json<{ code: string }>(remote(["type", "add", file, "--json"], admin)).code).toBe(NEW_TYPE);
      expect(json<{ name: string }>(remote(["type", "show", NEW_TYPE, "--json"], issuer)).name).toBe("端到端测试许可证");
      expect(json<{ code: string }[]>(remote(["type", "list", "--json"], issuer)).map((t) => t.code)).toEqual(expect.arrayContaining([PERSON, NEW_TYPE]));
      // The first issuer key predates the type; an admin gives the department a key for it.
      const args = ["issue", "--type", NEW_TYPE, "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "示例科技有限公司", "--field", "scope=端到端", "--field", "contact=0571-00000000"];
      expect(remote(args, issuer).code).toBe(77);
      const key = json<{ key: string }>(remote(["key", "create", "--department", "11330100MB0000019K", "--role", "issuer", "--type", NEW_TYPE, "--json"], admin)).key;
      const issued = remote(args, key);
      expect(issued.code, issued.stderr).toBe(0);
      expect(issued.stdout.trim()).toMatch(new RegExp(`^1\\.2\\.156\\.3005\\.2\\.${NEW_TYPE}\\.`));
    }, TEST_TIMEOUT_MS);

    it(`issue --batch: ${ROWS} licences from a CSV through --registry; bad rows reported by line`, () => {
      const file = join(dir, "batch.csv");
      writeFileSync(file, batchCsv());
      const started = Date.now();
      const r = remote(["issue", "--batch", file, "--json"], issuer);
      const seconds = (Date.now() - started) / 1000;
      expect(r.code, r.stderr).toBe(65);
      const summary = JSON.parse(r.stdout) as { rows: number; issued: number; failed: number; errors: { line: number; message: string }[]; licences: { id: string; line: number }[] };
      expect(summary).toMatchObject({ rows: ROWS + 3, issued: ROWS, failed: 3 });
      expect(summary.errors.map((e) => e.line)).toEqual(BAD_LINES);
      expect(summary.errors[0]!.message).toContain("holder.idNumber");
      ids = summary.licences.map((l) => l.id);
      expect(new Set(ids).size).toBe(ROWS);
      console.log(`${adapter}: issued ${ROWS} licences over HTTP in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)}/s)`);
      // Running the same file again issues nothing twice (once is enough: the replay is the same on both databases).
      if (adapter === "postgres") return;
      const again = remote(["issue", "--batch", file, "--json"], issuer);
      expect(again.code).toBe(65);
      expect((JSON.parse(again.stdout) as { licences: { id: string }[] }).licences.map((l) => l.id)).toEqual(ids);
    }, TEST_TIMEOUT_MS);

    it("lookup by a consumer: conditional fields only with a sharing agreement, `none` fields never", () => {
      const holder = citizen(7);
      const lookup = () => json<{ id: string; fields: Record<string, unknown>; withheld: string[] }[]>(remote(["lookup", "--holder-id", holder, "--type", PERSON, ...cause("lookup"), "--json"], consumer));
      const before = lookup();
      expect(before).toHaveLength(1);
      expect(before[0]!.fields).toMatchObject({ operationCategory: "电工作业", operationItem: "低压电工作业" });
      for (const hidden of ["gender", "birthDate", "homeAddress"]) expect(before[0]!.fields).not.toHaveProperty(hidden);
      expect(before[0]!.withheld).toEqual(expect.arrayContaining(["gender", "birthDate", "homeAddress"]));

      const agreement = remote(["agreement", "add", "--consumer", CONSUMER, "--type", PERSON, "--field", "gender", "--field", "birthDate", "--expires", "2099-01-01T00:00:00Z", "--json"], admin);
      expect(agreement.code, agreement.stderr).toBe(0);
      const after = lookup();
      expect(after[0]!.fields).toMatchObject({ gender: "男", birthDate: `${holder.slice(6, 10)}-${holder.slice(10, 12)}-${holder.slice(12, 14)}` });
      expect(after[0]!.fields).not.toHaveProperty("homeAddress");
      expect(after[0]!.withheld).toEqual(["homeAddress"]);
      // An agreement never opens a `none` field.
      const none = remote(["agreement", "add", "--consumer", CONSUMER, "--type", PERSON, "--field", "homeAddress", "--expires", "2099-01-01T00:00:00Z"], admin);
      expect(none.code).not.toBe(0);
      expect(lookup()[0]!.fields).not.toHaveProperty("homeAddress");
    }, TEST_TIMEOUT_MS);

    it("verify online, revoke, verify again; offline without a status list is never PASSED", () => {
      revoked = ids[10]!;
      kept = ids[11]!;
      const file = join(dir, "licence.json");
      const got = remote(["get", revoked, "--out", file, ...cause("copy")], admin);
      expect(got.code, got.stderr).toBe(0);
      const compact = join(dir, "licence.txt");
      expect(remote(["get", revoked, "--out", compact, "--format", "compact", ...cause("copy")], admin).code).toBe(0);

      const online = remote(["verify", file, ...trust(), "--json"], admin);
      expect(online.code, online.stdout + online.stderr).toBe(0);
      expect(JSON.parse(online.stdout).checks.find((c: { check: string }) => c.check === "status").result).toBe("passed");
      expect(remote(["verify", readFileSync(compact, "utf8").trim(), ...trust()], admin).code).toBe(0);
      const byId = remote(["verify", revoked, ...trust(), ...cause("verify"), "--json"], admin);
      expect(byId.code, byId.stderr).toBe(0);
      expect(JSON.parse(byId.stdout).licence.id).toBe(revoked);

      const r = remote(["revoke", revoked, "--reason", "fraud", "--json"], issuer);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).status).toBe("revoked");
      for (const args of [[file], [revoked, ...cause("verify")]]) {
        const after = remote(["verify", ...args, ...trust(), "--json"], admin);
        expect(after.code).toBe(1);
        expect(JSON.parse(after.stdout).indication).toBe("FAILED");
      }
      expect(remote(["verify", kept, ...trust(), ...cause("verify")], admin).code).toBe(0);
      const offline = run(["verify", file, ...trust(), "--offline", "--json"]);
      expect(offline.code).toBe(2);
      expect(JSON.parse(offline.stdout).indication).toBe("INDETERMINATE");
    }, TEST_TIMEOUT_MS);

    it("bundle export, log verify after more events, then verify both on copies with the registry stopped", async () => {
      const head = join(dir, "head.json");
      expect(remote(["log", "head", ...trust(), "--out", head], "") /* public: no API key */.code).toBe(0);
      const savedSize = (JSON.parse(readFileSync(head, "utf8")) as { treeSize: number }).treeSize;
      expect(savedSize).toBeGreaterThan(ROWS);

      const bundle = join(dir, "bundle.json");
      const exported = remote(["bundle", "export", "--ids", `${revoked},${kept}`, "--out", bundle, ...cause("audit"), "--json"], admin);
      expect(exported.code, exported.stderr).toBe(0);
      // More events after the saved head: a suspension and a resumption.
      expect(remote(["suspend", ids[12]!, "--reason", "inspection"], issuer).code).toBe(0);
      expect(remote(["resume", ids[12]!, "--reason", "done"], issuer).code).toBe(0);
      const log = json<{ consistent: boolean; old: { treeSize: number }; current: { treeSize: number } }>(remote(["log", "verify", "--tree-head", head, ...trust(), "--json"], ""));
      expect(log.consistent).toBe(true);
      expect(log.old.treeSize).toBe(savedSize);
      expect(log.current.treeSize).toBeGreaterThan(savedSize + 2);

      expect(await stopServe(server!)).toBe(0);
      server = undefined;
      const copies = join(dir, "auditor");
      mkdirSync(copies);
      const copy = join(copies, "bundle.json");
      copyFileSync(bundle, copy);
      const operatorCert = join(copies, "operator.pem");
      copyFileSync(join(home, "pki", "operator.pem"), operatorCert);

      // The registry is down: online commands say so in one or two lines, exit 69.
      const down = remote(["lookup", "--holder-id", citizen(7), ...cause("down")], admin);
      expect(down.code).toBe(69);
      expect(down.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);

      const report = run(["bundle", "verify", copy, "--operator-cert", operatorCert, "--json"]);
      const parsed = JSON.parse(report.stdout) as { indication: string; licences: { id: string; report: { indication: string } }[]; log: { licencesWithoutProof: string[] } };
      // The revoked licence makes the bundle FAILED; the other one PASSED; every log entry is proven.
      expect(report.code).toBe(1);
      expect(parsed.indication).toBe("FAILED");
      expect(Object.fromEntries(parsed.licences.map((l) => [l.id, l.report.indication]))).toEqual({ [revoked]: "FAILED", [kept]: "PASSED" });
      expect(parsed.log.licencesWithoutProof).toEqual([]);
      expect(run(["verify", "--offline", "--bundle", copy, kept, "--operator-cert", operatorCert]).code).toBe(0);
      expect(run(["verify", "--offline", "--bundle", copy, revoked, "--operator-cert", operatorCert]).code).toBe(1);
    }, TEST_TIMEOUT_MS);
  });
}
