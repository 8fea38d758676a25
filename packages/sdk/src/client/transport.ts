/**
 * One HTTP exchange with the registry: a per-attempt timeout, cancellation, retries with
 * exponential backoff and full jitter for idempotent requests only, and problem documents turned
 * back into the {@link LicenceError} the in-process registry would have thrown.
 *
 * @module
 */
import { LicenceError, type LicenceErrorCode, type ValidationIssue } from "@elicence/core";
import { parseStrictJson } from "@elicence/core/encoding";

/** How one request is sent. Every member has a default in {@link RegistryClient}. */
export interface TransportOptions {
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBaseDelayMs: number;
  readonly signal?: AbortSignal;
  readonly random: () => number;
}

/** One request. */
export interface Exchange {
  readonly method: "GET" | "POST";
  /** Path and query, starting with `/`. */
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send the API key (public documents are fetched without it). */
  readonly authenticated: boolean;
  /** Safe to send again: a GET, or a POST that carries a requestId. */
  readonly idempotent: boolean;
  /** `json` parses the body, `text` returns it as is, `bytes` returns it undecoded (tiles). */
  readonly expect: "json" | "text" | "bytes";
}

/** Most bytes of a response body read (a batch result of 100k records fits). */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** Every code of core, so a problem's `code` is recognised; adding one to core is a type error here. */
const KNOWN_CODES: Readonly<Record<LicenceErrorCode, true>> = {
  ERR_INPUT_MALFORMED: true,
  ERR_INPUT_TOO_LARGE: true,
  ERR_JSON_DUPLICATE_MEMBER: true,
  ERR_VALIDATION: true,
  ERR_IDENTIFIER_INVALID: true,
  ERR_ALGORITHM_NOT_ALLOWED: true,
  ERR_ALGORITHM_UNSUPPORTED: true,
  ERR_JWS_INVALID: true,
  ERR_HEADER_INVALID: true,
  ERR_SIGNATURE_INVALID: true,
  ERR_CERTIFICATE_INVALID: true,
  ERR_ISSUER_NOT_AUTHORISED: true,
  ERR_DISCLOSURE_INVALID: true,
  ERR_TRUST_LIST_INVALID: true,
  ERR_STATUS_LIST_INVALID: true,
  ERR_KEY_INVALID: true,
  ERR_PASSPHRASE_INCORRECT: true,
  ERR_CATALOGUE_INVALID: true,
  ERR_LICENCE_TYPE_UNKNOWN: true,
  ERR_LOG_PROOF_INVALID: true,
  ERR_NOT_FOUND: true,
  ERR_CONFLICT: true,
  ERR_FORBIDDEN: true,
  ERR_UNAUTHENTICATED: true,
  ERR_CAUSE_REQUIRED: true,
  ERR_STATE_INVALID: true,
  ERR_UNAVAILABLE: true,
  ERR_FONT_INVALID: true,
  ERR_QR_UNREADABLE: true,
  ERR_QR_INVALID: true,
  ERR_RATE_LIMITED: true,
  ERR_IDEMPOTENCY_MISMATCH: true,
  ERR_TIMESTAMP_INVALID: true,
  ERR_STORAGE_FULL: true,
  ERR_DATA_KEY_INVALID: true,
  ERR_SEALED_DATA_INVALID: true,
  ERR_PRESENTATION_INVALID: true,
  ERR_HOLDER_TOKEN_INVALID: true,
  ERR_HOLDER_KEY_MISMATCH: true,
  ERR_CONSENT_EXPIRED: true,
  ERR_CONSENT_WITHDRAWN: true,
  ERR_REPLAYED: true,
};

function isKnownCode(code: unknown): code is LicenceErrorCode {
  return typeof code === "string" && Object.prototype.hasOwnProperty.call(KNOWN_CODES, code);
}

/** Why an attempt failed in a way worth retrying. */
class RetryableFailure {
  constructor(readonly error: LicenceError, readonly retryAfterMs?: number) {}
}

function unavailable(reason: string, extra: Record<string, string | number | boolean> = {}, cause?: unknown): LicenceError {
  return new LicenceError("ERR_UNAVAILABLE", "The registry could not be reached or did not answer.", {
    details: { reason, ...extra },
    ...(cause !== undefined ? { cause } : {}),
  });
}

function isIssues(value: unknown): value is ValidationIssue[] {
  return Array.isArray(value) && value.every((i) => typeof i === "object" && i !== null && Array.isArray(i.path) && typeof i.message === "string");
}

function isDetails(value: unknown): value is Record<string, string | number | boolean> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => ["string", "number", "boolean"].includes(typeof v));
}

