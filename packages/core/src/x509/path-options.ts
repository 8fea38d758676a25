/**
 * Checking the options of `validateCertificatePath` and parsing its certificate inputs (internal).
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import type { CertificateCache } from "./cache.js";
import { type Certificate, isCertificate, parseCertificate } from "./certificate.js";
import { KEY_USAGE_NAMES } from "./extensions.js";
import type { CertificateInput, PathValidationOptions } from "./path-validation.js";

/** Default and largest `maxDepth` (intermediate certificates only, as OpenSSL's -verify_depth). */
const DEFAULT_MAX_DEPTH = 6;
const MAX_DEPTH = 30;
const OID_PATTERN = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/** A limit option out of its range: a coded validation error (the value often comes from configuration). */
function badLimit(member: "maxDepth" | "maxSignatureChecks", min: number, max: number): LicenceError {
  const message = `options.${member} must be an integer from ${min} to ${max}.`;
  return new LicenceError("ERR_VALIDATION", message, { issues: [{ path: [member], message }], details: { member, reason: "out-of-range", limit: max } });
}

/** Checks the options: TypeError for API misuse, `ERR_VALIDATION` for a limit out of range. */
export function checkOptions(options: PathValidationOptions): { maxDepth: number; maxSignatureChecks: number } {
  if (typeof options !== "object" || options === null) throw new TypeError("validateCertificatePath needs an options object.");
  if (!(options.at instanceof Date) || Number.isNaN(options.at.getTime())) throw new TypeError("options.at must be a valid Date.");
  if (!Array.isArray(options.trustAnchors)) throw new TypeError("options.trustAnchors must be an array.");
  if (options.intermediates !== undefined && !Array.isArray(options.intermediates)) throw new TypeError("options.intermediates must be an array.");
  if (options.keyUsage !== undefined && (!Array.isArray(options.keyUsage) || options.keyUsage.some((u) => !KEY_USAGE_NAMES.includes(u)))) {
    throw new TypeError("options.keyUsage must list key usage names.");
  }
  if (options.extendedKeyUsage !== undefined && (!Array.isArray(options.extendedKeyUsage) || options.extendedKeyUsage.some((p) => typeof p !== "string" || !OID_PATTERN.test(p)))) {
    throw new TypeError("options.extendedKeyUsage must list OIDs.");
  }
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > MAX_DEPTH) throw badLimit("maxDepth", 0, MAX_DEPTH);
  const maxSignatureChecks = options.maxSignatureChecks ?? 100;
  if (!Number.isInteger(maxSignatureChecks) || maxSignatureChecks < 1 || maxSignatureChecks > 10_000) throw badLimit("maxSignatureChecks", 1, 10_000);
  return { maxDepth, maxSignatureChecks };
}

/** Parses one input; `undefined` when it is not a certificate. */
export function parseInput(input: CertificateInput, cache: CertificateCache | undefined): Certificate | undefined {
  if (isCertificate(input)) return input;
  if (typeof input !== "string" && !(input instanceof Uint8Array)) throw new TypeError("A certificate must be PEM text, base64, DER bytes or a parsed Certificate.");
  try {
    return cache ? cache.parse(input) : parseCertificate(input);
  } catch (err) {
    if (err instanceof LicenceError && err.code === "ERR_CERTIFICATE_INVALID") return undefined;
    throw err;
  }
}
