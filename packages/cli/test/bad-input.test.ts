/**
 * Bad input to every command gives a one- or two-line error and a non-zero exit, never a stack
 * trace: missing flags and arguments, unreadable and unwritable files, a wrong API key, a registry
 * that is down. Table-driven over every command; the built binary against a live `elicence serve`.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServe, stopServe } from "./support/serve.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const PASS = "correct horse battery staple";
const OPERATOR = "12330100MB00000431";
const PERSON = "11330100MB0000019K002";
const CITIZEN = "11010519491231002X";
const FROM = "2026-01-01T00:00:00Z";
const TO = "2099-01-01T00:00:00Z";
const cause = ["--matter", "330100-BAD-1", "--reason", "bad input"];
const personFields = ["--field", "operationCategory=电工作业", "--field", "operationItem=低压电工作业", "--field", "firstIssuedOn=2019-07-01", "--field", "gender=女", "--field", "birthDate=1949-12-31"];

let dir: string;
let home: string;
let admin = "";
let issuer = "";
let id = "";
let url = "";
let down = "";
let server: ChildProcess | undefined;
const path = (name: string) => join(dir, name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking the test process, so cases run concurrently. */
function run(args: readonly string[], key = ""): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: key },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** One or two lines on standard error, no stack trace, nothing half-written on standard output. */
function expectShortError(r: Run, code: number): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split("\n");
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^(elicence|error): /);
  expect(r.stderr).not.toMatch(/\n\s+at |Error: |Unexpected error/);
  expect(r.stdout).toBe("");
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Every command that talks to a registry, with arguments that are right in every other way; the
 * tests add `--registry URL` (and `--home` for the last case).
 */
const REGISTRY_COMMANDS: readonly (readonly string[])[] = [
  ["type", "list"],
  ["type", "show", PERSON],
  ["type", "add", "TYPE_FILE"],
  ["issue", "--type", PERSON, "--holder-id", CITIZEN, "--holder-name", "张三", ...personFields],
  ["issue", "--batch", "BATCH_FILE"],
  ["amend", "ID", "--field", "operationItem=高压电工作业", "--reason", "r"],
  ["renew", "ID", "--valid-until", TO, "--reason", "r"],
  ["suspend", "ID", "--reason", "r"],
  ["resume", "ID", "--reason", "r"],
  ["revoke", "ID", "--reason", "r"],
  ["cancel", "ID", "--reason", "r"],
  ["lookup", "--holder-id", CITIZEN, ...cause],
  ["get", "ID", ...cause],
  ["check-data", "--holder-id", CITIZEN, "--type", PERSON, "--field", "gender", "--value", "女", ...cause],
  ["agreement", "add", "--consumer", OPERATOR, "--type", PERSON, "--field", "gender", "--expires", TO],
  ["agreement", "list"],
  ["key", "create", "--department", "11330100MB0000027E", "--role", "consumer"],
  ["key", "list"],
  ["key", "revoke", "0123456789abcdef"],
  ["log", "head", "--trust", "TRUST", "--operator-cert", "OPERATOR_CERT"],
  ["log", "verify", "--tree-head", "HEAD_FILE", "--trust", "TRUST", "--operator-cert", "OPERATOR_CERT"],
  ["bundle", "export", "--ids", "ID", "--out", "OUT_FILE", ...cause],
  ["stats", "--from", FROM, "--to", TO],
  ["stats"],
  ["matter", "list"],
  ["matter", "show", "330100-BAD-1"],
  ["matter", "add", "TYPE_FILE"],
  ["materials", "--matter", "330100-BAD-1", "--holder-id", CITIZEN, "--trust", "TRUST", "--operator-cert", "OPERATOR_CERT"],
  ["verify", "ID", "--trust", "TRUST", "--operator-cert", "OPERATOR_CERT", ...cause],
  ["verify", "LICENCE_FILE", "--trust", "TRUST", "--operator-cert", "OPERATOR_CERT"],
];

