/**
 * Strict DER reading on top of asn1js (internal).
 *
 * asn1js decodes BER: it accepts indefinite lengths, non-minimal lengths and constructed strings, and
 * keeps them when re-encoding. Certificates must be DER (one value, one encoding, one thumbprint), so
 * every decoded block is checked here and turned into a small frozen tree that the rest of the
 * module reads with typed accessors. Nothing in this file throws anything but {@link DerError}.
 *
 * @module
 */
import { fromBER } from "asn1js";

/** A DER structure problem; `reason` is a fixed phrase, never input content. */
export class DerError extends Error {
  /** A fixed phrase that says what is wrong. */
  readonly reason: string;
  /** @param reason - a fixed phrase */
  constructor(reason: string) {
    super(reason);
    this.name = "DerError";
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

interface AsnBlockLike {
  error?: string;
  idBlock: { tagClass: number; tagNumber: number; isConstructed: boolean; isHexOnly?: boolean };
  lenBlock: { isIndefiniteForm: boolean; length: number };
  valueBeforeDecodeView: Uint8Array;
  valueBlock: { value?: unknown; error?: string };
}

function lengthOfLength(length: number): number {
  if (length < 0x80) return 1;
  let n = 0;
  for (let l = length; l > 0; l = Math.floor(l / 256)) n++;
  return 1 + n;
}

function lengthOfTag(tagNumber: number): number {
  if (tagNumber < 31) return 1;
  let n = 0;
  for (let t = tagNumber; t > 0; t = Math.floor(t / 128)) n++;
  return 1 + n;
}

function convert(block: AsnBlockLike, depth: number): DerNode {
  if (block.error || block.valueBlock?.error) throw new DerError("ASN.1 decoding failed");
  const id = block.idBlock;
  const len = block.lenBlock;
  if (id.isHexOnly || id.tagNumber < 0) throw new DerError("tag number out of range");
  if (len.isIndefiniteForm) throw new DerError("indefinite length (BER, not DER)");
  const raw = block.valueBeforeDecodeView;
  if (!(raw instanceof Uint8Array)) throw new DerError("ASN.1 decoding failed");
  const headerLength = raw.length - len.length;
  if (headerLength !== lengthOfTag(id.tagNumber) + lengthOfLength(len.length)) throw new DerError("non-minimal tag or length encoding");
  const cls = id.tagClass - 1;
  const tag = id.tagNumber;
  const constructed = id.isConstructed;
  if (cls === CLASS_UNIVERSAL) {
    if (tag === 0) throw new DerError("end-of-contents octets (BER, not DER)");
    // DER: SEQUENCE and SET are constructed, every other universal type we meet is primitive.
    if ((tag === TAG.SEQUENCE || tag === TAG.SET) !== constructed) throw new DerError("wrong constructed bit for a universal type");
  }
  const content = raw.subarray(headerLength);
  let children: DerNode[] = [];
  if (constructed) {
    const values = block.valueBlock.value;
    if (!Array.isArray(values)) throw new DerError("ASN.1 decoding failed");
    children = values.map((v) => convert(v as AsnBlockLike, depth + 1));
    let total = 0;
    for (const c of children) total += c.raw.length;
    if (total !== content.length) throw new DerError("ASN.1 decoding failed");
  }
  return Object.freeze({ cls, tag, constructed, raw, content, children: Object.freeze(children) });
}

/**
 * Decodes exactly one DER value filling all of `bytes`. The tree views `bytes`: pass a private copy.
 *
 * @throws {DerError} on BER-only encodings, trailing data, truncation or resource limits
 */
export function decodeDer(bytes: Uint8Array, limits: DerLimits = {}): DerNode {
  if (bytes.length === 0) throw new DerError("empty input");
  let parsed: { offset: number; result: unknown };
  try {
    parsed = fromBER(bytes, {
      maxDepth: limits.maxDepth ?? 32,
      maxNodes: limits.maxNodes ?? 20_000,
      maxContentLength: bytes.length,
      parseEmbedded: false,
      copyInput: false,
    });
  } catch {
    throw new DerError("ASN.1 decoding failed");
  }
  const result = parsed.result as AsnBlockLike;
  if (parsed.offset === -1 || result.error) throw new DerError("ASN.1 decoding failed");
  if (parsed.offset !== bytes.length) throw new DerError("trailing data after the DER value");
  try {
    return convert(result, 0);
  } catch (err) {
    if (err instanceof DerError) throw err;
    throw new DerError("ASN.1 decoding failed");
  }
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
  if (!isUniversal(node, TAG.SEQUENCE)) throw new DerError("expected a SEQUENCE");
  const children = node!.children;
  if (children.length < min || children.length > max) throw new DerError("wrong number of SEQUENCE elements");
  return children;
}

/** Returns the children of a SET, checking their count. */
export function readSet(node: DerNode | undefined, min = 0): readonly DerNode[] {
  if (!isUniversal(node, TAG.SET)) throw new DerError("expected a SET");
  if (node!.children.length < min) throw new DerError("wrong number of SET elements");
  return node!.children;
}

/** Checks the minimal two's-complement encoding of an INTEGER's value octets. */
export function checkIntegerContent(c: Uint8Array): void {
  if (c.length === 0) throw new DerError("empty INTEGER");
  if (c.length > 1 && ((c[0] === 0x00 && c[1]! < 0x80) || (c[0] === 0xff && c[1]! >= 0x80))) throw new DerError("non-minimal INTEGER");
}

/** Returns an INTEGER's value octets (two's complement, minimal). */
export function readInteger(node: DerNode | undefined): Uint8Array {
  if (!isUniversal(node, TAG.INTEGER)) throw new DerError("expected an INTEGER");
  checkIntegerContent(node!.content);
  return node!.content;
}

/** Reads a non-negative INTEGER that fits in 32 bits. */
export function readSmallInteger(node: DerNode | undefined): number {
  const c = readInteger(node);
  if (c[0]! >= 0x80) throw new DerError("negative INTEGER");
  if (c.length > 5 || (c.length === 5 && c[0] !== 0)) throw new DerError("INTEGER too large");
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

/** Reads a BOOLEAN (DER: 0x00 or 0xFF). */
export function readBoolean(node: DerNode | undefined): boolean {
  if (!isUniversal(node, TAG.BOOLEAN)) throw new DerError("expected a BOOLEAN");
  const c = node!.content;
  if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff)) throw new DerError("non-DER BOOLEAN");
  return c[0] === 0xff;
}

/** Checks a NULL. */
export function readNull(node: DerNode | undefined): void {
  if (!isUniversal(node, TAG.NULL) || node!.content.length !== 0) throw new DerError("expected a NULL");
}

/** Reads an OBJECT IDENTIFIER as dotted decimal. */
export function readOid(node: DerNode | undefined): string {
  if (!isUniversal(node, TAG.OID)) throw new DerError("expected an OBJECT IDENTIFIER");
  return oidFromContent(node!.content);
}

/** Decodes OBJECT IDENTIFIER value octets as dotted decimal. */
export function oidFromContent(c: Uint8Array): string {
  if (c.length === 0 || c[c.length - 1]! & 0x80) throw new DerError("malformed OBJECT IDENTIFIER");
  const arcs: string[] = [];
  let v = 0;
  let big: bigint | null = null;
  let start = true;
  for (const b of c) {
    if (start && b === 0x80) throw new DerError("non-minimal OBJECT IDENTIFIER");
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
  if (!isUniversal(node, TAG.BIT_STRING)) throw new DerError("expected a BIT STRING");
  const c = node!.content;
  if (c.length === 0) throw new DerError("malformed BIT STRING");
  const unusedBits = c[0]!;
  if (unusedBits > 7 || (c.length === 1 && unusedBits !== 0)) throw new DerError("malformed BIT STRING");
  if (unusedBits > 0 && (c[c.length - 1]! & ((1 << unusedBits) - 1)) !== 0) throw new DerError("non-DER BIT STRING padding");
  return { unusedBits, bytes: c.subarray(1) };
}

/** Reads an OCTET STRING's value octets. */
export function readOctetString(node: DerNode | undefined): Uint8Array {
  if (!isUniversal(node, TAG.OCTET_STRING)) throw new DerError("expected an OCTET STRING");
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
    if (!m) throw new DerError("malformed UTCTime");
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (isUniversal(node, TAG.GENERALIZED_TIME)) {
    m = GENERALIZED_TIME.exec(ascii(node!.content));
    if (!m) throw new DerError("malformed GeneralizedTime");
    year = Number(m[1]);
  } else {
    throw new DerError("expected a Time");
  }
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  // Reject out-of-range fields rather than letting Date roll them over.
  if (month < 1 || month > 12 || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new DerError("invalid date in Time");
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
        throw new DerError("invalid UTF-8 in UTF8String");
      }
    case TAG.PRINTABLE_STRING:
    case TAG.NUMERIC_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
      for (const b of c) if (b >= 0x80) throw new DerError("non-ASCII octet in an ASCII string type");
      return ascii(c);
    case TAG.TELETEX_STRING:
      // T.61 read as Latin-1, as OpenSSL does.
      return ascii(c);
    case TAG.BMP_STRING: {
      if (c.length % 2) throw new DerError("malformed BMPString");
      let s = "";
      for (let i = 0; i < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      if (c.length % 4) throw new DerError("malformed UniversalString");
      let s = "";
      for (let i = 0; i < c.length; i += 4) {
        const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new DerError("malformed UniversalString");
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Writing (for canonical names only).

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Encodes one TLV with a single-octet identifier (`identifier` includes class and constructed bits). */
export function encodeTlv(identifier: number, content: Uint8Array): Uint8Array {
  const len = encodeLength(content.length);
  const out = new Uint8Array(1 + len.length + content.length);
  out[0] = identifier;
  out.set(len, 1);
  out.set(content, 1 + len.length);
  return out;
}
