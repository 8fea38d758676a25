/**
 * Holder tokens: what a holder (持证人) signs to act at the registry — a consent, a withdrawal, or a
 * request for their own records — and the window assertion that binds the holder's key to the
 * holder's code.
 *
 * Why a window assertion (and not only the licence's `cnf`): a holder proves who they are once, at a
 * service window, to a department in the trust list; that department signs a short JWT binding the
 * holder's code (citizen ID number or USCC) to the holder's public key (RFC 7800 `cnf.jwk`). The
 * binding then covers every licence the holder has, including licences issued before holder binding
 * existed and licences of types that carry no `cnf`; the key can be replaced without re-issuing any
 * licence; and the department that vouched is named in the trust list and accountable for the check
 * it made (谁提供谁负责). Everything the holder signs carries that assertion, so any verifier with the
 * trust list can check a consent offline.
 *
 * Every holder token is a compact JWS (RFC 7515), ES256 or EdDSA, whose header names the key by its
 * RFC 7638 thumbprint (`kid`) and whose payload names the registry (`aud`), a fresh `iat` and a
 * unique `jti` (replays are refused by the registry, which remembers each `jti` until it is stale).
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import type { JwsAlgorithm } from "../crypto/algorithms.js";
import { isJsonObject, parseStrictJsonUtf8 } from "../encoding/json.js";
import { LicenceError } from "../errors/errors.js";
import type { HolderCode } from "../api/api.js";
import { parseCompactJws, signJws, toCompact, verifySignature, type Signer } from "../jws/jws.js";
import type { TrustList } from "../trust/trust-list.js";
import { holderJwkToSpki, holderKeyAlgorithm, holderKeyThumbprint, parseHolderJwk, type HolderPublicJwk } from "../licence/holder-key.js";

/** JWS `typ` of a window's holder assertion. */
export const HOLDER_ASSERTION_TYP = "elicence-holder-assertion+jwt";

/** What a holder token does, and its JWS `typ`. */
export const HOLDER_TOKEN_TYPS = Object.freeze({
  consent: "elicence-consent+jwt",
  withdrawal: "elicence-withdrawal+jwt",
  request: "elicence-holder-request+jwt",
} as const);

/** The kinds of holder token. */
export type HolderTokenKind = keyof typeof HOLDER_TOKEN_TYPS;

/** Limits on holder tokens (they come from outside). */
export const HOLDER_TOKEN_LIMITS = Object.freeze({
  /** Characters of a whole token, its assertion included. */
  maxLength: 16 * 1024,
  /** How far `iat` may lie from the verifier's clock: a holder token is used as soon as it is signed. */
  maxClockSkewSeconds: 300,
  /** Longest life of a request token (`exp - iat`). */
  maxRequestSeconds: 300,
  /** Longest consent period. */
  maxConsentSeconds: 5 * 366 * 24 * 3600,
  /** Longest life of a window assertion. */
  maxAssertionSeconds: 10 * 366 * 24 * 3600,
  /** Fields one consent may name. */
  maxFields: 64,
});

/** Why a holder token was refused (`details.reason` of `ERR_HOLDER_TOKEN_INVALID`). */
export type HolderTokenFailureReason =
  | "size"
  | "jws"
  | "type"
  | "claims"
  | "audience"
  | "stale"
  | "lifetime"
  | "signature"
  | "assertion"
  | "assertion-untrusted"
  | "assertion-expired"
  | "key";

/** What a holder may ask for with a request token. */
export type HolderRequestScope = "access-record" | "consents";

/** The claims of a consent: which department may see which conditional fields of which type, why and until when. */
export interface ConsentClaims {
  readonly consumer: string;
  readonly type: string;
  readonly fields: readonly string[];
  readonly purpose: string;
  /** The consent's end, seconds since the epoch. */
  readonly exp: number;
}

/** The claims of each kind of holder token beyond the common ones. */
export interface HolderTokenClaims {
  readonly consent: ConsentClaims;
  readonly withdrawal: { readonly consent: string };
  readonly request: { readonly scope: HolderRequestScope; readonly exp: number };
}

