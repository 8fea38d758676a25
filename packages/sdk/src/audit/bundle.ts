/**
 * Audit bundles: one JSON document holding everything an auditor needs to verify licences years
 * later with no network — the licences as the registry shared them (their signing chains travel
 * in each licence's `x5c`), the trust list, the status list tokens of the moment, a signed tree
 * head of the log and inclusion proofs for the log entries of those licences.
 *
 * @module
 */
import {
  archiveOfCompacts,
  MAX_LICENCE_SIGNATURES,
  base64url,
  DEFAULT_ALGORITHMS,
  LicenceError,
  isLicenceError,
  verifyLicence,
  verifyStatusListToken,
  verifyTrustList,
  type Indication,
  type InclusionProof,
  type JwsAlgorithm,
  type MultiSignedArchive,
  type LicenceErrorCode,
  type ReadCause,
  type RegistryApi,
  type SharedLicence,
  type TrustList,
  type ValidationIssue,
  type VerificationReport,
  type VerifiedStatusList,
} from "@elicence/core";
import {
  hashLeaf,
  verifyInclusion,
  verifyTreeHead,
  type SignedTreeHead,
} from "@elicence/core/log";
import { noTrustListReport, statusListIdOf } from "../verifier/licence-verifier.js";

/** A log entry of one of the bundle's licences, with its inclusion proof against the bundle's tree head. */
export interface AuditLogEntry {
  /** The licence the entry is about. */
  readonly licence: string;
  /** The entry's index in the log. */
  readonly index: number;
  /** The entry, as the log hashed it (RFC 8785 canonical JSON). */
  readonly entry: string;
  readonly proof: InclusionProof;
}

/** An audit bundle (see {@link exportAuditBundle}). */
export interface AuditBundle {
  readonly format: "elicence-audit-bundle";
  readonly version: 1;
  /** When the bundle was made (ISO 8601): verify with `at` set to it to judge the licences as of then. */
  readonly createdAt: string;
  /** The approval matter the licences were read for (the reason stays in the registry's log). */
  readonly matter: string;
  /** The signed trust list (compact JWS). */
  readonly trustList: string;
  /** Status list tokens by status list number, as published when the bundle was made. */
  readonly statusLists: Readonly<Record<string, string>>;
  /** The licences, as the registry shared them with the exporter. */
  readonly licences: readonly SharedLicence[];
  readonly log: {
    /** A signed tree head fetched after every read of the bundle was logged. */
    readonly treeHead: SignedTreeHead;
    /** Inclusion proofs of the licences' log entries (issue, status changes, reads). */
    readonly entries: readonly AuditLogEntry[];
  };
}

/** A log entry of a licence, with its index (as `RegistryApi.logEntries` returns them). */
export interface KnownLogEntry {
  readonly licence: string;
  readonly index: number;
  /** The entry's canonical JSON. */
  readonly entry: string;
}

/** Options of {@link exportAuditBundle}. */
export interface ExportAuditBundleOptions {
  /** The licence identifiers to bundle. */
  readonly ids: readonly string[];
  /** Why they are read (each is a logged read). */
  readonly cause: ReadCause;
  /**
   * Log entries to prove. By default every entry of each licence, as the registry's
   * `logEntries` returns them (auditors, admins and the issuing department may call it);
   * pass `[]` for a bundle without inclusion proofs (e.g. exported by a consumer).
   */
  readonly logEntries?: readonly KnownLogEntry[];
  /** The bundle's creation time (default now). */
  readonly now?: Date;
}

/** The registry calls an export needs. */
export type AuditSource = Pick<RegistryApi, "get" | "logEntries" | "trustList" | "statusList" | "treeHead" | "inclusionProof">;

/**
 * Exports an audit bundle for some licences: reads each (with the cause) and its log entries,
 * then the trust list, their status lists, a signed tree head and an inclusion proof for every
 * log entry.
 *
 * @param client - the registry (a {@link RegistryClient} with an auditor's key, or a session)
 * @param options - licence identifiers, cause, log entries (fetched by default)
 * @throws LicenceError from the registry (e.g. `ERR_NOT_FOUND`, `ERR_CAUSE_REQUIRED`)
 * @example
 * ```ts
 * const bundle = await exportAuditBundle(client, { ids: [id], cause });
 * await writeFile("audit.json", JSON.stringify(bundle));
 * ```
 */
