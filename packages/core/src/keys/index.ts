/**
 * Private keys at rest: passphrase encryption as PKCS#8 EncryptedPrivateKeyInfo (PBES2), compatible
 * with OpenSSL, built on WebCrypto so it runs in browsers too.
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
} from "./encrypted-private-key.js";
export type { EncryptPrivateKeyOptions } from "./encrypted-private-key.js";
