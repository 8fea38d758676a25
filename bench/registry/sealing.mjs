// The lookup cost of sealed disclosures (hardening defect 9), in one run: half the licences keep
// their hidden fields sealed (AES-256-GCM, as issued), the other half are turned back into clear
// rows (the form before migration 17, which the reader still accepts), and consumer lookups by id
// alternate between the halves, round by round. Also the bare cost of opening one row's seal.
// Run: node bench/registry/sealing.mjs [licences per half, default 200] [rounds, default 5]
import { performance } from "node:perf_hooks";
import { makeWorld, TYPES } from "./world.mjs";
import { samples } from "./dist.mjs";

const HALF = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 5);
const CAUSE = { matter: "330100-BENCH-0001", reason: "bench" };
const holder = samples.SAMPLE_COMPANY;
const fields = { name: "示例科技有限公司", entityType: "有限责任公司", legalRepresentative: "李四", establishedOn: "2020-05-18", businessScope: "软件开发", registeredCapital: "500", address: "示例市示例区示例路1号", legalRepresentativeIdNumber: "440524188001010014" };

const world = await makeWorld("sqlite");
await world.open(`sqlite:${world.sqliteFile}`);
const { registry, issuer, consumer } = world;
const ids = [];
for (let b = 0; b < (2 * HALF) / 100; b++) {
  const out = await issuer.issueBatch({ requestId: `seal-bench-${b}`, items: Array.from({ length: 100 }, () => ({ type: TYPES.business, holder, fields })) });
  ids.push(...out.issued.map((r) => r.id));
}
const sealed = ids.slice(0, HALF);
const clear = ids.slice(HALF, 2 * HALF);
const db = registry.database;
for (const id of clear) {
  const row = await db.get("SELECT id, disclosures, disclosures_key FROM licences WHERE id = ?", [id]);
  await db.run("UPDATE licences SET disclosures = ?, disclosures_key = NULL WHERE id = ?", [JSON.stringify(await registry.openDisclosures(row)), id]);
}
async function lookups(set) {
  const t = performance.now();
  for (const id of set) await consumer.get(id, CAUSE);
  return (performance.now() - t) / set.length;
}
await lookups(sealed.slice(0, 20));
await lookups(clear.slice(0, 20));
const times = { sealed: [], clear: [] };
for (let r = 0; r < ROUNDS; r++) {
  times.sealed.push(await lookups(sealed));
  times.clear.push(await lookups(clear));
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
// The seal alone: open one row's disclosures, many times (fresh row objects: no memo).
const rows = await db.all(`SELECT id, disclosures, disclosures_key FROM licences WHERE id IN (${sealed.slice(0, 50).map(() => "?").join(",")})`, sealed.slice(0, 50));
await Promise.all(rows.map((r) => registry.openDisclosures({ ...r })));
const n = 20_000;
let t = performance.now();
for (let i = 0; i < n; i++) await registry.openDisclosures({ ...rows[i % rows.length] });
const openUs = ((performance.now() - t) * 1000) / n;
const result = {
  bench: "registry sealed-disclosures lookup",
  adapter: "sqlite",
  licencesPerHalf: HALF,
  rounds: ROUNDS,
  lookupSealedMs: +median(times.sealed).toFixed(4),
  lookupClearMs: +median(times.clear).toFixed(4),
  ratioSealedToClear: +(median(times.sealed) / median(times.clear)).toFixed(3),
  openSealUs: +openUs.toFixed(2),
};
console.log(JSON.stringify(result));
await registry.close();
