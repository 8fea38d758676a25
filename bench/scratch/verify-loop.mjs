import { core } from "../core.mjs";
import { VERIFY_AT, buildSeed, licenceInput, loadWorld } from "../world.mjs";
const world = await loadWorld(await buildSeed(), "ES256");
const lic = [];
for (let i = 0; i < 64; i++) lic.push((await core.issueLicence(world.context, licenceInput(world.type, i))).compact);
const options = { trustList: world.trustList, at: VERIFY_AT, algorithms: ["ES256"] };
let n = 0; const end = performance.now() + 4000;
while (performance.now() < end) { const r = await core.verifyLicence(lic[n++ & 63], options); if (r.indication !== "PASSED") throw new Error(r.indication); }
