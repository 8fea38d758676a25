/**
 * Certificate signature algorithms: which ones we check, how a certificate's signature maps onto
 * the crypto backend, and the ECDSA DER → IEEE P1363 conversion (internal).
 *
 * @module
 */
import { MIN_RSA_BITS, type SignatureAlgorithm } from "../crypto/algorithms.js";
import {
  type DerNode,
  DerError,
  TAG,
  decodeDer,
  isContext,
  isUniversal,
  readBitString,
  readInteger,
  readNull,
  readOid,
  readSequence,
  readSmallInteger,
} from "../encoding/der.js";
import { OID_KEY, OID_SIG } from "./oids.js";

type Hash = "SHA-256" | "SHA-384" | "SHA-512" | "SM3";

/** How a certificate is signed, when we support it. */
export interface SignatureScheme {
  readonly kind: "ecdsa" | "eddsa" | "rsa-pkcs1" | "rsa-pss" | "sm2";
  readonly hash: Hash | null;
}

/** What a SubjectPublicKeyInfo holds. */
export interface PublicKeyInfo {
  /** Key type; `unknown` for anything we cannot use (DSA, Ed448, explicit EC parameters, …). */
  readonly kty: "EC" | "OKP" | "RSA" | "unknown";
  /** The SPKI algorithm OID. */
  readonly oid: string;
  /** `P-256`, `P-384`, `P-521`, `SM2` or `Ed25519`; for another named curve, its OID. */
  readonly curve?: string;
  /** RSA modulus length in bits. */
  readonly modulusBits?: number;
}

const HASH_BY_OID: Readonly<Record<string, Hash>> = {
  [OID_SIG.sha256]: "SHA-256",
  [OID_SIG.sha384]: "SHA-384",
  [OID_SIG.sha512]: "SHA-512",
};
const HASH_LENGTH: Readonly<Record<Hash, number>> = { "SHA-256": 32, "SHA-384": 48, "SHA-512": 64, SM3: 32 };
const CURVES: Readonly<Record<string, string>> = { [OID_KEY.p256]: "P-256", [OID_KEY.p384]: "P-384", [OID_KEY.p521]: "P-521", [OID_KEY.sm2]: "SM2" };
const CURVE_SIZE: Readonly<Record<string, number>> = { "P-256": 32, "P-384": 48, "P-521": 66 };

/** Reads a hash AlgorithmIdentifier whose parameters are absent or NULL. */
function readHashAlgorithm(node: DerNode | undefined): Hash | undefined {
  const [oidNode, params, ...rest] = readSequence(node, 1, 2);
  if (rest.length) return undefined;
  if (params !== undefined) readNull(params);
  return HASH_BY_OID[readOid(oidNode)];
}

/** RFC 4055 RSASSA-PSS-params: we accept SHA-2 with MGF1 of the same hash and salt = hash length. */
function readPssParams(params: DerNode | undefined): SignatureScheme | undefined {
  if (params === undefined) return undefined;
  let hash: Hash | undefined;
  let mgfHash: Hash | undefined;
  let salt = 20;
  let trailer = 1;
  let last = -1;
  for (const field of readSequence(params, 0, 4)) {
    if (field.cls !== 2 || !field.constructed || field.tag > 3 || field.tag <= last || field.children.length !== 1) throw new DerError("malformed RSASSA-PSS parameters");
    last = field.tag;
    const inner = field.children[0];
    if (isContext(field, 0)) hash = readHashAlgorithm(inner);
    else if (isContext(field, 1)) {
      const [mgfOid, mgfParams] = readSequence(inner, 2, 2);
      if (readOid(mgfOid) !== OID_SIG.mgf1) return undefined;
      mgfHash = readHashAlgorithm(mgfParams);
    } else if (isContext(field, 2)) salt = readSmallInteger(inner);
    else trailer = readSmallInteger(inner);
  }
  if (hash === undefined || mgfHash !== hash || salt !== HASH_LENGTH[hash] || trailer !== 1) return undefined;
  return { kind: "rsa-pss", hash };
}

