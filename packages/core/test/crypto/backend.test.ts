import { describe, expect, it } from "vitest";
import { backend as nodeBackend } from "../../src/crypto/backend-node.js";
import { backend as webBackend } from "../../src/crypto/backend-web.js";

describe.each([nodeBackend, webBackend])("$name backend", (backend) => {
  it("signs and verifies ES256", async () => {
    const pair = await backend.generateKeyPair("ES256");
    const data = new TextEncoder().encode("hello");
    const sig = await backend.sign(pair.privateKey, data);
    expect(sig.length).toBe(64);
    expect(await backend.verify(pair.publicKey, data, sig)).toBe(true);
    sig[0]! ^= 1;
    expect(await backend.verify(pair.publicKey, data, sig)).toBe(false);
  });
});

describe.each([nodeBackend, webBackend])("$name backend helpers agree", (backend) => {
  it("sha256Base64url, base64urlEncodeText and asciiBytes", () => {
    // Around the Node backend's scratch buffer (text up to 16 KiB / 3 code units goes through it):
    // multi-byte text on both sides of the cut, a lone surrogate, and a long text after a short one.
    const around = [5460, 5461, 5462, 6000].flatMap((n) => ["证".repeat(n), "x".repeat(n)]);
    for (const text of ["", "abc", "证照 ✓", "x".repeat(1000), "a\uD800b", ...around, "abc"]) {
      expect(backend.sha256Base64url(text)).toBe(Buffer.from(nodeBackend.sha256(new TextEncoder().encode(text))).toString("base64url"));
      expect(backend.base64urlEncodeText(text)).toBe(Buffer.from(text).toString("base64url"));
    }
    expect([...backend.asciiBytes("a.b")]).toEqual([97, 46, 98]);
  });

  it("random bytes are fresh on every call, small and large", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(Buffer.from(backend.randomBytes(16)).toString("hex"));
    expect(seen.size).toBe(2000);
    expect(backend.randomBytes(5000)).toHaveLength(5000);
    expect(backend.randomBytes(0)).toHaveLength(0);
  });

  it("base64urlDecode refuses non-canonical and foreign text", () => {
    expect(backend.base64urlDecode("AB")).toBeNull();
    expect(backend.base64urlDecode("AQ")).toEqual(new Uint8Array([1]));
    expect(backend.base64urlDecode("A")).toBeNull();
    expect(backend.base64urlDecode("AQ==")).toBeNull();
    expect(backend.base64urlDecode("A+")).toBeNull();
    expect(backend.base64urlDecode("")).toEqual(new Uint8Array());
    // Every character a lenient decoder would skip or map, in every position of a longer text.
    const good = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff)).toString("base64url");
    expect(backend.base64urlDecode(good)).toEqual(new Uint8Array(Buffer.from(good, "base64url")));
    for (const bad of ["+", "/", "=", " ", "\n", ".", "é", "Ａ", "\u0000", "~", "%"]) {
      for (const at of [0, 1, 150, good.length - 1, good.length]) {
        const text = good.slice(0, at) + bad + good.slice(at);
        expect(backend.base64urlDecode(text), JSON.stringify([bad, at])).toBeNull();
        const replaced = good.slice(0, at) + bad + good.slice(at + 1);
        if (replaced.length % 4 !== 1) expect(backend.base64urlDecode(replaced), JSON.stringify([bad, at, "replaced"])).toBeNull();
      }
    }
    expect(backend.base64urlDecode(`${good}==`)).toBeNull();
    expect(backend.base64urlDecode("QQ==QUFB")).toBeNull();
  });
});
