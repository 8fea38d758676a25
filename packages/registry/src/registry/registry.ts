/**
 * The registry, in process: licences, lifecycle, status lists, sharing by class and the log, on
 * SQLite or PostgreSQL. `Registry.session(apiKey)` gives the {@link RegistryApi} one department
 * may call; the HTTP API and the SDK's client offer exactly the same operations. `Registry`
 * opens and closes; each job lives in `jobs/` and gets a `RegistryContext`, not the registry.
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { LicenceError, type TrustList, type ApiKeyRequest, type HolderCode, type LicenceType, type PublicRegistryApi, type RegistryApi, type HolderApi } from "@elicence/core";
import { createKeySigner } from "@elicence/core/jws";
import { decryptPrivateKey } from "@elicence/core/keys";
import { parseCertificate } from "@elicence/core/x509";
import { openDatabase, type Database, type OpenDatabaseOptions, type Queryable } from "../storage/database.js";
import { MIGRATIONS } from "../storage/schema.js";
import { DEFAULT_PUBLIC_URL, openWorkspace, revocationUrls, type AddDepartmentOptions } from "../workspace/workspace.js";
import { augmentArchive, sourcesOf } from "./jobs/augment.js";
import type { AugmentLevel, AugmentedJades } from "@elicence/core/jades";
import type { NewApiKey } from "./access.js";
import { ApiKeyCache } from "./key-cache.js";
import { auditRegistry, type AuditResult } from "./audit.js";
import { CompactLicences } from "./compact.js";
import { DataKeys, DATA_KEK_FILE, loadKeyEncryptionKey } from "./sealing/data-keys.js";
import { DisclosureOpener, openDisclosures } from "./sealing/disclosures.js";
import type { OperatorContext } from "./context.js";
import { GroupCommitLog } from "./group-log.js";
import { createApiKeyIn } from "./jobs/api-keys.js";
import { loadCatalogue } from "./jobs/catalogue.js";
import { addDepartment, type AddedDepartment } from "./jobs/department.js";
import { revokeDepartment, type RevokedDepartment } from "./jobs/department-revoke.js";
import { RevocationPublisher } from "./revocation.js";
import type { CrlReason } from "@elicence/core/revocation";
import { PublicOperations } from "./jobs/public.js";
import { LogFrontier } from "./log.js";
import { readLogCommitter, type ReadLogCommitter } from "./read-log-writer.js";
import { DEFAULT_VERIFY_DATA_LIMIT, RateLimiter, type RateLimit } from "./rate-limit.js";
import { ReplicaReads, type ReplicaOptions } from "./replica.js";
import { Session } from "./session.js";
import { HolderOperations } from "./holder.js";
import type { SignPool } from "./sign-pool.js";
import { SigningKeys, type DepartmentKey } from "./signing-keys.js";
import { cosigningKeys, type AddCosigningKeyOptions, type AddedCosigningKey } from "../workspace/cosigning-keys.js";
import { addDepartmentKey } from "./jobs/department-key.js";
import { TrustListPublisher } from "./trust-list.js";
import { builtInTimestamper, remoteTimestamper, type Timestamper } from "./timestamper.js";

/** Options of {@link Registry.open}. */
export interface RegistryOptions {
  /** The workspace directory (`elicence init`). */
  readonly home: string;
  /** `sqlite:PATH` or `postgres://…`; the workspace's `registry.db` when omitted. */
  readonly db?: string;
  /** How `db` is opened: PostgreSQL's pool size, pool wait and connect bounds, … (defaults of {@link OpenDatabaseOptions}). */
  readonly database?: OpenDatabaseOptions;
  /** Decrypts the workspace's keys. */
  readonly passphrase: string;
  /** The clock (tests pass a fixed one). */
  readonly now?: () => Date;
  /** Verify-data comparisons each department may make per window (default 120 a minute). */
  readonly verifyDataLimit?: RateLimit;
  /** The TSA to time-stamp issued licences with; default the workspace's configuration. `null`: none (B-B). */
  readonly timestamper?: Timestamper | null;
  /**
   * A PostgreSQL hot standby that holder lookups (`findByHolder`, `get`) may read while it is
   * fresh within `maxStalenessMs` (default 1 s); every write, the read log included, goes to `db`.
   */
  readonly replica?: ReplicaOptions;
}

