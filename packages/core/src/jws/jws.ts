/**
 * JWS (RFC 7515) parsing and signing, strict: compact and flattened JSON serialisations only,
 * duplicate members refused, `alg` checked against the caller's allow-list before any key is
 * touched, `crit` understood or refused, `b64: false` and header-supplied keys refused.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { isJwsAlgorithm, type JwsAlgorithm } from "../crypto/algorithms.js";
import { LicenceError } from "../errors/errors.js";
import { isJsonObject, parseStrictJson, parseStrictJsonUtf8 } from "../encoding/json.js";

/** A JWS protected header after parsing (members we do not know are kept as `unknown`). */
export interface JwsHeader {
  readonly alg: JwsAlgorithm;
  readonly typ?: string;
  readonly crit?: readonly string[];
  readonly [member: string]: unknown;
}

/** A parsed JWS, either serialisation. */
export interface ParsedJws {
  readonly header: JwsHeader;
  /** The unprotected header (flattened form only). */
  readonly unprotected: Readonly<Record<string, unknown>>;
  /** The encoded protected header, exactly as received. */
  readonly protectedB64: string;
  /** The encoded payload, exactly as received. */
  readonly payloadB64: string;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /** The encoded signature, exactly as received (what a JAdES `sigTst` time-stamps). */
  readonly signatureB64: string;
  /** ASCII(BASE64URL(protected) ‖ '.' ‖ BASE64URL(payload)), the bytes the signature covers. */
  readonly signingInput: Uint8Array;
}

/** Size limits applied while parsing. */
export interface JwsLimits {
  /** Maximum length of the whole serialisation, in characters. */
  readonly maxLength?: number;
  /** Maximum length of the encoded protected header, in characters. */
  readonly maxHeaderLength?: number;
}

/** What the caller accepts. */
export interface JwsParseOptions extends JwsLimits {
  /** Algorithms allowed; anything else is refused before verification. */
  readonly algorithms: readonly JwsAlgorithm[];
  /** Header parameters this application understands when they are listed in `crit`. */
  readonly understoodCritical?: readonly string[];
}

/** Default limits: generous for a licence with a three-certificate chain and many disclosures. */
export const DEFAULT_JWS_LIMITS = Object.freeze({ maxLength: 512 * 1024, maxHeaderLength: 64 * 1024 });

/** Header members that would let a token name its own key: refused, the key comes from `x5c` only. */
const KEY_BEARING_MEMBERS = ["jwk", "jku", "x5u"] as const;
/** Members RFC 7515 defines; `crit` may not list them. */
const REGISTERED = new Set(["alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"]);

/** Why a JWS was refused: the `details.reason` of `ERR_JWS_INVALID`. */
export type JwsFailureReason =
  | "parts"
  | "type"
  | "members"
  | "header-type"
  | "protected-header"
  | "protected-header-missing"
  | "protected-header-type"
  | "payload"
  | "signature"
  | "signature-missing"
  | "member"
  | "general-serialisation"
  | "sd-jwt-shape"
  | "unprotected-member"
  | "disclosures";

function malformed(message: string, reason: JwsFailureReason): LicenceError {
  return new LicenceError("ERR_JWS_INVALID", message, { details: { reason } });
}

function decodePart(part: string, what: JwsFailureReason): Uint8Array {
  const bytes = backend.base64urlDecode(part);
  if (bytes === null) throw malformed("A JWS part is not valid base64url.", what);
  return bytes;
}

