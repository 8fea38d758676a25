/**
 * SD-JWT disclosures (RFC 9901, formerly draft-ietf-oauth-selective-disclosure-jwt): creating them,
 * and resolving a payload against them strictly.
 *
 * Unlike the SD-JWT libraries measured in LIBRARIES.md, resolution refuses a disclosure that no
 * digest references and a disclosure given twice, as RFC 9901 §7.1 requires.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { LicenceError } from "../errors/errors.js";
import { isJsonObject, parseStrictJsonUtf8 } from "../encoding/json.js";

/** The only `_sd_alg` eLicence issues and accepts. */
export const SD_ALG = "sha-256";

/** Limits for disclosures from outside. */
export const DISCLOSURE_LIMITS = Object.freeze({ maxCount: 256, maxLength: 64 * 1024 });

/** A created disclosure: the encoded string and its digest. */
export interface Disclosure {
  /** base64url(JSON([salt, name, value])) */
  readonly encoded: string;
  /** base64url(SHA-256(ASCII(encoded))) */
  readonly digest: string;
  readonly name: string;
  readonly value: unknown;
}

/** Digest of an encoded disclosure, as it appears in `_sd`. */
export function disclosureDigest(encoded: string): string {
  return backend.sha256Base64url(encoded);
}

/**
 * Creates an object-property disclosure with a fresh 144-bit salt.
 *
 * @param name - the claim name
 * @param value - the claim value (JSON)
 * @param salt - base64url salt; a random 18-byte one when omitted
 * @example
 * ```ts
 * const d = createDisclosure("registeredCapital", "1000000");
 * ```
 */
export function createDisclosure(name: string, value: unknown, salt?: string): Disclosure {
  const s = salt ?? backend.base64urlEncode(backend.randomBytes(SALT_BYTES));
  return makeDisclosure(salt == null ? `"${s}"` : JSON.stringify(s), s, name, value);
}

/**
 * A disclosure from its salt as JSON text: `JSON.stringify([salt, name, value])`, written out
 * member by member for a string name and a primitive value (this runs for every field of every
 * licence issued; the array form costs about twice as much), as the array form for anything else.
 */
function makeDisclosure(saltJson: string, salt: string, name: string, value: unknown): Disclosure {
  const json =
    typeof name === "string" && (typeof value !== "object" || value === null) && typeof value !== "bigint"
      ? primitiveDisclosureJson(saltJson, name, value)
      : JSON.stringify([salt, name, value]);
  const encoded = backend.base64urlEncodeText(json);
  return { encoded, digest: disclosureDigest(encoded), name, value };
}

function primitiveDisclosureJson(saltJson: string, name: string, value: unknown): string {
  // undefined, a function or a symbol: JSON.stringify gives undefined, the array form "null".
  const valueJson = JSON.stringify(value) ?? "null";
  return `[${saltJson},${JSON.stringify(name)},${valueJson}]`;
}

// Salts of 18 random bytes (144 bits; RFC 9901 §4.2.1 asks for at least 128): 18 bytes are exactly
// 24 base64url characters, so one encoding of every salt's bytes is cut into the salts.
const SALT_BYTES = 18;
const SALT_CHARS = 24;

/**
 * Creates several disclosures at once, drawing all their salts (144 bits each) in one call to the
 * random source and encoding them in one go (this runs for every licence issued).
 *
 * @param claims - name and value of each claim
 * @example
 * ```ts
 * const [a, b] = createDisclosures([["address", "…"], ["registeredCapital", "500"]]);
 * ```
 */
export function createDisclosures(claims: readonly (readonly [string, unknown])[]): Disclosure[] {
  if (claims.length === 0) return [];
  const salts = backend.base64urlEncode(backend.randomBytes(SALT_BYTES * claims.length));
  const out: Disclosure[] = [];
  for (let i = 0; i < claims.length; i++) {
    const [name, value] = claims[i]!;
    const salt = salts.slice(i * SALT_CHARS, (i + 1) * SALT_CHARS);
    // base64url needs no escaping inside a JSON string.
    out.push(makeDisclosure(`"${salt}"`, salt, name, value));
  }
  return out;
}

/** A disclosure after decoding, before it is matched to a digest. */
interface DecodedDisclosure {
  readonly digest: string;
  readonly name: string | null; // null: array element
  readonly value: unknown;
  used: boolean;
}

