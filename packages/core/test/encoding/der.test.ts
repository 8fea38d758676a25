/**
 * The strict DER reader, negative cases first: every BER-only or broken encoding is refused with
 * its precise {@link DerErrorCode}, and the typed accessors refuse values of the wrong type or in a
 * non-DER form.
 */
import { describe, expect, it } from "vitest";
import {
  DerError,
  type DerErrorCode,
  decodeDer,
  readBitString,
  readBoolean,
  readInteger,
  readNull,
  readOid,
  readSequence,
  readSet,
  readSmallInteger,
  readTime,
} from "../../src/encoding/der.js";

const bytes = (...b: number[]) => Uint8Array.from(b);

/** The code of the DerError `fn` throws (and fails when it throws anything else or nothing). */
function codeOf(fn: () => unknown): DerErrorCode {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DerError);
    return (err as DerError).code;
  }
  throw new Error("expected a DerError");
}

describe("decodeDer: well-formed DER", () => {
  it("reads a SEQUENCE of an INTEGER and an OCTET STRING", () => {
    const der = bytes(0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa);
    const root = decodeDer(der);
    expect(root.tag).toBe(16);
    expect(root.constructed).toBe(true);
    const [n, s] = readSequence(root, 2, 2);
    expect(readSmallInteger(n)).toBe(5);
    expect(s!.content).toEqual(bytes(0xaa));
    expect(root.raw).toEqual(der);
  });

  it("reads the long length form from 128 on, and high tag numbers from 31 on", () => {
    const long = decodeDer(bytes(0x04, 0x81, 0x80, ...new Array(128).fill(0)));
    expect(long.content.length).toBe(128);
    const twoOctets = decodeDer(bytes(0x04, 0x82, 0x01, 0x00, ...new Array(256).fill(0)));
    expect(twoOctets.content.length).toBe(256);
    const highTag = decodeDer(bytes(0x9f, 0x1f, 0x00)); // [31] IMPLICIT, primitive, empty
    expect(highTag.cls).toBe(2);
    expect(highTag.tag).toBe(31);
    const twoTagOctets = decodeDer(bytes(0x9f, 0x81, 0x00, 0x00)); // [128]
    expect(twoTagOctets.tag).toBe(128);
  });

  it("reads context-specific constructed values and their children", () => {
    const root = decodeDer(bytes(0xa0, 0x03, 0x02, 0x01, 0x02));
    expect(root.cls).toBe(2);
    expect(root.children).toHaveLength(1);
    expect(readSmallInteger(root.children[0])).toBe(2);
  });
});