function parseHeader(protectedB64: string, options: JwsParseOptions): JwsHeader {
  const limit = options.maxHeaderLength ?? DEFAULT_JWS_LIMITS.maxHeaderLength;
  if (protectedB64.length > limit) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "The JWS header is larger than allowed.", { details: { limit } });
  }
  if (protectedB64.length === 0) throw malformed("The JWS has no protected header.", "protected-header-missing");
  const header = parseStrictJsonUtf8(decodePart(protectedB64, "protected-header"));
  if (!isJsonObject(header)) throw malformed("The JWS protected header is not a JSON object.", "protected-header-type");
  const alg = header.alg;
  if (typeof alg !== "string") throw new LicenceError("ERR_HEADER_INVALID", "The JWS header has no algorithm.", { details: { member: "alg" } });
  // `none`, HMAC and everything else outside the allow-list stop here, before any key is looked at.
  if (!isJwsAlgorithm(alg) || !options.algorithms.includes(alg)) {
    throw new LicenceError("ERR_ALGORITHM_NOT_ALLOWED", "The JWS algorithm is not allowed.", { details: { alg: alg.slice(0, 32) } });
  }
  for (const member of KEY_BEARING_MEMBERS) {
    if (member in header) {
      throw new LicenceError("ERR_HEADER_INVALID", "The JWS header names a key other than its certificate.", { details: { member } });
    }
  }
  if ("b64" in header && header.b64 !== true) {
    throw new LicenceError("ERR_HEADER_INVALID", "Unencoded JWS payloads are not accepted.", { details: { member: "b64" } });
  }
  if ("crit" in header) {
    const crit = header.crit;
    const understood = options.understoodCritical ?? [];
    if (!Array.isArray(crit) || crit.length === 0 || crit.some((c) => typeof c !== "string")) {
      throw new LicenceError("ERR_HEADER_INVALID", "The JWS crit member is malformed.", { details: { member: "crit" } });
    }
    for (const name of crit as string[]) {
      if (REGISTERED.has(name) || !understood.includes(name) || !(name in header)) {
        throw new LicenceError("ERR_HEADER_INVALID", "The JWS lists a critical parameter this verifier does not understand.", {
          details: { member: "crit" },
        });
      }
    }
    if (new Set(crit).size !== crit.length) {
      throw new LicenceError("ERR_HEADER_INVALID", "The JWS crit member is malformed.", { details: { member: "crit" } });
    }
  }
  return header as JwsHeader;
}

function assemble(protectedB64: string, payloadB64: string, signatureB64: string, header: JwsHeader, unprotected: Record<string, unknown>): ParsedJws {
  const payload = decodePart(payloadB64, "payload");
  const signature = decodePart(signatureB64, "signature");
  if (signature.length === 0) throw malformed("The JWS has no signature.", "signature-missing");
  return {
    header,
    unprotected,
    protectedB64,
    payloadB64,
    payload,
    signature,
    signatureB64,
    signingInput: backend.asciiBytes(`${protectedB64}.${payloadB64}`),
  };
}

/**
 * Parses a JWS in compact serialisation (`header.payload.signature`).
 *
 * @param token - the compact JWS
 * @param options - algorithm allow-list, critical parameters understood and size limits
 * @returns the parsed parts; the signature is NOT verified here
 * @throws LicenceError with a stable code on any malformed or refused input
 * @example
 * ```ts
 * const jws = parseCompactJws(token, { algorithms: ["ES256"] });
 * ```
 */
export function parseCompactJws(token: string, options: JwsParseOptions): ParsedJws {
  if (typeof token !== "string") throw new TypeError("The token must be a string.");
  const limit = options.maxLength ?? DEFAULT_JWS_LIMITS.maxLength;
  if (token.length > limit) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The JWS is larger than allowed.", { details: { limit } });
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  if (first < 0 || second < 0 || token.indexOf(".", second + 1) >= 0) {
    throw malformed("A compact JWS has exactly three parts.", "parts");
  }
  const protectedB64 = token.slice(0, first);
  const header = parseHeader(protectedB64, options);
  return assemble(protectedB64, token.slice(first + 1, second), token.slice(second + 1), header, {});
}

const FLATTENED_MEMBERS = new Set(["protected", "payload", "signature", "header"]);

/**
 * Parses a JWS in flattened JSON serialisation (RFC 7515 §7.2.2); the general form with several
 * signatures is refused, as are members other than `protected`, `payload`, `signature` and `header`.
 *
 * @param input - the JSON text or an already parsed object
 * @param options - algorithm allow-list, critical parameters understood and size limits
 * @returns the parsed parts; the signature is NOT verified here
 * @example
 * ```ts
 * const jws = parseFlattenedJws(archiveText, { algorithms: ["ES256"] });
 * ```
 */
