import { describe, expect, it } from "vitest";
import { parseStrictJson } from "../../src/encoding/json.js";
import { LicenceError } from "../../src/errors/errors.js";

function code(text: string, maxDepth?: number): string {
  try {
    parseStrictJson(text, maxDepth ? { maxDepth } : {});
    return "ok";
  } catch (err) {
    return err instanceof LicenceError ? err.code : `raw:${String(err)}`;
  }
}

describe("strict JSON", () => {
  it.each([
    ['{"a":1,"a":2}', "ERR_JSON_DUPLICATE_MEMBER"],
    ['{"a":1,"\\u0061":2}', "ERR_JSON_DUPLICATE_MEMBER"],
    ['{"a\\"b":1,"a\\"b":2}', "ERR_JSON_DUPLICATE_MEMBER"],
    ['{"a\\\\":1,"a\\\\":2}', "ERR_JSON_DUPLICATE_MEMBER"],
    ['{"x":{"a":1,"a":2}}', "ERR_JSON_DUPLICATE_MEMBER"],
    ['[{"a":1},{"a":2}]', "ok"],
    ['{"a":{"a":1},"b":"a"}', "ok"],
    ['{"a\\"":1,"a":2}', "ok"],
    ['{"a":"},{\\"a\\":1"}', "ok"],
    ['["a","a"]', "ok"],
    ['{"a":1', "ERR_INPUT_MALFORMED"],
    ['{"a":"unterminated}', "ERR_INPUT_MALFORMED"],
    ["", "ERR_INPUT_MALFORMED"],
  ])("%s → %s", (text, expected) => {
    expect(code(text)).toBe(expected);
  });

  it("limits nesting with and without objects", () => {
    expect(code(`${"[".repeat(40)}${"]".repeat(40)}`)).toBe("ERR_INPUT_TOO_LARGE");
    expect(code(`${'{"a":'.repeat(40)}1${"}".repeat(40)}`)).toBe("ERR_INPUT_TOO_LARGE");
    expect(code(`${"[".repeat(10)}${"]".repeat(10)}`)).toBe("ok");
    expect(code('["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]')).toBe("ok");
  });

  it("refuses oversized text before scanning it", () => {
    expect(parseStrictJson.length).toBeGreaterThan(0);
    let err: unknown;
    try {
      parseStrictJson(" ".repeat(100), { maxLength: 10 });
    } catch (e) {
      err = e;
    }
    expect((err as LicenceError).code).toBe("ERR_INPUT_TOO_LARGE");
  });
});
