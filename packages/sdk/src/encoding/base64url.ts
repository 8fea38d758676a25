/**
 * base64url without padding (RFC 4648 §5), with the platform's `atob`/`btoa` so the same code runs
 * in browsers and in Node.
 *
 * @module
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes base64url (no padding); `undefined` when the text is not base64url. */
export function base64urlToBytes(text: string): Uint8Array | undefined {
  if (typeof text !== "string" || !BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Encodes bytes as base64url without padding. */
export function bytesToBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