/** Every command with a required flag or argument left out → exit 64. */
const MISSING: readonly (readonly string[])[] = [
  ["init"],
  ["serve"],
  ["type", "show", "--home", "HOME"],
  ["type", "add", "--home", "HOME"],
  ["type", "list"],
  ["issue", "--home", "HOME", "--type", PERSON, "--holder-name", "张三"],
  ["amend", "ID", "--field", "a=b", "--home", "HOME"],
  ["renew", "ID", "--reason", "r", "--home", "HOME"],
  ["suspend", "ID", "--home", "HOME"],
  ["resume", "--reason", "r", "--home", "HOME"],
  ["revoke", "ID", "--home", "HOME"],
  ["cancel", "ID", "--home", "HOME"],
  ["lookup", ...cause, "--home", "HOME"],
  ["get", "ID", "--matter", "M", "--home", "HOME"],
  ["check-data", "--holder-id", CITIZEN, "--type", PERSON, "--field", "gender", ...cause, "--home", "HOME"],
  ["agreement", "add", "--consumer", OPERATOR, "--type", PERSON, "--field", "gender", "--home", "HOME"],
  ["agreement", "list"],
  ["key", "create", "--role", "consumer", "--home", "HOME"],
  ["key", "revoke", "--home", "HOME"],
  ["key", "list"],
  ["department", "add", "--name", "局", "--home", "HOME"],
  ["department", "add", "--code", "11330100MB00000359", "--home", "HOME"],
  ["department", "add", "--name", "局", "--code", "11330100MB00000359", "--alg", "HS256", "--home", "HOME"],
  ["department", "list"],
  ["department", "revoke", "11330100MB0000019K", "--home", "HOME"],
  ["department", "revoke", "--reason", "superseded", "--home", "HOME"],
  ["department", "revoke", "11330100MB0000019K", "--reason", "removeFromCRL", "--home", "HOME"],
  ["log", "head"],
  ["log", "verify", "--home", "HOME"],
  ["bundle", "export", "--ids", "ID", ...cause, "--home", "HOME"],
  ["bundle", "verify"],
  ["stats"],
  ["matter", "show", "--home", "HOME"],
  ["matter", "add", "--home", "HOME"],
  ["matter", "list"],
  ["materials", "--holder-id", CITIZEN, "--home", "HOME"],
  ["materials", "--matter", "330100-BAD-1", "--home", "HOME"],
  ["completion"],
  ["verify"],
  ["verify", "LICENCE_FILE"],
  ["verify", "ID", "--home", "HOME"],
  ["verify", "ID", "--trust", "TRUST", ...cause],
  ["verify", "LICENCE_FILE", "--trust", "TRUST"],
  ["bundle", "verify", "LICENCE_FILE"],
  ["holder", "key", "--out", "k.pem"],
  ["present", "LICENCE_FILE", "--nonce", "n", "--audience", "a"],
  ["present", "LICENCE_FILE", "--key", "k.pem", "--nonce", "n"],
  ["export", "LICENCE_FILE", "--home", "HOME"],
  ["export", "LICENCE_FILE", "--format", "sd-jwt-vc"],
  ["verify", "--presentation", "LICENCE_FILE", "--home", "HOME", "--nonce", "n"],
  ["verify", "LICENCE_FILE", "--home", "HOME", "--nonce", "n"],
  ["consent", "keygen"],
  ["consent", "vouch", "--public-key", "LICENCE_FILE", "--out", "OUT_FILE", "--home", "HOME"],
  ["consent", "grant", "--key", "LICENCE_FILE", "--consumer", OPERATOR, "--type", PERSON, "--field", "gender", "--purpose", "p", "--until", TO, "--home", "HOME"],
  ["consent", "withdraw", "--key", "LICENCE_FILE", "--assertion", "LICENCE_FILE", "--home", "HOME"],
  ["consent", "list", "--assertion", "LICENCE_FILE", "--home", "HOME"],
  ["access-record", "--assertion", "LICENCE_FILE", "--home", "HOME"],
];