/** A holder token whose signature, key binding and freshness were checked. */
export interface VerifiedHolderToken<K extends HolderTokenKind> {
  readonly kind: K;
  /** The holder, as the window assertion names them. */
  readonly holder: HolderCode;
  readonly key: HolderPublicJwk;
  /** RFC 7638 thumbprint of the holder's key. */
  readonly keyThumbprint: string;
  /** USCC of the department whose window vouched for the key. */
  readonly vouchedBy: string;
  readonly jti: string;
  /** `iat`, seconds. */
  readonly issuedAt: number;
  readonly claims: HolderTokenClaims[K];
}

/** Options of {@link createHolderAssertion}. */
export interface HolderAssertionOptions {
  readonly holder: HolderCode;
  readonly key: HolderPublicJwk;
  /** The vouching department's USCC (its signing certificate's organizationIdentifier). */
  readonly issuer: string;
  /** base64url SHA-256 of the department's signing certificate (JAdES/JWS `x5t#S256`). */
  readonly x5tS256: string;
  readonly signer: Signer;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

/** A holder's signing key as the holder keeps it. */
export interface HolderSigningKey {
  readonly signer: Signer;
  readonly publicJwk: HolderPublicJwk;
}

/** Options of {@link createHolderToken}. */
export interface HolderTokenOptions {
  /** The window assertion binding `key` to the holder. */
  readonly assertion: string;
  readonly key: HolderSigningKey;
  /** The registry the token is for: its log origin (the first line of its checkpoint). */
  readonly audience: string;
  readonly at: Date;
  /** A unique token id; random when left out. */
  readonly jti?: string;
}

/** Options of {@link verifyHolderToken}. */
export interface VerifyHolderTokenOptions {
  /** The verified trust list that names the vouching departments. */
  readonly trustList: TrustList;
  readonly at: Date;
  /** This registry's log origin; tokens for another audience are refused. */
  readonly audience: string;
}

const JTI = /^[A-Za-z0-9_-]{16,64}$/;
const NAME = /^[A-Za-z0-9._:-]{1,64}$/;
const USCC = /^[0-9A-Z]{18}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const DEPARTMENT_ALGORITHMS: readonly JwsAlgorithm[] = ["ES256", "ES384", "EdDSA", "PS256"];

function refused(reason: HolderTokenFailureReason): LicenceError {
  return new LicenceError("ERR_HOLDER_TOKEN_INVALID", "The holder token is not valid.", { details: { reason } });
}

function seconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/**
 * Signs a window assertion: the department that checked the holder's identity binds the holder's
 * code to the holder's public key (RFC 7800 `cnf`).
 *
 * @param options - holder, key, department and lifetime
 * @returns the compact JWS
 * @example
 * ```ts
 * const assertion = await createHolderAssertion({ holder, key: publicJwk, issuer: uscc, x5tS256, signer, issuedAt: now, expiresAt });
 * ```
 */
export async function createHolderAssertion(options: HolderAssertionOptions): Promise<string> {
  const { holder, key, issuer, x5tS256, signer, issuedAt, expiresAt } = options;
  const life = seconds(expiresAt) - seconds(issuedAt);
  if (!(life > 0 && life <= HOLDER_TOKEN_LIMITS.maxAssertionSeconds)) throw new TypeError("An assertion lives from 1 second to 10 years.");
  const payload = {
    iss: issuer,
    holder: { idType: holder.idType, idNumber: holder.idNumber },
    cnf: { jwk: parseHolderJwk(key) },
    iat: seconds(issuedAt),
    exp: seconds(expiresAt),
    jti: randomId(),
  };
  return toCompact(await signJws({ alg: signer.alg, typ: HOLDER_ASSERTION_TYP, "x5t#S256": x5tS256 }, JSON.stringify(payload), signer));
}

/** A random token id (128 bits, base64url). */
function randomId(): string {
  return backend.base64urlEncode(backend.randomBytes(16));
}

/**
 * Signs a holder token of one kind with the holder's key.
 *
 * @param kind - consent, withdrawal or request
 * @param claims - the kind's claims
 * @param options - the assertion, the key, the audience and the time
 * @example
 * ```ts
 * const token = await createHolderToken("consent", { consumer, type, fields: ["capital"], purpose, exp }, { assertion, key, audience, at: new Date() });
 * ```
 */
export async function createHolderToken<K extends HolderTokenKind>(kind: K, claims: HolderTokenClaims[K], options: HolderTokenOptions): Promise<string> {
  const { key } = options;
  const payload = { ...claims, aud: options.audience, iat: seconds(options.at), jti: options.jti ?? randomId(), assertion: options.assertion };
  const header = { alg: key.signer.alg, typ: HOLDER_TOKEN_TYPS[kind], kid: holderKeyThumbprint(key.publicJwk) };
  return toCompact(await signJws(header, JSON.stringify(payload), key.signer));
}

function payloadOf(payload: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseStrictJsonUtf8(payload);
  } catch {
    throw refused("claims");
  }
  if (!isJsonObject(value)) throw refused("claims");
  return value;
}

