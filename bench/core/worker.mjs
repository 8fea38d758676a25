// A benchmark worker: loads the world once per algorithm, then runs the workloads it is told to,
// starting each counting window at a barrier shared with the other workers.
import { parentPort, workerData } from "node:worker_threads";
import { loadWorld } from "./world.mjs";
import { makeWorkloads, measure } from "./workloads.mjs";

const { seed } = workerData;
const loaded = new Map();

function workloadsFor(alg) {
  let w = loaded.get(alg);
  if (!w) {
    w = loadWorld(seed, alg).then(makeWorkloads);
    loaded.set(alg, w);
  }
  return w;
}

function barrier(shared, parties) {
  const cell = new Int32Array(shared);
  const arrived = Atomics.add(cell, 0, 1) + 1;
  if (arrived === parties) Atomics.notify(cell, 0);
  else while (Atomics.load(cell, 0) < parties) Atomics.wait(cell, 0, Atomics.load(cell, 0), 1000);
}

parentPort.on("message", async (msg) => {
  try {
    const workloads = await workloadsFor(msg.alg);
    if (msg.cmd === "setup") {
      parentPort.postMessage({ ok: true, sizes: workloads.sizes });
      return;
    }
    const result = await measure(workloads[msg.workload], {
      warmupMs: msg.warmupMs,
      windowMs: msg.windowMs,
      beforeWindow: () => barrier(msg.barrier, msg.parties),
    });
    parentPort.postMessage({ ok: true, result });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String(err?.stack ?? err) });
  }
});
