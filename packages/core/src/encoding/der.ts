/**
 * The strict DER reader (X.690 §10), the one of core: certificates, names, extensions and PKCS#8
 * key files are all read through it.
 *
 * Certificates must be DER (one value, one encoding, one thumbprint), so the reader accepts exactly
 * DER and nothing BER allows besides: no indefinite lengths, no non-minimal lengths or tags, no
 * end-of-contents octets, no constructed strings, no trailing bytes. It walks the TLVs itself (no
 * ASN.1 library: the walk is short and a BER decoder would have to be checked after the fact) and
 * returns a small frozen tree that the rest of core reads with typed accessors. Nothing in this file
 * throws anything but {@link DerError}, whose {@link DerErrorCode} says precisely what is wrong.
 * The reader and its typed accessors stay in one file (a little over 400 lines): the accessors
 * check the DER rules of each type, which are the other half of the reader's contract.
 *
 * @internal
 * @module
 */

/** What is wrong with a DER value: the stable `code` of a {@link DerError}. */
export type DerErrorCode =
  /** No bytes at all. */
  | "DER_EMPTY"
  /** The identifier or length octets end before they are complete. */
  | "DER_TRUNCATED"
  /** A length runs past the end of the input or of the enclosing value. */
  | "DER_LENGTH_EXCEEDS_INPUT"
  /** The indefinite length form (0x80), BER only. */
  | "DER_INDEFINITE_LENGTH"
  /** The long length form for a length below 128, or leading zero length octets. */
  | "DER_NON_MINIMAL_LENGTH"
  /** The high tag number form for a tag below 31, or a leading 0x80 tag octet. */
  | "DER_NON_MINIMAL_TAG"
  /** A tag number too large to be meaningful here (above 2^28). */
  | "DER_TAG_TOO_LARGE"
  /** End-of-contents octets (universal tag 0), BER only. */
  | "DER_END_OF_CONTENTS"
  /** SEQUENCE or SET not constructed, or another universal type constructed (e.g. a BER constructed string). */
  | "DER_CONSTRUCTED_BIT"
  /** Bytes after the one value. */
  | "DER_TRAILING_DATA"
  /** Nesting deeper than the limit. */
  | "DER_DEPTH_EXCEEDED"
  /** More values than the limit. */
  | "DER_TOO_MANY_NODES"
  /** A value of another type than the one expected. */
  | "DER_UNEXPECTED_TYPE"
  /** A SEQUENCE or SET with a number of elements out of range. */
  | "DER_ELEMENT_COUNT"
  /** An INTEGER or OBJECT IDENTIFIER not in its minimal encoding. */
  | "DER_NON_MINIMAL_VALUE"
  /** A value whose content is not valid for its type (BOOLEAN, BIT STRING, Time, strings, …). */
  | "DER_INVALID_VALUE"
  /** A well-formed DER structure that does not fit the schema being read (a certificate field, an extension). */
  | "DER_STRUCTURE";

/** A DER problem; `reason` is a fixed phrase, never input content. */
export class DerError extends Error {
  /** What is wrong, stably. */
  readonly code: DerErrorCode;
  /** A fixed phrase that says what is wrong. */
  readonly reason: string;
  /**
   * @param reason - a fixed phrase
   * @param code - the stable code (default `DER_STRUCTURE`, for schema checks made by the callers)
   */
  constructor(reason: string, code: DerErrorCode = "DER_STRUCTURE") {
    super(reason);
    this.name = "DerError";
    this.code = code;
    this.reason = reason;
  }
}

/** Tag classes as encoded in the identifier octet's top two bits. */
export const CLASS_UNIVERSAL = 0;
export const CLASS_CONTEXT = 2;

/** Universal tag numbers used by X.509. */
export const TAG = Object.freeze({
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  NUMERIC_STRING: 18,
  PRINTABLE_STRING: 19,
  TELETEX_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  VISIBLE_STRING: 26,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
});

/** One decoded DER value. `raw` and `content` are views into the decoded buffer: never mutate them. */
export interface DerNode {
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly cls: number;
  readonly tag: number;
  readonly constructed: boolean;
  /** The whole TLV. */
  readonly raw: Uint8Array;
  /** The value octets. */
  readonly content: Uint8Array;
  /** Children of a constructed value (empty for primitives). */
  readonly children: readonly DerNode[];
}

/** Resource limits for one decode. */
export interface DerLimits {
  readonly maxDepth?: number;
  readonly maxNodes?: number;
}

