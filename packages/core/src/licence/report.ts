/**
 * The verification report (DESIGN §5): an overall indication in the vocabulary of ETSI EN 319 102-1,
 * a sub-indication, and one entry per check, so an approval system can act on it and an auditor can
 * file it.
 *
 * @module
 */
import type { JwsAlgorithm } from "../crypto/algorithms.js";
import type { LicenceError, LicenceErrorCode } from "../errors/errors.js";
import type { JwsFailureReason } from "../jws/jws.js";
import { DISCLOSURE_FAILURE_REASONS, type DisclosureFailureReason } from "../sdjwt/disclosure.js";
import type { StatusListFailureReason } from "../status/status-list.js";
import type { StatusListTokenFailureReason } from "../status/token.js";
import type { ZlibFailureReason } from "../status/zlib.js";
import type { PathValidationCode } from "../x509/path-validation.js";
import type { TimestampFailureCode } from "../timestamp/verify.js";
import type { RevocationEvidenceCode } from "../revocation/evidence.js";
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
  | "SUPERSEDED"
  | "REVOKED_NO_POE"
  | "CANCELLED"
  | "NO_POE";

/** The checks, in the order they run. */
export type CheckName =
  | "format"
  | "algorithm"
  | "signature"
  | "certificate-path"
  | "issuer-authorised"
  | "disclosures"
  | "validity-period"
  | "status"
  | "timestamp"
  | "revocation-value";

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
  /** A finer, stable reason: one of {@link ReportCheckCode}. */
  readonly code?: ReportCheckCode;
  /** For a `timestamp` check: which time-stamp, and what it proved. */
  readonly timestamp?: TimestampCheckDetails;
  /** For a `revocation-value` check: which value of `rVals`, and what it said. */
  readonly revocation?: RevocationValueDetails;
}

/** What a `revocation-value` check entry is about (one entry per CRL and OCSP response in `rVals`). */
export interface RevocationValueDetails {
  /** `crl` (`crlVals`) or `ocsp` (`ocspVals`). */
  readonly source: "crl" | "ocsp";
  /** Its index in `crlVals` or `ocspVals`. */
  readonly index: number;
  /** The subject of the path's certificate it is about (when it applies to one). */
  readonly certificate?: string;
  /** What it says about that certificate. */
  readonly status?: "good" | "revoked";
  /** Its `thisUpdate`, ISO 8601. */
  readonly thisUpdate?: string;
  /** For `revoked`: when, ISO 8601. */
  readonly revocationTime?: string;
  /** The time it was judged at (the proof of existence of the signature), ISO 8601. */
  readonly judgedAt: string;
}

/** What a `timestamp` check entry is about (one entry per time-stamp token, in `etsiU` order). */
export interface TimestampCheckDetails {
  /** `signature` (`sigTst`) or `archive` (`arcTst`). */
  readonly kind: "signature" | "archive";
  /** Index of the `etsiU` element that carries it. */
  readonly element: number;
  /** The time it proves the covered data existed at, ISO 8601 (when it verified). */
  readonly genTime?: string;
  /** The TSA certificate's subject (when it verified). */
  readonly tsa?: string;
  /** The time the TSA's certificate path was judged at, ISO 8601. */
  readonly judgedAt: string;
}

/** The JAdES baseline level a licence reached (ETSI TS 119 182-1 clause 6). */
export type SignatureLevel = "B-B" | "B-T" | "B-LT" | "B-LTA";

/** Why the format check failed, besides a {@link LicenceErrorCode}: the claim or header member at fault. */
export type FormatFailureCode =
  | "typ"
  | "x5c"
  | "x5t#S256"
  | "payload-type"
  | "registered-claims"
  | "signing-time"
  | "licence-claims"
  | "licence-type"
  | "issuer"
  | "holder"
  | "holder-id"
  | "identifier"
  | "identifier-mismatch"
  | "version"
  | "status-reference"
  | "fields"
  | "status-index"
  | "iat-range"
  | "nbf-range"
  | "exp-range"
  | "not-disclosable"
  | "etsiU-unsupported";

/**
 * Why the signature check failed, besides `ERR_SIGNATURE_INVALID`: the header member that names
 * another certificate than the signer's (`x5t#S256` against a legacy `x5c`, `kid`), an unreadable
 * `x5c`, a key that does not fit or cannot be used, or no certificate found at all.
 */
