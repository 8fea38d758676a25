/**
 * The report of {@link verifyJades}: per signature, an ETSI EN 319 102-1 indication and
 * sub-indication with one entry per validation step, the signature level reached, and the
 * counter-signatures' own reports. The indication vocabulary is the licence report's (`PASSED`,
 * `FAILED`, `INDETERMINATE`: EN 319 102-1 clause 5.1.3 Table 4 for a signature); the sub-indications
 * are EN 319 102-1's own (Table 5), so a report can be compared with another validator's.
 *
 * @module
 */
import type { Indication, SignerInfo } from "../licence/report.js";

/** EN 319 102-1 sub-indications (Table 5) a JAdES report can carry. */
export type JadesSubIndication =
  | "FORMAT_FAILURE"
  | "HASH_FAILURE"
  | "SIG_CRYPTO_FAILURE"
  | "REVOKED"
  | "SIG_CONSTRAINTS_FAILURE"
  | "CHAIN_CONSTRAINTS_FAILURE"
  | "CRYPTO_CONSTRAINTS_FAILURE"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "SIGNATURE_POLICY_NOT_AVAILABLE"
  | "TIMESTAMP_ORDER_FAILURE"
  | "NO_SIGNING_CERTIFICATE_FOUND"
  | "NO_CERTIFICATE_CHAIN_FOUND"
  | "REVOKED_NO_POE"
  | "OUT_OF_BOUNDS_NO_POE"
  | "NO_POE"
  | "TRY_LATER"
  | "SIGNED_DATA_NOT_FOUND";

/** The steps of one signature's validation, in report order. */
export type JadesCheckName =
  | "format"
  | "algorithm"
  | "critical"
  | "signed-data"
  | "signing-certificate"
  | "signature"
  | "certificate-path"
  | "signing-time"
  | "signature-policy"
  | "signature-timestamp"
  | "revocation"
  | "archive-timestamp"
  | "counter-signatures";

/** Every step, in report order. */
export const JADES_CHECK_ORDER: readonly JadesCheckName[] = Object.freeze([
  "format",
  "algorithm",
  "critical",
  "signed-data",
  "signing-certificate",
  "signature",
  "certificate-path",
  "signing-time",
  "signature-policy",
  "signature-timestamp",
  "revocation",
  "archive-timestamp",
  "counter-signatures",
]);

/** Outcome of one step. */
export type JadesCheckResult = "passed" | "failed" | "indeterminate" | "skipped";

/** One entry of a signature's report. */
export interface JadesCheck {
  readonly check: JadesCheckName;
  readonly result: JadesCheckResult;
  /** A fixed sentence a person can read. */
  readonly message: string;
  /** The sub-indication this step contributes, when it did not pass. */
  readonly subIndication?: JadesSubIndication;
  /**
   * A finer, stable reason: a kebab-case phrase of this module (`crit-not-understood`,
   * `x5t#S256`, …), a `PathValidationCode`, or the code an injected verifier returned.
   */
  readonly code?: string;
}

/** The JAdES baseline level a signature reached (ETSI TS 119 182-1 clause 6). */
export type JadesLevel = "B-B" | "B-T" | "B-LT" | "B-LTA";

/** What the signature says it signs (`sigD`, clause 5.2.8), when it is detached. */
export interface JadesSignedDataReport {
  /** The referencing mechanism URI. */
  readonly mechanism: string;
  /** The references (`pars`), in order. */
  readonly references: readonly string[];
}

/** The report of one signature (or counter-signature). */
export interface JadesSignatureReport {
  /** Position among the document's signatures (0 for compact and flattened forms). */
  readonly index: number;
  readonly indication: Indication;
  readonly subIndication?: JadesSubIndication;
  /** One entry per step, in {@link JADES_CHECK_ORDER}. */
  readonly checks: readonly JadesCheck[];
  /** The highest baseline level whose requirements hold and whose evidence verified. */
  readonly level?: JadesLevel;
  readonly algorithm?: string;
  readonly signer?: SignerInfo;
  /** The claimed signing time (`iat`, or the obsolescent `sigT`), ISO 8601. */
  readonly claimedSigningTime?: string;
  /** The earliest time a verified signature timestamp proves the signature existed, ISO 8601. */
  readonly proofOfExistence?: string;
  readonly signedData?: JadesSignedDataReport;
  /** Signer commitment identifiers (`srCms`, clause 5.2.3). */
  readonly commitments?: readonly string[];
  /** The signature production place (`sigPl`, clause 5.2.4), as signed. */
  readonly productionPlace?: Readonly<Record<string, string>>;
  /** The signature policy identifier (`sigPId`, clause 5.2.7). */
  readonly policy?: string;
  /** Reports of the counter-signatures in `etsiU` (`cSig`, clause 5.3.2), in document order. */
  readonly counterSignatures: readonly JadesSignatureReport[];
}

/** The report of {@link verifyJades}: one entry per signature. */
export interface JadesReport {
  /** PASSED only when every signature PASSED; else FAILED when one FAILED; else INDETERMINATE. */
  readonly indication: Indication;
  /** The sub-indication of the first signature that did not pass. */
  readonly subIndication?: JadesSubIndication;
  /** The serialisation the input used (`none` when it could not be read at all). */
  readonly serialisation: "compact" | "flattened" | "general" | "none";
  readonly signatures: readonly JadesSignatureReport[];
  /** Why the document as a whole could not be read, when it could not (no signature reports then). */
  readonly format?: JadesCheck;
  /** The time the validation was made for (the caller's `at`), ISO 8601. */
  readonly verificationTime: string;
}

/**
 * A step that did not pass, thrown inside the pipeline and recorded as its report entry (used
 * inside `core/src/jades`, not exported from the package).
 */
export class JadesCheckFailure extends Error {
  constructor(
    readonly result: "failed" | "indeterminate",
    readonly subIndication: JadesSubIndication,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "JadesCheckFailure";
  }
}

/** A FAILED step. */
export const failed = (sub: JadesSubIndication, code: string, message: string): JadesCheckFailure => new JadesCheckFailure("failed", sub, code, message);
/** An INDETERMINATE step. */
export const undetermined = (sub: JadesSubIndication, code: string, message: string): JadesCheckFailure =>
  new JadesCheckFailure("indeterminate", sub, code, message);
/** A FORMAT_FAILURE for the member at fault. */
export const malformed = (code: string): JadesCheckFailure => failed("FORMAT_FAILURE", code, "The signature is not a well-formed JAdES signature.");

/**
 * The overall outcome of a list of steps (or of signatures): FAILED when one failed, else
 * INDETERMINATE when one is, else PASSED; the sub-indication of the first such entry.
 */
export function worst(entries: readonly { readonly result?: JadesCheckResult; readonly indication?: Indication; readonly subIndication?: JadesSubIndication }[]): {
  indication: Indication;
  subIndication?: JadesSubIndication;
} {
  const isFailed = (e: (typeof entries)[number]) => e.result === "failed" || e.indication === "FAILED";
  const isUndetermined = (e: (typeof entries)[number]) => e.result === "indeterminate" || e.indication === "INDETERMINATE";
  const f = entries.find(isFailed);
  const u = f ? undefined : entries.find(isUndetermined);
  const hit = f ?? u;
  if (!hit) return { indication: "PASSED" };
  return { indication: f ? "FAILED" : "INDETERMINATE", ...(hit.subIndication ? { subIndication: hit.subIndication } : {}) };
}