/** Why a disclosure was refused: the `details.reason` of `ERR_DISCLOSURE_INVALID`. */
export type DisclosureFailureReason =
  | "empty"
  | "encoding"
  | "json"
  | "shape"
  | "reserved-name"
  | "sd-alg"
  | "duplicate"
  | "unreferenced"
  | "digest-type"
  | "digest-repeated"
  | "depth"
  | "array-marker-in-object"
  | "sd-type"
  | "array-disclosure-in-object"
  | "name-collision"
  | "array-marker-shape"
  | "object-disclosure-in-array";

/**
 * Every {@link DisclosureFailureReason} (the verifier reports them as the disclosures check's code).
 *
 * @internal
 */
export const DISCLOSURE_FAILURE_REASONS: readonly DisclosureFailureReason[] = Object.freeze([
  "empty",
  "encoding",
  "json",
  "shape",
  "reserved-name",
  "sd-alg",
  "duplicate",
  "unreferenced",
  "digest-type",
  "digest-repeated",
  "depth",
  "array-marker-in-object",
  "sd-type",
  "array-disclosure-in-object",
  "name-collision",
  "array-marker-shape",
  "object-disclosure-in-array",
]);

function invalid(reason: DisclosureFailureReason, message = "A disclosure is invalid."): LicenceError {
  return new LicenceError("ERR_DISCLOSURE_INVALID", message, { details: { reason } });
}

function decodeDisclosure(encoded: string): DecodedDisclosure {
  if (typeof encoded !== "string" || encoded.length === 0) throw invalid("empty");
  if (encoded.length > DISCLOSURE_LIMITS.maxLength) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "A disclosure is larger than allowed.", { details: { limit: DISCLOSURE_LIMITS.maxLength } });
  }
  const bytes = backend.base64urlDecode(encoded);
  if (bytes === null) throw invalid("encoding");
  let value: unknown;
  try {
    value = parseStrictJsonUtf8(bytes, { maxDepth: 16 });
  } catch (cause) {
    if (cause instanceof LicenceError && cause.code === "ERR_INPUT_TOO_LARGE") throw cause;
    throw invalid("json");
  }
  if (!Array.isArray(value) || (value.length !== 3 && value.length !== 2) || typeof value[0] !== "string") throw invalid("shape");
  if (value.length === 2) return { digest: disclosureDigest(encoded), name: null, value: value[1], used: false };
  const name = value[1];
  if (typeof name !== "string") throw invalid("shape");
  if (name === "_sd" || name === "..." || name === "_sd_alg") throw invalid("reserved-name");
  return { digest: disclosureDigest(encoded), name, value: value[2], used: false };
}

/** The result of resolving a payload against its disclosures. */
export interface ResolvedClaims {
  /** The payload with disclosed claims in place and `_sd`, `_sd_alg` and undisclosed digests removed. */
  readonly claims: Record<string, unknown>;
  /** Paths of the claims that came from disclosures, e.g. `fields.registeredCapital`. */
  readonly disclosedPaths: readonly string[];
}

/**
 * Resolves a payload against disclosures (RFC 9901 §7.1): every disclosure must be referenced
 * exactly once; digests must not repeat; a disclosed name must not collide with a plain claim.
 *
 * @param payload - the verified JWT payload
 * @param disclosures - encoded disclosures
 * @throws LicenceError `ERR_DISCLOSURE_INVALID` (with `details.reason`)
 * @example
 * ```ts
 * const { claims } = resolveDisclosures(payload, ["WyJzYWx0IiwibmFtZSIsInZhbHVlIl0"]);
 * ```
 */
export function resolveDisclosures(payload: Record<string, unknown>, disclosures: readonly string[]): ResolvedClaims {
  if (disclosures.length > DISCLOSURE_LIMITS.maxCount) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "There are more disclosures than allowed.", { details: { limit: DISCLOSURE_LIMITS.maxCount } });
  }
  const alg = payload._sd_alg;
  if (alg !== undefined && alg !== SD_ALG) throw invalid("sd-alg", "The selective-disclosure hash algorithm is not supported.");
  const byDigest = new Map<string, DecodedDisclosure>();
  for (const encoded of disclosures) {
    const decoded = decodeDisclosure(encoded);
    if (byDigest.has(decoded.digest)) throw invalid("duplicate");
    byDigest.set(decoded.digest, decoded);
  }
  const seenDigests: Seen = {};
  const disclosedPaths: string[] = [];
  const claims = resolveObject(payload, byDigest, seenDigests, disclosedPaths, "", 0, true);
  for (const d of byDigest.values()) if (!d.used) throw invalid("unreferenced");
  return { claims, disclosedPaths };
}

