/**
 * The operations a registry offers, as one TypeScript interface: implemented in-process by
 * `@elicence/registry` (`Registry.session(apiKey)`) and over HTTP by `@elicence/sdk`
 * (`RegistryClient`), so an approval system can switch transports without changing code
 * (DESIGN §2). Every read names its cause.
 *
 * @module
 */
import type { HolderPublicJwk } from "../licence/holder-key.js";
import type { HolderVouchRequest } from "../holder/consent.js";
import type { LicenceType } from "../catalogue/licence-type.js";
import type { ApprovalMatter } from "../catalogue/approval-matter.js";
import type { HolderIdType } from "../identifiers/index.js";
import type { LicenceStatus } from "../licence/model.js";
import type { SignedTreeHead, TileRef } from "../log/index.js";

/** Why a licence is read (申请事由): the approval matter and a short reason. Required on every read. */
export interface ReadCause {
  /** Approval-matter code (事项编码), 1–64 characters. */
  readonly matter: string;
  /** A short reason, 1–256 characters. */
  readonly reason: string;
}

/** Roles a department's API key can hold. */
export type Role = "issuer" | "consumer" | "auditor" | "admin";

/** Who is calling, as the registry authenticated them. */
export interface Principal {
  /** The department's USCC. */
  readonly department: string;
  readonly roles: readonly Role[];
  /** For issuers: the licence type codes they may issue (empty: none). */
  readonly licenceTypes: readonly string[];
  readonly keyId: string;
}

/** An API key as admins see it: never its secret, which is shown once when the key is made. */
export interface ApiKeyInfo {
  readonly id: string;
  /** The department's USCC. */
  readonly department: string;
  readonly roles: readonly Role[];
  /** For issuers: the licence type codes the key may issue. */
  readonly licenceTypes: readonly string[];
  readonly label: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** ISO 8601, when revoked. */
  readonly revokedAt?: string;
}

/** A request for a new API key. */
export interface ApiKeyRequest {
  /** The department's USCC. */
  readonly department: string;
  readonly roles: readonly Role[];
  /** For issuers: the licence type codes the key may issue. */
  readonly licenceTypes?: readonly string[];
  /** What the key is for (e.g. the approval system's name), up to 128 characters. */
  readonly label?: string;
}

/** A new API key: `key` is the secret, returned this once and never stored. */
export interface NewApiKeyResult {
  readonly id: string;
  readonly key: string;
}

/** A holder's code, as approval systems query by it. */
export interface HolderCode {
  readonly idType: HolderIdType;
  readonly idNumber: string;
}

/** One licence to issue. */
export interface IssueItem {
  readonly type: string;
  readonly holder: { readonly name: string; readonly idType: HolderIdType; readonly idNumber: string };
  readonly fields: Readonly<Record<string, unknown>>;
  /** 证照编号 as printed; the serial when omitted. */
  readonly number?: string;
  /** ISO 8601; issue time when omitted. */
  readonly validFrom?: string;
  /** ISO 8601; from the type's validity term when omitted, `null` for none. */
  readonly validUntil?: string | null;
  /**
   * The holder's public key (a P-256 or Ed25519 JWK), for a licence type with holder binding
   * (required there, refused otherwise): the licence carries it as `cnf` (RFC 7800).
   */
  readonly holderKey?: HolderPublicJwk;
}

/** A request to issue one licence; `requestId` makes retries safe. */
export interface IssueRequest extends IssueItem {
  /** Caller-chosen, unique per department: a retried request returns the first result. */
  readonly requestId: string;
}

/** A batch; each item is identified by `requestId` + its index. */
export interface IssueBatchRequest {
  readonly requestId: string;
  readonly items: readonly IssueItem[];
}

