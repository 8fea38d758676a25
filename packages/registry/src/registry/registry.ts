/**
 * The registry, in process: licences, lifecycle, status lists, sharing by class and the log, on
 * SQLite or PostgreSQL. `Registry.session(apiKey)` gives the {@link RegistryApi} one department
 * may call; the HTTP API and the SDK's client offer exactly the same operations.
 *
 * @module
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import {
  LicenceError,
  isLicenceError,
  verifyTrustList,
  type TrustListDocument,
  validateHolderId,
  type ConsistencyProof,
  type HolderAuthorisation,
  type HolderCode,
  type InclusionProof,
  type LogEntry,
  type RegistryStats,
  type JwsAlgorithm,
  type ApiKeyInfo,
  type ApiKeyRequest,
  type DepartmentStats,
  type IssueBatchRequest,
  type IssueBatchResult,
  type IssuedRecord,
  type IssueItem,
  type IssueRequest,
  type LicenceRecord,
  type LicenceStatus,
  type LicenceType,
  type Principal,
  type ReadCause,
  type RegistryApi,
  type SharedLicence,
  type SharingAgreement,
  type StatusChangeRequest,
  type StatusHistoryEntry,
  type VerifyDataRequest,
} from "@elicence/core";
import { decodeUtf8, parseStrictJson } from "@elicence/core/encoding";
import {
  encodeLicenceHeader,
  issueLicence,
  parseLicenceType,
  signStatusListToken,
  signTrustList,
  type IssuingContext,
} from "@elicence/core/issue";
import { createKeySigner, type Signer } from "@elicence/core/jws";
import { decryptPrivateKey } from "@elicence/core/keys";
import {
  signTreeHead,
  hashLeaf,
  computeRoot,
  type SignedTreeHead,
} from "@elicence/core/log";
import { parseCertificate } from "@elicence/core/x509";
import { readFile } from "node:fs/promises";
import { openDatabase, type Database, type Queryable } from "../storage/database.js";
import { MIGRATIONS } from "../storage/schema.js";
import { openWorkspace, type AddDepartmentOptions, type Workspace } from "../workspace/workspace.js";
import { authenticate, entitledConditionalFields, requireCause, requireRole, type NewApiKey } from "./access.js";
import { createApiKeyIn, listApiKeysIn, revokeApiKeyIn } from "./api-keys.js";
import { GroupCommitLog } from "./group-log.js";
import { SignPool, type SignResult, type WorkerDepartment } from "./sign-pool.js";
import { appendLogEvents, appendLogEventsInOneStatement, insertRows, LogFrontier, logConsistencyProof, logEntriesOf, logInclusionProof, logRoot, logSize, type LogEvent } from "./log.js";
import { allocateStatusSlots, readStatusList, setStatusValues, statusListValue } from "./status-lists.js";

/** Options of {@link Registry.open}. */
export interface RegistryOptions {
  /** The workspace directory (`elicence init`). */
  readonly home: string;
  /** `sqlite:PATH` or `postgres://…`; the workspace's `registry.db` when omitted. */
  readonly db?: string;
  /** Decrypts the workspace's keys. */
  readonly passphrase: string;
  /** The clock (tests pass a fixed one). */
  readonly now?: () => Date;
}

/** The public, unauthenticated operations. */
export interface PublicRegistryApi {
  trustList(): Promise<string>;
  statusList(id: number): Promise<string>;
  treeHead(): Promise<SignedTreeHead>;
  inclusionProof(index: number, treeSize: number): Promise<InclusionProof>;
  consistencyProof(oldSize: number, newSize: number): Promise<ConsistencyProof>;
}

interface LicenceRow {
  id: string;
  type_code: string;
  type_version: number;
  issuer: string;
  holder_key: Uint8Array;
  serial: string;
  version: number;
  status: LicenceStatus;
  status_list: number;
  status_idx: number;
  issued_at: number;
  valid_from: number;
  valid_until: number | null;
  supersedes: string | null;
  superseded_by: string | null;
  chain_id: number;
  payload: Uint8Array;
  signature: Uint8Array;
  disclosures: string;
}

