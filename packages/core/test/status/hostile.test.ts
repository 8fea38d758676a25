import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_STATUS_LIST_BYTES, StatusList, inflateZlib } from "../../src/status/index.js";
import { isLicenceError, type LicenceError } from "../../src/errors/errors.js";

const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64url");
const valid = { bits: 1, lst: "eNrbuRgAAhcBXQ" } as const; // draft §4.2: bytes b9 a3
const compressed = new Uint8Array(Buffer.from(valid.lst, "base64url"));

function refusal(json: unknown, options?: { maxBytes?: number }): LicenceError {
  try {
    StatusList.fromJSON(json, options);
  } catch (err) {
    if (isLicenceError(err)) return err;
    throw err;
  }
  throw new Error("accepted");
}

describe("StatusList.fromJSON refuses hostile input", () => {
  it("accepts the well-formed example", () => {
    expect(StatusList.fromJSON(valid).get(0)).toBe(1);
  });

  it("refuses shapes that are not a status_list object", () => {
    for (const json of [null, undefined, "x", 42, [], [1, "eNrbuRgAAhcBXQ"]]) {
      expect(refusal(json).details.reason, JSON.stringify(json)).toBe("shape");
    }
    expect(refusal({ ...valid, aggregation_uri: 5 }).details.reason).toBe("shape");
  });

  it("refuses bits other than 1, 2, 4, 8", () => {
    for (const bits of [3, 0, 16, -1, 2.0000001, "2", null, undefined, true]) {
      const err = refusal({ bits, lst: valid.lst });
      expect(err.code).toBe("ERR_STATUS_LIST_INVALID");
      expect(err.details.reason, String(bits)).toBe("bits");
    }
  });

  it("refuses a missing, empty or non-string lst", () => {
    for (const lst of [undefined, "", 12, ["eNrb"]]) expect(refusal({ bits: 1, lst }).details.reason).toBe("lst");
  });

  it("refuses anything but strict base64url", () => {
    for (const lst of [
      valid.lst + "=", // padding
      "eNrbuRgAAhcB+Q", // base64 alphabet
      "eNrbuRgAAhcB/Q",
      " eNrbuRgAAhcBXQ",
      "eNrbuRgA\nAhcBXQ",
      "eNrbuRgAAhcBXR", // non-zero trailing bits
      "eNrbuRgAAhcBX", // impossible length
      "eNrbuRgAAhcBXQ%",
    ]) {
      expect(refusal({ bits: 1, lst }).details.reason, JSON.stringify(lst)).toBe("base64url");
    }
  });

  it("refuses truncated ZLIB at every length", () => {
    for (let cut = 0; cut < compressed.length; cut++) {
      const err = refusal({ bits: 1, lst: b64(compressed.subarray(0, cut)) });
      expect(err.code, `cut at ${cut}`).toBe("ERR_STATUS_LIST_INVALID");
      expect(["lst", "base64url", "zlib-truncated", "deflate", "adler32"]).toContain(err.details.reason);
    }
  });

  it("refuses a wrong Adler-32, and bytes after the trailer", () => {
    for (let i = compressed.length - 4; i < compressed.length; i++) {
      const bad = compressed.slice();
      bad[i]! ^= 0x01;
      expect(refusal({ bits: 1, lst: b64(bad) }).details.reason, `byte ${i}`).toBe("adler32");
    }
    const extra = new Uint8Array([...compressed, 0x00]);
    expect(refusal({ bits: 1, lst: b64(extra) }).code).toBe("ERR_STATUS_LIST_INVALID");
  });

  it("refuses a bad ZLIB header, a preset dictionary and raw DEFLATE or gzip", () => {
    const header = (cmf: number, flg: number): string => b64(new Uint8Array([cmf, flg, ...compressed.subarray(2)]));
    expect(refusal({ bits: 1, lst: header(0x79, 0xda) }).details.reason).toBe("zlib-header"); // CM = 9
    expect(refusal({ bits: 1, lst: header(0x88, 0x1c) }).details.reason).toBe("zlib-header"); // CINFO = 8
    expect(refusal({ bits: 1, lst: header(0x78, 0xdb) }).details.reason).toBe("zlib-header"); // FCHECK
    expect(refusal({ bits: 1, lst: header(0x78, 0xbb) }).details.reason).toBe("zlib-dictionary"); // FDICT
    expect(refusal({ bits: 1, lst: b64(compressed.subarray(2, -4)) }).code).toBe("ERR_STATUS_LIST_INVALID"); // raw DEFLATE
    const gzip = new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, ...compressed.subarray(2)]);
    expect(refusal({ bits: 1, lst: b64(gzip) }).details.reason).toBe("zlib-header");
  });

  it("refuses a corrupt DEFLATE body", () => {
    const bad = compressed.slice();
    bad[2] = 0xff; // BFINAL=1, BTYPE=11 (reserved)
    expect(refusal({ bits: 1, lst: b64(bad) }).details.reason).toBe("deflate");
    const random = new Uint8Array([0x78, 0xda, ...Array.from({ length: 40 }, (_, i) => (i * 73 + 29) & 0xff)]);
    expect(refusal({ bits: 1, lst: b64(random) }).code).toBe("ERR_STATUS_LIST_INVALID");
  });

  it("refuses an empty list", () => {
    expect(refusal({ bits: 1, lst: b64(deflateSync(new Uint8Array(0))) }).details.reason).toBe("empty");
  });

  it("accepts exactly maxBytes and refuses one byte more", () => {
    const lst = b64(deflateSync(new Uint8Array(1000).fill(0x55)));
    expect(StatusList.fromJSON({ bits: 2, lst }, { maxBytes: 1000 }).size).toBe(4000);
    const err = refusal({ bits: 2, lst }, { maxBytes: 999 });
    expect(err.code).toBe("ERR_INPUT_TOO_LARGE");
    expect(err.details.limit).toBe(999);
  });

  it("refuses an lst too long to fit the limit before decoding it", () => {
    const err = refusal({ bits: 1, lst: "A".repeat(30_000_000) });
    expect(err.code).toBe("ERR_INPUT_TOO_LARGE");
    expect(refusal({ bits: 1, lst: "A".repeat(2000) }, { maxBytes: 1000 }).code).toBe("ERR_INPUT_TOO_LARGE");
  });

  it("refuses a zip bomb (100 MB of zeros) fast, without inflating it all", () => {
    const bomb = deflateSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 });
    const lst = b64(bomb);
    const started = performance.now();
    const err = refusal({ bits: 2, lst });
    const elapsed = performance.now() - started;
    console.log(
      `zip bomb: ${bomb.length} bytes compressed (lst ${lst.length} chars) → refused after ${elapsed.toFixed(1)} ms ` +
        `(limit ${DEFAULT_MAX_STATUS_LIST_BYTES} bytes)`,
    );
    expect(err.code).toBe("ERR_INPUT_TOO_LARGE");
    expect(err.message).toBe("The status list is larger than the limit.");
    expect(() => inflateZlib(bomb, 1 << 20)).toThrow(/larger than the limit/);
  });

  it("errors carry no part of the input in their message", () => {
    const err = refusal({ bits: 3, lst: "secret-looking-value" });
    expect(err.message).toBe("The status list is not valid.");
    expect(JSON.stringify(err.toJSON())).not.toContain("secret");
  });
});
