/**
 * The unsigned properties of a JAdES signature: the `etsiU` member of the unprotected header
 * (ETSI TS 119 182-1 clause 5.3). Read strictly: an `etsiU` this verifier cannot account for is an
 * error, never ignored, since evidence that is skipped could turn a verdict (fail closed).
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import { backend } from "../crypto/index.js";
import { decodeUtf8, isJsonObject, parseStrictJson } from "../encoding/json.js";
import { decodeBase64 } from "../encoding/base64.js";

/** A time-stamp token found in `etsiU`, with where it stands. */
export interface UnsignedTimestamp {
  /** `signature` for `sigTst` (clause 5.3.4), `archive` for `arcTst` (clause 5.3.6). */
  readonly kind: "signature" | "archive";
  /** The TimeStampToken, DER. */
  readonly token: Uint8Array;
  /** Index of its `etsiU` element. */
  readonly element: number;
  /**
   * For an `arcTst`: the bytes its message imprint covers after the signature part — the
   * base64url-encoded `etsiU` elements before it, concatenated (clause 5.3.6.3.1.1).
   */
  readonly precedingElements?: string;
}

/** The unsigned properties read from `etsiU`. */
export interface UnsignedProperties {
  /** Certificate values (`xVals`, clause 5.3.5.1): standard base64 DER, in document order. */
  readonly certificates: readonly string[];
  /** Time-stamp tokens (`sigTst`, `arcTst`), in document order. */
  readonly timestamps: readonly UnsignedTimestamp[];
}

/** At most this many unsigned properties, and certificate values in all. */
const MAX_ITEMS = 64;
const MAX_CERTIFICATES = 64;
/** At most this many time-stamp tokens in all, each at most 64 KiB of DER. */
const MAX_TIMESTAMPS = 16;
const MAX_TOKEN_BASE64 = Math.ceil(65_536 / 3) * 4;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function invalid(reason: string): LicenceError {
  return new LicenceError("ERR_JWS_INVALID", "The signature's unsigned properties (etsiU) are malformed or not supported.", { details: { reason } });
}

/**
 * Reads an `etsiU` array. Clause 5.3.1 lets its elements be JSON objects or the base64url encoding
 * of JSON objects, but not a mix; each element holds exactly one unsigned property.
 *
 * @param value - the `etsiU` member as parsed from the unprotected header
 * @throws LicenceError `ERR_JWS_INVALID` with `details.reason`
 */
export function readUnsignedProperties(value: unknown): UnsignedProperties {
  if (!Array.isArray(value) || value.length === 0) throw invalid("etsiU-type");
  if (value.length > MAX_ITEMS) throw invalid("etsiU-size");
  const encoded = typeof value[0] === "string";
  const certificates: string[] = [];
  const timestamps: UnsignedTimestamp[] = [];
  for (const [index, element] of value.entries()) {
    if ((typeof element === "string") !== encoded) throw invalid("etsiU-mixed");
    const item = encoded ? decodeItem(element as string) : element;
    if (!isJsonObject(item)) throw invalid("etsiU-item");
    const names = Object.keys(item);
    if (names.length !== 1) throw invalid("etsiU-item");
    const name = names[0]!;
    if (name === "xVals") certificates.push(...readCertificateValues(item.xVals));
    else if (name === "sigTst") {
      for (const token of readTimestampContainer(item.sigTst, "sigTst")) timestamps.push({ kind: "signature", token, element: index });
    } else if (name === "arcTst") {
      // The arcTst message imprint covers the elements before it as they are encoded; only the
      // base64url form (clause 5.3.6.3.1.1) fixes those bytes without a JSON canonicalisation.
      if (!encoded) throw invalid("arcTst-clear-form");
      const tokens = readArchiveTimestamp(item.arcTst);
      const precedingElements = (value.slice(0, index) as string[]).join("");
      for (const token of tokens) timestamps.push({ kind: "archive", token, element: index, precedingElements });
    }
    // Revocation values (rVals) and counter-signatures are evidence this verifier must check
    // before it may rely on them; until it does, they are refused.
    else throw invalid(`etsiU-unsupported:${name.slice(0, 32)}`);
    if (certificates.length > MAX_CERTIFICATES) throw invalid("xVals-size");
    if (timestamps.length > MAX_TIMESTAMPS) throw invalid("timestamps-size");
  }
  return { certificates, timestamps };
}

function decodeItem(text: string): unknown {
  const bytes = backend.base64urlDecode(text);
  if (bytes === null) throw invalid("etsiU-encoding");
  try {
    return parseStrictJson(decodeUtf8(bytes));
  } catch {
    throw invalid("etsiU-encoding");
  }
}

/** `xVals` (clause 5.3.5.1): an array of `{ x509Cert: { val } }` (or `otherCert`, not supported). */
function readCertificateValues(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid("xVals");
  return value.map((entry) => {
    if (!isJsonObject(entry) || Object.keys(entry).length !== 1 || !isJsonObject(entry.x509Cert)) throw invalid("xVals");
    const { val, encoding, ...rest } = entry.x509Cert;
    if (Object.keys(rest).length > 0 || typeof val !== "string" || !BASE64.test(val) || val.length % 4 !== 0) throw invalid("xVals");
    // PkiOb: without `encoding` the value is DER, the only encoding read here.
    if (encoding !== undefined) throw invalid("xVals-encoding");
    return val;
  });
}

/**
 * A `tstContainer` (clause 5.3.4): `{ tstTokens: [ { val } ] }`, each `val` the standard base64 DER
 * of an RFC 3161 TimeStampToken. `canonAlg`, another `encoding` or other members are refused (this
 * verifier could not account for them).
 */
function readTimestampContainer(value: unknown, member: string): Uint8Array[] {
  if (!isJsonObject(value) || Object.keys(value).length !== 1 || !Array.isArray(value.tstTokens)) throw invalid(member);
  const tokens = value.tstTokens;
  if (tokens.length === 0 || tokens.length > MAX_TIMESTAMPS) throw invalid(member);
  return tokens.map((entry) => {
    if (!isJsonObject(entry) || Object.keys(entry).length !== 1) throw invalid(`${member}-token`);
    const val = entry.val;
    if (typeof val !== "string" || val.length > MAX_TOKEN_BASE64 || !BASE64.test(val) || val.length % 4 !== 0) throw invalid(`${member}-token`);
    const der = decodeBase64(val);
    if (der === null || der.length === 0) throw invalid(`${member}-token`);
    return der;
  });
}

/** `arcTst` (clause 5.3.6.2): `{ tstContainer, timeStamped? }` with `timeStamped` absent or `"all"`. */
function readArchiveTimestamp(value: unknown): Uint8Array[] {
  if (!isJsonObject(value)) throw invalid("arcTst");
  const { tstContainer, timeStamped, ...rest } = value;
  if (Object.keys(rest).length > 0 || (timeStamped !== undefined && timeStamped !== "all")) throw invalid("arcTst");
  return readTimestampContainer(tstContainer, "arcTst");
}