/** The registry. Open it once per process; it holds decrypted signing keys in memory. */
export class Registry {
  readonly #ctx: OperatorContext;
  readonly #signing: SigningKeys;
  readonly #public: PublicOperations;
  readonly #revocation: RevocationPublisher | undefined;
  readonly #keys = new ApiKeyCache();

  /** Public operations: trust list, status lists, log. */
  readonly public: PublicRegistryApi;
  /** The holder's operations: consents and the access record, each with a token the holder signed. */
  readonly holder: HolderApi;

  private constructor(ctx: OperatorContext, signing: SigningKeys, publicOperations: PublicOperations, revocation: RevocationPublisher | undefined) {
    this.#ctx = ctx;
    this.#signing = signing;
    this.#public = publicOperations;
    this.public = publicOperations;
    this.#revocation = revocation;
    const logId = logIdOf(ctx.workspace.config.operator.code);
    this.holder = new HolderOperations({ ...ctx, audience: logId, trustListAt: (at) => ctx.trustList.current(at) }, publicOperations);
  }

  /**
   * The workspace CA's revocation service: its CRL and OCSP answers (what `serve` publishes at
   * `/pki/crl` and `/pki/ocsp`).
   */
  get pki(): { crl(): Promise<Uint8Array>; ocsp(request: Uint8Array): Promise<Uint8Array> } | undefined {
    const revocation = this.#revocation;
    if (!revocation) return undefined;
    const now = () => new Date(this.#ctx.now());
    return { crl: () => revocation.crl(now()), ocsp: (request) => revocation.ocsp(request, now()) };
  }

  /**
   * Revokes a department's signing certificate: recorded (the CRL and OCSP then say so) and
   * logged in one transaction; the trust list is re-signed with the department valid until then.
   *
   * @param options - the department's USCC and the reason (RFC 5280 §5.3.1)
   * @throws LicenceError `ERR_VALIDATION`, `ERR_NOT_FOUND`, `ERR_CONFLICT` (already revoked)
   */
  async revokeDepartment(options: { code: string; reason: CrlReason }): Promise<RevokedDepartment> {
    return revokeDepartment(this.#ctx, options);
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
    const keys: DepartmentKey[] = [];
    // Decrypted once: the context for this thread, the KeyObject for the signing workers.
    for (const dept of ws.config.departments) keys.push({ ...(await ws.signingKey(dept.code, options.passphrase)), cosigners: (await cosigningKeys(ws, dept.code, options.passphrase)).map((k) => k.context) });
    const statusPem = await readFile(ws.path("pki", "status.pem"), "utf8");
    const logPem = await readFile(ws.path("pki", "log.pem"), "utf8");
    const statusSigner = await createKeySigner(await decrypt("pki/status.key.pem"), algorithmOf(statusPem));
    const logSigner = await createKeySigner(await decrypt("pki/log.key.pem"), algorithmOf(logPem));
    // The operator's key re-signs the trust list when the catalogue changes (one source per datum).
    const operatorPem = await readFile(ws.path("pki", "operator.pem"), "utf8");
    const operatorSigner = await createKeySigner(await decrypt("pki/operator.key.pem"), algorithmOf(operatorPem));
    // The holder pseudonymisation secret: a random key kept encrypted like every other key.
    const holderSecret = await decrypt("pki/pseudonym.key.pem");
    const configured = ws.config.timestamping;
    const timestamper =
      options.timestamper !== undefined
        ? (options.timestamper ?? undefined)
        : configured === undefined
          ? undefined
          : "url" in configured
            ? remoteTimestamper(configured.url)
            : builtInTimestamper(await ws.timestampAuthorityKey(options.passphrase));
    // The workspace CA signs its CRL and OCSP answers.
    const rootPem = await readFile(ws.path("pki", "root-ca.pem"), "utf8");
    const rootAlg = algorithmOf(rootPem);
    // The development CA's CRL and OCSP signer takes ES256, ES384, PS256 and SM2 keys.
    const rootSigner =
      rootAlg === "ES256" || rootAlg === "ES384" || rootAlg === "PS256" || rootAlg === "SM2SM3"
        ? { certificatePem: rootPem, privateKeyPkcs8: await decrypt("pki/root-ca.key.pem"), alg: rootAlg }
        : undefined;
    const kek = await loadKeyEncryptionKey(ws.path(...DATA_KEK_FILE), options.passphrase);
    const dbUrl = options.db ?? `sqlite:${ws.path("registry.db")}`;
    const db = await openDatabase(dbUrl, options.database);
    const dataKeys = new DataKeys(kek);
    let replica: ReplicaReads | undefined;
    try {
      await db.migrate(MIGRATIONS);
      if (options.replica) replica = await ReplicaReads.open(db, options.replica);
      const clock = options.now ?? (() => new Date());
      await refuseUnsealedRows(db);
      await dataKeys.start(db, clock().getTime());
      const statusListUri = (id: number) => `${ws.config.publicUrl ?? DEFAULT_PUBLIC_URL}/v1/status-lists/${id}`;
      const signing = new SigningKeys(keys);
      const revocation = rootSigner && new RevocationPublisher(db, ws, rootSigner);
      const urls = revocationUrls(ws.config.publicUrl ?? DEFAULT_PUBLIC_URL);
      const ctx = createContext({
        db,
        dbUrl,
        now: () => clock().getTime(),
        holderSecret,
        statusListUri,
        signing,
        trustList: new TrustListPublisher(ws, db, { signer: operatorSigner, pem: operatorPem }),
        workspace: ws,
        verifyDataLimiter: new RateLimiter(options.verifyDataLimit ?? DEFAULT_VERIFY_DATA_LIMIT),
        timestamper,
        ...(revocation ? { revocationAsOf: (at: Date) => revocation.fetcherAsOf(at, urls) } : {}),
        disclosures: new DisclosureOpener(dataKeys),
        replica,
      });
      const publicOperations = new PublicOperations({
        db,
        now: ctx.now,
        trustListToken: () => ws.trustListToken(),
        statusListUri,
        status: { signer: statusSigner, pem: statusPem },
        log: { signer: logSigner, spki: parseCertificate(logPem).spki, id: logIdOf(ws.config.operator.code) },
      });
      await loadCatalogue(ctx, await ws.catalogue(), ws.config.operator.code);
      return new Registry(ctx, signing, publicOperations, revocation);
    } catch (err) {
      dataKeys.stop();
      await replica?.close();
      await db.close();
      await timestamper?.close();
      throw err;
    }
  }

  /** Closes the database. */
  async close(): Promise<void> {
    await this.#ctx.readLog.idle();
    this.#ctx.dataKeys.stop();
    await this.#ctx.readLogCommitter.close();
    await this.#signing.close();
    await this.#ctx.timestamper?.close();
    await this.#ctx.replica?.close();
    await this.#ctx.db.close();
  }

  /**
   * Augments a licence file (archive or compact form) to `level` with the registry's TSA (or the
   * external one given) and its workspace CA's revocation evidence as of the signature
   * time-stamp (the operator's `elicence augment`): nothing is stored or logged.
   *
   * @param input - the licence, JSON text, a parsed archive, or compact text
   * @param options - the level, and an external TSA to use instead of the registry's
   * @throws LicenceError as `augmentJades` does
   * @example
   * ```ts
   * const { archive, level } = await registry.augmentArchive(text, { level: "LTA" });
   * ```
   */
  async augmentArchive(input: string | Record<string, unknown>, options: { level: AugmentLevel; tsaUrl?: string }): Promise<AugmentedJades> {
    const own = sourcesOf(this.#ctx);
    const external = options.tsaUrl !== undefined ? remoteTimestamper(options.tsaUrl) : undefined;
    try {
      return await augmentArchive(this.#ctx, external ? { ...own, timestamper: external } : own, input, options.level);
    } finally {
      await external?.close();
    }
  }

  /** The time-stamping authority licences are time-stamped by, if any (`POST /tsa` answers with the built-in one). */
  get timestamper(): Timestamper | undefined {
    return this.#ctx.timestamper;
  }

  /** The database (for operators' tools and tests). */
  get database(): Database {
    return this.#ctx.db;
  }

  /**
   * Creates an API key (shown once; only its hash is stored). Used by `elicence init` to bootstrap
   * the admin, and by admins through their session.
   */
  async createApiKey(options: ApiKeyRequest): Promise<NewApiKey> {
    const now = this.#ctx.now();
    return this.#ctx.transaction((tx) => createApiKeyIn(tx, options, now, this.#ctx.workspace.config.operator.code, this.#ctx.logFrontier));
  }

  /**
   * Authenticates an API key and returns the operations its department may call.
   *
   * @throws LicenceError `ERR_UNAUTHENTICATED`
   */
  async session(apiKey: string): Promise<RegistryApi> {
    const principal = await this.#keys.authenticate(this.#ctx.db, apiKey);
    return new Session(this.#ctx, this.#public, principal);
  }

  /**
   * Checks that the licence table, the status lists and the log agree (see `auditRegistry`).
   * Operators run it after a crash or a restore; tests run it after killing the process.
   */
  async audit(): Promise<AuditResult> {
    return auditRegistry(this.#ctx.db);
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
  async addDepartment(options: Omit<AddDepartmentOptions, "now">): Promise<AddedDepartment> {
    const added = await addDepartment(this.#ctx, options);
    this.#revocation?.refreshIssued();
    return added;
  }

  /**
   * Gives an issuing department one more signing key (e.g. ES256 beside its SM2SM3 one): its
   * certificate from the workspace CA and its encrypted key (see `addCosigningKey`), listed beside
   * the department's other certificates in a re-signed trust list, logged; from then on every
   * licence the department issues is signed with each of its keys (a dual-signed licence). A
   * registry server started before must be restarted to load the key.
   *
   * @param options - the department's USCC, the new key's algorithm and the workspace passphrase
   * @throws LicenceError `ERR_VALIDATION`, `ERR_NOT_FOUND`, `ERR_PASSPHRASE_INCORRECT`
   */
  async addDepartmentKey(options: Omit<AddCosigningKeyOptions, "now">): Promise<AddedCosigningKey> {
    const added = await addDepartmentKey(this.#ctx, options);
    this.#revocation?.refreshIssued();
    return added;
  }

  /** The registry's trust list as it is now, verified against its own operator certificate at `at`. */
  verifiedTrustList(at: Date): Promise<TrustList> {
    return this.#ctx.trustList.current(at);
  }

  /** The log's identifier (signed into every tree head). */
  get logId(): string {
    return logIdOf(this.#ctx.workspace.config.operator.code);
  }

  /** The base URL licences and status lists name (the workspace's, set at init). */
  get publicUrl(): string {
    return this.#ctx.workspace.config.publicUrl ?? DEFAULT_PUBLIC_URL;
  }

  /** The URI a status list is published under (baked into licences). */
  statusListUri(id: number): string {
    return this.#ctx.statusListUri(id);
  }

  // What tests and the bench observe and tune; the jobs get them through the context.

  /** @internal A transaction that keeps the log's right edge it left (see `RegistryContext.transaction`). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#ctx.transaction(fn);
  }
  /** @internal The log's right edge, as of the last commit this process made. */
  get logFrontier(): LogFrontier {
    return this.#ctx.logFrontier;
  }
  /** @internal Read events, committed in groups. */
  get readLog(): GroupCommitLog {
    return this.#ctx.readLog;
  }
  /** @internal How read events are committed (the SQLite writer thread, for tests). */
  get readLogCommitter(): ReadLogCommitter {
    return this.#ctx.readLogCommitter;
  }
  /** @internal The API keys this process has checked (tests, bench). */
  get keyCache(): ApiKeyCache {
    return this.#keys;
  }
  /** Holder lookups' replica routing (its bound, freshness and counts), when a replica is configured. */
  get replicaReads(): ReplicaReads | undefined {
    return this.#ctx.replica;
  }
  /** @internal Keyed hash of a holder code. */
  holderKey(holder: HolderCode): Uint8Array {
    return this.#ctx.holderKey(holder);
  }
  /** @internal A row's hidden fields' disclosures, opened (the bench's copies re-seal them). */
  openDisclosures(row: { id: string; disclosures: string; disclosures_key: string | null }): Promise<Record<string, string>> {
    return openDisclosures(this.#ctx.dataKeys, this.#ctx.db, row);
  }
  /** @internal Seals disclosures for a licence id with the current data key. */
  sealDisclosures(licenceId: string, disclosures: Readonly<Record<string, string>>): { disclosures: string; disclosures_key: string } {
    return this.#ctx.sealDisclosures(licenceId, disclosures);
  }
  /** @internal Signing workers for batches (started on first use). */
  get signPool(): SignPool | undefined {
    return this.#signing.pool;
  }
  /** @internal Batches with fewer items than this are signed in this thread. */
  get workerThreshold(): number {
    return this.#signing.workerThreshold;
  }
  set workerThreshold(value: number) {
    this.#signing.workerThreshold = value;
  }
}

/** What `createContext` builds the jobs' context from. */
interface ContextInit extends Pick<OperatorContext, "db" | "now" | "statusListUri" | "signing" | "trustList" | "workspace" | "timestamper" | "revocationAsOf" | "replica"> {
  /** The holder pseudonymisation secret. */
  readonly holderSecret: Uint8Array;
  /** The database's URL (a SQLite file gets its log writer thread). */
  readonly dbUrl: string;
  readonly verifyDataLimiter: RateLimiter;
  /** Opens and seals the hidden fields' disclosures. */
  readonly disclosures: DisclosureOpener;
}

/**
 * Builds the context the jobs run with, over an open database: transactions that keep the log's
 * right edge, the group commit of read events, the holder key and the licence caches.
 */
function createContext(init: ContextInit): OperatorContext {
  const { db, holderSecret } = init;
  const logFrontier = new LogFrontier();
  const compacts = new CompactLicences();
  const transaction = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    let last: Queryable | undefined;
    const result = await db.transaction((tx) => {
      last = tx;
      return fn(tx);
    });
    if (last) logFrontier.confirm(logFrontier.pendingOf(last));
    return result;
  };
  const committer = readLogCommitter(db, init.dbUrl, transaction, logFrontier);
  const readLog = new GroupCommitLog((events) => committer.commit(events));
  return {
    db,
    now: init.now,
    transaction,
    logFrontier,
    readLog,
    readLogCommitter: committer,
    holderKey: (holder) => createHmac("sha256", holderSecret).update(`${holder.idType}:${holder.idNumber}`).digest(),
    statusListUri: init.statusListUri,
    typeVersions: new Map<string, LicenceType>(),
    compact: async (q, row, names) => compacts.compact(q, row, names, await init.disclosures.open(q, row)),
    disclosures: (q, row) => init.disclosures.open(q, row),
    sealDisclosures: (id, disclosures) => init.disclosures.seal(id, disclosures),
    dataKeys: init.disclosures.keys,
    signing: init.signing,
    trustList: init.trustList,
    workspace: init.workspace,
    verifyDataLimiter: init.verifyDataLimiter,
    timestamper: init.timestamper,
    ...(init.revocationAsOf ? { revocationAsOf: init.revocationAsOf } : {}),
    replica: init.replica,
  };
}

/**
 * Refuses a database with licence rows whose hidden fields are still in clear (made before
 * migration 17): `elicence workspace rotate-data-key` seals them, with the workspace key.
 *
 * @throws LicenceError `ERR_STATE_INVALID`
 */
async function refuseUnsealedRows(db: Queryable): Promise<void> {
  if (await db.get("SELECT id FROM licences WHERE disclosures_key IS NULL LIMIT 1")) {
    throw new LicenceError("ERR_STATE_INVALID", "Licences in this database keep hidden fields in clear; run `elicence workspace rotate-data-key` to seal them, then start again.", {
      details: { reason: "unsealed-disclosures" },
    });
  }
}

function logIdOf(operator: string): string {
  return `elicence:${operator}:log`;
}

function algorithmOf(pem: string): "ES256" | "ES384" | "EdDSA" | "PS256" | "SM2SM3" {
  const alg = parseCertificate(pem).publicKeyAlgorithm;
  if (alg !== "ES256" && alg !== "ES384" && alg !== "EdDSA" && alg !== "PS256" && alg !== "SM2SM3") throw new LicenceError("ERR_KEY_INVALID", "A service key has an unsupported algorithm.");
  return alg;
}
