/**
 * What a piece of revocation evidence (a CRL or an OCSP response) says about one certificate, and
 * why evidence was refused: the vocabulary shared by the CRL and OCSP verifiers and the path check.
 *
 * @module
 */
import type { Certificate } from "../x509/certificate.js";

/** CRLReason (RFC 5280 §5.3.1); value 7 is unused. */
export type CrlReason =
  | "unspecified"
  | "keyCompromise"
  | "cACompromise"
  | "affiliationChanged"
  | "superseded"
  | "cessationOfOperation"
  | "certificateHold"
  | "removeFromCRL"
  | "privilegeWithdrawn"
  | "aACompromise";

/**
 * Every {@link CrlReason}, index = its ENUMERATED value (7 is unused, `undefined`).
 *
 * @example
 * ```ts
 * CRL_REASONS[1]; // "keyCompromise"
 * ```
 */
export const CRL_REASONS: readonly (CrlReason | undefined)[] = Object.freeze([
  "unspecified",
  "keyCompromise",
  "cACompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "certificateHold",
  undefined,
  "removeFromCRL",
  "privilegeWithdrawn",
  "aACompromise",
]);

/** Why a piece of evidence could not be used for a certificate. A closed set. */
export type RevocationEvidenceCode =
  /** The bytes are not a well-formed CRL / OCSP response (DER, structure, size). */
  | "EVIDENCE_MALFORMED"
  /** The evidence's signature does not verify with the key of its claimed signer. */
  | "EVIDENCE_SIGNATURE_INVALID"
  /** The evidence is signed with an algorithm or key we do not support. */
  | "EVIDENCE_ALGORITHM_UNSUPPORTED"
  /** Issued by someone else: not the certificate's issuer (CRL issuer name / key, OCSP responder). */
  | "EVIDENCE_WRONG_ISSUER"
  /** The signer may not sign this kind of evidence (no cRLSign, no id-kp-OCSPSigning, …). */
  | "EVIDENCE_SIGNER_NOT_AUTHORISED"
  /** About another certificate or scope (OCSP CertID, CRL issuing distribution point). */
  | "EVIDENCE_NOT_APPLICABLE"
  /** Too old: `nextUpdate` is before the time it is judged at (or no `nextUpdate` and older than the allowed age). */
  | "EVIDENCE_STALE"
  /** Issued after the time it is judged at (`thisUpdate` or `producedAt` in the future). */
  | "EVIDENCE_NOT_YET_VALID"
  /** A critical extension we do not process. */
  | "EVIDENCE_UNKNOWN_CRITICAL_EXTENSION"
  /** A feature outside our profile (indirect or delta CRLs, partitioned reasons). */
  | "EVIDENCE_UNSUPPORTED"
  /** The OCSP nonce sent is missing from the response or differs. */
  | "EVIDENCE_NONCE_MISMATCH"
  /** The OCSP responder answered with an error status (malformedRequest, tryLater, unauthorized, …). */
  | "EVIDENCE_RESPONDER_ERROR"
  /** The OCSP responder does not know the certificate (`unknown`). */
  | "EVIDENCE_STATUS_UNKNOWN"
  /** The caller's fetcher failed or returned nothing. */
  | "EVIDENCE_UNAVAILABLE";

/**
 * Every {@link RevocationEvidenceCode}.
 *
 * @example
 * ```ts
 * REVOCATION_EVIDENCE_CODES.includes(problem.code);
 * ```
 */
export const REVOCATION_EVIDENCE_CODES: readonly RevocationEvidenceCode[] = Object.freeze([
  "EVIDENCE_MALFORMED",
  "EVIDENCE_SIGNATURE_INVALID",
  "EVIDENCE_ALGORITHM_UNSUPPORTED",
  "EVIDENCE_WRONG_ISSUER",
  "EVIDENCE_SIGNER_NOT_AUTHORISED",
  "EVIDENCE_NOT_APPLICABLE",
  "EVIDENCE_STALE",
  "EVIDENCE_NOT_YET_VALID",
  "EVIDENCE_UNKNOWN_CRITICAL_EXTENSION",
  "EVIDENCE_UNSUPPORTED",
  "EVIDENCE_NONCE_MISMATCH",
  "EVIDENCE_RESPONDER_ERROR",
  "EVIDENCE_STATUS_UNKNOWN",
  "EVIDENCE_UNAVAILABLE",
]);

