// Real issuing through the registry: `issueBatch` calls of `batchSize` items (validation, SD-JWT,
// ES256 signature, rows, status slots and log entries, one transaction per call).
import { performance } from "node:perf_hooks";
import { cpuClock } from "./cpu.mjs";
import { itemsFor } from "./holders.mjs";
import { TYPES } from "./world.mjs";

let requests = 0;

/**
 * Issues every licence of holders [from, to); returns per-call timings.
 *
 * @returns {{ licences: number, calls: { items: number, ms: number, cpuMs: number }[] }}
 */
export async function issueHolders(world, from, to, batchSize, pgPid) {
  const items = itemsFor(TYPES, from, to);
  const calls = [];
  for (let i = 0; i < items.length; i += batchSize) {
    const batch = items.slice(i, i + batchSize);
    const started = performance.now();
    const clock = cpuClock(pgPid);
    const result = await world.issuer.issueBatch({ requestId: `bench-${process.pid}-${++requests}`, items: batch });
    const ms = performance.now() - started;
    const cpu = clock.stop();
    if (result.errors.length > 0) throw new Error(`issueBatch refused ${result.errors.length} items: ${JSON.stringify(result.errors[0])}`);
    calls.push({ items: result.issued.length, ms, cpuMs: cpu.selfMs + cpu.postgresMs, postgresCpuMs: cpu.postgresMs });
  }
  return { licences: items.length, calls };
}

/** Licences per second (wall and CPU, PostgreSQL's included) over the calls, leaving out the first `skip` (warm-up). */
export function issueRate(calls, skip = 1) {
  const measured = calls.length > skip ? calls.slice(skip) : calls;
  const items = measured.reduce((a, c) => a + c.items, 0);
  const ms = measured.reduce((a, c) => a + c.ms, 0);
  const cpuMs = measured.reduce((a, c) => a + c.cpuMs, 0);
  const postgresCpuMs = measured.reduce((a, c) => a + c.postgresCpuMs, 0);
  return { rate: (items / ms) * 1000, cpuRate: (items / cpuMs) * 1000, items, ms, cpuMs, postgresCpuMs, calls: measured.length };
}
