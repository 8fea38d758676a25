/**
 * `@elicence/core/encoding`: the one encoding layer — base64url (also at the root), standard
 * base64, PEM, strict JSON and JSON canonicalisation (RFC 8785).
 *
 * @example
 * ```ts
 * import { decodePem, encodeBase64 } from "@elicence/core/encoding";
 * const x5c = encodeBase64(decodePem(pemText));
 * ```
 *
 * @module
 */
export * as base64url from "./encoding/base64url.js";
export { decodeBase64, encodeBase64 } from "./encoding/base64.js";
export { decodePem, decodePemBundle, encodePem, findPemBlocks, MAX_PEM_BLOCK_BYTES } from "./encoding/pem.js";
export type { PemBlock, PemOptions } from "./encoding/pem.js";
export { parseStrictJson, decodeUtf8 } from "./encoding/json.js";
export type { StrictJsonLimits } from "./encoding/json.js";
export { canonicalJson } from "./encoding/jcs.js";
export { encodeOid, encodeSequence, encodeTlv } from "./encoding/der-write.js";