export type SignatureFailureCode = "x5t#S256" | "kid" | "x5c" | "key-algorithm" | "key" | "signing-certificate-not-found";

/** Why the issuer-authorised check failed (the trust list against the signing certificate). */
export type IssuerFailureCode = "certificate-department" | "department-not-listed" | "type-not-authorised" | "department-period" | "certificate-not-listed";

/** Why the validity-period check failed. */
export type ValidityFailureCode = "signing-time-in-future" | "not-yet-valid" | "expired";

/**
 * Why the status check did not pass: the status read (`invalid`, `suspended`), a status list that
 * was missing or stale, or the `details.reason` of the error its token raised.
 */
export type StatusFailureCode =
  | "invalid"
  | "revoked"
  | "cancelled"
  | "superseded"
  | "status-reason"
  | "status-required"
  | "suspended"
  | "stale"
  | "status-list-missing"
  | "status-list"
  | "payload"
  | "status-value"
  | StatusListTokenFailureReason
  | StatusListFailureReason
  | ZlibFailureReason
  | JwsFailureReason;

/**
 * Every value of {@link ReportCheck.code}, a closed union: a {@link LicenceErrorCode} (`ERR_*`), a
 * {@link PathValidationCode} (certificate path, upper case), or a kebab-case reason of the check
 * (format, signature, issuer, disclosures, validity, status); `trust-list-unavailable` is the SDK
 * verifier's, when it has no usable trust list.
 */
export type ReportCheckCode =
  | LicenceErrorCode
  | PathValidationCode
  | FormatFailureCode
  | SignatureFailureCode
  | IssuerFailureCode
  | DisclosureFailureReason
  | "invalid"
  | ValidityFailureCode
  | StatusFailureCode
  | "trust-list-unavailable"
  | TimestampFailureCode
  | TimestampCheckCode
  | RevocationEvidenceCode;

/** Why a timestamp check failed besides a {@link TimestampFailureCode}. */
export type TimestampCheckCode = "tsa-not-listed" | "timestamp-before-signing-time" | "arcTst-clear-etsiU";

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
  readonly status?: "valid" | "suspended" | "invalid" | "revoked" | "cancelled" | "superseded";
  /**
   * When the status list says the licence was superseded: the identifier of the version that
   * replaced it (same serial, next version, as GB/T 36903 identifiers number versions).
   */
  readonly supersededBy?: string;
  /**
   * The JAdES level the licence reached: `B-T` when a signature time-stamp verified, `B-LT` when the
   * archive form also carries the chain and revocation values, `B-LTA` when an archive time-stamp
   * verified too; `B-B` otherwise.
   */
  readonly level: SignatureLevel;
  /** The earliest time a verified time-stamp proves the signature existed at, ISO 8601. */
  readonly proofOfExistence?: string;
}

/** The `details.reason` values of the errors a status list token can raise, reported as the status check's code. */
const STATUS_REASONS: ReadonlySet<string> = new Set<StatusFailureCode>([
  "payload",
  "status-value",
  "typ",
  "x5c",
  "signer",
  "algorithm",
  "signature",
  "not-yet-valid",
  "stale",
  "signer-expired",
  "uri",
  "reasons",
  "shape",
  "bits",
  "lst",
  "base64url",
  "empty",
  "zlib-truncated",
  "zlib-header",
  "zlib-dictionary",
  "deflate",
  "adler32",
  "parts",
  "type",
  "members",
  "header-type",
  "protected-header",
  "protected-header-missing",
  "protected-header-type",
  "signature-missing",
  "member",
  "general-serialisation",
]);
const DISCLOSURE_REASONS: ReadonlySet<string> = new Set<string>(DISCLOSURE_FAILURE_REASONS);

/** The code a check reports for a coded error: its `details.reason` when that is one of `known`, else its code. */
function reasonCode(err: LicenceError, known: ReadonlySet<string>): ReportCheckCode {
  const reason = err.details.reason;
  return typeof reason === "string" && known.has(reason) ? (reason as ReportCheckCode) : err.code;
}

/**
 * The status check's code for an error its status list raised.
 *
 * @internal
 */
export function statusCode(err: LicenceError): ReportCheckCode {
  return reasonCode(err, STATUS_REASONS);
}

/**
 * The disclosures check's code for an error resolving the disclosures raised.
 *
 * @internal
 */
export function disclosureCode(err: LicenceError): ReportCheckCode {
  return reasonCode(err, DISCLOSURE_REASONS);
}