export async function exportAuditBundle(client: AuditSource, options: ExportAuditBundleOptions): Promise<AuditBundle> {
  if (!options || !Array.isArray(options.ids) || options.ids.length === 0 || options.ids.some((id) => typeof id !== "string")) {
    throw new TypeError("ids must list at least one licence identifier.");
  }
  const licences: SharedLicence[] = [];
  for (const id of [...new Set(options.ids)]) licences.push(await client.get(id, options.cause));
  // After the reads, so their log entries are proven too.
  let known: readonly KnownLogEntry[] = options.logEntries ?? [];
  if (options.logEntries === undefined) {
    const fetched: KnownLogEntry[] = [];
    for (const l of licences) for (const e of await client.logEntries(l.id, options.cause)) fetched.push({ licence: l.id, index: e.index, entry: e.entry });
    known = fetched;
  }
  const trustList = await client.trustList();
  const statusLists: Record<string, string> = {};
  for (const listId of new Set(licences.map((l) => statusListIdOf(l.licence)))) {
    if (listId !== undefined) statusLists[String(listId)] = await client.statusList(listId);
  }
  // Last, so the head covers the reads this export made.
  const treeHead = await client.treeHead();
  const entries: AuditLogEntry[] = [];
  for (const k of known) {
    entries.push({ licence: k.licence, index: k.index, entry: k.entry, proof: await client.inclusionProof(k.index, treeHead.treeSize) });
  }
  // Read last, so every document of the bundle was signed no later than it.
  const createdAt = (options.now ?? new Date()).toISOString();
  return { format: "elicence-audit-bundle", version: 1, createdAt, matter: options.cause.matter, trustList, statusLists, licences, log: { treeHead, entries } };
}

/** Options of {@link verifyAuditBundle}. */
export interface VerifyAuditBundleOptions {
  /**
   * The registry operator's certificates, pinned out of band: the bundle's trust list must be
   * signed by one of them (without, it is refused and the bundle is INDETERMINATE).
   */
  readonly operatorCertificates: readonly (string | Uint8Array)[];
  /** The verification time; usually the bundle's `createdAt`, to judge the licences as of then. */
  readonly at: Date;
  /** Algorithms accepted (default: core's defaults). */
  readonly algorithms?: readonly JwsAlgorithm[];
}

/** Outcome of one piece of evidence. */
export interface EvidenceResult {
  readonly ok: boolean;
  /** The error code when not ok. */
  readonly code?: LicenceErrorCode;
  /** A stable reason when not ok. */
  readonly reason?: string;
}

/** The auditor's report on a bundle. */
export interface AuditBundleReport {
  /** PASSED only when every piece of evidence holds. */
  readonly indication: Indication;
  readonly verificationTime: string;
  readonly trustList: EvidenceResult;
  readonly statusLists: readonly (EvidenceResult & { readonly id: string })[];
  /** One report per licence, in bundle order. */
  readonly licences: readonly { readonly id: string; readonly report: VerificationReport }[];
  readonly log: {
    readonly treeHead: EvidenceResult & { readonly treeSize?: number; readonly timestamp?: string };
    readonly entries: readonly (EvidenceResult & { readonly licence: string; readonly index: number })[];
    /** Licences of the bundle with no proven log entry. */
    readonly licencesWithoutProof: readonly string[];
  };
}

/** Reasons that mean "the evidence does not cover this time" rather than "the evidence is false". */
const TRY_LATER_REASONS = new Set(["stale", "not-yet-valid", "operator-certificate-expired", "signer-expired", "no-trust-list"]);

function indicationOf(result: EvidenceResult): Indication {
  if (result.ok) return "PASSED";
  return TRY_LATER_REASONS.has(result.reason ?? "") ? "INDETERMINATE" : "FAILED";
}

