import { describe, expect, it } from "vitest";
import {
  MOD_11_10,
  MOD_11_2,
  MOD_1271_36,
  MOD_27_26,
  MOD_37_2,
  MOD_37_36,
  MOD_661_26,
  MOD_97_10,
  computeCheckCharacters,
  verifyCheckCharacters,
  type CheckCharacterSystem,
} from "../../src/identifiers/index.js";
import { LicenceError } from "../../src/errors/errors.js";

// Published examples: ISO/IEC 7064 examples as quoted by python-stdnum (tests/test_iso7064.doctest,
// mod_37_2.py), the xbib standardnumber MOD3736 tests (GRid), konfirm/node-iso7064 and
// jacoelho/go-iso7064; ORCID's documented identifiers for MOD 11-2.
const PUBLISHED: ReadonlyArray<readonly [CheckCharacterSystem, string, string]> = [
  [MOD_11_2, "0794", "0"],
  [MOD_11_2, "079", "X"],
  [MOD_11_2, "000000021825009", "7"], // ORCID 0000-0002-1825-0097
  [MOD_11_2, "000000015109370", "0"], // ORCID 0000-0001-5109-3700
  [MOD_11_2, "000000021694233", "X"], // ORCID 0000-0002-1694-233X
  [MOD_37_2, "G123498654321", "H"],
  [MOD_37_2, "G123489654321", "Y"],
  [MOD_97_10, "794", "44"],
  [MOD_97_10, "00001055949422872", "63"],
  [MOD_661_26, "BAISDLAFK", "BM"],
  [MOD_661_26, "GCJFBCIOJTLVO", "UR"],
  [MOD_1271_36, "ISO79", "3W"],
  [MOD_11_10, "0794", "5"],
  [MOD_11_10, "00200667308", "5"],
  [MOD_11_10, "00200667309", "3"],
  [MOD_27_26, "JEJLMGJ", "S"],
  [MOD_37_36, "A12425GABC1234002", "M"],
  [MOD_37_36, "B159D8FA01240000", "K"],
  [MOD_37_36, "188166C734200000", "3"],
];

function reasonOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LicenceError);
    expect((err as LicenceError).code).toBe("ERR_IDENTIFIER_INVALID");
    return (err as LicenceError).details["reason"];
  }
  throw new Error("expected a LicenceError");
}

describe("ISO/IEC 7064", () => {
  it.each(PUBLISHED)("%# %s: %s → %s", (system, data, check) => {
    expect(computeCheckCharacters(system, data)).toBe(check);
    expect(verifyCheckCharacters(system, data + check)).toBe(true);
  });

  it("rejects every other check character for the published examples", () => {
    for (const [system, data, check] of PUBLISHED) {
      for (const other of system.checkAlphabet) {
        const candidate = system.checkLength === 1 ? other : other + check.charAt(1);
        if (candidate !== check) expect(verifyCheckCharacters(system, data + candidate)).toBe(false);
      }
    }
  });

  it.each([MOD_11_2, MOD_37_36, MOD_37_2, MOD_97_10, MOD_1271_36, MOD_11_10])("%# detects every single substitution ($designation)", (system) => {
    const data = system.alphabet.repeat(2).slice(3, 3 + 14);
    const valid = data + computeCheckCharacters(system, data);
    for (let i = 0; i < data.length; i++) {
      for (const ch of system.alphabet) {
        if (ch === data.charAt(i)) continue;
        expect(verifyCheckCharacters(system, valid.slice(0, i) + ch + valid.slice(i + 1))).toBe(false);
      }
    }
  });

  it("is case-sensitive: lower-case letters are outside every alphabet", () => {
    expect(verifyCheckCharacters(MOD_37_36, "a12425gabc1234002m")).toBe(false);
    expect(verifyCheckCharacters(MOD_11_2, "079x")).toBe(false);
    expect(reasonOf(() => computeCheckCharacters(MOD_37_36, "a12425GABC1234002"))).toBe("charset");
  });

  it("refuses empty data and characters outside the alphabet", () => {
    expect(reasonOf(() => computeCheckCharacters(MOD_37_36, ""))).toBe("length");
    expect(reasonOf(() => computeCheckCharacters(MOD_11_2, "07A"))).toBe("charset");
    expect(reasonOf(() => computeCheckCharacters(MOD_37_36, "AB.CD"))).toBe("charset");
    expect(reasonOf(() => computeCheckCharacters(MOD_37_36, "AB\uD83D"))).toBe("charset");
    expect(() => computeCheckCharacters(MOD_37_36, 42 as unknown as string)).toThrow(TypeError);
  });

  it("reads a system's own alphabet, non-ASCII characters included", () => {
    // A pure system over 11 characters, 3 of them outside ASCII: the same values as MOD 11-2 over
    // the digits 0–9 and "Ω" for 10, whichever characters stand for them.
    const greek: CheckCharacterSystem = { designation: "test", kind: "pure", modulus: 11, radix: 2, alphabet: "0123456789Ω", checkAlphabet: "0123456789Ω", checkLength: 1 };
    const shifted: CheckCharacterSystem = { ...greek, alphabet: "αβγ3456789Ω", checkAlphabet: "αβγ3456789Ω" };
    expect(computeCheckCharacters(greek, "0794")).toBe("0");
    expect(computeCheckCharacters(shifted, "α7956")).toBe(computeCheckCharacters(greek, "07956").replace("0", "α").replace("1", "β").replace("2", "γ"));
    expect(verifyCheckCharacters(shifted, "α79β" + computeCheckCharacters(shifted, "α79β"))).toBe(true);
    expect(reasonOf(() => computeCheckCharacters(shifted, "0794"))).toBe("charset");
    expect(reasonOf(() => computeCheckCharacters(greek, "07δ"))).toBe("charset");
  });

  it("gives false, never an exception, for text that cannot carry a check", () => {
    expect(verifyCheckCharacters(MOD_37_36, "")).toBe(false);
    expect(verifyCheckCharacters(MOD_37_36, "M")).toBe(false);
    expect(verifyCheckCharacters(MOD_97_10, "44")).toBe(false);
    expect(verifyCheckCharacters(MOD_37_36, null)).toBe(false);
    expect(verifyCheckCharacters(MOD_37_36, " A12425GABC1234002M")).toBe(false);
  });
});
