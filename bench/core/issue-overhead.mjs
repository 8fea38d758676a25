// Issue overhead without the signature: issueLicence with a signer that returns a fixed 64-byte
// value, next to the real signer, in CPU µs per licence (median of 5): what issuing costs beyond the
// signature.
//
//   node bench/core/issue-overhead.mjs
import { core } from "./core.mjs";
import { buildSeed, licenceInput, loadWorld } from "./world.mjs";
const { issueLicence } = core;
const world = await loadWorld(await buildSeed(), "ES256");
const fake = { ...world.context, signer: { alg: "ES256", sign: () => new Uint8Array(64) } };
let serial = 0;
async function time(ctx) {
  const runs = [];
  for (let r = 0; r < 6; r++) {
    const cpu = process.cpuUsage();
    const end = performance.now() + 400;
    let n = 0;
    while (performance.now() < end) { await issueLicence(ctx, licenceInput(world.type, serial++)); n++; }
    const { user, system } = process.cpuUsage(cpu);
    runs.push((user + system) / n);
  }
  runs.shift();
  runs.sort((a, b) => a - b);
  return runs[2];
}
console.log(`issueLicence, no signature: ${(await time(fake)).toFixed(1)} µs; with ES256: ${(await time(world.context)).toFixed(1)} µs`);