const MAX_DEPTH = 16;

function resolveValue(value: unknown, byDigest: Map<string, DecodedDisclosure>, seen: Seen, paths: string[], path: string, depth: number): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return resolveArray(value, byDigest, seen, paths, path, depth + 1);
  return resolveObject(value as Record<string, unknown>, byDigest, seen, paths, path, depth + 1, false);
}

/**
 * The disclosure a digest references, or `undefined` for a withheld claim or a decoy; a digest seen
 * before is refused. A digest that references a disclosure was seen before exactly when that
 * disclosure is already used (it is marked used once placed, and a digest that matches one but
 * cannot place it throws), so only the others go to the set (made on the first one).
 */
function claimDigest(digest: unknown, byDigest: Map<string, DecodedDisclosure>, seen: Seen): DecodedDisclosure | undefined {
  if (typeof digest !== "string") throw invalid("digest-type");
  const disclosure = byDigest.get(digest);
  if (disclosure !== undefined) {
    if (disclosure.used) throw invalid("digest-repeated");
    return disclosure;
  }
  const others = (seen.others ??= new Set<string>());
  if (others.has(digest)) throw invalid("digest-repeated");
  others.add(digest);
  return undefined;
}

/** The digests seen so far that reference no disclosure. */
interface Seen {
  others?: Set<string>;
}

/** Sets a member; a member named "__proto__" stays a plain data member, never the prototype. */
function setMember(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

// Hot path: member paths are only built for values that are objects or arrays (where a nested
// disclosure may need one) and for disclosed claims, not for every primitive member.
function resolveObject(
  obj: Record<string, unknown>,
  byDigest: Map<string, DecodedDisclosure>,
  seen: Seen,
  paths: string[],
  path: string,
  depth: number,
  top: boolean,
): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw invalid("depth");
  const out: Record<string, unknown> = {};
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === "_sd" || (top && key === "_sd_alg")) continue;
    if (key === "...") throw invalid("array-marker-in-object");
    const value = obj[key];
    setMember(out, key, typeof value === "object" && value !== null ? resolveValue(value, byDigest, seen, paths, path ? `${path}.${key}` : key, depth) : value);
  }
  const sd = obj._sd;
  if (sd === undefined) return out;
  if (!Array.isArray(sd)) throw invalid("sd-type");
  for (let i = 0; i < sd.length; i++) {
    const disclosure = claimDigest(sd[i], byDigest, seen);
    if (!disclosure) continue; // a withheld claim or a decoy
    if (disclosure.name === null) throw invalid("array-disclosure-in-object");
    if (Object.prototype.hasOwnProperty.call(out, disclosure.name)) throw invalid("name-collision");
    disclosure.used = true;
    const childPath = path ? `${path}.${disclosure.name}` : disclosure.name;
    setMember(out, disclosure.name, resolveValue(disclosure.value, byDigest, seen, paths, childPath, depth));
    paths.push(childPath);
  }
  return out;
}

function resolveArray(arr: readonly unknown[], byDigest: Map<string, DecodedDisclosure>, seen: Seen, paths: string[], path: string, depth: number): unknown[] {
  if (depth > MAX_DEPTH) throw invalid("depth");
  const out: unknown[] = [];
  arr.forEach((element, index) => {
    if (isJsonObject(element) && "..." in element) {
      if (Object.keys(element).length !== 1) throw invalid("array-marker-shape");
      const disclosure = claimDigest(element["..."], byDigest, seen);
      if (!disclosure) return;
      if (disclosure.name !== null) throw invalid("object-disclosure-in-array");
      disclosure.used = true;
      out.push(resolveValue(disclosure.value, byDigest, seen, paths, `${path}[${index}]`, depth));
      paths.push(`${path}[${index}]`);
      return;
    }
    out.push(resolveValue(element, byDigest, seen, paths, `${path}[${index}]`, depth));
  });
  return out;
}
