/**
 * The signer steps on their own (`verifyJadesSigner`), as both validators call them: one report
 * entry per step, the signer, and a caller-supplied path validator.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { backend } from "../../src/crypto/index.js";
import { checkCritical, readAlgorithm, readProtectedHeader } from "../../src/jades/header.js";
import { verifyJadesSigner, type JadesSignerInput } from "../../src/jades/signer.js";
import { JADES_ALGORITHMS } from "../../src/jades/digest.js";
import { CertificateCache } from "../../src/x509/cache.js";
import type { Certificate } from "../../src/x509/certificate.js";
import { AT, baseHeader, signWith, world, type World } from "./fixtures.js";

let w: World;
const cache = new CertificateCache();

beforeAll(async () => {
  w = await world();
});

function input(header: Record<string, unknown>, extra: Partial<JadesSignerInput> = {}): JadesSignerInput {
  const kit = w.kits.PS384;
  const s = signWith(kit, header, "payload");
  const alg = readAlgorithm(header, JADES_ALGORITHMS);
  return {
    header: readProtectedHeader(header, alg, checkCritical(header)),
    signingInput: backend.asciiBytes(`${s.protected}.${s.payload}`),
    signature: new Uint8Array(Buffer.from(s.signature, "base64url")),
    certificates: [cache.parse(kit.cert.der), cache.parse(w.kits.ES256.cert.der)],
    trustAnchors: [w.root.pem],
    at: AT,
    parse: (der) => cache.parse(der),
    ...extra,
  };
}

describe("verifyJadesSigner", () => {
  it("identifies the signer by x5t#S256, verifies the value and validates the path: three passed entries", async () => {
    const result = await verifyJadesSigner(input(baseHeader(w.kits.PS384)));
    expect([result.checks.signingCertificate.result, result.checks.signature?.result, result.checks.certificatePath?.result]).toEqual(["passed", "passed", "passed"]);
    expect(result.signer?.sha256Hex).toBe(cache.parse(w.kits.PS384.cert.der).sha256Hex);
    expect(result.path).toHaveLength(2);
  });

  it("uses the caller's path validator when given one, with the validation time", async () => {
    const seen: Date[] = [];
    const result = await verifyJadesSigner(
      input(baseHeader(w.kits.PS384), {
        validatePath: async (leaf: Certificate, _intermediates, at) => {
          seen.push(at);
          return { ok: false, code: "EXPIRED", reason: "The caller's cache says so.", certificate: leaf };
        },
      }),
    );
    expect(seen).toEqual([AT]);
    expect(result.checks.certificatePath).toMatchObject({ result: "indeterminate", subIndication: "OUT_OF_BOUNDS_NO_POE", code: "EXPIRED" });
    expect(result.pathFailure?.code).toBe("EXPIRED");
  });

  it("stops at the first step that does not pass", async () => {
    const notFound = await verifyJadesSigner(input(baseHeader(w.kits.PS384), { certificates: [] }));
    expect(notFound.checks.signingCertificate.subIndication).toBe("NO_SIGNING_CERTIFICATE_FOUND");
    expect(notFound.checks.signature).toBeUndefined();
    const wrongKey = await verifyJadesSigner(input({ ...baseHeader(w.kits.PS384), "x5t#S256": w.kits.ES256.x5t }));
    expect(wrongKey.checks.signature).toMatchObject({ result: "failed", subIndication: "SIG_CRYPTO_FAILURE", code: "key-algorithm" });
    expect(wrongKey.checks.certificatePath).toBeUndefined();
  });
});
