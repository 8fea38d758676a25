/**
 * The unsigned properties of a JAdES signature, `etsiU` (ETSI TS 119 182-1 clause 5.3), read
 * strictly for {@link verifyJades}: signature and archive timestamps (`sigTst` 5.3.4, `arcTst`
 * 5.3.6), certificate values (`xVals` 5.3.5.1), revocation values (`rVals` 5.3.5.2) and
 * counter-signatures (`cSig` 5.3.2). Anything malformed is a FORMAT_FAILURE; a property this
 * validator knows but cannot evaluate is listed as unsupported (the verdict is then
 * INDETERMINATE, never PASSED on evidence nobody checked).
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { decodeBase64 } from "../encoding/base64.js";
import { isJsonObject, parseStrictJsonUtf8 } from "../encoding/json.js";
import { malformed } from "./report.js";

/** One `etsiU` element, in document order. */
export interface UnsignedComponent {
  /** The property's name (`sigTst`, `xVals`, …). */
  readonly name: string;
  /** The element exactly as it appears, when `etsiU` is in base64url form (clause 5.3.1). */
  readonly encoded?: string;
}

/** Time-stamp tokens of a `tstContainer` (clause 5.4.3.3), DER. */
export interface TimestampContainer {
  /** Position of the element in `etsiU`. */
  readonly position: number;
  readonly tokens: readonly Uint8Array[];
  readonly canonAlg?: string;
}

/** What `etsiU` holds. */
export interface JadesUnsignedProperties {
  readonly components: readonly UnsignedComponent[];
  readonly encoded: boolean;
  readonly signatureTimestamps: readonly TimestampContainer[];
  readonly archiveTimestamps: readonly TimestampContainer[];
  /** `xVals` certificates, DER, in document order. */
  readonly certificates: readonly Uint8Array[];
  /** `rVals` values, DER; `undefined` when there is no `rVals`. */
  readonly revocation?: { readonly crls: readonly Uint8Array[]; readonly ocspResponses: readonly Uint8Array[] };
  /** `cSig` values: a compact JWS or a JSON serialisation object. */
  readonly counterSignatures: readonly (string | Record<string, unknown>)[];
  /** Properties TS 119 182-1 defines that this validator does not evaluate. */
  readonly unsupported: readonly string[];
}

const MAX_ITEMS = 64;
const MAX_VALUES = 64;
const MAX_TOKENS = 8;
/** Defined by TS 119 182-1 clause 5.3 and Annex A, not evaluated here. */
const KNOWN_UNSUPPORTED: ReadonlySet<string> = new Set(["sigPSt", "tstVD", "axVals", "arVals", "xRefs", "rRefs", "axRefs", "arRefs", "sigRTst", "rfsTst"]);

/**
 * Reads an `etsiU` array.
 *
 * @param value - the `etsiU` member of the unprotected header
 * @throws JadesCheckFailure FORMAT_FAILURE with an `etsiU-…`, `xVals`, `rVals`, `sigTst`, `arcTst` or `cSig` code
 */
export function readUnsignedProperties(value: unknown): JadesUnsignedProperties {
  if (!Array.isArray(value) || value.length === 0) throw malformed("etsiU");
  if (value.length > MAX_ITEMS) throw malformed("etsiU-size");
  // Clause 5.3.1: all elements are JSON objects, or all are base64url-encoded JSON objects.
  const encoded = typeof value[0] === "string";
  const components: UnsignedComponent[] = [];
  const signatureTimestamps: TimestampContainer[] = [];
  const archiveTimestamps: TimestampContainer[] = [];
  const certificates: Uint8Array[] = [];
  const crls: Uint8Array[] = [];
  const ocspResponses: Uint8Array[] = [];
  const counterSignatures: (string | Record<string, unknown>)[] = [];
  const unsupported: string[] = [];
  let hasRevocation = false;
  for (const [position, element] of value.entries()) {
    if ((typeof element === "string") !== encoded) throw malformed("etsiU-mixed");
    const item = encoded ? decodeItem(element as string) : element;
    if (!isJsonObject(item) || Object.keys(item).length !== 1) throw malformed("etsiU-item");
    const name = Object.keys(item)[0]!;
    const body = item[name];
    components.push({ name, ...(encoded ? { encoded: element as string } : {}) });
    if (name === "sigTst") signatureTimestamps.push(readContainer(body, position, "sigTst"));
    else if (name === "arcTst") archiveTimestamps.push(readArchiveTimestamp(body, position));
    else if (name === "xVals") certificates.push(...readCertificateValues(body));
    else if (name === "rVals") {
      hasRevocation = true;
      readRevocationValues(body, crls, ocspResponses, unsupported);
    } else if (name === "cSig") {
      if (typeof body !== "string" && !isJsonObject(body)) throw malformed("cSig");
      counterSignatures.push(body as string | Record<string, unknown>);
    } else if (KNOWN_UNSUPPORTED.has(name)) unsupported.push(name);
    else throw malformed("etsiU-unknown");
    if (certificates.length > MAX_VALUES || crls.length > MAX_VALUES || ocspResponses.length > MAX_VALUES) throw malformed("etsiU-size");
  }
  return {
    components,
    encoded,
    signatureTimestamps,
    archiveTimestamps,
    certificates,
    ...(hasRevocation ? { revocation: { crls, ocspResponses } } : {}),
    counterSignatures,
    unsupported,
  };
}

