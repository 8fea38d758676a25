/**
 * `@elicence/core/revocation`: revocation evidence, strictly parsed and verified — X.509 CRLs
 * (RFC 5280 §5), OCSP requests and responses (RFC 6960) — the check of a certification path that
 * `validateCertificatePath` runs when given `revocation` options, where a certificate says its
 * evidence is published, and the JAdES `rVals` unsigned property (ETSI TS 119 182-1 §5.3.5.2).
 *
 * @example
 * ```ts
 * import { verifyCrl } from "@elicence/core/revocation";
 * const result = await verifyCrl(crlDer, { certificate: leaf, issuer: ca, at: new Date() });
 * ```
 *
 * @module
 */
export { parseCrl, verifyCrl, MAX_CRL_BYTES } from "./revocation/crl.js";
export type { CertificateRevocationList, CrlEntry } from "./revocation/crl.js";
export { parseOcspResponse, verifyOcspResponse, MAX_OCSP_RESPONSE_BYTES } from "./revocation/ocsp.js";
export type { OcspResponse, OcspResponseStatus, BasicOcspResponse, OcspSingleResponse, OcspVerifyOptions } from "./revocation/ocsp.js";
export { buildOcspRequest, parseOcspRequest, MAX_OCSP_REQUEST_BYTES, MAX_OCSP_REQUEST_ITEMS } from "./revocation/ocsp-request.js";
export type { OcspRequest, OcspRequestOptions, ParsedOcspRequest } from "./revocation/ocsp-request.js";
export { computeCertId } from "./revocation/cert-id.js";
export type { CertId, CertIdHash } from "./revocation/cert-id.js";
export { readCrlDistributionPoints, readOcspUrls } from "./revocation/distribution-points.js";
export type { DistributionPoint, IssuingDistributionPoint } from "./revocation/distribution-points.js";
export { checkPathRevocation } from "./revocation/check.js";
export type { RevocationOptions, RevocationFetcher, RevocationFetchRequest } from "./revocation/check.js";
export { encodeRevocationValues, readRevocationValues, collectRevocationValues, MAX_REVOCATION_VALUES } from "./jades/revocation-values.js";
export type { RevocationValues, RevocationValuesJson, PkiOb, CollectRevocationValuesOptions } from "./jades/revocation-values.js";
export { CRL_REASONS, REVOCATION_EVIDENCE_CODES } from "./revocation/evidence.js";
export type {
  CrlReason,
  EvidenceTarget,
  RevocationEvidenceCode,
  RevocationEvidenceProblem,
  RevocationEvidenceResult,
  RevocationStatusGood,
  RevocationStatusRevoked,
} from "./revocation/evidence.js";