/**
 * Maps an AlgorithmIdentifier onto a scheme we can check; `undefined` when unsupported (including
 * supported OIDs carrying parameters they must not have).
 */
export function parseSignatureAlgorithm(oid: string, params: DerNode | undefined): SignatureScheme | undefined {
  const isNull = params !== undefined && isUniversal(params, TAG.NULL) && params.content.length === 0;
  switch (oid) {
    case OID_SIG.ecdsaWithSha256:
      return params === undefined ? { kind: "ecdsa", hash: "SHA-256" } : undefined;
    case OID_SIG.ecdsaWithSha384:
      return params === undefined ? { kind: "ecdsa", hash: "SHA-384" } : undefined;
    case OID_SIG.ecdsaWithSha512:
      return params === undefined ? { kind: "ecdsa", hash: "SHA-512" } : undefined;
    case OID_SIG.ed25519:
      return params === undefined ? { kind: "eddsa", hash: null } : undefined;
    case OID_SIG.sha256WithRsa:
      return params === undefined || isNull ? { kind: "rsa-pkcs1", hash: "SHA-256" } : undefined;
    case OID_SIG.sha384WithRsa:
      return params === undefined || isNull ? { kind: "rsa-pkcs1", hash: "SHA-384" } : undefined;
    case OID_SIG.sha512WithRsa:
      return params === undefined || isNull ? { kind: "rsa-pkcs1", hash: "SHA-512" } : undefined;
    case OID_SIG.rsassaPss:
      return readPssParams(params);
    // GM/T 0015-2012 §7.2 (SM3withSM2): parameters absent, as OpenSSL writes and reads them.
    case OID_SIG.sm3WithSm2:
      return params === undefined ? { kind: "sm2", hash: "SM3" } : undefined;
    default:
      return undefined;
  }
}

function bitLength(magnitude: Uint8Array): number {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  if (i === magnitude.length) return 0;
  return (magnitude.length - i - 1) * 8 + (32 - Math.clz32(magnitude[i]!));
}

/** Reads what a SubjectPublicKeyInfo holds (the key itself is checked on import). */
export function parsePublicKeyInfo(spki: DerNode): PublicKeyInfo {
  const [algorithm, keyBits] = readSequence(spki, 2, 2);
  const [oidNode, params, ...rest] = readSequence(algorithm, 1, 2);
  if (rest.length) throw new DerError("malformed AlgorithmIdentifier");
  const oid = readOid(oidNode);
  const key = readBitString(keyBits);
  if (oid === OID_KEY.ecPublicKey) {
    if (!isUniversal(params, TAG.OID)) return { kty: "EC", oid };
    const curveOid = readOid(params);
    return { kty: "EC", oid, curve: CURVES[curveOid] ?? curveOid };
  }
  if (oid === OID_KEY.ed25519) return params === undefined ? { kty: "OKP", oid, curve: "Ed25519" } : { kty: "unknown", oid };
  if (oid === OID_KEY.rsaEncryption || oid === OID_KEY.rsassaPss) {
    if (key.unusedBits !== 0) throw new DerError("malformed RSA public key");
    const [n] = readSequence(decodeDer(key.bytes, { maxDepth: 4 }), 2, 2);
    const modulus = readInteger(n);
    if (modulus[0]! >= 0x80) throw new DerError("negative RSA modulus");
    return { kty: "RSA", oid, modulusBits: bitLength(modulus) };
  }
  return { kty: "unknown", oid };
}

