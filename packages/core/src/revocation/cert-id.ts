/**
 * OCSP CertID (RFC 6960 §4.1.1): the hash of the issuer's name and key and the certificate's serial
 * number, with SHA-1 (what most responders expect) or SHA-256.
 *
 * @module
 */
import { sha1 } from "@noble/hashes/legacy.js";
import { backend } from "../crypto/index.js";
import { toHex } from "../encoding/bytes.js";
import { type DerNode, DerError, decodeDer, isUniversal, readBitString, readInteger, readNull, readOctetString, readOid, readSequence, TAG } from "../encoding/der.js";
import { encodeNull, encodeOctetString, encodeOid, encodeSequence, encodeTlv } from "../encoding/der-write.js";
import type { Certificate } from "../x509/certificate.js";
import { serialHex } from "./der-values.js";
import { OID_HASH } from "./oids.js";

/** The hash a CertID is made with. */
export type CertIdHash = "SHA-1" | "SHA-256";

/** A CertID, decoded. Hashes and serial as lowercase hex (serial as {@link Certificate.serialNumber}). */
export interface CertId {
  readonly hash: CertIdHash;
  readonly issuerNameHash: string;
  readonly issuerKeyHash: string;
  readonly serialNumber: string;
}

const HASH_BY_OID: Readonly<Record<string, CertIdHash>> = { [OID_HASH.sha1]: "SHA-1", [OID_HASH.sha256]: "SHA-256" };
const LENGTH: Readonly<Record<CertIdHash, number>> = { "SHA-1": 20, "SHA-256": 32 };

function digest(hash: CertIdHash, data: Uint8Array): Uint8Array {
  return hash === "SHA-1" ? sha1(data) : backend.sha256(data);
}

/** The subjectPublicKey BIT STRING value of a certificate (what issuerKeyHash and byKey hash). */
export function subjectPublicKeyBits(cert: Certificate): Uint8Array {
  const [, bits] = readSequence(decodeDer(cert.spki, { maxDepth: 4 }), 2, 2);
  return readBitString(bits).bytes;
}


/**
 * The CertID of `certificate` issued by `issuer`.
 *
 * @param certificate - the certificate asked about
 * @param issuer - its issuer's certificate
 * @param hash - `SHA-1` (default, RFC 5019) or `SHA-256`
 */
export function computeCertId(certificate: Certificate, issuer: Certificate, hash: CertIdHash = "SHA-1"): CertId {
  return Object.freeze({
    hash,
    issuerNameHash: toHex(digest(hash, issuer.subjectName.der)),
    issuerKeyHash: toHex(digest(hash, subjectPublicKeyBits(issuer))),
    serialNumber: certificate.serialNumber,
  });
}

/** Encodes a CertID (the serial's DER INTEGER is taken from the certificate as is). */
export function encodeCertId(certificate: Certificate, issuer: Certificate, hash: CertIdHash): Uint8Array {
  const id = computeCertId(certificate, issuer, hash);
  const serial = readSequence(decodeDer(certificate.tbs), 6)
    .slice(0, 2)
    .find((n) => isUniversal(n, TAG.INTEGER))!;
  return encodeSequence(
    encodeSequence(encodeOid(hash === "SHA-1" ? OID_HASH.sha1 : OID_HASH.sha256), encodeNull()),
    encodeOctetString(hexBytes(id.issuerNameHash)),
    encodeOctetString(hexBytes(id.issuerKeyHash)),
    encodeTlv(0x02, serial.content),
  );
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Reads a CertID; `undefined` for a hash algorithm we do not support (the ID then matches nothing). */
export function readCertId(node: DerNode): CertId | undefined {
  const [alg, nameHash, keyHash, serial] = readSequence(node, 4, 4) as [DerNode, DerNode, DerNode, DerNode];
  const [oid, params] = readSequence(alg, 1, 2);
  if (params !== undefined) readNull(params);
  const issuerNameHash = readOctetString(nameHash);
  const issuerKeyHash = readOctetString(keyHash);
  const serialNumber = serialHex(readInteger(serial));
  const hash = HASH_BY_OID[readOid(oid)];
  if (hash === undefined) return undefined;
  if (issuerNameHash.length !== LENGTH[hash] || issuerKeyHash.length !== LENGTH[hash]) throw new DerError("CertID hash of the wrong length");
  return Object.freeze({ hash, issuerNameHash: toHex(issuerNameHash), issuerKeyHash: toHex(issuerKeyHash), serialNumber });
}

/** True when two CertIDs name the same certificate (same hash algorithm). */
export function sameCertId(a: CertId, b: CertId): boolean {
  return a.hash === b.hash && a.issuerNameHash === b.issuerNameHash && a.issuerKeyHash === b.issuerKeyHash && a.serialNumber === b.serialNumber;
}
