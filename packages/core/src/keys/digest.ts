/**
 * SHA-2 and SM3 on the platform's crypto backend (native and synchronous on Node, `@noble/hashes`
 * and core's SM3 in browsers), for the development PKI's time-stamping authority (`@elicence/pki`),
 * which must run in browsers too and hashes each token's TSTInfo.
 *
 * @internal
 * @module
 */
import { backend } from "../crypto/index.js";

/**
 * The digest of `data`, synchronously.
 *
 * @param hash - SHA-256, SHA-384, SHA-512 or SM3 (GB/T 32905-2016)
 * @param data - the bytes to hash
 * @internal
 */
export function hashDigest(hash: "SHA-256" | "SHA-384" | "SHA-512" | "SM3", data: Uint8Array): Uint8Array {
  return hash === "SHA-256" ? backend.sha256(data) : hash === "SHA-384" ? backend.sha384(data) : hash === "SHA-512" ? backend.sha512(data) : backend.sm3(data);
}
