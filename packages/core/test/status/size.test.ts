import { describe, expect, it } from "vitest";
import { LICENCE_STATUS_BITS, STATUS_TYPE, StatusList } from "../../src/status/index.js";
import { prng } from "./vectors.js";

describe("status list size (measurement, printed; no timing assertions)", () => {
  it("1,000,000 licences × 2 bits with 1 % not VALID", () => {
    const size = 1_000_000;
    const random = prng(20_260_101);
    const list = new StatusList(size, LICENCE_STATUS_BITS);
    let nonZero = 0;
    while (nonZero < size / 100) {
      const index = Math.floor(random() * size);
      if (list.get(index) !== STATUS_TYPE.VALID) continue;
      list.set(index, random() < 0.8 ? STATUS_TYPE.INVALID : STATUS_TYPE.SUSPENDED);
      nonZero++;
    }
    let started = performance.now();
    const json = list.toJSON();
    const encodeMs = performance.now() - started;
    started = performance.now();
    const decoded = StatusList.fromJSON(json);
    const decodeMs = performance.now() - started;
    console.log(
      `status list: ${size.toLocaleString("en")} entries × ${LICENCE_STATUS_BITS} bits, ${nonZero.toLocaleString("en")} non-zero → ` +
        `${list.toBytes().length.toLocaleString("en")} bytes raw, lst ${json.lst.length.toLocaleString("en")} chars ` +
        `(${(json.lst.length / 1024).toFixed(1)} KiB); encode ${encodeMs.toFixed(0)} ms, decode ${decodeMs.toFixed(0)} ms`,
    );
    expect(decoded.toBytes()).toEqual(list.toBytes());
  });
});