/** Largest tag number accepted: 2^28, four high-tag-number octets. */
const MAX_TAG_NUMBER = 2 ** 28;

interface WalkState {
  readonly maxDepth: number;
  readonly maxNodes: number;
  nodes: number;
}

/** Reads the one TLV that starts at `start` and must end by `end`; returns it with its end offset. */
function readTlv(bytes: Uint8Array, start: number, end: number, depth: number, state: WalkState): { node: DerNode; next: number } {
  if (depth > state.maxDepth) throw new DerError("nesting too deep", "DER_DEPTH_EXCEEDED");
  if (++state.nodes > state.maxNodes) throw new DerError("too many values", "DER_TOO_MANY_NODES");
  let i = start;
  const id = bytes[i++]!;
  const clsBits = id >> 6;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    // High tag number form (X.690 §8.1.2.4): base-128, minimal, and only for tags of 31 and above.
    tag = 0;
    let octets = 0;
    for (;;) {
      if (i >= end) throw new DerError("truncated tag", "DER_TRUNCATED");
      const b = bytes[i++]!;
      if (octets === 0 && b === 0x80) throw new DerError("non-minimal tag encoding", "DER_NON_MINIMAL_TAG");
      if (++octets > 4) throw new DerError("tag number out of range", "DER_TAG_TOO_LARGE");
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tag > MAX_TAG_NUMBER) throw new DerError("tag number out of range", "DER_TAG_TOO_LARGE");
    if (tag < 31) throw new DerError("non-minimal tag encoding", "DER_NON_MINIMAL_TAG");
  }
  if (i >= end) throw new DerError("truncated length", "DER_TRUNCATED");
  const first = bytes[i++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    throw new DerError("indefinite length (BER, not DER)", "DER_INDEFINITE_LENGTH");
  } else {
    const count = first & 0x7f;
    // Four length octets already exceed any input we accept; more (0xFF, reserved, included) cannot
    // describe a value that fits.
    if (count > 4) throw new DerError("length beyond the input", "DER_LENGTH_EXCEEDS_INPUT");
    if (i + count > end) throw new DerError("truncated length", "DER_TRUNCATED");
    if (bytes[i] === 0) throw new DerError("non-minimal tag or length encoding", "DER_NON_MINIMAL_LENGTH");
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + bytes[i++]!;
    if (length < 0x80) throw new DerError("non-minimal tag or length encoding", "DER_NON_MINIMAL_LENGTH");
  }
  if (length > end - i) throw new DerError("length beyond the input", "DER_LENGTH_EXCEEDS_INPUT");
  const contentStart = i;
  const next = i + length;
  if (clsBits === CLASS_UNIVERSAL) {
    if (tag === 0) throw new DerError("end-of-contents octets (BER, not DER)", "DER_END_OF_CONTENTS");
    // DER: SEQUENCE and SET are constructed, every other universal type we meet is primitive.
    if ((tag === TAG.SEQUENCE || tag === TAG.SET) !== constructed) throw new DerError("wrong constructed bit for a universal type", "DER_CONSTRUCTED_BIT");
  }
  const children: DerNode[] = [];
  if (constructed) {
    let at = contentStart;
    while (at < next) {
      const child = readTlv(bytes, at, next, depth + 1, state);
      children.push(child.node);
      at = child.next;
    }
  }
  const node: DerNode = Object.freeze({
    cls: clsBits,
    tag,
    constructed,
    raw: bytes.subarray(start, next),
    content: bytes.subarray(contentStart, next),
    children: Object.freeze(children),
  });
  return { node, next };
}

/**
 * Decodes exactly one DER value filling all of `bytes`. The tree views `bytes`: pass a private copy.
 *
 * @param bytes - the DER bytes (untrusted)
 * @param limits - nesting depth (default 32) and number of values (default 20,000)
 * @throws {DerError} on BER-only encodings, trailing data, truncation or resource limits
 * @example
 * ```ts
 * const root = decodeDer(der.slice());
 * const [tbs, algorithm, signature] = readSequence(root, 3, 3);
 * ```
 */
export function decodeDer(bytes: Uint8Array, limits: DerLimits = {}): DerNode {
  if (bytes.length === 0) throw new DerError("empty input", "DER_EMPTY");
  const state: WalkState = { maxDepth: limits.maxDepth ?? 32, maxNodes: limits.maxNodes ?? 20_000, nodes: 0 };
  const { node, next } = readTlv(bytes, 0, bytes.length, 0, state);
  if (next !== bytes.length) throw new DerError("trailing data after the DER value", "DER_TRAILING_DATA");
  return node;
}

