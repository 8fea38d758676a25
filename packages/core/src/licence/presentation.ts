/**
 * Presentations (RFC 9901 §4.3, §7.3 of its predecessor drafts: SD-JWT with key binding): the
 * holder keeps the issuer-signed licence and the disclosures they choose, and appends a key-binding
 * JWT (`typ: kb+jwt`) signed with the key the licence names in `cnf`, over the verifier's `nonce`
 * and `aud`, the time (`iat`) and `sd_hash`, the digest of everything before it — so nothing can be
 * added, dropped or replayed to another verifier.
 *
 * Form: `<issuer-signed JWT>~<disclosure>~…~<KB-JWT>`.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { LicenceError } from "../errors/errors.js";
import { isJsonObject, parseStrictJsonUtf8 } from "../encoding/json.js";
import { parseCompactJws, DEFAULT_JWS_LIMITS, type Signer } from "../jws/jws.js";
import { DISCLOSURE_LIMITS } from "../sdjwt/disclosure.js";
import { HOLDER_KEY_ALGORITHMS, holderKeyAlgorithm, importHolderKey, parseHolderJwk, type HolderPublicJwk } from "./holder-key.js";
import { DEFAULT_ALGORITHMS } from "../crypto/algorithms.js";

/** The `typ` of a key-binding JWT (RFC 9901 §4.3). */
export const KB_JWT_TYP = "kb+jwt";

/** Limits on a presentation's parts from outside. */
export const PRESENTATION_LIMITS = Object.freeze({
  /** The key-binding JWT, in characters. */
  maxKeyBindingLength: 8 * 1024,
  /** `nonce` and `aud`, in characters. */
  maxChallengeLength: 512,
});

/** Why a presentation could not be made or read: the `details.reason` of `ERR_PRESENTATION_INVALID`. */
export type PresentationFailureReason =
  | "shape"
  | "no-holder-key"
  | "disclose-unknown"
  | "challenge"
  | "holder-key-mismatch"
  | "key-binding-missing";

function invalid(reason: PresentationFailureReason, message: string): LicenceError {
  return new LicenceError("ERR_PRESENTATION_INVALID", message, { details: { reason } });
}

/** Options of {@link createPresentation}. */
export interface CreatePresentationOptions {
  /** Names of the fields to disclose (`registeredCapital`); every other disclosure is left out. */
  readonly disclose: readonly string[];
  /** The verifier's challenge, as it gave it. */
  readonly nonce: string;
  /** The verifier, as it names itself (its URL or identifier). */
  readonly audience: string;
  /** Signs with the holder's private key: the key whose public half the licence carries in `cnf`. */
  readonly holderKey: Signer;
  /** The time of the presentation (`iat`); the holder's clock, given explicitly. */
  readonly at: Date;
}

/** The parts of an SD-JWT: the issuer-signed JWT and its disclosures (without a key-binding JWT). */
interface SdJwtParts {
  readonly jws: string;
  readonly disclosures: readonly string[];
}

/** Splits `<jws>~<d>~…~[<kb>]`, keeping every part exactly as received. */
export function splitSdJwt(text: string): SdJwtParts & { readonly keyBinding: string } {
  if (typeof text !== "string") throw new TypeError("A presentation is a string.");
  if (text.length > DEFAULT_JWS_LIMITS.maxLength + PRESENTATION_LIMITS.maxKeyBindingLength) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "The presentation is larger than allowed.", { details: { limit: DEFAULT_JWS_LIMITS.maxLength + PRESENTATION_LIMITS.maxKeyBindingLength } });
  }
  const parts = text.split("~");
  if (parts.length < 2 || parts[0]!.length === 0) throw invalid("shape", "A presentation is an SD-JWT: '<jws>~<disclosure>~…~<key-binding JWT>'.");
  const disclosures = parts.slice(1, -1);
  if (disclosures.length > DISCLOSURE_LIMITS.maxCount) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "There are more disclosures than allowed.", { details: { limit: DISCLOSURE_LIMITS.maxCount } });
  }
  if (disclosures.some((d) => d.length === 0)) throw invalid("shape", "A presentation has an empty disclosure.");
  return { jws: parts[0]!, disclosures, keyBinding: parts[parts.length - 1]! };
}

/** The SD-JWT text a key-binding JWT's `sd_hash` covers: `<jws>~<d1>~…~<dn>~` (RFC 9901 §4.3.1). */
export function sdJwtText(parts: SdJwtParts): string {
  return `${parts.jws}~${parts.disclosures.map((d) => `${d}~`).join("")}`;
}

/** `sd_hash`: base64url SHA-256 of the ASCII SD-JWT text (`_sd_alg` is always `sha-256` here). */
export function sdHash(text: string): string {
  return backend.sha256Base64url(text);
}

/**
 * The holder key a licence's payload carries in `cnf.jwk`, read strictly.
 *
 * @param payload - the licence's (issuer-signed) payload
 * @throws LicenceError `ERR_PRESENTATION_INVALID` (`no-holder-key`) or `ERR_KEY_INVALID`
 */
