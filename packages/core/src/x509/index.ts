/**
 * X.509 for eLicence: strict certificate parsing (through core's strict DER reader), and RFC 5280
 * §6.1 path validation with reasons. Certificate signatures are checked through the platform crypto
 * backend.
 *
 * @example
 * ```ts
 * import { parseCertificate, validateCertificatePath } from "./x509/index.js";
 * const result = await validateCertificatePath({ leaf: x5c[0], intermediates: x5c.slice(1), trustAnchors, at });
 * ```
 *
 * @module
 */
export { toDer, MAX_CERTIFICATE_BYTES } from "./certificate-input.js";
export { Certificate, parseCertificate, isCertificate } from "./certificate.js";
export type { SignatureAlgorithmIdentifier } from "./certificate.js";
export { DistinguishedName } from "./name.js";
export type { NameAttribute } from "./name.js";
export { KEY_USAGE_NAMES } from "./extensions.js";
export type { KeyUsageName, BasicConstraints, AuthorityKeyIdentifier, CertificateExtension } from "./extensions.js";
export type { PublicKeyInfo } from "./signature.js";
export { CertificateCache } from "./cache.js";
export type { CertificateCacheOptions } from "./cache.js";
export { validateCertificatePath, pathValidityWindow, PATH_VALIDATION_CODES } from "./path-validation.js";
export type {
  PathValidationCode,
  PathValidationOptions,
  PathValidationResult,
  PathValidationSuccess,
  PathValidationFailure,
  CertificateInput,
} from "./path-validation.js";
