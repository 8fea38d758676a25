import { core } from "../core.mjs";
import { buildSeed, licenceInput, loadWorld } from "../world.mjs";
const world = await loadWorld(await buildSeed(), "ES256");
const fake = { ...world.context, signer: { alg: "ES256", sign: () => new Uint8Array(64) } };
let serial = 0; const end = performance.now() + 3000;
while (performance.now() < end) await core.issueLicence(fake, licenceInput(world.type, serial++));