describe("decodeDer: refused encodings", () => {
  const cases: readonly (readonly [string, Uint8Array, DerErrorCode])[] = [
    ["empty input", bytes(), "DER_EMPTY"],
    // Lengths
    ["indefinite length", bytes(0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00), "DER_INDEFINITE_LENGTH"],
    ["indefinite length, nested", bytes(0x30, 0x05, 0x30, 0x80, 0x00, 0x00, 0x00), "DER_INDEFINITE_LENGTH"],
    ["long form for a length below 128 (0x81 0x01)", bytes(0x04, 0x81, 0x01, 0x00), "DER_NON_MINIMAL_LENGTH"],
    ["long form for length 127", bytes(0x04, 0x81, 0x7f, ...new Array(127).fill(0)), "DER_NON_MINIMAL_LENGTH"],
    ["leading zero length octet (0x82 0x00 0x80)", bytes(0x04, 0x82, 0x00, 0x80, ...new Array(128).fill(0)), "DER_NON_MINIMAL_LENGTH"],
    ["leading zero length octet for a short length", bytes(0x04, 0x82, 0x00, 0x01, 0x00), "DER_NON_MINIMAL_LENGTH"],
    ["non-minimal length inside a SEQUENCE", bytes(0x30, 0x04, 0x04, 0x81, 0x01, 0x00), "DER_NON_MINIMAL_LENGTH"],
    ["length beyond the buffer", bytes(0x04, 0x05, 0x00, 0x00), "DER_LENGTH_EXCEEDS_INPUT"],
    ["long-form length beyond the buffer", bytes(0x04, 0x82, 0x01, 0x00, 0x00), "DER_LENGTH_EXCEEDS_INPUT"],
    ["child length beyond its parent", bytes(0x30, 0x03, 0x04, 0x02, 0x00, 0x00), "DER_LENGTH_EXCEEDS_INPUT"],
    ["five length octets", bytes(0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00), "DER_LENGTH_EXCEEDS_INPUT"],
    ["reserved length octet 0xFF", bytes(0x04, 0xff, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00), "DER_LENGTH_EXCEEDS_INPUT"],
    // Truncation
    ["identifier octet only", bytes(0x30), "DER_TRUNCATED"],
    ["long-form length octets cut short", bytes(0x04, 0x82, 0x01), "DER_TRUNCATED"],
    ["high tag number cut short", bytes(0x9f, 0x81), "DER_TRUNCATED"],
    ["truncated value", bytes(0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01), "DER_LENGTH_EXCEEDS_INPUT"],
    ["truncated child header", bytes(0x30, 0x01, 0x02), "DER_TRUNCATED"],
    // Trailing bytes
    ["one trailing byte", bytes(0x05, 0x00, 0x00), "DER_TRAILING_DATA"],
    ["a second value", bytes(0x05, 0x00, 0x05, 0x00), "DER_TRAILING_DATA"],
    // Tags
    ["high tag number form for tag 30", bytes(0x1f, 0x1e, 0x00), "DER_NON_MINIMAL_TAG"],
    ["high tag number form for tag 1", bytes(0x9f, 0x01, 0x00), "DER_NON_MINIMAL_TAG"],
    ["leading 0x80 tag octet", bytes(0x9f, 0x80, 0x1f, 0x00), "DER_NON_MINIMAL_TAG"],
    ["tag number beyond four octets", bytes(0x9f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00), "DER_TAG_TOO_LARGE"],
    ["end-of-contents octets", bytes(0x00, 0x00), "DER_END_OF_CONTENTS"],
    ["end-of-contents inside a SEQUENCE", bytes(0x30, 0x02, 0x00, 0x00), "DER_END_OF_CONTENTS"],
    // Constructed bit
    ["primitive SEQUENCE", bytes(0x10, 0x00), "DER_CONSTRUCTED_BIT"],
    ["primitive SET", bytes(0x11, 0x00), "DER_CONSTRUCTED_BIT"],
    ["constructed OCTET STRING (BER)", bytes(0x24, 0x03, 0x04, 0x01, 0x00), "DER_CONSTRUCTED_BIT"],
    ["constructed INTEGER", bytes(0x22, 0x03, 0x02, 0x01, 0x00), "DER_CONSTRUCTED_BIT"],
  ];

  it.each(cases)("%s", (_name, der, code) => {
    expect(codeOf(() => decodeDer(der))).toBe(code);
  });

  it("enforces the nesting and node-count limits", () => {
    const nested = (depth: number): Uint8Array => {
      let der = bytes(0x05, 0x00);
      for (let i = 0; i < depth; i++) der = bytes(0x30, der.length, ...der);
      return der;
    };
    expect(decodeDer(nested(3), { maxDepth: 3 }).children).toHaveLength(1);
    expect(codeOf(() => decodeDer(nested(4), { maxDepth: 3 }))).toBe("DER_DEPTH_EXCEEDED");
    expect(codeOf(() => decodeDer(nested(40)))).toBe("DER_DEPTH_EXCEEDED");
    const flat = bytes(0x30, 0x08, 0x05, 0x00, 0x05, 0x00, 0x05, 0x00, 0x05, 0x00);
    expect(decodeDer(flat, { maxNodes: 5 }).children).toHaveLength(4);
    expect(codeOf(() => decodeDer(flat, { maxNodes: 4 }))).toBe("DER_TOO_MANY_NODES");
  });
});

