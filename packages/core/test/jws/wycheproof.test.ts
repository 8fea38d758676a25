/**
 * Wycheproof (C2SP) vectors through eLicence's signature verification path, on both backends.
 * `acceptable` results may go either way; `valid` must verify and `invalid` must not.
 * For RSA-PSS with salt length 0, "valid" there is NOT valid PS256 (RFC 7518 fixes salt = 32).
 */
import { describe, expect, it } from "vitest";
import { loadVector } from "@elicence/vectors/load";
import { backend as nodeBackend } from "../../src/crypto/backend-node.js";
import { backend as webBackend } from "../../src/crypto/backend-web.js";
import type { CryptoBackend } from "../../src/crypto/backend.js";
import type { JwsAlgorithm } from "../../src/crypto/algorithms.js";

interface WycheproofTest {
  tcId: number;
  comment: string;
  msg: string;
  sig: string;
  result: "valid" | "invalid" | "acceptable";
}
interface WycheproofGroup {
  publicKeyDer: string;
  tests: WycheproofTest[];
}
const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

async function run(backend: CryptoBackend, file: string, alg: JwsAlgorithm, expectValid: (t: WycheproofTest) => boolean | null) {
  const vectors = loadVector(file) as { testGroups: WycheproofGroup[] };
  let checked = 0;
  const wrong: string[] = [];
  for (const group of vectors.testGroups) {
    let key;
    try {
      key = await backend.importPublicKey(hex(group.publicKeyDer), alg);
    } catch {
      // A key our backend refuses can verify nothing: every test in the group must then be non-valid.
      for (const t of group.tests) if (expectValid(t) === true) wrong.push(`${t.tcId} (key refused)`);
      continue;
    }
    for (const t of group.tests) {
      const want = expectValid(t);
      const got = await backend.verify(key, hex(t.msg), hex(t.sig));
      checked++;
      if (want !== null && got !== want) wrong.push(`${t.tcId} ${t.comment}: expected ${want}, got ${got}`);
    }
  }
  return { checked, wrong };
}

const standard = (t: WycheproofTest) => (t.result === "acceptable" ? null : t.result === "valid");

describe.each([nodeBackend, webBackend])("Wycheproof through the $name backend", (backend) => {
  it("ECDSA P-256 SHA-256 P1363 (ES256)", async () => {
    const { checked, wrong } = await run(backend, "wycheproof/v1/ecdsa_secp256r1_sha256_p1363_test.json", "ES256", standard);
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });

  it("Ed25519 (EdDSA)", async () => {
    const { checked, wrong } = await run(backend, "wycheproof/v1/ed25519_test.json", "EdDSA", standard);
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it("RSA-PSS 2048 SHA-256 salt 32 (PS256)", async () => {
    const { checked, wrong } = await run(backend, "wycheproof/v1/rsa_pss_2048_sha256_mgf1_32_test.json", "PS256", standard);
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it("RSA-PSS salt 0: every salt-0 signature fails as PS256; the one re-made with salt 32 verifies", async () => {
    // tcId 69 ("s_len changed to 32") is invalid for a salt-0 verifier and exactly a PS256 signature.
    const expectation = (t: WycheproofTest) => t.comment === "s_len changed to 32";
    const { checked, wrong } = await run(backend, "wycheproof/v1/rsa_pss_2048_sha256_mgf1_0_test.json", "PS256", expectation);
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });
});
