// One variant in its own process: prints JSON { ratio, us, rawUs } (CPU time, median of rounds).
import { pathToFileURL, fileURLToPath } from "node:url";
import { buildSeed, loadWorld } from "../world.mjs";
import { makeWorkloads, measure } from "../workloads.mjs";
import { median } from "../report.mjs";
const [name, op, alg, rounds = "3", ms = "500"] = process.argv.slice(2);
const lib = await import(pathToFileURL(fileURLToPath(new URL(`./${name}/dist/index.js`, import.meta.url))).href);
const w = await makeWorkloads(await loadWorld(await buildSeed(), alg, lib));
const raw = op === "verify" ? w.rawVerify : w.rawSign;
const opts = { warmupMs: 300, windowMs: Number(ms) };
const ratios = [], us = [], rawUs = [];
for (let r = 0; r < Number(rounds); r++) {
  const a = (await measure(raw, opts)).cpuRate;
  const b = (await measure(w[op], opts)).cpuRate;
  ratios.push(b / a); us.push(1e6 / b); rawUs.push(1e6 / a);
}
console.log(JSON.stringify({ ratio: median(ratios), us: median(us), rawUs: median(rawUs) }));
