/**
 * parseTimestampRequest: the TSA side's strict reading of a TimeStampReq (RFC 3161 §2.4.1), on our
 * own requests, on OpenSSL's, and on malformed, oversized and hostile bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTimestampRequest, MAX_TIMESTAMP_REQUEST_BYTES, parseTimestampRequest } from "../../src/timestamp.js";
import { encodeOid, encodeSequence, encodeTlv } from "../../src/encoding/der-write.js";
import { scratch, type Scratch } from "../support/openssl.js";

const DATA = new TextEncoder().encode("a signature value");
const SHA256 = "2.16.840.1.101.3.4.2.1";
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

let dir: Scratch;
beforeAll(() => {
  dir = scratch();
  dir.write("data.bin", DATA);
});
afterAll(() => dir.remove());

/** A TimeStampReq from its parts, as a client might write it. */
function request(parts: { version?: Uint8Array; imprint?: Uint8Array; rest?: Uint8Array[] } = {}): Uint8Array {
  const imprint = parts.imprint ?? encodeSequence(encodeSequence(encodeOid(SHA256)), encodeTlv(0x04, new Uint8Array(32).fill(7)));
  return encodeSequence(parts.version ?? Uint8Array.of(0x02, 0x01, 0x01), imprint, ...(parts.rest ?? []));
}

function malformed(der: Uint8Array): void {
  expect(() => parseTimestampRequest(der)).toThrow(expect.objectContaining({ code: "ERR_INPUT_MALFORMED", details: { reason: "timestamp-request" } }));
}

describe("parseTimestampRequest", () => {
  it("reads core's own request: SHA-256 imprint, nonce, certReq", () => {
    const ours = createTimestampRequest(DATA);
    const read = parseTimestampRequest(ours.der);
    expect(read.hash).toBe("SHA-256");
    expect(hex(read.hashedMessage)).toBe(hex(ours.hashedMessage));
    expect(hex(read.nonce!)).toBe(hex(encodeTlv(0x02, ours.nonce)));
    expect(read.certReq).toBe(true);
    expect(read.hasExtensions).toBe(false);
    expect(read.policy).toBeUndefined();
    // The MessageImprint exactly as sent (the token repeats it, RFC 3161 §2.4.2).
    expect(hex(ours.der)).toContain(hex(read.messageImprint));
    const withPolicy = parseTimestampRequest(createTimestampRequest(DATA, { policy: "1.2.3.4", certReq: false }).der);
    expect(withPolicy).toMatchObject({ policy: "1.2.3.4", certReq: false });
  });

  it("reads OpenSSL's requests (SHA-384/512 with NULL parameters, no nonce, a policy)", () => {
    for (const [flag, hash] of [
      ["-sha384", "SHA-384"],
      ["-sha512", "SHA-512"],
    ] as const) {
      const q = dir.openssl(["ts", "-query", "-data", "data.bin", flag, "-no_nonce", "-tspolicy", "1.2.3.4.5", "-cert", "-out", "q.tsq"]);
      expect(q.status, q.stderr).toBe(0);
      const read = parseTimestampRequest(new Uint8Array(dir.read("q.tsq")));
      expect(read).toMatchObject({ hash, policy: "1.2.3.4.5", certReq: true, hasExtensions: false });
      expect(read.nonce).toBeUndefined();
    }
  });

  it("reports what a TSA refuses with a TimeStampResp: an unusable hash, extensions", () => {
    const imprint = (alg: Uint8Array, length = 32) => encodeSequence(alg, encodeTlv(0x04, new Uint8Array(length)));
    // SHA-1, a wrong length, non-NULL parameters: no usable hash (badAlg).
    expect(parseTimestampRequest(request({ imprint: imprint(encodeSequence(encodeOid("1.3.14.3.2.26")), 20) })).hash).toBeUndefined();
    expect(parseTimestampRequest(request({ imprint: imprint(encodeSequence(encodeOid(SHA256)), 31) })).hash).toBeUndefined();
    expect(parseTimestampRequest(request({ imprint: imprint(encodeSequence(encodeOid(SHA256), Uint8Array.of(0x02, 0x01, 0x00))) })).hash).toBeUndefined();
    expect(parseTimestampRequest(request({ imprint: imprint(encodeSequence(encodeOid(SHA256), Uint8Array.of(0x05, 0x00))) })).hash).toBe("SHA-256");
    const extensions = encodeTlv(0xa0, encodeSequence(encodeOid("1.2.3"), encodeTlv(0x04, Uint8Array.of(0))));
    expect(parseTimestampRequest(request({ rest: [extensions] })).hasExtensions).toBe(true);
    // certReq written out as FALSE (not DER, but clients send it): false.
    expect(parseTimestampRequest(request({ rest: [Uint8Array.of(0x01, 0x01, 0x00)] })).certReq).toBe(false);
  });

  it("refuses what is not one DER TimeStampReq of version 1 with ERR_INPUT_MALFORMED", () => {
    const ours = createTimestampRequest(DATA).der;
    malformed(new Uint8Array(0));
    malformed(new TextEncoder().encode("not a request"));
    malformed(Uint8Array.from([...ours, 0])); // trailing data
    malformed(ours.subarray(0, ours.length - 1)); // truncated
    // BER: the indefinite length form.
    malformed(Uint8Array.from([0x30, 0x80, ...ours.subarray(2), 0x00, 0x00]));
    malformed(request({ version: Uint8Array.of(0x02, 0x01, 0x02) }));
    malformed(request({ version: Uint8Array.of(0x02, 0x02, 0x00, 0x01) })); // non-minimal INTEGER
    malformed(encodeSequence(Uint8Array.of(0x02, 0x01, 0x01))); // no imprint
    malformed(request({ imprint: encodeSequence(encodeSequence(encodeOid(SHA256))) })); // no hashedMessage
    const nonce = Uint8Array.of(0x02, 0x01, 0x05);
    malformed(request({ rest: [nonce, encodeOid("1.2.3")] })); // nonce before reqPolicy
    malformed(request({ rest: [Uint8Array.of(0x01, 0x01, 0xff), nonce] })); // certReq before nonce
    malformed(request({ rest: [Uint8Array.of(0x02, 0x02, 0x00, 0x05)] })); // non-minimal nonce
    malformed(request({ rest: [Uint8Array.of(0x01, 0x01, 0x01)] })); // non-DER BOOLEAN
    malformed(request({ rest: [encodeTlv(0xa0, new Uint8Array(0))] })); // empty extensions
    malformed(request({ rest: [encodeTlv(0x0c, Uint8Array.of(0x41))] })); // an unknown field
    expect(() => parseTimestampRequest("30" as never)).toThrow(TypeError);
  });

  it("refuses bodies above the limit and hostile nesting without crashing", () => {
    expect(() => parseTimestampRequest(new Uint8Array(MAX_TIMESTAMP_REQUEST_BYTES + 1))).toThrow(expect.objectContaining({ code: "ERR_INPUT_TOO_LARGE" }));
    // 1,000 nested SEQUENCEs in the extensions' place.
    let deep: Uint8Array = Uint8Array.of(0x05, 0x00);
    for (let i = 0; i < 1000; i++) deep = encodeSequence(deep);
    malformed(request({ rest: [deep] }).subarray(0, MAX_TIMESTAMP_REQUEST_BYTES));
    malformed(request({ rest: [encodeTlv(0xa0, deep.subarray(0, 3000))] }));
    // Many small values (node limit).
    malformed(request({ rest: [encodeTlv(0xa0, encodeSequence(...Array.from({ length: 1000 }, () => Uint8Array.of(0x05, 0x00))))] }));
  });
});