/** What the issuer gets back for one licence. */
export interface IssuedRecord {
  readonly id: string;
  /** Compact SD-JWT with every disclosure (the issuer's copy). */
  readonly licence: string;
  readonly status: LicenceStatus;
  readonly statusList: { readonly uri: string; readonly idx: number };
  /**
   * The RFC 3161 time-stamp token over the licence's signature (JAdES `sigTst`), standard base64
   * DER, when the registry time-stamps what it issues: it belongs in the archive form's `etsiU`.
   */
  readonly signatureTimestamp?: string;
  /**
   * A dual-signed licence's further signatures (its department signs with several keys, e.g.
   * SM2SM3 beside ES256), each in its own compact form with the same payload and disclosures;
   * `licence` is the first. `archiveOfCompacts` joins them into the general-serialisation archive.
   */
  readonly cosigned?: readonly CosignedForm[];
}

/** One further signature of a dual-signed licence, as a compact licence of its own. */
export interface CosignedForm {
  /** Compact SD-JWT: the same payload and disclosures as the first form, this signature's header and value. */
  readonly licence: string;
  /** The RFC 3161 time-stamp token over this signature (standard base64 DER), when the registry time-stamps. */
  readonly signatureTimestamp?: string;
}

/** One failed item of a batch. */
export interface BatchItemError {
  readonly index: number;
  readonly code: string;
  readonly message: string;
  readonly issues?: readonly { readonly path: readonly (string | number)[]; readonly message: string }[];
}

/** Result of a batch: the good items are issued; failing items are reported, never half-written. */
export interface IssueBatchResult {
  readonly issued: readonly (IssuedRecord & { readonly index: number })[];
  readonly errors: readonly BatchItemError[];
}

/** A status change with its reason and the officer's department recorded. */
export interface StatusChangeRequest {
  readonly reason: string;
  /** Officer identifier within the department (not personal data in the log: it is hashed). */
  readonly officer?: string;
}

/** An amendment: a new version with changed fields that supersedes the old one. */
export interface AmendRequest {
  readonly requestId: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly reason: string;
}

/** A renewal: a new version with a new validity period. */
export interface RenewRequest {
  readonly requestId: string;
  readonly validUntil: string | null;
  readonly reason: string;
}

/** A licence as a consumer receives it: only the disclosures it is entitled to. */
export interface SharedLicence {
  readonly id: string;
  readonly type: string;
  readonly status: LicenceStatus | "expired";
  /** Compact SD-JWT with the entitled disclosures only; verifies with `verifyLicence`. */
  readonly licence: string;
  /** Names of fields whose disclosures were withheld from this caller. */
  readonly withheld: readonly string[];
  readonly supersedes?: string;
  readonly supersededBy?: string;
  /**
   * The long-term evidence the registry holds for the licence once it was augmented (see
   * {@link RegistryApi.augment}): the archive form's `etsiU`, base64url elements as stored.
   */
  readonly etsiU?: readonly string[];
  /** A dual-signed licence's further signatures, each a compact form with the same disclosures as `licence`. */
  readonly cosigned?: readonly CosignedForm[];
  /** Holder consents that opened conditional fields of this answer (their ids). */
  readonly consents?: readonly string[];
}

/** A request to augment a licence's long-term evidence (JAdES B-T, B-LT, B-LTA; ETSI TS 119 182-1 clause 6). */
export interface AugmentRequest {
  /** `T` adds a signature time-stamp, `LT` the chain and revocation values, `LTA` an archive time-stamp (each time). */
  readonly level: "T" | "LT" | "LTA";
  /** Why (logged as a hash), 1–256 characters. */
  readonly reason: string;
}

/** One augmented licence. */
export interface AugmentResult {
  readonly id: string;
  /** The level its evidence now carries. */
  readonly level: "B-T" | "B-LT" | "B-LTA";
  /** The `etsiU` elements added, in order (empty when it already had the level). */
  readonly added: readonly string[];
  /** The archive form (flattened JWS JSON) with the disclosures the caller may see and the evidence. */
  readonly archive: Readonly<Record<string, unknown>>;
}

