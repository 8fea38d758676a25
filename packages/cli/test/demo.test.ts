/**
 * The demo (`node scripts/pnpm.mjs demo`) leaves a workspace the user can go on with: it shows the
 * passphrase and the API keys and writes them to `demo.env` (owner-only), and a registry command
 * run after `source demo.env` works. The built binary.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

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