interface ChainRow {
  alg: string;
  x5t: string;
  x5c: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_BATCH = 10_000;
const TRANSITIONS: Record<"suspend" | "resume" | "revoke" | "cancel", { from: readonly LicenceStatus[]; to: LicenceStatus }> = {
  suspend: { from: ["active"], to: "suspended" },
  resume: { from: ["suspended"], to: "active" },
  revoke: { from: ["active", "suspended"], to: "revoked" },
  cancel: { from: ["active", "suspended"], to: "cancelled" },
};
const STATUS_TOKEN_LIFETIME_MS = 24 * 3600 * 1000;
const STATUS_TOKEN_TTL_S = 300;

function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

function notFound(): LicenceError {
  return new LicenceError("ERR_NOT_FOUND", "There is no such licence.");
}

/** The registry. Open it once per process; it holds decrypted signing keys in memory. */
export class Registry {
  readonly #db: Database;
  readonly #ws: Workspace;
  readonly #now: () => Date;
  readonly #contexts: Map<string, IssuingContext>;
  readonly #statusSigner: Signer;
  readonly #statusPem: string;
  readonly #logSigner: Signer;
  readonly #operatorSigner: Signer;
  readonly #operatorPem: string;
  readonly #holderSecret: Uint8Array;
  readonly #statusTokens = new Map<number, { revision: number; token: string; expires: number }>();
  readonly #treeHeads = new Map<number, SignedTreeHead>();
  readonly #chains = new Map<number, ChainRow>();
  readonly #headers = new Map<string, string>();
  /** @internal Licence type versions by `code@version` (immutable once registered). */
  readonly typeVersions = new Map<string, LicenceType>();
  /** @internal Signing workers for batches (started on first use); none: sign in this thread. */
  signPool: SignPool | undefined;
  /** @internal Batches with fewer items than this are signed in this thread. */
  workerThreshold = 16;
  /** @internal The log's right edge, as of the last commit this process made. */
  readonly logFrontier = new LogFrontier();
  /** @internal Read events, committed in groups. */
  readonly readLog = new GroupCommitLog(async (events) => {
    // PostgreSQL: one autocommitted statement when the kept edge is current (1 round trip instead
    // of BEGIN, counter, entries, nodes, COMMIT); otherwise, and on SQLite, a transaction.
    if (this.#db.dialect === "postgres" && (await appendLogEventsInOneStatement(this.#db, events, this.logFrontier))) return;
    await this.transaction((tx) => appendLogEvents(tx, events, this.logFrontier));
  });

  private constructor(init: {
    db: Database;
    ws: Workspace;
    now: () => Date;
    contexts: Map<string, IssuingContext>;
    statusSigner: Signer;
    statusPem: string;
    logSigner: Signer;
    holderSecret: Uint8Array;
    operatorSigner: Signer;
    operatorPem: string;
  }) {
    this.#db = init.db;
    this.#ws = init.ws;
    this.#now = init.now;
    this.#contexts = init.contexts;
    this.#statusSigner = init.statusSigner;
    this.#statusPem = init.statusPem;
    this.#operatorSigner = init.operatorSigner;
    this.#operatorPem = init.operatorPem;
    this.#logSigner = init.logSigner;
    this.#holderSecret = init.holderSecret;
  }

  /**
   * Opens the registry of a workspace: decrypts its keys, opens the database, applies migrations
   * and loads the workspace catalogue into it.
   *
   * @param options - workspace, database URL, passphrase
   * @example
   * ```ts
   * const registry = await Registry.open({ home: "./ws", passphrase });
   * const api = await registry.session(apiKey);
   * ```
   */
  static async open(options: RegistryOptions): Promise<Registry> {
    const ws = await openWorkspace(options.home);
    const decrypt = async (file: string) => decryptPrivateKey(await readFile(ws.path(...file.split("/")), "utf8"), options.passphrase);
    const contexts = new Map<string, IssuingContext>();
    const signing: WorkerDepartment[] = [];
    for (const dept of ws.config.departments) {
      // Decrypted once: the context for this thread, the KeyObject for the signing workers.
      const { context, code, alg, key, chain } = await ws.signingKey(dept.code, options.passphrase);
      contexts.set(code, context);
      signing.push({ code, alg, key, chain });
    }
    const statusPem = await readFile(ws.path("pki", "status.pem"), "utf8");
    const logPem = await readFile(ws.path("pki", "log.pem"), "utf8");
    const statusSigner = await createKeySigner(await decrypt("pki/status.key.pem"), algorithmOf(statusPem));
    const logSigner = await createKeySigner(await decrypt("pki/log.key.pem"), algorithmOf(logPem));
    // The operator's key re-signs the trust list when the catalogue changes (one source per datum).
    const operatorPem = await readFile(ws.path("pki", "operator.pem"), "utf8");
    const operatorSigner = await createKeySigner(await decrypt("pki/operator.key.pem"), algorithmOf(operatorPem));
    // The holder pseudonymisation secret: a random key kept encrypted like every other key.
    const holderSecret = await decrypt("pki/pseudonym.key.pem");
    const db = await openDatabase(options.db ?? `sqlite:${ws.path("registry.db")}`);
    try {
      await db.migrate(MIGRATIONS);
      const registry = new Registry({ db, ws, now: options.now ?? (() => new Date()), contexts, statusSigner, statusPem, logSigner, holderSecret, operatorSigner, operatorPem });
      registry.signPool = new SignPool(signing);
      await registry.#loadCatalogue();
      return registry;
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /** Closes the database. */
  async close(): Promise<void> {
    await this.readLog.idle();
    await this.signPool?.close();
    await this.#db.close();
  }

  /**
   * @internal A database transaction after whose COMMIT the log's right edge it left is kept
   * in memory (nothing is kept from an attempt that rolled back).
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    let last: Queryable | undefined;
    const result = await this.#db.transaction((tx) => {
      last = tx;
      return fn(tx);
    });
    if (last) this.logFrontier.confirm(this.logFrontier.pendingOf(last));
    return result;
  }

  /** The database (for operators' tools and tests). */
  get database(): Database {
    return this.#db;
  }

  async #loadCatalogue(): Promise<void> {
    const now = this.#now().getTime();
    for (const type of await this.#ws.catalogue()) {
      await this.transaction(async (tx) => {
        const exists = await tx.get("SELECT 1 AS one FROM licence_types WHERE code = ? AND version = ?", [type.code, type.version]);
        if (exists) return;
        await tx.run("INSERT INTO licence_types (code, version, definition, created_at) VALUES (?, ?, ?, ?)", [type.code, type.version, JSON.stringify(type), now]);
        await appendLogEvents(tx, [{ kind: "licence-type", at: now, department: this.#ws.config.operator.code, type: type.code, version: type.version }], this.logFrontier);
      });
    }
  }

  /**
   * Creates an API key (shown once; only its hash is stored). Used by `elicence init` to bootstrap
   * the admin, and by admins through their session.
   */
  async createApiKey(options: ApiKeyRequest): Promise<NewApiKey> {
    const now = this.#now().getTime();
    return this.transaction((tx) => createApiKeyIn(tx, options, now, this.#ws.config.operator.code, this.logFrontier));
  }

  /**
   * Authenticates an API key and returns the operations its department may call.
   *
   * @throws LicenceError `ERR_UNAUTHENTICATED`
   */
  async session(apiKey: string): Promise<RegistryApi> {
    const principal = await authenticate(this.#db, apiKey);
    return new Session(this, principal);
  }

  /**
   * Checks that the licence table, the status lists and the log agree: every licence has its
   * issue event in the log, every status list slot shows its licence's status, no two licences
   * share a slot, and the stored subtree hashes give the same root as hashing every leaf anew.
   * Operators run it after a crash or a restore; tests run it after killing the process.
   */
  async audit(): Promise<{ licences: number; logSize: number; problems: string[] }> {
    const problems: string[] = [];
    const db = this.#db;
    const licences = await db.all<{ id: string; status: LicenceStatus; status_list: number; status_idx: number }>("SELECT id, status, status_list, status_idx FROM licences");
    const issued = await db.all<{ entry: string }>("SELECT entry FROM log_entries WHERE kind IN ('issue', 'amend', 'renew')");
    const logged = new Map<string, number>();
    for (const row of issued) {
      const id = (JSON.parse(row.entry) as { licence: string }).licence;
      logged.set(id, (logged.get(id) ?? 0) + 1);
    }
    for (const l of licences) if (logged.get(l.id) !== 1) problems.push(`licence ${l.id} has ${logged.get(l.id) ?? 0} issue events`);
    if (logged.size !== licences.length) problems.push(`the log has ${logged.size} issued licences, the table ${licences.length}`);
    const lists = new Map<number, Awaited<ReturnType<typeof readStatusList>>["list"]>();
    const slots = new Set<string>();
    for (const l of licences) {
      const slot = `${l.status_list}:${l.status_idx}`;
      if (slots.has(slot)) problems.push(`status slot ${slot} is shared`);
      slots.add(slot);
      let list = lists.get(l.status_list);
      if (!list) {
        list = (await readStatusList(db, l.status_list)).list;
        lists.set(l.status_list, list);
      }
      if (list.get(l.status_idx) !== statusListValue(l.status)) problems.push(`licence ${l.id} is ${l.status} but its status list says ${list.get(l.status_idx)}`);
    }
    const size = await logSize(db);
    const leaves = await db.all<{ idx: number; leaf_hash: Uint8Array; entry: string }>("SELECT idx, leaf_hash, entry FROM log_entries ORDER BY idx");
    if (leaves.length !== size) problems.push(`the log counter says ${size}, the table holds ${leaves.length} entries`);
    leaves.forEach((leaf, i) => {
      if (leaf.idx !== i) problems.push(`log entry ${i} is missing`);
      if (Buffer.compare(Buffer.from(hashLeaf(new TextEncoder().encode(leaf.entry))), Buffer.from(leaf.leaf_hash)) !== 0) problems.push(`log entry ${i} does not match its hash`);
    });
    if (leaves.length === size && size > 0) {
      const fresh = computeRoot({ size, leafHash: (i) => new Uint8Array(leaves[i]!.leaf_hash) });
      if (Buffer.compare(Buffer.from(fresh), Buffer.from(await logRoot(db, size))) !== 0) problems.push("the stored subtree hashes do not give the log's root");
    }
    return { licences: licences.length, logSize: size, problems };
  }

  /**
   * Re-signs the trust list so that each department is listed for exactly the licence types the
   * catalogue names it as an issuer of (called after the catalogue changes).
   *
   * @internal
   */
  async refreshTrustList(added?: TrustListDocument["departments"][number]): Promise<void> {
    const now = this.#now();
    const current = await verifyTrustList(await this.#ws.trustListToken(), {
      at: now,
      algorithms: [this.#operatorSigner.alg],
      operatorCertificates: [this.#operatorPem],
    });
    const rows = await this.#db.all<{ definition: string }>(
      "SELECT t.definition FROM licence_types t WHERE t.version = (SELECT MAX(u.version) FROM licence_types u WHERE u.code = t.code) ORDER BY t.code",
    );
    const types = rows.map((r) => JSON.parse(r.definition) as LicenceType);
    const departments = added ? [...current.document.departments.filter((d) => d.code !== added.code), added] : current.document.departments;
    const document: TrustListDocument = {
      ...current.document,
      sequence: current.document.sequence + 1,
      issuedAt: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(),
      nextUpdate: new Date(now.getTime() + 365 * 24 * 3600 * 1000).toISOString(),
      departments: departments.map((d) => ({ ...d, licenceTypes: types.filter((t) => t.issuers.includes(d.code)).map((t) => t.code) })),
    };
    await this.#ws.writeTrustList(await signTrustList(document, this.#operatorSigner, [this.#operatorPem]));
  }

  /**
   * Onboards an issuing department (the operator's job, in process with the workspace): creates its
   * signing certificate and encrypted key (see `Workspace.addDepartment`), lists it in a re-signed
   * trust list for every licence type the catalogue names it an issuer of, logs the event, and
   * makes it ready to issue here. A registry server started before must be restarted to load the
   * new key.
   *
   * @param options - name, USCC, algorithm and the workspace passphrase
   * @returns the department and its certificate's thumbprint
   * @throws LicenceError `ERR_VALIDATION`, `ERR_CONFLICT`, `ERR_PASSPHRASE_INCORRECT`
   */
  async addDepartment(options: Omit<AddDepartmentOptions, "now">): Promise<{ name: string; code: string; alg: JwsAlgorithm; thumbprint: string }> {
    const now = this.#now();
    let added: { name: string; code: string; alg: JwsAlgorithm; thumbprint: string };
    const listed = (await verifyTrustList(await this.#ws.trustListToken(), { at: now, algorithms: [this.#operatorSigner.alg], operatorCertificates: [this.#operatorPem] })).department(options.code);
    const known = this.#ws.config.departments.find((d) => d.code === options.code);
    if (known && !listed) {
      // Added to the workspace, but the trust list was not re-signed (an interrupted add): finish it.
      added = { name: known.name, code: known.code, alg: known.alg, thumbprint: await this.#ws.departmentThumbprint(known.code) };
    } else {
      added = await this.#ws.addDepartment({ ...options, now });
    }
    const { context, code, alg, key, chain } = await this.#ws.signingKey(added.code, options.passphrase);
    this.#contexts.set(code, context);
    if (this.signPool) {
      // The signing workers get the new key too: a new pool with every department (the old one's
      // workers stop; a batch they were signing fails whole, with nothing written).
      const old = this.signPool;
      this.signPool = new SignPool([...old.departments.filter((d) => d.code !== code), { code, alg, key, chain }]);
      await old.close();
    }
    await this.refreshTrustList({
      code: added.code,
      name: added.name,
      licenceTypes: [],
      certificates: [added.thumbprint],
      validFrom: new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000).toISOString(),
    });
    await this.transaction((tx) =>
      appendLogEvents(tx, [{ kind: "department", at: now.getTime(), department: this.#ws.config.operator.code, code: added.code, certificate: added.thumbprint }], this.logFrontier),
    );
    return added;
  }

  /** Public operations: trust list, status lists, log. */
  readonly public: PublicRegistryApi = {
    trustList: () => this.#ws.trustListToken(),
    statusList: (id) => this.#statusListToken(id),
    treeHead: () => this.#treeHead(),
    inclusionProof: async (index, treeSize) => {
      const { leafHash, proof } = await logInclusionProof(this.#db, index, treeSize);
      return { index, treeSize, leafHash: b64u(leafHash), proof: proof.map(b64u) };
    },
    consistencyProof: async (oldSize, newSize) => ({ oldSize, newSize, proof: (await logConsistencyProof(this.#db, oldSize, newSize)).map(b64u) }),
  };

  async #statusListToken(id: number): Promise<string> {
    if (!Number.isSafeInteger(id) || id < 0) throw new LicenceError("ERR_NOT_FOUND", "There is no such status list.");
    const { list, revision } = await readStatusList(this.#db, id);
    const now = this.#now().getTime();
    const cached = this.#statusTokens.get(id);
    if (cached && cached.revision === revision && cached.expires - now > STATUS_TOKEN_LIFETIME_MS / 2) return cached.token;
    const expires = now + STATUS_TOKEN_LIFETIME_MS;
    const token = await signStatusListToken({
      uri: this.statusListUri(id),
      list,
      issuedAt: new Date(now),
      expiresAt: new Date(expires),
      ttl: STATUS_TOKEN_TTL_S,
      signer: this.#statusSigner,
      certificateChain: [this.#statusPem],
    });
    this.#statusTokens.set(id, { revision, token, expires });
    return token;
  }

  async #treeHead(): Promise<SignedTreeHead> {
    const size = await logSize(this.#db);
    const cached = this.#treeHeads.get(size);
    if (cached) return cached;
    const root = await logRoot(this.#db, size);
    const head = await signTreeHead({ logId: this.logId, treeSize: size, rootHash: b64u(root), timestamp: this.#now().getTime() }, this.#logSigner);
    this.#treeHeads.clear();
    this.#treeHeads.set(size, head);
    return head;
  }

  /** The log's identifier (signed into every tree head). */
  get logId(): string {
    return `elicence:${this.#ws.config.operator.code}:log`;
  }

  /** The URI a status list is published under (baked into licences). */
  statusListUri(id: number): string {
    return `${this.#ws.config.publicUrl ?? "http://localhost:8080"}/v1/status-lists/${id}`;
  }

  /** @internal */ get db(): Database {
    return this.#db;
  }
  /** @internal */ now(): number {
    return this.#now().getTime();
  }
  /** @internal */ context(department: string): IssuingContext {
    const context = this.#contexts.get(department);
    if (!context) throw new LicenceError("ERR_FORBIDDEN", "The registry holds no signing key for this department.");
    return context;
  }
  /** @internal Keyed hash of a holder code: the log and indexes never hold it in clear. */
  holderKey(holder: HolderCode): Uint8Array {
    return createHmac("sha256", this.#holderSecret).update(`${holder.idType}:${holder.idNumber}`).digest();
  }
  /** @internal The compact SD-JWT with the given disclosures, rebuilt from its row. */
  async compact(db: Queryable, row: LicenceRow, disclosureNames: readonly string[]): Promise<string> {
    // Signer chains never change once stored: keep them in memory (there are few).
    let chain = this.#chains.get(row.chain_id);
    if (!chain) {
      chain = await db.get<ChainRow>("SELECT alg, x5t, x5c FROM signer_chains WHERE id = ?", [row.chain_id]);
      if (!chain) throw new LicenceError("ERR_UNAVAILABLE", "A signer chain is missing.");
      this.#chains.set(row.chain_id, chain);
    }
    // Licences issued in the same second with the same chain share their header: keep a few.
    const headerKey = `${row.chain_id}:${row.issued_at}`;
    let header = this.#headers.get(headerKey);
    if (header === undefined) {
      header = protectedHeader(chain, row.issued_at);
      if (this.#headers.size >= 4096) this.#headers.delete(this.#headers.keys().next().value!);
      this.#headers.set(headerKey, header);
    }
    const disclosures = JSON.parse(row.disclosures) as Record<string, string>;
    const selected = disclosureNames.map((n) => disclosures[n]).filter((d): d is string => d !== undefined);
    return `${header}.${b64u(row.payload)}.${b64u(row.signature)}~${selected.map((d) => `${d}~`).join("")}`;
  }
}

/** The keyed hash of a read's reason, as its log events carry it. */
function reasonHash(cause: ReadCause): string {
  return createHmac("sha256", "elicence/reason").update(cause.reason).digest("base64url");
}

function algorithmOf(pem: string): "ES256" | "ES384" | "EdDSA" | "PS256" {
  const alg = parseCertificate(pem).publicKeyAlgorithm;
  if (alg !== "ES256" && alg !== "ES384" && alg !== "EdDSA" && alg !== "PS256") throw new LicenceError("ERR_KEY_INVALID", "A service key has an unsupported algorithm.");
  return alg;
}

/** The protected header a stored chain gives a licence signed at `iat` (core's encoding, so the bytes match). */
function protectedHeader(chain: ChainRow, iat: number): string {
  return encodeLicenceHeader({ alg: chain.alg, x5tS256: chain.x5t, x5c: JSON.parse(chain.x5c) as string[] }, iat);
}

async function chainId(tx: Queryable, context: IssuingContext): Promise<number> {
  const x5c = JSON.stringify(context.x5c);
  // The chain's digest covers the whole x5c, so one row serves every licence signed with it.
  const digest = createHash("sha256").update(x5c).digest();
  const found = await tx.get<{ id: number }>("SELECT id FROM signer_chains WHERE digest = ?", [digest]);
  if (found) return found.id;
  const next = await tx.get<{ value: number }>("UPDATE counters SET value = value + 1 WHERE name = 'signer_chains.next' RETURNING value");
  await tx.run("INSERT INTO signer_chains (id, digest, alg, x5t, x5c) VALUES (?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING", [next!.value, digest, context.signer.alg, context.x5tS256, x5c]);
  return (await tx.get<{ id: number }>("SELECT id FROM signer_chains WHERE digest = ?", [digest]))!.id;
}

/** Reads a licence row and locks it until the transaction ends (an UPDATE locks on both engines). */
async function lockLicenceRow(tx: Queryable, id: unknown): Promise<LicenceRow> {
  if (typeof id !== "string" || id.length > 128) throw notFound();
  const row = await tx.get<LicenceRow>("UPDATE licences SET status = status WHERE id = ? RETURNING *", [id]);
  if (!row) throw notFound();
  return row;
}

function parseTime(value: string | null | undefined, path: string): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const d = new Date(value);
  if (typeof value !== "string" || Number.isNaN(d.getTime())) {
    throw new LicenceError("ERR_VALIDATION", "The licence is not valid.", { issues: [{ path: [path], message: "must be an ISO 8601 time" }] });
  }
  return d;
}

/** The operations of one authenticated department. */
class Session implements RegistryApi {
  constructor(
    readonly registry: Registry,
    readonly principal: Principal,
  ) {}

  async whoami(): Promise<Principal> {
    return this.principal;
  }

  // ---- catalogue ----

  async listLicenceTypes(): Promise<LicenceType[]> {
    const rows = await this.registry.db.all<{ definition: string }>(
      "SELECT t.definition FROM licence_types t WHERE t.version = (SELECT MAX(u.version) FROM licence_types u WHERE u.code = t.code) ORDER BY t.code",
    );
    return rows.map((r) => JSON.parse(r.definition) as LicenceType);
  }

  async getLicenceType(code: string): Promise<LicenceType> {
    return typeOf(this.registry.db, code);
  }

  async registerLicenceType(input: LicenceType): Promise<LicenceType> {
    requireRole(this.principal, "admin");
    const type = parseLicenceType(input);
    const now = this.registry.now();
    const registered = await this.registry.transaction(async (tx) => {
      const latest = await tx.get<{ version: number }>("SELECT MAX(version) AS version FROM licence_types WHERE code = ?", [type.code]);
      if (latest?.version != null && type.version <= latest.version) {
        throw new LicenceError("ERR_CONFLICT", "A licence type with this code and an equal or later version exists.");
      }
      await tx.run("INSERT INTO licence_types (code, version, definition, created_at) VALUES (?, ?, ?, ?)", [type.code, type.version, JSON.stringify(type), now]);
      await appendLogEvents(tx, [{ kind: "licence-type", at: now, department: this.principal.department, type: type.code, version: type.version }], this.registry.logFrontier);
      return type;
    });
    await this.registry.refreshTrustList();
    return registered;
  }

  // ---- issuing ----

  #requireIssuer(typeCode: string): void {
    requireRole(this.principal, "issuer");
    if (!this.principal.licenceTypes.includes(typeCode)) {
      throw new LicenceError("ERR_FORBIDDEN", "This API key may not issue this licence type.");
    }
  }

  async issue(request: IssueRequest): Promise<IssuedRecord> {
    checkRequestId(request?.requestId);
    const { requestId, ...item } = request;
    this.#requireIssuer(item.type);
    return this.#onceOnly(() => this.#issueOnce(requestId, item));
  }

  /** Runs an idempotent write; if a concurrent call with the same request id won, retries to replay its result. */
  async #onceOnly<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!isLicenceError(err, "ERR_CONFLICT")) throw err;
      return fn();
    }
  }

  async #issueOnce(requestId: string, item: IssueItem): Promise<IssuedRecord> {
    return this.registry.transaction(async (tx) => {
      const replay = await this.#replay(tx, requestId, "issue");
      if (replay) return (await this.#records(tx, replay))[0]!;
      const [record] = await this.#issueItems(tx, [item], "issue");
      await this.#remember(tx, requestId, "issue", [record!.id]);
      return record!;
    });
  }

  async issueBatch(request: IssueBatchRequest): Promise<IssueBatchResult> {
    checkRequestId(request?.requestId);
    if (!Array.isArray(request.items) || request.items.length === 0 || request.items.length > MAX_BATCH) {
      throw new LicenceError("ERR_VALIDATION", "The batch is not valid.", { issues: [{ path: ["items"], message: `must hold 1 to ${MAX_BATCH} licences` }] });
    }
    requireRole(this.principal, "issuer");
    return this.#onceOnly(() => this.#issueBatchOnce(request));
  }

  async #issueBatchOnce(request: IssueBatchRequest): Promise<IssueBatchResult> {
    return this.registry.transaction(async (tx) => {
      const replay = await this.#replay(tx, request.requestId, "batch");
      if (replay) {
        const stored = JSON.parse(replay[0]!) as { ids: (string | null)[]; errors: IssueBatchResult["errors"] };
        const ids = stored.ids.filter((id): id is string => id !== null);
        const records = await this.#records(tx, ids);
        let k = 0;
        const issued = stored.ids.flatMap((id, index) => (id === null ? [] : [{ ...records[k++]!, index }]));
        return { issued, errors: stored.errors };
      }
      const good: { index: number; item: IssueItem }[] = [];
      const errors: IssueBatchResult["errors"][number][] = [];
      request.items.forEach((item, index) => {
        try {
          this.#requireIssuer(item?.type);
          good.push({ index, item });
        } catch (err) {
          errors.push(batchError(index, err));
        }
      });
      const issued: (IssuedRecord & { index: number })[] = [];
      // Each item is validated and signed on its own, so a bad row never stops the good ones;
      // all good ones commit together in this one transaction.
      const records = await this.#issueItems(tx, good.map((g) => g.item), "issue", (k, err) => errors.push(batchError(good[k]!.index, err)));
      for (const [k, record] of records.entries()) if (record) issued.push({ ...record, index: good[k]!.index });
      errors.sort((a, b) => a.index - b.index);
      const ids: (string | null)[] = request.items.map(() => null);
      for (const r of issued) ids[r.index] = r.id;
      await this.#remember(tx, request.requestId, "batch", [JSON.stringify({ ids, errors })]);
      return { issued, errors };
    });
  }

  /**
   * Issues items inside the transaction; with `onError`, a failing item is reported and skipped.
   * Per batch: the latest version of each type is read once, serials are taken with one counter
   * update, and rows go in with multi-row INSERTs; each item is still validated and signed on its
   * own, so a bad item never stops the good ones.
   */
  async #issueItems(
    tx: Queryable,
    items: readonly IssueItem[],
    kind: "issue" | "amend" | "renew",
    onError?: (index: number, err: unknown) => void,
    extra: { supersedes?: LicenceRow; serial?: string } = {},
  ): Promise<(IssuedRecord | undefined)[]> {
    const context = this.registry.context(this.principal.department);
    const now = this.registry.now();
    const department = this.principal.department;
    const slots = await allocateStatusSlots(tx, items.length);
    const chain = await chainId(tx, context);
    const out: (IssuedRecord | undefined)[] = items.map(() => undefined);
    // Only validation and signing can fail per item, and they write nothing.
    const fail = (k: number, err: unknown): void => {
      if (!onError || !isLicenceError(err)) throw err;
      onError(k, err);
    };
    // 1. Validation: type, holder code, times.
    const types = new Map<string, Promise<LicenceType>>();
    const checked: { k: number; type: LicenceType; holder: { kind: string; name: unknown; idType: unknown; idNumber: unknown }; validFrom: Date | null | undefined; validUntil: Date | null | undefined }[] = [];
    for (const [k, item] of items.entries()) {
      try {
        const code = item?.type;
        let pending = typeof code === "string" ? types.get(code) : undefined;
        if (!pending) {
          pending = typeOf(tx, code);
          if (typeof code === "string") types.set(code, pending);
        }
        const type = await pending;
        const holder = { kind: type.holderKind, name: item.holder?.name, idType: item.holder?.idType, idNumber: item.holder?.idNumber };
        const holderCheck = validateHolderId(String(holder.idType), String(holder.idNumber));
        if (!holderCheck.ok) {
          throw new LicenceError("ERR_VALIDATION", "The licence is not valid.", { issues: [{ path: ["holder", "idNumber"], message: `is not a valid holder code (${holderCheck.reason})` }] });
        }
        checked.push({ k, type, holder, validFrom: parseTime(item.validFrom, "validFrom"), validUntil: parseTime(item.validUntil, "validUntil") });
      } catch (err) {
        fail(k, err);
      }
    }
    // 2. Serials for the items that passed, with one counter update.
    const serials = extra.serial !== undefined ? checked.map(() => extra.serial!) : await nextSerials(tx, department, now, checked.length);
    const version = extra.supersedes ? extra.supersedes.version + 1 : 1;
    // 3. Signing (on the workers for a large batch, while this thread writes the rows of the
    // slices already signed); the protected header the rows will rebuild is checked against each
    // signed one.
    const chainRow = this.#chainRow ?? (await tx.get<ChainRow>("SELECT alg, x5t, x5c FROM signer_chains WHERE id = ?", [chain]));
    const expectedHeader = chainRow ? protectedHeader(chainRow, Math.floor(now / 1000)) : undefined;
    const inputs = checked.map((c, j) => {
      const item = items[c.k]!;
      const slot = slots[c.k]!;
      return {
        type: c.type,
        holder: c.holder as never,
        fields: item.fields ?? {},
        serial: serials[j]!,
        version,
        ...(item.number !== undefined ? { number: item.number } : {}),
        ...(extra.supersedes ? { supersedes: extra.supersedes.id } : {}),
        issuedAt: new Date(now),
        ...(c.validFrom ? { validFrom: c.validFrom } : {}),
        ...(c.validUntil !== undefined ? { validUntil: c.validUntil } : {}),
        status: { uri: this.registry.statusListUri(slot.list), idx: slot.idx },
      } satisfies Parameters<typeof issueLicence>[1];
    });
    const slices = this.#sign(context, inputs);
    const events: LogEvent[] = [];
    let j = 0;
    for (const slice of slices) {
      const results = await slice;
      const licenceRows: (string | number | Uint8Array | null)[][] = [];
      const historyRows: (string | number | null)[][] = [];
      for (const result of results) {
        const c = checked[j]!;
        const serial = serials[j]!;
        j++;
        const slot = slots[c.k]!;
        if (!result.ok) {
          fail(c.k, result.error);
          continue;
        }
        const issued = result.issued;
        if (expectedHeader === undefined || expectedHeader !== issued.archive.protected) {
          fail(c.k, new LicenceError("ERR_STATE_INVALID", "The stored header would not reproduce the signed one."));
          continue;
        }
        this.#chainRow = chainRow;
        const holderKey = this.registry.holderKey({ idType: c.holder.idType as never, idNumber: String(c.holder.idNumber) });
        const disclosures: Record<string, string> = {};
        for (const d of issued.disclosures) disclosures[d.name] = d.encoded;
        licenceRows.push([
          issued.id,
          c.type.code,
          c.type.version,
          department,
          holderKey,
          serial,
          version,
          slot.list,
          slot.idx,
          Math.floor(now / 1000),
          Math.floor(Date.parse(issued.licence.validFrom) / 1000),
          issued.licence.validUntil ? Math.floor(Date.parse(issued.licence.validUntil) / 1000) : null,
          extra.supersedes?.id ?? null,
          chain,
          Buffer.from(issued.archive.payload, "base64url"),
          Buffer.from(issued.archive.signature, "base64url"),
          JSON.stringify(disclosures),
        ]);
        historyRows.push([issued.id, now, kind, department]);
        events.push({ kind, at: now, department, licence: issued.id, type: c.type.code, holder: b64u(holderKey), ...(extra.supersedes ? { supersedes: extra.supersedes.id } : {}) });
        out[c.k] = { id: issued.id, licence: issued.compact, status: "active", statusList: { uri: this.registry.statusListUri(slot.list), idx: slot.idx } };
      }
      // 4. Rows, a few hundred per statement.
      await insertRows(
        tx,
        "INSERT INTO licences (id, type_code, type_version, issuer, holder_key, serial, version, status, status_list, status_idx, issued_at, valid_from, valid_until, supersedes, superseded_by, chain_id, payload, signature, disclosures) VALUES ",
        "(?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
        licenceRows,
        200,
      );
      await insertRows(tx, "INSERT INTO status_history (licence_id, seq, status, at, reason, department, officer) VALUES ", "(?, 1, 'active', ?, ?, ?, NULL)", historyRows);
    }
    await appendLogEvents(tx, events, this.registry.logFrontier);
    return out;
  }

  /**
   * Builds and signs licences: a large batch in slices on the signing workers (all slices sent at
   * once, answered in order), a small one here. Resolves one result per input.
   */
  #sign(context: IssuingContext, inputs: readonly Parameters<typeof issueLicence>[1][]): Promise<SignResult[]>[] {
    const pool = this.registry.signPool;
    if (!pool || inputs.length < this.registry.workerThreshold) {
      return [
        (async () => {
          const results: SignResult[] = [];
          for (const input of inputs) {
            try {
              results.push({ ok: true, issued: await issueLicence(context, input) });
            } catch (err) {
              results.push({ ok: false, error: err as Error });
            }
          }
          return results;
        })(),
      ];
    }
    const size = Math.min(100, Math.max(8, Math.ceil(inputs.length / 16)));
    const slices: Promise<SignResult[]>[] = [];
    for (let i = 0; i < inputs.length; i += size) {
      const slice = pool.sign(this.principal.department, inputs.slice(i, i + size));
      // A slice that fails after an earlier one already failed the batch must not go unhandled.
      slice.catch(() => {});
      slices.push(slice);
    }
    return slices;
  }

  #chainRow: ChainRow | undefined;

  async #replay(tx: Queryable, requestId: string, kind: string): Promise<string[] | undefined> {
    const row = await tx.get<{ kind: string; result: string }>("SELECT kind, result FROM requests WHERE department = ? AND request_id = ?", [this.principal.department, requestId]);
    if (!row) return undefined;
    if (row.kind !== kind) throw new LicenceError("ERR_CONFLICT", "This request id was used for another kind of request.");
    return JSON.parse(row.result) as string[];
  }

  async #remember(tx: Queryable, requestId: string, kind: string, result: readonly string[]): Promise<void> {
    await tx.run("INSERT INTO requests (department, request_id, kind, result, created_at) VALUES (?, ?, ?, ?, ?)", [
      this.principal.department,
      requestId,
      kind,
      JSON.stringify(result),
      this.registry.now(),
    ]);
  }

  async #records(tx: Queryable, ids: readonly string[]): Promise<IssuedRecord[]> {
    const out: IssuedRecord[] = [];
    for (const id of ids) {
      const row = await licenceRow(tx, id);
      const names = Object.keys(JSON.parse(row.disclosures) as Record<string, string>);
      out.push({ id, licence: await this.registry.compact(tx, row, names), status: row.status, statusList: { uri: this.registry.statusListUri(row.status_list), idx: row.status_idx } });
    }
    return out;
  }

  async #ownLicence(tx: Queryable, id: string): Promise<LicenceRow> {
    const row = await lockLicenceRow(tx, id);
    requireRole(this.principal, "issuer");
    if (row.issuer !== this.principal.department || !this.principal.licenceTypes.includes(row.type_code)) {
      throw new LicenceError("ERR_FORBIDDEN", "Only the issuing department may change this licence.");
    }
    return row;
  }

  async amend(id: string, request: { requestId: string; fields: Readonly<Record<string, unknown>>; reason: string }): Promise<IssuedRecord> {
    checkRequestId(request?.requestId);
    checkReason(request.reason);
    return this.#supersedeOnce(id, request.requestId, "amend", request.reason, (old) => ({ fields: { ...old.fields, ...(request.fields ?? {}) } }));
  }

  async renew(id: string, request: { requestId: string; validUntil: string | null; reason: string }): Promise<IssuedRecord> {
    checkRequestId(request?.requestId);
    checkReason(request.reason);
    return this.#supersedeOnce(id, request.requestId, "renew", request.reason, () => ({ validUntil: request.validUntil }));
  }

  #supersedeOnce(...args: Parameters<Session["supersede"]>): Promise<IssuedRecord> {
    return this.#onceOnly(() => this.supersede(...args));
  }

  /** @internal */
  async supersede(
    id: string,
    requestId: string,
    kind: "amend" | "renew",
    reason: string,
    change: (old: { fields: Record<string, unknown> }) => { fields?: Record<string, unknown>; validUntil?: string | null },
  ): Promise<IssuedRecord> {
    return this.registry.transaction(async (tx) => {
      const replay = await this.#replay(tx, requestId, kind);
      if (replay) return (await this.#records(tx, replay))[0]!;
      const old = await this.#ownLicence(tx, id);
      if (old.status !== "active" && old.status !== "suspended") throw new LicenceError("ERR_STATE_INVALID", "Only an active or suspended licence can be amended or renewed.");
      const fields = licenceFields(old);
      const payload = JSON.parse(decodeUtf8(old.payload)) as { licence: { holder: { name: string; idType: string; idNumber: string }; number: string } };
      const changed = change({ fields });
      const item: IssueItem = {
        type: old.type_code,
        holder: payload.licence.holder as IssueItem["holder"],
        fields: Object.fromEntries(Object.entries(changed.fields ?? fields).filter(([, v]) => v !== null)),
        number: payload.licence.number,
        validFrom: new Date(old.valid_from * 1000).toISOString(),
        validUntil: changed.validUntil !== undefined ? changed.validUntil : old.valid_until === null ? null : new Date(old.valid_until * 1000).toISOString(),
      };
      const [record] = await this.#issueItems(tx, [item], kind, undefined, { supersedes: old, serial: old.serial });
      const now = this.registry.now();
      await tx.run("UPDATE licences SET status = 'superseded', superseded_by = ? WHERE id = ?", [record!.id, old.id]);
      await this.#history(tx, old.id, "superseded", now, reason);
      await setStatusValues(tx, [{ list: old.status_list, idx: old.status_idx, status: "superseded" }]);
      await appendLogEvents(tx, [{ kind: "status", at: now, department: this.principal.department, licence: old.id, status: "superseded", by: record!.id }], this.registry.logFrontier);
      await this.#remember(tx, requestId, kind, [record!.id]);
      return record!;
    });
  }

  async #history(tx: Queryable, id: string, status: LicenceStatus, at: number, reason: string, officer?: string): Promise<void> {
    const seq = await tx.get<{ seq: number }>("SELECT MAX(seq) AS seq FROM status_history WHERE licence_id = ?", [id]);
    await tx.run("INSERT INTO status_history (licence_id, seq, status, at, reason, department, officer) VALUES (?, ?, ?, ?, ?, ?, ?)", [
      id,
      (seq?.seq ?? 0) + 1,
      status,
      at,
      reason,
      this.principal.department,
      officer ?? null,
    ]);
  }

  async #changeStatus(id: string, action: keyof typeof TRANSITIONS, change: StatusChangeRequest): Promise<LicenceRecord> {
    checkReason(change?.reason);
    if (change.officer !== undefined && (typeof change.officer !== "string" || change.officer.length > 64)) {
      throw new LicenceError("ERR_VALIDATION", "The status change is not valid.", { issues: [{ path: ["officer"], message: "must be at most 64 characters" }] });
    }
    const rule = TRANSITIONS[action];
    return this.registry.transaction(async (tx) => {
      const row = await this.#ownLicence(tx, id);
      if (!rule.from.includes(row.status)) {
        throw new LicenceError("ERR_STATE_INVALID", "The licence's status does not allow this change.", { details: { status: row.status, action } });
      }
      const now = this.registry.now();
      await tx.run("UPDATE licences SET status = ? WHERE id = ?", [rule.to, id]);
      await this.#history(tx, id, rule.to, now, change.reason, change.officer);
      await setStatusValues(tx, [{ list: row.status_list, idx: row.status_idx, status: rule.to }]);
      const officer = change.officer ? createHmac("sha256", "elicence/officer").update(`${this.principal.department}:${change.officer}`).digest("base64url") : undefined;
      await appendLogEvents(tx, [{ kind: "status", at: now, department: this.principal.department, licence: id, status: rule.to, ...(officer ? { officer } : {}) }], this.registry.logFrontier);
      return recordOf({ ...row, status: rule.to });
    });
  }

  suspend(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return this.#changeStatus(id, "suspend", change);
  }
  resume(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return this.#changeStatus(id, "resume", change);
  }
  revoke(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return this.#changeStatus(id, "revoke", change);
  }
  cancel(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return this.#changeStatus(id, "cancel", change);
  }

  // ---- reads ----

  #requireReader(): void {
    requireRole(this.principal, "consumer", "auditor", "admin", "issuer");
  }

  async #share(
    tx: Queryable,
    row: LicenceRow,
    cause: ReadCause,
    now: number,
    entitlements?: Map<string, Promise<Set<string>>>,
    reason: string = reasonHash(cause),
    prefetched?: Set<string>,
  ): Promise<{ shared: SharedLicence; event: LogEvent }> {
    const type = await typeOf(tx, row.type_code, row.type_version, this.registry.typeVersions);
    const available = Object.keys(JSON.parse(row.disclosures) as Record<string, string>);
    const conditional = type.fields.filter((f) => f.share === "conditional").map((f) => f.name);
    const own = row.issuer === this.principal.department && this.principal.roles.includes("issuer");
    // Within one request (one holder), licences of the same type share their entitlement.
    const key = `${row.type_code}:${Buffer.from(row.holder_key).toString("base64url")}`;
    let pending = prefetched ? Promise.resolve(prefetched) : entitlements?.get(key);
    if (!own && !pending) {
      pending = entitledConditionalFields(tx, this.principal.department, row.type_code, row.holder_key, now);
      entitlements?.set(key, pending);
    }
    const entitled = own ? new Set(conditional) : await pending!;
    // `none` fields never leave the issuer: no read path hands them out.
    const disclose = available.filter((name) => conditional.includes(name) && entitled.has(name));
    const withheld = available.filter((name) => !disclose.includes(name));
    const expired = row.status === "active" && row.valid_until !== null && row.valid_until * 1000 <= now;
    const shared: SharedLicence = {
      id: row.id,
      type: row.type_code,
      status: expired ? "expired" : row.status,
      licence: await this.registry.compact(tx, row, disclose),
      withheld,
      ...(row.supersedes ? { supersedes: row.supersedes } : {}),
      ...(row.superseded_by ? { supersededBy: row.superseded_by } : {}),
    };
    const event: LogEvent = {
      kind: "read",
      at: now,
      department: this.principal.department,
      licence: row.id,
      matter: cause.matter,
      reason,
      disclosed: [...type.fields.filter((f) => f.share === "unconditional").map((f) => f.name), ...disclose],
    };
    return { shared, event };
  }

  /**
   * Runs a read's queries (outside any write transaction, as PostgreSQL's READ COMMITTED reads
   * them), then appends its events to the log through the group commit and answers only once the
   * commit holding them is durable: no answer leaves without its log record, and when that commit
   * fails the read fails.
   */
  async #loggedRead<T>(work: (db: Queryable) => Promise<{ result: T; events: LogEvent[] }>): Promise<T> {
    const { result, events } = await work(this.registry.db);
    await this.registry.readLog.append(events);
    return result;
  }

  async findByHolder(holder: HolderCode, cause: ReadCause, type?: string): Promise<SharedLicence[]> {
    this.#requireReader();
    const c = requireCause(cause);
    checkHolder(holder);
    const key = this.registry.holderKey(holder);
    const now = this.registry.now();
    const department = this.principal.department;
    return this.#loggedRead(async (db) => {
      // One statement: the licences, each with the fields the caller's agreements and the
      // holder's authorisations entitle it to (as a JSON array of the rows' field lists).
      const agg = this.registry.db.dialect === "postgres" ? "json_agg" : "json_group_array";
      const entitled = `(SELECT ${agg}(x.fields) FROM (SELECT a.fields AS fields FROM agreements a WHERE a.consumer = ? AND a.type_code = l.type_code AND a.expires_at > ? UNION ALL SELECT h.fields AS fields FROM authorisations h WHERE h.holder_key = l.holder_key AND h.consumer = ? AND h.type_code = l.type_code AND h.expires_at > ?) x) AS entitled_fields`;
      const params = [department, now, department, now, key];
      const rows =
        type === undefined
          ? await db.all<LicenceRow & { entitled_fields: string | null }>(`SELECT l.*, ${entitled} FROM licences l WHERE l.holder_key = ? ORDER BY l.issued_at, l.id`, params)
          : await db.all<LicenceRow & { entitled_fields: string | null }>(`SELECT l.*, ${entitled} FROM licences l WHERE l.holder_key = ? AND l.type_code = ? ORDER BY l.issued_at, l.id`, [...params, type]);
      const out: SharedLicence[] = [];
      const events: LogEvent[] = [];
      const reason = reasonHash(c);
      for (const row of rows) {
        const fields = new Set<string>();
        for (const list of JSON.parse(row.entitled_fields ?? "[]") as string[]) for (const f of JSON.parse(list) as string[]) fields.add(f);
        const { shared, event } = await this.#share(db, row, c, now, undefined, reason, fields);
        out.push(shared);
        events.push(event);
      }
      if (events.length === 0) {
        events.push({ kind: "read", at: now, department, holder: b64u(key), matter: c.matter, found: 0, disclosed: [] });
      }
      return { result: out, events };
    });
  }

  async get(id: string, cause: ReadCause): Promise<SharedLicence> {
    this.#requireReader();
    const c = requireCause(cause);
    const now = this.registry.now();
    return this.#loggedRead(async (db) => {
      const { shared, event } = await this.#share(db, await licenceRow(db, id), c, now);
      return { result: shared, events: [event] };
    });
  }

  async verifyData(request: VerifyDataRequest, cause: ReadCause): Promise<{ match: boolean }> {
    this.#requireReader();
    const c = requireCause(cause);
    checkHolder(request?.holder);
    const now = this.registry.now();
    return this.#loggedRead(async (db) => {
      const type = await typeOf(db, request.type);
      const field = type.fields.find((f) => f.name === request.field);
      if (!field) throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["field"], message: "is not a field of this licence type" }] });
      if (field.share === "none") throw new LicenceError("ERR_FORBIDDEN", "Fields shared with no one cannot be compared.");
      const key = this.registry.holderKey(request.holder);
      const rows = await db.all<LicenceRow>("SELECT * FROM licences WHERE holder_key = ? AND type_code = ? AND status = 'active'", [key, request.type]);
      const match = rows.some((row) => (row.valid_until === null || row.valid_until * 1000 > now) && licenceFields(row)[request.field] === request.value);
      const events: LogEvent[] = [
        { kind: "verify-data", at: now, department: this.principal.department, holder: b64u(key), type: request.type, field: request.field, matter: c.matter, match },
      ];
      return { result: { match }, events };
    });
  }

  async statusHistory(id: string, cause: ReadCause): Promise<StatusHistoryEntry[]> {
    this.#requireReader();
    const c = requireCause(cause);
    const now = this.registry.now();
    return this.#loggedRead(async (db) => {
      await licenceRow(db, id);
      const rows = await db.all<{ status: LicenceStatus; at: number; reason: string; department: string }>(
        "SELECT status, at, reason, department FROM status_history WHERE licence_id = ? ORDER BY seq",
        [id],
      );
      const events: LogEvent[] = [{ kind: "read", at: now, department: this.principal.department, licence: id, matter: c.matter, disclosed: ["status-history"] }];
      return { result: rows.map((r) => ({ status: r.status, at: new Date(r.at).toISOString(), reason: r.reason, department: r.department })), events };
    });
  }

  async statusAt(id: string, at: string, cause: ReadCause): Promise<{ status: LicenceStatus | "expired" | "not-issued" }> {
    this.#requireReader();
    const c = requireCause(cause);
    const t = parseTime(at, "at")!;
    const now = this.registry.now();
    return this.#loggedRead(async (db) => {
      const row = await licenceRow(db, id);
      const entry = await db.get<{ status: LicenceStatus }>("SELECT status FROM status_history WHERE licence_id = ? AND at <= ? ORDER BY seq DESC LIMIT 1", [id, t.getTime()]);
      const events: LogEvent[] = [{ kind: "read", at: now, department: this.principal.department, licence: id, matter: c.matter, disclosed: ["status"] }];
      const status: LicenceStatus | "expired" | "not-issued" = !entry
        ? "not-issued"
        : entry.status === "active" && row.valid_until !== null && row.valid_until * 1000 <= t.getTime()
          ? "expired"
          : entry.status;
      return { result: { status }, events };
    });
  }

  async logEntries(id: string, cause: ReadCause): Promise<LogEntry[]> {
    requireRole(this.principal, "auditor", "admin", "issuer");
    const c = requireCause(cause);
    const now = this.registry.now();
    return this.registry.transaction(async (tx) => {
      const row = await licenceRow(tx, id);
      const overseer = this.principal.roles.includes("auditor") || this.principal.roles.includes("admin");
      if (!overseer && row.issuer !== this.principal.department) {
        throw new LicenceError("ERR_FORBIDDEN", "Only auditors, admins and the issuing department may list a licence's log entries.");
      }
      // Logged first, so the answer proves this read too.
      await appendLogEvents(tx, [{ kind: "read", at: now, department: this.principal.department, licence: row.id, matter: c.matter, disclosed: ["log-entries"] }], this.registry.logFrontier);
      return logEntriesOf(tx, row.id);
    });
  }

  // ---- API keys (admins) ----

  async createApiKey(request: ApiKeyRequest): Promise<NewApiKey> {
    requireRole(this.principal, "admin");
    const now = this.registry.now();
    return this.registry.transaction((tx) => createApiKeyIn(tx, request, now, this.principal.department, this.registry.logFrontier));
  }

  async listApiKeys(): Promise<ApiKeyInfo[]> {
    requireRole(this.principal, "admin");
    return listApiKeysIn(this.registry.db);
  }

  async revokeApiKey(id: string): Promise<ApiKeyInfo> {
    requireRole(this.principal, "admin");
    const now = this.registry.now();
    return this.registry.transaction((tx) => revokeApiKeyIn(tx, id, now, this.principal.department, this.registry.logFrontier));
  }

  // ---- sharing ----

  async createAgreement(input: Omit<SharingAgreement, "id" | "createdAt">): Promise<SharingAgreement> {
    requireRole(this.principal, "admin");
    const now = this.registry.now();
    const expires = parseTime(input?.expiresAt, "expiresAt");
    return this.registry.transaction(async (tx) => {
      const type = await typeOf(tx, input.type);
      checkConditionalFields(type, input.fields);
      if (!expires || expires.getTime() <= now) throw new LicenceError("ERR_VALIDATION", "The agreement is not valid.", { issues: [{ path: ["expiresAt"], message: "must be in the future" }] });
      checkDepartment(input.consumer);
      const agreement: SharingAgreement = { id: randomUUID(), consumer: input.consumer, type: type.code, fields: [...input.fields], expiresAt: expires.toISOString(), createdAt: new Date(now).toISOString() };
      await tx.run("INSERT INTO agreements (id, consumer, type_code, fields, expires_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)", [
        agreement.id,
        agreement.consumer,
        agreement.type,
        JSON.stringify(agreement.fields),
        expires.getTime(),
        now,
        this.principal.department,
      ]);
      await appendLogEvents(tx, [{ kind: "agreement", at: now, department: this.principal.department, agreement: agreement.id, consumer: agreement.consumer, type: agreement.type, fields: agreement.fields, expires: expires.getTime() }], this.registry.logFrontier);
      return agreement;
    });
  }

  async listAgreements(): Promise<SharingAgreement[]> {
    requireRole(this.principal, "admin", "auditor", "consumer");
    const admin = this.principal.roles.includes("admin") || this.principal.roles.includes("auditor");
    const rows = await this.registry.db.all<{ id: string; consumer: string; type_code: string; fields: string; expires_at: number; created_at: number }>(
      admin ? "SELECT * FROM agreements ORDER BY created_at" : "SELECT * FROM agreements WHERE consumer = ? ORDER BY created_at",
      admin ? [] : [this.principal.department],
    );
    return rows.map((r) => ({ id: r.id, consumer: r.consumer, type: r.type_code, fields: JSON.parse(r.fields) as string[], expiresAt: new Date(r.expires_at).toISOString(), createdAt: new Date(r.created_at).toISOString() }));
  }

  async createAuthorisation(input: Omit<HolderAuthorisation, "id">): Promise<HolderAuthorisation> {
    // The holder authorises through a channel the registry trusts (the admin or the issuing department acts for them).
    requireRole(this.principal, "admin", "issuer");
    checkHolder(input?.holder);
    const now = this.registry.now();
    const expires = parseTime(input.expiresAt, "expiresAt");
    return this.registry.transaction(async (tx) => {
      const type = await typeOf(tx, input.type);
      checkConditionalFields(type, input.fields);
      checkDepartment(input.consumer);
      if (!expires || expires.getTime() <= now) throw new LicenceError("ERR_VALIDATION", "The authorisation is not valid.", { issues: [{ path: ["expiresAt"], message: "must be in the future" }] });
      const key = this.registry.holderKey(input.holder);
      const auth: HolderAuthorisation = { id: randomUUID(), holder: { ...input.holder }, consumer: input.consumer, type: type.code, fields: [...input.fields], expiresAt: expires.toISOString() };
      await tx.run("INSERT INTO authorisations (id, holder_key, holder_id_type, consumer, type_code, fields, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
        auth.id,
        key,
        input.holder.idType,
        auth.consumer,
        auth.type,
        JSON.stringify(auth.fields),
        expires.getTime(),
        now,
      ]);
      await appendLogEvents(tx, [{ kind: "authorisation", at: now, department: this.principal.department, authorisation: auth.id, holder: b64u(key), consumer: auth.consumer, type: auth.type, fields: auth.fields }], this.registry.logFrontier);
      return auth;
    });
  }

  async listAuthorisations(holder?: HolderCode): Promise<HolderAuthorisation[]> {
    requireRole(this.principal, "admin", "issuer", "auditor");
    if (holder === undefined) throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["holder"], message: "is required" }] });
    checkHolder(holder);
    const rows = await this.registry.db.all<{ id: string; consumer: string; type_code: string; fields: string; expires_at: number }>(
      "SELECT id, consumer, type_code, fields, expires_at FROM authorisations WHERE holder_key = ? ORDER BY created_at",
      [this.registry.holderKey(holder)],
    );
    return rows.map((r) => ({ id: r.id, holder: { ...holder }, consumer: r.consumer, type: r.type_code, fields: JSON.parse(r.fields) as string[], expiresAt: new Date(r.expires_at).toISOString() }));
  }

  // ---- figures ----

  async stats(period: { from: string; to: string }): Promise<RegistryStats> {
    requireRole(this.principal, "admin", "auditor");
    const from = parseTime(period?.from, "from");
    const to = parseTime(period?.to, "to");
    if (!from || !to || from.getTime() >= to.getTime()) {
      throw new LicenceError("ERR_VALIDATION", "The period is not valid.", { issues: [{ path: ["to"], message: "from and to must be ISO 8601 times with from before to" }] });
    }
    const [f, t] = [from.getTime(), to.getTime()];
    const db = this.registry.db;
    const types = await this.listLicenceTypes();
    const provided = await db.all<{ issuer: string; type_code: string }>("SELECT DISTINCT issuer, type_code FROM licences WHERE issued_at < ?", [Math.ceil(t / 1000)]);
    // From the log: its times are exact to the millisecond (the licences table keeps seconds).
    const issued = await db.all<{ issuer: string; n: number }>(
      "SELECT l.issuer AS issuer, COUNT(*) AS n FROM log_entries e JOIN licences l ON l.id = e.licence WHERE e.kind IN ('issue', 'amend', 'renew') AND e.at >= ? AND e.at < ? GROUP BY l.issuer",
      [f, t],
    );
    const reads = await db.all<{ entry: string; issuer: string | null }>(
      "SELECT e.entry AS entry, l.issuer AS issuer FROM log_entries e LEFT JOIN licences l ON l.id = e.licence WHERE e.kind = 'read' AND e.at >= ? AND e.at < ? AND e.licence IS NOT NULL",
      [f, t],
    );
    const rows = new Map<string, { typesCatalogued: number; typesProvided: number; licencesIssued: number; readsByOthers: number; servedByMatter: Record<string, number> }>();
    const row = (d: string) => {
      let r = rows.get(d);
      if (!r) rows.set(d, (r = { typesCatalogued: 0, typesProvided: 0, licencesIssued: 0, readsByOthers: 0, servedByMatter: {} }));
      return r;
    };
    const providedSet = new Set(provided.map((p) => `${p.issuer} ${p.type_code}`));
    for (const type of types) {
      for (const d of type.issuers) {
        const r = row(d);
        r.typesCatalogued++;
        if (providedSet.has(`${d} ${type.code}`)) r.typesProvided++;
      }
    }
    for (const i of issued) row(i.issuer).licencesIssued = Number(i.n);
    // Status and log look-ups are oversight, not sharing: only licence reads count.
    const META = new Set(["status", "status-history", "log-entries"]);
    for (const read of reads) {
      const event = JSON.parse(read.entry) as { department: string; matter?: string; disclosed?: string[] };
      if (event.disclosed?.length === 1 && META.has(event.disclosed[0]!)) continue;
      if (read.issuer !== null && read.issuer !== event.department) row(read.issuer).readsByOthers++;
      const served = row(event.department).servedByMatter;
      const matter = event.matter ?? "";
      served[matter] = (served[matter] ?? 0) + 1;
    }
    const departments: DepartmentStats[] = [...rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([department, r]) => ({ department, ...r, provisionRate: r.typesCatalogued === 0 ? 0 : r.typesProvided / r.typesCatalogued }));
    return { from: from.toISOString(), to: to.toISOString(), departments };
  }

  // ---- public ----

  trustList(): Promise<string> {
    return this.registry.public.trustList();
  }
  statusList(id: number): Promise<string> {
    return this.registry.public.statusList(id);
  }
  treeHead(): Promise<SignedTreeHead> {
    return this.registry.public.treeHead();
  }
  inclusionProof(index: number, treeSize: number): Promise<InclusionProof> {
    return this.registry.public.inclusionProof(index, treeSize);
  }
  consistencyProof(oldSize: number, newSize: number): Promise<ConsistencyProof> {
    return this.registry.public.consistencyProof(oldSize, newSize);
  }
}

