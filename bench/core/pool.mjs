// A fixed set of worker threads that run one workload at the same time and report their rates.
import { Worker } from "node:worker_threads";
import { median } from "./report.mjs";

const WORKER = new URL("./worker.mjs", import.meta.url);

export class Pool {
  #workers;

  /** @param size number of threads; @param seed the world, shared by every thread */
  constructor(size, seed) {
    this.#workers = Array.from({ length: size }, () => new Worker(WORKER, { workerData: { seed } }));
  }

  get size() {
    return this.#workers.length;
  }

  #ask(worker, msg) {
    return new Promise((resolve, reject) => {
      const onMessage = (reply) => {
        worker.off("error", onError);
        reply.ok ? resolve(reply) : reject(new Error(reply.error));
      };
      const onError = (err) => {
        worker.off("message", onMessage);
        reject(err);
      };
      worker.once("message", onMessage);
      worker.once("error", onError);
      worker.postMessage(msg);
    });
  }

  /** Loads the world for `alg` in every thread; returns the sizes seen by the first. */
  async setup(alg) {
    const replies = await Promise.all(this.#workers.map((w) => this.#ask(w, { cmd: "setup", alg })));
    return replies[0].sizes;
  }

  /** Runs `workload` in every thread at once; returns the summed rate and the per-thread rates. */
  async run(alg, workload, { warmupMs, windowMs }) {
    const barrier = new SharedArrayBuffer(4);
    const msg = { cmd: "run", alg, workload, warmupMs, windowMs, barrier, parties: this.#workers.length };
    const replies = await Promise.all(this.#workers.map((w) => this.#ask(w, msg)));
    const rates = replies.map((r) => r.result.rate);
    const ops = replies.reduce((a, r) => a + r.result.ops, 0);
    // The windows start at one barrier and last as long, so any thread's process-wide CPU time
    // covers all of them: operations per CPU second, insensitive to time spent descheduled.
    const cpuRate = ops / median(replies.map((r) => r.result.cpuSeconds));
    return { rate: rates.reduce((a, b) => a + b, 0), cpuRate, perThread: rates };
  }

  async close() {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
