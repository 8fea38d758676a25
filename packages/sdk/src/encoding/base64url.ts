/**
 * base64url without padding (RFC 4648 §5), with the platform's `atob`/`btoa` so the same code runs
 * in browsers and in Node.
 *
 * @module
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Node's `Buffer`, when there is one: its native base64url decoder is many times faster than
 * `atob`, and the verifier decodes every licence's payload. Browsers take the `atob` path.
 */
const NATIVE = (globalThis as { Buffer?: { from(text: string, encoding: "base64url"): Uint8Array } }).Buffer;

/** Decodes base64url (no padding); `undefined` when the text is not base64url. */
export function base64urlToBytes(text: string): Uint8Array | undefined {
  if (typeof text !== "string" || !BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  // The alphabet and length are checked above, so both decoders see the same, valid input.
  if (NATIVE) {
    const buffer = NATIVE.from(text, "base64url");
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Encodes bytes as base64url without padding. */
export function bytesToBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
