/** RFC 8785 vectors (cyberphone/json-canonicalization test data and Appendix B numbers). */
import { describe, expect, it } from "vitest";
import { loadVector, loadVectorText } from "@elicence/vectors/load";
import { canonicalJson } from "../../src/encoding/jcs.js";

describe("RFC 8785 JCS", () => {
  it.each(["arrays", "french", "structures", "unicode", "values", "weird"])("%s", (name) => {
    const input = JSON.parse(loadVectorText(`jcs/input/${name}.json`));
    const expected = loadVectorText(`jcs/output/${name}.json`);
    expect(canonicalJson(input)).toBe(expected.replace(/\n$/, ""));
  });

  it("Appendix B numbers", () => {
    const v = loadVector("jcs/rfc8785-appendix-b-numbers.json") as { vectors: { ieee754_hex: string; expected: string }[]; must_reject: { ieee754_hex: string }[] };
    for (const c of v.vectors) expect(canonicalJson(Buffer.from(c.ieee754_hex, "hex").readDoubleBE(0)), c.ieee754_hex).toBe(c.expected);
    for (const c of v.must_reject) expect(() => canonicalJson(Buffer.from(c.ieee754_hex, "hex").readDoubleBE(0))).toThrow(TypeError);
    expect(v.vectors.length).toBeGreaterThan(20);
    expect(v.must_reject.length).toBeGreaterThan(0);
  });
});
