/**
 * {@link LicenceVerifier}: verifies licences with a trust list and status lists it fetches,
 * verifies, caches and refreshes itself, and keeps working offline from its cache — failing
 * closed: a document that is missing, invalid or older than allowed makes the answer
 * INDETERMINATE, never PASSED.
 *
 * Runs in browsers as in Node: no `node:` imports, timers only through the global `setTimeout`.
 *
 * @module
 */
import {
  base64url,
  CHECK_ORDER,
  DOCUMENT_CLOCK_SKEW_MS,
  verifyLicence,
  verifyStatusListToken,
  verifyTrustList,
  type JwsAlgorithm,
  type SignatureAlgorithm,
  type PublicRegistryApi,
  type TrustList,
  type VerificationReport,
  type VerifiedStatusList,
} from "@elicence/core";
import { decodeUtf8 } from "@elicence/core/encoding";
import { parseVerifierCache, type CachedDocument, type VerifierCache } from "./cache.js";

/**
 * Where a verifier gets its documents: a {@link RegistryClient}, or anything with the two calls of
 * core's `PublicRegistryApi` it needs (the trust list and status lists).
 */
export type DocumentSource = Pick<PublicRegistryApi, "trustList" | "statusList">;

/** Options of {@link LicenceVerifier}. */
export interface LicenceVerifierOptions {
  /** Where documents come from; may be omitted only when `offline` is true. */
  readonly source?: DocumentSource;
  /**
   * The registry operator's certificates, pinned out of band (PEM or DER); required: a trust list
   * is only trusted when one of them signed it.
   */
  readonly operatorCertificates: readonly (string | Uint8Array)[];
  /** Algorithms accepted for licences, status lists and the trust list. */
  readonly algorithms: readonly JwsAlgorithm[];
  /**
   * Algorithms accepted for the trust list and status lists, when they differ from the licences'
   * (a verifier that accepts only SM2SM3 licences from a registry whose own documents are ES256);
   * default `algorithms`.
   */
  readonly documentAlgorithms?: readonly JwsAlgorithm[];
  /**
   * Signature algorithms accepted from the TSAs of an archive-form licence's time-stamps (core's
   * `VerifyLicenceOptions.timestampAlgorithms`); default any algorithm core implements.
   */
  readonly timestampAlgorithms?: readonly SignatureAlgorithm[];
  /** The wall clock, for document ages and the default verification time (default `new Date()`). */
  readonly clock?: () => Date;
  /**
   * How old (since it was fetched) a cached document may be and still be used, in milliseconds.
   * Older: the answer is INDETERMINATE. Online, documents are refetched at half this age.
   */
  readonly maxStaleness: number;
  /** Never fetch: work from the cache alone (see {@link LicenceVerifier.importCache}). */
  readonly offline?: boolean;
  /** Refresh in the background before documents age or expire (default true when online). */
  readonly backgroundRefresh?: boolean;
}

/** Options of {@link LicenceVerifier.verify}. */
export interface VerifyOptions {
  /** The verification time (default: the clock's now). */
  readonly at?: Date;
  /**
   * Status list tokens to judge the licence's status by in this call — read from files or an
   * audit bundle — instead of the cached or fetched ones (none is fetched). Core verifies each
   * against the trust list at the verification time and reports why one cannot be used; when none
   * is the list the licence names (or the array is empty), the status check is INDETERMINATE.
   */
  readonly statusLists?: readonly string[];
}

/** Smallest delay between background refreshes, so a tiny `maxStaleness` cannot spin. */
const MIN_REFRESH_DELAY_MS = 100;
const STATUS_LIST_PATH = /\/status-lists\/(0|[1-9]\d{0,8})$/;

function checkTime(at: Date | undefined): void {
  if (at !== undefined && (!(at instanceof Date) || Number.isNaN(at.getTime()))) throw new TypeError("at must be a valid Date.");
}

/**
 * The status list number a licence names, read without verifying anything (the verification
 * itself checks the reference against the signed list). `undefined` when it names none or cannot
 * be read — core then reports the format failure.
 */
