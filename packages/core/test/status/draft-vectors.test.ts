import { describe, expect, it } from "vitest";
import { StatusList } from "../../src/status/index.js";
import { draftVectors } from "./vectors.js";

describe("draft-ietf-oauth-status-list examples and test vectors", () => {
  it("§4.1/§4.2 byte-array examples encode to the draft's lst exactly, and decode back", () => {
    for (const example of draftVectors.byteArrayExamples) {
      const list = StatusList.fromBytes(Buffer.from(example.bytes, "hex"), example.bits);
      expect(list.toJSON(), example.section).toEqual({ bits: example.bits, lst: example.lst });
      const decoded = StatusList.fromJSON({ bits: example.bits, lst: example.lst });
      expect(Buffer.from(decoded.toBytes()).toString("hex")).toBe(example.bytes);
      expect(example.statuses.map((_, i) => decoded.get(i))).toEqual(example.statuses);
    }
  });

  it.each(draftVectors.testVectors.lists.map((l) => [l.bits, l] as const))(
    "appendix test vector, %i bit(s): every listed status and nothing else",
    (bits, vector) => {
      const list = StatusList.fromJSON({ bits, lst: vector.lst });
      expect(list.size).toBe(draftVectors.testVectors.size);
      for (const [index, value] of vector.entries) expect(list.get(index), `status[${index}]`).toBe(value);
      const nonZero = new Map<number, number>();
      for (let i = 0; i < list.size; i++) {
        const v = list.get(i);
        if (v !== 0) nonZero.set(i, v);
      }
      if (bits === 8) {
        // The draft sets the values 0x00…0xFF once each: 255 non-zero statuses, all different.
        expect(nonZero.size).toBe(255);
        expect(new Set(nonZero.values()).size).toBe(255);
      } else {
        expect(nonZero).toEqual(new Map(vector.entries.filter(([, v]) => v !== 0)));
      }
      // Our encoder's DEFLATE differs from the draft's zlib, but it decodes to the same bytes.
      const again = StatusList.fromJSON(list.toJSON());
      expect(Buffer.compare(Buffer.from(again.toBytes()), Buffer.from(list.toBytes()))).toBe(0);
    },
  );
});
