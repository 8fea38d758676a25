/**
 * Certificates signed with SM3withSM2 (GM/T 0015-2012; OID 1.2.156.10197.1.501, no parameters, as
 * OpenSSL writes them). @peculiar/x509 signs through WebCrypto, which has no SM2, so the
 * TBSCertificate (RFC 5280 §4.1) is written here with core's DER writer from the parts the
 * generator would have used (names and extensions still come from @peculiar/x509), and signed with
 * core's SM2 under the default distinguishing identifier `1234567812345678` — the ID OpenSSL and
 * GM/T 0015 verifiers use for certificate signatures. {@link signWithSm2} signs the CA's other
 * signed data (CRLs, OCSP responses) the same way.
 *
 * @module
 */
import type { Extension, Name } from "@peculiar/x509";
import { createKeySigner, verifySignature } from "@elicence/core/jws";
import { encodeOid, encodeSequence, encodeTlv } from "@elicence/core/encoding";
import { OID_SM3_WITH_SM2 } from "@elicence/core/keys";
import { LicenceError } from "@elicence/core";

/** What goes into the certificate besides its signature. */
export interface Sm2TbsParts {
  /** Serial number, hex, positive (top bit clear). */
  readonly serialNumber: string;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subject's SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
  readonly extensions: readonly Extension[];
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; always Zulu, whole seconds. */
function encodeTime(date: Date): Uint8Array {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "");
  const year = date.getUTCFullYear();
  const text = year < 2050 ? `${digits.slice(2)}Z` : `${digits}Z`;
  return encodeTlv(year < 2050 ? 0x17 : 0x18, new TextEncoder().encode(text));
}

/** ECDSA-Sig-Value (the SM2 signature form in X.509, GM/T 0009-2012 §7.3) from r‖s. */
function signatureValue(rs: Uint8Array): Uint8Array {
  const integer = (half: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < half.length - 1 && half[i] === 0) i++;
    const magnitude = half.subarray(i);
    return encodeTlv(0x02, magnitude[0]! >= 0x80 ? Uint8Array.of(0, ...magnitude) : magnitude);
  };
  return encodeSequence(integer(rs.subarray(0, 32)), integer(rs.subarray(32)));
}

/** The AlgorithmIdentifier SM3withSM2, parameters absent (GM/T 0015-2012 §7.2), DER. */
export const SM3_WITH_SM2_ALGORITHM: Uint8Array = /* @__PURE__ */ encodeSequence(encodeOid(OID_SM3_WITH_SM2));

/**
 * Signs to-be-signed bytes (a TBSCertificate, a TBSCertList, an OCSP ResponseData) with SM2 over SM3
 * under the default distinguishing identifier, after checking that the key belongs to `signerSpki`.
 *
 * @param tbs - the bytes to sign
 * @param signerPkcs8 - the signer's SM2 private key, PKCS#8 DER
 * @param signerSpki - the signer's SM2 public key (of its certificate), checked against the signature made
 * @returns the signature as X.509, CRLs and OCSP carry it: a DER SM2Signature (r, s INTEGERs)
 * @throws LicenceError `ERR_KEY_INVALID` when the key is not an SM2 key or not the certificate's
 */
export async function signWithSm2(tbs: Uint8Array, signerPkcs8: Uint8Array, signerSpki: Uint8Array): Promise<Uint8Array> {
  let signer;
  try {
    signer = await createKeySigner(signerPkcs8, "SM2SM3");
  } catch (cause) {
    throw new LicenceError("ERR_KEY_INVALID", "The issuer's private key cannot be read for its algorithm.", { cause, details: { alg: "SM2SM3" } });
  }
  const rs = await signer.sign(tbs);
  // The issuer's key must belong to the issuer's certificate, or nothing it signs would verify.
  if (!(await verifySignature("SM2SM3", signerSpki, tbs, rs))) {
    throw new LicenceError("ERR_KEY_INVALID", "The issuer's private key does not belong to the issuer certificate.");
  }
  return signatureValue(rs);
}

/**
 * Builds and signs a v3 certificate with SM3withSM2.
 *
 * @param parts - the TBSCertificate's contents
 * @param issuerPkcs8 - the issuer's SM2 private key, PKCS#8 DER
 * @param issuerSpki - the issuer's SM2 public key, checked against the signature made
 * @returns the certificate, DER
 */
export async function createSm2SignedCertificate(parts: Sm2TbsParts, issuerPkcs8: Uint8Array, issuerSpki: Uint8Array): Promise<Uint8Array> {
  const algorithm = SM3_WITH_SM2_ALGORITHM;
  const tbs = encodeSequence(
    encodeTlv(0xa0, Uint8Array.of(0x02, 0x01, 0x02)), // [0] version v3
    encodeTlv(0x02, hexBytes(parts.serialNumber)),
    algorithm,
    new Uint8Array(parts.issuer.toArrayBuffer()),
    encodeSequence(encodeTime(parts.notBefore), encodeTime(parts.notAfter)),
    new Uint8Array(parts.subject.toArrayBuffer()),
    parts.spki,
    encodeTlv(0xa3, encodeSequence(...parts.extensions.map((e) => new Uint8Array(e.rawData)))),
  );
  const signature = await signWithSm2(tbs, issuerPkcs8, issuerSpki);
  return encodeSequence(tbs, algorithm, encodeTlv(0x03, Uint8Array.of(0, ...signature)));
}
