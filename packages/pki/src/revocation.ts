/**
 * The development CA's revocation evidence: CRLs (RFC 5280 §5), OCSP responses (RFC 6960) signed by
 * the CA or by a responder it designates, and that responder's certificate. Made with pkijs; every
 * time is the caller's (nothing is read from the wall clock). ES256, ES384 and PS256 keys sign
 * through pkijs and WebCrypto; SM2 keys (which WebCrypto cannot hold) sign the bytes pkijs encodes
 * with core's SM2, as SM2 certificates are signed (`sm2-certificate.ts`).
 *
 * @module
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { BasicConstraintsExtension, ExtendedKeyUsageExtension, Extension as X509Extension, KeyUsageFlags, KeyUsagesExtension } from "@peculiar/x509";
import type { JwsAlgorithm } from "@elicence/core";
import { computeCertId, parseOcspRequest, type CertId, type CrlReason, CRL_REASONS } from "@elicence/core/revocation";
import { parseCertificate } from "@elicence/core/x509";
import { OID_SM3_WITH_SM2, toBufferSource, webCrypto } from "@elicence/core/keys";
import { type DevPkiCertificate, type DevPkiIssuer, type DevPkiValidity, checkAlg, checkText, checkValidity, distinguishedName, issue, resolveIssuer } from "./dev-pki.js";
import { signWithSm2 } from "./sm2-certificate.js";

/** One revoked certificate. */
export interface RevokedCertificateEntry {
  /** Serial number, lowercase hex as `Certificate.serialNumber` gives it. */
  readonly serialNumber: string;
  readonly revocationTime: Date;
  readonly reason?: CrlReason;
}

/** An extension to add as is (tests use it for unknown critical extensions). */
export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue content, DER. */
  readonly value: Uint8Array;
}

/** Options of {@link createCrl}. */
export interface CreateCrlOptions {
  /** The CA that issues the CRL (its certificate and key). */
  readonly issuer: DevPkiIssuer;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  /** cRLNumber, a non-negative safe integer, increasing with each CRL. */
  readonly crlNumber: number;
  readonly revoked: readonly RevokedCertificateEntry[];
  /** Further CRL extensions. */
  readonly extensions?: readonly RawExtension[];
}

/** What the responder says about one certificate. */
export type OcspCertificateStatus =
  | { readonly status: "good" }
  | { readonly status: "unknown" }
  | { readonly status: "revoked"; readonly revocationTime: Date; readonly reason?: CrlReason };

/** Options of {@link createOcspResponse}. */
export interface CreateOcspResponseOptions {
  /** The CA whose certificates the response is about. */
  readonly ca: DevPkiIssuer;
  /** Who signs: the CA (default) or a responder it designated ({@link createOcspResponderCertificate}). */
  readonly responder?: DevPkiIssuer;
  /** The OCSPRequest (DER) being answered. */
  readonly request: Uint8Array;
  /** The status of a certificate of the CA, by its serial number (lowercase hex). */
  readonly status: (serialNumber: string) => OcspCertificateStatus;
  readonly producedAt: Date;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** ResponderID by name (default) or by key hash. */
  readonly responderIdBy?: "name" | "key";
  /** Further response extensions. */
  readonly extensions?: readonly RawExtension[];
}

/** OCSPResponseStatus values other than successful. */
export type OcspErrorStatus = "malformedRequest" | "internalError" | "tryLater" | "sigRequired" | "unauthorized";
const ERROR_STATUS: Readonly<Record<OcspErrorStatus, number>> = { malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 };

const HASH_OID = { "SHA-1": "1.3.14.3.2.26", "SHA-256": "2.16.840.1.101.3.4.2.1" } as const;
const OID_NONCE = "1.3.6.1.5.5.7.48.1.2";
const OID_OCSP_BASIC = "1.3.6.1.5.5.7.48.1.1";
const OID_OCSP_NOCHECK = "1.3.6.1.5.5.7.48.1.5";
const OID_OCSP_SIGNING = "1.3.6.1.5.5.7.3.9";