export function statusListIdOf(licence: string | Record<string, unknown>): number | undefined {
  try {
    let payload: string | undefined;
    if (typeof licence === "string" && !licence.trim().startsWith("{")) {
      payload = licence.trim().split("~")[0]!.split(".")[1];
    } else {
      const archive = (typeof licence === "string" ? JSON.parse(licence) : licence) as { payload?: unknown };
      payload = typeof archive.payload === "string" ? archive.payload : undefined;
    }
    if (payload === undefined || payload.length > 4 * 1024 * 1024) return undefined;
    const bytes = base64url.decode(payload);
    if (bytes === null) return undefined;
    const claims = JSON.parse(decodeUtf8(bytes)) as { status?: { status_list?: { uri?: unknown } } };
    const uri = claims?.status?.status_list?.uri;
    return typeof uri === "string" ? statusListIdOfUri(uri) : undefined;
  } catch {
    return undefined;
  }
}

/** The registry's number of a status list, from its URI (`…/status-lists/{id}`). */
function statusListIdOfUri(uri: string): number | undefined {
  let path: string;
  try {
    path = new URL(uri).pathname;
  } catch {
    return undefined;
  }
  const match = STATUS_LIST_PATH.exec(path);
  return match ? Number(match[1]) : undefined;
}

/** The report for a licence that cannot be judged because no usable trust list is at hand. */
export function noTrustListReport(at: Date): VerificationReport {
  return {
    indication: "INDETERMINATE",
    subIndication: "TRY_LATER",
    checks: CHECK_ORDER.map((check) =>
      check === "certificate-path"
        ? { check, result: "indeterminate", subIndication: "TRY_LATER", code: "trust-list-unavailable", message: "No current, valid trust list is available." }
        : { check, result: "skipped", message: "Not checked: no current, valid trust list is available." },
    ),
    disclosed: [],
    verificationTime: at.toISOString(),
    level: "B-B",
  };
}

/**
 * Verifies licences the way an approval system needs: the trust list and status lists are fetched
 * from the registry (or any {@link DocumentSource}), verified with core, cached with their expiry
 * and refreshed before they age; when the registry cannot be reached, or in `offline` mode, the
 * cache alone is used — and a cache that is missing or older than `maxStaleness` gives
 * INDETERMINATE, never PASSED.
 *
 * @example
 * ```ts
 * const verifier = new LicenceVerifier({ source: client, operatorCertificates: [operatorPem], algorithms: DEFAULT_ALGORITHMS, maxStaleness: 3_600_000 });
 * const report = await verifier.verify(shared.licence);
 * if (report.indication === "PASSED") accept(report.licence);
 * verifier.close();
 * ```
 */
