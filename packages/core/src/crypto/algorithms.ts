/**
 * Signature algorithms: the JWS names we accept, and the certificate signature algorithms
 * our path validation can check.
 *
 * @module
 */

/**
 * JWS algorithms eLicence can sign and verify licences with.
 *
 * `SM2SM3` is SM2 signatures (GB/T 32918.2) over SM3 (GB/T 32905) with the signer's distinguishing
 * identifier in ZA, the signature r‖s (64 bytes). No JOSE `alg` is registered for SM2; the name is
 * the one IANA registered for this exact pairing among DNSSEC algorithms (number 17, RFC 9563, whose
 * signatures are also r‖s, 64 octets). It is in no default allow-list: a verifier accepts it only
 * when its caller lists it.
 */
export type JwsAlgorithm = "ES256" | "ES384" | "EdDSA" | "PS256" | "SM2SM3";

/** Every signature algorithm the crypto backend implements (JWS names; RS* for X.509 only). */
export type SignatureAlgorithm = JwsAlgorithm | "ES512" | "PS384" | "PS512" | "RS256" | "RS384" | "RS512";

/** Algorithms a licence may carry unless the caller says otherwise. */
export const DEFAULT_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(["ES256", "EdDSA", "PS256"]);

const JWS_ALGORITHMS: ReadonlySet<string> = new Set<JwsAlgorithm>(["ES256", "ES384", "EdDSA", "PS256", "SM2SM3"]);

/** True when `alg` names a JWS algorithm eLicence implements (HMAC and `none` never are). */
export function isJwsAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return typeof alg === "string" && JWS_ALGORITHMS.has(alg);
}

/** Key type and parameters an algorithm needs. */
export interface AlgorithmKeyShape {
  readonly kty: "EC" | "OKP" | "RSA";
  readonly curve?: "P-256" | "P-384" | "P-521" | "Ed25519" | "SM2";
  readonly hash: "SHA-256" | "SHA-384" | "SHA-512" | "SM3" | null;
  /** ECDSA signature length in bytes (P1363 form), for length checks. */
  readonly signatureLength?: number;
}

/** The key shape each algorithm requires. */
export const ALGORITHM_KEYS: Readonly<Record<SignatureAlgorithm, AlgorithmKeyShape>> = Object.freeze({
  ES256: { kty: "EC", curve: "P-256", hash: "SHA-256", signatureLength: 64 },
  ES384: { kty: "EC", curve: "P-384", hash: "SHA-384", signatureLength: 96 },
  ES512: { kty: "EC", curve: "P-521", hash: "SHA-512", signatureLength: 132 },
  EdDSA: { kty: "OKP", curve: "Ed25519", hash: null, signatureLength: 64 },
  PS256: { kty: "RSA", hash: "SHA-256" },
  PS384: { kty: "RSA", hash: "SHA-384" },
  PS512: { kty: "RSA", hash: "SHA-512" },
  RS256: { kty: "RSA", hash: "SHA-256" },
  RS384: { kty: "RSA", hash: "SHA-384" },
  RS512: { kty: "RSA", hash: "SHA-512" },
  SM2SM3: { kty: "EC", curve: "SM2", hash: "SM3", signatureLength: 64 },
});

/**
 * Checks a time-stamp allow-list (`timestampAlgorithms` of the verifiers): a non-empty array of
 * signature algorithms the backend implements. A TSA signs with its own key, as a CA does, so the
 * list is separate from the licence's JWS allow-list; without one, every algorithm core implements
 * (all of them at least SHA-256, RSA keys at least 2048 bits) is accepted.
 *
 * @throws TypeError when `value` is not such a list
 */
export function checkTimestampAlgorithms(value: unknown, name = "options.timestampAlgorithms"): asserts value is readonly SignatureAlgorithm[] | undefined {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0) throw new TypeError(`${name} must list at least one algorithm.`);
  for (const alg of value) {
    if (typeof alg !== "string" || !Object.hasOwn(ALGORITHM_KEYS, alg)) throw new TypeError(`${name}: ${JSON.stringify(String(alg).slice(0, 20))} is not a signature algorithm core implements.`);
  }
}

/** Minimum RSA modulus length accepted, in bits. */
export const MIN_RSA_BITS = 2048;
