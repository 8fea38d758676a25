/**
 * OCSP requests (RFC 6960 §4.1): building one for a certificate (SHA-1 or SHA-256 CertID, with a
 * nonce, RFC 8954), and reading one strictly (what a responder needs).
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { type DerNode, DerError, decodeDer, isContext, readBoolean, readOctetString, readOid, readSequence } from "../encoding/der.js";
import { encodeOctetString, encodeOid, encodeSequence, encodeTlv } from "../encoding/der-write.js";
import { LicenceError } from "../errors/errors.js";
import type { Certificate } from "../x509/certificate.js";
import { type CertId, type CertIdHash, computeCertId, encodeCertId, readCertId } from "./cert-id.js";
import { OID_OCSP } from "./oids.js";

/** Largest OCSP request accepted by {@link parseOcspRequest}, in bytes. */
export const MAX_OCSP_REQUEST_BYTES = 16 * 1024;
/** Most certificates asked about in one request that {@link parseOcspRequest} accepts. */
export const MAX_OCSP_REQUEST_ITEMS = 64;

/** Options of {@link buildOcspRequest}. */
export interface OcspRequestOptions {
  /** The certificate asked about. */
  readonly certificate: Certificate;
  /** Its issuer. */
  readonly issuer: Certificate;
  /** CertID hash; default `SHA-1` (RFC 5019 responders expect it). */
  readonly hash?: CertIdHash;
  /** Send a nonce (RFC 8954, 32 random octets unless given): default true. `false` sends none. */
  readonly nonce?: boolean | Uint8Array;
}

/** A built request, with what its response must match. */
export interface OcspRequest {
  /** The OCSPRequest, DER. */
  readonly der: Uint8Array;
  readonly certId: CertId;
  /** The nonce sent, if any. */
  readonly nonce?: Uint8Array;
}

/** A request as a responder reads it. */
export interface ParsedOcspRequest {
  /** The certificates asked about; an entry is `undefined` when its hash algorithm is not supported. */
  readonly certIds: readonly (CertId | undefined)[];
  /** The requestor's nonce, if any (1 to 128 octets). */
  readonly nonce?: Uint8Array;
}

/** Encodes the nonce extension's value: an OCTET STRING holding the nonce (RFC 8954 §2.1). */
export function encodeNonceExtension(nonce: Uint8Array): Uint8Array {
  return encodeSequence(encodeOid(OID_OCSP.nonce), encodeOctetString(encodeOctetString(nonce)));
}

/** Reads a nonce extension value; accepts only the RFC 8954 form (an OCTET STRING of 1 to 128 octets). */
export function readNonceValue(value: Uint8Array): Uint8Array {
  const nonce = readOctetString(decodeDer(value, { maxDepth: 1 }));
  if (nonce.length < 1 || nonce.length > 128) throw new DerError("nonce of a wrong length");
  return nonce.slice();
}

/**
 * Builds an OCSP request for one certificate.
 *
 * @param options - the certificate, its issuer, the CertID hash and the nonce
 * @returns the DER request, its CertID and the nonce to expect back
 * @example
 * ```ts
 * const request = buildOcspRequest({ certificate: leaf, issuer: ca });
 * const response = await post(url, request.der);
 * await verifyOcspResponse(response, { certificate: leaf, issuer: ca, at, nonce: request.nonce });
 * ```
 */
export function buildOcspRequest(options: OcspRequestOptions): OcspRequest {
  const { certificate, issuer } = options;
  const hash = options.hash ?? "SHA-1";
  if (hash !== "SHA-1" && hash !== "SHA-256") throw new TypeError("options.hash must be SHA-1 or SHA-256.");
  const nonce = options.nonce === false ? undefined : options.nonce instanceof Uint8Array ? options.nonce.slice() : backend.randomBytes(32);
  if (nonce !== undefined && (nonce.length < 1 || nonce.length > 32)) throw new TypeError("A nonce is 1 to 32 octets (RFC 8954).");
  const request = encodeSequence(encodeCertId(certificate, issuer, hash));
  const parts = [encodeSequence(request)];
  if (nonce !== undefined) parts.push(encodeTlv(0xa2, encodeSequence(encodeNonceExtension(nonce))));
  const der = encodeSequence(encodeSequence(...parts));
  return Object.freeze({ der, certId: computeCertId(certificate, issuer, hash), ...(nonce ? { nonce } : {}) });
}