/** A file that cannot be read (66) or written (73), for every command that reads or writes one (admin key unless `issuer`). */
const FILES: readonly [readonly string[], number, "issuer"?][] = [
  [["type", "add", "MISSING", "--home", "HOME"], 66],
  [["issue", "--batch", "MISSING.csv", "--home", "HOME"], 66, "issuer"],
  [["issue", "--home", "HOME", "--type", PERSON, "--holder-id", CITIZEN, "--holder-name", "张三", ...personFields, "--out", "UNWRITABLE"], 73, "issuer"],
  [["amend", "ID", "--field", "operationItem=x", "--reason", "r", "--home", "HOME", "--out", "UNWRITABLE"], 73, "issuer"],
  [["get", "ID", ...cause, "--home", "HOME", "--out", "UNWRITABLE"], 73],
  [["log", "head", "--home", "HOME", "--out", "UNWRITABLE"], 73],
  [["log", "head", "--registry", "URL", "--trust", "MISSING", "--operator-cert", "OPERATOR_CERT"], 66],
  [["log", "verify", "--tree-head", "MISSING", "--home", "HOME"], 66],
  [["bundle", "export", "--ids", "ID", ...cause, "--home", "HOME", "--out", "UNWRITABLE"], 73],
  [["bundle", "verify", "MISSING", "--operator-cert", "OPERATOR_CERT"], 66],
  [["bundle", "verify", "LICENCE_FILE", "--operator-cert", "MISSING"], 66],
  [["verify", "MISSING", "--home", "HOME"], 66],
  [["present", "MISSING", "--key", "MISSING", "--nonce", "n", "--audience", "a"], 66],
  [["verify", "--presentation", "MISSING", "--home", "HOME", "--nonce", "n", "--audience", "a"], 66],
  [["issue", "--home", "HOME", "--type", PERSON, "--holder-id", CITIZEN, "--holder-name", "张三", "--holder-key", "MISSING", ...personFields], 66, "issuer"],
  [["verify", "LICENCE_FILE", "--trust", "MISSING", "--operator-cert", "OPERATOR_CERT"], 66],
  [["verify", "LICENCE_FILE", "--trust", "TRUST", "--operator-cert", "MISSING"], 66],
  [["verify", "LICENCE_FILE", "--home", "HOME", "--status-list", "MISSING"], 66],
  [["verify", "--bundle", "MISSING", "ID", "--operator-cert", "OPERATOR_CERT"], 66],
  [["consent", "keygen", "--out", "UNWRITABLE"], 73],
  [["consent", "vouch", "--holder-id", CITIZEN, "--public-key", "MISSING", "--out", "OUT_FILE", "--home", "HOME"], 66, "issuer"],
  [["consent", "list", "--key", "MISSING", "--assertion", "MISSING", "--home", "HOME"], 66],
  [["access-record", "--key", "MISSING", "--assertion", "MISSING", "--home", "HOME"], 66],
];

const substitute = (args: readonly string[]) =>
  args.map((a) =>
    ({
      HOME: home,
      ID: id,
      URL: url,
      TRUST: path("ws/trust-list.jwt"),
      OPERATOR_CERT: path("ws/pki/operator.pem"),
      TYPE_FILE: path("type.json"),
      BATCH_FILE: path("batch.csv"),
      HEAD_FILE: path("head.json"),
      LICENCE_FILE: path("licence.json"),
      OUT_FILE: path("out.json"),
      MISSING: path("missing/none.json"),
      "MISSING.csv": path("missing/none.csv"),
      UNWRITABLE: path("missing/dir/out.json"),
    })[a] ?? a,
  );

beforeAll(async () => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "elicence-bad-input-"));
  home = path("ws");
  const init = await run(["init", "--home", home, "--json"]);
  expect(init.code, init.stderr).toBe(0);
  const keys = (JSON.parse(init.stdout) as { apiKeys: { role: string; key: string }[] }).apiKeys;
  admin = keys.find((k) => k.role === "admin")!.key;
  issuer = keys.find((k) => k.role === "issuer")!.key;
  const issued = await run(["issue", "--home", home, "--type", PERSON, "--holder-id", CITIZEN, "--holder-name", "张三", ...personFields, "--out", path("licence.json")], issuer);
  expect(issued.code, issued.stderr).toBe(0);
  id = issued.stdout.trim();
  expect((await run(["log", "head", "--home", home, "--out", path("head.json")], admin)).code).toBe(0);
  writeFileSync(path("type.json"), JSON.stringify({ code: "11330100MB0000019K009", name: "坏输入", holderKind: "legal-person", issuers: ["11330100MB0000019K"], version: 1, fields: [{ name: "scope", label: "范围", type: "string", required: true, share: "unconditional" }] }));
  writeFileSync(path("batch.csv"), `type,holderName,holderIdType,holderId,operationCategory,operationItem,firstIssuedOn,gender,birthDate\n${PERSON},张三,111,${CITIZEN},电工作业,x,2019-07-01,女,1949-12-31\n`);
  ({ url, child: server } = await startServe(BIN, home, PASS));
  down = `http://127.0.0.1:${await closedPort()}`;
});

