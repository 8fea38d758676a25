/**
 * SM2 key files: SubjectPublicKeyInfo and PKCS#8 PrivateKeyInfo, in the form OpenSSL 3 writes them —
 * algorithm id-ecPublicKey (1.2.840.10045.2.1) with the named curve sm2p256v1 (1.2.156.10197.1.301)
 * as parameters (GM/T 0010-2012 §7 / RFC 5480 §2.1.1), the private key an RFC 5915 ECPrivateKey.
 * Read with core's strict DER reader; anything else is refused.
 *
 * @module
 */
import { concatBytes } from "../encoding/bytes.js";
import { encodeOctetString, encodeOid, encodeSequence, encodeTlv } from "../encoding/der-write.js";
import { decodeDer, isContext, readBitString, readInteger, readOctetString, readOid, readSequence, readSmallInteger } from "../encoding/der.js";
import { sm2DecodePublicPoint, sm2IsValidPrivateKey, sm2PublicFromPrivate } from "./sm2.js";

/** id-ecPublicKey (RFC 5480). */
export const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
/** sm2p256v1, the SM2 recommended curve (GM/T 0006-2012). */
export const OID_SM2_CURVE = "1.2.156.10197.1.301";
/** SM3withSM2 signature algorithm (GM/T 0006-2012). */
export const OID_SM3_WITH_SM2 = "1.2.156.10197.1.501";

const LIMITS = { maxDepth: 4, maxNodes: 32 };
const MAX_KEY_DER = 512;

function algorithmIdentifier(): Uint8Array {
  return encodeSequence(encodeOid(OID_EC_PUBLIC_KEY), encodeOid(OID_SM2_CURVE));
}

function bitString(bytes: Uint8Array): Uint8Array {
  return encodeTlv(0x03, concatBytes([Uint8Array.of(0), bytes]));
}

/** SubjectPublicKeyInfo DER for an uncompressed SM2 public point (65 bytes). */
export function encodeSm2Spki(publicPoint: Uint8Array): Uint8Array {
  if (sm2DecodePublicPoint(publicPoint) === null) throw new RangeError("Not an SM2 public point.");
  return encodeSequence(algorithmIdentifier(), bitString(publicPoint));
}

/** PKCS#8 PrivateKeyInfo DER for an SM2 private key d (32 bytes), with its public key inside. */
export function encodeSm2Pkcs8(privateKey: Uint8Array): Uint8Array {
  const point = sm2PublicFromPrivate(privateKey);
  const ecPrivateKey = encodeSequence(
    Uint8Array.of(0x02, 0x01, 0x01), // version ecPrivkeyVer1
    encodeOctetString(privateKey),
    encodeTlv(0xa1, bitString(point)),
  );
  return encodeSequence(Uint8Array.of(0x02, 0x01, 0x00), algorithmIdentifier(), encodeOctetString(ecPrivateKey));
}

function checkAlgorithm(node: Parameters<typeof readSequence>[0]): void {
  const [oid, curve] = readSequence(node, 2, 2);
  if (readOid(oid) !== OID_EC_PUBLIC_KEY || readOid(curve) !== OID_SM2_CURVE) throw new RangeError("not an SM2 key");
}

/**
 * Reads an SM2 SubjectPublicKeyInfo; returns the uncompressed point (checked on the curve), or
 * `null` when the bytes are not exactly that.
 */
export function parseSm2Spki(der: Uint8Array): Uint8Array | null {
  if (der.length > MAX_KEY_DER) return null;
  try {
    const [alg, key] = readSequence(decodeDer(der, LIMITS), 2, 2);
    checkAlgorithm(alg);
    const bits = readBitString(key);
    if (bits.unusedBits !== 0 || sm2DecodePublicPoint(bits.bytes) === null) return null;
    return bits.bytes.slice();
  } catch {
    return null;
  }
}

/**
 * Reads an SM2 PKCS#8 PrivateKeyInfo (version 0, no attributes); returns d and the public point, or
 * `null` when malformed, when d is out of range, or when an embedded public key does not match d.
 */
export function parseSm2Pkcs8(der: Uint8Array): { privateKey: Uint8Array; publicPoint: Uint8Array } | null {
  if (der.length > MAX_KEY_DER) return null;
  try {
    const [version, alg, inner] = readSequence(decodeDer(der, LIMITS), 3, 3);
    if (readSmallInteger(version) !== 0) return null;
    checkAlgorithm(alg);
    const fields = readSequence(decodeDer(readOctetString(inner), LIMITS), 2, 4);
    if (readInteger(fields[0]).length !== 1 || readSmallInteger(fields[0]) !== 1) return null;
    const d = readOctetString(fields[1]).slice();
    if (!sm2IsValidPrivateKey(d)) return null;
    const point = sm2PublicFromPrivate(d);
    let last = -1;
    for (const field of fields.slice(2)) {
      if (field.cls !== 2 || !field.constructed || field.tag <= last || field.tag > 1 || field.children.length !== 1) return null;
      last = field.tag;
      // [0] parameters: the named curve again, if present; [1] the public key, which must be d·G.
      if (isContext(field, 0) && readOid(field.children[0]) !== OID_SM2_CURVE) return null;
      if (isContext(field, 1)) {
        const bits = readBitString(field.children[0]);
        if (bits.unusedBits !== 0 || bits.bytes.length !== point.length || bits.bytes.some((b, i) => b !== point[i])) return null;
      }
    }
    return { privateKey: d, publicPoint: point };
  } catch {
    return null;
  }
}
