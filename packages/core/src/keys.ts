/**
 * `@elicence/core/keys`: private keys at rest — passphrase encryption as PKCS#8
 * EncryptedPrivateKeyInfo (PBES2), compatible with OpenSSL, on WebCrypto so it runs in browsers too.
 *
 * @example
 * ```ts
 * import { decryptPrivateKey, encryptPrivateKey } from "@elicence/core/keys";
 * const pem = await encryptPrivateKey(pkcs8, passphrase);
 * const again = await decryptPrivateKey(pem, passphrase);
 * ```
 *
 * @module
 */
export {
  decryptPrivateKey,
  encryptPrivateKey,
  isEncryptedPrivateKeyPem,
  PBKDF2_DEFAULT_ITERATIONS,
  PBKDF2_MAX_ITERATIONS,
  PBKDF2_MIN_ITERATIONS,
} from "./keys/encrypted-private-key.js";
export type { EncryptPrivateKeyOptions } from "./keys/encrypted-private-key.js";
/** @internal WebCrypto access shared with `@elicence/pki` (stripped from the published types). */
export { randomBytes, toBufferSource, webCrypto } from "./keys/webcrypto.js";
/** @internal SHA-2 on the platform backend, for `@elicence/pki`'s TSA (stripped from the published types). */
export { hashDigest } from "./keys/digest.js";
export { generateSm2KeyPair } from "./crypto/sm2-api.js";
export type { Sm2KeyFiles } from "./crypto/sm2-api.js";
export { SM2_DEFAULT_ID, createSm2Verifier, sm2Sign, sm2Verify, sm2Za } from "./crypto/sm2.js";
export type { Sm2SignOptions, Sm2VerifyOptions, Sm3Function } from "./crypto/sm2.js";
export { sm3 } from "./crypto/sm3.js";
export { OID_SM2_CURVE, OID_SM3_WITH_SM2 } from "./crypto/sm2-keys.js";
