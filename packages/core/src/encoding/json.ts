/**
 * Strict JSON for untrusted input: UTF-8 checked, size- and depth-limited, and **duplicate object
 * members refused** (JSON.parse silently keeps the last one, which lets a forged header or payload
 * say two things at once — RFC 7515 §5.2 and RFC 8259 §4 leave it to us to reject them).
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";

/** Limits for {@link parseStrictJson}. */
export interface StrictJsonLimits {
  /** Maximum input length in UTF-16 code units. */
  readonly maxLength?: number;
  /** Maximum nesting depth of arrays and objects. */
  readonly maxDepth?: number;
}

const DEFAULT_MAX_LENGTH = 1 << 20;
const DEFAULT_MAX_DEPTH = 32;
// ignoreBOM: a byte order mark is kept as U+FEFF (not silently dropped), so the JSON reader refuses it.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** A high surrogate not followed by a low one, or a low one not preceded by a high one (UTF-16 code units). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** No unpaired surrogate: the engine's own check where it has one (ES2024 `isWellFormed`), else the expression. */
const wellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function"
    ? (text) => (text as string & { isWellFormed(): boolean }).isWellFormed()
    : (text) => !LONE_SURROGATE.test(text);
/** A `\u` escape of a surrogate: the parsed strings then need the check too. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Decodes UTF-8 strictly; throws ERR_INPUT_MALFORMED on invalid sequences. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new LicenceError("ERR_INPUT_MALFORMED", "The input is not valid UTF-8.", { cause });
  }
}

/**
 * Parses JSON text, refusing duplicate members, excessive nesting and oversized input.
 *
 * @param text - the JSON text
 * @param limits - size and depth limits
 * @returns the parsed value
 * @throws LicenceError `ERR_INPUT_TOO_LARGE`, `ERR_INPUT_MALFORMED` or `ERR_JSON_DUPLICATE_MEMBER`
 * @example
 * ```ts
 * parseStrictJson('{"a":1}'); // { a: 1 }
 * parseStrictJson('{"a":1,"a":2}'); // throws ERR_JSON_DUPLICATE_MEMBER
 * ```
 */
export function parseStrictJson(text: string, limits: StrictJsonLimits = {}): unknown {
  return parseChecked(text, limits, false);
}

/**
 * {@link decodeUtf8} then {@link parseStrictJson}, the same checks in the same order, less one:
 * text from the strict UTF-8 decoder never holds an unpaired surrogate (UTF-8 cannot encode one,
 * and the decoder refuses the bytes of one), so that scan of the whole text is not repeated.
 *
 * @internal
 */
export function parseStrictJsonUtf8(bytes: Uint8Array, limits: StrictJsonLimits = {}): unknown {
  return parseChecked(decodeUtf8(bytes), limits, true);
}

function parseChecked(text: string, limits: StrictJsonLimits, fromUtf8: boolean): unknown {
  const maxLength = limits.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > maxLength) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "The JSON text is larger than allowed.", { details: { limit: maxLength } });
  }
  // RFC 8259 §8.1: no byte order mark; §8.2: strings are Unicode, so no unpaired surrogate.
  if (text.charCodeAt(0) === 0xfeff) throw new LicenceError("ERR_INPUT_MALFORMED", "The JSON text starts with a byte order mark.");
  if (!fromUtf8 && !wellFormed(text)) throw new LicenceError("ERR_INPUT_MALFORMED", "The JSON text holds an unpaired surrogate.");
  const members = scan(text, limits.maxDepth ?? DEFAULT_MAX_DEPTH);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new LicenceError("ERR_INPUT_MALFORMED", "The input is not valid JSON.", { cause });
  }
  // JSON.parse keeps the last of two members with the same name, so the parsed value has fewer
  // members than the text has name separators exactly when some object repeats a name.
  if (members > 0 && countMembers(value) !== members) {
    throw new LicenceError("ERR_JSON_DUPLICATE_MEMBER", "The JSON text has a duplicate object member.");
  }
  if (SURROGATE_ESCAPE.test(text) && hasLoneSurrogate(value)) throw new LicenceError("ERR_INPUT_MALFORMED", "The JSON text holds an unpaired surrogate.");
  return value;
}

/** True when a parsed string or member name holds an unpaired surrogate (bounded: the scan limited the nesting). */
function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === "string") return !wellFormed(value);
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  for (const key of Object.keys(value)) if (!wellFormed(key) || hasLoneSurrogate((value as Record<string, unknown>)[key])) return true;
  return false;
}

/**
 * One pass over the text, outside strings: counts the name separators (`:`), which in valid JSON
 * are exactly the object members, and refuses nesting deeper than `maxDepth` before JSON.parse and
 * the member walk see it. It only has to be right for valid JSON: anything it lets through that is
 * not JSON, JSON.parse refuses afterwards.
 */
function scan(text: string, maxDepth: number): number {
  let colons = 0;
  let depth = 0;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Jump to the closing quote with a native scan; a quote preceded by an odd run of
      // backslashes is escaped, so keep looking past it.
      let end = text.indexOf('"', i + 1);
      while (end > 0 && text.charCodeAt(end - 1) === 0x5c) {
        let slashes = 1;
        while (end - slashes - 1 > i && text.charCodeAt(end - slashes - 1) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end < 0) return colons; // unterminated: JSON.parse reports it
      i = end;
    } else if (c === 0x3a /* : */) {
      colons++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) {
        throw new LicenceError("ERR_INPUT_TOO_LARGE", "The JSON text is nested too deeply.", { details: { limit: maxDepth } });
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return colons;
}

/** Object members in a parsed value, at every depth (bounded: the scan limited the nesting). */
function countMembers(value: unknown): number {
  let n = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const e: unknown = value[i];
      if (typeof e === "object" && e !== null) n += countMembers(e);
    }
    return n;
  }
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    n++;
    const e = obj[key];
    if (typeof e === "object" && e !== null) n += countMembers(e);
  }
  return n;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