export class LicenceVerifier {
  readonly #options: LicenceVerifierOptions;
  readonly #clock: () => Date;
  #trustList: CachedDocument | undefined;
  readonly #statusLists = new Map<number, CachedDocument>();
  /** Verified forms, by token, so a hot path does not re-verify signatures. */
  #verifiedTrustList: { token: string; list: TrustList } | undefined;
  readonly #verifiedStatusLists = new Map<string, VerifiedStatusList>();
  readonly #inFlight = new Map<string, Promise<boolean>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /**
   * @param options - source, pinned operator certificates, algorithms, clock and staleness limit
   * @throws TypeError when an option is invalid
   */
  constructor(options: LicenceVerifierOptions) {
    if (!options || !Array.isArray(options.algorithms) || options.algorithms.length === 0) throw new TypeError("algorithms must list at least one algorithm.");
    if (!Array.isArray(options.operatorCertificates) || options.operatorCertificates.length === 0) {
      throw new TypeError("operatorCertificates must pin the registry operator's certificate (PEM or DER, obtained out of band): a trust list is never trusted on its own word.");
    }
    if (options.timestampAlgorithms !== undefined && (!Array.isArray(options.timestampAlgorithms) || options.timestampAlgorithms.length === 0)) {
      throw new TypeError("timestampAlgorithms must list at least one algorithm.");
    }
    if (typeof options.maxStaleness !== "number" || !(options.maxStaleness > 0)) throw new TypeError("maxStaleness must be a positive number of milliseconds.");
    if (!options.offline && (typeof options.source?.trustList !== "function" || typeof options.source?.statusList !== "function")) {
      throw new TypeError("source must offer trustList() and statusList(id), unless offline is true.");
    }
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Whether this verifier never fetches. */
  get offline(): boolean {
    return this.#options.offline === true;
  }

  /**
   * Verifies a licence (compact SD-JWT or archive form) and returns core's report.
   *
   * @param licence - the licence
   * @param options - the verification time
   * @example
   * ```ts
   * const { indication } = await verifier.verify(compact, { at: new Date("2026-01-01T00:00:00Z") });
   * ```
   */
  async verify(licence: string | Record<string, unknown>, options: VerifyOptions = {}): Promise<VerificationReport> {
    checkTime(options.at);
    if (options.statusLists !== undefined && !options.statusLists.every?.((t) => typeof t === "string")) throw new TypeError("statusLists must be an array of tokens.");
    // The trust list first: a status list is verified against it.
    if (!this.offline) await this.#ensure("trust-list");
    // "Now" is read after fetching, so a document signed during the fetch is not in the future.
    const at = options.at ?? this.#clock();
    const trustList = await this.#usableTrustList(at);
    if (!trustList) return noTrustListReport(at);
    // The status list is found once core has read the licence and checked its signature (no
    // second parse here); a missing or unusable list makes the status check INDETERMINATE.
    const statusLists = async (ref: { readonly uri: string }): Promise<VerifiedStatusList | undefined> => {
      const id = statusListIdOfUri(ref.uri);
      if (id === undefined) return undefined;
      if (!this.offline) await this.#ensure(id);
      // A list fetched just now may be signed after `at` was read: judge it at the later instant.
      const listAt = options.at ?? new Date(Math.max(at.getTime(), this.#clock().getTime()));
      return this.#usableStatusList(id, trustList, listAt);
    };
    // Given tokens are verified with the document algorithms here (a token that fails is left to core, which reports it).
    const given = options.statusLists && this.#options.documentAlgorithms
      ? await Promise.all(options.statusLists.map((t) => this.#verifyStatusList(t, trustList, at).catch(() => t)))
      : options.statusLists;
    return verifyLicence(licence, {
      trustList,
      at,
      algorithms: this.#options.algorithms,
      ...(this.#options.timestampAlgorithms ? { timestampAlgorithms: this.#options.timestampAlgorithms } : {}),
      statusLists: given ?? statusLists,
    });
  }

  /**
   * Holds a trust list the caller already has (read from a file) as if just fetched, once it
   * verifies at `at`; with `offline` and {@link VerifyOptions.statusLists}, no source or exported
   * cache is needed. Unlike a fetched one, a trust list that does not verify throws, so whoever
   * supplied it hears why. An online verifier replaces it with its source's when it refreshes.
   *
   * @param token - the signed trust list (compact JWS)
   * @param options - the time to verify it at (default: the clock's now)
   * @returns the verified trust list
   * @throws LicenceError `ERR_TRUST_LIST_INVALID` (or the JWS error) when it does not verify
   * @example
   * ```ts
   * const verifier = new LicenceVerifier({ offline: true, operatorCertificates: [operatorPem], algorithms: DEFAULT_ALGORITHMS, maxStaleness: 60_000 });
   * await verifier.addTrustList(readFileSync("trust-list.jwt", "utf8"));
   * const report = await verifier.verify(licence, { statusLists: [readFileSync("status.jwt", "utf8")] });
   * ```
   */
  async addTrustList(token: string, options: { readonly at?: Date } = {}): Promise<TrustList> {
    if (typeof token !== "string") throw new TypeError("token must be a trust list token.");
    checkTime(options.at);
    const held = token.trim();
    const now = this.#clock();
    const list = await this.#verifyTrustList(held, options.at ?? now);
    this.#trustList = { token: held, fetchedAt: now.toISOString(), expiresAt: new Date(list.document.nextUpdate).toISOString() };
    this.#schedule();
    return list;
  }

  /**
   * Fetches the trust list and every known status list (and the ones named) now, keeping the old
   * documents when a fetch fails or returns something that does not verify.
   *
   * @param statusListIds - status lists to fetch besides those already cached
   * @returns whether every fetch succeeded
   */
  async refresh(statusListIds: readonly number[] = []): Promise<boolean> {
    if (this.offline) return false;
    const ids = new Set([...this.#statusLists.keys(), ...statusListIds]);
    const trusted = await this.#fetch("trust-list");
    const results = await Promise.all([...ids].map((id) => this.#fetch(id)));
    return trusted && results.every(Boolean);
  }

  /** The cache as a JSON value (public, signed documents only), to prime an offline verifier. */
  exportCache(): VerifierCache {
    const statusLists: Record<string, CachedDocument> = {};
    for (const [id, doc] of [...this.#statusLists.entries()].sort((a, b) => a[0] - b[0])) statusLists[String(id)] = doc;
    return { format: "elicence-verifier-cache", version: 1, ...(this.#trustList ? { trustList: this.#trustList } : {}), statusLists };
  }

  /**
   * Loads a cache exported by {@link LicenceVerifier.exportCache}. Documents are verified again
   * when used; their `fetchedAt` still bounds how long they may be used.
   *
   * @param cache - the cache, parsed or as JSON text
   * @throws LicenceError `ERR_INPUT_MALFORMED` listing every problem
   */
  importCache(cache: VerifierCache | string): void {
    const parsed = parseVerifierCache(typeof cache === "string" ? JSON.parse(cache) : cache);
    if (parsed.trustList && (!this.#trustList || Date.parse(parsed.trustList.fetchedAt) > Date.parse(this.#trustList.fetchedAt))) this.#trustList = parsed.trustList;
    for (const [id, doc] of Object.entries(parsed.statusLists)) {
      const current = this.#statusLists.get(Number(id));
      if (!current || Date.parse(doc.fetchedAt) > Date.parse(current.fetchedAt)) this.#statusLists.set(Number(id), doc);
    }
  }

  /** Stops background refreshing. The verifier still verifies, from its cache and on demand. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #cached(key: "trust-list" | number): CachedDocument | undefined {
    return key === "trust-list" ? this.#trustList : this.#statusLists.get(key);
  }

  #age(doc: CachedDocument): number {
    return this.#clock().getTime() - Date.parse(doc.fetchedAt);
  }

  /** Refetches when missing, past half its allowed age, or close to its own expiry. */
  async #ensure(key: "trust-list" | number): Promise<void> {
    const doc = this.#cached(key);
    if (doc && this.#age(doc) < this.#options.maxStaleness / 2 && !this.#nearExpiry(doc)) return;
    await this.#fetch(key);
  }

  #nearExpiry(doc: CachedDocument): boolean {
    if (doc.expiresAt === undefined) return false;
    return Date.parse(doc.expiresAt) - this.#clock().getTime() < Math.min(this.#options.maxStaleness / 2, 60_000);
  }

  /** Fetches and verifies one document; true when it replaced the cached one. Never throws. */
  #fetch(key: "trust-list" | number): Promise<boolean> {
    const name = String(key);
    const running = this.#inFlight.get(name);
    if (running) return running;
    const job = (async () => {
      const source = this.#options.source!;
      try {
        // The clock is read once the document is in hand, so one signed during the fetch is not in the future.
        if (key === "trust-list") {
          const token = await source.trustList();
          const now = this.#clock();
          const list = await this.#verifyTrustList(token, now);
          this.#trustList = { token, fetchedAt: now.toISOString(), expiresAt: new Date(list.document.nextUpdate).toISOString() };
        } else {
          const token = await source.statusList(key);
          const now = this.#clock();
          const trustList = await this.#usableTrustList(now);
          if (!trustList) return false;
          const verified = await this.#verifyStatusList(token, trustList, now);
          this.#statusLists.set(key, { token, fetchedAt: now.toISOString(), ...(verified.expiresAt ? { expiresAt: verified.expiresAt.toISOString() } : {}) });
        }
        this.#schedule();
        return true;
      } catch {
        // Unreachable or invalid: keep what we have; its age decides whether it may still be used.
        return false;
      } finally {
        this.#inFlight.delete(name);
      }
    })();
    this.#inFlight.set(name, job);
    return job;
  }

  async #verifyTrustList(token: string, at: Date): Promise<TrustList> {
    const memo = this.#verifiedTrustList;
    if (memo && memo.token === token && this.#withinTrustList(memo.list, at)) return memo.list;
    const list = await verifyTrustList(token, {
      at,
      algorithms: this.#options.documentAlgorithms ?? this.#options.algorithms,
      operatorCertificates: this.#options.operatorCertificates,
    });
    this.#verifiedTrustList = { token, list };
    this.#verifiedStatusLists.clear();
    return list;
  }

  #withinTrustList(list: TrustList, at: Date): boolean {
    const t = at.getTime();
    const op = list.operatorCertificate;
    return t + DOCUMENT_CLOCK_SKEW_MS >= Date.parse(list.document.issuedAt) && t <= Date.parse(list.document.nextUpdate) && t >= op.notBefore.getTime() && t <= op.notAfter.getTime();
  }

  async #verifyStatusList(token: string, trustList: TrustList, at: Date): Promise<VerifiedStatusList> {
    const memo = this.#verifiedStatusLists.get(token);
    // The same window core judges a token by (issued up to the clock leeway after `at`, not expired).
    if (memo && at.getTime() + DOCUMENT_CLOCK_SKEW_MS >= memo.issuedAt.getTime() && (!memo.expiresAt || at.getTime() <= memo.expiresAt.getTime())) return memo;
    const verified = await verifyStatusListToken(token, { trustList, at, algorithms: this.#options.documentAlgorithms ?? this.#options.algorithms });
    this.#verifiedStatusLists.set(token, verified);
    return verified;
  }

  /** The cached trust list, when young enough and valid at `at`. */
  async #usableTrustList(at: Date): Promise<TrustList | undefined> {
    const doc = this.#trustList;
    if (!doc || this.#age(doc) > this.#options.maxStaleness) return undefined;
    try {
      return await this.#verifyTrustList(doc.token, at);
    } catch {
      return undefined;
    }
  }

  async #usableStatusList(id: number, trustList: TrustList, at: Date): Promise<VerifiedStatusList | undefined> {
    const doc = this.#statusLists.get(id);
    if (!doc || this.#age(doc) > this.#options.maxStaleness) return undefined;
    try {
      return await this.#verifyStatusList(doc.token, trustList, at);
    } catch {
      return undefined;
    }
  }

  /** Plans the next background refresh: before the first document ages past half its limit or expires. */
  #schedule(): void {
    if (this.#closed || this.offline || this.#options.backgroundRefresh === false) return;
    const now = this.#clock().getTime();
    let due = Infinity;
    for (const doc of [this.#trustList, ...this.#statusLists.values()]) {
      if (!doc) continue;
      due = Math.min(due, Date.parse(doc.fetchedAt) + this.#options.maxStaleness / 2);
      if (doc.expiresAt !== undefined) due = Math.min(due, Date.parse(doc.expiresAt) - Math.min(this.#options.maxStaleness / 2, 60_000));
    }
    if (due === Infinity) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    // setTimeout's limit is 2^31-1 ms; a longer wait is cut short and planned again.
    // When a document is already due (the last fetch failed), retry at a modest pace, not at once.
    const wait = due > now ? due - now : Math.min(this.#options.maxStaleness / 8, 60_000);
    const delay = Math.min(Math.max(wait, MIN_REFRESH_DELAY_MS), 2 ** 31 - 1);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.refresh().finally(() => this.#schedule());
    }, delay);
    // In Node a pending refresh must not keep the process alive; browsers have no unref.
    (this.#timer as { unref?: () => void }).unref?.();
  }
}
