/**
 * The development TSA's reference token writer, on pkijs: the same TimeStampToken as
 * `tsa-token.ts`, built from pkijs objects for every token. About fifty times slower (the CMS
 * structure is rebuilt and re-encoded each time); kept as an independent oracle that the fast writer
 * is compared with, node for node, and selectable with `encoder: "pkijs"`.
 *
 * @internal
 * @module
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import type { JwsAlgorithm } from "@elicence/core";
import type { Signer } from "@elicence/core/jws";
import { hashDigest } from "@elicence/core/keys";
import type { TokenWriter } from "./tsa-token.js";
import { TSA_OID } from "./tsa-oids.js";

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

/** IEEE P1363 r‖s → DER Ecdsa-Sig-Value (RFC 5753 §7.2), with asn1js. */
function p1363ToDer(signature: Uint8Array): ArrayBuffer {
  const half = signature.length / 2;
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.subarray(i);
    const value = trimmed[0]! >= 0x80 ? Uint8Array.from([0, ...trimmed]) : trimmed;
    return new asn1js.Integer({ valueHex: buffer(value) });
  };
  return new asn1js.Sequence({ value: [integer(signature.subarray(0, half)), integer(signature.subarray(half))] }).toBER();
}

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * EncapsulatedContentInfo with eContent as one primitive OCTET STRING. pkijs's constructor re-wraps
 * eContent as a constructed (BER) OCTET STRING; DER requires the primitive form (X.690 §10.2), and
 * strict verifiers (ours) refuse the other, so eContent is set after construction.
 */
function encapsulate(tstDer: Uint8Array): pkijs.EncapsulatedContentInfo {
  const encap = new pkijs.EncapsulatedContentInfo({ eContentType: TSA_OID.tstInfo });
  encap.eContent = new asn1js.OctetString({ valueHex: buffer(tstDer) });
  return encap;
}

/**
 * The pkijs token writer.
 *
 * @param init - certificate, chain, algorithm, signer, policy
 */
export function createPkijsTokenWriter(init: { certificateDer: Uint8Array; chainDer: readonly Uint8Array[]; alg: JwsAlgorithm; signer: Signer; policy: string }): TokenWriter {
  const signatureOid = TSA_OID.signature[init.alg];
  if (signatureOid === undefined) throw new TypeError("The development TSA signs with ES256, ES384, EdDSA or SM2SM3.");
  const digest = TSA_OID.digest[init.alg]!;
  const certificate = pkijs.Certificate.fromBER(buffer(init.certificateDer));
  const chain = [certificate, ...init.chainDer.map((der) => pkijs.Certificate.fromBER(buffer(der)))];
  // ESSCertIDv2 (RFC 5035 §4): hashAlgorithm omitted (DEFAULT id-sha256), certHash, issuerSerial.
  const essCertId = new asn1js.Sequence({
    value: [
      new asn1js.OctetString({ valueHex: buffer(hashDigest("SHA-256", init.certificateDer)) }),
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [certificate.issuer.toSchema()] })] }),
          certificate.serialNumber,
        ],
      }),
    ],
  });
  const signingCertificateV2 = attribute(TSA_OID.signingCertificateV2, new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] }));
  const sid = new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber });

  return async (request, serial, genTime) => {
    const nonce = request.nonce ? asn1js.fromBER(buffer(request.nonce)).result : undefined;
    const tstInfo = new pkijs.TSTInfo({
      version: 1,
      policy: init.policy,
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: TSA_OID.hash[request.hash!] }),
        hashedMessage: new asn1js.OctetString({ valueHex: buffer(request.hashedMessage) }),
      }),
      serialNumber: new asn1js.Integer({ valueHex: buffer(serial) }),
      genTime,
      accuracy: new pkijs.Accuracy({ seconds: 1 }),
      ...(nonce ? { nonce: nonce as asn1js.Integer } : {}),
    });
    const tstDer = new Uint8Array(tstInfo.toSchema().toBER());
    // DER SET OF: the attributes sorted by their encodings (X.690 §11.6), as OpenSSL re-encodes them.
    const attributes = [attribute(TSA_OID.contentType, new asn1js.ObjectIdentifier({ value: TSA_OID.tstInfo })), attribute(TSA_OID.messageDigest, new asn1js.OctetString({ valueHex: buffer(hashDigest(digest, tstDer)) })), signingCertificateV2]
      .map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER()) }))
      .sort((x, y) => compare(x.der, y.der))
      .map((x) => x.a);
    const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes });
    const toSign = new Uint8Array(signedAttrs.toSchema().toBER());
    toSign[0] = 0x31; // RFC 5652 §5.4: the signature is over the SET OF, not the [0] IMPLICIT encoding.
    const raw = await init.signer.sign(toSign);
    const signature = init.alg === "EdDSA" ? buffer(raw) : p1363ToDer(raw);
    const signedData = new pkijs.SignedData({
      version: 3,
      digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: TSA_OID.hash[digest] })],
      encapContentInfo: encapsulate(tstDer),
      ...(request.certReq ? { certificates: chain } : {}),
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid,
          digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: TSA_OID.hash[digest] }),
          signedAttrs,
          signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: signatureOid }),
          signature: new asn1js.OctetString({ valueHex: signature }),
        }),
      ],
    });
    return new Uint8Array(new pkijs.ContentInfo({ contentType: TSA_OID.signedData, content: signedData.toSchema(true) }).toSchema().toBER());
  };
}