function decodeItem(text: string): unknown {
  const bytes = backend.base64urlDecode(text);
  if (bytes === null) throw malformed("etsiU-encoding");
  try {
    return parseStrictJsonUtf8(bytes);
  } catch {
    throw malformed("etsiU-encoding");
  }
}

/** A base64 DER value (`val` of a `pkiOb` or `tstToken`); `encoding`, when present, must name DER. */
function readValue(value: unknown, members: readonly string[], code: string): Uint8Array {
  if (!isJsonObject(value) || !Object.keys(value).every((k) => members.includes(k))) throw malformed(code);
  const { val, encoding } = value;
  // Clause 5.4.2 (pkiOb): without `encoding` the value is DER; the DER URI says the same.
  if (encoding !== undefined && encoding !== "http://uri.etsi.org/19182/DER") throw malformed(`${code}-encoding`);
  if (value.specRef !== undefined && typeof value.specRef !== "string") throw malformed(code);
  if (value.type !== undefined && typeof value.type !== "string") throw malformed(code);
  const der = typeof val === "string" ? decodeBase64(val) : null;
  if (!der || der.length === 0) throw malformed(code);
  return der;
}

/** `tstContainer` (clause 5.4.3.3): `{ canonAlg?, tstTokens: [tstToken, …] }`. */
function readContainer(value: unknown, position: number, code: string): TimestampContainer {
  if (!isJsonObject(value) || !Object.keys(value).every((k) => k === "canonAlg" || k === "tstTokens")) throw malformed(code);
  const { canonAlg, tstTokens } = value;
  if (canonAlg !== undefined && (typeof canonAlg !== "string" || canonAlg.length === 0 || canonAlg.length > 256)) throw malformed(code);
  if (!Array.isArray(tstTokens) || tstTokens.length === 0 || tstTokens.length > MAX_TOKENS) throw malformed(code);
  const tokens = tstTokens.map((t) => readValue(t, ["val", "type", "encoding", "specRef"], code));
  return { position, tokens, ...(canonAlg !== undefined ? { canonAlg: canonAlg as string } : {}) };
}

/**
 * `arcTst` (clause 5.3.6.2): `{ tstContainer, timeStamped? }` — the tokens in a `tstContainer`;
 * `timeStamped` absent or `"all"` (the whole signature and every element before it, clause
 * 5.3.6.3.1), the only form this validator computes.
 */
function readArchiveTimestamp(value: unknown, position: number): TimestampContainer {
  // The EU's reference implementation writes the container's members directly in `arcTst`
  // (`{ tstTokens, canonAlg? }`); both forms are read, the direct one is written.
  if (isJsonObject(value) && !("tstContainer" in value) && !("timeStamped" in value)) return readContainer(value, position, "arcTst");
  if (!isJsonObject(value) || !Object.keys(value).every((k) => k === "tstContainer" || k === "timeStamped")) throw malformed("arcTst");
  if (value.timeStamped !== undefined && value.timeStamped !== "all") throw malformed("arcTst-timeStamped");
  return readContainer(value.tstContainer, position, "arcTst");
}

/** `xVals` (clause 5.3.5.1): `[{ x509Cert: pkiOb } | { otherCert: … }, …]`. */
function readCertificateValues(value: unknown): Uint8Array[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_VALUES) throw malformed("xVals");
  return value.map((entry) => {
    if (!isJsonObject(entry) || Object.keys(entry).length !== 1 || !("x509Cert" in entry)) throw malformed("xVals");
    return readValue(entry.x509Cert, ["val", "encoding", "specRef"], "xVals");
  });
}

/** `rVals` (clause 5.3.5.2): `{ crlVals?, ocspVals?, otherVals? }`, at least one. */
function readRevocationValues(value: unknown, crls: Uint8Array[], ocsps: Uint8Array[], unsupported: string[]): void {
  if (!isJsonObject(value) || Object.keys(value).length === 0 || !Object.keys(value).every((k) => ["crlVals", "ocspVals", "otherVals"].includes(k))) throw malformed("rVals");
  for (const [member, target] of [["crlVals", crls], ["ocspVals", ocsps]] as const) {
    const list = value[member];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_VALUES) throw malformed("rVals");
    for (const v of list) target.push(readValue(v, ["val", "encoding", "specRef"], "rVals"));
  }
  if (value.otherVals !== undefined) {
    if (!Array.isArray(value.otherVals) || value.otherVals.length === 0) throw malformed("rVals");
    unsupported.push("rVals.otherVals");
  }
}
