import { describe, expect, it } from "vitest";
import { encodeBase64 } from "../../src/encoding/base64.js";
import { encodePem } from "../../src/encoding/pem.js";
import { errorCode } from "../support/error-code.js";
import { toDer } from "../../src/x509/certificate-input.js";

const DER = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff);
const PEM = encodePem(DER);

const code = errorCode;

describe("toDer", () => {
  it("accepts PEM, bare base64 and bytes, always returning a copy", () => {
    expect(toDer(PEM)).toEqual(DER);
    expect(toDer(encodeBase64(DER))).toEqual(DER);
    const copy = toDer(DER);
    expect(copy).toEqual(DER);
    expect(copy).not.toBe(DER);
  });

  it("turns every decoding problem into ERR_CERTIFICATE_INVALID", () => {
    for (const bad of ["", "not base64", "QQ", `${PEM}${PEM}`, PEM.replace(/CERTIFICATE/g, "CRL"), "A".repeat(200_000)]) {
      expect(code(() => toDer(bad))).toBe("ERR_CERTIFICATE_INVALID");
    }
    expect(code(() => toDer(new Uint8Array(65_537)))).toBe("ERR_CERTIFICATE_INVALID");
    expect(code(() => toDer(null as never))).toBe("TypeError");
  });
});
