/**
 * What a JAdES time-stamp covers, and the `etsiU` elements that carry one (ETSI TS 119 182-1):
 * `sigTst` (clause 5.3.4) over the base64url JWS signature value, `arcTst` (clause 5.3.6) over the
 * signature and all evidence before it.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { encodeBase64 } from "../encoding/base64.js";

/** The encoded parts of a JWS a time-stamp is computed over. */
export interface TimestampedParts {
  readonly protectedB64: string;
  readonly payloadB64: string;
  readonly signatureB64: string;
}

/**
 * The message-imprint input of a `sigTst` (clause 5.3.4): the ASCII bytes of BASE64URL(JWS Signature).
 *
 * @param signatureB64 - the encoded signature value
 * @example
 * ```ts
 * const request = createTimestampRequest(signatureTimestampData(jws.signatureB64));
 * ```
 */
export function signatureTimestampData(signatureB64: string): Uint8Array {
  return backend.asciiBytes(signatureB64);
}

/**
 * The message-imprint input of an `arcTst` (clause 5.3.6.3.1, `timeStamped` "all", base64url-encoded
 * `etsiU` elements, no `sigD`, `b64` absent): BASE64URL(payload) ‖ "." ‖ BASE64URL(protected) ‖ "." ‖
 * BASE64URL(signature) ‖ "." ‖ every `etsiU` element before the arcTst, as encoded, concatenated.
 *
 * @param parts - the encoded JWS parts
 * @param precedingElements - the base64url `etsiU` elements before the arcTst, concatenated
 */
export function archiveTimestampData(parts: TimestampedParts, precedingElements: string): Uint8Array {
  return archiveTimestampImprint(backend.asciiBytes(parts.payloadB64), parts.protectedB64, parts.signatureB64, precedingElements);
}

/**
 * The message-imprint input of an `arcTst` over any signed data (clause 5.3.6.3.1 items 1–2: the
 * attached payload as signed, or the detached data objects `sigD` references, concatenated):
 * signed data ‖ "." ‖ BASE64URL(protected) ‖ "." ‖ BASE64URL(signature) ‖ "." ‖ the preceding
 * `etsiU` elements, as encoded.
 *
 * @internal the verifier's side of {@link archiveTimestampData}
 */
export function archiveTimestampImprint(signedData: Uint8Array, protectedB64: string, signatureB64: string, precedingElements: string): Uint8Array {
  const tail = backend.asciiBytes(`.${protectedB64}.${signatureB64}.${precedingElements}`);
  const out = new Uint8Array(signedData.length + tail.length);
  out.set(signedData, 0);
  out.set(tail, signedData.length);
  return out;
}

/** The `etsiU` property `{ sigTst: { tstTokens: [ { val } ] } }` for a token. */
export function signatureTimestampProperty(token: Uint8Array): { sigTst: { tstTokens: { val: string }[] } } {
  return { sigTst: { tstTokens: [{ val: encodeBase64(token) }] } };
}

/**
 * The `etsiU` property `{ arcTst: { tstTokens: [ { val } ] } }` for a token: an `arcTst` is a
 * `tstContainer` (TS 119 182-1 clause 5.3.6.2), as the EU's reference implementation writes it.
 */
export function archiveTimestampProperty(token: Uint8Array): { arcTst: { tstTokens: { val: string }[] } } {
  return { arcTst: { tstTokens: [{ val: encodeBase64(token) }] } };
}