function parse(token: unknown, algorithms: readonly JwsAlgorithm[], typ: string, reason: HolderTokenFailureReason) {
  if (typeof token !== "string") throw refused(reason);
  if (token.length > HOLDER_TOKEN_LIMITS.maxLength) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The holder token is larger than allowed.", { details: { limit: HOLDER_TOKEN_LIMITS.maxLength } });
  let jws;
  try {
    jws = parseCompactJws(token, { algorithms, maxLength: HOLDER_TOKEN_LIMITS.maxLength, maxHeaderLength: 2048 });
  } catch {
    throw refused(reason);
  }
  if (jws.header.typ !== typ) throw refused(reason === "jws" ? "type" : reason);
  return { jws, payload: payloadOf(jws.payload) };
}

function isTime(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/** Verifies a window assertion against the trust list; returns the holder and key it binds. */
async function verifyAssertion(assertion: unknown, options: VerifyHolderTokenOptions): Promise<{ holder: HolderCode; key: HolderPublicJwk; vouchedBy: string }> {
  const { jws, payload } = parse(assertion, DEPARTMENT_ALGORITHMS, HOLDER_ASSERTION_TYP, "assertion");
  const { iss, holder, cnf, iat, exp } = payload;
  const h = holder as Partial<HolderCode> | undefined;
  if (typeof iss !== "string" || !USCC.test(iss) || !isJsonObject(h) || typeof h.idType !== "string" || typeof h.idNumber !== "string" || h.idType.length > 8 || h.idNumber.length > 64) throw refused("assertion");
  if (!isTime(iat) || !isTime(exp) || exp <= iat || !isJsonObject(cnf)) throw refused("assertion");
  let key: HolderPublicJwk;
  try {
    key = parseHolderJwk(cnf.jwk);
  } catch {
    throw refused("assertion");
  }
  // The signer must be a signing certificate the trust list carries for the department named `iss`.
  const thumbprint = jws.header["x5t#S256"];
  const department = options.trustList.department(iss);
  const chain = typeof thumbprint === "string" ? options.trustList.signerChain(thumbprint) : undefined;
  const leaf = chain?.[0] !== undefined ? options.trustList.certificateFromX5c(chain[0]) : null;
  if (!department || !leaf || leaf.organizationIdentifier !== iss || (department.certificates.length > 0 && !department.certificates.includes(thumbprint as string))) throw refused("assertion-untrusted");
  const t = options.at.getTime();
  if (t < leaf.notBefore.getTime() || t > leaf.notAfter.getTime() || t < Date.parse(department.validFrom) || (department.validUntil !== undefined && t > Date.parse(department.validUntil))) throw refused("assertion-untrusted");
  if (!(await verifySignature(jws.header.alg, leaf.spki, jws.signingInput, jws.signature))) throw refused("assertion-untrusted");
  const now = seconds(options.at);
  if (exp <= now || iat > now + HOLDER_TOKEN_LIMITS.maxClockSkewSeconds || exp - iat > HOLDER_TOKEN_LIMITS.maxAssertionSeconds) throw refused("assertion-expired");
  return { holder: { idType: h.idType as HolderCode["idType"], idNumber: h.idNumber }, key, vouchedBy: iss };
}

function claimsOf<K extends HolderTokenKind>(kind: K, p: Record<string, unknown>, iat: number): HolderTokenClaims[K] {
  if (kind === "consent") {
    const { consumer, type, fields, purpose, exp } = p;
    const ok =
      typeof consumer === "string" && USCC.test(consumer) &&
      typeof type === "string" && NAME.test(type) &&
      Array.isArray(fields) && fields.length >= 1 && fields.length <= HOLDER_TOKEN_LIMITS.maxFields &&
      fields.every((f) => typeof f === "string" && NAME.test(f)) && new Set(fields).size === fields.length &&
      typeof purpose === "string" && purpose.trim() !== "" && purpose.length <= 256 && !CONTROL.test(purpose) &&
      isTime(exp);
    if (!ok) throw refused("claims");
    if (exp - iat > HOLDER_TOKEN_LIMITS.maxConsentSeconds) throw refused("lifetime");
    return { consumer, type, fields: [...(fields as string[])], purpose, exp } as unknown as HolderTokenClaims[K];
  }
  if (kind === "withdrawal") {
    if (typeof p.consent !== "string" || !/^[0-9a-f-]{36}$/.test(p.consent)) throw refused("claims");
    return { consent: p.consent } as unknown as HolderTokenClaims[K];
  }
  const { scope, exp } = p;
  if ((scope !== "access-record" && scope !== "consents") || !isTime(exp)) throw refused("claims");
  if (exp <= iat || exp - iat > HOLDER_TOKEN_LIMITS.maxRequestSeconds) throw refused("lifetime");
  return { scope, exp } as unknown as HolderTokenClaims[K];
}

/**
 * Verifies a holder token: its size and shape, its window assertion (signed by a department the
 * trust list names, current), its signature by the key the assertion binds (a token signed by any
 * other key is `ERR_HOLDER_KEY_MISMATCH`), its audience and freshness, and its claims. Replays and
 * consent expiry are the registry's to judge (it remembers `jti`s and knows the consent's state).
 *
 * @param token - the compact JWS
 * @param kind - the kind of token expected
 * @param options - trust list, time and audience
 * @throws LicenceError `ERR_HOLDER_TOKEN_INVALID` (with `details.reason`), `ERR_HOLDER_KEY_MISMATCH`, `ERR_INPUT_TOO_LARGE`
 * @example
 * ```ts
 * const consent = await verifyHolderToken(token, "consent", { trustList, at: new Date(), audience });
 * ```
 */
export async function verifyHolderToken<K extends HolderTokenKind>(token: unknown, kind: K, options: VerifyHolderTokenOptions): Promise<VerifiedHolderToken<K>> {
  const { jws, payload } = parse(token, ["ES256", "EdDSA"], HOLDER_TOKEN_TYPS[kind], "jws");
  const { aud, iat, jti } = payload;
  if (typeof jti !== "string" || !JTI.test(jti) || !isTime(iat)) throw refused("claims");
  if (aud !== options.audience) throw refused("audience");
  const now = seconds(options.at);
  if (Math.abs(now - iat) > HOLDER_TOKEN_LIMITS.maxClockSkewSeconds) throw refused("stale");
  const { holder, key, vouchedBy } = await verifyAssertion(payload.assertion, options);
  const thumbprint = holderKeyThumbprint(key);
  // Signed by a key other than the one the window bound to this holder: another holder's key.
  if (jws.header.kid !== thumbprint || jws.header.alg !== holderKeyAlgorithm(key)) {
    throw new LicenceError("ERR_HOLDER_KEY_MISMATCH", "The holder token is not signed by the key bound to the holder.");
  }
  let valid: boolean;
  try {
    valid = await verifySignature(jws.header.alg, holderJwkToSpki(key), jws.signingInput, jws.signature);
  } catch {
    throw refused("key");
  }
  if (!valid) throw new LicenceError("ERR_HOLDER_KEY_MISMATCH", "The holder token is not signed by the key bound to the holder.");
  if (kind === "request" && isTime(payload.exp) && payload.exp <= now) throw refused("stale");
  return { kind, holder, key, keyThumbprint: thumbprint, vouchedBy, jti, issuedAt: iat, claims: claimsOf(kind, payload, iat) };
}
