#!/usr/bin/env node
// The main job on the embedded default: initialise a workspace (development CA, one issuing
// department, encrypted keys, trust list, sample licence types), issue a business licence, and
// verify it offline, printing the verdict. Uses a fixed demo passphrase: never do that for real keys.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../packages/cli/dist/bin.js", import.meta.url));
const home = process.env.ELICENCE_DEMO_HOME ?? join(process.cwd(), ".elicence-demo");
const env = { ...process.env, ELICENCE_PASSPHRASE: process.env.ELICENCE_PASSPHRASE ?? "demo passphrase, not for real keys" };
const out = join(mkdtempSync(join(tmpdir(), "elicence-demo-")), "licence.json");

function run(args, { allowFail = false } = {}) {
  console.log(`\n$ elicence ${args.join(" ")}`);
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: "inherit", env });
  if (r.status !== 0 && !allowFail) process.exit(r.status ?? 1);
  return r.status;
}

rmSync(home, { recursive: true, force: true });
// init prints the API keys once; the demo keeps the issuer's for the next steps (a real department
// stores it somewhere safe).
console.log(`\n$ elicence init --home ${home} --json`);
const init = spawnSync(process.execPath, [bin, "init", "--home", home, "--json"], { env, encoding: "utf8" });
if (init.status !== 0) {
  process.stderr.write(init.stderr);
  process.exit(init.status ?? 1);
}
const summary = JSON.parse(init.stdout);
console.log(`Workspace ready: development CA, ${summary.departments.map((d) => d.name).join(", ")}, trust list, ${summary.licenceTypes.length} licence types, registry.db`);
env.ELICENCE_API_KEY = summary.apiKeys.find((k) => k.role === "issuer").key;
const adminKey = summary.apiKeys.find((k) => k.role === "admin").key;
// So the workspace can be used after the demo: the passphrase and the keys, shown and kept in a
// file only the user can read (a demo's keys; real ones are never written down like this).
const quote = (v) => `'${v.replaceAll("'", "'\\''")}'`;
const envFile = join(home, "demo.env");
writeFileSync(
  envFile,
  [`export ELICENCE_PASSPHRASE=${quote(env.ELICENCE_PASSPHRASE)}`, `export ELICENCE_API_KEY=${quote(env.ELICENCE_API_KEY)}`, `export ELICENCE_ADMIN_KEY=${quote(adminKey)}`, ""].join("\n"),
  { mode: 0o600 },
);
console.log(`Passphrase of the workspace keys: ${env.ELICENCE_PASSPHRASE}`);
console.log(`API keys (shown once): issuer ${env.ELICENCE_API_KEY}  admin ${adminKey}`);
console.log(`To reuse the workspace: source ${envFile}`);
run(["type", "list", "--home", home]);
run([
  "issue", "--home", home, "--type", "11330100MB0000019K001",
  "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "示例科技有限公司",
  "--field", "name=示例科技有限公司",
  "--field", "entityType=有限责任公司（自然人投资或控股）",
  "--field", "legalRepresentative=李四",
  "--field", "establishedOn=2020-05-18",
  "--field", "businessScope=软件开发；信息技术咨询服务",
  "--field", "registeredCapital=500",
  "--field", "address=示例市示例区示例路1号",
  "--out", out,
]);
const status = run(["verify", out, "--home", home]);
console.log(`\nThe workspace is in ${home}; the licence file is ${out}. Reuse it: source ${envFile}`);
process.exit(status);
