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

/** The unsigned properties read from `etsiU`. */
export interface UnsignedProperties {
  /** Certificate values (`xVals`, clause 5.3.5.1): standard base64 DER, in document order. */
  readonly certificates: readonly string[];
}

/** At most this many unsigned properties, and certificate values in all. */
const MAX_ITEMS = 64;
const MAX_CERTIFICATES = 64;
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
  for (const element of value) {
    if ((typeof element === "string") !== encoded) throw invalid("etsiU-mixed");
    const item = encoded ? decodeItem(element as string) : element;
    if (!isJsonObject(item)) throw invalid("etsiU-item");
    const names = Object.keys(item);
    if (names.length !== 1) throw invalid("etsiU-item");
    const name = names[0]!;
    if (name === "xVals") certificates.push(...readCertificateValues(item.xVals));
    // Timestamps (sigTst, arcTst), revocation values (rVals) and counter-signatures are evidence
    // this verifier must check before it may rely on them; until it does, they are refused.
    else throw invalid(`etsiU-unsupported:${name.slice(0, 32)}`);
    if (certificates.length > MAX_CERTIFICATES) throw invalid("xVals-size");
  }
  return { certificates };
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
