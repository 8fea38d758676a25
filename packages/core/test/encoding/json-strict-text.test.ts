/**
 * Hardening defect 8: the strict JSON reader refuses a byte order mark and lone surrogates (raw or
 * escaped), which would let two readers of one document disagree on its text.
 */
import { describe, expect, it } from "vitest";
import { decodeUtf8, parseStrictJson } from "../../src/encoding/json.js";
import { LicenceError } from "../../src/errors/errors.js";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof LicenceError) return err.code;
    throw err;
  }
  return "accepted";
}

describe("strict JSON text", () => {
  it("refuses a byte order mark, as text and through the UTF-8 decoder", () => {
    expect(codeOf(() => parseStrictJson('\uFEFF{"a":1}'))).toBe("ERR_INPUT_MALFORMED");
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a":1}')]);
    expect(codeOf(() => parseStrictJson(decodeUtf8(bytes)))).toBe("ERR_INPUT_MALFORMED");
  });

  it("refuses lone surrogates, escaped or raw, in values and in names", () => {
    for (const text of ['{"a":"\\ud800"}', '{"a":"\\uDC00x"}', '{"\\ud834":1}', '["x\\udfff"]', '{"a":"\ud800"}', '{"a":"\udc00\ud800"}']) {
      expect(codeOf(() => parseStrictJson(text)), text).toBe("ERR_INPUT_MALFORMED");
    }
  });

  it("accepts surrogate pairs, escaped or raw", () => {
    expect(parseStrictJson('{"a":"\\ud834\\udd1e","b":"𝄞"}')).toEqual({ a: "𝄞", b: "𝄞" });
  });
});
