#!/usr/bin/env node
// Runs the pinned pnpm (through npx, no global install) with what native modules need to build
// from source: when this Node has its headers installed system-wide (Debian's nodejs, as on our
// machines, which cannot download headers), node-gyp is pointed at them; elsewhere node-gyp
// does what it always does.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

const env = { ...process.env };
if (!env.npm_config_nodedir) {
  const prefix = dirname(dirname(process.execPath));
  for (const dir of [prefix, "/usr"]) {
    if (existsSync(join(dir, "include", "node", "node.h"))) {
      env.npm_config_nodedir = dir;
      break;
    }
  }
}
const result = spawnSync("npx", ["--yes", "pnpm@10.34.9", ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(result.status ?? 1);
