import { describe, expect, it } from "vitest";
import { HOLDER_ID_TYPES, isHolderIdType, validateHolderId } from "../../src/identifiers/index.js";

describe("holder identifiers", () => {
  it("knows four types", () => {
    expect(HOLDER_ID_TYPES).toEqual(["111", "001", "414", "990"]);
    for (const type of HOLDER_ID_TYPES) expect(isHolderIdType(type)).toBe(true);
    for (const type of ["", "11", "1111", "112", "000", 111, null]) expect(isHolderIdType(type)).toBe(false);
  });

  it("rejects an unknown type whatever the number", () => {
    expect(validateHolderId("112", "11010519491231002X")).toEqual({ ok: false, reason: "id-type" });
    expect(validateHolderId("", "E12345678")).toEqual({ ok: false, reason: "id-type" });
    expect(validateHolderId(" 111", "11010519491231002X")).toEqual({ ok: false, reason: "id-type" });
  });

  it("validates 111 fully as a citizen identity number", () => {
    expect(validateHolderId("111", "11010519491231002X")).toEqual({ ok: true });
    expect(validateHolderId("111", "11010519491231002x")).toEqual({ ok: false, reason: "charset" });
    expect(validateHolderId("111", "360426199113010079")).toEqual({ ok: false, reason: "birth-date" });
    expect(validateHolderId("111", "11010519491231001X")).toEqual({ ok: false, reason: "check-character" });
    expect(validateHolderId("111", "91110000600037341L")).toEqual({ ok: false, reason: "charset" });
  });

  it("validates 001 fully as a unified social credit code", () => {
    expect(validateHolderId("001", "91110000600037341L")).toEqual({ ok: true });
    expect(validateHolderId("001", "91110000600037341N")).toEqual({ ok: false, reason: "check-character" });
    expect(validateHolderId("001", "11010519491231002X")).toEqual({ ok: false, reason: "check-character" });
    expect(validateHolderId("001", "9111000060003IOZSV")).toEqual({ ok: false, reason: "charset" });
  });

  it("checks the format of 414 passports", () => {
    for (const number of ["E12345678", "EA1234567", "C01X00T47", "12345", "A".repeat(20)]) {
      expect(validateHolderId("414", number)).toEqual({ ok: true });
    }
    for (const number of ["", "E123", "A".repeat(21)]) expect(validateHolderId("414", number)).toEqual({ ok: false, reason: "length" });
    for (const number of ["e12345678", "E 12345678", "E1234567-", "Ｅ12345678", "E1234567８"]) {
      expect(validateHolderId("414", number)).toEqual({ ok: false, reason: "charset" });
    }
  });

  it("checks the format of 990 other documents", () => {
    for (const number of ["京211151864508", "No. 12/345", "X", "证".repeat(64), "𠀀".repeat(64)]) {
      expect(validateHolderId("990", number)).toEqual({ ok: true });
    }
    for (const number of ["", "证".repeat(65), "𠀀".repeat(65)]) expect(validateHolderId("990", number)).toEqual({ ok: false, reason: "length" });
    for (const number of [" 123", "123 ", "\u3000123", "12\n3", "12\u00003", "12\u00853", "12\u20283", "12\uD800", "\uDC0012"]) {
      expect(validateHolderId("990", number)).toEqual({ ok: false, reason: "charset" });
    }
  });

  it("treats non-strings as misuse", () => {
    expect(() => validateHolderId("111", 123 as unknown as string)).toThrow(TypeError);
    expect(() => validateHolderId(111 as unknown as string, "123")).toThrow(TypeError);
  });
});
