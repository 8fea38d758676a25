// Batch issuing with the workspace's built-in TSA ÷ batch issuing without a TSA, in the same run:
// one workspace, two registries on two SQLite files (one time-stamps every licence, JAdES B-T;
// the other issues B-B), batches of BATCH licences issued alternately, the median rate of each.
// A token costs an ES256 signature and its CMS/ASN.1 encoding, on the TSA's worker thread; the bar
// is 0.5.
//
//   node bench/tsa/batch.mjs            (ELICENCE_BENCH_ROUNDS, ELICENCE_BENCH_BATCH to change the size)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { registry as registryPackage, samples } from "../registry/dist.mjs";
import { itemsFor } from "../registry/holders.mjs";

const { Registry, initWorkspace } = registryPackage;
const ROUNDS = Number(process.env.ELICENCE_BENCH_ROUNDS ?? 5);
const BATCH = Number(process.env.ELICENCE_BENCH_BATCH ?? 500);
const PASSPHRASE = "bench passphrase";
const TYPES = { business: samples.BUSINESS_LICENCE.code, operator: samples.OPERATOR_CERTIFICATE.code };

const home = mkdtempSync(join(tmpdir(), "elicence-bench-tsa-"));
try {
  await initWorkspace(home, {
    passphrase: PASSPHRASE,
    now: new Date(),
    operator: samples.SAMPLE_OPERATOR,
    departments: [samples.SAMPLE_DEPARTMENT],
    licenceTypes: [samples.BUSINESS_LICENCE, samples.OPERATOR_CERTIFICATE],
    iterations: 1000,
  });
  const open = async (file, timestamper) => {
    const registry = await Registry.open({ home, db: `sqlite:${join(home, file)}`, passphrase: PASSPHRASE, ...(timestamper === null ? { timestamper: null } : {}) });
    const { key } = await registry.createApiKey({ department: samples.SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: Object.values(TYPES) });
    return { registry, issuer: await registry.session(key) };
  };
  const withTsa = await open("with-tsa.db", undefined);
  const without = await open("without-tsa.db", null);
  const items = itemsFor(TYPES, 0, Math.ceil(BATCH / 2) + 10).slice(0, BATCH);
  let n = 0;
  const rate = async (world) => {
    const started = performance.now();
    const result = await world.issuer.issueBatch({ requestId: `bench-tsa-${++n}`, items });
    const ms = performance.now() - started;
    if (result.errors.length > 0) throw new Error(`refused: ${JSON.stringify(result.errors[0])}`);
    if (world === withTsa && !result.issued.every((r) => typeof r.signatureTimestamp === "string")) throw new Error("a licence has no time-stamp");
    return (result.issued.length / ms) * 1000;
  };
  // Warm-up: workers, caches, statements.
  await rate(withTsa);
  await rate(without);
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await rate(withTsa));
    b.push(await rate(without));
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const ratio = median(a) / median(b);
  console.log(JSON.stringify({ batch: items.length, rounds: ROUNDS, withTsaPerSecond: Math.round(median(a)), withoutTsaPerSecond: Math.round(median(b)), ratio: Number(ratio.toFixed(2)), bar: 0.5 }, null, 2));
  await withTsa.registry.close();
  await without.registry.close();
  if (ratio < 0.5) process.exitCode = 1;
} finally {
  rmSync(home, { recursive: true, force: true });
}
