import { describe, expect, it } from "vitest";
import {
  LICENCE_ID_MAX_LENGTH,
  LICENCE_ID_ROOT,
  LICENCE_SERIAL_MAX_LENGTH,
  MOD_37_36,
  buildLicenceId,
  computeCheckCharacters,
  computeUsccCheck,
  isValidLicenceId,
  parseLicenceId,
  validateLicenceId,
  type LicenceIdInvalidReason,
} from "../../src/identifiers/index.js";
import { LicenceError } from "../../src/errors/errors.js";

// Identifiers published in public code (API documentation and tests of licence platforms); each
// verifies with the check computed over type code + issuer + serial + version, without dots or root.
const PUBLISHED = [
  "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
  "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
  "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
  "1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F",
] as const;
const VALID = PUBLISHED[0];

/** Assembles an identifier with a correct MOD 37,36 check, whatever its parts, so only the rule under test fails. */
function assemble(typeCode: string, issuer: string, serial: string, version: string): string {
  const check = computeCheckCharacters(MOD_37_36, typeCode + issuer + serial + version);
  return `${LICENCE_ID_ROOT}.${typeCode}.${issuer}.${serial}.${version}.${check}`;
}

function thrown(fn: () => unknown): LicenceError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LicenceError);
    expect((err as LicenceError).code).toBe("ERR_IDENTIFIER_INVALID");
    return err as LicenceError;
  }
  throw new Error("expected a LicenceError");
}

function expectReason(text: string, reason: LicenceIdInvalidReason): void {
  expect(validateLicenceId(text)).toMatchObject({ ok: false, reason });
  expect(isValidLicenceId(text)).toBe(false);
  const err = thrown(() => parseLicenceId(text));
  expect(err.details["reason"]).toBe(reason);
  if (text.length > 0) expect(err.message).not.toContain(text);
}

describe("licence identifier: published examples", () => {
  it.each(PUBLISHED)("parses %s", (text) => {
    expect(isValidLicenceId(text)).toBe(true);
    expect(parseLicenceId(text).text).toBe(text);
  });

  it("splits the parts", () => {
    expect(parseLicenceId(VALID)).toEqual({
      text: VALID,
      typeCode: "11100000000013338W011",
      definingAuthority: "11100000000013338W",
      issuerCode: "11430000006122244L",
      serial: "20230000403",
      version: 1,
      check: "U",
    });
  });

  it("does not include the root or the dots in the check (the alternative gives another character)", () => {
    const withRoot = computeCheckCharacters(MOD_37_36, VALID.slice(0, -2).replaceAll(".", ""));
    expect(withRoot).not.toBe("U");
    expectReason(VALID.slice(0, -1) + withRoot, "check-character");
  });

  it("rejects a published identifier whose issuer is not a USCC, although its check character matches", () => {
    const text = "1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9";
    expect(computeCheckCharacters(MOD_37_36, "11100000MB03271699022340100000000016001")).toBe("9");
    expectReason(text, "issuer");
  });
});

describe("licence identifier: build and parse", () => {
  it.each(PUBLISHED)("round-trips %s", (text) => {
    const id = parseLicenceId(text);
    expect(buildLicenceId({ typeCode: id.typeCode, issuerCode: id.issuerCode, serial: id.serial, version: id.version })).toBe(text);
  });

  it("writes the version with three digits, 1 to 999", () => {
    const parts = { typeCode: "11100000000013338W011", issuerCode: "11430000006122244L", serial: "A1" };
    for (const version of [1, 10, 999]) {
      const text = buildLicenceId({ ...parts, version });
      expect(text.split(".").at(-2)).toBe(String(version).padStart(3, "0"));
      expect(parseLicenceId(text).version).toBe(version);
    }
    for (const version of [0, 1000, -1, 1.5, Number.NaN, Infinity]) {
      expect(thrown(() => buildLicenceId({ ...parts, version })).details["reason"]).toBe("version");
    }
  });

  it("refuses invalid parts when building, with the part named", () => {
    const good = { typeCode: "11100000000013338W011", issuerCode: "11430000006122244L", serial: "20230000403", version: 1 };
    const cases: Array<[Partial<typeof good>, LicenceIdInvalidReason]> = [
      [{ typeCode: "11100000000013338W01" }, "type-code"],
      [{ typeCode: "11100000000013338W0A1" }, "type-code"],
      [{ typeCode: "11100000000013338X011" }, "defining-authority"],
      [{ issuerCode: "11430000006122244M" }, "issuer"],
      [{ issuerCode: "1143000000612224" }, "issuer"],
      [{ serial: "" }, "serial"],
      [{ serial: "2023-0403" }, "serial"],
      [{ serial: "abc" }, "serial"],
      [{ serial: "A".repeat(LICENCE_SERIAL_MAX_LENGTH + 1) }, "serial"],
    ];
    for (const [change, reason] of cases) expect(thrown(() => buildLicenceId({ ...good, ...change })).details["reason"]).toBe(reason);
    expect(() => buildLicenceId({ ...good, version: "001" as unknown as number })).toThrow(TypeError);
    expect(() => buildLicenceId({ ...good, serial: undefined as unknown as string })).toThrow(TypeError);
  });

  it("accepts a serial of 32 characters (an upper-case hexadecimal UUID), and an identifier of the maximum length", () => {
    const serial = "209FA4E88F9E4C878F3E9BED2CE7EA49";
    const text = buildLicenceId({ typeCode: "11100000000013661B006", issuerCode: "113700000045046442", serial, version: 1 });
    expect(text.length).toBe(LICENCE_ID_MAX_LENGTH);
    expect(parseLicenceId(text).serial).toBe(serial);
  });
});