/** A request to augment the licences of a department, a page at a time. */
export interface DepartmentAugmentRequest extends AugmentRequest {
  /** Only when the department's signing certificate expires before this time (ISO 8601): "about to expire". */
  readonly expiringBefore?: string;
  /** Licences per call, 1 to 1,000 (default 100). */
  readonly limit?: number;
  /** The last licence identifier of the previous page. */
  readonly after?: string;
}

/** The outcome of a department's augmentation page. */
export interface DepartmentAugmentResult {
  /** The department's USCC. */
  readonly department: string;
  /** When the department's signing certificate expires (ISO 8601). */
  readonly certificateNotAfter: string;
  /** `false` when `expiringBefore` was given and the certificate expires later: nothing was done. */
  readonly due: boolean;
  readonly augmented: readonly { readonly id: string; readonly level: string; readonly added: readonly string[] }[];
  readonly errors: readonly { readonly id: string; readonly code: string }[];
  /** The last licence of this page, for `after`; absent on the last page. */
  readonly next?: string;
}

/**
 * Which page of a holder's licences to read: at most `limit` (default 100, at most 1,000), those
 * after the licence `after` (the last identifier of the previous page), in a stable order.
 */
export interface HolderLicencesPage {
  readonly limit?: number;
  readonly after?: string;
}

/** A lifecycle record, for the issuer and auditors. */
export interface LicenceRecord {
  readonly id: string;
  readonly type: string;
  readonly status: LicenceStatus;
  readonly version: number;
  readonly issuedAt: string;
  readonly validUntil?: string;
  readonly supersedes?: string;
  readonly supersededBy?: string;
}

/** One entry of a licence's status history. */
export interface StatusHistoryEntry {
  readonly status: LicenceStatus;
  readonly at: string;
  readonly reason: string;
  readonly department: string;
}

/** A sharing agreement: a consumer department may see conditional fields of a type. */
export interface SharingAgreement {
  readonly id: string;
  readonly consumer: string;
  readonly type: string;
  readonly fields: readonly string[];
  readonly expiresAt: string;
  readonly createdAt: string;
}

/** A holder's authorisation for one department to see conditional fields of their licence type. */
export interface HolderAuthorisation {
  readonly id: string;
  readonly holder: HolderCode;
  readonly consumer: string;
  readonly type: string;
  readonly fields: readonly string[];
  readonly expiresAt: string;
}

/** "Does this holder's licence of this type say X?" — answered yes or no, without the field. */
export interface VerifyDataRequest {
  readonly holder: HolderCode;
  readonly type: string;
  readonly field: string;
  readonly value: string | number | boolean;
}

/** One entry of the registry's log: its index and its bytes as hashed (RFC 8785 canonical JSON). */
export interface LogEntry {
  readonly index: number;
  readonly entry: string;
}

/** Sharing figures of one department over a period (see {@link RegistryApi.stats}). */
export interface DepartmentStats {
  /** The department's USCC. */
  readonly department: string;
  /** Licence types (latest versions) whose catalogue entry names the department as an issuer. */
  readonly typesCatalogued: number;
  /** Of those, types with at least one licence issued by the department by the end of the period. */
  readonly typesProvided: number;
  /** typesProvided / typesCatalogued (0 when none are catalogued). */
  readonly provisionRate: number;
  /** Licences the department issued in the period (issue, amend, renew). */
  readonly licencesIssued: number;
  /** Reads of the department's licences by other departments in the period (licence reads, not status or log look-ups). */
  readonly readsByOthers: number;
  /** Licences served to the department electronically (its licence reads) in the period, by approval matter. */
  readonly servedByMatter: Readonly<Record<string, number>>;
}

/** Sharing figures over a period. */
export interface RegistryStats {
  /** ISO 8601, inclusive. */
  readonly from: string;
  /** ISO 8601, exclusive. */
  readonly to: string;
  readonly departments: readonly DepartmentStats[];
  /** Per approval matter of the catalogue: its materials checks in the period. */
  readonly matters?: readonly MatterStats[];
}

