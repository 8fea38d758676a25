/**
 * The verification report (DESIGN §5): an overall indication in the vocabulary of ETSI EN 319 102-1,
 * a sub-indication, and one entry per check, so an approval system can act on it and an auditor can
 * file it.
 *
 * @module
 */
import type { JwsAlgorithm } from "../crypto/algorithms.js";
import type { Licence } from "./model.js";

/** Overall outcome. */
export type Indication = "PASSED" | "FAILED" | "INDETERMINATE";

/**
 * Why the outcome is not PASSED. The first group are ETSI EN 319 102-1 sub-indications; the last
 * two are eLicence's for a licence's own lifecycle, which ETSI does not model.
 */
export type SubIndication =
  | "FORMAT_FAILURE"
  | "CRYPTO_CONSTRAINTS_FAILURE"
  | "SIG_CRYPTO_FAILURE"
  | "HASH_FAILURE"
  | "NO_CERTIFICATE_CHAIN_FOUND"
  | "NO_SIGNING_CERTIFICATE_FOUND"
  | "CHAIN_CONSTRAINTS_FAILURE"
  | "OUT_OF_BOUNDS_NO_POE"
  | "SIG_CONSTRAINTS_FAILURE"
  | "NOT_YET_VALID"
  | "EXPIRED"
  | "REVOKED"
  | "TRY_LATER"
  | "SUSPENDED"
  | "SUPERSEDED";

/** The checks, in the order they run. */
export type CheckName =
  | "format"
  | "algorithm"
  | "signature"
  | "certificate-path"
  | "issuer-authorised"
  | "disclosures"
  | "validity-period"
  | "status";

/** Every check, in report order. */
export const CHECK_ORDER: readonly CheckName[] = Object.freeze([
  "format",
  "algorithm",
  "signature",
  "certificate-path",
  "issuer-authorised",
  "disclosures",
  "validity-period",
  "status",
]);

/** Outcome of one check. */
export type CheckResult = "passed" | "failed" | "indeterminate" | "skipped";

/** One entry of the report. */
export interface ReportCheck {
  readonly check: CheckName;
  readonly result: CheckResult;
  /** A fixed sentence a person can read. */
  readonly message: string;
  /** The sub-indication this check contributes, when not passed. */
  readonly subIndication?: SubIndication;
  /** A finer, stable reason (e.g. a path-validation code or a LicenceError code). */
  readonly code?: string;
}

/** Who signed, as the signing certificate says. */
export interface SignerInfo {
  readonly subject: string;
  readonly organizationIdentifier?: string;
  readonly serialNumber: string;
  /** base64url SHA-256 of the certificate. */
  readonly certificateSha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

/** The result of verifying a licence. */
export interface VerificationReport {
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  readonly checks: readonly ReportCheck[];
  /** The licence with the fields that were disclosed (present once the format check passed). */
  readonly licence?: Licence;
  /** Paths of disclosed selectively-disclosable claims. */
  readonly disclosed: readonly string[];
  readonly signer?: SignerInfo;
  readonly algorithm?: JwsAlgorithm;
  /** The claimed signing time (JAdES `iat`), ISO 8601. */
  readonly signingTime?: string;
  /** The time the verification was made for (the caller's `at`). */
  readonly verificationTime: string;
  /**
   * The status read from the status list, when one was checked: `invalid` covers revoked,
   * cancelled and superseded (the list has two bits; the registry gives the precise reason).
   */
  readonly status?: "valid" | "suspended" | "invalid";
}
