/**
 * {@link RegistryClient}: the registry's operations over its HTTP API (`/v1`), the same
 * `RegistryApi` the in-process registry offers, so an approval system can switch transports
 * without changing code.
 *
 * @module
 */
import type {
  AugmentRequest,
  AugmentResult,
  DepartmentAugmentRequest,
  DepartmentAugmentResult,
  HolderVouchRequest,
  ApprovalMatter,
  MatterMaterials,
  ApiKeyInfo,
  ApiKeyRequest,
  NewApiKeyResult,
  AmendRequest,
  ConsistencyProof,
  HolderAuthorisation,
  HolderCode,
  HolderLicencesPage,
  InclusionProof,
  IssueBatchRequest,
  IssueBatchResult,
  IssuedRecord,
  IssueRequest,
  LicenceRecord,
  LicenceStatus,
  LicenceType,
  LogEntry,
  Principal,
  ReadCause,
  RegistryApi,
  RegistryStats,
  RenewRequest,
  SharedLicence,
  SharingAgreement,
  StatusChangeRequest,
  StatusHistoryEntry,
  VerifyDataRequest,
} from "@elicence/core";
import { LicenceError } from "@elicence/core";
import { tilePath, type SignedTreeHead, type TileRef } from "@elicence/core/log";
import { send, type Exchange, type TransportOptions } from "./transport.js";

/** Options of {@link RegistryClient}. */
export interface RegistryClientOptions {
  /** The registry's base URL, e.g. `https://registry.example.gov.cn` (without `/v1`). */
  readonly baseUrl: string;
  /** The department's API key; omit it for the public calls only (trust list, status lists, log). */
  readonly apiKey?: string;
  /** The `fetch` to use (a proxy agent, a test double); the global one by default. */
  readonly fetch?: typeof globalThis.fetch;
  /** How long one attempt may take, in milliseconds (default 10 000). */
  readonly timeoutMs?: number;
  /** Extra attempts for idempotent calls (default 2; never for non-idempotent ones). */
  readonly retries?: number;
  /** Base of the exponential backoff between attempts, in milliseconds (default 200). */
  readonly retryBaseDelayMs?: number;
  /** Cancels every call of this client (and of clients derived with {@link RegistryClient.withOptions}). */
  readonly signal?: AbortSignal;
}

/** Options that can be changed for some calls with {@link RegistryClient.withOptions}. */
export interface RegistryCallOptions {
  /** Cancels these calls (in addition to the client's own signal). */
  readonly signal?: AbortSignal;
  /** How long one attempt may take, in milliseconds. */
  readonly timeoutMs?: number;
  /** Extra attempts for idempotent calls. */
  readonly retries?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_BASE_MS = 200;

function checkCount(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) throw new TypeError(`${name} must be an integer ≥ ${min}.`);
}

function causeHeaders(cause: ReadCause | undefined): Record<string, string> {
  // A missing cause is sent as no headers: the registry refuses it with ERR_CAUSE_REQUIRED, the
  // same answer the in-process registry gives, and nothing is read.
  if (cause === undefined || cause === null || typeof cause !== "object") return {};
  const headers: Record<string, string> = {};
  if (typeof cause.matter === "string") headers["X-Approval-Matter"] = cause.matter;
  if (typeof cause.reason === "string") headers["X-Read-Reason"] = encodeURIComponent(cause.reason);
  return headers;
}

/**
 * Exactly the two members of a holder code: a caller may hand over a fuller holder object (with the
 * name), which the registry's strict schema would refuse, and a name has no business in a lookup.
 */
function holderCode(holder: HolderCode): HolderCode {
  return typeof holder === "object" && holder !== null ? { idType: holder.idType, idNumber: holder.idNumber } : holder;
}

const seg = (value: string | number) => encodeURIComponent(String(value));

function combineSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

/**
 * The registry over HTTP. Every method of `RegistryApi` maps to one route of the registry's
 * `/v1` API; a problem answer becomes a `LicenceError` with the registry's code (HTTP-only codes
 * and unreachable servers become `ERR_UNAVAILABLE`). GETs and POSTs that carry a `requestId` are
 * retried with exponential backoff and jitter; other POSTs are sent once. The client holds no
 * state beyond its options.
 *
 * @example
 * ```ts
 * const client = new RegistryClient({ baseUrl: "https://registry.example.gov.cn", apiKey });
 * const found = await client.findByHolder({ idType: "001", idNumber }, { matter: "330100-ZZ-0001", reason: "办理食品经营许可" });
 * ```
 */