function readRequestExtensions(wrapper: DerNode, critical: { unknown: boolean }): Uint8Array | undefined {
  if (!wrapper.constructed || wrapper.children.length !== 1) throw new DerError("malformed requestExtensions");
  let nonce: Uint8Array | undefined;
  const seen = new Set<string>();
  for (const ext of readSequence(wrapper.children[0], 1)) {
    const items = readSequence(ext, 2, 3);
    const oid = readOid(items[0]);
    if (seen.has(oid)) throw new DerError("duplicate extension");
    seen.add(oid);
    const isCritical = items.length === 3 && readBoolean(items[1]);
    const value = readOctetString(items[items.length - 1]);
    if (oid === OID_OCSP.nonce) nonce = readNonceValue(value);
    else if (isCritical) critical.unknown = true;
  }
  return nonce;
}

/**
 * Reads an OCSP request strictly (DER; signed requests are read but their signature is ignored, as
 * our responder needs no requestor authentication).
 *
 * @param der - the request bytes (untrusted), at most {@link MAX_OCSP_REQUEST_BYTES}
 * @returns the CertIDs asked about and the nonce
 * @throws LicenceError `ERR_INPUT_TOO_LARGE`, or `ERR_INPUT_MALFORMED` (also for an unknown critical extension)
 * @example
 * ```ts
 * const { certIds, nonce } = parseOcspRequest(body);
 * ```
 */
export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  if (!(der instanceof Uint8Array)) throw new TypeError("parseOcspRequest needs DER bytes.");
  if (der.length > MAX_OCSP_REQUEST_BYTES) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The OCSP request is too large.", { details: { limit: MAX_OCSP_REQUEST_BYTES } });
  try {
    const [tbs, signature] = readSequence(decodeDer(der.slice(), { maxDepth: 16, maxNodes: 4000 }), 1, 2);
    if (signature !== undefined && !isContext(signature, 0)) throw new DerError("malformed optionalSignature");
    const fields = readSequence(tbs, 1, 4);
    let i = 0;
    // version [0] EXPLICIT DEFAULT v1, and v1 is the only version: DER never encodes it.
    if (isContext(fields[i], 0)) throw new DerError("explicit default version (not DER)");
    if (isContext(fields[i], 1)) i++;
    const list = readSequence(fields[i++], 1, MAX_OCSP_REQUEST_ITEMS);
    const critical = { unknown: false };
    const certIds = list.map((request) => {
      const [certId, single] = readSequence(request, 1, 2);
      if (single !== undefined) {
        if (!isContext(single, 0)) throw new DerError("malformed singleRequestExtensions");
        readRequestExtensions(single, critical);
      }
      return readCertId(certId!);
    });
    let nonce: Uint8Array | undefined;
    if (i < fields.length) {
      if (!isContext(fields[i], 2)) throw new DerError("unexpected field in TBSRequest");
      nonce = readRequestExtensions(fields[i++]!, critical);
    }
    if (i !== fields.length) throw new DerError("unexpected field in TBSRequest");
    if (critical.unknown) throw new DerError("unknown critical request extension");
    return Object.freeze({ certIds: Object.freeze(certIds), ...(nonce ? { nonce } : {}) });
  } catch (err) {
    if (err instanceof DerError) throw new LicenceError("ERR_INPUT_MALFORMED", "The OCSP request is not a well-formed DER request.", { cause: err, details: { reason: err.code } });
    throw err;
  }
}