export function parseFlattenedJws(input: string | Record<string, unknown>, options: JwsParseOptions): ParsedJws {
  const limit = options.maxLength ?? DEFAULT_JWS_LIMITS.maxLength;
  const value = typeof input === "string" ? parseStrictJson(input, { maxLength: limit }) : input;
  if (!isJsonObject(value)) throw malformed("A flattened JWS is a JSON object.", "type");
  for (const key of Object.keys(value)) {
    if (!FLATTENED_MEMBERS.has(key)) throw malformed("The flattened JWS has an unexpected member.", key === "signatures" ? "general-serialisation" : "member");
  }
  const { protected: protectedB64, payload, signature, header } = value;
  if (typeof protectedB64 !== "string" || typeof payload !== "string" || typeof signature !== "string") {
    throw malformed("The flattened JWS lacks protected, payload or signature.", "members");
  }
  if (header !== undefined && !isJsonObject(header)) throw malformed("The JWS unprotected header is not an object.", "header-type");
  const parsedHeader = parseHeader(protectedB64, options);
  const unprotected = (header ?? {}) as Record<string, unknown>;
  // RFC 7515 §7.2.1: the two headers must be disjoint, so the unprotected one cannot override.
  for (const key of Object.keys(unprotected)) {
    if (key in parsedHeader) throw new LicenceError("ERR_HEADER_INVALID", "A member appears in both JWS headers.", { details: { member: key.slice(0, 32) } });
    if (REGISTERED.has(key)) throw new LicenceError("ERR_HEADER_INVALID", "Registered JWS parameters must be protected.", { details: { member: key } });
  }
  return assemble(protectedB64, payload, signature, parsedHeader, unprotected);
}

/**
 * Something that signs bytes: a key in memory, a hardware module or a KMS.
 *
 * @example
 * ```ts
 * const signer: Signer = { alg: "ES256", sign: (data) => hsm.sign(data) };
 * ```
 */
export interface Signer {
  /** The JWS algorithm the signatures are made with. */
  readonly alg: JwsAlgorithm;
  /** Signs the bytes; ECDSA signatures in IEEE P1363 (r‖s) form, as JWS needs. */
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/**
 * Creates a {@link Signer} from an unencrypted PKCS#8 private key held in memory.
 *
 * @param pkcs8 - PKCS#8 PrivateKeyInfo, DER (decrypt a stored key first)
 * @param alg - the JWS algorithm
 * @example
 * ```ts
 * const signer = await createKeySigner(await decryptPrivateKey(pem, passphrase), "ES256");
 * ```
 */
export async function createKeySigner(pkcs8: Uint8Array, alg: JwsAlgorithm): Promise<Signer> {
  const key = await backend.importPrivateKey(pkcs8, alg);
  const signSync = backend.signSync;
  if (signSync) return { alg, sign: (data) => signSync(key, data) };
  return { alg, sign: (data) => backend.sign(key, data) };
}

/** The encoded parts of a signed JWS. */
export interface SignedJws {
  readonly protectedB64: string;
  readonly payloadB64: string;
  readonly signatureB64: string;
}

/**
 * Signs a payload as a JWS with the given protected header (whose `alg` must be the signer's).
 *
 * @param header - the protected header
 * @param payload - the payload: bytes, or a string signed as its UTF-8 bytes
 * @param signer - the signer
 * @example
 * ```ts
 * const jws = await signJws({ alg: "ES256", typ: "JWT" }, bytes, signer);
 * ```
 */
export async function signJws(header: Record<string, unknown>, payload: Uint8Array | string, signer: Signer): Promise<SignedJws> {
  if (header.alg !== signer.alg) throw new TypeError("The header's alg must be the signer's algorithm.");
  const protectedB64 = backend.base64urlEncodeText(JSON.stringify(header));
  const payloadB64 = typeof payload === "string" ? backend.base64urlEncodeText(payload) : backend.base64urlEncode(payload);
  const signature = await signer.sign(backend.asciiBytes(`${protectedB64}.${payloadB64}`));
  return { protectedB64, payloadB64, signatureB64: backend.base64urlEncode(signature) };
}

/** Joins signed parts into the compact serialisation. */
export function toCompact(jws: SignedJws): string {
  return `${jws.protectedB64}.${jws.payloadB64}.${jws.signatureB64}`;
}

/**
 * Verifies a raw JWS signature with a public key given as SubjectPublicKeyInfo: the one path every
 * eLicence signature check takes (key shape checked against the algorithm, ECDSA in P1363 form of
 * exactly the curve's length, PSS with salt = hash length).
 *
 * @param alg - the JWS algorithm
 * @param spki - SubjectPublicKeyInfo, DER
 * @param data - the signed bytes
 * @param signature - the signature bytes
 * @returns true only for a valid signature; false for a wrong or malformed one
 * @throws LicenceError `ERR_KEY_INVALID` when the key does not fit the algorithm
 * @example
 * ```ts
 * const ok = await verifySignature("ES256", spki, jws.signingInput, jws.signature);
 * ```
 */
export async function verifySignature(alg: JwsAlgorithm, spki: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (!isJwsAlgorithm(alg)) throw new LicenceError("ERR_ALGORITHM_NOT_ALLOWED", "The JWS algorithm is not allowed.");
  const key = await backend.importPublicKey(spki, alg);
  return backend.verify(key, data, signature);
}
