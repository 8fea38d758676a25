#!/usr/bin/env node
// Checks (and with --install, installs through apt-get when running as root) the system tools the
// test suite uses: OpenSSL and Debian's python3-jwcrypto (an independent JOSE implementation) for
// interoperability, and Debian's PostgreSQL server, from which the storage tests build a throwaway
// cluster (scripts/postgres-test.mjs), the sqlite3 shell and Chromium (browser tests). Tests that
// need them fail when they are missing; they never skip.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

const install = process.argv.includes("--install");
const has = (cmd, args) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
const missing = [];
if (!has("openssl", ["version"])) missing.push("openssl");
if (!has("/usr/bin/python3", ["-c", "import jwcrypto"])) missing.push("python3-jwcrypto");
const hasPostgresServer = () =>
  existsSync("/usr/lib/postgresql") &&
  readdirSync("/usr/lib/postgresql").some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
if (!hasPostgresServer()) missing.push("postgresql");
// The operator guide's backup commands (run by the docs test) use the sqlite3 shell.
if (!has("sqlite3", ["-version"])) missing.push("sqlite3");
// The SDK's verification runs in a real headless browser (driven by playwright-core, which
// downloads nothing): Debian's Chromium.
if (!existsSync("/usr/bin/chromium")) missing.push("chromium");
// Printed licences are rendered and scanned as a person would: poppler's pdftoppm (PDF → PNG),
// pdftotext and pdffonts (what the PDF says and embeds).
if (!has("pdftoppm", ["-v"])) missing.push("poppler-utils");
// The offline verifier page's screenshots (kept as test artefacts) need a CJK font in Chromium.
if (!existsSync("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")) missing.push("fonts-wqy-microhei");

if (missing.length === 0) process.exit(0);
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (install && isRoot && has("apt-get", ["--version"])) {
  console.error(`Installing ${missing.join(", ")} with apt-get…`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  process.exit(0);
}
console.error(`The tests need: ${missing.join(", ")}. Install them, e.g.: sudo apt-get install ${missing.join(" ")}`);
process.exit(1);
