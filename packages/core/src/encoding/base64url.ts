/**
 * base64url without padding (RFC 4648 §5), strict: the one codec of the workspace, exported as the
 * `base64url` namespace (`base64url.encode`, `base64url.decode`), as jose does.
 *
 * Each call goes to the platform's crypto backend, which holds the fastest codec measured there:
 * Node's `Buffer` with a length check for strictness (no regular expression on the hot path), and a
 * lookup-table codec in browsers (`base64url-portable.ts`).
 *
 * @example
 * ```ts
 * import { base64url } from "@elicence/core";
 * const text = base64url.encode(new Uint8Array([1, 2, 3])); // "AQID"
 * const bytes = base64url.decode(text);                      // Uint8Array [1, 2, 3]
 * base64url.decode("AQID=");                                 // null: padding is not base64url
 * ```
 *
 * @module
 */
import { backend } from "../crypto/index.js";

/**
 * Encodes bytes, or a string's UTF-8 bytes, as base64url without padding.
 *
 * @param input - the bytes, or text to encode as UTF-8
 * @example
 * ```ts
 * base64url.encode("{\"alg\":\"ES256\"}"); // "eyJhbGciOiJFUzI1NiJ9"
 * ```
 */
export function encode(input: Uint8Array | string): string {
  return typeof input === "string" ? backend.base64urlEncodeText(input) : backend.base64urlEncode(input);
}

/**
 * Decodes strict base64url: no padding, no whitespace, no character of the standard alphabet, and
 * zero trailing bits, so one byte string has exactly one encoding.
 *
 * @param text - base64url text
 * @returns the bytes, or `null` when `text` is not strict base64url
 * @example
 * ```ts
 * const signature = base64url.decode(parts[2]!);
 * if (signature === null) throw new Error("not base64url");
 * ```
 */
export function decode(text: string): Uint8Array | null {
  if (typeof text !== "string") return null;
  return backend.base64urlDecode(text);
}
