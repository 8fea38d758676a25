/**
 * SM2 digital signatures (GB/T 32918.2-2016 = GM/T 0003.2-2012) with SM3, on the recommended curve
 * sm2p256v1 (GB/T 32918.5-2017 = GM/T 0003.5-2012), written on @noble/curves' Weierstrass arithmetic.
 *
 * Why our own: no npm package is both correct and kept on the current @noble line. `sm-crypto-v2`
 * (the maintained fork) pins @noble/curves 1.x — a second copy of the curve and hash libraries in
 * core — takes hex strings, and its verifier skips the range checks of §7.1 B1/B2 (r, s ∈ [1, n−1]):
 * s = 0 or s ≥ n makes its scalar multiplication throw instead of returning false. Node's crypto
 * signs ECDSA, not SM2, over an SM2-curve key. The algorithm is short; the curve arithmetic
 * (constant-time multiplication for signing) is @noble/curves'.
 *
 * Pure JavaScript and synchronous, so the same code serves the Node and the browser backends.
 *
 * @module
 */
import { weierstrass } from "@noble/curves/abstract/weierstrass.js";
import { sm3 } from "./sm3.js";

/** GB/T 32918.5-2017 §A (recommended curve parameters). */
const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const A = 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn;
const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
const GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
const GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;

const Point = /* @__PURE__ */ weierstrass({ p: P, n: N, h: 1n, a: A, b: B, Gx: GX, Gy: GY });
/** A decoded point of sm2p256v1 (an @noble/curves projective point). @internal */
export type Sm2Point = InstanceType<typeof Point>;

/** The default distinguishing identifier (GM/T 0009-2012 §10; OpenSSL's default `distid`). */
export const SM2_DEFAULT_ID: Uint8Array = /* @__PURE__ */ new TextEncoder().encode("1234567812345678");

/** Longest distinguishing identifier: ENTL is a 16-bit count of bits (GB/T 32918.2 §5.5). */
export const SM2_MAX_ID_BYTES = 8191;

/** Length of an SM2 signature as r‖s, each 32 bytes big-endian. */
export const SM2_SIGNATURE_LENGTH = 64;

/** Hash used for ZA and e (SM3, 32 bytes). Node passes its native SM3; browsers the pure-JS one. */
export type Sm3Function = (data: Uint8Array) => Uint8Array;

let basePrecomputed = false;
function base(): Sm2Point {
  if (!basePrecomputed) {
    Point.BASE.precompute(8);
    basePrecomputed = true;
  }
  return Point.BASE;
}

function toBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function to32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** Modular inverse by Fermat (n is prime). */
function invN(a: bigint): bigint {
  let result = 1n;
  let b = mod(a, N);
  for (let e = N - 2n; e > 0n; e >>= 1n, b = (b * b) % N) if (e & 1n) result = (result * b) % N;
  return result;
}

/**
 * Decodes an uncompressed public point (0x04‖x‖y, 65 bytes) and checks it lies on the curve and is
 * not the point at infinity; `null` otherwise. Compressed points are refused: one key, one encoding.
 */
export function sm2DecodePublicPoint(bytes: Uint8Array): Sm2Point | null {
  if (bytes.length !== 65 || bytes[0] !== 0x04) return null;
  try {
    const point = Point.fromBytes(bytes);
    point.assertValidity();
    return point;
  } catch {
    return null;
  }
}

/** True when `d` (32 bytes) is a usable SM2 private key: 1 ≤ d ≤ n − 2 (GB/T 32918.1 §6.1). */
export function sm2IsValidPrivateKey(d: Uint8Array): boolean {
  if (d.length !== 32) return false;
  const v = toBigInt(d);
  return v >= 1n && v <= N - 2n;
}

/** The uncompressed public point 0x04‖x‖y of a private key. */
export function sm2PublicFromPrivate(d: Uint8Array): Uint8Array {
  if (!sm2IsValidPrivateKey(d)) throw new RangeError("An SM2 private key is 32 bytes in [1, n-2].");
  return base().multiply(toBigInt(d)).toBytes(false);
}

