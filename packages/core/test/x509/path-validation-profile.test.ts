/**
 * Path validation, the stricter rules: the RFC 5280 §4.2 profile MUSTs a relying party can see,
 * the key allow-list, self-issued certificates and path length (§6.1.4 (l)), and `maxDepth`.
 * Every certificate is made here (fixtures.ts; OpenSSL for keys WebCrypto cannot make).
 */
import "reflect-metadata";
import { beforeAll, describe, expect, it } from "vitest";
import * as x509 from "@peculiar/x509";
import { LicenceError } from "../../src/errors/errors.js";
import { parseCertificate } from "../../src/x509/certificate.js";
import { type PathValidationOptions, type PathValidationResult, PATH_VALIDATION_CODES, validateCertificatePath } from "../../src/x509/path-validation.js";
import {
  AT,
  CA_KEY_USAGE,
  KU,
  SIGNING_KEY_USAGE,
  type Issued,
  createCa,
  createLeaf,
  createRoot,
  generateKey,
  generateRsaKey,
  issue,
  opensslDsaSpki,
  opensslSpki,
} from "./fixtures.js";

type Options = Omit<PathValidationOptions, "leaf" | "trustAnchors" | "at">;

function validate(leaf: Issued, intermediates: readonly Issued[], anchors: readonly Issued[], options: Options = {}): Promise<PathValidationResult> {
  return validateCertificatePath({ leaf: leaf.pem, intermediates: intermediates.map((i) => i.pem), trustAnchors: anchors.map((a) => a.pem), at: AT, ...options });
}

function expectOk(result: PathValidationResult, length: number): void {
  if (!result.ok) expect.fail(`expected a valid path, got ${result.code} at ${result.index}: ${result.reason}`);
  expect(result.path).toHaveLength(length);
}

function expectFail(result: PathValidationResult, code: string, index?: number): void {
  if (result.ok) expect.fail(`expected ${code}, got a valid path`);
  expect({ code: result.code, index: index === undefined ? undefined : result.index }).toEqual({ code, index });
  expect(result.reason).toMatch(/\.$/);
}

let root: Issued;
let ca: Issued;

beforeAll(async () => {
  root = await createRoot("CN=Strict Root,O=eLicence Test,C=CN");
  ca = await createCa(root, "CN=Strict CA,O=eLicence Test,C=CN");
});

describe("new codes", () => {
  it("are listed in PATH_VALIDATION_CODES, after the older ones", () => {
    const at = PATH_VALIDATION_CODES.indexOf("MISSING_KEY_IDENTIFIER");
    expect(at).toBeGreaterThan(PATH_VALIDATION_CODES.indexOf("WORK_LIMIT_EXCEEDED"));
    expect(PATH_VALIDATION_CODES.slice(at, at + 5)).toEqual(["MISSING_KEY_IDENTIFIER", "CRITICAL_KEY_IDENTIFIER", "BASIC_CONSTRAINTS_NOT_CRITICAL", "NAME_CONSTRAINTS", "WEAK_KEY"]);
  });
});

