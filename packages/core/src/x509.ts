/**
 * `@elicence/core/x509`: strict X.509 certificate parsing and RFC 5280 §6.1 path validation with
 * reasons, distinguished names and a certificate cache.
 *
 * @example
 * ```ts
 * import { validateCertificatePath } from "@elicence/core/x509";
 * const result = await validateCertificatePath({ leaf: x5c[0], intermediates: x5c.slice(1), trustAnchors, at });
 * ```
 *
 * @module
 */
export { parseCertificate, validateCertificatePath, pathValidityWindow, PATH_VALIDATION_CODES, CertificateCache, DistinguishedName } from "./x509/index.js";
export type {
  Certificate,
  PathValidationCode,
  PathValidationOptions,
  PathValidationResult,
  PathValidationSuccess,
  PathValidationFailure,
  CertificateInput,
  KeyUsageName,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificateExtension,
  PublicKeyInfo,
  SignatureAlgorithmIdentifier,
  NameAttribute,
  CertificateCacheOptions,
} from "./x509/index.js";
