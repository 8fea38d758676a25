/**
 * The Node.js crypto backend: node:crypto, synchronous underneath (no WebCrypto promise hops), which
 * is what lets verification run close to the raw `crypto.verify` rate.
 *
 * @module
 */
import * as nodeCrypto from "node:crypto";
import { ALGORITHM_KEYS, MIN_RSA_BITS, type SignatureAlgorithm } from "./algorithms.js";
import type { CryptoBackend, GeneratedKeyPair, PrivateKeyHandle, PublicKeyHandle } from "./backend.js";
import { LicenceError } from "../errors/errors.js";
import { sm3 as sm3Js } from "./sm3.js";
import { createSm2Backend } from "./sm2-handle.js";

interface NodePublicKey extends PublicKeyHandle {
  readonly key: nodeCrypto.KeyObject;
}
interface NodePrivateKey extends PrivateKeyHandle {
  readonly key: nodeCrypto.KeyObject;
}

const NODE_HASH: Record<string, string> = { "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };
const NODE_CURVE: Record<string, string> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1" };
const hasOneShotHash = typeof (nodeCrypto as { hash?: unknown }).hash === "function";

function digest(algorithm: string, data: Uint8Array): Uint8Array {
  if (hasOneShotHash) {
    const out = (nodeCrypto as unknown as { hash(a: string, d: Uint8Array, e: "buffer"): Buffer }).hash(algorithm, data, "buffer");
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  const out = nodeCrypto.createHash(algorithm).update(data).digest();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

const B64_VALUE = new Uint8Array(128);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach((ch, i) => (B64_VALUE[ch.charCodeAt(0)] = i));

/** Checks that a Node key object fits the algorithm; throws ERR_KEY_INVALID when not. */
function checkKeyFits(key: nodeCrypto.KeyObject, alg: SignatureAlgorithm): void {
  const shape = ALGORITHM_KEYS[alg];
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  let ok = false;
  if (shape.kty === "EC") ok = type === "ec" && details.namedCurve === NODE_CURVE[shape.curve ?? ""];
  else if (shape.kty === "OKP") ok = type === "ed25519";
  else ok = (type === "rsa" || type === "rsa-pss") && (details.modulusLength ?? 0) >= MIN_RSA_BITS;
  if (!ok) throw new LicenceError("ERR_KEY_INVALID", "The key does not fit the signature algorithm.", { details: { alg } });
}

function signOptions(alg: SignatureAlgorithm, key: nodeCrypto.KeyObject): nodeCrypto.SignKeyObjectInput {
  const shape = ALGORITHM_KEYS[alg];
  if (shape.kty === "EC") return { key, dsaEncoding: "ieee-p1363" };
  if (alg.startsWith("PS")) {
    const saltLength = shape.hash === "SHA-256" ? 32 : shape.hash === "SHA-384" ? 48 : 64;
    return { key, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength };
  }
  if (alg.startsWith("RS")) return { key, padding: nodeCrypto.constants.RSA_PKCS1_PADDING };
  return { key };
}

function hashName(alg: SignatureAlgorithm): string | null {
  const hash = ALGORITHM_KEYS[alg].hash;
  return hash === null ? null : NODE_HASH[hash]!;
}

function toU8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// Small random requests (salts) are served from a pool refilled 4 KiB at a time: one call into the
// CSPRNG per ~256 salts instead of one each. Bytes handed out are copied and wiped from the pool.
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomBytes(length: number): Uint8Array {
  if (length > 256) return toU8(nodeCrypto.randomBytes(length));
  if (poolOffset + length > POOL_SIZE) {
    nodeCrypto.randomFillSync(pool);
    poolOffset = 0;
  }
  const out = pool.slice(poolOffset, poolOffset + length);
  pool.fill(0, poolOffset, poolOffset + length);
  poolOffset += length;
  return out;
}

// SM3 through OpenSSL where Node's OpenSSL has it (Debian's and the official builds do); SM2 itself
// is ours (sm2.ts): node:crypto signs ECDSA, not SM2, with an SM2-curve key.
const sm3: (data: Uint8Array) => Uint8Array = nodeCrypto.getHashes().includes("sm3") ? (data) => digest("sm3", data) : sm3Js;
const sm2 = createSm2Backend(sm3, randomBytes);

// UTF-8 text to base64url through one scratch buffer (no Buffer per call): a disclosure or a
// payload is written, encoded and done with before the next call. A UTF-16 code unit takes at most
// 3 UTF-8 bytes, so text up to a third of the scratch always fits; longer text gets its own Buffer.
const SCRATCH_SIZE = 16 * 1024;
const scratch = Buffer.allocUnsafe(SCRATCH_SIZE);

function base64urlEncodeText(text: string): string {
  if (text.length > SCRATCH_SIZE / 3) return Buffer.from(text, "utf8").toString("base64url");
  const length = scratch.write(text, 0, "utf8");
  return scratch.toString("base64url", 0, length);
}

/** Synchronous verification, for callers on the hot path. Returns false on any malformed input. */
export function verifySync(handle: PublicKeyHandle, data: Uint8Array, signature: Uint8Array): boolean {
  if (handle.alg === "SM2SM3") return sm2.verify(handle, data, signature);
  const { key, alg } = handle as NodePublicKey;
  const expected = ALGORITHM_KEYS[alg].signatureLength;
  if (expected !== undefined && signature.length !== expected) return false;
  try {
    return nodeCrypto.verify(hashName(alg), data, signOptions(alg, key) as nodeCrypto.VerifyKeyObjectInput, signature);
  } catch {
    return false;
  }
}

/** Synchronous signing, for callers on the hot path. */
export function signSync(handle: PrivateKeyHandle, data: Uint8Array): Uint8Array {
  if (handle.alg === "SM2SM3") return sm2.sign(handle, data);
  const { key, alg } = handle as NodePrivateKey;
  return toU8(nodeCrypto.sign(hashName(alg), data, signOptions(alg, key)));
}

/** The Node.js backend instance. */
export const backend: CryptoBackend = {
  name: "node",
  sha256: (data) => digest("sha256", data),
  sha384: (data) => digest("sha384", data),
  sha512: (data) => digest("sha512", data),
  sm3,
  randomBytes,
  base64urlEncode: (data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64url"),
  sha256Base64url: hasOneShotHash
    ? (text) => (nodeCrypto as unknown as { hash(a: string, d: string, e: "base64url"): string }).hash("sha256", text, "base64url")
    : (text) => nodeCrypto.createHash("sha256").update(text, "utf8").digest("base64url"),
  base64urlEncodeText,
  asciiBytes: (text) => toU8(Buffer.from(text, "latin1")),
  base64urlDecode(text) {
    // Buffer's decoder is lenient: it skips characters outside the alphabet (whitespace, padding,
    // junk) and also takes the standard alphabet's '+' and '/'. A skipped character always makes
    // the output shorter than ⌊3·length/4⌋, so the length check catches those; '+' and '/' are
    // looked for directly. Cheaper than a regular expression over a 3 KB JWS header.
    const rest = text.length % 4;
    if (rest === 1) return null;
    // Reject non-canonical trailing bits, so one byte string has exactly one encoding: the last
    // character of a 2- or 3-character tail may only carry 4 or 2 significant bits.
    if (rest !== 0 && (B64_VALUE[text.charCodeAt(text.length - 1)]! & (rest === 2 ? 0x0f : 0x03)) !== 0) return null;
    const out = Buffer.from(text, "base64url");
    if (out.length !== Math.floor((text.length * 3) / 4) || text.indexOf("+") >= 0 || text.indexOf("/") >= 0) return null;
    return toU8(out);
  },
  async importPublicKey(spki, alg) {
    if (alg === "SM2SM3") return sm2.importPublicKey(spki);
    let key: nodeCrypto.KeyObject;
    try {
      key = nodeCrypto.createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    } catch (cause) {
      throw new LicenceError("ERR_KEY_INVALID", "The public key cannot be read.", { cause });
    }
    checkKeyFits(key, alg);
    const handle: NodePublicKey = { kind: "public", alg, spki, key };
    return handle;
  },
  async importPrivateKey(pkcs8, alg) {
    if (alg === "SM2SM3") return sm2.importPrivateKey(pkcs8);
    let key: nodeCrypto.KeyObject;
    try {
      key = nodeCrypto.createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
    } catch (cause) {
      throw new LicenceError("ERR_KEY_INVALID", "The private key cannot be read.", { cause });
    }
    checkKeyFits(key, alg);
    const handle: NodePrivateKey = { kind: "private", alg, key };
    return handle;
  },
  async generateKeyPair(alg): Promise<GeneratedKeyPair> {
    if (alg === "SM2SM3") return sm2.generateKeyPair();
    const shape = ALGORITHM_KEYS[alg];
    const pair =
      shape.kty === "EC"
        ? nodeCrypto.generateKeyPairSync("ec", { namedCurve: NODE_CURVE[shape.curve!]! })
        : shape.kty === "OKP"
          ? nodeCrypto.generateKeyPairSync("ed25519")
          : nodeCrypto.generateKeyPairSync("rsa", { modulusLength: 3072 });
    const spki = toU8(pair.publicKey.export({ format: "der", type: "spki" }));
    const pkcs8 = toU8(pair.privateKey.export({ format: "der", type: "pkcs8" }));
    const privateKey: NodePrivateKey = { kind: "private", alg, key: pair.privateKey };
    const publicKey: NodePublicKey = { kind: "public", alg, spki, key: pair.publicKey };
    return { pkcs8, spki, privateKey, publicKey };
  },
  signSync,
  verifySync,
  async sign(key, data) {
    return signSync(key, data);
  },
  async verify(key, data, signature) {
    return verifySync(key, data, signature);
  },
};
