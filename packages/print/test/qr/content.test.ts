/**
 * QR content: base45 against RFC 9285's examples, the packed licence round trip, and hostile or
 * malformed QR texts refused with typed errors.
 */
import { deflateSync } from "fflate";
import { describe, expect, it } from "vitest";
import { decodeBase45, encodeBase45, formatQrReference, packLicence, parseQrContent, unpackLicence, PACKED_PREFIX } from "../../src/qr.js";

const text = (s: string) => new TextEncoder().encode(s);
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string; details?: { reason?: string } }).code + ":" + ((e as { details?: { reason?: string } }).details?.reason ?? "");
  }
  return "no error";
};

describe("base45 (RFC 9285 §4.3)", () => {
  it("encodes and decodes the RFC's examples", () => {
    expect(encodeBase45(text("AB"))).toBe("BB8");
    expect(encodeBase45(text("Hello!!"))).toBe("%69 VD92EX0");
    expect(encodeBase45(text("base-45"))).toBe("UJCLQE7W581");
    expect(new TextDecoder().decode(decodeBase45("QED8WEX0"))).toBe("ietf!");
  });

  it("refuses a wrong length, a character outside the alphabet and a triple above 65535", () => {
    expect(code(() => decodeBase45("A"))).toBe("ERR_QR_INVALID:base45");
    expect(code(() => decodeBase45("ab8"))).toBe("ERR_QR_INVALID:base45");
    expect(code(() => decodeBase45("GGW"))).toBe("ERR_QR_INVALID:base45");
  });
});

const JWS = `${Buffer.from('{"alg":"ES256","typ":"elicence+sd-jwt"}').toString("base64url")}.${Buffer.from('{"iss":"示例","n":1}').toString("base64url")}.${Buffer.alloc(64, 9).toString("base64url")}`;

describe("packed licence", () => {
  it("round-trips a JWS to its compact form without disclosures, in QR alphanumeric characters", () => {
    const packed = packLicence(JWS);
    expect(packed).toMatch(/^ELC1:[0-9A-Z $%*+\-./:]+$/);
    expect(unpackLicence(packed)).toBe(`${JWS}~`);
    expect(parseQrContent(packed)).toEqual({ kind: "licence", licence: `${JWS}~` });
  });

  it("refuses a deflate bomb, a broken layout and garbage", () => {
    const bomb = PACKED_PREFIX + encodeBase45(deflateSync(new Uint8Array(2_000_000)));
    expect(code(() => unpackLicence(bomb))).toBe("ERR_QR_INVALID:too-large");
    expect(code(() => unpackLicence(PACKED_PREFIX + encodeBase45(deflateSync(new Uint8Array([0, 200, 1]))))) ).toBe("ERR_QR_INVALID:layout");
    expect(code(() => unpackLicence(PACKED_PREFIX + encodeBase45(new Uint8Array([1, 2, 3, 4, 5]))))).toMatch(/^ERR_QR_INVALID:(deflate|layout)$/);
    expect(code(() => unpackLicence(`${PACKED_PREFIX}${"0".repeat(5000)}`))).toBe("ERR_INPUT_TOO_LARGE:");
  });
});

describe("parseQrContent", () => {
  const ref = { id: "1.2.156.3005.2.11330100MB0000019K001.11330100MB0000019K.20260000000001.001.J", digest: "A".repeat(43), registry: "https://registry.example.gov.cn" };

  it("reads a reference and a compact licence", () => {
    expect(parseQrContent(formatQrReference(ref))).toEqual({ kind: "reference", ...ref });
    expect(parseQrContent(`${JWS}~`)).toEqual({ kind: "licence", licence: `${JWS}~` });
  });

  it("refuses what is not a licence or a reference", () => {
    const bad = [
      "https://example.com/pay?x=1",
      "WIFI:S:net;T:WPA;P:secret;;",
      "",
      `elicence:${ref.id}`,
      `elicence:${ref.id}?d=${ref.digest}`,
      `elicence:${ref.id}?d=${ref.digest}&r=javascript:alert(1)`,
      `elicence:${ref.id}?d=${ref.digest}&r=${encodeURIComponent("https://user:pw@registry.example")}`,
      `elicence:${ref.id}?d=short&r=${encodeURIComponent(ref.registry)}`,
      `elicence:${ref.id}?d=${ref.digest}&r=${encodeURIComponent(ref.registry)}&x=1`,
      `elicence:../../etc?d=${ref.digest}&r=${encodeURIComponent(ref.registry)}`,
      "eyJhbGciOiJub25lIn0",
    ];
    for (const t of bad) expect(code(() => parseQrContent(t)), t).toMatch(/^ERR_QR_INVALID:/);
    expect(code(() => parseQrContent("x".repeat(5000)))).toBe("ERR_INPUT_TOO_LARGE:");
  });
});
