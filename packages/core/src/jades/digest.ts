/**
 * Digest algorithms and digest values in JAdES header parameters (`x5t#o`, `sigX5ts`, `sigD`
 * `hashM`/`hashV`, `sigPId`), and the JWS algorithms a JAdES signature may use.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import { decodeBase64 } from "../encoding/base64.js";

/** The digest functions JAdES digests may use here. */
export type JadesDigestAlgorithm = "SHA-256" | "SHA-384" | "SHA-512";

/**
 * Digest algorithm identifiers: ETSI TS 119 182-1 Annex E (`S256`, `S384`, `S512`), and the
 * W3C XML Signature URIs for the same functions that early JAdES producers wrote in `digAlg` and
 * `hashM` (RFC 6931 §2.1). SHA-1, SHA-224, SHA-3 and the rest are not accepted.
 */
const DIGEST_IDS: Readonly<Record<string, JadesDigestAlgorithm>> = Object.freeze({
  S256: "SHA-256",
  S384: "SHA-384",
  S512: "SHA-512",
  "http://www.w3.org/2001/04/xmlenc#sha256": "SHA-256",
  "http://www.w3.org/2001/04/xmldsig-more#sha384": "SHA-384",
  "http://www.w3.org/2001/04/xmlenc#sha512": "SHA-512",
});

/** The digest function an identifier names, or `undefined` when it is not accepted. */
export function digestAlgorithmOf(id: unknown): JadesDigestAlgorithm | undefined {
  return typeof id === "string" && Object.prototype.hasOwnProperty.call(DIGEST_IDS, id) ? DIGEST_IDS[id] : undefined;
}

/** Hashes bytes with the named function. */
export function digest(alg: JadesDigestAlgorithm, data: Uint8Array): Uint8Array {
  return alg === "SHA-256" ? backend.sha256(data) : alg === "SHA-384" ? backend.sha384(data) : backend.sha512(data);
}

const LENGTH: Readonly<Record<JadesDigestAlgorithm, number>> = { "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 };

/**
 * Decodes a digest value: base64url (what TS 119 182-1 producers write) or, failing that,
 * standard base64 (what the clause's JSON schema says, `contentEncoding: base64`); both strict.
 * `undefined` unless it decodes to exactly the function's output length.
 */
export function decodeDigestValue(value: unknown, alg: JadesDigestAlgorithm): Uint8Array | undefined {
  if (typeof value !== "string" || value.length > 128) return undefined;
  const bytes = backend.base64urlDecode(value) ?? decodeBase64(value);
  return bytes !== null && bytes.length === LENGTH[alg] ? bytes : undefined;
}

/** Constant-shape comparison of two byte strings. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * The JWS algorithms (RFC 7518 §3.1, RFC 8037 §3.1) a JAdES signature may carry, as ETSI TS 119 182-1
 * clause 5.1.2 allows them. The caller's allow-list picks among these; `none` and the HMAC
 * algorithms are never accepted (a JAdES signature is an asymmetric signature).
 */
export const JADES_ALGORITHMS: readonly SignatureAlgorithm[] = Object.freeze([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const);

const JADES_ALGORITHM_SET: ReadonlySet<string> = new Set(JADES_ALGORITHMS);

/** True when `alg` is one of {@link JADES_ALGORITHMS}. */
export function isJadesAlgorithm(alg: unknown): alg is SignatureAlgorithm {
  return typeof alg === "string" && JADES_ALGORITHM_SET.has(alg);
}
