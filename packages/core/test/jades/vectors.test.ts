/**
 * Public JWS vectors through verifyJades: RFC 7515 Appendix A.3, the RFC 7520 JOSE cookbook
 * (chapter 4) and RFC 8037 (Ed25519). Their keys are bare JWKs, so each public key is certified by
 * a test root here and given as the signing certificate (EN 319 102-1 clause 5.2.3 lets the
 * caller supply it): the vectors carry no certificate reference, so they verify but reach no
 * JAdES level.
 */
import { loadVector } from "@elicence/vectors/load";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyJades, type VerifyJadesOptions } from "../../src/jades/verify.js";
import { JADES_ALGORITHMS } from "../../src/jades/digest.js";
import { AT, createLeaf, createRoot, type Issued } from "../x509/fixtures.js";

interface Cookbook {
  readonly input: { readonly key: Record<string, string>; readonly alg: string; readonly payload: string };
  readonly output: { readonly compact?: string; readonly json?: Record<string, unknown>; readonly json_flat?: Record<string, unknown> };
}

let root: Issued;

async function certify(jwk: Record<string, string>, alg: string): Promise<Issued> {
  const { kty, crv, n, e, x, y } = jwk;
  const params =
    kty === "RSA"
      ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
      : kty === "OKP"
        ? { name: "Ed25519" }
        : { name: "ECDSA", namedCurve: crv! };
  const publicJwk = kty === "RSA" ? { kty, n, e } : kty === "OKP" ? { kty, crv, x } : { kty, crv, x, y };
  const publicKey = await crypto.subtle.importKey("jwk", publicJwk as JsonWebKey, params, true, ["verify"]);
  return createLeaf(root, `CN=Vector key ${alg},O=eLicence Tests,C=CN`, {
    key: { kind: "P-256", keys: { publicKey, privateKey: publicKey }, signing: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams },
  });
}

const base = (): VerifyJadesOptions => ({ trustAnchors: [root.pem], at: AT, algorithms: JADES_ALGORITHMS });

beforeAll(async () => {
  root = await createRoot("CN=Vector Root,O=eLicence Tests,C=CN");
});

describe("RFC 7515 Appendix A.3 (ES256)", () => {
  const vector = loadVector("jose-rfc7515/rfc7515-A3-es256.json") as {
    jwk: Record<string, string>;
    compact: string;
    negative_derivations: { what: string; compact: string }[];
  };

  it("verifies with the key certified and given as the signing certificate", async () => {
    const cert = await certify(vector.jwk, "ES256");
    const report = await verifyJades(vector.compact, { ...base(), signingCertificate: cert.der });
    expect(report.indication).toBe("PASSED");
    const signature = report.signatures[0]!;
    expect(signature.checks.find((c) => c.check === "signing-certificate")!.code).toBe("given-by-caller");
    // No certificate reference and no signing time: a valid JWS, not a JAdES baseline signature.
    expect(signature.level).toBeUndefined();
    for (const negative of vector.negative_derivations) {
      const bad = await verifyJades(negative.compact, { ...base(), signingCertificate: cert.der });
      expect(bad.indication, negative.what).toBe("FAILED");
      expect(bad.subIndication, negative.what).toBe("SIG_CRYPTO_FAILURE");
    }
  });

  it("without a reference in the header nor a certificate from the caller, no signing certificate is found", async () => {
    const report = await verifyJades(vector.compact, base());
    expect(report.indication).toBe("INDETERMINATE");
    expect(report.subIndication).toBe("NO_SIGNING_CERTIFICATE_FOUND");
    expect(report.signatures[0]!.checks.find((c) => c.check === "signing-certificate")!.code).toBe("no-reference");
  });

  it("a certificate for another key does not verify it", async () => {
    const other = await certify(
      (loadVector("jose-cookbook/jws/4_3.ecdsa_signature.json") as Cookbook).input.key,
      "ES512",
    );
    const report = await verifyJades(vector.compact, { ...base(), signingCertificate: other.der });
    expect(report.subIndication).toBe("SIG_CRYPTO_FAILURE");
  });
});

