/**
 * A SQLite writer on its own thread: one `worker_threads` worker with its own better-sqlite3
 * connection to the same file commits jobs (statements in one `BEGIN IMMEDIATE … COMMIT` with
 * `synchronous = FULL`), so the fsync of each commit blocks that thread, never the event loop.
 * The registry commits its groups of read events through it (see `registry/read-log-writer.ts`).
 *
 * Durability is SQLite's own: the job's promise resolves only after the worker's COMMIT has
 * returned, i.e. after the WAL holding the job's frames was fsynced; SQLite makes committed
 * frames visible to other connections (the wal-index header) only after that sync, so no reader
 * of this or another process sees them before they are durable. A job that fails is rolled back
 * and rejects; a worker that dies rejects every job it held (the process then knows nothing of
 * those jobs' fate, so their readers fail) and is replaced for the next job.
 *
 * @module
 */
import { channel } from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { LicenceError } from "@elicence/core";
import type { SqlValue } from "./database.js";
import { toDriverParams } from "./values.js";
import { workerExecArgv } from "../registry/sign-pool.js";

/**
 * Each job's time from being handed to the log writer thread to its answer (queueing, the transaction and its
 * fsync, the messages), published as `{ ms, statements, outcome }` on this `node:diagnostics_channel`
 * channel for whoever subscribes (a bench, an operator's metrics); nothing is timed without a subscriber.
 */
export const WRITER_JOB_CHANNEL = "elicence:sqlite-writer:job";
const jobChannel = channel(WRITER_JOB_CHANNEL);

/** What {@link WRITER_JOB_CHANNEL} publishes for each job. */
export interface WriterJobEvent {
  readonly ms: number;
  readonly statements: number;
  readonly outcome: WriterOutcome | "failed";
}

/** One statement of a job. */
export interface WriterStatement {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/** What a job came to: committed, or rolled back because its guard found no row (nothing written). */
export type WriterOutcome = "committed" | "moved";

type Reply = { id: number; ok?: true; moved?: true; error?: { code: string; message: string } };

interface Pending {
  readonly resolve: (outcome: WriterOutcome) => void;
  readonly reject: (err: unknown) => void;
}

/** The worker's file: next to this module in dist/ (tsup entry), or the source under the tests. */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith(".ts") ? "./sqlite-writer-worker.mjs" : "./sqlite-writer-worker.js", import.meta.url);
}

/** Commits jobs on a SQLite file from a worker thread (see the module comment). */
export class SqliteWriter {
  readonly #file: string;
  readonly #busyTimeoutMs: number;
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #ids = 0;
  #closed = false;
  #crashNext = false;
  /** Workers started (tests: a dead worker is replaced). */
  started = 0;

  /**
   * @param file - the database file (absolute path; never `:memory:`, which one connection owns)
   * @param busyTimeoutMs - how long the worker waits for another connection's write lock
   */
  constructor(file: string, busyTimeoutMs = 5000) {
    if (file === ":memory:") throw new TypeError("An in-memory SQLite database has no second connection.");
    this.#file = file;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  /**
   * Runs `statements` in one transaction on the worker's connection; resolves once it has
   * committed (durably), or with `"moved"` when `guard` (run first) returns no row, in which case
   * nothing was written.
   *
   * @throws LicenceError `ERR_UNAVAILABLE` when the transaction fails or the worker dies
   */
  run(statements: readonly WriterStatement[], guard?: WriterStatement): Promise<WriterOutcome> {
    if (this.#closed) return Promise.reject(new LicenceError("ERR_UNAVAILABLE", "The database is closed."));
    const message = {
      type: "run",
      id: ++this.#ids,
      guard: guard && { sql: guard.sql, params: toDriverParams(guard.params) },
      statements: statements.map((s) => ({ sql: s.sql, params: toDriverParams(s.params) })),
    };
    const worker = this.#start();
    const job = new Promise<WriterOutcome>((resolve, reject) => {
      this.#pending.set(message.id, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      if (this.#crashNext) {
        this.#crashNext = false;
        worker.postMessage({ type: "crash" });
      }
      worker.postMessage(message);
    });
    if (!jobChannel.hasSubscribers) return job;
    const started = performance.now();
    const publish = (outcome: WriterJobEvent["outcome"]) => jobChannel.publish({ ms: performance.now() - started, statements: statements.length, outcome } satisfies WriterJobEvent);
    job.then(publish, () => publish("failed"));
    return job;
  }

  /** Tests only: the worker dies before answering the next job. */
  crashNextJob(): void {
    this.#crashNext = true;
  }

  /** Stops the worker (after the jobs already sent have been answered by the caller awaiting them). */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerUrl(), { execArgv: workerExecArgv(), workerData: { file: this.#file, busyTimeoutMs: this.#busyTimeoutMs } });
    this.started++;
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const job = this.#pending.get(reply.id);
      if (!job) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (reply.ok) job.resolve("committed");
      else if (reply.moved) job.resolve("moved");
      else {
        const busy = /^SQLITE_(?:BUSY|LOCKED)/.test(reply.error?.code ?? "");
        job.reject(new LicenceError("ERR_UNAVAILABLE", busy ? "The database is busy; try again." : "The SQLite log writer could not commit.", { cause: new Error(reply.error?.message), details: busy ? { retryable: true } : {} }));
      }
    });
    const die = (err?: unknown): void => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      for (const job of this.#pending.values()) job.reject(new LicenceError("ERR_UNAVAILABLE", "The SQLite log writer stopped; its commit's outcome is unknown.", { cause: err }));
      this.#pending.clear();
    };
    worker.on("error", die);
    worker.on("exit", (code) => die(new Error(`exit ${code}`)));
    this.#worker = worker;
    return worker;
  }
}
