// node bench/scratch/intime.mjs <alg> <variant-timed>…: per-step µs of verifyLicence, in situ.
import { pathToFileURL, fileURLToPath } from "node:url";
import { buildSeed, loadWorld } from "../world.mjs";
import { makeWorkloads, measure } from "../workloads.mjs";
const [alg, ...names] = process.argv.slice(2);
const seed = await buildSeed();
const rows = {};
for (const name of names) {
  const lib = await import(pathToFileURL(fileURLToPath(new URL(`./${name}/dist/index.js`, import.meta.url))).href);
  const w = await makeWorkloads(await loadWorld(seed, alg, lib));
  await measure(w.verify, { warmupMs: 1000, windowMs: 10 });
  for (const k of Object.keys(globalThis.__T)) globalThis.__T[k] = 0;
  const r = await measure(w.verify, { warmupMs: 0, windowMs: 3000 });
  rows[name] = Object.fromEntries(Object.entries(globalThis.__T).map(([k, ms]) => [k, (ms * 1000) / r.ops]));
  rows[name].whole = 1e6 / r.rate;
  globalThis.__T = {};
}
const keys = Object.keys(rows[names[0]]);
console.log("µs/op".padEnd(12) + names.map((n) => n.padStart(22)).join(""));
for (const k of keys) console.log(k.padEnd(12) + names.map((n) => (rows[n][k] ?? 0).toFixed(1).padStart(22)).join(""));
