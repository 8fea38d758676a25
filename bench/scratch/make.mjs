#!/usr/bin/env node
// node bench/scratch/make.mjs <name> [patch …]: copies bench/scratch/base (a snapshot of
// packages/core's dist and package.json) to bench/scratch/<name> and applies the named patches.
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PATCHES } from "./patches.mjs";

const [name, ...ids] = process.argv.slice(2);
if (!name || name === "base") throw new Error("usage: make.mjs <name> [patch …]; patches: " + Object.keys(PATCHES).join(", "));
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const dir = here(`./${name}/`);
rmSync(dir, { recursive: true, force: true });
cpSync(here("./base/dist"), `${dir}dist`, { recursive: true });
cpSync(here("./base/package.json"), `${dir}package.json`);
symlinkSync("../../../packages/core/node_modules", `${dir}node_modules`);
for (const id of ids) {
  const edits = PATCHES[id];
  if (!edits) throw new Error(`unknown patch ${id}`);
  for (const { file, find, replace } of edits) {
    const path = dir + file;
    const text = readFileSync(path, "utf8");
    const at = text.indexOf(find);
    if (at < 0 || text.indexOf(find, at + 1) >= 0) throw new Error(`${id}: ${file}: the text to replace is not found exactly once`);
    writeFileSync(path, text.slice(0, at) + replace + text.slice(at + find.length));
  }
}
console.log(`${dir}dist/index.js (${ids.join(", ") || "no patches"})`);
