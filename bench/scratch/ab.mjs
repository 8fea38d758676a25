#!/usr/bin/env node
// A/B in one process: loads several scratch builds side by side and measures one operation with
// each, interleaved with the raw crypto call, so machine noise hits every variant alike.
//   node bench/scratch/ab.mjs [--alg ES256] [--op verify|issue] [--ms 500] [--rounds 5] base leaf …
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { fileURLToPath } from "node:url";
import { buildSeed, loadWorld } from "../world.mjs";
import { makeWorkloads, measure } from "../workloads.mjs";
import { median } from "../report.mjs";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { alg: { type: "string", default: "ES256" }, op: { type: "string", default: "verify" }, ms: { type: "string", default: "500" }, rounds: { type: "string", default: "5" }, wall: { type: "boolean", default: false } },
});
const raw = args.op === "verify" ? "rawVerify" : "rawSign";
const seed = await buildSeed();
const variants = [];
for (const name of positionals) {
  const lib = await import(pathToFileURL(fileURLToPath(new URL(`./${name}/dist/index.js`, import.meta.url))).href);
  variants.push({ name, w: await makeWorkloads(await loadWorld(seed, args.alg, lib)), rates: [], ratios: [] });
}
const rawW = variants[0].w[raw];
const rawRates = [];
// CPU time, not wall time: the machine is shared, and descheduled time is not ours.
const key = args.wall ? "rate" : "cpuRate";
const opts = { warmupMs: 100, windowMs: Number(args.ms) };
for (let r = 0; r < Number(args.rounds); r++) {
  const order = variants.map((_, i) => variants[(i + r) % variants.length]);
  for (const v of order) {
    const base = (await measure(rawW, opts))[key];
    const rate = (await measure(v.w[args.op], opts))[key];
    rawRates.push(base);
    v.rates.push(rate);
    v.ratios.push(rate / base);
  }
}
console.log(`${args.alg} ${args.op} (${key}): raw ${raw} ${(1e6 / median(rawRates)).toFixed(1)} µs/op`);
for (const v of variants) console.log(`  ${v.name.padEnd(20)} ${(1e6 / median(v.rates)).toFixed(1).padStart(8)} µs/op  ratio ${median(v.ratios).toFixed(3)}`);
