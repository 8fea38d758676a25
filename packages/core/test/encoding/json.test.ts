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

/** A slow, obviously right reference: a recursive-descent JSON reader that reports duplicate names. */
function referenceHasDuplicate(text: string): boolean {
  let i = 0;
  let dup = false;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const names = new Set<string>();
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        const name = str();
        if (names.has(name)) dup = true;
        names.add(name);
        ws();
        i++; // :
        value();
        ws();
        if (text[i++] === "}") return;
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i++] === "]") return;
      }
    } else if (c === '"') str();
    else while (i < text.length && !",]} \t\n\r".includes(text[i]!)) i++;
  };
  value();
  return dup;
}

describe("strict JSON against a reference reader (randomised)", () => {
  // Deterministic PRNG so a failure reproduces.
  let seed = 0x2f6b1a3d;
  const rnd = (n: number) => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed % n;
  };
  const NAMES = ["a", "b", "__proto__", "a\\u0062", "ab", "\\\"", "\\\\", ":", "{", "x:y", "constructor", "1", "01"];
  const gen = (depth: number): string => {
    const k = rnd(depth > 3 ? 3 : 6);
    if (k === 0) return String(rnd(1000) - 500);
    if (k === 1) return `"${NAMES[rnd(NAMES.length)]}"`;
    if (k === 2) return ["true", "false", "null"][rnd(3)]!;
    if (k === 3) return `[${Array.from({ length: rnd(4) }, () => gen(depth + 1)).join(",")}]`;
    const n = rnd(5);
    return `{${Array.from({ length: n }, () => `"${NAMES[rnd(NAMES.length)]}" : ${gen(depth + 1)}`).join(" , ")}}`;
  };

  it("agrees on duplicates for 5,000 random texts", () => {
    let duplicates = 0;
    for (let t = 0; t < 5000; t++) {
      const text = gen(0);
      const expected = referenceHasDuplicate(text) ? "ERR_JSON_DUPLICATE_MEMBER" : "ok";
      if (expected !== "ok") duplicates++;
      expect(code(text), text).toBe(expected);
    }
    // The generator must exercise both outcomes for the comparison to mean anything.
    expect(duplicates).toBeGreaterThan(200);
    expect(duplicates).toBeLessThan(4800);
  });

  it("keeps a __proto__ member a plain member and still sees it repeated", () => {
    expect(Object.getPrototypeOf(parseStrictJson('{"__proto__":{"x":1}}'))).toBe(Object.prototype);
    expect(code('{"__proto__":1,"__proto__":2}')).toBe("ERR_JSON_DUPLICATE_MEMBER");
  });

  it("refuses deep nesting before JSON.parse sees it (no stack overflow on a 1 MB text)", () => {
    expect(code("[".repeat(500_000) + "]".repeat(500_000))).toBe("ERR_INPUT_TOO_LARGE");
    expect(code('{"a":'.repeat(100_000))).toBe("ERR_INPUT_TOO_LARGE");
  });
});
