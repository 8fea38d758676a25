/**
 * Trusted time for issued licences (JAdES B-T, ETSI TS 119 182-1 clause 5.3.4): each licence's
 * signature value is time-stamped by an RFC 3161 TSA and the token kept beside the licence.
 *
 * Two TSAs: the workspace's built-in one, which time-stamps a batch's signatures in a worker thread
 * of its own (requests, signing, DER and the reading back all stay off the thread that writes rows;
 * a slice's signatures go in one message and its tokens come back in one) and a handful (one
 * licence) in this thread while no worker runs;
 * and an external one reached over HTTP (`application/timestamp-query`), with several requests in
 * flight at once. Either way a batch never waits on one round trip at a time.
 *
 * @module
 */
import { createPrivateKey } from "node:crypto";
import { Worker } from "node:worker_threads";
import { LicenceError, isLicenceError, type JwsAlgorithm } from "@elicence/core";
import { createTimestampRequest, readTimestampResponse, MAX_TIMESTAMP_RESPONSE_BYTES, type TimestampHash } from "@elicence/core/timestamp";
import { workerExecArgv } from "./sign-pool.js";

/** Time-stamps data for the registry. */
export interface Timestamper {
  /**
   * Time-stamps each item (for a licence: the ASCII of its base64url signature); tokens in order.
   * `hashes` gives each item's message-imprint hash (default SHA-256; core's `timestampHashFor`
   * gives SM3 for an SM2 signature).
   */
  stamp(data: readonly Uint8Array[], hashes?: readonly TimestampHash[]): Promise<Uint8Array[]>;
  /** Answers one DER TimeStampReq (the built-in TSA only: `POST /tsa`). */
  respond?(request: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** A job's answer from the TSA worker: the tokens of a `stamp`, the responses of a `respond`, or why it failed. */
type Reply = { id: number; tokens?: Uint8Array[]; responses?: Answer[]; failed?: string };
type Answer = { ok: true; der: Uint8Array } | { ok: false; code: string; message: string };
type Job = { resolve: (reply: Reply) => void; reject: (err: unknown) => void };
type Authority = { respond(request: Uint8Array): Promise<Uint8Array> };

function workerUrl(): URL {
  return new URL(import.meta.url.endsWith(".ts") ? "./tsa-worker.mjs" : "./tsa-worker.js", import.meta.url);
}

function unavailable(cause?: unknown): LicenceError {
  return new LicenceError("ERR_UNAVAILABLE", "The time-stamping authority cannot answer.", { cause });
}

/** Fewer items than this are answered in this thread while no worker runs (no worker to start for one licence). */
const IN_THREAD_BELOW = 8;

/**
 * The built-in TSA. A batch's items go to a worker thread (started on first use) in one message:
 * the worker makes each RFC 3161 request, answers it and reads the answer back (imprint, nonce), and
 * returns the tokens in one message, so this thread, which writes the rows, does no time-stamping
 * work at all. A few items with no worker running are answered here, the same way.
 */
class BuiltInTimestamper implements Timestamper {
  readonly #init: { certificatePem: string; key: ReturnType<typeof createPrivateKey>; alg: JwsAlgorithm };
  #local: Promise<Authority> | undefined;
  #worker: Worker | undefined;
  readonly #jobs = new Map<number, Job>();
  #ids = 0;

  constructor(key: { certificatePem: string; privateKeyPkcs8: Uint8Array; alg: JwsAlgorithm }) {
    const der = Buffer.from(key.privateKeyPkcs8.buffer, key.privateKeyPkcs8.byteOffset, key.privateKeyPkcs8.byteLength);
    this.#init = { certificatePem: key.certificatePem, key: createPrivateKey({ key: der, format: "der", type: "pkcs8" }), alg: key.alg };
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerUrl(), { execArgv: workerExecArgv() });
    worker.unref();
    worker.postMessage({ type: "init", ...this.#init });
    worker.on("message", (reply: Reply) => {
      const job = this.#jobs.get(reply.id);
      if (!job) return;
      this.#jobs.delete(reply.id);
      if (this.#jobs.size === 0) worker.unref();
      job.resolve(reply);
    });
    const die = (err?: unknown): void => {
      for (const job of this.#jobs.values()) job.reject(unavailable(err));
      this.#jobs.clear();
      if (this.#worker === worker) this.#worker = undefined;
    };
    worker.on("error", die);
    worker.on("exit", (code) => die(new Error(`exit ${code}`)));
    this.#worker = worker;
    return worker;
  }

  /** The same TSA in this thread (loaded on first use). */
  #here(): Promise<Authority> {
    this.#local ??= (async () => {
      const { createTimestampAuthority } = await import("@elicence/pki");
      const pkcs8 = new Uint8Array(this.#init.key.export({ type: "pkcs8", format: "der" }));
      try {
        return await createTimestampAuthority({ certificatePem: this.#init.certificatePem, privateKeyPkcs8: pkcs8, alg: this.#init.alg });
      } finally {
        pkcs8.fill(0);
      }
    })();
    return this.#local;
  }

  /** Posts one job to the worker. */
  #post(message: { type: "stamp"; data: readonly Uint8Array[]; hashes?: readonly TimestampHash[] } | { type: "respond"; requests: readonly Uint8Array[] }): Promise<Reply> {
    const worker = this.#start();
    const id = ++this.#ids;
    return new Promise((resolve, reject) => {
      this.#jobs.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...message, id });
    });
  }

  async stamp(data: readonly Uint8Array[], hashes?: readonly TimestampHash[]): Promise<Uint8Array[]> {
    if (data.length === 0) return [];
    if (data.length < IN_THREAD_BELOW && !this.#worker) {
      const tsa = await this.#here();
      const tokens: Uint8Array[] = [];
      for (const [i, d] of data.entries()) {
        const request = createTimestampRequest(d, { hash: hashes?.[i] ?? "SHA-256" });
        let answer: Uint8Array;
        try {
          answer = await tsa.respond(request.der);
        } catch (err) {
          throw unavailable(err);
        }
        tokens.push(readTimestampResponse(answer, request));
      }
      return tokens;
    }
    const reply = await this.#post({ type: "stamp", data, ...(hashes ? { hashes } : {}) });
    if (!reply.tokens || reply.tokens.length !== data.length) throw unavailable(new Error(reply.failed ?? "no tokens"));
    return reply.tokens;
  }

  async respond(request: Uint8Array): Promise<Uint8Array> {
    let answer: Answer;
    if (!this.#worker) {
      const tsa = await this.#here();
      try {
        answer = { ok: true, der: await tsa.respond(request) };
      } catch (err) {
        answer = { ok: false, code: (err as { code?: string }).code ?? "ERR_INPUT_MALFORMED", message: String((err as Error).message) };
      }
    } else {
      const reply = await this.#post({ type: "respond", requests: [request] });
      if (!reply.responses?.[0]) throw unavailable(new Error(reply.failed ?? "no response"));
      answer = reply.responses[0];
    }
    if (!answer.ok) throw new LicenceError(answer.code === "ERR_INPUT_TOO_LARGE" ? "ERR_INPUT_TOO_LARGE" : "ERR_INPUT_MALFORMED", "The body is not an RFC 3161 time-stamp request.");
    return answer.der;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
  }
}

/** Options of an external TSA. */
export interface RemoteTimestamperOptions {
  /** Requests in flight at once (default 8). */
  readonly concurrency?: number;
  /** Per request (default 10 s). */
  readonly timeoutMs?: number;
}

/** An external RFC 3161 TSA over HTTP: several requests in flight, each with a timeout and a size limit. */
class RemoteTimestamper implements Timestamper {
  constructor(
    readonly url: string,
    readonly options: RemoteTimestamperOptions = {},
  ) {}

  async #one(data: Uint8Array, hash: TimestampHash): Promise<Uint8Array> {
    const request = createTimestampRequest(data, { hash });
    let body: Uint8Array;
    try {
      const reply = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/timestamp-query", accept: "application/timestamp-reply" },
        body: request.der.slice().buffer,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
      const length = Number(reply.headers.get("content-length") ?? "0");
      if (length > MAX_TIMESTAMP_RESPONSE_BYTES) throw new Error("reply too large");
      body = new Uint8Array(await reply.arrayBuffer());
    } catch (cause) {
      throw unavailable(cause);
    }
    try {
      return readTimestampResponse(body, request);
    } catch (err) {
      // A TSA that refuses an SM3 imprint (RFC 3161 rejection, e.g. badAlg) is asked again with
      // SHA-256, which every TSA takes: the token is still over the same signature.
      if (hash !== "SHA-256" && isLicenceError(err) && err.details.reason === "status") return this.#one(data, "SHA-256");
      throw err;
    }
  }

  async stamp(data: readonly Uint8Array[], hashes?: readonly TimestampHash[]): Promise<Uint8Array[]> {
    const out: Uint8Array[] = new Array(data.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < data.length) {
        const i = next++;
        out[i] = await this.#one(data[i]!, hashes?.[i] ?? "SHA-256");
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 8, data.length) }, lane));
    return out;
  }

  async close(): Promise<void> {}
}

/**
 * The workspace's built-in TSA, run in a worker thread.
 *
 * @param key - the TSA certificate (PEM), its decrypted key and algorithm
 */
export function builtInTimestamper(key: { certificatePem: string; privateKeyPkcs8: Uint8Array; alg: JwsAlgorithm }): Timestamper {
  return new BuiltInTimestamper(key);
}

/**
 * An external RFC 3161 TSA reached at `url`.
 *
 * @param url - the TSA's HTTP(S) endpoint
 * @param options - concurrency and timeout
 */
export function remoteTimestamper(url: string, options?: RemoteTimestamperOptions): Timestamper {
  if (!/^https?:\/\//.test(url)) throw new TypeError("A TSA URL is http:// or https://.");
  return new RemoteTimestamper(url, options);
}