function failureOf(err: unknown): EvidenceResult {
  if (isLicenceError(err)) {
    const reason = typeof err.details.reason === "string" ? err.details.reason : undefined;
    return { ok: false, code: err.code, ...(reason ? { reason } : {}) };
  }
  return { ok: false, code: "ERR_INPUT_MALFORMED", reason: "malformed" };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks the bundle's shape, reporting every problem with its path.
 *
 * @param input - the bundle, parsed or as JSON text
 * @throws LicenceError `ERR_INPUT_MALFORMED`
 */
export function parseAuditBundle(input: unknown): AuditBundle {
  const value = typeof input === "string" ? JSON.parse(input) : input;
  const issues: ValidationIssue[] = [];
  const b = isObject(value) ? value : {};
  if (b.format !== "elicence-audit-bundle") issues.push({ path: ["format"], message: "must be \"elicence-audit-bundle\"" });
  if (b.version !== 1) issues.push({ path: ["version"], message: "must be 1" });
  if (typeof b.createdAt !== "string" || Number.isNaN(Date.parse(b.createdAt))) issues.push({ path: ["createdAt"], message: "must be an ISO 8601 time" });
  if (typeof b.trustList !== "string") issues.push({ path: ["trustList"], message: "must be a token" });
  if (!isObject(b.statusLists) || Object.values(b.statusLists).some((t) => typeof t !== "string")) issues.push({ path: ["statusLists"], message: "must map numbers to tokens" });
  if (!Array.isArray(b.licences) || b.licences.length === 0) issues.push({ path: ["licences"], message: "must be a non-empty array" });
  else {
    b.licences.forEach((l: unknown, i: number) => {
      if (!isObject(l) || typeof l.id !== "string" || typeof l.licence !== "string") issues.push({ path: ["licences", i], message: "must have an id and a licence" });
      else if (l.cosigned !== undefined && (!Array.isArray(l.cosigned) || l.cosigned.length > MAX_LICENCE_SIGNATURES - 1 || l.cosigned.some((c: unknown) => !isObject(c) || typeof c.licence !== "string"))) {
        issues.push({ path: ["licences", i, "cosigned"], message: `must be an array of at most ${MAX_LICENCE_SIGNATURES - 1} compact licences` });
      }
    });
  }
  const log = isObject(b.log) ? b.log : undefined;
  if (!log || !isObject(log.treeHead)) issues.push({ path: ["log", "treeHead"], message: "must be a signed tree head" });
  if (!log || !Array.isArray(log.entries)) issues.push({ path: ["log", "entries"], message: "must be an array" });
  else {
    log.entries.forEach((e: unknown, i: number) => {
      if (!isObject(e) || typeof e.licence !== "string" || !Number.isSafeInteger(e.index) || typeof e.entry !== "string" || !isObject(e.proof)) {
        issues.push({ path: ["log", "entries", i], message: "must have a licence, an index, an entry and a proof" });
      }
    });
  }
  if (issues.length > 0) throw new LicenceError("ERR_INPUT_MALFORMED", "The audit bundle is malformed.", { issues });
  return value as AuditBundle;
}

function checkEntry(entry: AuditLogEntry, head: SignedTreeHead): EvidenceResult {
  let event: unknown;
  try {
    event = JSON.parse(entry.entry);
  } catch {
    return { ok: false, code: "ERR_LOG_PROOF_INVALID", reason: "entry-malformed" };
  }
  if (!isObject(event) || event.licence !== entry.licence) return { ok: false, code: "ERR_LOG_PROOF_INVALID", reason: "entry-licence" };
  const leafHash = hashLeaf(new TextEncoder().encode(entry.entry));
  const proof = Array.isArray(entry.proof.proof) ? entry.proof.proof.map((p) => base64url.decode(p)) : [null];
  const root = base64url.decode(head.rootHash);
  if (entry.proof.leafHash !== base64url.encode(leafHash)) return { ok: false, code: "ERR_LOG_PROOF_INVALID", reason: "leaf-hash" };
  if (entry.proof.index !== entry.index || entry.proof.treeSize !== head.treeSize) return { ok: false, code: "ERR_LOG_PROOF_INVALID", reason: "tree-size" };
  if (!root || proof.some((p) => p === null)) return { ok: false, code: "ERR_LOG_PROOF_INVALID", reason: "hash-encoding" };
  const ok = verifyInclusion({ leafHash, index: entry.index, treeSize: head.treeSize, proof: proof as Uint8Array[], root });
  return ok ? { ok: true } : { ok: false, code: "ERR_LOG_PROOF_INVALID", reason: "inclusion" };
}

/**
 * Verifies an audit bundle fully offline: the trust list (against pinned operator certificates
 * when given), the status list tokens, each licence (signature, chain, issuer, disclosures,
 * validity, status), the signed tree head and every inclusion proof.
 *
 * @param input - the bundle, parsed or as JSON text
 * @param options - pinned operator certificates, verification time, algorithms
 * @throws LicenceError `ERR_INPUT_MALFORMED` when the bundle is not one
 * @example
 * ```ts
 * const report = await verifyAuditBundle(bundle, { operatorCertificates: [pem], at: new Date(bundle.createdAt) });
 * ```
 */
export async function verifyAuditBundle(input: AuditBundle | string, options: VerifyAuditBundleOptions): Promise<AuditBundleReport> {
  if (!options || !(options.at instanceof Date) || Number.isNaN(options.at.getTime())) throw new TypeError("at must be a valid Date.");
  const bundle = parseAuditBundle(input);
  const at = options.at;
  const algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
  let trust: TrustList | undefined;
  let trustResult: EvidenceResult;
  try {
    trust = await verifyTrustList(bundle.trustList, { at, algorithms, operatorCertificates: options.operatorCertificates });
    trustResult = { ok: true };
  } catch (err) {
    trustResult = failureOf(err);
  }

  const statusResults: (EvidenceResult & { id: string })[] = [];
  const verifiedLists: VerifiedStatusList[] = [];
  for (const [id, token] of Object.entries(bundle.statusLists)) {
    if (!trust) {
      statusResults.push({ id, ok: false, code: "ERR_TRUST_LIST_INVALID", reason: "no-trust-list" });
      continue;
    }
    try {
      verifiedLists.push(await verifyStatusListToken(token, { trustList: trust, at, algorithms }));
      statusResults.push({ id, ok: true });
    } catch (err) {
      statusResults.push({ id, ...failureOf(err) });
    }
  }

  const licences: { id: string; report: VerificationReport }[] = [];
  for (const shared of bundle.licences) {
    let report: VerificationReport;
    if (!trust) {
      report = noTrustListReport(at);
    } else {
      // A dual-signed licence: every signature is verified (core's general-serialisation rule).
      let input: string | MultiSignedArchive | undefined = shared.licence;
      try {
        if (shared.cosigned?.length) input = archiveOfCompacts([{ licence: shared.licence }, ...shared.cosigned]);
      } catch {
        input = undefined;
      }
      report = input === undefined ? cosignedFormsFailure(at) : await verifyLicence(input as string, { trustList: trust, at, algorithms, statusLists: verifiedLists });
      // The bundle's label must be the signed identifier, or an auditor could be misled about which licence this is.
      if (report.licence && report.licence.id !== shared.id) report = { ...report, indication: "FAILED", subIndication: "FORMAT_FAILURE" };
    }
    licences.push({ id: shared.id, report });
  }

  const head = bundle.log.treeHead;
  let headResult: EvidenceResult;
  if (!trust) headResult = { ok: false, code: "ERR_TRUST_LIST_INVALID", reason: "no-trust-list" };
  else {
    try {
      await verifyTreeHead(head, trust, algorithms);
      headResult = { ok: true };
    } catch (err) {
      headResult = failureOf(err);
    }
  }
  const headFailure: EvidenceResult = { ok: false, code: headResult.code ?? "ERR_LOG_PROOF_INVALID", reason: headResult.reason === "no-trust-list" ? "no-trust-list" : "tree-head" };
  const entries = bundle.log.entries.map((e) => ({ licence: e.licence, index: e.index, ...(headResult.ok ? checkEntry(e, head) : headFailure) }));
  const proven = new Set(entries.filter((e) => e.ok).map((e) => e.licence));

  const indications: Indication[] = [trustResult, headResult, ...entries, ...statusResults].map(indicationOf).concat(licences.map((l) => l.report.indication));
  const indication: Indication = indications.includes("FAILED") ? "FAILED" : indications.includes("INDETERMINATE") ? "INDETERMINATE" : "PASSED";
  return {
    indication,
    verificationTime: at.toISOString(),
    trustList: trustResult,
    statusLists: statusResults,
    licences,
    log: {
      treeHead: { ...headResult, ...(typeof head.treeSize === "number" ? { treeSize: head.treeSize } : {}), ...(typeof head.timestamp === "number" ? { timestamp: new Date(head.timestamp).toISOString() } : {}) },
      entries,
      licencesWithoutProof: bundle.licences.map((l) => l.id).filter((id) => !proven.has(id)),
    },
  };
}

/** The report of a bundled dual-signed licence whose forms do not join (different payloads or disclosures). */
function cosignedFormsFailure(at: Date): VerificationReport {
  return {
    indication: "FAILED",
    subIndication: "FORMAT_FAILURE",
    checks: [{ check: "format", result: "failed", subIndication: "FORMAT_FAILURE", message: "The licence's signatures do not carry one payload and the same disclosures." }],
    disclosed: [],
    verificationTime: at.toISOString(),
    level: "B-B",
  };
}
