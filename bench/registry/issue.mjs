// Real issuing through the registry: `issueBatch` calls of `batchSize` items (validation, SD-JWT,
// ES256 signature, rows, status slots and log entries, one transaction per call).
import { performance } from "node:perf_hooks";
import { itemsFor } from "./holders.mjs";
import { TYPES } from "./world.mjs";

let requests = 0;

/**
 * Issues every licence of holders [from, to); returns per-call timings.
 *
 * @returns {{ licences: number, calls: { items: number, ms: number }[] }}
 */
export async function issueHolders(world, from, to, batchSize) {
  const items = itemsFor(TYPES, from, to);
  const calls = [];
  for (let i = 0; i < items.length; i += batchSize) {
    const batch = items.slice(i, i + batchSize);
    const started = performance.now();
    const result = await world.issuer.issueBatch({ requestId: `bench-${process.pid}-${++requests}`, items: batch });
    const ms = performance.now() - started;
    if (result.errors.length > 0) throw new Error(`issueBatch refused ${result.errors.length} items: ${JSON.stringify(result.errors[0])}`);
    calls.push({ items: result.issued.length, ms });
  }
  return { licences: items.length, calls };
}

/** Licences per second over the calls, leaving out the first `skip` (warm-up). */
export function issueRate(calls, skip = 1) {
  const measured = calls.length > skip ? calls.slice(skip) : calls;
  const items = measured.reduce((a, c) => a + c.items, 0);
  const ms = measured.reduce((a, c) => a + c.ms, 0);
  return { rate: (items / ms) * 1000, items, ms, calls: measured.length };
}
