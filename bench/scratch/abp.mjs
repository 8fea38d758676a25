#!/usr/bin/env node
// A/B across processes: each pass runs every variant in a fresh process (raw and ours interleaved
// inside it); prints the median over passes. node bench/scratch/abp.mjs <op> <alg> <passes> variant…
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "../report.mjs";
const [op, alg, passes, ...variants] = process.argv.slice(2);
const one = fileURLToPath(new URL("./one.mjs", import.meta.url));
// The world is built with the snapshot, so a concurrent rebuild of packages/core cannot break a run.
const env = { ...process.env, BENCH_CORE: process.env.BENCH_CORE ?? fileURLToPath(new URL("./base/dist/index.js", import.meta.url)) };
const res = Object.fromEntries(variants.map((v) => [v, []]));
for (let p = 0; p < Number(passes); p++) {
  for (const v of p % 2 ? [...variants].reverse() : variants) res[v].push(JSON.parse(execFileSync(process.execPath, [one, v, op, alg, "3", "500"], { encoding: "utf8", env })));
}
console.log(`${alg} ${op}: median of ${passes} processes (CPU time)`);
for (const v of variants) {
  const r = res[v];
  console.log(`  ${v.padEnd(22)} ${median(r.map((x) => x.us)).toFixed(1).padStart(8)} µs/op  raw ${median(r.map((x) => x.rawUs)).toFixed(1)} µs  ratio ${median(r.map((x) => x.ratio)).toFixed(3)}  [${r.map((x) => x.ratio.toFixed(2)).join(" ")}]`);
}
