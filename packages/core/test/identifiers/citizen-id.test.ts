import { describe, expect, it } from "vitest";
import { computeCitizenIdCheck, hasValidCitizenIdCheck, isValidCitizenId, validateCitizenId } from "../../src/identifiers/index.js";
import { LicenceError } from "../../src/errors/errors.js";
import { loadVector } from "@elicence/vectors/load";

interface ResidentIdEntry {
  readonly id: string;
  readonly note: string;
  readonly expected_check_digit_valid: boolean | null;
  readonly computed: { readonly check_char_expected: string | null; readonly birth_date_ok: boolean | null; readonly length_ok: boolean };
}

const vectors = loadVector("cn-identifiers/resident-id.json") as { count: number; entries: ResidentIdEntry[] };

/** Builds a number with a correct check character, so that only the rule under test fails. */
function withCheck(body17: string): string {
  return body17 + computeCitizenIdCheck(body17);
}

describe("GB 11643 citizen identity number: vectors", () => {
  it("has every entry", () => {
    expect(vectors.entries.length).toBe(vectors.count);
    expect(vectors.count).toBe(46);
  });

  it.each(vectors.entries.filter((e) => e.expected_check_digit_valid !== null))(
    "check digit of $id is $expected_check_digit_valid",
    (entry) => {
      expect(hasValidCitizenIdCheck(entry.id)).toBe(entry.expected_check_digit_valid);
    },
  );

  it.each(vectors.entries.filter((e) => e.computed.check_char_expected !== null && e.id.length === 18))(
    "computes check character $computed.check_char_expected for $id",
    (entry) => {
      expect(computeCitizenIdCheck(entry.id.slice(0, 17))).toBe(entry.computed.check_char_expected);
    },
  );

  it.each(vectors.entries.filter((e) => e.expected_check_digit_valid === null))("policy: rejects lower-case x in $id", (entry) => {
    expect(entry.id.endsWith("x")).toBe(true);
    expect(hasValidCitizenIdCheck(entry.id)).toBe(false);
    expect(validateCitizenId(entry.id)).toEqual({ ok: false, reason: "charset" });
    expect(isValidCitizenId(entry.id.slice(0, 17) + "X")).toBe(true);
  });

  it.each(vectors.entries.filter((e) => e.expected_check_digit_valid === true))("full validator on $id agrees with its birth date", (entry) => {
    const expected = entry.computed.birth_date_ok ? { ok: true } : { ok: false, reason: "birth-date" };
    expect(validateCitizenId(entry.id)).toEqual(expected);
  });
});

describe("GB 11643 citizen identity number: validator", () => {
  it("accepts the standard's own examples, including a birth in 1880", () => {
    expect(validateCitizenId("11010519491231002X")).toEqual({ ok: true });
    expect(isValidCitizenId("440524188001010014")).toBe(true);
  });

  it("rejects by length", () => {
    for (const text of ["", "11010519491231002", "11010519491231002X0", "11010519491231002X "]) {
      expect(validateCitizenId(text)).toEqual({ ok: false, reason: "length" });
    }
  });

  it("rejects by charset: letters in the body, X elsewhere, lower case, full-width digits, spaces", () => {
    for (const text of ["X1010519491231002X", "1101051949123100X2", "11010519491231002x", "１１010519491231002X", "110105 9491231002X", "11010519491231002*"]) {
      expect(validateCitizenId(text)).toEqual({ ok: false, reason: "charset" });
    }
  });

  it("rejects dates that do not exist, with a correct check character", () => {
    for (const date of ["19910230", "19000229", "20230229", "19991301", "19990001", "19990100", "19990431", "19991232"]) {
      const id = withCheck(`110105${date}002`);
      expect(hasValidCitizenIdCheck(id)).toBe(true);
      expect(validateCitizenId(id)).toEqual({ ok: false, reason: "birth-date" });
    }
  });

  it("accepts real dates at the edges, leap days included", () => {
    for (const date of ["20000229", "19960229", "18800101", "19991231", "20240131"]) {
      expect(validateCitizenId(withCheck(`110105${date}002`))).toEqual({ ok: true });
    }
  });

  it("rejects every wrong check character", () => {
    const body = "11010519491231002";
    for (const ch of "0123456789X") {
      const expected = ch === "X" ? { ok: true } : { ok: false, reason: "check-character" };
      expect(validateCitizenId(body + ch)).toEqual(expected);
    }
  });

  it("treats non-strings as misuse or as invalid", () => {
    expect(() => validateCitizenId(11010519491231002 as unknown as string)).toThrow(TypeError);
    expect(isValidCitizenId(undefined)).toBe(false);
    expect(hasValidCitizenIdCheck(110105194912310020)).toBe(false);
  });

  it("computes only from 17 digits, with a coded error that does not repeat the input", () => {
    for (const [body, reason] of [["1101051949123100", "length"], ["1101051949123100A", "charset"]] as const) {
      try {
        computeCitizenIdCheck(body);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(LicenceError);
        expect((err as LicenceError).details).toEqual({ reason });
        expect((err as LicenceError).message).not.toContain(body);
      }
    }
  });
});
