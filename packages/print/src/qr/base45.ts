/**
 * Base45 (RFC 9285): bytes as text in the 45 characters of a QR code's alphanumeric mode, which
 * stores them at 5.5 bits a character — denser in a QR code than base64 text in byte mode.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";

/** The alphabet, RFC 9285 §4 table 1. */
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

/**
 * Encodes bytes as base45 (RFC 9285 §4: each two bytes `a·256 + b` as three characters `c + d·45 +
 * e·45²`, a last single byte as two).
 *
 * @param bytes - the bytes
 */
export function encodeBase45(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      let n = bytes[i]! * 256 + bytes[i + 1]!;
      const c = n % 45;
      n = (n - c) / 45;
      const d = n % 45;
      out += ALPHABET[c]! + ALPHABET[d]! + ALPHABET[(n - d) / 45]!;
    } else {
      const n = bytes[i]!;
      out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45)]!;
    }
  }
  return out;
}

function invalid(): LicenceError {
  return new LicenceError("ERR_QR_INVALID", "The QR code's base45 text is malformed.", { details: { reason: "base45" } });
}

/**
 * Decodes base45 text (RFC 9285 §4.2: a character outside the alphabet, a length of 1 modulo 3, or
 * a triple above 65535 is an error).
 *
 * @param text - the base45 text
 * @throws LicenceError `ERR_QR_INVALID`
 */
export function decodeBase45(text: string): Uint8Array {
  if (text.length % 3 === 1) throw invalid();
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    const chunk = text.slice(i, i + 3);
    let n = 0;
    for (let j = chunk.length - 1; j >= 0; j--) {
      const v = VALUE.get(chunk[j]!);
      if (v === undefined) throw invalid();
      n = n * 45 + v;
    }
    if (chunk.length === 3) {
      if (n > 0xffff) throw invalid();
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      if (n > 0xff) throw invalid();
      out[o++] = n;
    }
  }
  return out;
}