/**
 * The error for a non-2xx answer. A problem with a core code becomes that LicenceError (same code,
 * the server's fixed sentence, issues and details). HTTP-only codes (`ERR_INTERNAL`,
 * `ERR_MEDIA_TYPE_UNSUPPORTED`) and answers that are not problems become `ERR_UNAVAILABLE`, with
 * the original code and status in `details`: to a caller they mean "the registry could not serve
 * this", not a fault in the licence.
 */
function errorFromAnswer(status: number, contentType: string, text: string): LicenceError {
  let body: unknown;
  if (/^application\/(problem\+)?json\b/i.test(contentType)) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  const problem = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const requestId: Record<string, string> = typeof problem.requestId === "string" ? { requestId: problem.requestId.slice(0, 128) } : {};
  if (isKnownCode(problem.code)) {
    const message = typeof problem.detail === "string" && problem.detail.length <= 512 ? problem.detail : "The registry refused the request.";
    return new LicenceError(problem.code, message, {
      ...(isIssues(problem.issues) ? { issues: problem.issues } : {}),
      details: { ...(isDetails(problem.details) ? problem.details : {}), status, ...requestId },
    });
  }
  const code: Record<string, string> = typeof problem.code === "string" ? { problemCode: problem.code.slice(0, 64) } : {};
  return unavailable("http-status", { status, ...code, ...requestId });
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}

function retryAfter(header: string | null): number | undefined {
  if (!header || !/^\d{1,4}$/.test(header)) return undefined;
  return Math.min(Number(header) * 1000, 30_000);
}

async function readBody(res: Response, binary: boolean): Promise<string | Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > MAX_RESPONSE_BYTES) throw unavailable("response-too-large");
  if (binary) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > MAX_RESPONSE_BYTES) throw unavailable("response-too-large");
    return bytes;
  }
  const text = await res.text();
  if (text.length > MAX_RESPONSE_BYTES) throw unavailable("response-too-large");
  return text;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Sends one attempt. Resolves with the answer's body, or rejects with a {@link RetryableFailure}
 * (network, timeout, 5xx/429), a LicenceError (any other refusal) or the caller's abort reason.
 */
async function attempt(options: TransportOptions, exchange: Exchange): Promise<string | Uint8Array> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const headers: Record<string, string> = { Accept: exchange.expect === "json" ? "application/json" : "*/*", ...exchange.headers };
  if (exchange.authenticated && options.apiKey !== undefined) headers["Authorization"] = `Bearer ${options.apiKey}`;
  let body: string | undefined;
  if (exchange.body !== undefined) {
    body = JSON.stringify(exchange.body);
    headers["Content-Type"] = "application/json";
  }
  try {
    const res = await options.fetch(options.baseUrl + exchange.path, { method: exchange.method, headers, signal: controller.signal, ...(body !== undefined ? { body } : {}) });
    const answer = await readBody(res, res.ok && exchange.expect === "bytes");
    if (res.ok) return answer;
    const error = errorFromAnswer(res.status, res.headers.get("content-type") ?? "", answer as string);
    if (isRetryableStatus(res.status)) throw new RetryableFailure(error, retryAfter(res.headers.get("retry-after")));
    throw error;
  } catch (err) {
    if (err instanceof RetryableFailure || err instanceof LicenceError) throw err;
    if (options.signal?.aborted) throw options.signal.reason;
    if (timedOut) throw new RetryableFailure(unavailable("timeout", { timeoutMs: options.timeoutMs }));
    throw new RetryableFailure(unavailable("network", {}, err));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Sends a request, retrying idempotent ones on network failures, timeouts, 429 and 5xx.
 *
 * @returns the parsed JSON or the text of the answer
 * @throws LicenceError with the registry's code; `ERR_UNAVAILABLE` when it cannot be reached; the
 *   signal's reason when the call is cancelled
 */
export async function send(options: TransportOptions, exchange: Exchange): Promise<unknown> {
  const attempts = exchange.idempotent ? options.retries + 1 : 1;
  for (let n = 1; ; n++) {
    if (options.signal?.aborted) throw options.signal.reason;
    try {
      const body = await attempt(options, exchange);
      if (exchange.expect !== "json") return body;
      try {
        return parseStrictJson(body as string, { maxLength: MAX_RESPONSE_BYTES });
      } catch (cause) {
        throw unavailable("response-malformed", {}, cause);
      }
    } catch (err) {
      if (!(err instanceof RetryableFailure)) throw err;
      if (n >= attempts) throw err.error;
      // Full jitter: a random delay up to base·2^(n-1), so clients that failed together spread out.
      const backoff = options.random() * options.retryBaseDelayMs * 2 ** (n - 1);
      await sleep(Math.max(backoff, err.retryAfterMs ?? 0), options.signal);
    }
  }
}
