/**
 * Reading a JWS in any of its three serialisations (RFC 7515 §7): compact, flattened JSON and
 * general JSON (several signatures over one payload). Size-limited and strict: duplicate JSON
 * members, unexpected members, malformed base64url and overlapping headers are refused. A
 * signature that cannot be read is recorded as a failure of that signature only.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { LicenceError, isLicenceError } from "../errors/errors.js";
import { isJsonObject, parseStrictJson, parseStrictJsonUtf8 } from "../encoding/json.js";
import { JadesCheckFailure, malformed } from "./report.js";

/** One signature of a JWS, its headers decoded, not yet interpreted. */
export interface JwsSignatureParts {
  readonly index: number;
  /** The encoded protected header, exactly as received (it is part of the signing input). */
  readonly protectedB64: string;
  readonly header: Record<string, unknown>;
  readonly unprotected: Record<string, unknown>;
  readonly signatureB64: string;
  readonly signature: Uint8Array;
}

/** A JWS document, split into its payload and signatures. */
export interface JwsDocument {
  readonly serialisation: "compact" | "flattened" | "general";
  /** The payload as it appears in the document (base64url, or raw with `b64: false`); `""` when detached. */
  readonly payload: string;
  /** Each signature, or why it could not be read. */
  readonly signatures: readonly (JwsSignatureParts | JadesCheckFailure)[];
}

/** Size limits for {@link readJwsDocument}. */
export interface JwsDocumentLimits {
  /** Most characters in the whole document. Default 1 MiB. */
  readonly maxLength?: number;
  /** Most signatures in a general serialisation. Default 16. */
  readonly maxSignatures?: number;
}

/** Most characters of an encoded protected header. */
const MAX_HEADER_LENGTH = 64 * 1024;
const DEFAULT_MAX_LENGTH = 1 << 20;
const DEFAULT_MAX_SIGNATURES = 16;
const FLATTENED = ["protected", "header", "payload", "signature"];
const GENERAL = ["payload", "signatures"];
const GENERAL_SIGNATURE = ["protected", "header", "signature"];
/** RFC 7797 §5.2: an unencoded compact payload may only hold printable ASCII other than '.'. */
const COMPACT_RAW_PAYLOAD = /^[\x20-\x2d\x2f-\x7e]*$/;

function decodeProtected(protectedB64: unknown): Record<string, unknown> {
  if (typeof protectedB64 !== "string" || protectedB64.length === 0) throw malformed("protected-header-missing");
  if (protectedB64.length > MAX_HEADER_LENGTH) throw malformed("protected-header-size");
  const bytes = backend.base64urlDecode(protectedB64);
  if (!bytes) throw malformed("protected-header");
  let header: unknown;
  try {
    header = parseStrictJsonUtf8(bytes, { maxLength: MAX_HEADER_LENGTH });
  } catch (err) {
    throw malformed(isLicenceError(err, "ERR_JSON_DUPLICATE_MEMBER") ? "duplicate-member" : "protected-header");
  }
  if (!isJsonObject(header)) throw malformed("protected-header");
  return header;
}

function readSignature(index: number, protectedB64: unknown, unprotected: unknown, signatureB64: unknown): JwsSignatureParts | JadesCheckFailure {
  try {
    const header = decodeProtected(protectedB64);
    if (unprotected !== undefined && !isJsonObject(unprotected)) throw malformed("unprotected-header");
    const unprotectedHeader = (unprotected ?? {}) as Record<string, unknown>;
    // RFC 7515 §7.2.1: the protected and unprotected header parameter names are disjoint.
    for (const name of Object.keys(unprotectedHeader)) if (name in header) throw malformed("header-not-disjoint");
    if (typeof signatureB64 !== "string" || signatureB64.length === 0) throw malformed("signature");
    const signature = backend.base64urlDecode(signatureB64);
    if (!signature || signature.length === 0) throw malformed("signature");
    return { index, protectedB64: protectedB64 as string, header, unprotected: unprotectedHeader, signatureB64, signature };
  } catch (err) {
    if (err instanceof JadesCheckFailure) return err;
    throw err;
  }
}

/**
 * Splits a JWS into its payload and signatures.
 *
 * @param input - compact text, JSON text (flattened or general), or an already parsed JSON object
 * @param limits - size limits
 * @throws JadesCheckFailure FORMAT_FAILURE when the document as a whole cannot be read
 * @throws LicenceError ERR_INPUT_TOO_LARGE when it is larger than allowed
 */
export function readJwsDocument(input: string | Record<string, unknown>, limits: JwsDocumentLimits = {}): JwsDocument {
  const maxLength = limits.maxLength ?? DEFAULT_MAX_LENGTH;
  if (typeof input === "string") {
    const text = input.trim();
    if (text.length > maxLength) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The JWS is larger than allowed.", { details: { limit: maxLength } });
    if (!text.startsWith("{")) return readCompact(text);
    let parsed: unknown;
    try {
      parsed = parseStrictJson(text, { maxLength });
    } catch (err) {
      if (isLicenceError(err, "ERR_INPUT_TOO_LARGE")) throw err;
      throw malformed(isLicenceError(err, "ERR_JSON_DUPLICATE_MEMBER") ? "duplicate-member" : "json");
    }
    if (!isJsonObject(parsed)) throw malformed("json");
    return readJson(parsed, limits);
  }
  if (!isJsonObject(input)) throw new TypeError("A JWS is a string or a JSON object.");
  return readJson(input, limits);
}

function readCompact(text: string): JwsDocument {
  const parts = text.split(".");
  if (parts.length !== 3) throw malformed("compact-parts");
  const [protectedB64, payload, signatureB64] = parts as [string, string, string];
  if (!COMPACT_RAW_PAYLOAD.test(payload)) throw malformed("payload");
  return { serialisation: "compact", payload, signatures: [readSignature(0, protectedB64, undefined, signatureB64)] };
}

function readPayload(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value !== "string") throw malformed("payload");
  return value;
}

function readJson(value: Record<string, unknown>, limits: JwsDocumentLimits): JwsDocument {
  if ("signatures" in value) {
    if (!Object.keys(value).every((k) => GENERAL.includes(k))) throw malformed("member");
    const list = value.signatures;
    const max = limits.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
    if (!Array.isArray(list) || list.length === 0) throw malformed("signatures");
    if (list.length > max) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The JWS has more signatures than allowed.", { details: { limit: max } });
    const payload = readPayload(value.payload);
    const signatures = list.map((entry, index) => {
      if (!isJsonObject(entry) || !Object.keys(entry).every((k) => GENERAL_SIGNATURE.includes(k))) return malformed("member");
      return readSignature(index, entry.protected, entry.header, entry.signature);
    });
    return { serialisation: "general", payload, signatures };
  }
  if (!Object.keys(value).every((k) => FLATTENED.includes(k))) throw malformed("member");
  const payload = readPayload(value.payload);
  return { serialisation: "flattened", payload, signatures: [readSignature(0, value.protected, value.header, value.signature)] };
}
