/**
 * The demo (`node scripts/pnpm.mjs demo`) leaves a workspace the user can go on with: it shows the
 * passphrase and the API keys and writes them to `demo.env` (owner-only), and a registry command
 * run after `source demo.env` works. The built binary.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { computeCitizenIdCheck } from "@elicence/core";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = join(ROOT, "packages/cli/dist/bin.js");

it("the demo workspace can be reused: passphrase and keys shown and kept in demo.env", () => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  const dir = mkdtempSync(join(tmpdir(), "elicence-demo-test-"));
  const home = join(dir, ".elicence-demo");
  // The demo's own passphrase, not one from the environment.
  const { ELICENCE_PASSPHRASE: _passphrase, ...inherited } = process.env;
  const env = { ...inherited, ELICENCE_DEMO_HOME: home, ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: "" };
  const demo = spawnSync(process.execPath, [join(ROOT, "scripts/demo.mjs")], { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
  expect(demo.status, demo.stderr).toBe(0);
  expect(demo.stdout).toMatch(/Passphrase of the workspace keys: \S/);
  expect(demo.stdout).toMatch(/issuer elk_\S+ {2}admin elk_\S+/);
  const file = join(home, "demo.env");
  expect(statSync(file).mode & 0o077).toBe(0);
  expect(readFileSync(file, "utf8")).toMatch(/^export ELICENCE_PASSPHRASE='.+'\nexport ELICENCE_API_KEY='elk_.+'\nexport ELICENCE_ADMIN_KEY='elk_.+'\n$/);
  const reuse = spawnSync(
    "bash",
    ["-e", "-c", `unset ELICENCE_PASSPHRASE ELICENCE_API_KEY; source "$1"; node "$2" lookup --home "$3" --holder-id 91330100MA2B3C4D1A --matter 330100-DEMO-0001 --reason 试用 --json`, "reuse", file, BIN, home],
    { cwd: dir, encoding: "utf8", timeout: 60_000, env: { ...process.env, ELICENCE_PBKDF2_ITERATIONS: "2000" } },
  );
  expect(reuse.status, reuse.stderr).toBe(0);
  expect(reuse.stdout).toContain("1.2.156.3005.2.11330100MB0000019K001");
});

it("runs under Node options that worker threads refuse (V8 heap and stack sizes): the registry's workers drop them", () => {
  // `node --max-old-space-size=… elicence …` is how operators give the registry a bigger heap;
  // Node refuses these options in a Worker's execArgv (ERR_WORKER_INVALID_EXEC_ARGV), so the SQLite
  // writer thread and the signing and time-stamping workers must not pass them on.
  const dir = mkdtempSync(join(tmpdir(), "elicence-node-options-"));
  const home = join(dir, "ws");
  const flags = ["--max-old-space-size=2048", "--max-semi-space-size=32", "--stack-size=1500", "--expose-gc", "--enable-source-maps"];
  const env = { ...process.env, ELICENCE_PASSPHRASE: "node options test passphrase", ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: "" };
  const cli = (args: string[]) => spawnSync(process.execPath, [...flags, BIN, ...args], { env, encoding: "utf8", timeout: 120_000 });
  const init = cli(["init", "--home", home, "--json"]);
  expect(init.status, init.stderr).toBe(0);
  env.ELICENCE_API_KEY = (JSON.parse(init.stdout) as { apiKeys: { role: string; key: string }[] }).apiKeys.find((k) => k.role === "issuer")!.key;
  const out = join(dir, "licence.txt");
  const issue = cli([
    "issue", "--home", home, "--type", "11330100MB0000019K001",
    "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "示例科技有限公司",
    "--field", "name=示例科技有限公司", "--field", "entityType=有限责任公司（自然人投资或控股）",
    "--field", "legalRepresentative=李四", "--field", "establishedOn=2020-05-18",
    "--field", "businessScope=软件开发；信息技术咨询服务", "--field", "registeredCapital=500",
    "--field", "address=示例市示例区示例路1号", "--out", out,
  ]);
  expect(issue.status, issue.stderr).toBe(0);
  const verify = cli(["verify", out, "--home", home]);
  expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  expect(verify.stdout).toContain("PASSED");
  // A batch of 20: signed on the signing workers (batches of 16 and more).
  const rows = ["type,holderName,holderIdType,holderId,operationCategory,operationItem,firstIssuedOn,gender,birthDate,homeAddress"];
  for (let n = 0; n < 20; n++) {
    const body = `33010619600101${String(n).padStart(3, "0")}`;
    rows.push(`11330100MB0000019K002,张三${n},111,${body}${computeCitizenIdCheck(body)},电工作业,低压电工作业,2019-07-01,${n % 2 ? "男" : "女"},1960-01-01,示例路${n}号`);
  }
  const csv = join(dir, "batch.csv");
  writeFileSync(csv, `${rows.join("\n")}\n`);
  const batch = cli(["issue", "--home", home, "--batch", csv, "--json"]);
  expect(batch.status, batch.stdout + batch.stderr).toBe(0);
  // A read: its log record is committed by the SQLite writer thread.
  const lookup = cli(["lookup", "--home", home, "--holder-id", "91330100MA2B3C4D1A", "--matter", "330100-DEMO-0001", "--reason", "试用", "--json"]);
  expect(lookup.status, lookup.stderr).toBe(0);
  expect(lookup.stdout).toContain("1.2.156.3005.2.11330100MB0000019K001");
});
