/**
 * The development TSA's token writer: a TimeStampToken (RFC 3161 §2.4.2) as CMS SignedData
 * (RFC 5652 §5) written directly with core's DER writer.
 *
 * Everything that is the same for every token of one TSA is encoded once, when the TSA starts: the
 * certificates, the SignerInfo's sid, the algorithm identifiers, the content-type attribute and the
 * ESS signing-certificate-v2 attribute (RFC 5035 §3, RFC 5816 §2.2.1). A token then costs the
 * TSTInfo (serial, genTime, imprint, nonce), the message-digest attribute, one hash, one
 * signature and a few concatenations. The layout is exactly the one the pkijs writer
 * (`tsa-pkijs.ts`, kept as the reference) produces; a test compares the two node for node.
 *
 * @internal
 * @module
 */
import type { JwsAlgorithm } from "@elicence/core";
import type { Signer } from "@elicence/core/jws";
import { encodeOid, encodeSequence, encodeTlv } from "@elicence/core/encoding";
import { hashDigest } from "@elicence/core/keys";
import type { ParsedTimestampRequest } from "@elicence/core/timestamp";
import { TSA_OID } from "./tsa-oids.js";

/** Writes one TimeStampToken (a DER ContentInfo) for a request, a serial and a time. */
export type TokenWriter = (request: ParsedTimestampRequest, serial: Uint8Array, genTime: Date) => Promise<Uint8Array>;

/** What a token writer is made from. */
export interface TokenWriterInit {
  /** The TSA certificate, DER. */
  readonly certificateDer: Uint8Array;
  /** CA certificates (DER) put after it when a request asks for certificates. */
  readonly chainDer: readonly Uint8Array[];
  readonly alg: JwsAlgorithm;
  readonly signer: Signer;
  readonly policy: string;
}

const SET = 0x31;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const GENERALIZED_TIME = 0x18;
const CONTEXT_0 = 0xa0;
const CONTEXT_4 = 0xa4;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The child TLVs of one DER constructed value (our own certificate: already read strictly by core). */
export function derChildren(tlv: Uint8Array): Uint8Array[] {
  const header = (at: number): { start: number; end: number } => {
    let i = at + 1;
    let length = tlv[i++]!;
    if (length & 0x80) {
      const n = length & 0x7f;
      length = 0;
      for (let k = 0; k < n; k++) length = length * 256 + tlv[i++]!;
    }
    return { start: i, end: i + length };
  };
  const outer = header(0);
  const out: Uint8Array[] = [];
  for (let at = outer.start; at < outer.end; ) {
    const { end } = header(at);
    out.push(tlv.subarray(at, end));
    at = end;
  }
  return out;
}

/** A DER INTEGER from big-endian unsigned octets: leading zeros dropped, a sign octet added (X.690 §8.3.2). */
function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return encodeTlv(INTEGER, trimmed[0]! >= 0x80 ? concat([Uint8Array.of(0), trimmed]) : trimmed);
}

/** IEEE P1363 r‖s → DER Ecdsa-Sig-Value (RFC 5753 §7.2: CMS carries ECDSA signatures in DER). */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  const half = signature.length / 2;
  return encodeSequence(unsignedInteger(signature.subarray(0, half)), unsignedInteger(signature.subarray(half)));
}

/**
 * GeneralizedTime as RFC 3161 §2.4.2 asks: `YYYYMMDDhhmmss[.fff]Z`, the fraction without trailing
 * zeros and absent when zero (as pkijs writes it).
 */
export function generalizedTime(at: Date): Uint8Array {
  const iso = at.toISOString(); // 2026-03-01T12:00:00.250Z
  if (iso.length !== 24) throw new RangeError("The TSA's clock is outside years 0000-9999.");
  let text = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19);
  const fraction = iso.slice(20, 23).replace(/0+$/, "");
  if (fraction !== "") text += `.${fraction}`;
  text += "Z";
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return encodeTlv(GENERALIZED_TIME, bytes);
}

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** An Attribute (RFC 5652 §5.3) with one value. */
function attribute(oid: string, value: Uint8Array): Uint8Array {
  return encodeSequence(encodeOid(oid), encodeTlv(SET, value));
}

/**
 * Prepares a TSA's constant parts and returns its token writer.
 *
 * @param init - certificate, chain, algorithm, signer, policy
 */