// ---------------------------------------------------------------------------------------------
// Typed accessors. Each checks the tag and the DER rules for its type.

/** True when `node` is the universal type `tag`. */
export function isUniversal(node: DerNode | undefined, tag: number): boolean {
  return node !== undefined && node.cls === CLASS_UNIVERSAL && node.tag === tag;
}

/** True when `node` is context-specific `[tag]`. */
export function isContext(node: DerNode | undefined, tag: number): boolean {
  return node !== undefined && node.cls === CLASS_CONTEXT && node.tag === tag;
}

/** Returns the children of a SEQUENCE, checking their count. */
export function readSequence(node: DerNode | undefined, min = 0, max = Number.POSITIVE_INFINITY): readonly DerNode[] {
  if (!isUniversal(node, TAG.SEQUENCE)) throw new DerError("expected a SEQUENCE", "DER_UNEXPECTED_TYPE");
  const children = node!.children;
  if (children.length < min || children.length > max) throw new DerError("wrong number of SEQUENCE elements", "DER_ELEMENT_COUNT");
  return children;
}

/** Returns the children of a SET, checking their count. */
export function readSet(node: DerNode | undefined, min = 0): readonly DerNode[] {
  if (!isUniversal(node, TAG.SET)) throw new DerError("expected a SET", "DER_UNEXPECTED_TYPE");
  if (node!.children.length < min) throw new DerError("wrong number of SET elements", "DER_ELEMENT_COUNT");
  return node!.children;
}

/** Checks the minimal two's-complement encoding of an INTEGER's value octets. */
export function checkIntegerContent(c: Uint8Array): void {
  if (c.length === 0) throw new DerError("empty INTEGER", "DER_INVALID_VALUE");
  if (c.length > 1 && ((c[0] === 0x00 && c[1]! < 0x80) || (c[0] === 0xff && c[1]! >= 0x80))) throw new DerError("non-minimal INTEGER", "DER_NON_MINIMAL_VALUE");
}

/** Returns an INTEGER's value octets (two's complement, minimal). */
export function readInteger(node: DerNode | undefined): Uint8Array {
  if (!isUniversal(node, TAG.INTEGER)) throw new DerError("expected an INTEGER", "DER_UNEXPECTED_TYPE");
  checkIntegerContent(node!.content);
  return node!.content;
}

/** Reads a non-negative INTEGER that fits in 32 bits. */
export function readSmallInteger(node: DerNode | undefined): number {
  const c = readInteger(node);
  if (c[0]! >= 0x80) throw new DerError("negative INTEGER", "DER_INVALID_VALUE");
  if (c.length > 5 || (c.length === 5 && c[0] !== 0)) throw new DerError("INTEGER too large", "DER_INVALID_VALUE");
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

/** Reads a BOOLEAN (DER: 0x00 or 0xFF). */
export function readBoolean(node: DerNode | undefined): boolean {
  if (!isUniversal(node, TAG.BOOLEAN)) throw new DerError("expected a BOOLEAN", "DER_UNEXPECTED_TYPE");
  const c = node!.content;
  if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff)) throw new DerError("non-DER BOOLEAN", "DER_INVALID_VALUE");
  return c[0] === 0xff;
}

/** Checks a NULL. */
export function readNull(node: DerNode | undefined): void {
  if (!isUniversal(node, TAG.NULL) || node!.content.length !== 0) throw new DerError("expected a NULL", "DER_UNEXPECTED_TYPE");
}

/** Reads an OBJECT IDENTIFIER as dotted decimal. */
export function readOid(node: DerNode | undefined): string {
  if (!isUniversal(node, TAG.OID)) throw new DerError("expected an OBJECT IDENTIFIER", "DER_UNEXPECTED_TYPE");
  return oidFromContent(node!.content);
}

