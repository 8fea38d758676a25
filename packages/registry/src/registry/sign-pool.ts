/**
 * Signing on every core: a small pool of `worker_threads` that build and sign licences (core's
 * `issueLicence`) while the main thread does the database. Keys reach the workers as `KeyObject`s
 * through `postMessage` (in memory only; nothing is written). A job is a slice of one batch; each
 * item comes back as its licence or its own error, so per-item errors are reported as when signing
 * in the main thread. A worker that dies fails its jobs with `ERR_UNAVAILABLE` (the batch's
 * transaction then rolls back: nothing of it is written) and is replaced for later jobs.
 *
 * @module
 */
import type { KeyObject } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { LicenceError, type JwsAlgorithm } from "@elicence/core";
import { type IssuedLicence } from "@elicence/core/issue";

/** A department's signing material, as the workers receive it. */
export interface WorkerDepartment {
  readonly code: string;
  readonly alg: JwsAlgorithm;
  readonly key: KeyObject;
  readonly chain: readonly string[];
}

/** What the registry uses of an issued licence (all the workers send back). */
export type SignedLicence = {
  readonly id: string;
  readonly compact: string;
  readonly licence: Pick<IssuedLicence["licence"], "validFrom" | "validUntil">;
  readonly archive: Pick<IssuedLicence["archive"], "protected" | "payload" | "signature">;
  readonly disclosures: readonly { readonly name: string; readonly encoded: string }[];
};

/** One item's outcome. */
export type SignResult = { ok: true; issued: SignedLicence } | { ok: false; error: LicenceError | Error };

type Reply = { id: number; results?: ({ ok: true; issued: SignedLicence } | { ok: false; error?: { code: string; message: string; issues: never[]; details: Record<string, string | number | boolean> }; fatal?: string })[]; failed?: string };

interface Job {
  readonly resolve: (results: SignResult[]) => void;
  readonly reject: (err: unknown) => void;
}

/** The worker's file: next to this module in dist/ (tsup entry), or the source under the tests. */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith(".ts") ? "./sign-worker.mjs" : "./sign-worker.js", import.meta.url);
}

/**
 * The parent's Node options for the registry's worker threads: without the `@elicence/source`
 * condition (set when the tests run the TypeScript sources: the workers are plain JavaScript and
 * load `@elicence/core` from its dist), and without the options Node refuses in a worker's
 * `execArgv` (V8's heap and stack sizes such as `--max-old-space-size`, `--expose-gc`, `--title`:
 * `ERR_WORKER_INVALID_EXEC_ARGV`), which an operator may well start the registry with. Which
 * options a worker takes is Node's to say, so each is tried once in a throw-away worker (Node
 * checks the list before the thread starts) and the answer kept for the process.
 */
export function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^(?:--conditions|-C)=@elicence\/source$/.test(a)) continue;
    if ((a === "--conditions" || a === "-C") && args[i + 1] === "@elicence/source") {
      i++;
      continue;
    }
    // An option and its separate value (`--require x`) are tried and kept together.
    const group = i + 1 < args.length && !args[i + 1]!.startsWith("-") && !a.includes("=") ? [a, args[++i]!] : [a];
    if (workerTakes(group)) out.push(...group);
  }
  return out;
}

const workerOptionVerdicts = new Map<string, boolean>();

/** Options a worker always takes (preloads and resolution conditions): kept without a trial, which would run the preload. */
const WORKER_SAFE = /^(?:--require|-r|--import|--loader|--experimental-loader|--conditions|-C|--enable-source-maps|--no-warnings|--no-deprecation)(?:=|$)/;

function workerTakes(group: readonly string[]): boolean {
  if (WORKER_SAFE.test(group[0]!)) return true;
  const key = group.join("\0");
  let ok = workerOptionVerdicts.get(key);
  if (ok === undefined) {
    try {
      // Node validates execArgv in the constructor; a valid list starts a thread that exits at once.
      const probe = new Worker("", { eval: true, execArgv: [...group] });
      probe.unref();
      void probe.terminate();
      ok = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ERR_WORKER_INVALID_EXEC_ARGV") throw err;
      ok = false;
    }
    workerOptionVerdicts.set(key, ok);
  }
  return ok;
}

