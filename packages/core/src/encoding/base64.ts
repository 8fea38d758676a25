/**
 * Standard base64 (RFC 4648 §4, padded, canonical): the form of a JWS `x5c` entry, a trust list's
 * certificates and a PEM body. Built on the platform's base64url codec (see `base64url.ts`).
 *
 * @module
 */
import { backend } from "../crypto/index.js";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes strict standard base64 (padded, canonical, no whitespace); `null` when malformed.
 *
 * @param text - base64 text
 * @example
 * ```ts
 * decodeBase64("QQ==");  // Uint8Array [0x41]
 * decodeBase64("QQ");    // null (padding missing)
 * ```
 */
export function decodeBase64(text: string): Uint8Array | null {
  if (typeof text !== "string" || text.length % 4 !== 0 || !BASE64.test(text)) return null;
  const url = text.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return backend.base64urlDecode(url);
}

/**
 * Encodes bytes as standard padded base64, e.g. a certificate for a JWS `x5c` entry.
 *
 * @param data - the bytes
 * @example
 * ```ts
 * const x5c = [encodeBase64(leaf.der), encodeBase64(issuer.der)];
 * ```
 */
export function encodeBase64(data: Uint8Array): string {
  const url = backend.base64urlEncode(data).replace(/-/g, "+").replace(/_/g, "/");
  return url + "=".repeat((4 - (url.length % 4)) % 4);
}