/**
 * A licence type by code (latest version) or by code and version. Versions never change once
 * registered, so versioned lookups may use the registry's cache.
 */
async function typeOf(db: Queryable, code: unknown, version?: number, typeVersions?: Map<string, LicenceType>): Promise<LicenceType> {
  if (typeof code !== "string") throw new LicenceError("ERR_LICENCE_TYPE_UNKNOWN", "The catalogue has no licence type with this code.");
  if (version !== undefined) {
    const key = `${code}@${version}`;
    const cached = typeVersions?.get(key);
    if (cached) return cached;
    const row = await db.get<{ definition: string }>("SELECT definition FROM licence_types WHERE code = ? AND version = ?", [code, version]);
    if (!row) throw new LicenceError("ERR_LICENCE_TYPE_UNKNOWN", "The catalogue has no licence type with this code.");
    const type = JSON.parse(row.definition) as LicenceType;
    if (typeVersions && typeVersions.size > 10_000) typeVersions.clear();
    typeVersions?.set(key, type);
    return type;
  }
  const row =
    version === undefined
      ? await db.get<{ definition: string }>("SELECT definition FROM licence_types WHERE code = ? ORDER BY version DESC LIMIT 1", [code])
      : await db.get<{ definition: string }>("SELECT definition FROM licence_types WHERE code = ? AND version = ?", [code, version]);
  if (!row) throw new LicenceError("ERR_LICENCE_TYPE_UNKNOWN", "The catalogue has no licence type with this code.");
  return JSON.parse(row.definition) as LicenceType;
}

