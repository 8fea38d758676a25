/**
 * The server side of RFC 3161 §2.4.1: a strict reading of a TimeStampReq, for a time-stamping
 * authority to answer (the development TSA of `@elicence/pki`, the registry's `POST /tsa`).
 *
 * RFC 3161 §3.4 carries a DER-encoded TimeStampReq over HTTP, so core's strict DER reader reads it:
 * BER, trailing data and oversized bodies are refused with a coded error. What a TSA may refuse
 * with a TimeStampResp instead (an unknown hash, another policy, extensions) is read and reported,
 * not judged, here.
 *
 * @module
 */
import { DerError, decodeDer, isContext, isUniversal, readBoolean, readInteger, readOctetString, readOid, readSequence, readSmallInteger, TAG } from "../encoding/der.js";
import { LicenceError } from "../errors/errors.js";
import { HASH_OIDS, type TimestampHash } from "./oids.js";

/** Largest TimeStampReq accepted, in bytes (a request is about 60 bytes; extensions make it more). */
export const MAX_TIMESTAMP_REQUEST_BYTES = 4096;

/** Hash lengths in bytes. */
const HASH_LENGTH: Readonly<Record<TimestampHash, number>> = { "SHA-256": 32, "SHA-384": 48, "SHA-512": 64, SM3: 32 };

/** A TimeStampReq as read (RFC 3161 §2.4.1). Byte views point into a private copy. */
export interface ParsedTimestampRequest {
  /**
   * The message imprint's hash when the TSA can use it: a SHA-2 OID (RFC 5754 §2) or SM3's
   * (GM/T 0006-2012) with absent or NULL parameters and a hashedMessage of that hash's length;
   * `undefined` otherwise (answer `badAlg`).
   */
  readonly hash: "SHA-256" | "SHA-384" | "SHA-512" | "SM3" | undefined;
  /** The MessageImprint as sent, DER: the token's messageImprint must have the same value (§2.4.2). */
  readonly messageImprint: Uint8Array;
  /** The hashed message's octets. */
  readonly hashedMessage: Uint8Array;
  /** reqPolicy, dotted decimal, when asked for. */
  readonly policy?: string;
  /** The nonce as sent, the whole DER INTEGER (the token repeats it, §2.4.2). */
  readonly nonce?: Uint8Array;
  /** certReq (DEFAULT FALSE). */
  readonly certReq: boolean;
  /** True when the request carries extensions (a TSA that knows none must refuse: §2.4.1). */
  readonly hasExtensions: boolean;
}

function malformed(cause: unknown): LicenceError {
  return new LicenceError("ERR_INPUT_MALFORMED", "The body is not an RFC 3161 time-stamp request.", { cause, details: { reason: "timestamp-request" } });
}

/**
 * Reads a DER TimeStampReq strictly (RFC 3161 §2.4.1): version 1, messageImprint, then optional
 * reqPolicy, nonce, certReq and `[0]` extensions, in that order, and nothing else.
 *
 * @param der - the request body
 * @returns what a TSA needs to answer it
 * @throws LicenceError `ERR_INPUT_TOO_LARGE` above {@link MAX_TIMESTAMP_REQUEST_BYTES}; `ERR_INPUT_MALFORMED`
 *   (`details.reason` `timestamp-request`) when it is not one DER TimeStampReq of version 1
 * @example
 * ```ts
 * const request = parseTimestampRequest(body);
 * if (request.hash === undefined) return rejection("badAlg");
 * ```
 */
export function parseTimestampRequest(der: Uint8Array): ParsedTimestampRequest {
  if (!(der instanceof Uint8Array)) throw new TypeError("The request must be a Uint8Array.");
  if (der.length > MAX_TIMESTAMP_REQUEST_BYTES) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "The time-stamp request is larger than allowed.", { details: { limit: MAX_TIMESTAMP_REQUEST_BYTES } });
  }
  try {
    const fields = readSequence(decodeDer(der.slice(), { maxDepth: 16, maxNodes: 512 }), 2, 6);
    if (readSmallInteger(fields[0]) !== 1) throw new DerError("TimeStampReq version");
    const imprint = fields[1]!;
    const [algorithm, hashed] = readSequence(imprint, 2, 2);
    const [oid, params] = readSequence(algorithm, 1, 2);
    const hashedMessage = readOctetString(hashed);
    const named = HASH_OIDS[readOid(oid)];
    const paramsOk = params === undefined || (isUniversal(params, TAG.NULL) && params.content.length === 0);
    const hash = named !== undefined && paramsOk && hashedMessage.length === HASH_LENGTH[named] ? named : undefined;
    let i = 2;
    let policy: string | undefined;
    let nonce: Uint8Array | undefined;
    let certReq = false;
    let hasExtensions = false;
    if (isUniversal(fields[i], TAG.OID)) policy = readOid(fields[i++]);
    if (isUniversal(fields[i], TAG.INTEGER)) {
      readInteger(fields[i]);
      nonce = fields[i++]!.raw;
    }
    // certReq BOOLEAN DEFAULT FALSE: an explicit FALSE is not DER, but clients send it; it means false.
    if (isUniversal(fields[i], TAG.BOOLEAN)) certReq = readBoolean(fields[i++]);
    if (isContext(fields[i], 0)) {
      if (!fields[i]!.constructed || fields[i]!.children.length === 0) throw new DerError("malformed extensions");
      hasExtensions = true;
      i++;
    }
    if (i !== fields.length) throw new DerError("unexpected TimeStampReq field");
    return { hash, messageImprint: imprint.raw, hashedMessage, ...(policy !== undefined ? { policy } : {}), ...(nonce ? { nonce } : {}), certReq, hasExtensions };
  } catch (err) {
    if (err instanceof DerError) throw malformed(err);
    throw err;
  }
}