describe("authority key identifier (RFC 5280 §4.2.1.1)", () => {
  it("refuses a leaf without it", async () => {
    const leaf = await createLeaf(ca, "CN=No AKI Leaf", { aki: false });
    expectFail(await validate(leaf, [ca], [root]), "MISSING_KEY_IDENTIFIER", 0);
  });

  it("refuses an intermediate without it", async () => {
    const bare = await createCa(root, "CN=No AKI CA", { aki: false });
    const leaf = await createLeaf(bare, "CN=Leaf");
    expectFail(await validate(leaf, [bare], [root]), "MISSING_KEY_IDENTIFIER", 1);
  });

  it("refuses a cross-signed root without it, and accepts it with one", async () => {
    const rootB = await createRoot("CN=Root B,O=eLicence Test,C=CN");
    const leaf = await createLeaf(rootB, "CN=Leaf under B");
    const crossBare = await issue({ subject: "CN=Root B,O=eLicence Test,C=CN", key: rootB.key, issuer: root, ca: true, keyUsage: CA_KEY_USAGE, aki: false });
    expectFail(await validate(leaf, [crossBare], [root]), "MISSING_KEY_IDENTIFIER", 1);
    const cross = await issue({ subject: "CN=Root B,O=eLicence Test,C=CN", key: rootB.key, issuer: root, ca: true, keyUsage: CA_KEY_USAGE });
    expectOk(await validate(leaf, [cross], [root]), 3);
  });

  it("refuses an authority key identifier without its keyIdentifier field", async () => {
    // AuthorityKeyIdentifier ::= SEQUENCE { authorityCertSerialNumber [2] 1 }: no keyIdentifier.
    const serialOnly = new x509.Extension("2.5.29.35", false, new Uint8Array([0x30, 0x03, 0x82, 0x01, 0x01]));
    const leaf = await createLeaf(ca, "CN=Serial-only AKI", { aki: false, extra: [serialOnly] });
    expectFail(await validate(leaf, [ca], [root]), "MISSING_KEY_IDENTIFIER", 0);
  });

  it("lets a self-signed anchor omit it, but not a pinned anchor that is not self-issued", async () => {
    expect(parseCertificate(root.der).authorityKeyIdentifier).toBeUndefined();
    expectOk(await validate(await createLeaf(root, "CN=Leaf"), [], [root]), 2);
    const pinnedBare = await createCa(root, "CN=Pinned CA", { aki: false });
    expectFail(await validate(await createLeaf(pinnedBare, "CN=Leaf"), [], [pinnedBare]), "MISSING_KEY_IDENTIFIER", 1);
    const pinned = await createCa(root, "CN=Pinned CA 2");
    expectOk(await validate(await createLeaf(pinned, "CN=Leaf"), [], [pinned]), 2);
  });

  it("refuses it marked critical (MUST be non-critical)", async () => {
    const leaf = await createLeaf(ca, "CN=Critical AKI", { akiCritical: true });
    expectFail(await validate(leaf, [ca], [root]), "CRITICAL_KEY_IDENTIFIER", 0);
    const inter = await createCa(root, "CN=Critical AKI CA", { akiCritical: true });
    expectFail(await validate(await createLeaf(inter, "CN=Leaf"), [inter], [root]), "CRITICAL_KEY_IDENTIFIER", 1);
  });
});

describe("subject key identifier (RFC 5280 §4.2.1.2)", () => {
  it("refuses an intermediate CA without it", async () => {
    const bare = await createCa(root, "CN=No SKI CA", { ski: false });
    const leaf = await createLeaf(bare, "CN=Leaf", { aki: "0102030405" });
    expectFail(await validate(leaf, [bare], [root]), "MISSING_KEY_IDENTIFIER", 1);
  });

  it("refuses a root (trust anchor) without it", async () => {
    const bareRoot = await createRoot("CN=No SKI Root", { ski: false });
    const leaf = await createLeaf(bareRoot, "CN=Leaf", { aki: "0102030405" });
    expectFail(await validate(leaf, [], [bareRoot]), "MISSING_KEY_IDENTIFIER", 1);
  });

  it("does not require it of an end-entity certificate (SHOULD only)", async () => {
    expectOk(await validate(await createLeaf(ca, "CN=No SKI Leaf", { ski: false }), [ca], [root]), 3);
  });

  it("refuses it marked critical, in a CA or a leaf", async () => {
    const inter = await createCa(root, "CN=Critical SKI CA", { skiCritical: true });
    expectFail(await validate(await createLeaf(inter, "CN=Leaf"), [inter], [root]), "CRITICAL_KEY_IDENTIFIER", 1);
    expectFail(await validate(await createLeaf(ca, "CN=Critical SKI Leaf", { skiCritical: true }), [ca], [root]), "CRITICAL_KEY_IDENTIFIER", 0);
  });
});