/**
 * ZA = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) (GB/T 32918.2-2016 §5.5).
 *
 * @param id - the signer's distinguishing identifier (at most 8191 bytes)
 * @param publicPoint - the signer's uncompressed public point (65 bytes)
 * @param hash - SM3
 */
export function sm2Za(id: Uint8Array, publicPoint: Uint8Array, hash: Sm3Function = sm3): Uint8Array {
  if (id.length > SM2_MAX_ID_BYTES) throw new RangeError("An SM2 distinguishing identifier is at most 8191 bytes.");
  if (publicPoint.length !== 65 || publicPoint[0] !== 0x04) throw new RangeError("An SM2 public point is 65 bytes, uncompressed.");
  const bits = id.length * 8;
  const input = new Uint8Array(2 + id.length + 32 * 4 + 64);
  input[0] = bits >>> 8;
  input[1] = bits & 0xff;
  input.set(id, 2);
  let at = 2 + id.length;
  for (const v of [A, B, GX, GY]) {
    input.set(to32(v), at);
    at += 32;
  }
  input.set(publicPoint.subarray(1), at);
  return hash(input);
}

/** e = SM3(ZA ‖ M) as an integer (§6.1 A1–A2, §7.1 B3–B4). */
function messageScalar(za: Uint8Array, message: Uint8Array, hash: Sm3Function): bigint {
  const input = new Uint8Array(za.length + message.length);
  input.set(za);
  input.set(message, za.length);
  return toBigInt(hash(input));
}

/** What signing needs besides the key and the message. */
export interface Sm2SignOptions {
  /** The signer's distinguishing identifier; default `1234567812345678`. */
  readonly id?: Uint8Array;
  /** SM3; default the pure-JS one. */
  readonly hash?: Sm3Function;
  /** A CSPRNG; each call returns `length` fresh bytes. */
  readonly randomBytes: (length: number) => Uint8Array;
  /** ZA, when the caller has it cached for this key and ID (it is a pure function of both). */
  readonly za?: Uint8Array;
}

/** Draws k uniformly in [1, n − 1] by rejection (no modulo bias). */
function drawK(randomBytes: (length: number) => Uint8Array): bigint {
  for (;;) {
    const k = toBigInt(randomBytes(32));
    if (k >= 1n && k < N) return k;
  }
}

/**
 * Signs `message` with SM2 (GB/T 32918.2-2016 §6.1); returns r‖s (64 bytes).
 *
 * @param privateKey - d, 32 bytes big-endian, 1 ≤ d ≤ n − 2
 * @param message - M, the message itself (ZA is prepended and hashed here)
 * @param options - the random source, and optionally the ID, SM3 and a cached ZA
 * @example
 * ```ts
 * const sig = sm2Sign(d, data, { randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)) });
 * ```
 */
export function sm2Sign(privateKey: Uint8Array, message: Uint8Array, options: Sm2SignOptions): Uint8Array {
  const hash = options.hash ?? sm3;
  if (!sm2IsValidPrivateKey(privateKey)) throw new RangeError("An SM2 private key is 32 bytes in [1, n-2].");
  const d = toBigInt(privateKey);
  const za = options.za ?? sm2Za(options.id ?? SM2_DEFAULT_ID, sm2PublicFromPrivate(privateKey), hash);
  const e = messageScalar(za, message, hash);
  const dInv = invN(1n + d);
  for (;;) {
    const k = drawK(options.randomBytes);
    const x1 = base().multiply(k).toAffine().x; // A4: constant-time multiplication
    const r = mod(e + x1, N); // A5
    if (r === 0n || r + k === N) continue;
    const s = mod(dInv * (k - r * d), N); // A6
    if (s === 0n) continue;
    const out = new Uint8Array(64);
    out.set(to32(r));
    out.set(to32(s), 32);
    return out;
  }
}