async function licenceRow(db: Queryable, id: unknown): Promise<LicenceRow> {
  if (typeof id !== "string" || id.length > 128) throw notFound();
  const row = await db.get<LicenceRow>("SELECT * FROM licences WHERE id = ?", [id]);
  if (!row) throw notFound();
  return row;
}

/** Every field of a licence (plain and disclosed), from its row. */
function licenceFields(row: LicenceRow): Record<string, unknown> {
  const payload = parseStrictJson(decodeUtf8(row.payload)) as { fields: Record<string, unknown> };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload.fields)) if (k !== "_sd") fields[k] = v;
  for (const encoded of Object.values(JSON.parse(row.disclosures) as Record<string, string>)) {
    const [, name, value] = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as [string, string, unknown];
    fields[name] = value;
  }
  return fields;
}

/** Takes `count` consecutive serials of a department with one statement. */
async function nextSerials(tx: Queryable, department: string, now: number, count: number): Promise<string[]> {
  if (count === 0) return [];
  const row = await tx.get<{ value: number }>(
    "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING value",
    [`serial.${department}`, count],
  );
  const year = new Date(now).getUTCFullYear();
  const first = row!.value - count + 1;
  return Array.from({ length: count }, (_, i) => `${year}${String(first + i).padStart(10, "0")}`);
}