describe("basicConstraints critical in CA certificates (RFC 5280 §4.2.1.9)", () => {
  it("refuses a trust anchor whose basicConstraints is not critical", async () => {
    const softRoot = await createRoot("CN=Soft Root", { basicConstraintsCritical: false });
    expectFail(await validate(await createLeaf(softRoot, "CN=Leaf"), [], [softRoot]), "BASIC_CONSTRAINTS_NOT_CRITICAL", 1);
  });

  it("refuses an intermediate whose basicConstraints is not critical", async () => {
    const soft = await createCa(root, "CN=Soft CA", { basicConstraintsCritical: false });
    expectFail(await validate(await createLeaf(soft, "CN=Leaf"), [soft], [root]), "BASIC_CONSTRAINTS_NOT_CRITICAL", 1);
  });

  it("applies to a CA leaf that may sign certificates, not to one that only signs CRLs", async () => {
    const caLeaf = await createCa(ca, "CN=Soft CA Leaf", { basicConstraintsCritical: false });
    expectFail(await validate(caLeaf, [ca], [root], { allowCaLeaf: true }), "BASIC_CONSTRAINTS_NOT_CRITICAL", 0);
    const crlSigner = await createCa(ca, "CN=CRL Signer", { basicConstraintsCritical: false, keyUsage: KU.cRLSign });
    expectOk(await validate(crlSigner, [ca], [root], { allowCaLeaf: true }), 3);
  });

  it("accepts an end-entity certificate with a non-critical cA=false", async () => {
    const leaf = await createLeaf(ca, "CN=EE with BC", { ca: false, basicConstraintsCritical: false });
    expectOk(await validate(leaf, [ca], [root]), 3);
  });
});

describe("keyCertSign needs the cA bit (RFC 5280 §4.2.1.3, §4.2.1.9)", () => {
  it("refuses a leaf with keyCertSign and no basicConstraints", async () => {
    const leaf = await createLeaf(ca, "CN=Signer", { keyUsage: SIGNING_KEY_USAGE | KU.keyCertSign });
    expectFail(await validate(leaf, [ca], [root]), "KEY_USAGE", 0);
  });

  it("refuses a leaf with keyCertSign and cA=false", async () => {
    const leaf = await createLeaf(ca, "CN=Signer", { ca: false, keyUsage: SIGNING_KEY_USAGE | KU.keyCertSign });
    const result = await validate(leaf, [ca], [root]);
    expectFail(result, "KEY_USAGE", 0);
    expect(!result.ok && result.reason).toMatch(/keyCertSign/);
  });
});

describe("weak keys", () => {
  const weak: [string, () => Uint8Array][] = [
    ["RSA 1024", () => opensslSpki(["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"])],
    ["EC P-192", () => opensslSpki(["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-192"])],
    ["EC secp256k1 (off the allow-list)", () => opensslSpki(["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"])],
    ["DSA", () => opensslDsaSpki(1024)],
  ];
  for (const [name, spki] of weak) {
    it(`refuses a leaf with a ${name} key`, async () => {
      const leaf = await createLeaf(ca, `CN=${name} Leaf`, { spki: spki() });
      expectFail(await validate(leaf, [ca], [root]), "WEAK_KEY", 0);
    });
  }

  it("accepts the allowed kinds (RSA 2048, P-384, Ed25519)", async () => {
    for (const keyKind of ["RSA-PSS", "P-384", "Ed25519"] as const) {
      expectOk(await validate(await createLeaf(ca, `CN=${keyKind} Leaf`, { keyKind }), [ca], [root]), 3);
    }
  });

  it("refuses an intermediate and an anchor with a weak RSA key", async () => {
    const weakKey = await generateRsaKey(1024);
    const weakCa = await createCa(root, "CN=Weak CA", { key: weakKey });
    expectFail(await validate(await createLeaf(weakCa, "CN=Leaf"), [weakCa], [root]), "WEAK_KEY", 1);
    const weakRoot = await createRoot("CN=Weak Root", { key: weakKey });
    expectFail(await validate(await createLeaf(weakRoot, "CN=Leaf"), [], [weakRoot]), "WEAK_KEY", 1);
  });
});

