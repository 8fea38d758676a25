/**
 * A development time-stamping authority (RFC 3161): it answers a TimeStampReq with a TimeStampResp
 * whose token is CMS SignedData over a TSTInfo, signed with ESS signing-certificate-v2 (RFC 5816)
 * naming its certificate. pkijs builds the structures; core signs (its synchronous signer on Node).
 *
 * For development and for deployments that run their own TSA; its certificate comes from
 * {@link createTsaCertificate}. The clock is the caller's (a TSA's time is its whole value: in
 * production it is a disciplined clock, not a laptop's).
 *
 * @module
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { type JwsAlgorithm, LicenceError } from "@elicence/core";
import { createKeySigner, type Signer } from "@elicence/core/jws";
import { decodePem } from "@elicence/core/encoding";
import { parseCertificate } from "@elicence/core/x509";
import { randomBytes, webCrypto } from "@elicence/core/keys";
import { ELICENCE_OID_ARC } from "./oids.js";

/** The placeholder TSA policy OID (under the placeholder arc; replace before production). */
export const DEV_TSA_POLICY = `${ELICENCE_OID_ARC}.2.1`;

/** Largest TimeStampReq accepted, in bytes (a request is about 60 bytes; extensions make it more). */
export const MAX_TIMESTAMP_REQUEST_BYTES = 4096;

/** Options of {@link createTimestampAuthority}. */
export interface TimestampAuthorityOptions {
  /** The TSA certificate, PEM (critical extendedKeyUsage id-kp-timeStamping). */
  readonly certificatePem: string;
  /** Its private key, PKCS#8 DER (decrypted). */
  readonly privateKeyPkcs8: Uint8Array;
  /** The key's algorithm: ES256, ES384 or EdDSA. */
  readonly alg: JwsAlgorithm;
  /** CA certificates (PEM) to include after the TSA certificate when a request asks for certificates. */
  readonly chainPem?: readonly string[];
  /** The TSA policy OID put in every token; default {@link DEV_TSA_POLICY}. */
  readonly policy?: string;
  /** The TSA's clock; default the system clock. */
  readonly clock?: () => Date;
}

/** A running development TSA. */
export interface TimestampAuthority {
  /** The TSA certificate, DER. */
  readonly certificateDer: Uint8Array;
  /**
   * Answers one DER TimeStampReq with a DER TimeStampResp: `granted` with a token, or `rejection`
   * with failInfo `badAlg` (hash not SHA-256/384/512) or `unacceptedPolicy` (another policy asked).
   *
   * @throws LicenceError `ERR_INPUT_TOO_LARGE` or `ERR_INPUT_MALFORMED` when the request is not a TimeStampReq at all
   */
  respond(request: Uint8Array): Promise<Uint8Array>;
}

const OID = {
  signedData: "1.2.840.113549.1.7.2",
  tstInfo: "1.2.840.113549.1.9.16.1.4",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  sha256: "2.16.840.1.101.3.4.2.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ed25519: "1.3.101.112",
};
const HASH_LENGTHS: Readonly<Record<string, number>> = { "2.16.840.1.101.3.4.2.1": 32, "2.16.840.1.101.3.4.2.2": 48, "2.16.840.1.101.3.4.2.3": 64 };
const SIGNATURE_OIDS: Partial<Record<JwsAlgorithm, string>> = { ES256: OID.ecdsaWithSha256, ES384: OID.ecdsaWithSha384, EdDSA: OID.ed25519 };
/** PKIFailureInfo bits (RFC 3161 §2.4.2). */
const FAIL_BAD_ALG = 0;
const FAIL_UNACCEPTED_POLICY = 15;

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await webCrypto().subtle.digest("SHA-256", buffer(data)));
}

/** IEEE P1363 r‖s → DER Ecdsa-Sig-Value (RFC 5753 §7.2: CMS carries ECDSA signatures in DER). */
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

/** Rejects with a PKIStatusInfo `rejection` (2) and one failInfo bit (RFC 3161 §2.4.2). */
function rejection(bit: number): Uint8Array {
  const bits = new Uint8Array(Math.floor(bit / 8) + 1);
  bits[Math.floor(bit / 8)] = 0x80 >> bit % 8;
  const unused = 7 - (bit % 8);
  const failInfo = new asn1js.BitString({ valueHex: buffer(bits), unusedBits: unused });
  const status = new asn1js.Sequence({ value: [new asn1js.Integer({ value: 2 }), failInfo] });
  return new Uint8Array(new asn1js.Sequence({ value: [status] }).toBER());
}

function parseRequest(der: Uint8Array): pkijs.TimeStampReq {
  if (!(der instanceof Uint8Array)) throw new TypeError("The request must be a Uint8Array.");
  if (der.length > MAX_TIMESTAMP_REQUEST_BYTES) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "The time-stamp request is larger than allowed.", { details: { limit: MAX_TIMESTAMP_REQUEST_BYTES } });
  }
  try {
    const asn1 = asn1js.fromBER(buffer(der));
    if (asn1.offset === -1 || asn1.offset !== der.length) throw new Error("not one BER value");
    const request = new pkijs.TimeStampReq({ schema: asn1.result });
    if (request.version !== 1) throw new Error("version");
    return request;
  } catch (cause) {
    throw new LicenceError("ERR_INPUT_MALFORMED", "The body is not an RFC 3161 time-stamp request.", { cause, details: { reason: "timestamp-request" } });
  }
}

