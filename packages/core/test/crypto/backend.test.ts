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
