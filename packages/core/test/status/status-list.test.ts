import { describe, expect, it } from "vitest";
import { StatusList, type StatusListBits } from "../../src/status/index.js";
import { draftVectors, prng } from "./vectors.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const ALL_BITS: StatusListBits[] = [1, 2, 4, 8];

describe("StatusList", () => {
  it("packs index 0 into the least significant bits of byte 0 (draft §4.1 examples)", () => {
    for (const example of draftVectors.byteArrayExamples) {
      const list = new StatusList(example.statuses.length, example.bits);
      example.statuses.forEach((v, i) => list.set(i, v));
      expect(hex(list.toBytes()), example.section).toBe(example.bytes);
      const read = StatusList.fromBytes(Buffer.from(example.bytes, "hex"), example.bits);
      expect(example.statuses.map((_, i) => read.get(i)), example.section).toEqual(example.statuses);
    }
  });

  it.each(ALL_BITS)("round-trips random contents through toJSON/fromJSON with %i bit(s)", (bits) => {
    const random = prng(bits * 7919);
    for (const size of [1, 7, 8, 9, 1000, 65_537]) {
      const list = new StatusList(size, bits);
      const values = Array.from({ length: size }, () => Math.floor(random() * 2 ** bits));
      values.forEach((v, i) => list.set(i, v));
      const json = list.toJSON();
      expect(json.bits).toBe(bits);
      expect(Buffer.from(json.lst, "base64url").subarray(0, 2).toString("hex")).toBe("78da"); // ZLIB, highest level
      const decoded = StatusList.fromJSON(JSON.parse(JSON.stringify(json)));
      expect(decoded.bits).toBe(bits);
      // The decoded size covers whole bytes: the padding indices of the last byte read as 0.
      expect(decoded.size).toBe(Math.ceil((size * bits) / 8) * (8 / bits));
      for (let i = 0; i < size; i++) if (decoded.get(i) !== values[i]) expect.fail(`bits=${bits} size=${size} index ${i}`);
      for (let i = size; i < decoded.size; i++) expect(decoded.get(i)).toBe(0);
    }
  });

  it("set replaces a value without touching its neighbours", () => {
    for (const bits of ALL_BITS) {
      const list = new StatusList(16, bits);
      const max = 2 ** bits - 1;
      for (let i = 0; i < 16; i++) list.set(i, max);
      list.set(5, 0);
      list.set(6, max > 1 ? 1 : 0);
      expect(Array.from({ length: 16 }, (_, i) => list.get(i))).toEqual(
        Array.from({ length: 16 }, (_, i) => (i === 5 ? 0 : i === 6 ? (max > 1 ? 1 : 0) : max)),
      );
    }
  });

  it("refuses misuse with TypeError: bad sizes, bits, indices and values", () => {
    expect(() => new StatusList(0, 2)).toThrow(TypeError);
    expect(() => new StatusList(1.5, 2)).toThrow(TypeError);
    expect(() => new StatusList(10, 3 as StatusListBits)).toThrow(TypeError);
    expect(() => new StatusList(2 ** 33 + 8, 1)).toThrow(TypeError);
    const list = new StatusList(10, 2);
    for (const index of [-1, 10, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => list.get(index), `get(${index})`).toThrow(TypeError);
      expect(() => list.set(index, 1), `set(${index})`).toThrow(TypeError);
    }
    for (const value of [-1, 4, 1.5, Number.NaN]) expect(() => list.set(0, value), `value ${value}`).toThrow(TypeError);
    expect(() => new StatusList(10, 1).set(0, 2)).toThrow(TypeError);
    expect(() => new StatusList(10, 8).set(0, 256)).toThrow(TypeError);
    expect(() => StatusList.fromBytes(new Uint8Array(0), 1)).toThrow(TypeError);
    expect(() => StatusList.fromBytes(new Uint8Array(1), 3 as StatusListBits)).toThrow(TypeError);
    expect(() => StatusList.fromJSON(list.toJSON(), { maxBytes: 0 })).toThrow(TypeError);
  });

  it("toBytes and fromBytes copy", () => {
    const list = new StatusList(8, 1);
    list.toBytes()[0] = 0xff;
    expect(list.get(0)).toBe(0);
    const bytes = new Uint8Array([1]);
    const fromBytes = StatusList.fromBytes(bytes, 1);
    bytes[0] = 0;
    expect(fromBytes.get(0)).toBe(1);
  });
});
