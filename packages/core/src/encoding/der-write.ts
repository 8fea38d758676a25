/**
 * DER writing for the few structures eLicence encodes itself: canonical names (`x509/name.ts`), PKCS#8
 * EncryptedPrivateKeyInfo (`keys/pbes2.ts`), SM2 key files, and the development PKI's SM2 certificates
 * (`@elicence/pki`). Single-octet identifiers only (tags below 31).
 *
 * @module
 */
import { concatBytes } from "./bytes.js";

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/**
 * Encodes one TLV with a single-octet identifier (`identifier` includes class and constructed bits).
 *
 * @param identifier - the identifier octet, e.g. `0x30` for a SEQUENCE
 * @param content - the value octets
 * @example
 * ```ts
 * const seq = encodeTlv(0x30, concat(a, b));
 * ```
 */
export function encodeTlv(identifier: number, content: Uint8Array): Uint8Array {
  const len = encodeLength(content.length);
  const out = new Uint8Array(1 + len.length + content.length);
  out[0] = identifier;
  out.set(len, 1);
  out.set(content, 1 + len.length);
  return out;
}

/** Encodes a SEQUENCE of already-encoded values. */
export function encodeSequence(...items: readonly Uint8Array[]): Uint8Array {
  return encodeTlv(0x30, concatBytes(items));
}

/** Encodes an OCTET STRING. */
export function encodeOctetString(value: Uint8Array): Uint8Array {
  return encodeTlv(0x04, value);
}

/** Encodes NULL. */
export function encodeNull(): Uint8Array {
  return Uint8Array.of(0x05, 0x00);
}

/**
 * Encodes a non-negative safe integer as a DER INTEGER (minimal two's complement).
 *
 * @param value - a non-negative safe integer
 */
export function encodeInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError("A DER INTEGER here is a non-negative safe integer.");
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  if (bytes.length === 0 || bytes[0]! >= 0x80) bytes.unshift(0);
  return encodeTlv(0x02, Uint8Array.from(bytes));
}

/**
 * Encodes an OBJECT IDENTIFIER given in dotted decimal (arcs up to 2^53).
 *
 * @param oid - e.g. `"1.2.840.113549.1.5.13"`
 */
export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split(".").map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0) || arcs[0]! > 2 || (arcs[0]! < 2 && arcs[1]! >= 40)) {
    throw new TypeError("Not a dotted-decimal object identifier.");
  }
  const out: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const base128: number[] = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v % 128) | 0x80);
    out.push(...base128);
  }
  return encodeTlv(0x06, Uint8Array.from(out));
}