afterAll(async () => {
  if (server) await stopServe(server);
});

describe.concurrent("every registry command", () => {
  it.each(REGISTRY_COMMANDS.map((args) => [args.slice(0, 2).join(" "), args] as const))("%s: a registry that is down → exit 69", async (_, args) => {
    expectShortError(await run([...substitute(args), "--registry", down], admin), 69);
  });

  // The log's tree head and proofs and the status lists are public: those commands need no key.
  const authenticated = REGISTRY_COMMANDS.filter((args) => args[0] !== "log" && (args[0] !== "verify" || args[1] === "ID"));

  it.each(authenticated.map((args) => [args.slice(0, 2).join(" "), args] as const))("%s: a wrong API key → exit 77", async (_, args) => {
    expectShortError(await run([...substitute(args), "--registry", url], "elk_wrong"), 77);
  });
});

describe.concurrent("every command", () => {
  it.each(MISSING.map((args) => [args.slice(0, 2).join(" "), args] as const))("%s with a required flag or argument missing → exit 64", async (_, args) => {
    expectShortError(await run(substitute(args), issuer), 64);
  });

  it.each(FILES.map(([args, code, key]) => [`${args.slice(0, 2).join(" ")} → exit ${code}`, args, code, key] as const))("%s: an unreadable or unwritable file", async (_, args, code, key) => {
    const r = await run(substitute(args), key === "issuer" ? issuer : admin);
    expectShortError(r, code);
    expect(r.stderr).toMatch(/Cannot (read|write)/);
  });
});

describe("an unwritable --out", () => {
  it("is refused before anything is done: the licence is neither amended nor read", async () => {
    const before = (await run(["log", "head", "--home", home, "--json"], admin)).stdout;
    expectShortError(await run(substitute(["amend", "ID", "--field", "operationItem=x", "--reason", "r", "--home", "HOME", "--out", "UNWRITABLE"]), issuer), 73);
    expectShortError(await run(substitute(["get", "ID", ...cause, "--home", "HOME", "--out", "UNWRITABLE"]), issuer), 73);
    expect(JSON.parse((await run(["log", "head", "--home", home, "--json"], admin)).stdout).treeSize).toBe(JSON.parse(before).treeSize);
    const got = await run(substitute(["get", "ID", ...cause, "--home", "HOME", "--json"]), issuer);
    expect(JSON.parse(got.stdout).status).toBe("active");
  });
});

describe("serve and init", () => {
  it("serve on a port in use, serve or init on a bad --db → exit 64", async () => {
    const port = new URL(url).port;
    expectShortError(await run(["serve", "--home", home, "--port", port]), 64);
    expectShortError(await run(["serve", "--home", home, "--db", "mysql://x"]), 64);
    expectShortError(await run(["serve", "--home", home, "--db-pool-size", "0"]), 64);
    expectShortError(await run(["serve", "--home", home, "--db-pool-wait", "1e3"]), 64);
    // A pool is PostgreSQL's: on the workspace's SQLite file the flags are refused, not ignored.
    expectShortError(await run(["serve", "--home", home, "--port", "0", "--db-pool-size", "4"]), 64);
    expectShortError(await run(["init", "--home", path("other"), "--db", "mysql://x"]), 64);
  });

  it("serve of a directory that is no workspace → exit 65; a wrong passphrase → 77", async () => {
    expectShortError(await run(["serve", "--home", path("missing"), "--port", "0"]), 65);
    const r = spawnSync(process.execPath, [BIN, "serve", "--home", home, "--port", "0"], { encoding: "utf8", env: { ...process.env, ELICENCE_PASSPHRASE: "wrong" }, timeout: 60_000 });
    expectShortError({ code: r.status, stdout: r.stdout, stderr: r.stderr }, 77);
  });
});
