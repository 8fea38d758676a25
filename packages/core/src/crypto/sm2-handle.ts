/**
 * SM2 keys as crypto-backend handles (internal to the backends): the decoded key, the signer's
 * distinguishing identifier and its ZA, computed once per key — so verifying a licence costs one SM3
 * of the signing input and two scalar multiplications, as an ECDSA verification does.
 *
 * @module
 */
import type { GeneratedKeyPair, PrivateKeyHandle, PublicKeyHandle } from "./backend.js";
import { SM2_DEFAULT_ID, SM2_MAX_ID_BYTES, sm2DecodePublicPoint, sm2IsValidPrivateKey, sm2PublicFromPrivate, sm2Sign, sm2VerifyPoint, sm2Za, type Sm2Point, type Sm3Function } from "./sm2.js";
import { encodeSm2Pkcs8, encodeSm2Spki, parseSm2Pkcs8, parseSm2Spki } from "./sm2-keys.js";
import { LicenceError } from "../errors/errors.js";

interface Sm2PublicHandle extends PublicKeyHandle {
  readonly point: Sm2Point;
  readonly publicPoint: Uint8Array;
  readonly id: Uint8Array;
  readonly za: Uint8Array;
}
interface Sm2PrivateHandle extends PrivateKeyHandle {
  readonly d: Uint8Array;
  readonly publicPoint: Uint8Array;
  readonly id: Uint8Array;
  readonly za: Uint8Array;
}

function keyInvalid(message: string): LicenceError {
  return new LicenceError("ERR_KEY_INVALID", message, { details: { alg: "SM2SM3" } });
}

/** The SM2 half of a crypto backend, bound to an SM3 implementation and a CSPRNG. */
export interface Sm2Backend {
  importPublicKey(spki: Uint8Array): PublicKeyHandle;
  importPrivateKey(pkcs8: Uint8Array): PrivateKeyHandle;
  generateKeyPair(): GeneratedKeyPair;
  sign(key: PrivateKeyHandle, data: Uint8Array): Uint8Array;
  verify(key: PublicKeyHandle, data: Uint8Array, signature: Uint8Array): boolean;
}

/**
 * Builds the SM2 operations of a backend.
 *
 * @param hash - SM3 (Node's native one where OpenSSL has it, else the pure-JS one)
 * @param randomBytes - the backend's CSPRNG
 */
export function createSm2Backend(hash: Sm3Function, randomBytes: (length: number) => Uint8Array): Sm2Backend {
  const privateHandle = (d: Uint8Array, publicPoint: Uint8Array): Sm2PrivateHandle => ({
    kind: "private",
    alg: "SM2SM3",
    d,
    publicPoint,
    id: SM2_DEFAULT_ID,
    za: sm2Za(SM2_DEFAULT_ID, publicPoint, hash),
  });
  const publicHandle = (spki: Uint8Array, point: Sm2Point, publicPoint: Uint8Array): Sm2PublicHandle => ({
    kind: "public",
    alg: "SM2SM3",
    spki,
    point,
    publicPoint,
    id: SM2_DEFAULT_ID,
    za: sm2Za(SM2_DEFAULT_ID, publicPoint, hash),
  });
  return {
    importPublicKey(spki) {
      const publicPoint = parseSm2Spki(spki);
      const point = publicPoint && sm2DecodePublicPoint(publicPoint);
      if (!publicPoint || !point) throw keyInvalid("The key does not fit the signature algorithm.");
      return publicHandle(spki.slice(), point, publicPoint);
    },
    importPrivateKey(pkcs8) {
      const parsed = parseSm2Pkcs8(pkcs8);
      if (!parsed) throw keyInvalid("The key does not fit the signature algorithm.");
      return privateHandle(parsed.privateKey, parsed.publicPoint);
    },
    generateKeyPair() {
      let d: Uint8Array;
      do d = randomBytes(32);
      while (!sm2IsValidPrivateKey(d));
      const publicPoint = sm2PublicFromPrivate(d);
      const spki = encodeSm2Spki(publicPoint);
      return {
        pkcs8: encodeSm2Pkcs8(d),
        spki,
        privateKey: privateHandle(d, publicPoint),
        publicKey: publicHandle(spki, sm2DecodePublicPoint(publicPoint)!, publicPoint),
      };
    },
    sign(key, data) {
      const { d, za } = key as Sm2PrivateHandle;
      return sm2Sign(d, data, { za, hash, randomBytes });
    },
    verify(key, data, signature) {
      const { point, za } = key as Sm2PublicHandle;
      return sm2VerifyPoint(point, data, signature, { za, hash });
    },
  };
}

/**
 * A copy of an SM2 key handle that signs or verifies under another distinguishing identifier
 * (GB/T 32918.2 §5.5: the ID enters ZA). Handles of other algorithms are returned unchanged.
 *
 * @param handle - a key handle from the crypto backend
 * @param id - the signer's distinguishing identifier, 0 to 8191 bytes
 * @param hash - SM3
 */
export function withSm2IdUsing<T extends PublicKeyHandle | PrivateKeyHandle>(handle: T, id: Uint8Array, hash: Sm3Function): T {
  if (handle.alg !== "SM2SM3") return handle;
  if (!(id instanceof Uint8Array) || id.length > SM2_MAX_ID_BYTES) throw new TypeError("An SM2 distinguishing identifier is 0 to 8191 bytes.");
  const { publicPoint } = handle as unknown as { publicPoint: Uint8Array };
  return { ...handle, id: id.slice(), za: sm2Za(id, publicPoint, hash) };
}