describe("self-issued intermediates and pathLenConstraint (RFC 5280 §6.1.4 (l))", () => {
  it("does not count a self-issued intermediate: root → A (pathLen 1) → A' (self-issued, pathLen 1) → B (pathLen 0) → leaf", async () => {
    const a = await createCa(root, "CN=ICA Prime", { pathLength: 1 });
    const aSelf = await createCa(a, "CN=ICA Prime", { pathLength: 1 });
    const b = await createCa(aSelf, "CN=ICA Second", { pathLength: 0 });
    const leaf = await createLeaf(b, "CN=Leaf");
    expect(parseCertificate(aSelf.der).selfIssued).toBe(true);
    expectOk(await validate(leaf, [a, aSelf, b], [root]), 5);
  });

  it("still counts a certificate that is not self-issued in the same position", async () => {
    const a = await createCa(root, "CN=ICA One", { pathLength: 1 });
    const renamed = await createCa(a, "CN=ICA One Renamed", { pathLength: 1 });
    const b = await createCa(renamed, "CN=ICA Two", { pathLength: 0 });
    expectFail(await validate(await createLeaf(b, "CN=Leaf"), [a, renamed, b], [root]), "PATH_LENGTH_EXCEEDED", 1);
  });

  it("lets two self-issued rollovers sit under an anchor with pathLen 0", async () => {
    const r0 = await createRoot("CN=PL0 Rollover Root", { pathLength: 0 });
    const roll1 = await createCa(r0, "CN=PL0 Rollover Root");
    const roll2 = await createCa(roll1, "CN=PL0 Rollover Root");
    expectOk(await validate(await createLeaf(roll2, "CN=Leaf"), [roll1, roll2], [r0]), 4);
  });
});

describe("maxDepth counts intermediates only (as OpenSSL's -verify_depth)", () => {
  it("maxDepth 0 allows a leaf issued by the anchor, and nothing longer", async () => {
    expectOk(await validate(await createLeaf(root, "CN=Leaf"), [], [root], { maxDepth: 0 }), 2);
    expectFail(await validate(await createLeaf(ca, "CN=Leaf"), [ca], [root], { maxDepth: 0 }), "DEPTH_EXCEEDED");
    expectOk(await validate(await createLeaf(ca, "CN=Leaf"), [ca], [root], { maxDepth: 1 }), 3);
  });

  it("counts self-issued intermediates too (depth is about work, not policy)", async () => {
    const roll = await createCa(ca, "CN=Strict CA,O=eLicence Test,C=CN");
    const leaf = await createLeaf(roll, "CN=Leaf");
    expectFail(await validate(leaf, [ca, roll], [root], { maxDepth: 1 }), "DEPTH_EXCEEDED");
    expectOk(await validate(leaf, [ca, roll], [root], { maxDepth: 2 }), 4);
  });

  it("says DEPTH_EXCEEDED, not SIGNATURE_INVALID, when a forged look-alike issuer is also offered", async () => {
    const c1 = await createCa(root, "CN=Deep 1");
    const c2 = await createCa(c1, "CN=Deep 2");
    const c3 = await createCa(c2, "CN=Deep 3");
    const leaf = await createLeaf(c3, "CN=Deep Leaf");
    // Same name and key identifier as c3, another key: its signature check on the leaf fails.
    const decoy = await createCa(c2, "CN=Deep 3", { key: await generateKey(), ski: c3.ski });
    const result = await validate(leaf, [decoy, c1, c2, c3], [root], { maxDepth: 2 });
    expectFail(result, "DEPTH_EXCEEDED");
    expectOk(await validate(leaf, [decoy, c1, c2, c3], [root], { maxDepth: 3 }), 5);
  });

  it("refuses a bad maxDepth or maxSignatureChecks with a coded LicenceError (ERR_VALIDATION), not a TypeError", async () => {
    const base = { leaf: root.pem, trustAnchors: [root.pem], at: AT };
    const bad: [Partial<PathValidationOptions>, string][] = [
      [{ maxDepth: -1 }, "maxDepth"],
      [{ maxDepth: 31 }, "maxDepth"],
      [{ maxDepth: 1.5 }, "maxDepth"],
      [{ maxDepth: Number.NaN }, "maxDepth"],
      [{ maxDepth: "3" as never }, "maxDepth"],
      [{ maxSignatureChecks: 0 }, "maxSignatureChecks"],
      [{ maxSignatureChecks: 10_001 }, "maxSignatureChecks"],
    ];
    for (const [patch, member] of bad) {
      const err = await validateCertificatePath({ ...base, ...patch }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LicenceError);
      expect(err).not.toBeInstanceOf(TypeError);
      expect(err).toMatchObject({ code: "ERR_VALIDATION", details: { member }, issues: [{ path: [member] }] });
    }
    // The bounds themselves are accepted.
    const leaf = await createLeaf(root, "CN=Leaf");
    expectOk(await validate(leaf, [], [root], { maxDepth: 30, maxSignatureChecks: 10_000 }), 2);
  });
});