/**
 * The figure departments are assessed on per approval matter: of its materials checks in the
 * period, how many found every required licence available electronically ("no longer needs the
 * original", 不再提交原件).
 */
export interface MatterStats {
  readonly matter: string;
  /** The department that handles it. */
  readonly department: string;
  /** Materials checks made for it in the period. */
  readonly checks: number;
  /** Checks in which every required licence type had a current licence to serve. */
  readonly servedElectronically: number;
  /** `servedElectronically / checks` (0 when there were none). */
  readonly noOriginalRate: number;
}

/** Proofs from the registry's log. */
export interface InclusionProof {
  readonly index: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly proof: readonly string[];
}

/** A consistency proof between two tree sizes. */
export interface ConsistencyProof {
  readonly oldSize: number;
  readonly newSize: number;
  readonly proof: readonly string[];
}

/**
 * The public, unauthenticated registry operations: the signed trust list, the status lists and the
 * log's tree head and proofs. Declared once: the registry serves them without an API key, the HTTP
 * layer routes them, and the SDK's verifier needs only these (a `RegistryClient` or any object with
 * them is a document source).
 */
export interface PublicRegistryApi {
  /** The signed trust list, a compact JWS. */
  trustList(): Promise<string>;
  /** A status list token by number. */
  statusList(id: number): Promise<string>;
  /** The log's current signed tree head. */
  treeHead(): Promise<SignedTreeHead>;
  /** An inclusion proof for the entry at `index` in the tree of size `treeSize`. */
  inclusionProof(index: number, treeSize: number): Promise<InclusionProof>;
  /** A consistency proof between two tree sizes. */
  consistencyProof(oldSize: number, newSize: number): Promise<ConsistencyProof>;
  /** The log's checkpoint (C2SP tlog-checkpoint): a note of its origin, size and root, signed by the log key. */
  checkpoint(): Promise<string>;
  /** One tile of the log (C2SP tlog-tiles): `width` hashes of 32 bytes; `ERR_NOT_FOUND` before the log reaches it. */
  logTile(tile: TileRef): Promise<Uint8Array>;
}

/**
 * The registry operations one authenticated department can call (the public ones included). Reads
 * take a {@link ReadCause}; a read without one is refused with `ERR_CAUSE_REQUIRED`.
 */
export interface RegistryApi extends PublicRegistryApi {
  /** The caller, as authenticated. */
  whoami(): Promise<Principal>;
  listLicenceTypes(): Promise<LicenceType[]>;
  getLicenceType(code: string): Promise<LicenceType>;
  /** Admin: registers a type, or a new version of one. */
  registerLicenceType(type: LicenceType): Promise<LicenceType>;

  issue(request: IssueRequest): Promise<IssuedRecord>;
  issueBatch(request: IssueBatchRequest): Promise<IssueBatchResult>;
  amend(id: string, request: AmendRequest): Promise<IssuedRecord>;
  renew(id: string, request: RenewRequest): Promise<IssuedRecord>;
  suspend(id: string, change: StatusChangeRequest): Promise<LicenceRecord>;
  resume(id: string, change: StatusChangeRequest): Promise<LicenceRecord>;
  revoke(id: string, change: StatusChangeRequest): Promise<LicenceRecord>;
  cancel(id: string, change: StatusChangeRequest): Promise<LicenceRecord>;

  /**
   * A page of a holder's licences (default the first 100; see {@link HolderLicencesPage}): a page
   * shorter than its limit is the last. Only the page's reads are logged.
   */
  findByHolder(holder: HolderCode, cause: ReadCause, type?: string, page?: HolderLicencesPage): Promise<SharedLicence[]>;
  get(id: string, cause: ReadCause): Promise<SharedLicence>;
  verifyData(request: VerifyDataRequest, cause: ReadCause): Promise<{ readonly match: boolean; readonly consents?: readonly string[] }>;
  statusHistory(id: string, cause: ReadCause): Promise<StatusHistoryEntry[]>;
  statusAt(id: string, at: string, cause: ReadCause): Promise<{ readonly status: LicenceStatus | "expired" | "not-issued" }>;
  /**
   * Every log entry about a licence (its issue, status changes and reads — this read included),
   * oldest first, so an auditor can fetch inclusion proofs. Auditors, admins and the issuing
   * department only.
   */
  logEntries(licenceId: string, cause: ReadCause): Promise<LogEntry[]>;

