#!/usr/bin/env node
// Issue and verify throughput of @elicence/core as ratios to raw node:crypto sign/verify with the
// same key, one thread and one thread per core. See bench/README.md.
//
//   node bench/core/run.mjs [--quick] [--rounds N] [--window MS] [--warmup MS] [--alg ES256,EdDSA]
//                      [--threads 1,2] [--out FILE]
import { availableParallelism, cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Pool } from "./pool.mjs";
import { median, printTable, writeResults } from "./report.mjs";
import { PAIRS } from "./workloads.mjs";
import { ALGORITHMS, DISCLOSURES_PER_LICENCE, buildSeed } from "./world.mjs";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    window: { type: "string" },
    warmup: { type: "string" },
    alg: { type: "string" },
    threads: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  console.log("usage: node bench/core/run.mjs [--quick] [--rounds N] [--window MS] [--warmup MS] [--alg ES256,EdDSA] [--threads 1,2] [--out FILE]");
  process.exit(0);
}

const int = (text, name) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`--${name} must be a non-negative integer`);
  return n;
};
const cores = availableParallelism();
const config = {
  rounds: int(args.rounds ?? (args.quick ? "1" : "3"), "rounds"),
  windowMs: int(args.window ?? (args.quick ? "500" : "2000"), "window"),
  warmupMs: int(args.warmup ?? "500", "warmup"),
  algorithms: args.alg ? args.alg.split(",") : ALGORITHMS,
  threads: args.threads ? args.threads.split(",").map((t) => int(t, "threads")) : [1, Math.max(2, cores)],
};
for (const alg of config.algorithms) if (!ALGORITHMS.includes(alg)) throw new TypeError(`--alg: unknown algorithm ${alg}`);
const out = args.out ?? fileURLToPath(new URL("../results/latest.json", import.meta.url));

const perMeasurement = (config.warmupMs + config.windowMs) / 1000;
const total = perMeasurement * config.rounds * 4 * config.algorithms.length * config.threads.length;
console.log(
  `eLicence bench: ${config.algorithms.join(", ")}; threads ${config.threads.join(", ")}; ${config.rounds} round(s) of ` +
    `${config.warmupMs} ms warm-up + ${config.windowMs} ms; about ${Math.ceil(total)} s. Node ${process.version}, ${cores} core(s), load ${loadavg()[0].toFixed(2)}.`,
);

const seed = await buildSeed();
const rows = [];
const sizes = {};
const loadBefore = loadavg();
for (const threads of config.threads) {
  const pool = new Pool(threads, seed);
  try {
    for (const alg of config.algorithms) {
      sizes[alg] = await pool.setup(alg);
      const samples = Object.fromEntries(PAIRS.map((p) => [p.label, { raw: [], ours: [], cpuRatio: [], perThread: { raw: [], ours: [] } }]));
      // Raw and ours alternate within each round, so a noisy neighbour hits both sides of a ratio.
      for (let round = 0; round < config.rounds; round++) {
        for (const pair of PAIRS) {
          const s = samples[pair.label];
          const raw = await pool.run(alg, pair.raw, config);
          const ours = await pool.run(alg, pair.ours, config);
          s.raw.push(raw.rate);
          s.ours.push(ours.rate);
          s.cpuRatio.push(ours.cpuRate / raw.cpuRate);
          s.perThread.raw.push(raw.perThread);
          s.perThread.ours.push(ours.perThread);
          process.stdout.write(
            `  ${alg} ×${threads} ${pair.label} round ${round + 1}: raw ${Math.round(raw.rate)}/s, ours ${Math.round(ours.rate)}/s, ` +
              `ratio ${(ours.rate / raw.rate).toFixed(2)} (cpu ${(ours.cpuRate / raw.cpuRate).toFixed(2)})\n`,
          );
        }
      }
      for (const pair of PAIRS) {
        const s = samples[pair.label];
        rows.push({
          alg,
          threads,
          op: pair.label,
          raw: { median: median(s.raw), rounds: s.raw, perThread: s.perThread.raw },
          ours: { median: median(s.ours), rounds: s.ours, perThread: s.perThread.ours },
          // The median of the per-round ratios: each ratio pairs two adjacent windows.
          ratio: median(s.ours.map((o, k) => o / s.raw[k])),
          ratioOfMedians: median(s.ours) / median(s.raw),
          // The same, from CPU time per operation instead of wall time (see pool.mjs).
          cpuRatio: median(s.cpuRatio),
          target: pair.target,
        });
      }
    }
  } finally {
    await pool.close();
  }
}

console.log("");
printTable(rows);
console.log(
  "\nratio = median over rounds of ours ÷ raw ops/s, each pair measured back to back; cpu = the same from CPU time per operation." +
    "\nraw = node:crypto sign/verify of a 1 KB message with the same key; targets are judged on ratio.",
);
writeResults(out, {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  cores,
  load: { before: loadBefore, after: loadavg() },
  config,
  disclosuresPerLicence: DISCLOSURES_PER_LICENCE,
  sizes,
  results: rows.map((r) => ({ ...r, meetsTarget: r.target === null ? null : r.ratio >= r.target })),
});
console.log(`Figures written to ${out}.`);