function engine(): pkijs.ICryptoEngine {
  return new pkijs.CryptoEngine({ name: "webcrypto", crypto: webCrypto() });
}

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function hexBytes(hex: string): Uint8Array {
  if (!/^([0-9a-f]{2})+$/.test(hex)) throw new TypeError("A serial number is lowercase hex.");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A serial's INTEGER content: the hex with the sign octet restored. */
function serialInteger(hex: string): asn1js.Integer {
  const bytes = hexBytes(hex);
  return new asn1js.Integer({ valueHex: buffer(bytes[0]! >= 0x80 ? Uint8Array.of(0, ...bytes) : bytes) });
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds. */
function time(date: Date, field: string): pkijs.Time {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError(`${field} must be a valid Date.`);
  const value = new Date(Math.floor(date.getTime() / 1000) * 1000);
  return new pkijs.Time({ type: value.getUTCFullYear() < 2050 ? 0 : 1, value });
}

function seconds(date: Date, field: string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError(`${field} must be a valid Date.`);
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function reasonValue(reason: CrlReason): number {
  const value = CRL_REASONS.indexOf(reason);
  if (value < 0) throw new TypeError("Unknown CRL reason.");
  return value;
}

function extension(oid: string, critical: boolean, value: ArrayBuffer): pkijs.Extension {
  return new pkijs.Extension({ extnID: oid, critical, extnValue: value });
}

function rawExtensions(list: readonly RawExtension[] | undefined): pkijs.Extension[] {
  return (list ?? []).map((e) => extension(e.oid, e.critical, buffer(e.value)));
}

const IMPORT: Readonly<Record<string, EcKeyImportParams | RsaHashedImportParams>> = {
  ES256: { name: "ECDSA", namedCurve: "P-256" },
  ES384: { name: "ECDSA", namedCurve: "P-384" },
  PS256: { name: "RSA-PSS", hash: "SHA-256" },
};
const UNSUPPORTED_SIGNER = "The development CA signs CRLs and OCSP responses with ES256, ES384, PS256 or SM2SM3 keys.";

/** Who signs revocation data, and with what. */
interface DataSigner {
  readonly certificate: pkijs.Certificate;
  readonly keyIdentifier: string;
  /** The WebCrypto key and hash for ES256, ES384 and PS256; `null` for SM2, signed from `pkcs8` by core. */
  readonly key: CryptoKey | null;
  readonly hash: string;
  readonly pkcs8: Uint8Array;
  /** The signer's SubjectPublicKeyInfo, DER (an SM2 signature is checked against it before use). */
  readonly spki: Uint8Array;
}

/** The CA (checked as a CA) or a designated responder (any certificate whose key fits), with its key imported. */
async function signerOf(issuer: DevPkiIssuer, mustBeCa: boolean): Promise<DataSigner> {
  const alg: JwsAlgorithm = checkAlg(issuer?.alg, "alg");
  const params = IMPORT[alg];
  if (params === undefined && alg !== "SM2SM3") throw new TypeError(UNSUPPORTED_SIGNER);
  const hash = alg === "ES384" ? "SHA-384" : "SHA-256";
  if (mustBeCa) {
    const signer = await resolveIssuer(issuer, false);
    const certificate = signer.certificate!;
    return {
      certificate: pkijs.Certificate.fromBER(new Uint8Array(certificate.rawData)),
      key: signer.key,
      hash,
      pkcs8: signer.pkcs8,
      spki: new Uint8Array(certificate.publicKey.rawData),
      keyIdentifier: signer.keyIdentifier,
    };
  }
  const parsed = parseCertificate(issuer.certificatePem);
  const certificate = pkijs.Certificate.fromBER(toBufferSource(parsed.der));
  const key = params === undefined ? null : await webCrypto().subtle.importKey("pkcs8", toBufferSource(issuer.privateKeyPkcs8), params, false, ["sign"]);
  return { certificate, key, hash, pkcs8: issuer.privateKeyPkcs8, spki: parsed.spki, keyIdentifier: "" };
}

/** SM3withSM2 with its parameters absent (GM/T 0015-2012 §7.2), as certificates carry it. */
function sm3WithSm2(): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({ algorithmId: OID_SM3_WITH_SM2 });
}

/** Signs a CRL: TBSCertList's signature and the outer signatureAlgorithm name the same algorithm (RFC 5280 §5.1.1.2). */
async function signCrl(crl: pkijs.CertificateRevocationList, signer: DataSigner): Promise<void> {
  if (signer.key !== null) return crl.sign(signer.key, signer.hash, engine());
  crl.signature = sm3WithSm2();
  crl.signatureAlgorithm = sm3WithSm2();
  const tbs = new Uint8Array((crl.toSchema(true).valueBlock.value[0] as asn1js.Sequence).toBER(false));
  crl.tbsView = tbs;
  crl.signatureValue = new asn1js.BitString({ valueHex: buffer(await signWithSm2(tbs, signer.pkcs8, signer.spki)) });
}

/** Signs a BasicOCSPResponse over its tbsResponseData (RFC 6960 §4.2.1). */
async function signOcsp(basic: pkijs.BasicOCSPResponse, signer: DataSigner): Promise<void> {
  if (signer.key !== null) return basic.sign(signer.key, signer.hash, engine());
  basic.signatureAlgorithm = sm3WithSm2();
  const tbs = new Uint8Array(basic.tbsResponseData.toSchema(true).toBER(false));
  basic.tbsResponseData.tbsView = tbs;
  basic.signature = new asn1js.BitString({ valueHex: buffer(await signWithSm2(tbs, signer.pkcs8, signer.spki)) });
}

/**
 * Issues a CRL (v2, with authorityKeyIdentifier and cRLNumber; entries with a reasonCode when given),
 * signed with the CA's key: ES256, ES384, PS256, or SM2 (SM3withSM2 under the default distinguishing
 * identifier 1234567812345678, GM/T 0009-2012 §10, as the CA's certificates are signed).
 *
 * @param options - the CA, the times, the CRL number and the revoked certificates
 * @returns the CRL, DER
 * @throws TypeError for options out of range; LicenceError when the CA's certificate or key is unusable
 * @example
 * ```ts
 * const crl = await createCrl({ issuer: ca, thisUpdate: now, nextUpdate: inAWeek, crlNumber: 7, revoked: [] });
 * ```
 */
export async function createCrl(options: CreateCrlOptions): Promise<Uint8Array> {
  const { crlNumber } = options;
  if (!Number.isSafeInteger(crlNumber) || crlNumber < 0) throw new TypeError("crlNumber must be a non-negative safe integer.");
  if (!Array.isArray(options.revoked)) throw new TypeError("revoked must be an array.");
  const signer = await signerOf(options.issuer, true);
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = signer.certificate.subject;
  crl.thisUpdate = time(options.thisUpdate, "thisUpdate");
  crl.nextUpdate = time(options.nextUpdate, "nextUpdate");
  if (options.revoked.length > 0) {
    crl.revokedCertificates = options.revoked.map((entry) => {
      const revoked = new pkijs.RevokedCertificate({ userCertificate: serialInteger(entry.serialNumber), revocationDate: time(entry.revocationTime, "revocationTime") });
      if (entry.reason !== undefined) {
        revoked.crlEntryExtensions = new pkijs.Extensions({ extensions: [extension("2.5.29.21", false, new asn1js.Enumerated({ value: reasonValue(entry.reason) }).toBER(false))] });
      }
      return revoked;
    });
  }
  const aki = new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: buffer(hexBytes(signer.keyIdentifier)) }) });
  crl.crlExtensions = new pkijs.Extensions({
    extensions: [extension("2.5.29.35", false, aki.toSchema().toBER(false)), extension("2.5.29.20", false, new asn1js.Integer({ value: crlNumber }).toBER(false)), ...rawExtensions(options.extensions)],
  });
  await signCrl(crl, signer);
  return new Uint8Array(crl.toSchema().toBER(false));
}

