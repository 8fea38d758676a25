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
  await measure(w.issue, { warmupMs: 1000, windowMs: 10 });
  globalThis.__T = {};
  const i = await measure(w.issue, { warmupMs: 0, windowMs: 3000 });
  Object.assign(rows[name], Object.fromEntries(Object.entries(globalThis.__T).map(([k, ms]) => [k, (ms * 1000) / i.ops])));
  rows[name]["issue.whole"] = 1e6 / i.rate;
  rows[name].rawSign = 1e6 / (await measure(w.rawSign, { warmupMs: 200, windowMs: 1000 })).rate;
  rows[name].rawVerify = 1e6 / (await measure(w.rawVerify, { warmupMs: 200, windowMs: 1000 })).rate;
  globalThis.__T = {};
}
const keys = [...new Set(names.flatMap((n) => Object.keys(rows[n])))];
console.log("µs/op".padEnd(12) + names.map((n) => n.padStart(22)).join(""));
for (const k of keys) console.log(k.padEnd(12) + names.map((n) => (rows[n][k] ?? 0).toFixed(1).padStart(22)).join(""));