/** Decodes OBJECT IDENTIFIER value octets as dotted decimal. */
export function oidFromContent(c: Uint8Array): string {
  if (c.length === 0 || c[c.length - 1]! & 0x80) throw new DerError("malformed OBJECT IDENTIFIER", "DER_INVALID_VALUE");
  const arcs: string[] = [];
  let v = 0;
  let big: bigint | null = null;
  let start = true;
  for (const b of c) {
    if (start && b === 0x80) throw new DerError("non-minimal OBJECT IDENTIFIER", "DER_NON_MINIMAL_VALUE");
    start = false;
    if (big === null && v >= 2 ** 45) big = BigInt(v);
    if (big !== null) big = big * 128n + BigInt(b & 0x7f);
    else v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        if (big !== null) arcs.push("2", (big - 80n).toString());
        else if (v < 40) arcs.push("0", String(v));
        else if (v < 80) arcs.push("1", String(v - 40));
        else arcs.push("2", String(v - 80));
      } else {
        arcs.push(big !== null ? big.toString() : String(v));
      }
      v = 0;
      big = null;
      start = true;
    }
  }
  return arcs.join(".");
}

/** A BIT STRING: the number of unused bits in the last octet, and the octets. */
export interface BitString {
  readonly unusedBits: number;
  readonly bytes: Uint8Array;
}

/** Reads a BIT STRING (DER: unused bits are zero). */
export function readBitString(node: DerNode | undefined): BitString {
  if (!isUniversal(node, TAG.BIT_STRING)) throw new DerError("expected a BIT STRING", "DER_UNEXPECTED_TYPE");
  const c = node!.content;
  if (c.length === 0) throw new DerError("malformed BIT STRING", "DER_INVALID_VALUE");
  const unusedBits = c[0]!;
  if (unusedBits > 7 || (c.length === 1 && unusedBits !== 0)) throw new DerError("malformed BIT STRING", "DER_INVALID_VALUE");
  if (unusedBits > 0 && (c[c.length - 1]! & ((1 << unusedBits) - 1)) !== 0) throw new DerError("non-DER BIT STRING padding", "DER_INVALID_VALUE");
  return { unusedBits, bytes: c.subarray(1) };
}

/** Reads an OCTET STRING's value octets. */
export function readOctetString(node: DerNode | undefined): Uint8Array {
  if (!isUniversal(node, TAG.OCTET_STRING)) throw new DerError("expected an OCTET STRING", "DER_UNEXPECTED_TYPE");
  return node!.content;
}

function ascii(c: Uint8Array): string {
  let s = "";
  for (const b of c) s += String.fromCharCode(b);
  return s;
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** Reads a Time (UTCTime or GeneralizedTime, in the RFC 5280 §4.1.2.5 forms) as epoch milliseconds. */
export function readTime(node: DerNode | undefined): number {
  let m: RegExpExecArray | null = null;
  let year: number;
  if (isUniversal(node, TAG.UTC_TIME)) {
    m = UTC_TIME.exec(ascii(node!.content));
    if (!m) throw new DerError("malformed UTCTime", "DER_INVALID_VALUE");
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (isUniversal(node, TAG.GENERALIZED_TIME)) {
    m = GENERALIZED_TIME.exec(ascii(node!.content));
    if (!m) throw new DerError("malformed GeneralizedTime", "DER_INVALID_VALUE");
    year = Number(m[1]);
  } else {
    throw new DerError("expected a Time", "DER_UNEXPECTED_TYPE");
  }
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  // Reject out-of-range fields rather than letting Date roll them over.
  if (month < 1 || month > 12 || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new DerError("invalid date in Time", "DER_INVALID_VALUE");
  }
  return d.getTime();
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes a string type to text; returns `undefined` for a value that is not a string type. */
export function readString(node: DerNode): string | undefined {
  if (node.cls !== CLASS_UNIVERSAL) return undefined;
  const c = node.content;
  switch (node.tag) {
    case TAG.UTF8_STRING:
      try {
        return UTF8.decode(c);
      } catch {
        throw new DerError("invalid UTF-8 in UTF8String", "DER_INVALID_VALUE");
      }
    case TAG.PRINTABLE_STRING:
    case TAG.NUMERIC_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
      for (const b of c) if (b >= 0x80) throw new DerError("non-ASCII octet in an ASCII string type", "DER_INVALID_VALUE");
      return ascii(c);
    case TAG.TELETEX_STRING:
      // T.61 read as Latin-1, as OpenSSL does.
      return ascii(c);
    case TAG.BMP_STRING: {
      if (c.length % 2) throw new DerError("malformed BMPString", "DER_INVALID_VALUE");
      let s = "";
      for (let i = 0; i < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      if (c.length % 4) throw new DerError("malformed UniversalString", "DER_INVALID_VALUE");
      let s = "";
      for (let i = 0; i < c.length; i += 4) {
        const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new DerError("malformed UniversalString", "DER_INVALID_VALUE");
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return undefined;
  }
}
