/**
 * OCSP responses (RFC 6960 §4.2): strict parsing through core's DER reader, and judging a
 * BasicOCSPResponse as evidence for one certificate.
 *
 * The responder must be the CA that issued the certificate, or a responder the CA designated by
 * issuing it a certificate with id-kp-OCSPSigning directly (§4.2.2.2); locally trusted responders
 * are not supported. A designated responder's own revocation is not checked (it is expected to
 * carry id-pkix-ocsp-nocheck, §4.2.2.2.1).
 *
 * @module
 */
import { sha1 } from "@noble/hashes/legacy.js";
import { toHex } from "../encoding/bytes.js";
import { type DerNode, DerError, TAG, decodeDer, isContext, isUniversal, readBoolean, readOctetString, readOid, readSequence, readTime } from "../encoding/der.js";
import { LicenceError } from "../errors/errors.js";
import { type Certificate, parseCertificate } from "../x509/certificate.js";
import { type DistinguishedName, parseName } from "../x509/name.js";
import { type CertId, computeCertId, readCertId, sameCertId, subjectPublicKeyBits } from "./cert-id.js";
import { type CrlReason, CRL_REASONS, type EvidenceTarget, type RevocationEvidenceResult, checkFreshness, evidenceProblem, issuedWhileCertificateValid } from "./evidence.js";
import { readNonceValue } from "./ocsp-request.js";
import { readEnumerated } from "./der-values.js";
import { OID_OCSP } from "./oids.js";
import { readSignatureParts, verifySignedData } from "./signed-data.js";

/** Largest OCSP response accepted, in bytes. */
export const MAX_OCSP_RESPONSE_BYTES = 64 * 1024;
const MAX_RESPONSES = 64;
const MAX_RESPONDER_CERTS = 4;

/** OCSPResponseStatus (RFC 6960 §4.2.1); value 4 is unused. */
export type OcspResponseStatus = "successful" | "malformedRequest" | "internalError" | "tryLater" | "sigRequired" | "unauthorized";
const STATUSES: readonly (OcspResponseStatus | undefined)[] = ["successful", "malformedRequest", "internalError", "tryLater", undefined, "sigRequired", "unauthorized"];

/** One SingleResponse. */
export interface OcspSingleResponse {
  /** `undefined` when its hash algorithm is not supported (it then matches no certificate). */
  readonly certId: CertId | undefined;
  readonly status: "good" | "revoked" | "unknown";
  readonly revocationTime?: Date;
  readonly reason?: CrlReason;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** True when it carries a critical extension we do not process. */
  readonly unknownCriticalExtension: boolean;
}

/** A BasicOCSPResponse. */
export interface BasicOcspResponse {
  /** ResponderID: by name, or by key (lowercase hex SHA-1 of the responder's subjectPublicKey). */
  readonly responderId: { readonly byName: DistinguishedName } | { readonly byKey: string };
  readonly producedAt: Date;
  readonly responses: readonly OcspSingleResponse[];
  /** The nonce echoed, if any. */
  readonly nonce?: Uint8Array;
  /** Certificates the responder sent (a designated responder's certificate). */
  readonly certificates: readonly Certificate[];
  /** True when the response data carries a critical extension we do not process. */
  readonly unknownCriticalExtension: boolean;
}

/** A parsed OCSPResponse. */
export interface OcspResponse {
  /** The whole response, DER (a copy). */
  readonly der: Uint8Array;
  readonly status: OcspResponseStatus;
  /** Present exactly when `status` is `successful`. */
  readonly basic?: BasicOcspResponse;
}

interface BasicInternals {
  readonly tbs: Uint8Array;
  readonly algorithm: DerNode;
  readonly signature: Uint8Array;
}

const INTERNALS = new WeakMap<BasicOcspResponse, BasicInternals>();


function readGeneralizedTime(node: DerNode | undefined): number {
  if (!isUniversal(node, TAG.GENERALIZED_TIME)) throw new DerError("expected a GeneralizedTime", "DER_UNEXPECTED_TYPE");
  return readTime(node);
}

function explicit(node: DerNode): DerNode {
  if (!node.constructed || node.children.length !== 1) throw new DerError("malformed explicit tag");
  return node.children[0]!;
}

/** Reads Extensions: the nonce if present, and whether an unknown extension is critical. */
function readExtensions(node: DerNode): { nonce?: Uint8Array; unknownCritical: boolean } {
  const seen = new Set<string>();
  let nonce: Uint8Array | undefined;
  let unknownCritical = false;
  for (const ext of readSequence(node, 1)) {
    const items = readSequence(ext, 2, 3);
    const oid = readOid(items[0]);
    let critical = false;
    if (items.length === 3) {
      critical = readBoolean(items[1]);
      if (!critical) throw new DerError("non-DER critical flag");
    }
    if (seen.has(oid)) throw new DerError("duplicate extension");
    seen.add(oid);
    const value = readOctetString(items[items.length - 1]);
    if (oid === OID_OCSP.nonce) nonce = readNonceValue(value);
    else if (critical) unknownCritical = true;
  }
  return { ...(nonce ? { nonce } : {}), unknownCritical };
}

