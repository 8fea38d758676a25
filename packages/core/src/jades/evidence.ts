/**
 * The verifiers that check the evidence in `etsiU` — an RFC 3161 time-stamp token verifier and a
 * revocation checker — as seams a caller may replace, and core's own as the defaults (the token
 * verification of `timestamp/verify.ts`, the CRL and OCSP checks of `revocation/check.ts`).
 *
 * @module
 */
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import { checkPathRevocation, type RevocationOptions } from "../revocation/check.js";
import { verifyTimestampToken } from "../timestamp/verify.js";
import type { Certificate } from "../x509/certificate.js";
import type { CertificateInput } from "../x509/path-validation.js";

/** What a time-stamp token verifier answers (the shape of `verifyTimestampToken`'s result). */
export type JadesTimestampVerification =
  | { readonly ok: true; readonly genTime: Date; readonly tsa: Certificate; readonly path: readonly Certificate[] }
  | { readonly ok: false; readonly code: string; readonly reason: string; readonly pathCode?: string };

/** What a time-stamp token verifier is given (the options of `verifyTimestampToken`). */
export interface JadesTimestampVerifyOptions {
  /** The bytes the token's message imprint must be the digest of. */
  readonly data: Uint8Array;
  readonly trustAnchors: readonly CertificateInput[];
  readonly intermediates?: readonly CertificateInput[];
  readonly at: Date;
  /** The signature algorithms accepted from a TSA; a token signed otherwise is refused (`ALGORITHM_NOT_ALLOWED`). Absent: any the verifier implements. */
  readonly algorithms?: readonly SignatureAlgorithm[];
}

/**
 * An RFC 3161 time-stamp token verifier: wire `{ verify: verifyTimestampToken }` from the
 * timestamp module here.
 */
export interface JadesTimestampVerifier {
  readonly verify: (token: Uint8Array, options: JadesTimestampVerifyOptions) => Promise<JadesTimestampVerification>;
  /** Anchors for time-stamping authorities; default: the signature's trust anchors. */
  readonly trustAnchors?: readonly CertificateInput[];
}

/** What a revocation checker is asked: is any certificate of this path revoked at `at`? */
export interface JadesRevocationRequest {
  /** The validated path, leaf first, anchor last. */
  readonly path: readonly Certificate[];
  /** CRLs from `rVals` (DER). */
  readonly crls: readonly Uint8Array[];
  /** OCSP responses from `rVals` (DER). */
  readonly ocspResponses: readonly Uint8Array[];
  readonly at: Date;
  /**
   * Past validation (EN 319 102-1 §5.6.2.4): evidence issued after `at`, while the certificate
   * was valid, also settles its status at `at` (the validator asks this at a proven time).
   */
  readonly pastValidation?: boolean;
}

/** A revocation checker's answer; `code` `REVOKED` carries the revocation time. */
export type JadesRevocationResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly reason: string; readonly revocationTime?: Date };

/**
 * A revocation checker: wire the revocation module's path validation with evidence (e.g. a
 * function calling `validateCertificatePath` with `revocation: { crls, ocspResponses, policy: "require" }`).
 */
export interface JadesRevocationChecker {
  readonly check: (request: JadesRevocationRequest) => Promise<JadesRevocationResult>;
}

/** The default time-stamp verifier: core's RFC 3161 token verification (`@elicence/core/timestamp`). */
export const CORE_TIMESTAMPS: JadesTimestampVerifier = { verify: (token, options) => verifyTimestampToken(token, options) };

/** At most this many pieces of evidence go into one revocation check (the revocation checker's limit). */
const MAX_EVIDENCE = 64;

/**
 * A revocation checker over core's CRL and OCSP verification of the path (`checkPathRevocation`),
 * fail closed (every certificate but the anchor needs current evidence): the values it is asked
 * with, and the caller's own evidence and fetcher, current at `given.at` (default the time asked)
 * or, in past validation, at the time asked with later evidence allowed.
 *
 * @param given - the caller's evidence, fetcher and time (none for the `rVals` alone)
 */
export function pathRevocationChecker(given: RevocationOptions = {}): JadesRevocationChecker {
  const { at: now, ...rest } = given;
  return {
    check: async ({ path, crls, ocspResponses, at, pastValidation }) => {
      const evidence: RevocationOptions = {
        ...rest,
        crls: [...(given.crls ?? []), ...crls].slice(0, MAX_EVIDENCE),
        ocspResponses: [...(given.ocspResponses ?? []), ...ocspResponses].slice(0, MAX_EVIDENCE),
        policy: "require",
        ...(pastValidation ? { acceptLaterEvidence: true } : {}),
      };
      const failure = await checkPathRevocation(path, evidence, pastValidation ? at : (now ?? at));
      if (failure === undefined) return { ok: true };
      return { ok: false, code: failure.code, reason: failure.reason, ...(failure.revocationTime ? { revocationTime: failure.revocationTime } : {}) };
    },
  };
}

/** The default revocation checker for `rVals`: core's CRL and OCSP verification over the path. */
export const CORE_REVOCATION: JadesRevocationChecker = pathRevocationChecker();