  createAgreement(agreement: Omit<SharingAgreement, "id" | "createdAt">): Promise<SharingAgreement>;
  listAgreements(): Promise<SharingAgreement[]>;
  createAuthorisation(authorisation: Omit<HolderAuthorisation, "id">): Promise<HolderAuthorisation>;
  listAuthorisations(holder?: HolderCode): Promise<HolderAuthorisation[]>;
  /**
   * An issuing department at a service window vouches for a holder it identified in person: the
   * registry signs, with that department's signing key, an assertion binding the holder's code to
   * the holder's public key, which the holder then signs consents and requests with.
   */
  vouchHolder(request: HolderVouchRequest): Promise<{ readonly assertion: string }>;

  /**
   * Augments a licence's long-term evidence (time-stamps, chain and revocation values) and stores
   * it, so the archive form served afterwards carries it; logged with its reason. Admins and the
   * issuing department only.
   */
  augment(id: string, request: AugmentRequest): Promise<AugmentResult>;
  /**
   * Augments a page of a department's licences (e.g. when its signing certificate is about to
   * expire: `expiringBefore`). Admins and the department itself only.
   */
  augmentDepartment(code: string, request: DepartmentAugmentRequest): Promise<DepartmentAugmentResult>;

  /** Admins: a new API key for a department (the secret is in the answer only). */
  createApiKey(request: ApiKeyRequest): Promise<NewApiKeyResult>;
  /** Admins: every API key, without secrets. */
  listApiKeys(): Promise<ApiKeyInfo[]>;
  /** Admins: revokes a key at once; revoking a revoked key changes nothing. */
  revokeApiKey(id: string): Promise<ApiKeyInfo>;

  /**
   * Admins and auditors: sharing figures per department over `[from, to)` (ISO 8601), and per
   * approval matter; the period defaults to the 30 days before now (`to` now, `from` 30 days before `to`).
   */
  stats(period?: { readonly from?: string; readonly to?: string }): Promise<RegistryStats>;

  /** Admins: adds an approval matter to the catalogue (事项目录). */
  addMatter(matter: ApprovalMatter): Promise<ApprovalMatter>;
  /** Every approval matter, by code. */
  listMatters(): Promise<ApprovalMatter[]>;
  /** One approval matter. */
  getMatter(code: string): Promise<ApprovalMatter>;
  /**
   * The materials of an approval matter for a holder: for each licence type the matter requires,
   * the holder's licences disclosing only the fields the matter needs (and the caller is entitled
   * to), or why there is none. Logged as reads whose cause is the matter; `cause.matter` must be
   * the matter's code.
   */
  matterMaterials(matter: string, holder: HolderCode, cause: ReadCause): Promise<MatterMaterials>;
}

/** One required licence type of a materials check, as the registry answers it. */
export interface MatterMaterial {
  readonly type: string;
  /** The fields the matter needs of this type. */
  readonly fields: readonly string[];
  /** The holder's licences of this type, each with at most the needed disclosures. */
  readonly licences: readonly SharedLicence[];
  /** When no licence is current: `none-found` (none of this type) or `not-current` (all ended, suspended or expired). */
  readonly unavailable?: "none-found" | "not-current";
}

/** The registry's answer to a materials check (see {@link RegistryApi.matterMaterials}). */
export interface MatterMaterials {
  readonly matter: ApprovalMatter;
  readonly materials: readonly MatterMaterial[];
}