function readSingle(node: DerNode): OcspSingleResponse {
  const fields = readSequence(node, 3, 5);
  const certId = readCertId(fields[0]!);
  const statusNode = fields[1]!;
  let status: OcspSingleResponse["status"];
  let revocationTime: number | undefined;
  let reason: CrlReason | undefined;
  if (isContext(statusNode, 0) || isContext(statusNode, 2)) {
    // good [0] IMPLICIT NULL, unknown [2] IMPLICIT NULL.
    if (statusNode.constructed || statusNode.content.length !== 0) throw new DerError("malformed CertStatus");
    status = statusNode.tag === 0 ? "good" : "unknown";
  } else if (isContext(statusNode, 1)) {
    // revoked [1] IMPLICIT RevokedInfo ::= SEQUENCE { revocationTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
    if (!statusNode.constructed || statusNode.children.length < 1 || statusNode.children.length > 2) throw new DerError("malformed RevokedInfo");
    status = "revoked";
    revocationTime = readGeneralizedTime(statusNode.children[0]);
    const reasonNode = statusNode.children[1];
    if (reasonNode !== undefined) {
      if (!isContext(reasonNode, 0)) throw new DerError("malformed revocationReason");
      reason = CRL_REASONS[readEnumerated(explicit(reasonNode))];
      if (reason === undefined) throw new DerError("unknown CRL reason");
    }
  } else throw new DerError("malformed CertStatus");
  const thisUpdate = readGeneralizedTime(fields[2]);
  let i = 3;
  let nextUpdate: number | undefined;
  if (isContext(fields[i], 0)) nextUpdate = readGeneralizedTime(explicit(fields[i++]!));
  let unknownCriticalExtension = false;
  if (isContext(fields[i], 1)) unknownCriticalExtension = readExtensions(explicit(fields[i++]!)).unknownCritical;
  if (i !== fields.length) throw new DerError("unexpected field in SingleResponse");
  return Object.freeze({
    certId,
    status,
    ...(revocationTime !== undefined ? { revocationTime: new Date(revocationTime) } : {}),
    ...(reason !== undefined ? { reason } : {}),
    thisUpdate: new Date(thisUpdate),
    ...(nextUpdate !== undefined ? { nextUpdate: new Date(nextUpdate) } : {}),
    unknownCriticalExtension,
  });
}

function readBasic(der: Uint8Array): BasicOcspResponse {
  const [tbs, algorithm, signatureNode, certsNode, ...rest] = readSequence(decodeDer(der, { maxDepth: 20, maxNodes: 20_000 }), 3, 4) as DerNode[];
  if (rest.length) throw new DerError("malformed BasicOCSPResponse");
  const { signature } = readSignatureParts(algorithm!, signatureNode!);
  const fields = readSequence(tbs, 3, 5);
  let i = 0;
  // version [0] EXPLICIT DEFAULT v1: v1 is the only version, so DER never encodes it.
  if (isContext(fields[i], 0)) throw new DerError("explicit default version (not DER)");
  const rid = fields[i++]!;
  let responderId: BasicOcspResponse["responderId"];
  if (isContext(rid, 1)) responderId = { byName: parseName(explicit(rid)) };
  else if (isContext(rid, 2)) {
    const key = readOctetString(explicit(rid));
    if (key.length !== 20) throw new DerError("ResponderID byKey is not a SHA-1 hash");
    responderId = { byKey: toHex(key) };
  } else throw new DerError("malformed ResponderID");
  const producedAt = readGeneralizedTime(fields[i++]);
  const responses = readSequence(fields[i++], 1, MAX_RESPONSES).map(readSingle);
  let nonce: Uint8Array | undefined;
  let unknownCriticalExtension = false;
  if (isContext(fields[i], 1)) {
    const ext = readExtensions(explicit(fields[i++]!));
    nonce = ext.nonce;
    unknownCriticalExtension = ext.unknownCritical;
  }
  if (i !== fields.length) throw new DerError("unexpected field in ResponseData");
  const certificates: Certificate[] = [];
  if (certsNode !== undefined) {
    if (!isContext(certsNode, 0)) throw new DerError("malformed certs");
    for (const c of readSequence(explicit(certsNode), 1, MAX_RESPONDER_CERTS)) certificates.push(parseCertificate(c.raw.slice()));
  }
  const basic: BasicOcspResponse = Object.freeze({
    responderId: Object.freeze(responderId),
    producedAt: new Date(producedAt),
    responses: Object.freeze(responses),
    ...(nonce ? { nonce } : {}),
    certificates: Object.freeze(certificates),
    unknownCriticalExtension,
  });
  INTERNALS.set(basic, { tbs: tbs!.raw.slice(), algorithm: algorithm!, signature: signature.slice() });
  return basic;
}

