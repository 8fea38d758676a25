// The reference: raw `crypto.sign` ES256 (P-256, IEEE P1363 signatures) of a 1 KB message, on
// `threads` worker threads at once, counted over the same window after a shared barrier.
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

/** Summed signatures per second of `threads` workers. */
export async function rawSignRate({ threads = 2, warmupMs = 300, windowMs = 1000 } = {}) {
  const barrier = new SharedArrayBuffer(4);
  const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url), { workerData: { barrier, parties: threads, warmupMs, windowMs } }));
  try {
    const rates = await Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve, reject) => {
            w.once("message", resolve);
            w.once("error", reject);
          }),
      ),
    );
    return { rate: rates.reduce((a, b) => a + b, 0), perThread: rates };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Signatures per CPU second of one thread (this one, alone): with two cores, twice this is what two
 * threads reach on an idle machine, however busy the machine is now.
 */
export function rawSignCpuRate(windowMs = 1000) {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const message = randomBytes(1024);
  signFor(200, privateKey, message);
  const cpu = process.cpuUsage();
  const ops = signFor(windowMs, privateKey, message);
  const d = process.cpuUsage(cpu);
  return (ops / (d.user + d.system)) * 1e6;
}

function signFor(ms, key, message) {
  const end = performance.now() + ms;
  let ops = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 32; i++) sign("sha256", message, { key, dsaEncoding: "ieee-p1363" });
    ops += 32;
  }
  return ops;
}

if (!isMainThread) {
  const { barrier, parties, warmupMs, windowMs } = workerData;
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const message = randomBytes(1024);
  signFor(warmupMs, privateKey, message);
  const cell = new Int32Array(barrier);
  if (Atomics.add(cell, 0, 1) + 1 === parties) Atomics.notify(cell, 0);
  else while (Atomics.load(cell, 0) < parties) Atomics.wait(cell, 0, Atomics.load(cell, 0), 1000);
  const started = performance.now();
  const ops = signFor(windowMs, privateKey, message);
  parentPort.postMessage((ops / (performance.now() - started)) * 1000);
}