function certStatus(status: OcspCertificateStatus): asn1js.BaseBlock {
  if (status.status === "good") return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
  if (status.status === "unknown") return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
  const info: asn1js.BaseBlock[] = [new asn1js.GeneralizedTime({ valueDate: seconds(status.revocationTime, "revocationTime") })];
  if (status.reason !== undefined) info.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: reasonValue(status.reason) })] }));
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: info });
}

function pkijsCertId(id: CertId): pkijs.CertID {
  return new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OID[id.hash], algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: buffer(hexBytes(id.issuerNameHash)) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: buffer(hexBytes(id.issuerKeyHash)) }),
    serialNumber: serialInteger(id.serialNumber),
  });
}

/**
 * An OCSP response with an error status (no response bytes), e.g. for a malformed request.
 *
 * @param status - the OCSPResponseStatus
 * @returns the OCSPResponse, DER
 * @example
 * ```ts
 * const der = createOcspErrorResponse("malformedRequest");
 * ```
 */
export function createOcspErrorResponse(status: OcspErrorStatus): Uint8Array {
  const value = ERROR_STATUS[status];
  if (value === undefined) throw new TypeError("Unknown OCSP error status.");
  return Uint8Array.of(0x30, 0x03, 0x0a, 0x01, value);
}

/**
 * Answers an OCSP request for certificates of `ca`: one SingleResponse per CertID asked (a
 * certificate of another CA, or a CertID hash we do not support, is `unknown`), the nonce echoed,
 * signed by the CA or its designated responder (whose certificate is then included).
 *
 * @param options - the CA, the signer, the request, the status lookup and the times
 * @returns the OCSPResponse, DER; `malformedRequest` when the request cannot be read
 * @example
 * ```ts
 * const der = await createOcspResponse({ ca, request, status: (serial) => ({ status: "good" }), producedAt: now, thisUpdate: now });
 * ```
 */