function build(der: Uint8Array): OcspResponse {
  const [statusNode, bytesNode, ...rest] = readSequence(decodeDer(der, { maxDepth: 4, maxNodes: 16 }), 1, 2);
  if (rest.length) throw new DerError("malformed OCSPResponse");
  const status = STATUSES[readEnumerated(statusNode)];
  if (status === undefined) throw new DerError("unknown OCSPResponseStatus");
  if (status !== "successful") {
    // §4.2.1: responseBytes only for a successful response.
    if (bytesNode !== undefined) throw new DerError("responseBytes in an error response");
    return Object.freeze({ der: der.slice(), status });
  }
  if (!isContext(bytesNode, 0)) throw new DerError("successful response without responseBytes");
  const [type, response] = readSequence(explicit(bytesNode!), 2, 2);
  if (readOid(type) !== OID_OCSP.basic) throw new DerError("response type is not id-pkix-ocsp-basic");
  return Object.freeze({ der: der.slice(), status, basic: readBasic(readOctetString(response)) });
}

/**
 * Parses a DER OCSPResponse, strictly (X.690 DER, RFC 6960 §4.2.1; only id-pkix-ocsp-basic).
 *
 * @param der - the response bytes (untrusted), at most {@link MAX_OCSP_RESPONSE_BYTES}
 * @returns the parsed response
 * @throws LicenceError `ERR_INPUT_TOO_LARGE` or `ERR_INPUT_MALFORMED`
 * @example
 * ```ts
 * const response = parseOcspResponse(bytes);
 * if (response.status === "successful") response.basic.producedAt;
 * ```
 */
export function parseOcspResponse(der: Uint8Array): OcspResponse {
  if (!(der instanceof Uint8Array)) throw new TypeError("parseOcspResponse needs DER bytes.");
  if (der.length > MAX_OCSP_RESPONSE_BYTES) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The OCSP response is too large.", { details: { limit: MAX_OCSP_RESPONSE_BYTES } });
  try {
    return build(der.slice());
  } catch (err) {
    if (err instanceof DerError) throw new LicenceError("ERR_INPUT_MALFORMED", "The OCSP response is not a well-formed DER response.", { cause: err, details: { reason: err.code } });
    if (err instanceof LicenceError && err.code === "ERR_CERTIFICATE_INVALID") {
      throw new LicenceError("ERR_INPUT_MALFORMED", "The OCSP response is not a well-formed DER response.", { cause: err, details: { reason: "certificate" } });
    }
    throw err;
  }
}

/** Options of {@link verifyOcspResponse}: the target, and the nonce the request sent. */
export interface OcspVerifyOptions extends EvidenceTarget {
  /** The nonce sent in the request: the response must echo it. Omit for a response not fetched by us. */
  readonly nonce?: Uint8Array;
}

function identifies(id: BasicOcspResponse["responderId"], cert: Certificate): boolean {
  if ("byName" in id) return id.byName.equals(cert.subjectName);
  return id.byKey === toHex(sha1(subjectPublicKeyBits(cert)));
}

/** Checks that `responder` was issued by `issuer` for OCSP signing (§4.2.2.2); a problem code when not. */
async function checkDesignated(responder: Certificate, issuer: Certificate, producedAt: Date): Promise<RevocationEvidenceResult | undefined> {
  if (!responder.issuerName.equals(issuer.subjectName)) return evidenceProblem("ocsp", "EVIDENCE_WRONG_ISSUER", "The OCSP responder's certificate is not issued by the certificate's issuer.");
  const [, algorithm, value] = readSequence(decodeDer(responder.der), 3, 3) as [DerNode, DerNode, DerNode];
  const signed = await verifySignedData(algorithm, responder.tbs, readSignatureParts(algorithm, value).signature, issuer);
  if (signed !== "ok") return evidenceProblem("ocsp", "EVIDENCE_WRONG_ISSUER", "The OCSP responder's certificate is not signed by the certificate's issuer.");
  if (!responder.extendedKeyUsage?.includes(OID_OCSP.ocspSigning)) {
    return evidenceProblem("ocsp", "EVIDENCE_SIGNER_NOT_AUTHORISED", "The OCSP responder's certificate lacks id-kp-OCSPSigning.");
  }
  const ku = responder.keyUsage;
  if (ku !== undefined && !ku.has("digitalSignature")) return evidenceProblem("ocsp", "EVIDENCE_SIGNER_NOT_AUTHORISED", "The OCSP responder's key usage does not allow signing.");
  const t = producedAt.getTime();
  if (t < responder.notBefore.getTime() || t > responder.notAfter.getTime()) {
    return evidenceProblem("ocsp", "EVIDENCE_SIGNER_NOT_AUTHORISED", "The OCSP responder's certificate was not valid when the response was produced.");
  }
  return undefined;
}

