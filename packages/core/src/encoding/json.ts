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
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

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
  const maxLength = limits.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > maxLength) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "The JSON text is larger than allowed.", { details: { limit: maxLength } });
  }
  checkMembers(text, limits.maxDepth ?? DEFAULT_MAX_DEPTH);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new LicenceError("ERR_INPUT_MALFORMED", "The input is not valid JSON.", { cause });
  }
}

/**
 * One pass over the text that tracks, per open object, the member names seen so far. It only has to
 * be right for valid JSON: anything it lets through that is not JSON, JSON.parse refuses afterwards.
 */
function checkMembers(text: string, maxDepth: number): void {
  // No object, no member names: nothing can repeat (the common case for SD-JWT disclosures).
  if (text.indexOf("{") < 0) {
    if (text.length > maxDepth && depthOf(text) > maxDepth) {
      throw new LicenceError("ERR_INPUT_TOO_LARGE", "The JSON text is nested too deeply.", { details: { limit: maxDepth } });
    }
    return;
  }
  // Stack of containers: a Set of names for an object, null for an array.
  const stack: (Set<string> | null)[] = [];
  // After '{' or ',' inside an object, the next string is a member name.
  let expectName = false;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Jump to the closing quote with a native scan; a quote preceded by an odd run of
      // backslashes is escaped, so keep looking past it.
      const start = i + 1;
      let end = text.indexOf('"', start);
      let escaped = false;
      while (end > 0) {
        let slashes = 0;
        for (let k = end - 1; k >= start && text.charCodeAt(k) === 0x5c; k--) slashes++;
        if (slashes > 0) escaped = true;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end < 0) return; // unterminated: JSON.parse reports it
      if (!escaped && text.indexOf("\\", start) >= 0 && text.indexOf("\\", start) < end) escaped = true;
      i = end;
      if (expectName) {
        expectName = false;
        let name = text.slice(start, end);
        if (escaped) {
          try {
            name = JSON.parse(text.slice(start - 1, end + 1)) as string;
          } catch {
            return; // invalid escape: JSON.parse reports it
          }
        }
        const names = stack[stack.length - 1];
        if (names) {
          if (names.has(name)) {
            throw new LicenceError("ERR_JSON_DUPLICATE_MEMBER", "The JSON text has a duplicate object member.");
          }
          names.add(name);
        }
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) {
        throw new LicenceError("ERR_INPUT_TOO_LARGE", "The JSON text is nested too deeply.", { details: { limit: maxDepth } });
      }
      const isObject = c === 0x7b;
      stack.push(isObject ? new Set() : null);
      expectName = isObject;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectName = false;
    } else if (c === 0x2c /* , */) {
      expectName = stack.length > 0 && stack[stack.length - 1] !== null;
    }
  }
}

/** Nesting depth of brackets outside strings (for texts without objects). */
function depthOf(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x5d) depth--;
  }
  return max;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