function recordOf(row: LicenceRow): LicenceRecord {
  return {
    id: row.id,
    type: row.type_code,
    status: row.status,
    version: row.version,
    issuedAt: new Date(row.issued_at * 1000).toISOString(),
    ...(row.valid_until !== null ? { validUntil: new Date(row.valid_until * 1000).toISOString() } : {}),
    ...(row.supersedes ? { supersedes: row.supersedes } : {}),
    ...(row.superseded_by ? { supersededBy: row.superseded_by } : {}),
  };
}

function batchError(index: number, err: unknown): IssueBatchResult["errors"][number] {
  if (isLicenceError(err)) return { index, code: err.code, message: err.message, ...(err.issues.length ? { issues: err.issues } : {}) };
  throw err;
}

function checkRequestId(id: unknown): asserts id is string {
  if (typeof id !== "string" || !REQUEST_ID.test(id)) {
    throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["requestId"], message: "must be 1 to 128 of A-Z a-z 0-9 . _ : -" }] });
  }
}

function checkReason(reason: unknown): void {
  if (typeof reason !== "string" || reason.trim() === "" || reason.length > 256) {
    throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["reason"], message: "must be 1 to 256 characters" }] });
  }
}

function checkHolder(holder: unknown): asserts holder is HolderCode {
  const h = holder as Partial<HolderCode> | undefined;
  const result = h && typeof h === "object" ? validateHolderId(String(h.idType), String(h.idNumber)) : { ok: false as const, reason: "missing" };
  if (!result.ok) throw new LicenceError("ERR_IDENTIFIER_INVALID", "The holder code is not valid.", { details: { reason: String(result.reason) } });
}

function checkDepartment(code: unknown): void {
  if (typeof code !== "string" || !validateHolderId("001", code).ok) {
    throw new LicenceError("ERR_IDENTIFIER_INVALID", "The department code is not a valid unified social credit code.");
  }
}

function checkConditionalFields(type: LicenceType, fields: unknown): void {
  if (!Array.isArray(fields) || fields.length === 0) throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["fields"], message: "must list at least one field" }] });
  const issues = fields.flatMap((f, i) => {
    const def = type.fields.find((d) => d.name === f);
    if (!def) return [{ path: ["fields", i], message: "is not a field of this licence type" }];
    if (def.share !== "conditional") return [{ path: ["fields", i], message: "is not a conditional field" }];
    return [];
  });
  if (issues.length) throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues });
}
