/**
 * Holder keys: the public key a holder-bound licence carries in `cnf` (RFC 7800 §3.2, a JWK), read
 * strictly, turned into a key the crypto backend can verify with, and made for a new holder.
 *
 * Only the two algorithms a phone's secure element or WebCrypto offers everywhere are accepted:
 * ES256 (P-256) and EdDSA (Ed25519). A JWK with private members (`d`) is refused: a licence must
 * never carry, and an issuer must never receive, the holder's private key.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import type { PublicKeyHandle } from "../crypto/backend.js";
import { LicenceError } from "../errors/errors.js";
import { isJsonObject } from "../encoding/json.js";

/** A holder's public key as a JWK (RFC 7517): P-256 for ES256 or Ed25519 for EdDSA. */
export type HolderPublicJwk =
  | { readonly kty: "EC"; readonly crv: "P-256"; readonly x: string; readonly y: string }
  | { readonly kty: "OKP"; readonly crv: "Ed25519"; readonly x: string };

/** The algorithms a holder may sign a key-binding JWT with. */
export type HolderKeyAlgorithm = "ES256" | "EdDSA";

/** The holder key algorithms, in preference order. */
export const HOLDER_KEY_ALGORITHMS: readonly HolderKeyAlgorithm[] = Object.freeze(["ES256", "EdDSA"]);

// SubjectPublicKeyInfo prefixes (RFC 5480 id-ecPublicKey + prime256v1, uncompressed point; RFC 8410 id-Ed25519).
const P256_SPKI_PREFIX = Uint8Array.from([0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04]);
const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
/** Members a holder JWK may have besides the key itself (RFC 7517 §4). */
const OPTIONAL_MEMBERS = new Set(["kid", "alg", "use", "key_ops"]);
const COORDINATE = /^[A-Za-z0-9_-]{43}$/;

function invalid(reason: string): LicenceError {
  return new LicenceError("ERR_KEY_INVALID", "The holder key is not a supported public key.", { details: { reason } });
}

/**
 * Reads a holder's public JWK strictly: EC P-256 (`x`, `y`) or OKP Ed25519 (`x`), 32-byte
 * coordinates in base64url, no private members; `kid`, `alg`, `use`, `key_ops` are allowed and
 * dropped. Returns the key with only its defining members.
 *
 * @param value - the JWK (parsed JSON)
 * @throws LicenceError `ERR_KEY_INVALID` with `details.reason`
 * @example
 * ```ts
 * const jwk = parseHolderJwk(JSON.parse(text));
 * ```
 */
export function parseHolderJwk(value: unknown): HolderPublicJwk {
  if (!isJsonObject(value)) throw invalid("shape");
  if ("d" in value || "p" in value || "k" in value) throw invalid("private");
  const { kty, crv, x, y, ...rest } = value;
  for (const key of Object.keys(rest)) if (!OPTIONAL_MEMBERS.has(key)) throw invalid("member");
  if (typeof x !== "string" || !COORDINATE.test(x)) throw invalid("coordinate");
  if (kty === "EC" && crv === "P-256") {
    if (typeof y !== "string" || !COORDINATE.test(y)) throw invalid("coordinate");
    return { kty, crv, x, y };
  }
  if (kty === "OKP" && crv === "Ed25519" && y === undefined) return { kty, crv, x };
  throw invalid("key-type");
}

/** The algorithm a holder key signs with. */
export function holderKeyAlgorithm(jwk: HolderPublicJwk): HolderKeyAlgorithm {
  return jwk.kty === "EC" ? "ES256" : "EdDSA";
}

function bytes(b64u: string): Uint8Array {
  const out = backend.base64urlDecode(b64u);
  if (out === null || out.length !== 32) throw invalid("coordinate");
  return out;
}

/** The SubjectPublicKeyInfo (DER) of a holder key. */
export function holderJwkToSpki(jwk: HolderPublicJwk): Uint8Array {
  if (jwk.kty === "EC") {
    const out = new Uint8Array(P256_SPKI_PREFIX.length + 64);
    out.set(P256_SPKI_PREFIX);
    out.set(bytes(jwk.x), P256_SPKI_PREFIX.length);
    out.set(bytes(jwk.y), P256_SPKI_PREFIX.length + 32);
    return out;
  }
  const out = new Uint8Array(ED25519_SPKI_PREFIX.length + 32);
  out.set(ED25519_SPKI_PREFIX);
  out.set(bytes(jwk.x), ED25519_SPKI_PREFIX.length);
  return out;
}

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

/**
 * The public JWK of a P-256 or Ed25519 SubjectPublicKeyInfo (DER), e.g. a freshly generated key's.
 *
 * @param spki - SubjectPublicKeyInfo, DER
 * @throws LicenceError `ERR_KEY_INVALID` for any other key
 */
export function spkiToHolderJwk(spki: Uint8Array): HolderPublicJwk {
  if (spki.length === P256_SPKI_PREFIX.length + 64 && startsWith(spki, P256_SPKI_PREFIX)) {
    const at = P256_SPKI_PREFIX.length;
    return { kty: "EC", crv: "P-256", x: backend.base64urlEncode(spki.subarray(at, at + 32)), y: backend.base64urlEncode(spki.subarray(at + 32)) };
  }
  if (spki.length === ED25519_SPKI_PREFIX.length + 32 && startsWith(spki, ED25519_SPKI_PREFIX)) {
    return { kty: "OKP", crv: "Ed25519", x: backend.base64urlEncode(spki.subarray(ED25519_SPKI_PREFIX.length)) };
  }
  throw invalid("key-type");
}

/**
 * Imports a holder key for verification; the backend checks that the point is on the curve.
 *
 * @throws LicenceError `ERR_KEY_INVALID`
 */
export async function importHolderKey(jwk: HolderPublicJwk): Promise<PublicKeyHandle> {
  try {
    return await backend.importPublicKey(holderJwkToSpki(jwk), holderKeyAlgorithm(jwk));
  } catch (err) {
    if (err instanceof LicenceError) throw err;
    throw invalid("point");
  }
}

/**
 * The JWK SHA-256 thumbprint (RFC 7638 §3): a short, stable name for a holder key.
 *
 * @example
 * ```ts
 * console.log(holderKeyThumbprint(jwk)); // 43 base64url characters
 * ```
 */
export function holderKeyThumbprint(jwk: HolderPublicJwk): string {
  // Required members only, in lexicographic order, no whitespace (RFC 7638 §3.2–3.3).
  const canonical = jwk.kty === "EC" ? JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }) : JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return backend.sha256Base64url(canonical);
}

/** A new holder key pair: the private key to keep (encrypt it at rest) and the public JWK to give the issuer. */
export interface GeneratedHolderKey {
  readonly alg: HolderKeyAlgorithm;
  /** PKCS#8 PrivateKeyInfo, DER, unencrypted: encrypt it (`encryptPrivateKey`) before storing. */
  readonly pkcs8: Uint8Array;
  readonly publicJwk: HolderPublicJwk;
}

/**
 * Generates a holder key pair.
 *
 * @param alg - ES256 (default) or EdDSA
 * @example
 * ```ts
 * const { pkcs8, publicJwk } = await generateHolderKey();
 * ```
 */
export async function generateHolderKey(alg: HolderKeyAlgorithm = "ES256"): Promise<GeneratedHolderKey> {
  if (!HOLDER_KEY_ALGORITHMS.includes(alg)) throw new TypeError("A holder key is ES256 or EdDSA.");
  const pair = await backend.generateKeyPair(alg);
  return { alg, pkcs8: pair.pkcs8, publicJwk: spkiToHolderJwk(pair.spki) };
}
