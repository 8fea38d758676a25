/**
 * Decoders for the certificate extensions that path validation understands (RFC 5280 §4.2).
 *
 * @module
 */
import { toHex } from "../encoding/bytes.js";
import {
  type DerNode,
  DerError,
  TAG,
  checkIntegerContent,
  decodeDer,
  isContext,
  isUniversal,
  readBitString,
  readBoolean,
  readOctetString,
  readOid,
  readSequence,
  readSmallInteger,
} from "../encoding/der.js";

/** keyUsage bit names, in bit order (RFC 5280 §4.2.1.3). `nonRepudiation` is also called contentCommitment. */
export type KeyUsageName =
  | "digitalSignature"
  | "nonRepudiation"
  | "keyEncipherment"
  | "dataEncipherment"
  | "keyAgreement"
  | "keyCertSign"
  | "cRLSign"
  | "encipherOnly"
  | "decipherOnly";

/**
 * Every {@link KeyUsageName}, index = bit number.
 *
 * @example
 * ```ts
 * KEY_USAGE_NAMES[5]; // "keyCertSign"
 * ```
 */
export const KEY_USAGE_NAMES: readonly KeyUsageName[] = Object.freeze([
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
]);

/** The basicConstraints extension. */
export interface BasicConstraints {
  /** True when the subject is a CA. */
  readonly ca: boolean;
  /** pathLenConstraint: how many non-self-issued intermediate CA certificates may follow. */
  readonly pathLength?: number;
}

/** The authorityKeyIdentifier extension (identifiers as lowercase hex). */
export interface AuthorityKeyIdentifier {
  readonly keyIdentifier?: string;
  readonly authorityCertSerialNumber?: string;
}

/** One extension as encoded. `value` is the extnValue's content (DER), a fresh copy on each read. */
export interface CertificateExtension {
  /** extnID, dotted decimal. */
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

function decodeValue(value: Uint8Array): DerNode {
  return decodeDer(value, { maxDepth: 16 });
}

/** Decodes basicConstraints. */
export function decodeBasicConstraints(value: Uint8Array): BasicConstraints {
  const items = readSequence(decodeValue(value), 0, 2);
  let i = 0;
  let ca = false;
  if (isUniversal(items[i], TAG.BOOLEAN)) ca = readBoolean(items[i++]);
  let pathLength: number | undefined;
  if (i < items.length) pathLength = readSmallInteger(items[i++]);
  if (i !== items.length) throw new DerError("malformed basicConstraints");
  return pathLength === undefined ? Object.freeze({ ca }) : Object.freeze({ ca, pathLength });
}

/** Decodes keyUsage into bit names. */
export function decodeKeyUsage(value: Uint8Array): KeyUsageName[] {
  const { bytes } = readBitString(decodeValue(value));
  const names: KeyUsageName[] = [];
  KEY_USAGE_NAMES.forEach((name, bit) => {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && byte & (0x80 >> (bit & 7))) names.push(name);
  });
  return names;
}

/** Decodes extendedKeyUsage into purpose OIDs (at least one). */
export function decodeExtendedKeyUsage(value: Uint8Array): string[] {
  return readSequence(decodeValue(value), 1).map(readOid);
}

/** Decodes subjectKeyIdentifier (lowercase hex). */
export function decodeSubjectKeyIdentifier(value: Uint8Array): string {
  const id = readOctetString(decodeValue(value));
  if (id.length === 0) throw new DerError("empty subjectKeyIdentifier");
  return toHex(id);
}

/** Decodes authorityKeyIdentifier. */
export function decodeAuthorityKeyIdentifier(value: Uint8Array): AuthorityKeyIdentifier {
  const items = readSequence(decodeValue(value), 0, 3);
  const out: { keyIdentifier?: string; authorityCertSerialNumber?: string } = {};
  let last = -1;
  for (const item of items) {
    // [0] keyIdentifier, [1] authorityCertIssuer, [2] authorityCertSerialNumber, in order, each at most once.
    if (item.cls !== 2 || item.tag > 2 || item.tag <= last) throw new DerError("malformed authorityKeyIdentifier");
    last = item.tag;
    if (isContext(item, 0)) {
      if (item.constructed || item.content.length === 0) throw new DerError("malformed authorityKeyIdentifier");
      out.keyIdentifier = toHex(item.content);
    } else if (isContext(item, 1)) {
      if (!item.constructed || item.children.length === 0) throw new DerError("malformed authorityKeyIdentifier");
    } else {
      if (item.constructed) throw new DerError("malformed authorityKeyIdentifier");
      checkIntegerContent(item.content);
      out.authorityCertSerialNumber = toHex(item.content);
    }
  }
  return Object.freeze(out);
}

/** Decodes certificatePolicies into policy OIDs (qualifiers are not interpreted). */
export function decodeCertificatePolicies(value: Uint8Array): string[] {
  return readSequence(decodeValue(value), 1).map((info) => readOid(readSequence(info, 1, 2)[0]));
}
