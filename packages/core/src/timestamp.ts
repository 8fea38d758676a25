/**
 * `@elicence/core/timestamp`: RFC 3161 trusted time — make a TimeStampReq, read the TSA's
 * TimeStampResp, and verify a TimeStampToken (CMS SignedData, ESS signing-certificate-v2, the TSA
 * certificate's critical id-kp-timeStamping, its path to a trusted anchor). Core's strict DER reader
 * does the reading; no ASN.1 library.
 *
 * @example
 * ```ts
 * import { createTimestampRequest, readTimestampResponse, verifyTimestampToken } from "@elicence/core/timestamp";
 * const request = createTimestampRequest(data);
 * const token = readTimestampResponse(await post(request.der), request);
 * const result = await verifyTimestampToken(token, { data, trustAnchors, at: new Date(), nonce: request.nonce });
 * ```
 *
 * @module
 */
export { createTimestampRequest, readTimestampResponse, timestampHashFor, MAX_TIMESTAMP_RESPONSE_BYTES } from "./timestamp/request.js";
export type { TimestampRequest, TimestampRequestOptions } from "./timestamp/request.js";
export type { TimestampHash } from "./timestamp/oids.js";
export { parseTimestampRequest, MAX_TIMESTAMP_REQUEST_BYTES } from "./timestamp/request-read.js";
export type { ParsedTimestampRequest } from "./timestamp/request-read.js";
export { verifyTimestampToken } from "./timestamp/verify.js";
export type { TimestampFailureCode, TimestampVerification, TimestampVerificationOptions } from "./timestamp/verify.js";
export { MAX_TIMESTAMP_TOKEN_BYTES } from "./timestamp/token.js";
export { signatureTimestampData, archiveTimestampData, signatureTimestampProperty, archiveTimestampProperty } from "./jades/timestamp-properties.js";
export type { TimestampedParts } from "./jades/timestamp-properties.js";