export function licenceHolderKey(payload: Record<string, unknown>): HolderPublicJwk {
  const cnf = payload.cnf;
  if (cnf === undefined) throw invalid("no-holder-key", "The licence is not bound to a holder key (it has no cnf claim).");
  if (!isJsonObject(cnf) || Object.keys(cnf).length !== 1 || !isJsonObject(cnf.jwk)) {
    throw new LicenceError("ERR_KEY_INVALID", "The holder key is not a supported public key.", { details: { reason: "cnf" } });
  }
  return parseHolderJwk(cnf.jwk);
}

function checkChallenge(value: unknown, name: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > PRESENTATION_LIMITS.maxChallengeLength) {
    throw new TypeError(`options.${name} must be a string of 1 to ${PRESENTATION_LIMITS.maxChallengeLength} characters.`);
  }
  return value;
}

function disclosureName(encoded: string): string | null {
  const bytes = backend.base64urlDecode(encoded);
  if (bytes === null) return null;
  try {
    const value = parseStrictJsonUtf8(bytes, { maxDepth: 16, maxLength: DISCLOSURE_LIMITS.maxLength });
    return Array.isArray(value) && value.length === 3 && typeof value[1] === "string" ? value[1] : null;
  } catch {
    return null;
  }
}

/**
 * Creates a presentation of a holder-bound licence: only the chosen fields' disclosures, and a
 * key-binding JWT over the verifier's nonce and audience, signed with the holder's key.
 *
 * The licence is the holder's own copy (compact form, every disclosure); its signature is not
 * checked here, the verifier does that. The holder's signer is checked against the licence's
 * `cnf` key before the presentation is returned, so a wrong key fails here and not at a window.
 *
 * @param licence - the compact licence `<jws>~<d>~…~`
 * @param options - fields to disclose, the verifier's nonce and audience, the holder's signer, the time
 * @returns the presentation `<jws>~<chosen disclosures>~<KB-JWT>`
 * @throws LicenceError `ERR_PRESENTATION_INVALID` (`shape`, `no-holder-key`, `disclose-unknown`,
 *   `holder-key-mismatch`), `ERR_KEY_INVALID`, `ERR_JWS_INVALID`
 * @example
 * ```ts
 * const text = await createPresentation(licence, { disclose: ["address"], nonce, audience: "https://window.example", holderKey: signer, at: new Date() });
 * ```
 */
export async function createPresentation(licence: string, options: CreatePresentationOptions): Promise<string> {
  const nonce = checkChallenge(options?.nonce, "nonce");
  const audience = checkChallenge(options.audience, "audience");
  if (!(options.at instanceof Date) || Number.isNaN(options.at.getTime())) throw new TypeError("options.at must be a valid Date.");
  if (!Array.isArray(options.disclose) || options.disclose.some((d) => typeof d !== "string")) throw new TypeError("options.disclose must list field names.");
  const signer = options.holderKey;
  if (!signer || !HOLDER_KEY_ALGORITHMS.includes(signer.alg as never)) throw new TypeError("options.holderKey must be an ES256 or EdDSA signer.");
  const parts = splitSdJwt(licence.trim());
  if (parts.keyBinding !== "") throw invalid("shape", "The licence already carries a key-binding JWT: give the holder's copy of the licence.");
  const jws = parseCompactJws(parts.jws, { algorithms: DEFAULT_ALGORITHMS.concat(["ES384", "SM2SM3"]) });
  const payload = parseStrictJsonUtf8(jws.payload, { maxLength: DEFAULT_JWS_LIMITS.maxLength });
  if (!isJsonObject(payload)) throw invalid("shape", "The licence payload is not a JSON object.");
  const holderJwk = licenceHolderKey(payload);
  if (holderKeyAlgorithm(holderJwk) !== signer.alg) throw invalid("holder-key-mismatch", "The holder's key is not the key the licence is bound to.");

  const wanted = new Set(options.disclose);
  const chosen: string[] = [];
  for (const d of parts.disclosures) {
    const name = disclosureName(d);
    if (name !== null && wanted.has(name)) {
      chosen.push(d);
      wanted.delete(name);
    }
  }
  if (wanted.size > 0) throw invalid("disclose-unknown", "The licence has no withheld field of a name to disclose (plain fields are always shown).");

  const text = sdJwtText({ jws: parts.jws, disclosures: chosen });
  const header = backend.base64urlEncodeText(JSON.stringify({ alg: signer.alg, typ: KB_JWT_TYP }));
  const body = backend.base64urlEncodeText(JSON.stringify({ iat: Math.floor(options.at.getTime() / 1000), aud: audience, nonce, sd_hash: sdHash(text) }));
  const signingInput = backend.asciiBytes(`${header}.${body}`);
  const signature = await signer.sign(signingInput);
  if (!(await backend.verify(await importHolderKey(holderJwk), signingInput, signature))) {
    throw invalid("holder-key-mismatch", "The holder's key is not the key the licence is bound to.");
  }
  return `${text}${header}.${body}.${backend.base64urlEncode(signature)}`;
}
