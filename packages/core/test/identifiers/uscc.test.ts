import { describe, expect, it } from "vitest";
import { USCC_CHARSET, computeUsccCheck, hasValidUsccCheck, isValidUscc, validateUscc } from "../../src/identifiers/index.js";
import { LicenceError } from "../../src/errors/errors.js";
import { loadVector } from "@elicence/vectors/load";

interface UsccEntry {
  readonly code: string;
  readonly note: string;
  readonly expected_check_digit_valid: boolean | null;
  readonly computed: { readonly check_char_expected: string | null; readonly charset_ok: boolean };
}

const vectors = loadVector("cn-identifiers/uscc.json") as { count: number; entries: UsccEntry[] };

describe("GB 32100 unified social credit code: vectors", () => {
  it("has every entry", () => {
    expect(vectors.entries.length).toBe(vectors.count);
    expect(vectors.count).toBe(225);
  });

  it.each(vectors.entries.filter((e) => e.expected_check_digit_valid !== null))(
    "check character of $code is $expected_check_digit_valid",
    (entry) => {
      expect(hasValidUsccCheck(entry.code)).toBe(entry.expected_check_digit_valid);
    },
  );

  it.each(vectors.entries.filter((e) => e.computed.check_char_expected !== null && e.code.length === 18 && e.code.slice(0, 17).split("").every((c) => USCC_CHARSET.includes(c))))(
    "computes check character $computed.check_char_expected for $code",
    (entry) => {
      expect(computeUsccCheck(entry.code.slice(0, 17))).toBe(entry.computed.check_char_expected);
    },
  );

  it.each(vectors.entries.filter((e) => e.expected_check_digit_valid === null))("policy: does not strip spaces from '$code'", (entry) => {
    expect(hasValidUsccCheck(entry.code)).toBe(false);
    expect(validateUscc(entry.code).ok).toBe(false);
    expect(isValidUscc(entry.code.replaceAll(" ", ""))).toBe(true);
  });

  it("full validator accepts every code whose check is valid (all have digits in positions 3-8)", () => {
    const valid = vectors.entries.filter((e) => e.expected_check_digit_valid === true);
    expect(valid.length).toBeGreaterThan(200);
    for (const entry of valid) expect(validateUscc(entry.code)).toEqual({ ok: true });
  });

  it("rejects the real Fujian pilot codes that fail GB 32100", () => {
    for (const code of ["91350211M0000XUF46", "91350100M0001TGQXM", "91350203M0001FUE2P", "91350211M00013FA1N"]) {
      expect(validateUscc(code)).toEqual({ ok: false, reason: "check-character" });
    }
  });
});

describe("GB 32100 unified social credit code: validator", () => {
  it("follows the standard's worked example", () => {
    expect(computeUsccCheck("91350100M000100Y4")).toBe("3");
    expect(validateUscc("91350100M000100Y43")).toEqual({ ok: true });
    expect(validateUscc("91350100M000100Y4Z")).toEqual({ ok: false, reason: "charset" });
  });

  it("rejects by length", () => {
    for (const text of ["", "12345", "91350100M000100Y4", "91350100M000100Y430"]) expect(validateUscc(text)).toEqual({ ok: false, reason: "length" });
  });

  it("rejects each excluded letter, lower case and other characters", () => {
    for (const ch of ["I", "O", "S", "V", "Z", "m", " ", "-", "Ｍ", "é"]) {
      expect(validateUscc(`91350100${ch}000100Y43`)).toEqual({ ok: false, reason: "charset" });
    }
  });

  it("requires digits in positions 3-8, with a correct check character", () => {
    const body = "91A50100M000100Y4";
    const code = body + computeUsccCheck(body);
    expect(hasValidUsccCheck(code)).toBe(true);
    expect(validateUscc(code)).toEqual({ ok: false, reason: "division-code" });
  });

  it("allows letters in positions 1-2 (GB 32100 wording), with a correct check character", () => {
    const body = "Y1110000600037341";
    expect(validateUscc(body + computeUsccCheck(body))).toEqual({ ok: true });
  });

  it("detects every single substitution", () => {
    const code = "91350100M000100Y43";
    for (let i = 0; i < code.length; i++) {
      for (const ch of USCC_CHARSET) {
        if (ch === code.charAt(i)) continue;
        expect(isValidUscc(code.slice(0, i) + ch + code.slice(i + 1))).toBe(false);
      }
    }
  });

  it("throws coded errors from computeUsccCheck and treats non-strings as misuse or invalid", () => {
    expect(() => computeUsccCheck("9135010")).toThrow(LicenceError);
    expect(() => computeUsccCheck("91350100I000100Y4")).toThrow(LicenceError);
    expect(() => validateUscc(null as unknown as string)).toThrow(TypeError);
    expect(isValidUscc(91350100)).toBe(false);
    expect(hasValidUsccCheck(undefined)).toBe(false);
  });
});
