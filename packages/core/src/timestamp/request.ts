/**
 * The client side of RFC 3161: a TimeStampReq (§2.4.1) over data, and the reading of a
 * TimeStampResp (§2.4.2) that must answer exactly that request.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { concatBytes, bytesEqual } from "../encoding/bytes.js";
import { DerError, decodeDer, isUniversal, readBitString, readSequence, readSmallInteger, TAG } from "../encoding/der.js";
import { encodeOctetString, encodeOid, encodeSequence, encodeTlv } from "../encoding/der-write.js";
import { LicenceError } from "../errors/errors.js";
import { HASH_OID, type TimestampHash } from "./oids.js";
import { MAX_TIMESTAMP_TOKEN_BYTES, parseTimestampToken } from "./token.js";
import { timestampHash } from "./verify.js";

/** A TimeStampReq and what its answer must repeat. */
export interface TimestampRequest {
  /** The DER TimeStampReq, to POST as `application/timestamp-query`. */
  readonly der: Uint8Array;
  /** The message imprint's hash function. */
  readonly hash: TimestampHash;
  /** The data's digest under `hash` (the message imprint). */
  readonly hashedMessage: Uint8Array;
  /** The nonce's INTEGER content octets (positive, minimal). */
  readonly nonce: Uint8Array;
}

/** Options of {@link createTimestampRequest}. */
export interface TimestampRequestOptions {
  /** A TSA policy OID to ask for (reqPolicy); default none. */
  readonly policy?: string;
  /** Ask the TSA to include its certificate (certReq); default true. */
  readonly certReq?: boolean;
  /**
   * The message imprint's hash: `SHA-256` (default), `SHA-384`, `SHA-512`, or `SM3` (GM/T 0033: the
   * imprint of a time-stamp over an SM2 signature, for a national-algorithms deployment).
   */
  readonly hash?: TimestampHash;
}

/**
 * The message-imprint hash for a time-stamp over a signature made with `alg`: SM3 for SM2 (GM/T
 * 0033, so that a national-algorithms signature's evidence uses no foreign hash), SHA-256 otherwise.
 */
export function timestampHashFor(alg: string | undefined): TimestampHash {
  return alg === "SM2SM3" ? "SM3" : "SHA-256";
}

/** Largest TimeStampResp accepted, in bytes. */
export const MAX_TIMESTAMP_RESPONSE_BYTES = MAX_TIMESTAMP_TOKEN_BYTES + 4096;

/** PKIStatus values (RFC 3161 §2.4.2) that carry a token. */
const GRANTED = 0;
const GRANTED_WITH_MODS = 1;

/**
 * Makes an RFC 3161 TimeStampReq (§2.4.1) over `data`: version 1, a SHA-256 message imprint (or `options.hash`), a fresh
 * 64-bit nonce, certReq true.
 *
 * @param data - the bytes to time-stamp (for a JAdES `sigTst`: the ASCII of the base64url signature value)
 * @param options - policy, certReq
 * @returns the DER request, the imprint and the nonce to check the answer against
 * @example
 * ```ts
 * const request = createTimestampRequest(new TextEncoder().encode(signatureB64));
 * const reply = await fetch(tsaUrl, { method: "POST", headers: { "content-type": "application/timestamp-query" }, body: request.der });
 * const token = readTimestampResponse(new Uint8Array(await reply.arrayBuffer()), request);
 * ```
 */
export function createTimestampRequest(data: Uint8Array, options: TimestampRequestOptions = {}): TimestampRequest {
  if (!(data instanceof Uint8Array)) throw new TypeError("data must be a Uint8Array.");
  const hash = options.hash ?? "SHA-256";
  if (!Object.hasOwn(HASH_OID, hash)) throw new TypeError("options.hash must be SHA-256, SHA-384, SHA-512 or SM3.");
  const hashedMessage = timestampHash(hash, data);
  const nonce = backend.randomBytes(8);
  // Positive and minimal: the top bit clear, the first octet non-zero.
  nonce[0] = (nonce[0]! & 0x7f) | 0x01;
  const parts = [
    Uint8Array.of(0x02, 0x01, 0x01),
    encodeSequence(encodeSequence(encodeOid(HASH_OID[hash])), encodeOctetString(hashedMessage)),
  ];
  if (options.policy !== undefined) parts.push(encodeOid(options.policy));
  parts.push(encodeTlv(0x02, nonce));
  if (options.certReq ?? true) parts.push(Uint8Array.of(0x01, 0x01, 0xff));
  return { der: encodeSequence(concatBytes(parts)), hash, hashedMessage, nonce };
}

function invalid(reason: string, details: Record<string, number | string> = {}): LicenceError {
  return new LicenceError("ERR_TIMESTAMP_INVALID", "The time-stamp authority's answer is not a usable time-stamp.", { details: { reason, ...details } });
}

/**
 * Reads a TimeStampResp (RFC 3161 §2.4.2) that answers `request`: the status must grant a token,
 * and the token must be over the request's imprint with its nonce. The token is not verified here
 * (its TSA's trust is the verifier's business: {@link verifyTimestampToken}).
 *
 * @param der - the response body, DER
 * @param request - the request it answers
 * @returns the TimeStampToken, DER
 * @throws LicenceError `ERR_TIMESTAMP_INVALID` with `details.reason` (`too-large`, `malformed`,
 *   `status`, with `details.status` and `details.failInfo`, `token-missing`, `token`, `imprint`, `nonce`)
 * @example
 * ```ts
 * const token = readTimestampResponse(body, request);
 * ```
 */
export function readTimestampResponse(der: Uint8Array, request: TimestampRequest): Uint8Array {
  if (!(der instanceof Uint8Array)) throw new TypeError("The response must be a Uint8Array.");
  if (der.length > MAX_TIMESTAMP_RESPONSE_BYTES) throw invalid("too-large");
  let status: number;
  let failInfo = 0;
  let token: Uint8Array | undefined;
  try {
    const [statusInfo, tokenNode, ...rest] = readSequence(decodeDer(der.slice(), { maxDepth: 32 }), 1, 2);
    if (rest.length) throw new DerError("trailing TimeStampResp fields");
    const fields = readSequence(statusInfo, 1, 3);
    status = readSmallInteger(fields[0]);
    for (const field of fields.slice(1)) {
      if (isUniversal(field, TAG.BIT_STRING)) {
        const bits = readBitString(field).bytes;
        for (let i = 0; i < Math.min(bits.length, 4); i++) failInfo = failInfo * 256 + bits[i]!;
      } else readSequence(field, 1);
    }
    token = tokenNode?.raw.slice();
  } catch (err) {
    if (err instanceof DerError) throw invalid("malformed");
    throw err;
  }
  if (status !== GRANTED && status !== GRANTED_WITH_MODS) throw invalid("status", { status, failInfo });
  if (token === undefined) throw invalid("token-missing");
  let parsed;
  try {
    parsed = parseTimestampToken(token);
  } catch (err) {
    if (err instanceof DerError) throw invalid("token");
    throw err;
  }
  if (parsed.tstInfo.imprintHash !== (request.hash ?? "SHA-256") || !bytesEqual(parsed.tstInfo.hashedMessage, request.hashedMessage)) throw invalid("imprint");
  if (parsed.tstInfo.nonce === undefined || !bytesEqual(parsed.tstInfo.nonce, request.nonce)) throw invalid("nonce");
  return token;
}