export function createTokenWriter(init: TokenWriterInit): TokenWriter {
  const signatureOid = TSA_OID.signature[init.alg];
  if (signatureOid === undefined) throw new TypeError("The development TSA signs with ES256, ES384, EdDSA or SM2SM3.");
  // The certificate's issuer Name and serialNumber INTEGER, byte for byte (RFC 5280 §4.1).
  const tbs = derChildren(init.certificateDer)[0]!;
  const fields = derChildren(tbs);
  const offset = fields[0]![0] === CONTEXT_0 ? 1 : 0; // [0] EXPLICIT version, absent for v1
  const serialTlv = fields[offset]!;
  const issuerTlv = fields[offset + 2]!;
  // Constant per TSA.
  const version1 = Uint8Array.of(INTEGER, 1, 1);
  const version3 = Uint8Array.of(INTEGER, 1, 3);
  const policy = encodeOid(init.policy);
  const accuracy = encodeSequence(Uint8Array.of(INTEGER, 1, 1)); // Accuracy { seconds 1 }
  const digest = TSA_OID.digest[init.alg]!;
  const digestAlgorithm = encodeSequence(encodeOid(TSA_OID.hash[digest]));
  const digestAlgorithms = encodeTlv(SET, digestAlgorithm);
  const tstInfoType = encodeOid(TSA_OID.tstInfo);
  const sid = encodeSequence(issuerTlv, serialTlv); // IssuerAndSerialNumber (RFC 5652 §10.2.4)
  const signatureAlgorithm = encodeSequence(encodeOid(signatureOid));
  const contentTypeAttr = attribute(TSA_OID.contentType, tstInfoType);
  // ESSCertIDv2 (RFC 5035 §4): hashAlgorithm omitted (DEFAULT id-sha256), certHash, issuerSerial
  // { issuer GeneralNames { directoryName [4] Name }, serialNumber }.
  const essCertId = encodeSequence(encodeTlv(OCTET_STRING, hashDigest("SHA-256", init.certificateDer)), encodeSequence(encodeSequence(encodeTlv(CONTEXT_4, issuerTlv)), serialTlv));
  const essAttr = attribute(TSA_OID.signingCertificateV2, encodeSequence(encodeSequence(essCertId)));
  const certificates = encodeTlv(CONTEXT_0, concat([init.certificateDer, ...init.chainDer])); // [0] IMPLICIT CertificateSet
  const messageDigestType = encodeOid(TSA_OID.messageDigest);
  const signedDataType = encodeOid(TSA_OID.signedData);
  const signerHead = concat([Uint8Array.of(INTEGER, 1, 1), sid, digestAlgorithm]);

  return async (request, serial, genTime) => {
    // TSTInfo (RFC 3161 §2.4.2): the imprint and the nonce as the request has them.
    const tstInfo = encodeSequence(
      concat([version1, policy, request.messageImprint, unsignedInteger(serial), generalizedTime(genTime), accuracy, ...(request.nonce ? [request.nonce] : [])]),
    );
    const messageDigestAttr = encodeSequence(messageDigestType, encodeTlv(SET, encodeTlv(OCTET_STRING, hashDigest(digest, tstInfo))));
    // DER SET OF: the attributes sorted by their encodings (X.690 §11.6).
    const attributes = concat([contentTypeAttr, messageDigestAttr, essAttr].sort(compare));
    // RFC 5652 §5.4: the signature is over the SET OF; the SignerInfo holds it as [0] IMPLICIT.
    const raw = await init.signer.sign(encodeTlv(SET, attributes));
    const signature = init.alg === "EdDSA" ? raw : p1363ToDer(raw);
    const signerInfo = encodeSequence(signerHead, encodeTlv(CONTEXT_0, attributes), signatureAlgorithm, encodeTlv(OCTET_STRING, signature));
    const encapContentInfo = encodeSequence(tstInfoType, encodeTlv(CONTEXT_0, encodeTlv(OCTET_STRING, tstInfo)));
    const signedData = encodeSequence(version3, digestAlgorithms, encapContentInfo, ...(request.certReq ? [certificates] : []), encodeTlv(SET, signerInfo));
    return encodeSequence(signedDataType, encodeTlv(CONTEXT_0, signedData));
  };
}