export async function createOcspResponse(options: CreateOcspResponseOptions): Promise<Uint8Array> {
  let request;
  try {
    request = parseOcspRequest(options.request);
  } catch {
    return createOcspErrorResponse("malformedRequest");
  }
  const ca = parseCertificate(options.ca.certificatePem);
  const signer = await signerOf(options.responder ?? options.ca, options.responder === undefined);
  const basic = new pkijs.BasicOCSPResponse();
  const data = basic.tbsResponseData;
  if (options.responderIdBy === "key") {
    const keyBits = new Uint8Array(signer.certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
    const hash = new Uint8Array(await webCrypto().subtle.digest("SHA-1", toBufferSource(keyBits)));
    data.responderID = new asn1js.OctetString({ valueHex: buffer(hash) });
  } else data.responderID = signer.certificate.subject;
  data.producedAt = seconds(options.producedAt, "producedAt");
  for (const id of request.certIds) {
    const single = new pkijs.SingleResponse();
    const known = id !== undefined && (() => {
      const mine = computeCertId(ca, ca, id.hash);
      return mine.issuerNameHash === id.issuerNameHash && mine.issuerKeyHash === id.issuerKeyHash;
    })();
    // A CertID of an unsupported hash cannot be echoed faithfully: answer for it with SHA-1 of nothing would lie, so skip it.
    if (id === undefined) continue;
    single.certID = pkijsCertId(id);
    single.certStatus = certStatus(known ? options.status(id.serialNumber) : { status: "unknown" });
    single.thisUpdate = seconds(options.thisUpdate, "thisUpdate");
    if (options.nextUpdate !== undefined) single.nextUpdate = seconds(options.nextUpdate, "nextUpdate");
    data.responses.push(single);
  }
  if (data.responses.length === 0) return createOcspErrorResponse("malformedRequest");
  const extensions = [...(request.nonce ? [extension(OID_NONCE, false, new asn1js.OctetString({ valueHex: buffer(request.nonce) }).toBER(false))] : []), ...rawExtensions(options.extensions)];
  if (extensions.length > 0) data.responseExtensions = extensions;
  if (options.responder !== undefined) basic.certs = [signer.certificate];
  await signOcsp(basic, signer);
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({ responseType: OID_OCSP_BASIC, response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }) }),
  });
  return new Uint8Array(response.toSchema().toBER(false));
}

/** Options of {@link createOcspResponderCertificate}. */
export interface CreateOcspResponderCertificateOptions extends DevPkiValidity {
  /** The CA that designates the responder. */
  readonly issuer: DevPkiIssuer;
  /** Subject CN, at most 64 characters. */
  readonly commonName: string;
  /** Key algorithm; default `"ES256"`. */
  readonly alg?: "ES256" | "ES384" | "PS256" | "SM2SM3";
  /** Leave out id-kp-OCSPSigning (for tests of a responder the CA did not designate). */
  readonly withoutOcspSigning?: boolean;
}

/**
 * Creates a designated OCSP responder certificate (RFC 6960 §4.2.2.2): extendedKeyUsage
 * id-kp-OCSPSigning, keyUsage digitalSignature (critical), id-pkix-ocsp-nocheck, cA=false.
 *
 * @param options - the CA, the name, the algorithm and the validity (`notAfter` default: `notBefore` + 1 year)
 * @returns the certificate and its private key
 * @example
 * ```ts
 * const responder = await createOcspResponderCertificate({ issuer: ca, commonName: "eLicence Dev OCSP", notBefore });
 * ```
 */
export async function createOcspResponderCertificate(options: CreateOcspResponderCertificateOptions): Promise<DevPkiCertificate> {
  const alg = checkAlg(options.alg, "alg");
  if (alg === "EdDSA") throw new TypeError("alg must be ES256, ES384, PS256 or SM2SM3.");
  const subject = distinguishedName({ country: "CN", commonName: checkText(options.commonName, "commonName") });
  const validity = checkValidity(options, 1);
  const signer = await resolveIssuer(options.issuer, false);
  const extensions = [
    new BasicConstraintsExtension(false, undefined, true),
    new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
    ...(options.withoutOcspSigning ? [] : [new ExtendedKeyUsageExtension([OID_OCSP_SIGNING], false)]),
    new X509Extension(OID_OCSP_NOCHECK, false, toBufferSource(Uint8Array.of(0x05, 0x00))),
  ];
  return issue({ subject, alg, ...validity, extensions }, signer);
}
