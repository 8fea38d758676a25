/**
 * SM2 key generation for callers outside the crypto backends (the development PKI).
 *
 * @module
 */
import { backend } from "./index.js";

/** A new SM2 key pair, as key files. */
export interface Sm2KeyFiles {
  /** PKCS#8 PrivateKeyInfo, DER, in clear (encrypt it before storing it). */
  readonly pkcs8: Uint8Array;
  /** SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
}

/**
 * Generates an SM2 key pair on sm2p256v1 (GB/T 32918.5), in the key-file forms OpenSSL 3 reads and
 * writes (id-ecPublicKey with the curve 1.2.156.10197.1.301).
 *
 * @example
 * ```ts
 * const { pkcs8, spki } = await generateSm2KeyPair();
 * ```
 */
export async function generateSm2KeyPair(): Promise<Sm2KeyFiles> {
  const { pkcs8, spki } = await backend.generateKeyPair("SM2SM3");
  return { pkcs8, spki };
}