/** Evidence that could be used: what it says about the certificate. */
export interface RevocationStatusGood {
  readonly ok: true;
  readonly status: "good";
  /** `crl` or `ocsp`. */
  readonly source: "crl" | "ocsp";
  /** When the evidence's issuer vouched for the status (CRL / SingleResponse thisUpdate). */
  readonly thisUpdate: Date;
  /** Until when it vouches, when it says. */
  readonly nextUpdate?: Date;
}

/** Evidence that says the certificate is revoked. */
export interface RevocationStatusRevoked {
  readonly ok: true;
  readonly status: "revoked";
  readonly source: "crl" | "ocsp";
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** revocationDate (CRL) or revocationTime (OCSP). */
  readonly revocationTime: Date;
  /** The reason, when the evidence gives one. */
  readonly reason?: CrlReason;
}

/** Evidence that could not be used, and why. */
export interface RevocationEvidenceProblem {
  readonly ok: false;
  readonly code: RevocationEvidenceCode;
  /** A fixed sentence. */
  readonly reason: string;
  /** `crl`, `ocsp`, or `fetch` when the fetcher failed. */
  readonly source: "crl" | "ocsp" | "fetch";
}

/** The outcome of judging one piece of evidence for one certificate. */
export type RevocationEvidenceResult = RevocationStatusGood | RevocationStatusRevoked | RevocationEvidenceProblem;

/** What a verifier of evidence is given. */
export interface EvidenceTarget {
  /** The certificate whose status is asked. */
  readonly certificate: Certificate;
  /** The certificate of its issuer (the CA that signed it). */
  readonly issuer: Certificate;
  /**
   * The time the evidence must be current at: `thisUpdate` (and `producedAt`) must not be after it,
   * `nextUpdate` must not be before it (RFC 5280 §6.3.3 (a); RFC 6960 §4.2.2.1).
   */
  readonly at: Date;
  /**
   * How long evidence without `nextUpdate` stays current after its `thisUpdate`, in seconds.
   * Default 0: such evidence is current only at its own `thisUpdate`.
   */
  readonly maxAgeSeconds?: number;
  /**
   * Past validation (ETSI EN 319 102-1 §5.6.2.4, §5.6.2.5): evidence issued after `at`, while the
   * certificate was still within its validity, also settles its status at `at` — a CRL or OCSP
   * response that does not list the certificate as revoked by its `thisUpdate` says it was not
   * revoked earlier, and one that lists it gives the revocation time. Evidence issued after the
   * certificate expired is never used this way (a CA may drop expired certificates from its CRL).
   */
  readonly acceptLaterEvidence?: boolean;
}

/** Makes a problem result. */
export function evidenceProblem(source: RevocationEvidenceProblem["source"], code: RevocationEvidenceCode, reason: string): RevocationEvidenceProblem {
  return Object.freeze({ ok: false as const, code, reason, source });
}

/** The freshness rule shared by CRLs and OCSP: a problem, or `undefined` when current at `target.at`. */
export function checkFreshness(
  source: "crl" | "ocsp",
  thisUpdate: number,
  nextUpdate: number | undefined,
  target: EvidenceTarget,
): RevocationEvidenceProblem | undefined {
  const at = target.at.getTime();
  if (thisUpdate > at) {
    if (issuedWhileCertificateValid(thisUpdate, target)) return undefined;
    return evidenceProblem(source, "EVIDENCE_NOT_YET_VALID", "The evidence was issued after the time it is judged at.");
  }
  const until = nextUpdate ?? thisUpdate + (target.maxAgeSeconds ?? 0) * 1000;
  if (until < at) return evidenceProblem(source, "EVIDENCE_STALE", "The evidence is too old for the time it is judged at.");
  return undefined;
}

/**
 * Whether evidence issued at `issued` (after the time it is judged at) may still settle the
 * certificate's status then: only in past validation, and only while the certificate was valid.
 */
export function issuedWhileCertificateValid(issued: number, target: EvidenceTarget): boolean {
  return target.acceptLaterEvidence === true && issued <= target.certificate.notAfter.getTime();
}
