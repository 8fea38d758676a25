import { describe, expect, it } from "vitest";
import { createDisclosure, createDisclosures, disclosureDigest } from "../../src/sdjwt/disclosure.js";

// createDisclosure writes primitive disclosures member by member: the text must be exactly what
// JSON.stringify([salt, name, value]) gives, for every kind of value.
const decode = (encoded: string) => Buffer.from(encoded, "base64url").toString("utf8");
const VALUES: unknown[] = [
  "plain", "", "引号 \" 反斜杠 \\ 换行 \n \u2028 \u0000 ✓", "a\uD800b", 0, -0, 1.5, -1e21, 2 ** 53, NaN, Infinity, true, false, null, undefined,
  () => 1, Symbol("s"), { a: 1, b: [1, "x"] }, [1, { "...": "d" }], new Date(0), { toJSON: (key: string) => `key:${key}` },
];
const NAMES = ["registeredCapital", "名称", "with \"quote\"", "__proto__", ""];
const SALTS = ["abcdefghijklmnopqrstuvwx", "", "salt \"with\" quotes \\ ✓"];

describe("createDisclosure", () => {
  it("encodes exactly JSON.stringify([salt, name, value])", () => {
    for (const salt of SALTS) {
      for (const name of NAMES) {
        for (const value of VALUES) {
          const d = createDisclosure(name, value, salt);
          expect(decode(d.encoded)).toBe(JSON.stringify([salt, name, value]));
          expect(d.digest).toBe(disclosureDigest(d.encoded));
          expect(d.name).toBe(name);
        }
      }
    }
  });

  it("draws a fresh 24-character salt when none is given, in one and in several", () => {
    const one = JSON.parse(decode(createDisclosure("n", 1).encoded));
    expect(one[0]).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const many = createDisclosures(VALUES.map((v, i) => [`n${i}`, v] as const));
    const salts = many.map((d) => JSON.parse(decode(d.encoded))[0] as string);
    expect(new Set(salts).size).toBe(VALUES.length);
    many.forEach((d, i) => expect(decode(d.encoded)).toBe(JSON.stringify([salts[i], `n${i}`, VALUES[i]])));
  });

  it("refuses a bigint as JSON.stringify does", () => {
    expect(() => createDisclosure("n", 1n, "s")).toThrow(TypeError);
  });
});
