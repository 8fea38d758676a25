/**
 * Certificate input (PEM text, bare base64 as in `x5c`, or DER bytes) turned into DER, with the one
 * error every certificate decoding problem becomes.
 *
 * @module
 */
import { decodeBase64 } from "../encoding/base64.js";
import { decodePem } from "../encoding/pem.js";
import { LicenceError } from "../errors/errors.js";

/**
 * Largest DER certificate accepted, in bytes (64 KiB).
 *
 * @example
 * ```ts
 * if (der.length > MAX_CERTIFICATE_BYTES) reject();
 * ```
 */
export const MAX_CERTIFICATE_BYTES = 65_536;

/**
 * Turns certificate input into DER: a `Uint8Array` is copied, a string is either one PEM
 * `CERTIFICATE` block or bare standard base64 (the form of a JWS `x5c` entry).
 *
 * @param input - PEM text, base64 DER or DER bytes
 * @returns a fresh copy of the DER bytes (at most {@link MAX_CERTIFICATE_BYTES})
 * @throws LicenceError `ERR_CERTIFICATE_INVALID` when the text cannot be decoded or is too large
 * @example
 * ```ts
 * const der = toDer(header.x5c[0]);
 * ```
 */
export function toDer(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length === 0) throw invalidCertificate("empty input");
    if (input.length > MAX_CERTIFICATE_BYTES) throw invalidCertificate("certificate too large");
    return input.slice();
  }
  if (typeof input !== "string") throw new TypeError("Certificate input must be a string or a Uint8Array.");
  if (input.length > 131_072) throw invalidCertificate("certificate too large");
  if (input.trimStart().startsWith("-----BEGIN")) {
    try {
      return decodePem(input);
    } catch (cause) {
      if (cause instanceof LicenceError) throw invalidCertificate(String(cause.details.reason ?? "PEM text too large"), cause);
      throw cause;
    }
  }
  const der = decodeBase64(input);
  if (der === null || der.length === 0) throw invalidCertificate("neither PEM nor base64");
  if (der.length > MAX_CERTIFICATE_BYTES) throw invalidCertificate("certificate too large");
  return der;
}

/** The error every certificate decoding problem becomes. */
export function invalidCertificate(reason: string, cause?: unknown): LicenceError {
  return new LicenceError("ERR_CERTIFICATE_INVALID", "The certificate is malformed.", { cause, details: { reason } });
}