/** The JWS algorithm a key serves: EC P-256 → ES256, P-384 → ES384, P-521 → ES512, SM2 → SM2SM3, Ed25519 → EdDSA, RSA → PS256. */
export function keyAlgorithm(info: PublicKeyInfo): SignatureAlgorithm | undefined {
  if (info.kty === "EC" && info.curve === "SM2") return "SM2SM3";
  if (info.kty === "EC") return info.curve === "P-256" ? "ES256" : info.curve === "P-384" ? "ES384" : info.curve === "P-521" ? "ES512" : undefined;
  if (info.kty === "OKP") return "EdDSA";
  if (info.kty === "RSA" && info.oid === OID_KEY.rsaEncryption) return (info.modulusBits ?? 0) >= MIN_RSA_BITS ? "PS256" : undefined;
  return undefined;
}

/**
 * The backend algorithm that checks a certificate signed with `scheme` by the issuer key `key`, or
 * `undefined` when the pair is unsupported. The backend binds ECDSA curves to hashes (ES256 =
 * P-256 + SHA-256, …), so e.g. ecdsa-with-SHA384 under a P-256 key is unsupported.
 */
export function verificationAlgorithm(scheme: SignatureScheme, key: PublicKeyInfo): SignatureAlgorithm | undefined {
  switch (scheme.kind) {
    case "ecdsa": {
      if (key.kty !== "EC") return undefined;
      const want = scheme.hash === "SHA-256" ? "P-256" : scheme.hash === "SHA-384" ? "P-384" : "P-521";
      if (key.curve !== want) return undefined;
      return scheme.hash === "SHA-256" ? "ES256" : scheme.hash === "SHA-384" ? "ES384" : "ES512";
    }
    case "eddsa":
      return key.kty === "OKP" ? "EdDSA" : undefined;
    case "sm2":
      return key.kty === "EC" && key.curve === "SM2" ? "SM2SM3" : undefined;
    case "rsa-pkcs1":
      if (key.kty !== "RSA" || key.oid !== OID_KEY.rsaEncryption) return undefined;
      return scheme.hash === "SHA-256" ? "RS256" : scheme.hash === "SHA-384" ? "RS384" : "RS512";
    case "rsa-pss":
      if (key.kty !== "RSA") return undefined;
      return scheme.hash === "SHA-256" ? "PS256" : scheme.hash === "SHA-384" ? "PS384" : "PS512";
  }
}

/**
 * The signature as the crypto backend takes it: ECDSA and SM2 signatures travel in X.509, CRLs,
 * OCSP and CMS as a DER ECDSA-Sig-Value (RFC 5480 §2.2.3; for SM2, GM/T 0009-2012 §7.3 SM2Signature
 * is the same SEQUENCE { r INTEGER, s INTEGER }) and the backend takes r‖s; other algorithms as
 * carried. `undefined` when a DER value is malformed or too long for the curve (the backend then
 * checks r, s ∈ [1, n−1]).
 */
export function backendSignature(signature: Uint8Array, alg: SignatureAlgorithm): Uint8Array | undefined {
  return alg.startsWith("ES") || alg === "SM2SM3" ? ecdsaDerToP1363(signature, alg) : signature;
}

/** Converts an ECDSA-Sig-Value (DER) to r‖s of the curve's size; `undefined` when malformed. */
export function ecdsaDerToP1363(signature: Uint8Array, alg: SignatureAlgorithm): Uint8Array | undefined {
  const size = alg === "SM2SM3" ? 32 : CURVE_SIZE[alg === "ES256" ? "P-256" : alg === "ES384" ? "P-384" : "P-521"]!;
  try {
    const [r, s] = readSequence(decodeDer(signature, { maxDepth: 2 }), 2, 2).map(readInteger) as [Uint8Array, Uint8Array];
    const out = new Uint8Array(2 * size);
    for (const [value, offset] of [[r, 0], [s, size]] as const) {
      if (value[0]! >= 0x80) return undefined;
      const magnitude = value[0] === 0 ? value.subarray(1) : value;
      if (magnitude.length > size) return undefined;
      out.set(magnitude, offset + size - magnitude.length);
    }
    return out;
  } catch {
    return undefined;
  }
}
