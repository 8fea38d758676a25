/**
 * The SM2 distinguishing identifier of a key handle.
 *
 * @module
 */
import { backend } from "./index.js";
import type { PrivateKeyHandle, PublicKeyHandle } from "./backend.js";
import { withSm2IdUsing } from "./sm2-handle.js";

/**
 * A copy of an SM2 key handle that signs or verifies under another distinguishing identifier (the
 * ID enters ZA, GB/T 32918.2 §5.5). Keys are imported with the default ID `1234567812345678`
 * (GM/T 0009-2012 §10), which is also what OpenSSL and X.509 SM3withSM2 signatures use. Handles of
 * other algorithms are returned unchanged.
 *
 * @param handle - a key handle from `importPublicKey`, `importPrivateKey` or `generateKeyPair`
 * @param id - the identifier, 0 to 8191 bytes
 * @example
 * ```ts
 * const key = withSm2Id(await backend.importPublicKey(spki, "SM2SM3"), new TextEncoder().encode("ALICE123@YAHOO.COM"));
 * ```
 */
export function withSm2Id<T extends PublicKeyHandle | PrivateKeyHandle>(handle: T, id: Uint8Array): T {
  return withSm2IdUsing(handle, id, backend.sm3);
}

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
