#!/usr/bin/env node
// Where the time goes: runs one workload in this thread for a while under the V8 sampling profiler
// (node:inspector) and prints self time by function and by source file, so the cost beyond the raw
// crypto call shows. The .cpuprofile is written to bench/results/ for Chrome DevTools (call-tree.mjs
// reads it too).
//
//   node bench/core/profile.mjs [--alg ES256|EdDSA] [--workload verify|issue|rawSign|rawVerify] [--seconds N] [--top N]
import { Session } from "node:inspector/promises";
import { writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildSeed, loadWorld } from "./world.mjs";
import { makeWorkloads, measure } from "./workloads.mjs";

const { values: args } = parseArgs({
  options: {
    alg: { type: "string", default: "ES256" },
    workload: { type: "string", default: "verify" },
    seconds: { type: "string", default: "3" },
    top: { type: "string", default: "25" },
  },
});

const workloads = await makeWorkloads(await loadWorld(await buildSeed(), args.alg));
const workload = workloads[args.workload];
if (!workload) throw new TypeError(`--workload: one of verify, issue, rawSign, rawVerify`);
await measure(workload, { warmupMs: 500, windowMs: 10 });

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });
await session.post("Profiler.start");
const result = await measure(workload, { warmupMs: 0, windowMs: Number(args.seconds) * 1000 });
const { profile } = await session.post("Profiler.stop");
session.disconnect();

const dir = fileURLToPath(new URL("../results/", import.meta.url));
mkdirSync(dir, { recursive: true });
const file = `${dir}${args.alg}-${args.workload}.cpuprofile`;
writeFileSync(file, JSON.stringify(profile));

// Self time per node, from the sample deltas.
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
const perOpUs = (us) => us / result.ops;
const byFunction = new Map();
const byFile = new Map();
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  const where = callFrame.url ? callFrame.url.replace(/^file:\/\/.*\/(node_modules\/(?:\.pnpm\/)?[^/]+)\/.*$/, "$1").replace(/^file:\/\/.*\/packages\//, "packages/") : "(native)";
  const fn = `${callFrame.functionName || "(anonymous)"} ${where}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ""}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byFile.set(where, (byFile.get(where) ?? 0) + us);
}
const top = Number(args.top);
const show = (title, map) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${perOpUs(us).toFixed(1).padStart(7)} µs/op  ${k}`);
  }
};
console.log(`${args.alg} ${args.workload}: ${Math.round(result.rate)} ops/s, ${(1e6 / result.rate).toFixed(1)} µs/op (profiler on)`);
show("Self time by source file", byFile);
show("Self time by function", byFunction);
console.log(`\nProfile: ${file}`);
