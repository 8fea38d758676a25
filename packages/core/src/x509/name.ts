/**
 * X.501 distinguished names: RFC 4514 strings for people, and a canonical form for machines that
 * compares names the way RFC 5280 §7.1 asks.
 *
 * @module
 */
import { bytesEqual, compareBytes, concatBytes, toHex } from "../encoding/bytes.js";
import { type DerNode, TAG, readOid, readSequence, readSet, readString } from "../encoding/der.js";
import { encodeTlv } from "../encoding/der-write.js";
import { ATTRIBUTE_SHORT_NAMES } from "./oids.js";

/** One attribute of a name, in encoding order. */
export interface NameAttribute {
  /** The attribute type, dotted decimal (e.g. `2.5.4.97` for organizationIdentifier). */
  readonly oid: string;
  /** The RFC 4514 / OpenSSL short name, when there is one (`CN`, `O`, `organizationIdentifier`). */
  readonly shortName: string | undefined;
  /** The decoded text, or `#` followed by the hex of the DER value when the value is not a string type. */
  readonly value: string;
}

/**
 * A parsed distinguished name. Immutable: `der` and `canonical` return fresh copies.
 *
 * @example
 * ```ts
 * const cert = parseCertificate(pem);
 * cert.subjectName.text;                        // "CN=Tax Bureau,O=Example,C=CN"
 * cert.issuerName.equals(cert.subjectName);     // true for a self-issued certificate
 * ```
 */
export class DistinguishedName {
  /** RFC 4514 string (last RDN first). */
  readonly text: string;
  /** Attributes in encoding order (first RDN first), multi-valued RDNs flattened. */
  readonly attributes: readonly NameAttribute[];
  /** Equal for two names that match under RFC 5280 §7.1 (hex of {@link DistinguishedName.canonical}). */
  readonly matchKey: string;
  readonly #der: Uint8Array;
  readonly #canonical: Uint8Array;

  /**
   * @internal Use {@link parseCertificate}; names are only made by parsing.
   * @param text - RFC 4514 string
   * @param attributes - attributes in encoding order
   * @param der - the Name as encoded
   * @param canonical - the canonical encoding
   */
  constructor(text: string, attributes: readonly NameAttribute[], der: Uint8Array, canonical: Uint8Array) {
    this.text = text;
    this.attributes = Object.freeze(attributes.map((a) => Object.freeze({ ...a })));
    this.#der = der.slice();
    this.#canonical = canonical.slice();
    this.matchKey = toHex(canonical);
    Object.freeze(this);
  }

  /** The Name exactly as encoded in the certificate (a copy). */
  get der(): Uint8Array {
    return this.#der.slice();
  }

  /**
   * The canonical DER used for comparison (a copy): every string value prepared as RFC 4518 asks
   * (NFKC, case folded, insignificant spaces removed) and re-encoded as UTF8String; attributes
   * inside a multi-valued RDN sorted.
   */
  get canonical(): Uint8Array {
    return this.#canonical.slice();
  }

  /** True when the name has no RDN. */
  get isEmpty(): boolean {
    return this.attributes.length === 0;
  }

  /**
   * True when the names match under RFC 5280 §7.1 (byte-equal, or equal after string preparation).
   *
   * @param other - the name to compare with
   */
  equals(other: DistinguishedName): boolean {
    return bytesEqual(this.#der, other.#der) || this.matchKey === other.matchKey;
  }

  /** The RFC 4514 string. */
  toString(): string {
    return this.text;
  }
}

/** RFC 4518 string preparation, simplified: NFKC, full case folding, insignificant space handling. */
function prepare(value: string): string {
  return value.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC").replace(/\s+/gu, " ").trim();
}

/** RFC 4514 §2.4 escaping of an attribute value. */
function escapeValue(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === "\u0000") out += "\\00";
    else if (`"+,;<>\\`.includes(ch)) out += `\\${ch}`;
    else if ((i === 0 && (ch === " " || ch === "#")) || (i === value.length - 1 && ch === " ")) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

const UTF8 = new TextEncoder();

/** Hex of each RDN's canonical DER, first RDN first, per name made by {@link parseName}. */
const RDN_KEYS = new WeakMap<DistinguishedName, readonly string[]>();

/**
 * @internal The canonical RDNs of `name` (hex, first RDN first), for RFC 5280 §4.2.1.10 subtree
 * matching: a name is within a directoryName subtree when the subtree's RDNs are a prefix of its own.
 */
export function rdnMatchKeys(name: DistinguishedName): readonly string[] {
  const keys = RDN_KEYS.get(name);
  if (keys === undefined) throw new TypeError("Not a name made by parsing.");
  return keys;
}

/**
 * Parses a Name (SEQUENCE OF RelativeDistinguishedName).
 *
 * @throws DerError when the structure or a string value is malformed
 */
export function parseName(node: DerNode): DistinguishedName {
  const rdns = readSequence(node);
  const attributes: NameAttribute[] = [];
  const textRdns: string[] = [];
  const canonicalRdns: Uint8Array[] = [];
  for (const rdn of rdns) {
    const avas = readSet(rdn, 1);
    const textAvas: string[] = [];
    const canonicalAvas: Uint8Array[] = [];
    for (const ava of avas) {
      const [typeNode, valueNode] = readSequence(ava, 2, 2) as [DerNode, DerNode];
      const oid = readOid(typeNode);
      const decoded = readString(valueNode);
      const value = decoded ?? `#${toHex(valueNode.raw)}`;
      const shortName = ATTRIBUTE_SHORT_NAMES[oid];
      attributes.push({ oid, shortName, value });
      // RFC 4514 §2.4: a type without a short name, or a non-string value, is written as #hex of its DER.
      textAvas.push(shortName !== undefined && decoded !== undefined ? `${shortName}=${escapeValue(decoded)}` : `${shortName ?? oid}=#${toHex(valueNode.raw)}`);
      const canonicalValue = decoded !== undefined ? encodeTlv(TAG.UTF8_STRING, UTF8.encode(prepare(decoded))) : valueNode.raw;
      canonicalAvas.push(encodeTlv(0x30, concatBytes([typeNode.raw, canonicalValue])));
    }
    canonicalAvas.sort(compareBytes);
    canonicalRdns.push(encodeTlv(0x31, concatBytes(canonicalAvas)));
    textRdns.push(textAvas.join("+"));
  }
  const canonical = encodeTlv(0x30, concatBytes(canonicalRdns));
  const name = new DistinguishedName(textRdns.reverse().join(","), attributes, node.raw, canonical);
  RDN_KEYS.set(name, Object.freeze(canonicalRdns.map(toHex)));
  return name;
}
