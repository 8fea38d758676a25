#!/usr/bin/env node
// Checks the packaging of every published package (each packages/*/package.json that is not
// private), as it would be published: `pnpm pack` makes the tarball (workspace:* rewritten to
// versions, only the `files`), then
//   - publint --strict: package.json fields, exports and the files they name (warnings are errors);
//   - @arethetypeswrong/cli: every subpath export resolves to types that match its JavaScript.
// Run after the build (`pnpm run build`): the tarballs hold dist/.
//
// attw runs with the `esm-only` profile, which leaves out the `node10` and `node16` (from CommonJS)
// resolutions: our packages are ESM only ("type": "module", `import` conditions, no `require`), so
// under those two a `require()` of them fails by design and attw's default profile would report
// exactly that (NoResolution, CJSResolvesToESM). Every ESM resolution (node16 from ESM, bundler)
// is still checked.
//
//   node scripts/check-packages.mjs [package-dir …]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const PNPM = join(ROOT, "scripts", "pnpm.mjs");
const BIN = join(ROOT, "node_modules", ".bin");

/** The published packages: every packages/* whose package.json is not private. */
function publishedPackages() {
  const dirs = [];
  for (const name of readdirSync(join(ROOT, "packages")).sort()) {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(ROOT, "packages", name, "package.json"), "utf8"));
    } catch {
      continue; // not a package folder
    }
    if (manifest.private !== true) dirs.push(join(ROOT, "packages", name));
  }
  return dirs;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.error) throw result.error;
  return result;
}

const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => join(process.cwd(), d)) : publishedPackages();
const out = mkdtempSync(join(tmpdir(), "elicence-pack-"));
const failed = [];
try {
  for (const dir of dirs) {
    const name = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name;
    const dest = join(out, name.replace(/[@/]/g, "_"));
    mkdirSync(dest);
    const pack = run(process.execPath, [PNPM, "pack", "--pack-destination", dest], { cwd: dir });
    const tarball = pack.status === 0 ? readdirSync(dest).find((f) => f.endsWith(".tgz")) : undefined;
    if (!tarball) {
      process.stdout.write(`${name}: pnpm pack failed\n${pack.stdout}${pack.stderr}`);
      failed.push(`${name} (pack)`);
      continue;
    }
    const file = join(dest, tarball);
    for (const [tool, args] of [
      ["publint", ["run", "--strict", file]],
      ["attw", [file, "--profile", "esm-only"]],
    ]) {
      const r = run(join(BIN, tool), args, { cwd: ROOT });
      const ok = r.status === 0;
      process.stdout.write(`${ok ? "ok  " : "FAIL"} ${name}: ${tool}\n`);
      if (!ok) {
        process.stdout.write(`${r.stdout}${r.stderr}\n`);
        failed.push(`${name} (${tool})`);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failed.length > 0) {
  process.stdout.write(`Packaging problems: ${failed.join(", ")}.\n`);
  process.exit(1);
}
process.stdout.write(`Packaging of ${dirs.length} published package(s): publint --strict and attw pass.\n`);
