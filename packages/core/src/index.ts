/**
 * `@elicence/core`: the licence model, identifiers, signing and offline verification.
 *
 * @packageDocumentation
 */
export { LicenceError, isLicenceError, formatIssues } from "./errors/errors.js";
export type { LicenceErrorCode, LicenceErrorOptions, ValidationIssue } from "./errors/errors.js";
export { DEFAULT_ALGORITHMS, isJwsAlgorithm } from "./crypto/algorithms.js";
export type { JwsAlgorithm, SignatureAlgorithm } from "./crypto/algorithms.js";