describe("typed accessors", () => {
  const node = (...b: number[]) => decodeDer(bytes(...b));

  it("refuse a value of another type", () => {
    const nul = node(0x05, 0x00);
    expect(codeOf(() => readSequence(nul))).toBe("DER_UNEXPECTED_TYPE");
    expect(codeOf(() => readSet(nul))).toBe("DER_UNEXPECTED_TYPE");
    expect(codeOf(() => readInteger(nul))).toBe("DER_UNEXPECTED_TYPE");
    expect(codeOf(() => readOid(nul))).toBe("DER_UNEXPECTED_TYPE");
    expect(codeOf(() => readBoolean(nul))).toBe("DER_UNEXPECTED_TYPE");
    expect(codeOf(() => readBitString(nul))).toBe("DER_UNEXPECTED_TYPE");
    expect(codeOf(() => readTime(nul))).toBe("DER_UNEXPECTED_TYPE");
    expect(codeOf(() => readNull(node(0x02, 0x01, 0x00)))).toBe("DER_UNEXPECTED_TYPE");
    expect(codeOf(() => readInteger(undefined))).toBe("DER_UNEXPECTED_TYPE");
  });

  it("refuse a SEQUENCE or SET with the wrong number of elements", () => {
    const seq = node(0x30, 0x02, 0x05, 0x00);
    expect(readSequence(seq, 1, 1)).toHaveLength(1);
    expect(codeOf(() => readSequence(seq, 2))).toBe("DER_ELEMENT_COUNT");
    expect(codeOf(() => readSequence(seq, 0, 0))).toBe("DER_ELEMENT_COUNT");
    expect(codeOf(() => readSet(node(0x31, 0x00), 1))).toBe("DER_ELEMENT_COUNT");
  });

  it("refuse non-minimal INTEGER and OBJECT IDENTIFIER encodings", () => {
    expect(codeOf(() => readInteger(node(0x02, 0x02, 0x00, 0x7f)))).toBe("DER_NON_MINIMAL_VALUE");
    expect(codeOf(() => readInteger(node(0x02, 0x02, 0xff, 0x80)))).toBe("DER_NON_MINIMAL_VALUE");
    expect(codeOf(() => readOid(node(0x06, 0x03, 0x2a, 0x80, 0x01)))).toBe("DER_NON_MINIMAL_VALUE");
    expect(readInteger(node(0x02, 0x02, 0x00, 0x80))).toEqual(bytes(0x00, 0x80));
  });

  it("refuse values that are not valid for their type", () => {
    expect(codeOf(() => readInteger(node(0x02, 0x00)))).toBe("DER_INVALID_VALUE");
    expect(codeOf(() => readSmallInteger(node(0x02, 0x01, 0x80)))).toBe("DER_INVALID_VALUE");
    expect(codeOf(() => readSmallInteger(node(0x02, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00)))).toBe("DER_INVALID_VALUE");
    expect(codeOf(() => readBoolean(node(0x01, 0x01, 0x01)))).toBe("DER_INVALID_VALUE");
    expect(codeOf(() => readBoolean(node(0x01, 0x02, 0xff, 0xff)))).toBe("DER_INVALID_VALUE");
    expect(codeOf(() => readBitString(node(0x03, 0x00)))).toBe("DER_INVALID_VALUE");
    expect(codeOf(() => readBitString(node(0x03, 0x01, 0x01)))).toBe("DER_INVALID_VALUE");
    expect(codeOf(() => readBitString(node(0x03, 0x02, 0x08, 0x00)))).toBe("DER_INVALID_VALUE");
    expect(codeOf(() => readBitString(node(0x03, 0x02, 0x01, 0x01)))).toBe("DER_INVALID_VALUE"); // non-zero unused bit
    expect(codeOf(() => readOid(node(0x06, 0x00)))).toBe("DER_INVALID_VALUE");
    expect(codeOf(() => readOid(node(0x06, 0x01, 0x81)))).toBe("DER_INVALID_VALUE");
    const utc = (text: string) => node(0x17, text.length, ...[...text].map((c) => c.charCodeAt(0)));
    expect(readTime(utc("250101000000Z"))).toBe(Date.UTC(2025, 0, 1));
    expect(codeOf(() => readTime(utc("2501010000Z")))).toBe("DER_INVALID_VALUE");
    expect(codeOf(() => readTime(utc("250230000000Z")))).toBe("DER_INVALID_VALUE");
    expect(codeOf(() => readTime(utc("250101000000+0800")))).toBe("DER_INVALID_VALUE");
  });
});