describe("licence identifier: rejection", () => {
  it("rejects every single-character substitution of a valid identifier", () => {
    const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.axz -\t\n\u0000é。０Ａ\u200b";
    let tried = 0;
    for (let i = 0; i < VALID.length; i++) {
      for (const ch of alphabet) {
        if (ch === VALID.charAt(i)) continue;
        const mutated = VALID.slice(0, i) + ch + VALID.slice(i + 1);
        expect(isValidLicenceId(mutated), mutated).toBe(false);
        expect(() => parseLicenceId(mutated)).toThrow(LicenceError);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(VALID.length * 40);
  });

  it("rejects a wrong check character", () => {
    for (const ch of "0123456789ABCDEFGHIJKLMNOPQRSTVWXYZ") expectReason(VALID.slice(0, -1) + ch, "check-character");
    expectReason(VALID.slice(0, -1) + "UU", "check-character");
    expectReason(VALID.slice(0, -2), "structure");
  });

  it("rejects a wrong USCC inside, even with a matching licence check character", () => {
    const badAuthority = "11100000000013338X";
    expect(validateLicenceId(assemble(badAuthority + "011", "11430000006122244L", "20230000403", "001"))).toEqual({
      ok: false,
      reason: "defining-authority",
      usccReason: "check-character",
    });
    const err = thrown(() => parseLicenceId(assemble("11100000000013338W011", "11430000006122244M", "20230000403", "001")));
    expect(err.details).toEqual({ reason: "issuer", usccReason: "check-character" });
    const divisionBody = "114A0000006122244";
    const letterDivision = divisionBody + computeUsccCheck(divisionBody);
    expect(validateLicenceId(assemble("11100000000013338W011", letterDivision, "20230000403", "001"))).toEqual({
      ok: false,
      reason: "issuer",
      usccReason: "division-code",
    });
  });

  it("rejects bad type codes, serials and versions, even with a matching check character", () => {
    expectReason(assemble("11100000000013338W01", "11430000006122244L", "20230000403", "001"), "type-code");
    expectReason(assemble("11100000000013338W0111", "11430000006122244L", "20230000403", "001"), "type-code");
    expectReason(assemble("11100000000013338WA11", "11430000006122244L", "20230000403", "001"), "type-code");
    expectReason(assemble("11100000000013338W011", "11430000006122244L", "", "001"), "serial");
    // A 33-character serial makes the whole identifier longer than any valid one: refused before parsing.
    expectReason(assemble("11100000000013338W011", "11430000006122244L", "A".repeat(LICENCE_SERIAL_MAX_LENGTH + 1), "001"), "length");
    expectReason(assemble("11100000000013338W011", "11430000006122244L", "20230000403", "000"), "version");
    expectReason(assemble("11100000000013338W011", "11430000006122244L", "20230000403", "01"), "version");
    expectReason(assemble("11100000000013338W011", "11430000006122244L", "20230000403", "0001"), "version");
  });

  it("rejects empty and over-long input, quickly", () => {
    expectReason("", "length");
    const tooLong = `${VALID}${"0".repeat(LICENCE_ID_MAX_LENGTH)}`;
    expectReason(tooLong, "length");
    const huge = `${LICENCE_ID_ROOT}.${"1.".repeat(500_000)}`;
    const started = performance.now();
    expect(validateLicenceId(huge)).toEqual({ ok: false, reason: "length" });
    expect(performance.now() - started).toBeLessThan(1000); // guards against super-linear parsing, not a timing claim
  });

  it("rejects whitespace anywhere, lower case and non-ASCII look-alikes", () => {
    for (const text of [
      ` ${VALID}`,
      `${VALID} `,
      `${VALID}\n`,
      VALID.replace(".001.", ". 001."),
      VALID.replace("W011", "w011"),
      VALID.toLowerCase(),
      VALID.replace("W011", "Ｗ011"),
      VALID.replace("W011", "\u0428011"),
      VALID.replace(".001.", "。001."),
      VALID.replace("L.", "L\u200b."),
      VALID + "\uD800",
    ]) {
      expectReason(text, "charset");
    }
  });

  it("rejects a wrong root and a wrong structure", () => {
    expectReason(VALID.replace(LICENCE_ID_ROOT, "1.2.156.3005.3"), "root");
    expectReason(VALID.replace(LICENCE_ID_ROOT, "1.2.156.3003.2"), "root");
    expectReason(VALID.slice(LICENCE_ID_ROOT.length + 1), "root");
    expectReason(LICENCE_ID_ROOT, "root");
    expectReason(`${LICENCE_ID_ROOT}.`, "structure");
    expectReason(VALID.replace(".001.", ".001.001."), "structure");
    expectReason(VALID.replace(".20230000403.", "."), "structure");
    expectReason(VALID.replace(".20230000403.", ".2023..0403."), "structure");
  });

  it("treats a non-string as misuse in parse and as invalid in the predicate", () => {
    expect(() => parseLicenceId(42 as unknown as string)).toThrow(TypeError);
    expect(isValidLicenceId(null)).toBe(false);
    expect(isValidLicenceId({ toString: () => VALID })).toBe(false);
  });
});
