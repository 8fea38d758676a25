/**
 * The registry's holder operations over HTTP ({@link HolderApi}): consents and the access record.
 * Every call carries a holder token, which the registry accepts once, so no call is retried.
 *
 * @module
 */
import type { AccessRecordPage, AccessRecordQuery, HolderApi, HolderConsent } from "@elicence/core";
import { send, type Exchange, type TransportOptions } from "./transport.js";

/** Options of {@link HolderClient}. */
export interface HolderClientOptions {
  /** The registry's base URL (without `/v1`). */
  readonly baseUrl: string;
  /** The `fetch` to use; the global one by default. */
  readonly fetch?: typeof globalThis.fetch;
  /** How long a call may take, in milliseconds (default 10 000). */
  readonly timeoutMs?: number;
}

/**
 * The holder's side of the registry over HTTP.
 *
 * @example
 * ```ts
 * const holder = new HolderClient({ baseUrl: "https://registry.example.gov.cn" });
 * const consent = await holder.grantConsent(token);
 * ```
 */
export class HolderClient implements HolderApi {
  readonly #transport: TransportOptions;

  /** @param options - base URL, fetch and timeout */
  constructor(options: HolderClientOptions) {
    let url: URL;
    try {
      url = new URL(options?.baseUrl);
    } catch {
      throw new TypeError("baseUrl must be a URL.");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError("baseUrl must be an http or https URL.");
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) throw new TypeError("timeoutMs must be a positive whole number.");
    this.#transport = {
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
      fetch: options.fetch ? options.fetch : (input, init) => globalThis.fetch(input, init),
      timeoutMs,
      retries: 0,
      retryBaseDelayMs: 0,
      random: Math.random,
    };
  }

  #call<T>(exchange: Omit<Exchange, "authenticated" | "idempotent">): Promise<T> {
    return send(this.#transport, { ...exchange, authenticated: false, idempotent: false }) as Promise<T>;
  }

  /** The audience holder tokens name: the origin line of the registry's public checkpoint. */
  async audience(): Promise<string> {
    const note = await send(this.#transport, { method: "GET", path: "/v1/log/checkpoint", authenticated: false, idempotent: true, expect: "text" });
    return String(note).split("\n", 1)[0]!;
  }

  /** `POST /v1/holder/consents`. */
  grantConsent(token: string): Promise<HolderConsent> {
    return this.#call({ method: "POST", path: "/v1/holder/consents", body: { token }, expect: "json" });
  }

  /** `POST /v1/holder/consents/withdraw`. */
  withdrawConsent(token: string): Promise<HolderConsent> {
    return this.#call({ method: "POST", path: "/v1/holder/consents/withdraw", body: { token }, expect: "json" });
  }

  /** `GET /v1/holder/consents` with `Authorization: Holder <token>`. */
  listConsents(token: string): Promise<HolderConsent[]> {
    return this.#call({ method: "GET", path: "/v1/holder/consents", headers: { Authorization: `Holder ${token}` }, expect: "json" });
  }

  /** `GET /v1/holder/access-record` with `Authorization: Holder <token>`. */
  accessRecord(token: string, query: AccessRecordQuery = {}): Promise<AccessRecordPage> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set("limit", String(query.limit));
    if (query.after !== undefined) params.set("after", String(query.after));
    const q = params.size > 0 ? `?${params}` : "";
    return this.#call({ method: "GET", path: `/v1/holder/access-record${q}`, headers: { Authorization: `Holder ${token}` }, expect: "json" });
  }
}
