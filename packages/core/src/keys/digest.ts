/**
 * SHA-2 on the platform's crypto backend (native and synchronous on Node, `@noble/hashes` in
 * browsers), for the development PKI's time-stamping authority (`@elicence/pki`), which must run
 * in browsers too and hashes each token's TSTInfo.
 *
 * @internal
 * @module
 */
import { backend } from "../crypto/index.js";

/**
 * The SHA-2 digest of `data`, synchronously.
 *
 * @param hash - SHA-256, SHA-384 or SHA-512
 * @param data - the bytes to hash
 * @internal
 */
export function sha2Digest(hash: "SHA-256" | "SHA-384" | "SHA-512", data: Uint8Array): Uint8Array {
  return hash === "SHA-256" ? backend.sha256(data) : hash === "SHA-384" ? backend.sha384(data) : backend.sha512(data);
}
