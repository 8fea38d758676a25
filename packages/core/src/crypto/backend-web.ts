/**
 * The WebCrypto backend, for browsers (and any runtime without node:crypto). Hashing is pure
 * JavaScript (@noble/hashes) so that hashing stays synchronous everywhere.
 *
 * @module
 */
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { ALGORITHM_KEYS, MIN_RSA_BITS, type SignatureAlgorithm } from "./algorithms.js";
import type { CryptoBackend, GeneratedKeyPair, PrivateKeyHandle, PublicKeyHandle } from "./backend.js";
import { decodeBase64url, encodeBase64url } from "../encoding/base64url-portable.js";
import { LicenceError } from "../errors/errors.js";
import { sm3 } from "./sm3.js";
import { createSm2Backend } from "./sm2-handle.js";

interface WebPublicKey extends PublicKeyHandle {
  readonly key: CryptoKey;
}
interface WebPrivateKey extends PrivateKeyHandle {
  readonly key: CryptoKey;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new LicenceError("ERR_ALGORITHM_UNSUPPORTED", "This platform has no WebCrypto.");
  return s;
}

type KeyAlgorithmParams = EcKeyImportParams | RsaHashedImportParams | Algorithm;

function importParams(alg: SignatureAlgorithm): KeyAlgorithmParams {
  const shape = ALGORITHM_KEYS[alg];
  if (shape.kty === "EC") return { name: "ECDSA", namedCurve: shape.curve! };
  if (shape.kty === "OKP") return { name: "Ed25519" };
  return { name: alg.startsWith("PS") ? "RSA-PSS" : "RSASSA-PKCS1-v1_5", hash: shape.hash! };
}

function signParams(alg: SignatureAlgorithm): AlgorithmIdentifier | EcdsaParams | RsaPssParams {
  const shape = ALGORITHM_KEYS[alg];
  if (shape.kty === "EC") return { name: "ECDSA", hash: shape.hash! };
  if (shape.kty === "OKP") return { name: "Ed25519" };
  if (alg.startsWith("PS")) {
    const saltLength = shape.hash === "SHA-256" ? 32 : shape.hash === "SHA-384" ? 48 : 64;
    return { name: "RSA-PSS", saltLength };
  }
  return { name: "RSASSA-PKCS1-v1_5" };
}

function checkRsaSize(key: CryptoKey, alg: SignatureAlgorithm): void {
  if (ALGORITHM_KEYS[alg].kty !== "RSA") return;
  const bits = (key.algorithm as RsaHashedKeyAlgorithm).modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new LicenceError("ERR_KEY_INVALID", "The key does not fit the signature algorithm.", { details: { alg } });
}

const utf8 = new TextEncoder();

function copy(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(data);
}

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  return out;
}

// WebCrypto has no SM2: SM2 and SM3 are pure JavaScript (sm2.ts, sm3.ts), synchronous.
const sm2 = createSm2Backend(sm3, randomBytes);

/** The WebCrypto backend instance. */
export const backend: CryptoBackend = {
  name: "web",
  sha256: (data) => sha256(data),
  sha384: (data) => sha384(data),
  sha512: (data) => sha512(data),
  sm3,
  randomBytes,
  base64urlEncode: encodeBase64url,
  base64urlDecode: decodeBase64url,
  sha256Base64url: (text) => encodeBase64url(sha256(utf8.encode(text))),
  base64urlEncodeText: (text) => encodeBase64url(utf8.encode(text)),
  asciiBytes: (text) => utf8.encode(text),
  async importPublicKey(spki, alg) {
    if (alg === "SM2SM3") return sm2.importPublicKey(spki);
    let key: CryptoKey;
    try {
      key = await subtle().importKey("spki", copy(spki), importParams(alg), true, ["verify"]);
    } catch (cause) {
      throw new LicenceError("ERR_KEY_INVALID", "The key does not fit the signature algorithm.", { cause, details: { alg } });
    }
    checkRsaSize(key, alg);
    const handle: WebPublicKey = { kind: "public", alg, spki, key };
    return handle;
  },
  async importPrivateKey(pkcs8, alg) {
    if (alg === "SM2SM3") return sm2.importPrivateKey(pkcs8);
    let key: CryptoKey;
    try {
      key = await subtle().importKey("pkcs8", copy(pkcs8), importParams(alg), false, ["sign"]);
    } catch (cause) {
      throw new LicenceError("ERR_KEY_INVALID", "The key does not fit the signature algorithm.", { cause, details: { alg } });
    }
    checkRsaSize(key, alg);
    const handle: WebPrivateKey = { kind: "private", alg, key };
    return handle;
  },
  async generateKeyPair(alg): Promise<GeneratedKeyPair> {
    if (alg === "SM2SM3") return sm2.generateKeyPair();
    const params = importParams(alg);
    const genParams =
      ALGORITHM_KEYS[alg].kty === "RSA"
        ? { ...(params as RsaHashedImportParams), modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]) }
        : params;
    const pair = (await subtle().generateKey(genParams, true, ["sign", "verify"])) as CryptoKeyPair;
    const spki = new Uint8Array(await subtle().exportKey("spki", pair.publicKey));
    const pkcs8 = new Uint8Array(await subtle().exportKey("pkcs8", pair.privateKey));
    const privateKey: WebPrivateKey = { kind: "private", alg, key: pair.privateKey };
    const publicKey: WebPublicKey = { kind: "public", alg, spki, key: pair.publicKey };
    return { pkcs8, spki, privateKey, publicKey };
  },
  async sign(handle, data) {
    if (handle.alg === "SM2SM3") return sm2.sign(handle, data);
    const { key, alg } = handle as WebPrivateKey;
    return new Uint8Array(await subtle().sign(signParams(alg), key, copy(data)));
  },
  async verify(handle, data, signature) {
    if (handle.alg === "SM2SM3") return sm2.verify(handle, data, signature);
    const { key, alg } = handle as WebPublicKey;
    const expected = ALGORITHM_KEYS[alg].signatureLength;
    if (expected !== undefined && signature.length !== expected) return false;
    try {
      return await subtle().verify(signParams(alg), key, copy(signature), copy(data));
    } catch {
      return false;
    }
  },
};