/**
 * Judges an OCSP response as revocation evidence for one certificate (RFC 6960 §3.2, §4.2.2):
 * successful, a SingleResponse for this certificate's CertID, signed by the issuer or its
 * designated responder, nonce echoed when one was sent, `producedAt` and `thisUpdate` not after
 * `at`, `nextUpdate` not before it, no unknown critical extension.
 *
 * @param response - a parsed response or its DER
 * @param options - the certificate, its issuer, the time and the nonce sent
 * @returns `good`, `revoked` or a problem with its code; never throws for bad evidence
 * @example
 * ```ts
 * const result = await verifyOcspResponse(der, { certificate: leaf, issuer: ca, at, nonce: request.nonce });
 * ```
 */
export async function verifyOcspResponse(response: OcspResponse | Uint8Array, options: OcspVerifyOptions): Promise<RevocationEvidenceResult> {
  let parsed: OcspResponse;
  try {
    parsed = response instanceof Uint8Array ? parseOcspResponse(response) : response;
  } catch (err) {
    if (err instanceof LicenceError) return evidenceProblem("ocsp", "EVIDENCE_MALFORMED", "The OCSP response cannot be parsed.");
    throw err;
  }
  const basic = parsed.basic;
  if (parsed.status !== "successful" || basic === undefined) return evidenceProblem("ocsp", "EVIDENCE_RESPONDER_ERROR", "The OCSP responder answered with an error status.");
  const internals = INTERNALS.get(basic);
  if (internals === undefined) throw new TypeError("Not an OCSP response made by parseOcspResponse().");
  const { certificate, issuer } = options;
  const single = basic.responses.find((r) => r.certId !== undefined && sameCertId(r.certId, computeCertId(certificate, issuer, r.certId.hash)));
  if (single === undefined) return evidenceProblem("ocsp", "EVIDENCE_NOT_APPLICABLE", "The OCSP response is about another certificate.");
  let signer: Certificate | undefined;
  if (identifies(basic.responderId, issuer)) signer = issuer;
  else {
    const candidate = basic.certificates.find((c) => identifies(basic.responderId, c));
    if (candidate === undefined) return evidenceProblem("ocsp", "EVIDENCE_WRONG_ISSUER", "The OCSP response is signed by a responder the issuer did not designate.");
    const problem = await checkDesignated(candidate, issuer, basic.producedAt);
    if (problem) return problem;
    signer = candidate;
  }
  const signature = await verifySignedData(internals.algorithm, internals.tbs, internals.signature, signer);
  if (signature === "unsupported") return evidenceProblem("ocsp", "EVIDENCE_ALGORITHM_UNSUPPORTED", "The OCSP response is signed with an unsupported algorithm.");
  if (signature === "bad") return evidenceProblem("ocsp", "EVIDENCE_SIGNATURE_INVALID", "The OCSP response's signature does not verify.");
  if (basic.unknownCriticalExtension || single.unknownCriticalExtension) {
    return evidenceProblem("ocsp", "EVIDENCE_UNKNOWN_CRITICAL_EXTENSION", "The OCSP response carries a critical extension that is not supported.");
  }
  if (options.nonce !== undefined && (basic.nonce === undefined || toHex(basic.nonce) !== toHex(options.nonce))) {
    return evidenceProblem("ocsp", "EVIDENCE_NONCE_MISMATCH", "The OCSP response does not echo the request's nonce.");
  }
  const produced = basic.producedAt.getTime();
  if (produced > options.at.getTime() && !issuedWhileCertificateValid(produced, options)) return evidenceProblem("ocsp", "EVIDENCE_NOT_YET_VALID", "The OCSP response was produced after the time it is judged at.");
  const stale = checkFreshness("ocsp", single.thisUpdate.getTime(), single.nextUpdate?.getTime(), options);
  if (stale) return stale;
  if (single.status === "unknown") return evidenceProblem("ocsp", "EVIDENCE_STATUS_UNKNOWN", "The OCSP responder does not know the certificate.");
  const times = { thisUpdate: single.thisUpdate, ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}) };
  if (single.status === "good") return Object.freeze({ ok: true as const, status: "good" as const, source: "ocsp" as const, ...times });
  return Object.freeze({
    ok: true as const,
    status: "revoked" as const,
    source: "ocsp" as const,
    ...times,
    revocationTime: single.revocationTime!,
    ...(single.reason !== undefined ? { reason: single.reason } : {}),
  });
}
