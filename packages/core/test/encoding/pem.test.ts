import { describe, expect, it } from "vitest";
import { errorCode } from "../support/error-code.js";
import { decodeBase64, encodeBase64 } from "../../src/encoding/base64.js";
import { decodePem, decodePemBundle, encodePem } from "../../src/encoding/pem.js";

const DER = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff);
const PEM = encodePem(DER);

const code = errorCode;

describe("base64", () => {
  it("round-trips every length", () => {
    for (let n = 0; n < 40; n++) {
      const data = DER.subarray(0, n);
      expect(decodeBase64(encodeBase64(data))).toEqual(data);
      expect(encodeBase64(data)).toBe(Buffer.from(data).toString("base64"));
    }
  });

  it("rejects non-canonical, unpadded, url-alphabet and whitespace forms", () => {
    for (const bad of ["QQ", "QR==", "QQ=", "Q===", "QQ==QQ==", "-_8=", "QQ ==", "QQ==\n", "====", "A"]) expect(decodeBase64(bad)).toBeNull();
    expect(decodeBase64("QQ==")).toEqual(new Uint8Array([0x41]));
    expect(decodeBase64("")).toEqual(new Uint8Array());
  });
});

describe("PEM", () => {
  it("encodes 64-character lines and decodes back", () => {
    const lines = PEM.trimEnd().split("\n");
    expect(lines[0]).toBe("-----BEGIN CERTIFICATE-----");
    expect(lines.at(-1)).toBe("-----END CERTIFICATE-----");
    expect(lines.slice(1, -2).every((l) => l.length === 64)).toBe(true);
    expect(decodePem(PEM)).toEqual(DER);
    expect(decodePem(PEM.replace(/\n/g, "\r\n"))).toEqual(DER);
    expect(decodePem(`\n\n  \n${PEM}\n\n`)).toEqual(DER);
    expect(decodePem(PEM.replace(/\n/g, "  \n"))).toEqual(DER);
  });

  it("accepts other labels when asked", () => {
    expect(decodePem(encodePem(DER, "PUBLIC KEY"), { label: "PUBLIC KEY" })).toEqual(DER);
    expect(code(() => decodePem(encodePem(DER, "PUBLIC KEY")))).toBe("ERR_INPUT_MALFORMED");
    expect(code(() => encodePem(DER, "BAD-"))).toBe("TypeError");
  });

  it("decodes bundles", () => {
    const other = DER.subarray(0, 50);
    expect(decodePemBundle(`${PEM}\n${encodePem(other)}`)).toEqual([DER, other]);
    expect(code(() => decodePem(`${PEM}${PEM}`))).toBe("ERR_INPUT_MALFORMED");
    expect(code(() => decodePemBundle(`${PEM}${PEM}${PEM}`, { maxBlocks: 2 }))).toBe("ERR_INPUT_TOO_LARGE");
  });

  it.each([
    ["explanatory text before the block", `subject=CN=x\n${PEM}`],
    ["text between blocks", `${PEM}junk\n${PEM}`],
    ["mismatched END label", PEM.replace("END CERTIFICATE", "END X509 CRL")],
    ["missing END", PEM.replace("-----END CERTIFICATE-----\n", "")],
    ["empty body", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"],
    ["headers", PEM.replace("-----\n", "-----\nProc-Type: 4,ENCRYPTED\n\n")],
    ["invalid character", PEM.replace(/\n(.)/, "\n*")],
    ["padding in the middle", PEM.replace(/\n(....)/, "\nQQ==")],
    ["indented BEGIN", `  ${PEM}`],
    ["nothing", ""],
  ])("rejects %s", (_, text) => {
    expect(code(() => decodePem(text))).toBe("ERR_INPUT_MALFORMED");
  });

  it("limits sizes", () => {
    expect(code(() => decodePem(PEM, { maxLength: 100 }))).toBe("ERR_INPUT_TOO_LARGE");
    expect(code(() => decodePem(encodePem(new Uint8Array(70_000)), { maxLength: 200_000 }))).toBe("ERR_INPUT_TOO_LARGE");
    expect(code(() => decodePem(42 as never))).toBe("TypeError");
  });
});
