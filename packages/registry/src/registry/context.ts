/**
 * What the registry's jobs receive instead of the `Registry` itself: a narrow context (database,
 * clock, log, holder key, signing keys, trust list), and the caller they run for. `Registry`
 * builds the context once when it opens; each `Session` is one caller. Declared apart from both
 * so that no job imports `registry.ts`.
 *
 * @module
 */
import type { RevocationFetcher } from "@elicence/core/revocation";
import type { HolderCode, LicenceType, Principal } from "@elicence/core";
import type { IssuingContext } from "@elicence/core/issue";
import type { Signer } from "@elicence/core/jws";
import type { Database, Queryable } from "../storage/database.js";
import type { Workspace } from "../workspace/workspace.js";
import type { GroupCommitLog } from "./group-log.js";
import type { ReadLogCommitter } from "./read-log-writer.js";
import type { LogFrontier } from "./log.js";
import type { ChainRow, LicenceRow } from "./rows.js";
import type { RateLimiter } from "./rate-limit.js";
import type { ReplicaReads } from "./replica.js";
import type { SignPool } from "./sign-pool.js";
import type { DepartmentKey } from "./signing-keys.js";
import type { TrustListPublisher } from "./trust-list.js";
import type { Timestamper } from "./timestamper.js";
import type { DataKeys } from "./sealing/data-keys.js";

/** The registry as its jobs see it. */
export interface RegistryContext {
  /** The database, for reads outside a transaction. */
  readonly db: Database;
  /** The registry's clock, in milliseconds. */
  now(): number;
  /**
   * A database transaction after whose COMMIT the log's right edge it left is kept in memory
   * (nothing is kept from an attempt that rolled back). Every write job runs in one.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** The log's right edge, as of the last commit this process made: pass it to every append. */
  readonly logFrontier: LogFrontier;
  /** Read events, committed in groups. */
  readonly readLog: GroupCommitLog;
  /** What commits the groups (on SQLite, a writer thread); closed with the registry. */
  readonly readLogCommitter: ReadLogCommitter;
  /** Keyed hash of a holder code: the log and indexes never hold it in clear. */
  holderKey(holder: HolderCode): Uint8Array;
  /** The URI a status list is published under (baked into licences). */
  statusListUri(id: number): string;
  /** Licence type versions by `code@version` (immutable once registered). */
  readonly typeVersions: Map<string, LicenceType>;
  /** The compact SD-JWT of a stored licence with the named disclosures, rebuilt from its row. */
  compact(db: Queryable, row: LicenceRow, disclosureNames: readonly string[]): Promise<string>;
  /**
   * A row's disclosures by field name, opened from their seal (once per row object).
   *
   * @throws LicenceError `ERR_SEALED_DATA_INVALID`, `ERR_DATA_KEY_INVALID`
   */
  disclosures(db: Queryable, row: LicenceRow): Promise<Record<string, string>>;
  /** Seals a new row's disclosures with the current data key: the `disclosures` and `disclosures_key` to store. */
  sealDisclosures(licenceId: string, disclosures: Readonly<Record<string, string>>): { disclosures: string; disclosures_key: string };
  /** The departments' signing keys and workers. */
  readonly signing: DepartmentSigning;
  /** The trust list, re-signed when the catalogue changes. */
  readonly trustList: TrustListPublisher;
  /** Verify-data comparisons per department. */
  readonly verifyDataLimiter: RateLimiter;
  /** The TSA every issued licence's signature is time-stamped by (JAdES B-T); none: B-B. */
  readonly timestamper: Timestamper | undefined;
  /** The workspace CA's revocation evidence as of a time, for B-LT augmentation (absent: none). */
  readonly revocationAsOf?: (at: Date) => RevocationFetcher;
  /** A streaming replica holder lookups may read, within its staleness bound (PostgreSQL only). */
  readonly replica?: ReplicaReads | undefined;
}

/** What issuing needs of the departments' signing keys. */
export interface DepartmentSigning {
  /** A department's issuing context. @throws LicenceError `ERR_FORBIDDEN` when the registry holds none */
  context(department: string): IssuingContext;
  /** A department's further keys' contexts (a dual-signed department), in signing order; none: one key. */
  cosigners(department: string): readonly IssuingContext[];
  /** Signing workers for batches; none: sign in this thread. */
  readonly pool: SignPool | undefined;
  /** Batches with fewer items than this are signed in this thread. */
  readonly workerThreshold: number;
}

/** The department a job runs for, as its session holds it. */
export interface Caller {
  readonly principal: Principal;
  /**
   * The stored row of this department's signer chain, once an issue of this session has read it
   * (a department's chain, and so the header its licences are rebuilt with, never changes).
   */
  signerChain?: ChainRow | undefined;
}

/** The operator's jobs (onboarding a department): the registry's context and the workspace. */
export interface OperatorContext extends RegistryContext {
  readonly workspace: Workspace;
  /** The data keys hidden fields are sealed with. */
  readonly dataKeys: DataKeys;
  readonly signing: DepartmentSigning & { add(key: DepartmentKey): Promise<void> };
}

/** The public, unauthenticated operations' context: the log and status lists, and the service keys that sign them. */
export interface PublicContext {
  readonly db: Queryable;
  now(): number;
  /** The signed trust list, as text. */
  trustListToken(): Promise<string>;
  statusListUri(id: number): string;
  /** The status list service's signer and certificate. */
  readonly status: { readonly signer: Signer; readonly pem: string };
  /** The log's signer, its public key (SPKI, DER) and identifier (signed into every tree head and checkpoint). */
  readonly log: { readonly signer: Signer; readonly spki: Uint8Array; readonly id: string };
}