class PoolWorker {
  readonly worker: Worker;
  readonly jobs = new Map<number, Job>();
  dead = false;

  constructor(departments: readonly WorkerDepartment[], onExit: (w: PoolWorker) => void) {
    this.worker = new Worker(workerUrl(), { execArgv: workerExecArgv() });
    this.worker.unref();
    this.worker.postMessage({ type: "init", departments });
    this.worker.on("message", (reply: Reply) => {
      const job = this.jobs.get(reply.id);
      if (!job) return;
      this.jobs.delete(reply.id);
      if (reply.failed !== undefined || !reply.results) {
        job.reject(new LicenceError("ERR_UNAVAILABLE", "The signing worker could not sign.", { cause: new Error(reply.failed) }));
        return;
      }
      job.resolve(
        reply.results.map((r): SignResult => {
          if (r.ok) return r;
          if (r.error) return { ok: false, error: new LicenceError(r.error.code as never, r.error.message, { issues: r.error.issues, details: r.error.details }) };
          return { ok: false, error: new Error(r.fatal ?? "The signing worker failed.") };
        }),
      );
    });
    const die = (err?: unknown): void => {
      if (this.dead) return;
      this.dead = true;
      for (const job of this.jobs.values()) job.reject(new LicenceError("ERR_UNAVAILABLE", "A signing worker stopped; nothing of this batch was written.", { cause: err }));
      this.jobs.clear();
      onExit(this);
    };
    this.worker.on("error", die);
    this.worker.on("exit", (code) => die(new Error(`exit ${code}`)));
  }
}

/** A pool of signing workers, started on first use. */
export class SignPool {
  readonly #departments: readonly WorkerDepartment[];
  readonly #size: number;
  #workers: PoolWorker[] = [];
  #next = 0;
  #ids = 0;
  #closed = false;
  #crashNext = false;

  /**
   * @param departments - the keys and chains the workers sign with
   * @param size - workers (default: one per core but the main thread's, at least 1)
   */
  constructor(departments: readonly WorkerDepartment[], size = Math.max(1, availableParallelism() - 1)) {
    this.#departments = departments;
    this.#size = size;
  }

  /** The departments the workers sign for. */
  get departments(): readonly WorkerDepartment[] {
    return this.#departments;
  }

  /** How many workers run now (tests). */
  get running(): number {
    return this.#workers.length;
  }

  /** Signs one slice of a batch on a worker; resolves with one result per input, in order. */
  sign(department: string, inputs: readonly unknown[]): Promise<SignResult[]> {
    if (this.#closed) return Promise.reject(new LicenceError("ERR_UNAVAILABLE", "The registry is closed."));
    const worker = this.#pick();
    const id = ++this.#ids;
    return new Promise<SignResult[]>((resolve, reject) => {
      worker.jobs.set(id, { resolve, reject });
      if (worker.jobs.size === 1) worker.worker.ref();
      if (this.#crashNext) {
        this.#crashNext = false;
        worker.worker.postMessage({ type: "crash" });
      }
      worker.worker.postMessage({ type: "sign", id, department, inputs });
    }).finally(() => {
      if (worker.jobs.size === 0 && !worker.dead) worker.worker.unref();
    });
  }

  /** Tests only: the worker that receives the next job exits before answering it. */
  crashNextJob(): void {
    this.#crashNext = true;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  #pick(): PoolWorker {
    if (this.#workers.length < this.#size) {
      const w = new PoolWorker(this.#departments, (dead) => {
        this.#workers = this.#workers.filter((x) => x !== dead);
      });
      this.#workers.push(w);
      return w;
    }
    // The least busy worker; ties go round-robin.
    let best = this.#workers[this.#next++ % this.#workers.length]!;
    for (const w of this.#workers) if (w.jobs.size < best.jobs.size) best = w;
    return best;
  }
}
