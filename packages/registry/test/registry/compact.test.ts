/**
 * Rebuilding a stored licence's protected header from its signer chain row, in both header forms:
 * licences name their signing certificate by x5t#S256 only, and those issued before carried the
 * chain in x5c; either must come back byte for byte as it was signed.
 */
import { describe, expect, it } from "vitest";
import { encodeLicenceHeader } from "@elicence/core/issue";
import { protectedHeader } from "../../src/registry/compact.js";

const chain = { alg: "ES256", x5t: "A".repeat(43), x5c: JSON.stringify(["MIIBleaf", "MIIBroot"]) };
const decode = (b64: string) => JSON.parse(Buffer.from(b64, "base64url").toString("utf8"));

describe("protectedHeader", () => {
  it("rebuilds the current form without x5c", () => {
    const header = protectedHeader({ ...chain, header_x5c: 0 }, 1_770_000_000);
    expect(Object.keys(decode(header))).toEqual(["alg", "typ", "x5t#S256", "iat"]);
    expect(header).toBe(encodeLicenceHeader({ alg: "ES256", x5tS256: chain.x5t }, 1_770_000_000));
  });

  it("rebuilds a licence issued before with its x5c, in the order it was signed", () => {
    const header = protectedHeader({ ...chain, header_x5c: 1 }, 1_770_000_000);
    expect(Object.keys(decode(header))).toEqual(["alg", "typ", "x5t#S256", "x5c", "iat"]);
    expect(decode(header).x5c).toEqual(["MIIBleaf", "MIIBroot"]);
  });
});