/** What verification needs besides the key, message and signature. */
export interface Sm2VerifyOptions {
  /** The signer's distinguishing identifier; default `1234567812345678`. */
  readonly id?: Uint8Array;
  /** SM3; default the pure-JS one. */
  readonly hash?: Sm3Function;
  /** ZA, when the caller has it cached for this key and ID. */
  readonly za?: Uint8Array;
}

/**
 * Verifies an SM2 signature r‖s (GB/T 32918.2-2016 §7.1). Returns false — never throws — for a
 * wrong or malformed signature or key: wrong length, r or s outside [1, n − 1], t = 0, a point that
 * is not on the curve.
 *
 * @param publicPoint - the signer's uncompressed public point (65 bytes)
 * @param message - M
 * @param signature - r‖s, 64 bytes
 * @param options - the ID (default `1234567812345678`), SM3, a cached ZA
 * @example
 * ```ts
 * if (!sm2Verify(point, data, sig)) throw new Error("bad signature");
 * ```
 */
export function sm2Verify(publicPoint: Uint8Array, message: Uint8Array, signature: Uint8Array, options: Sm2VerifyOptions = {}): boolean {
  const point = sm2DecodePublicPoint(publicPoint);
  return point !== null && sm2VerifyPoint(point, message, signature, options);
}

/**
 * A verifier bound to one SM2 public key and distinguishing identifier: the point is decoded and
 * ZA computed once, and after a few verifications the point gets the precomputed window table the
 * base point has, so a key that verifies many signatures — a
 * department's, the trust list's — costs two fixed-base multiplications per signature.
 *
 * @param publicPoint - the uncompressed public point (65 bytes)
 * @param options - the ID (default `1234567812345678`) and SM3
 * @returns the verifier, or `null` when the point is not on the curve
 * @example
 * ```ts
 * const verify = createSm2Verifier(point);
 * if (!verify?.(data, sig)) throw new Error("bad signature");
 * ```
 */
export function createSm2Verifier(publicPoint: Uint8Array, options: Pick<Sm2VerifyOptions, "id" | "hash"> = {}): ((message: Uint8Array, signature: Uint8Array) => boolean) | null {
  const point = sm2DecodePublicPoint(publicPoint);
  if (point === null) return null;
  const hash = options.hash ?? sm3;
  const za = sm2Za(options.id ?? SM2_DEFAULT_ID, publicPoint, hash);
  return (message, signature) => sm2VerifyPoint(point, message, signature, { za, hash });
}

/**
 * Verifications with one point before it gets a precomputed 8-bit window table, as the base point
 * has (about 600 KB and a few thousand point additions, once): a key that verifies thousands of
 * signatures then costs a fixed-base multiplication; one used a few times never pays for the table.
 */
const PRECOMPUTE_AFTER = 16;
const uses = new WeakMap<Sm2Point, number>();

/** {@link sm2Verify} with the public point already decoded (decode once, verify many). @internal */
export function sm2VerifyPoint(point: Sm2Point, message: Uint8Array, signature: Uint8Array, options: Sm2VerifyOptions = {}): boolean {
  const n = (uses.get(point) ?? 0) + 1;
  if (n <= PRECOMPUTE_AFTER) uses.set(point, n);
  if (n === PRECOMPUTE_AFTER) point.precompute(8, false);
  if (signature.length !== SM2_SIGNATURE_LENGTH) return false;
  const r = toBigInt(signature.subarray(0, 32));
  const s = toBigInt(signature.subarray(32));
  if (r < 1n || r >= N || s < 1n || s >= N) return false; // B1, B2
  const hash = options.hash ?? sm3;
  let za = options.za;
  if (za === undefined) {
    const id = options.id ?? SM2_DEFAULT_ID;
    if (id.length > SM2_MAX_ID_BYTES) return false;
    za = sm2Za(id, point.toBytes(false), hash);
  }
  const e = messageScalar(za, message, hash); // B3, B4
  const t = mod(r + s, N); // B5
  if (t === 0n) return false;
  const sum = base().multiply(s).add(point.multiplyUnsafe(t)); // B6 (public data: variable time is fine)
  if (sum.is0()) return false;
  return mod(e + sum.toAffine().x, N) === r; // B7
}
