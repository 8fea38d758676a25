/**
 * SHA-256 on the platform's crypto backend (native and synchronous on Node, `@noble/hashes` in
 * browsers), for the development PKI's time-stamping authority (`@elicence/pki`), which must run
 * in browsers too and hashes each token's TSTInfo.
 *
 * @internal
 * @module
 */
import { backend } from "../crypto/index.js";

/**
 * SHA-256 of `data`, synchronously.
 *
 * @internal
 */
export function sha256Digest(data: Uint8Array): Uint8Array {
  return backend.sha256(data);
}