export class RegistryClient implements RegistryApi {
  readonly #transport: TransportOptions;

  /**
   * @param options - base URL, API key, fetch, timeout, retries and signal
   * @throws TypeError when an option is invalid
   */
  constructor(options: RegistryClientOptions) {
    if (typeof options?.baseUrl !== "string") throw new TypeError("baseUrl must be a URL.");
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError("baseUrl must be a URL.");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError("baseUrl must be an http or https URL.");
    checkCount("timeoutMs", options.timeoutMs, 1);
    checkCount("retries", options.retries, 0);
    checkCount("retryBaseDelayMs", options.retryBaseDelayMs, 0);
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== "function") throw new TypeError("No fetch is available: pass one in the options.");
    this.#transport = {
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
      fetch: options.fetch ? options.fetch : (input, init) => globalThis.fetch(input, init),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retries: options.retries ?? DEFAULT_RETRIES,
      retryBaseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      random: Math.random,
    };
  }

  /**
   * A client with the same base URL and key, and some options changed: a signal, a timeout or a
   * retry count for the calls made through it.
   *
   * @param options - what to change
   * @example
   * ```ts
   * const licence = await client.withOptions({ signal: AbortSignal.timeout(2000) }).get(id, cause);
   * ```
   */
  withOptions(options: RegistryCallOptions): RegistryClient {
    checkCount("timeoutMs", options.timeoutMs, 1);
    checkCount("retries", options.retries, 0);
    const t = this.#transport;
    const signal = combineSignals(t.signal, options.signal);
    return new RegistryClient({
      baseUrl: t.baseUrl,
      ...(t.apiKey !== undefined ? { apiKey: t.apiKey } : {}),
      fetch: t.fetch,
      timeoutMs: options.timeoutMs ?? t.timeoutMs,
      retries: options.retries ?? t.retries,
      retryBaseDelayMs: t.retryBaseDelayMs,
      ...(signal ? { signal } : {}),
    });
  }

  /** The base URL calls go to. */
  get baseUrl(): string {
    return this.#transport.baseUrl;
  }

  #call<T>(exchange: Exchange): Promise<T> {
    return send(this.#transport, exchange) as Promise<T>;
  }

  #get<T>(path: string, headers?: Record<string, string>): Promise<T> {
    return this.#call({ method: "GET", path, authenticated: true, idempotent: true, expect: "json", ...(headers ? { headers } : {}) });
  }

  #post<T>(path: string, body: unknown, options: { idempotent?: boolean; headers?: Record<string, string> } = {}): Promise<T> {
    return this.#call({ method: "POST", path, body, authenticated: true, idempotent: options.idempotent ?? false, expect: "json", ...(options.headers ? { headers: options.headers } : {}) });
  }

  /** Retried only when the body names a requestId, which makes the registry return the first result. */
  #postWithRequestId<T>(path: string, body: { requestId?: unknown }): Promise<T> {
    return this.#post(path, body, { idempotent: typeof body?.requestId === "string" && body.requestId.length > 0 });
  }

  /** A status change carries no request id: it is sent once, never retried. */
  #changeStatus(action: "suspend" | "resume" | "revoke" | "cancel", id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return this.#post(`/v1/licences/${seg(id)}/${action}`, change);
  }

  /** `GET /v1/whoami`: the caller, as authenticated. */
  whoami(): Promise<Principal> {
    return this.#get("/v1/whoami");
  }

  /** `GET /v1/licence-types`: the catalogue. */
  listLicenceTypes(): Promise<LicenceType[]> {
    return this.#get("/v1/licence-types");
  }

  /**
   * `GET /v1/licence-types/{code}`: one licence type.
   *
   * @param code - the licence type code
   */
  getLicenceType(code: string): Promise<LicenceType> {
    return this.#get(`/v1/licence-types/${seg(code)}`);
  }

  /**
   * `POST /v1/licence-types` (admin): registers a type or a new version of one.
   *
   * @param type - the licence type
   */
  registerLicenceType(type: LicenceType): Promise<LicenceType> {
    return this.#post("/v1/licence-types", type);
  }

  /**
   * `POST /v1/licences`: issues one licence (idempotent on `requestId`, so retried).
   *
   * @param request - the licence and its request id
   */
  issue(request: IssueRequest): Promise<IssuedRecord> {
    return this.#postWithRequestId("/v1/licences", request);
  }

  /**
   * `POST /v1/licence-batches`: issues a batch (idempotent on `requestId`, so retried).
   *
   * @param request - the items and the batch's request id
   */
  issueBatch(request: IssueBatchRequest): Promise<IssueBatchResult> {
    return this.#postWithRequestId("/v1/licence-batches", request);
  }

  /**
   * `POST /v1/licences/{id}/augment` (admins, the issuing department): adds long-term evidence
   * (B-T, B-LT, B-LTA) and stores it. Sent once, never retried (each LTA adds a time-stamp).
   *
   * @param id - the licence identifier
   * @param request - the level and the reason (logged)
   */
  augment(id: string, request: AugmentRequest): Promise<AugmentResult> {
    return this.#post(`/v1/licences/${seg(id)}/augment`, request);
  }

  /**
   * `POST /v1/departments/{code}/augment` (admins, the department): augments a page of its
   * licences, e.g. when its certificate is about to expire (`expiringBefore`). Sent once.
   *
   * @param code - the department's USCC
   * @param request - level, reason, `expiringBefore`, page
   */
  augmentDepartment(code: string, request: DepartmentAugmentRequest): Promise<DepartmentAugmentResult> {
    return this.#post(`/v1/departments/${seg(code)}/augment`, request);
  }

  /**
   * `POST /v1/licences/{id}/amend`: a new version with changed fields.
   *
   * @param id - the licence identifier
   * @param request - the changes, reason and request id
   */
  amend(id: string, request: AmendRequest): Promise<IssuedRecord> {
    return this.#postWithRequestId(`/v1/licences/${seg(id)}/amend`, request);
  }

  /**
   * `POST /v1/licences/{id}/renew`: a new version with a new validity period.
   *
   * @param id - the licence identifier
   * @param request - the new end of validity, reason and request id
   */
  renew(id: string, request: RenewRequest): Promise<IssuedRecord> {
    return this.#postWithRequestId(`/v1/licences/${seg(id)}/renew`, request);
  }

  /**
   * `POST /v1/licences/{id}/suspend`.
   *
   * @param id - the licence identifier
   * @param change - the reason and officer
   */
  suspend(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return this.#changeStatus("suspend", id, change);
  }

  /**
   * `POST /v1/licences/{id}/resume`.
   *
   * @param id - the licence identifier
   * @param change - the reason and officer
   */
  resume(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return this.#changeStatus("resume", id, change);
  }

  /**
   * `POST /v1/licences/{id}/revoke`.
   *
   * @param id - the licence identifier
   * @param change - the reason and officer
   */
  revoke(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return this.#changeStatus("revoke", id, change);
  }

  /**
   * `POST /v1/licences/{id}/cancel`.
   *
   * @param id - the licence identifier
   * @param change - the reason and officer
   */
  cancel(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return this.#changeStatus("cancel", id, change);
  }

  /**
   * `GET /v1/holders/{idType}/{idNumber}/licences`: a holder's licences, with the entitled
   * disclosures only.
   *
   * @param holder - the holder's code
   * @param cause - why they are read
   * @param type - only this licence type
   * @param page - how many (default 100, at most 1,000) after which licence; a shorter page is the last
   */
  findByHolder(holder: HolderCode, cause: ReadCause, type?: string, page?: HolderLicencesPage): Promise<SharedLicence[]> {
    const params = [
      ...(type !== undefined ? [`type=${seg(type)}`] : []),
      ...(page?.limit !== undefined ? [`limit=${seg(String(page.limit))}`] : []),
      ...(page?.after !== undefined ? [`after=${seg(page.after)}`] : []),
    ];
    const query = params.length > 0 ? `?${params.join("&")}` : "";
    return this.#get(`/v1/holders/${seg(holder?.idType)}/${seg(holder?.idNumber)}/licences${query}`, causeHeaders(cause));
  }

  /**
   * `GET /v1/licences/{id}`: one licence, with the entitled disclosures only.
   *
   * @param id - the licence identifier
   * @param cause - why it is read
   */
  get(id: string, cause: ReadCause): Promise<SharedLicence> {
    return this.#get(`/v1/licences/${seg(id)}`, causeHeaders(cause));
  }

  /**
   * `POST /v1/verify-data`: whether a holder's licence says a value, without the value (sent once:
   * each call is a logged read).
   *
   * @param request - holder, type, field and value
   * @param cause - why it is asked
   */
  verifyData(request: VerifyDataRequest, cause: ReadCause): Promise<{ readonly match: boolean; readonly consents?: readonly string[] }> {
    const body = typeof request === "object" && request !== null ? { ...request, holder: holderCode(request.holder) } : request;
    return this.#post("/v1/verify-data", body, { headers: causeHeaders(cause) });
  }

  /**
   * `GET /v1/licences/{id}/status-history`: every status change, oldest first.
   *
   * @param id - the licence identifier
   * @param cause - why it is read
   */
  statusHistory(id: string, cause: ReadCause): Promise<StatusHistoryEntry[]> {
    return this.#get(`/v1/licences/${seg(id)}/status-history`, causeHeaders(cause));
  }

  /**
   * `GET /v1/licences/{id}/status?at=`: the status at an instant.
   *
   * @param id - the licence identifier
   * @param at - the instant, ISO 8601
   * @param cause - why it is read
   */
  statusAt(id: string, at: string, cause: ReadCause): Promise<{ readonly status: LicenceStatus | "expired" | "not-issued" }> {
    return this.#get(`/v1/licences/${seg(id)}/status?at=${seg(at)}`, causeHeaders(cause));
  }

  /**
   * `GET /v1/licences/{id}/log-entries`: every log entry about a licence, oldest first (auditors,
   * admins and the issuing department).
   *
   * @param id - the licence identifier
   * @param cause - why it is read
   */
  logEntries(id: string, cause: ReadCause): Promise<LogEntry[]> {
    return this.#get(`/v1/licences/${seg(id)}/log-entries`, causeHeaders(cause));
  }

  /**
   * `GET /v1/stats?from=&to=`: sharing figures per department (admins and auditors).
   *
   * @param period - from (inclusive) and to (exclusive), ISO 8601
   */
  stats(period?: { readonly from?: string; readonly to?: string }): Promise<RegistryStats> {
    const query = [period?.from !== undefined ? `from=${seg(period.from)}` : "", period?.to !== undefined ? `to=${seg(period.to)}` : ""].filter((q) => q !== "").join("&");
    return this.#get(`/v1/stats${query ? `?${query}` : ""}`);
  }

  /**
   * `POST /v1/matters` (admin): adds an approval matter.
   *
   * @param matter - code, name, handling department and required types with their fields
   */
  addMatter(matter: ApprovalMatter): Promise<ApprovalMatter> {
    return this.#post("/v1/matters", matter);
  }

  /** `GET /v1/matters`: every approval matter. */
  listMatters(): Promise<ApprovalMatter[]> {
    return this.#get("/v1/matters");
  }

  /**
   * `GET /v1/matters/{code}`: one approval matter.
   *
   * @param code - the matter code
   */
  getMatter(code: string): Promise<ApprovalMatter> {
    return this.#get(`/v1/matters/${seg(code)}`);
  }

  /**
   * `GET /v1/matters/{code}/holders/{idType}/{idNumber}/materials`: per required type, the
   * holder's current licences with only the fields the matter needs. A logged read.
   *
   * @param matter - the matter code (the cause's matter must be it)
   * @param holder - the holder
   * @param cause - the read's cause
   */
  matterMaterials(matter: string, holder: HolderCode, cause: ReadCause): Promise<MatterMaterials> {
    return this.#get(`/v1/matters/${seg(matter)}/holders/${seg(holder?.idType)}/${seg(holder?.idNumber)}/materials`, causeHeaders(cause));
  }

  /**
   * `POST /v1/agreements`: a sharing agreement (sent once).
   *
   * @param agreement - consumer, type, fields and expiry
   */
  createAgreement(agreement: Omit<SharingAgreement, "id" | "createdAt">): Promise<SharingAgreement> {
    return this.#post("/v1/agreements", agreement);
  }

  /**
   * `POST /v1/api-keys` (admins): a new API key for a department. The secret is in this answer
   * only; the request is sent once (never retried), so a lost answer leaves an unused key to revoke.
   *
   * @param request - department, roles, licence types (issuers) and a label
   */
  createApiKey(request: ApiKeyRequest): Promise<NewApiKeyResult> {
    return this.#post("/v1/api-keys", request);
  }

  /** `GET /v1/api-keys` (admins): every key, without secrets. */
  listApiKeys(): Promise<ApiKeyInfo[]> {
    return this.#get("/v1/api-keys");
  }

  /**
   * `POST /v1/api-keys/{id}/revoke` (admins): revokes a key at once.
   *
   * @param id - the key id (the 16 hex digits after `elk_`)
   */
  revokeApiKey(id: string): Promise<ApiKeyInfo> {
    return this.#post(`/v1/api-keys/${encodeURIComponent(id)}/revoke`, {});
  }

  /** `GET /v1/agreements`: the agreements the caller may see. */
  listAgreements(): Promise<SharingAgreement[]> {
    return this.#get("/v1/agreements");
  }

  /**
   * `POST /v1/authorisations`: records a holder's authorisation (sent once).
   *
   * @param authorisation - holder, consumer, type, fields and expiry
   */
  createAuthorisation(authorisation: Omit<HolderAuthorisation, "id">): Promise<HolderAuthorisation> {
    const body = typeof authorisation === "object" && authorisation !== null ? { ...authorisation, holder: holderCode(authorisation.holder) } : authorisation;
    return this.#post("/v1/authorisations", body);
  }

  /**
   * `POST /v1/holder-assertions`: the caller's department (at a service window, having identified
   * the holder) vouches for the holder's public key; the answer is the assertion the holder keeps.
   *
   * @param request - the holder, the holder's public JWK and an optional end
   */
  vouchHolder(request: HolderVouchRequest): Promise<{ readonly assertion: string }> {
    const body = typeof request === "object" && request !== null ? { ...request, holder: holderCode(request.holder) } : request;
    return this.#post("/v1/holder-assertions", body);
  }

  /**
   * `GET /v1/authorisations`: holders' authorisations, optionally of one holder.
   *
   * @param holder - only this holder's
   */
  listAuthorisations(holder?: HolderCode): Promise<HolderAuthorisation[]> {
    const query = holder !== undefined ? `?idType=${seg(holder.idType)}&idNumber=${seg(holder.idNumber)}` : "";
    return this.#get(`/v1/authorisations${query}`);
  }

  /** `GET /v1/trust-list` (public, sent without the key): the signed trust list, a compact JWS. */
  trustList(): Promise<string> {
    return this.#call({ method: "GET", path: "/v1/trust-list", authenticated: false, idempotent: true, expect: "text" });
  }

  /**
   * `GET /v1/status-lists/{id}` (public): a status list token.
   *
   * @param id - the status list number
   */
  statusList(id: number): Promise<string> {
    return this.#call({ method: "GET", path: `/v1/status-lists/${seg(id)}`, authenticated: false, idempotent: true, expect: "text" });
  }

  /** `GET /v1/log/tree-head` (public): the log's latest signed tree head. */
  treeHead(): Promise<SignedTreeHead> {
    return this.#call({ method: "GET", path: "/v1/log/tree-head", authenticated: false, idempotent: true, expect: "json" });
  }

  /**
   * `GET /v1/log/inclusion` (public): an inclusion proof for a log entry.
   *
   * @param index - the entry's index
   * @param treeSize - the size of the tree the proof is for
   */
  inclusionProof(index: number, treeSize: number): Promise<InclusionProof> {
    return this.#call({ method: "GET", path: `/v1/log/inclusion?index=${seg(index)}&treeSize=${seg(treeSize)}`, authenticated: false, idempotent: true, expect: "json" });
  }

  /**
   * `GET /v1/log/consistency` (public): a consistency proof between two tree sizes.
   *
   * @param oldSize - the older size
   * @param newSize - the newer size
   */
  consistencyProof(oldSize: number, newSize: number): Promise<ConsistencyProof> {
    return this.#call({ method: "GET", path: `/v1/log/consistency?oldSize=${seg(oldSize)}&newSize=${seg(newSize)}`, authenticated: false, idempotent: true, expect: "json" });
  }

  /** `GET /v1/log/checkpoint` (public): the log's checkpoint, a C2SP signed note (check it with `verifyCheckpoint`). */
  checkpoint(): Promise<string> {
    return this.#call({ method: "GET", path: "/v1/log/checkpoint", authenticated: false, idempotent: true, expect: "text" });
  }

  /**
   * `GET /v1/log/tile/…` (public): one tile of the log (C2SP tlog-tiles), `width` × 32 bytes.
   * The bytes are not trusted: compute proofs from them and check those against a verified checkpoint.
   *
   * @param tile - the tile (see `tilesForInclusion`, `tilesForConsistency`)
   */
  async logTile(tile: TileRef): Promise<Uint8Array> {
    const bytes = await this.#call<Uint8Array>({ method: "GET", path: `/v1/log/${tilePath(tile)}`, authenticated: false, idempotent: true, expect: "bytes" });
    if (bytes.length !== tile.width * 32) throw new LicenceError("ERR_LOG_PROOF_INVALID", "The registry sent a tile of the wrong length.", { details: { reason: "tile-length" } });
    return bytes;
  }
}