/**
 * Starts a development TSA with its certificate and key.
 *
 * @param options - certificate, key, algorithm, chain, policy, clock
 * @returns the TSA (`respond` answers TimeStampReq DER with TimeStampResp DER)
 * @throws TypeError for an unsupported algorithm; LicenceError `ERR_KEY_INVALID` when the key cannot be used
 * @example
 * ```ts
 * const tsaCert = await createTsaCertificate({ issuer: root, commonName: "eLicence Dev TSA", notBefore });
 * const tsa = await createTimestampAuthority({ certificatePem: tsaCert.certificatePem, privateKeyPkcs8: tsaCert.privateKeyPkcs8, alg: "ES256" });
 * const reply = await tsa.respond(requestDer);
 * ```
 */
export async function createTimestampAuthority(options: TimestampAuthorityOptions): Promise<TimestampAuthority> {
  const signatureOid = SIGNATURE_OIDS[options.alg];
  if (signatureOid === undefined) throw new TypeError("The development TSA signs with ES256, ES384 or EdDSA.");
  const policy = options.policy ?? DEV_TSA_POLICY;
  const clock = options.clock ?? (() => new Date());
  const certificateDer = decodePem(options.certificatePem);
  const tsa = parseCertificate(certificateDer);
  if (tsa.publicKeyAlgorithm !== options.alg) throw new TypeError("The TSA key's algorithm is not options.alg.");
  let signer: Signer;
  try {
    signer = await createKeySigner(options.privateKeyPkcs8, options.alg);
  } catch (cause) {
    throw new LicenceError("ERR_KEY_INVALID", "The TSA's private key cannot be used.", { cause });
  }
  const certificate = pkijs.Certificate.fromBER(buffer(certificateDer));
  const chain = [certificate, ...(options.chainPem ?? []).map((pem) => pkijs.Certificate.fromBER(buffer(decodePem(pem))))];
  // ESSCertIDv2 (RFC 5035 §4): hashAlgorithm omitted (DEFAULT id-sha256), certHash, issuerSerial.
  const essCertId = new asn1js.Sequence({
    value: [
      new asn1js.OctetString({ valueHex: buffer(await sha256(certificateDer)) }),
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [certificate.issuer.toSchema()] })] }),
          certificate.serialNumber,
        ],
      }),
    ],
  });
  const signingCertificateV2 = attribute(OID.signingCertificateV2, new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] }));
  const sid = new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber });

  async function respond(der: Uint8Array): Promise<Uint8Array> {
    const request = parseRequest(der);
    const imprint = request.messageImprint;
    const hashLength = HASH_LENGTHS[imprint.hashAlgorithm.algorithmId];
    if (hashLength === undefined || imprint.hashedMessage.valueBlock.valueHexView.length !== hashLength) return rejection(FAIL_BAD_ALG);
    if (request.reqPolicy !== undefined && request.reqPolicy !== policy) return rejection(FAIL_UNACCEPTED_POLICY);
    const serial = randomBytes(16);
    serial[0] = (serial[0]! & 0x7f) | 0x01;
    const tstInfo = new pkijs.TSTInfo({
      version: 1,
      policy,
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: imprint.hashAlgorithm.algorithmId }),
        hashedMessage: new asn1js.OctetString({ valueHex: imprint.hashedMessage.valueBlock.valueHexView.slice().buffer }),
      }),
      serialNumber: new asn1js.Integer({ valueHex: buffer(serial) }),
      genTime: clock(),
      accuracy: new pkijs.Accuracy({ seconds: 1 }),
      ...(request.nonce ? { nonce: request.nonce } : {}),
    });
    const tstDer = new Uint8Array(tstInfo.toSchema().toBER());
    // DER SET OF: the attributes sorted by their encodings (X.690 §11.6), as OpenSSL re-encodes them.
    const attributes = [
      attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.tstInfo })),
      attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: buffer(await sha256(tstDer)) })),
      signingCertificateV2,
    ]
      .map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER()) }))
      .sort((x, y) => compare(x.der, y.der))
      .map((x) => x.a);
    const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes });
    const toSign = new Uint8Array(signedAttrs.toSchema().toBER());
    toSign[0] = 0x31; // RFC 5652 §5.4: the signature is over the SET OF, not the [0] IMPLICIT encoding.
    const raw = await signer.sign(toSign);
    const signature = options.alg === "EdDSA" ? buffer(raw) : p1363ToDer(raw);
    const signedData = new pkijs.SignedData({
      version: 3,
      digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
      encapContentInfo: encapsulate(tstDer),
      ...(request.certReq ? { certificates: chain } : {}),
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid,
          digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
          signedAttrs,
          signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: signatureOid! }),
          signature: new asn1js.OctetString({ valueHex: signature }),
        }),
      ],
    });
    const token = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
    const response = new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }), timeStampToken: token });
    return new Uint8Array(response.toSchema().toBER());
  }

  return { certificateDer: certificateDer.slice(), respond };
}

/**
 * EncapsulatedContentInfo with eContent as one primitive OCTET STRING. pkijs's constructor re-wraps
 * eContent as a constructed (BER) OCTET STRING; DER requires the primitive form (X.690 §10.2), and
 * strict verifiers (ours) refuse the other, so eContent is set after construction.
 */
function encapsulate(tstDer: Uint8Array): pkijs.EncapsulatedContentInfo {
  const encap = new pkijs.EncapsulatedContentInfo({ eContentType: OID.tstInfo });
  encap.eContent = new asn1js.OctetString({ valueHex: buffer(tstDer) });
  return encap;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