describe("RFC 7520 (JOSE cookbook) and RFC 8037", () => {
  it.each([
    ["jose-cookbook/jws/4_1.rsa_v15_signature.json", "RS256"],
    ["jose-cookbook/jws/4_2.rsa-pss_signature.json", "PS384"],
    ["jose-cookbook/jws/4_3.ecdsa_signature.json", "ES512"],
    ["jose-cookbook/curve25519/jws.json", "EdDSA"],
  ])("%s verifies in every serialisation", async (path, alg) => {
    const vector = loadVector(path) as Cookbook;
    expect(vector.input.alg).toBe(alg);
    const cert = await certify(vector.input.key, alg);
    const options = { ...base(), signingCertificate: cert.der, unprotectedMembers: ["kid"] };
    const { compact, json, json_flat } = vector.output;
    for (const input of [compact!, json!, json_flat!]) {
      const report = await verifyJades(input, options);
      expect(report.indication).toBe("PASSED");
      expect(report.signatures[0]!.algorithm).toBe(alg);
    }
    // The payload as the cookbook gives it is what was signed.
    const tampered = compact!.replace(/\.[^.]+\./, `.${Buffer.from(`${vector.input.payload}!`).toString("base64url")}.`);
    expect((await verifyJades(tampered, options)).subIndication).toBe("SIG_CRYPTO_FAILURE");
    // Not in the caller's allow-list: refused before any key is used.
    const refused = await verifyJades(compact!, { ...options, algorithms: ["ES256"] });
    expect(refused.subIndication).toBe("CRYPTO_CONSTRAINTS_FAILURE");
  });

  it.each([
    "jose-cookbook/jws/4_4.hmac-sha2_integrity_protection.json",
    "jose-cookbook/jws/4_5.signature_with_detached_content.json",
    "jose-cookbook/jws/4_6.protecting_specific_header_fields.json",
  ])("%s (HMAC) is refused", async (path) => {
    const vector = loadVector(path) as Cookbook;
    const input = vector.output.json_flat!;
    const report = await verifyJades(input, {
      ...base(),
      algorithms: ["HS256" as never, ...JADES_ALGORITHMS],
      detached: { content: new TextEncoder().encode(vector.input.payload) },
      unprotectedMembers: ["kid"],
    });
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("CRYPTO_CONSTRAINTS_FAILURE");
  });

  it("4.7 (no protected header) is not a JAdES signature: FORMAT_FAILURE", async () => {
    const vector = loadVector("jose-cookbook/jws/4_7.protecting_content_only.json") as Cookbook;
    const report = await verifyJades(vector.output.json_flat!, { ...base(), unprotectedMembers: ["alg", "kid"] });
    expect(report.subIndication).toBe("FORMAT_FAILURE");
    expect(report.signatures[0]!.checks[0]).toMatchObject({ check: "format", result: "failed", code: "protected-header-missing" });
  });

  it("4.8 (three signatures): RS256 passes, the unprotected-only ES512 is malformed, HS256 is refused", async () => {
    const vector = loadVector("jose-cookbook/jws/4_8.multiple_signatures.json") as Cookbook;
    // 4.8 signs with the keys of 4.1 (RSA), 4.3 (P-521) and 4.4 (HMAC).
    const cert = await certify((loadVector("jose-cookbook/jws/4_1.rsa_v15_signature.json") as Cookbook).input.key, "RS256");
    const report = await verifyJades(vector.output.json!, { ...base(), signingCertificate: cert.der, unprotectedMembers: ["kid"] });
    expect(report.serialisation).toBe("general");
    expect(report.signatures.map((s) => [s.indication, s.subIndication])).toEqual([
      ["PASSED", undefined],
      ["FAILED", "FORMAT_FAILURE"],
      ["FAILED", "CRYPTO_CONSTRAINTS_FAILURE"],
    ]);
    expect(report.indication).toBe("FAILED");
  });
});
