import "reflect-metadata";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { backend } from "../../src/crypto/index.js";
import { CertificateCache } from "../../src/x509/cache.js";
import { parseCertificate } from "../../src/x509/certificate.js";
import { encodeBase64 } from "../../src/encoding/base64.js";
import {
  type PathValidationOptions,
  type PathValidationResult,
  PATH_VALIDATION_CODES,
  pathValidityWindow,
  validateCertificatePath,
} from "../../src/x509/path-validation.js";
import {
  AT,
  CA_KEY_USAGE,
  EKU_LICENCE,
  EKU_OTHER,
  FUTURE,
  KU,
  NOT_AFTER,
  PAST,
  type Issued,
  createCa,
  createLeaf,
  createRoot,
  generateKey,
  issue,
  unknownExtension,
} from "./fixtures.js";
import * as x509 from "@peculiar/x509";

type Options = Omit<PathValidationOptions, "leaf" | "trustAnchors" | "at"> & { at?: Date };

function validate(leaf: Issued, intermediates: readonly Issued[], anchors: readonly Issued[], options: Options = {}): Promise<PathValidationResult> {
  return validateCertificatePath({
    leaf: leaf.pem,
    intermediates: intermediates.map((i) => i.pem),
    trustAnchors: anchors.map((a) => a.pem),
    at: AT,
    ...options,
  });
}

function expectOk(result: PathValidationResult, expected: readonly Issued[]): void {
  if (!result.ok) expect.fail(`expected a valid path, got ${result.code} at ${result.index}`);
  expect(result.path.map((c) => c.sha256Hex)).toEqual(expected.map((i) => parseCertificate(i.der).sha256Hex));
}

function expectFail(result: PathValidationResult, code: string, index?: number): void {
  if (result.ok) expect.fail(`expected ${code}, got a valid path`);
  expect(result.code).toBe(code);
  expect(result.reason).toMatch(/\.$/);
  if (index !== undefined) expect(result.index).toBe(index);
}

let root: Issued;
let ca: Issued;
let ca2: Issued;
let leaf1: Issued; // issued by root
let leaf2: Issued; // issued by ca
let leaf3: Issued; // issued by ca2 (root → ca → ca2 → leaf3)

beforeAll(async () => {
  root = await createRoot("CN=Root CA,O=eLicence Test,C=CN");
  ca = await createCa(root, "CN=Issuing CA,O=eLicence Test,C=CN");
  ca2 = await createCa(ca, "CN=Department CA,O=eLicence Test,C=CN");
  leaf1 = await createLeaf(root, "CN=Leaf One,2.5.4.97=USCC-91110000000000001X,O=Tax Bureau,C=CN");
  leaf2 = await createLeaf(ca, "CN=Leaf Two,O=Tax Bureau,C=CN");
  leaf3 = await createLeaf(ca2, "CN=Leaf Three,O=Tax Bureau,C=CN");
});

describe("valid paths", () => {
  it("accepts a 1-level path (leaf issued by the anchor)", async () => {
    expectOk(await validate(leaf1, [], [root]), [leaf1, root]);
  });

  it("accepts a 2-level path", async () => {
    expectOk(await validate(leaf2, [ca], [root]), [leaf2, ca, root]);
  });

  it("accepts a 3-level path", async () => {
    expectOk(await validate(leaf3, [ca, ca2], [root]), [leaf3, ca2, ca, root]);
  });

  it("builds from unordered, redundant and duplicated intermediates", async () => {
    const other = await createRoot("CN=Other Root");
    const otherCa = await createCa(other, "CN=Other CA");
    expectOk(await validate(leaf3, [otherCa, ca2, other, ca, ca2, root, leaf2], [other, root]), [leaf3, ca2, ca, root]);
  });

  it("accepts PEM, base64, DER and parsed certificates alike", async () => {
    const result = await validateCertificatePath({
      leaf: parseCertificate(leaf3.der),
      intermediates: [encodeBase64(ca.der), ca2.der],
      trustAnchors: [root.pem],
      at: AT,
    });
    expectOk(result, [leaf3, ca2, ca, root]);
  });

  it("accepts a chain whose x5c also carries the root", async () => {
    expectOk(await validate(leaf2, [ca, root], [root]), [leaf2, ca, root]);
  });

  it("accepts an RSA-PSS chain (PS256 certificate signatures)", async () => {
    const r = await createRoot("CN=PSS Root", { keyKind: "RSA-PSS" });
    const c = await createCa(r, "CN=PSS CA", { keyKind: "RSA-PSS" });
    const l = await createLeaf(c, "CN=PSS Leaf", { keyKind: "RSA-PSS" });
    expect(parseCertificate(l.der).signatureAlgorithm.name).toBe("RSASSA-PSS");
    expectOk(await validate(l, [c], [r]), [l, c, r]);
  });

  it("accepts an Ed25519 chain", async () => {
    const r = await createRoot("CN=Ed Root", { keyKind: "Ed25519" });
    const l = await createLeaf(r, "CN=Ed Leaf", { keyKind: "Ed25519" });
    expect(parseCertificate(l.der).signatureAlgorithm.name).toBe("Ed25519");
    expectOk(await validate(l, [], [r]), [l, r]);
  });

  it("accepts a P-384 issuer signing with ecdsa-with-SHA384", async () => {
    const r = await createRoot("CN=P384 Root", { keyKind: "P-384" });
    const l = await createLeaf(r, "CN=P384 Leaf");
    expectOk(await validate(l, [], [r]), [l, r]);
  });

  it("matches names case-insensitively across PrintableString and UTF8String", async () => {
    const r = await issue({ subject: [{ CN: [{ printableString: "Acme  Root" }] }, { O: [{ printableString: "Example" }] }], ca: true, keyUsage: CA_KEY_USAGE });
    const l = await createLeaf(r, "CN=Leaf", { issuerName: [{ CN: [{ utf8String: "ACME root" }] }, { O: [{ utf8String: " example " }] }] });
    expect(parseCertificate(l.der).issuerName.der).not.toEqual(parseCertificate(r.der).subjectName.der);
    expectOk(await validate(l, [], [r]), [l, r]);
  });

  it("treats the validity period as inclusive at both ends", async () => {
    expectOk(await validate(leaf2, [ca], [root], { at: NOT_AFTER }), [leaf2, ca, root]);
    expectFail(await validate(leaf2, [ca], [root], { at: new Date(NOT_AFTER.getTime() + 1000) }), "EXPIRED");
  });
});

describe("path building with backtracking", () => {
  it("skips a same-name candidate issuer whose key did not sign (forged SKI listed first)", async () => {
    const decoy = await createCa(root, "CN=Issuing CA,O=eLicence Test,C=CN", { ski: ca.ski });
    expectOk(await validate(leaf2, [decoy, ca], [root]), [leaf2, ca, root]);
    expectFail(await validate(leaf2, [decoy], [root]), "SIGNATURE_INVALID", 0);
  });

  it("backtracks from a cross-certificate that leads to an untrusted root", async () => {
    const untrusted = await createRoot("CN=Untrusted Root");
    const key = await generateKey();
    const viaUntrusted = await createCa(untrusted, "CN=Bridge CA", { key });
    const viaRoot = await createCa(root, "CN=Bridge CA", { key });
    const leaf = await createLeaf(viaRoot, "CN=Bridge Leaf");
    expectOk(await validate(leaf, [viaUntrusted, untrusted, viaRoot], [root]), [leaf, viaRoot, root]);
    expectFail(await validate(leaf, [viaUntrusted, untrusted], [root]), "PATH_NOT_FOUND");
  });

  it("prefers a valid re-issue of an intermediate over an expired one with the same key", async () => {
    const key = await generateKey();
    const old = await createCa(root, "CN=Renewed CA", { key, ...PAST });
    const renewed = await createCa(root, "CN=Renewed CA", { key });
    const leaf = await createLeaf(renewed, "CN=Renewed Leaf");
    expectOk(await validate(leaf, [old, renewed], [root]), [leaf, renewed, root]);
    expectFail(await validate(leaf, [old], [root]), "EXPIRED", 1);
  });

  it("imports each issuer key once, and again only for new certificate objects", async () => {
    const spy = vi.spyOn(backend, "importPublicKey");
    try {
      const cache = new CertificateCache();
      const run = (): Promise<PathValidationResult> =>
        validateCertificatePath({ leaf: leaf3.pem, intermediates: [ca.pem, ca2.pem, ca2.der], trustAnchors: [root.pem], at: AT, cache });
      expectOk(await run(), [leaf3, ca2, ca, root]);
      expect(spy).toHaveBeenCalledTimes(3);
      expectOk(await run(), [leaf3, ca2, ca, root]);
      expect(spy).toHaveBeenCalledTimes(3);
      expectOk(await validate(leaf3, [ca, ca2], [root]), [leaf3, ca2, ca, root]);
      expect(spy).toHaveBeenCalledTimes(6);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("signatures", () => {
  it("rejects a leaf signed by another key under the issuer's name and key identifier", async () => {
    const forger = await generateKey();
    const leaf = await createLeaf(ca, "CN=Forged", { signWith: forger });
    expectFail(await validate(leaf, [ca], [root]), "SIGNATURE_INVALID", 0);
  });

  it("rejects a leaf whose signature bytes were altered", async () => {
    const der = leaf2.der.slice();
    der[der.length - 1]! ^= 0x01;
    const result = await validateCertificatePath({ leaf: der, intermediates: [ca.der], trustAnchors: [root.der], at: AT });
    expectFail(result, "SIGNATURE_INVALID", 0);
  });

  it("rejects an intermediate with a bad signature", async () => {
    const forger = await generateKey();
    const badCa = await createCa(root, "CN=Bad CA", { signWith: forger });
    const leaf = await createLeaf(badCa, "CN=Under Bad CA");
    expectFail(await validate(leaf, [badCa], [root]), "SIGNATURE_INVALID", 1);
  });

  it("reports ALGORITHM_UNSUPPORTED for ecdsa-with-SHA384 under a P-256 key", async () => {
    const leaf = await createLeaf(ca, "CN=Odd Hash", { signingAlgorithm: { name: "ECDSA", hash: "SHA-384" } as EcdsaParams });
    expectFail(await validate(leaf, [ca], [root]), "ALGORITHM_UNSUPPORTED", 0);
  });
});

describe("validity at `at`", () => {
  it.each([
    ["leaf", "EXPIRED", PAST, 0],
    ["leaf", "NOT_YET_VALID", FUTURE, 0],
    ["intermediate", "EXPIRED", PAST, 1],
    ["intermediate", "NOT_YET_VALID", FUTURE, 1],
    ["anchor", "EXPIRED", PAST, 2],
    ["anchor", "NOT_YET_VALID", FUTURE, 2],
  ] as const)("rejects a %s that is %s", async (which, code, period, index) => {
    const r = which === "anchor" ? await createRoot("CN=Timed Root", period) : root;
    const c = await createCa(r, "CN=Timed CA", which === "intermediate" ? period : {});
    const l = await createLeaf(c, "CN=Timed Leaf", which === "leaf" ? period : {});
    expectFail(await validate(l, [c], [r]), code, index);
    // The same path is valid at a time inside every period.
    const inside = new Date((period.notBefore.getTime() + period.notAfter.getTime()) / 2);
    if (inside >= new Date("2024-01-01")) expectOk(await validate(l, [c], [r], { at: inside }), [l, c, r]);
  });
});

describe("basic constraints", () => {
  it("rejects an intermediate without basicConstraints", async () => {
    const c = await createCa(root, "CN=No BC", { ca: null });
    const l = await createLeaf(c, "CN=Leaf");
    expectFail(await validate(l, [c], [root]), "NOT_A_CA", 1);
  });

  it("rejects an intermediate with cA=false", async () => {
    const c = await createCa(root, "CN=Not CA", { ca: false, keyUsage: KU.digitalSignature });
    const l = await createLeaf(c, "CN=Leaf");
    expectFail(await validate(l, [c], [root]), "NOT_A_CA", 1);
  });

  it("rejects an anchor that is not a CA", async () => {
    const r = await createRoot("CN=Plain Root", { ca: false, keyUsage: KU.digitalSignature | KU.keyCertSign });
    const l = await createLeaf(r, "CN=Leaf");
    expectFail(await validate(l, [], [r]), "NOT_A_CA", 1);
  });
});

describe("path length", () => {
  it("rejects a CA below an intermediate with pathLenConstraint 0", async () => {
    const c0 = await createCa(root, "CN=PL0 CA", { pathLength: 0 });
    const c1 = await createCa(c0, "CN=Below PL0");
    const l = await createLeaf(c1, "CN=Leaf");
    expectFail(await validate(l, [c0, c1], [root]), "PATH_LENGTH_EXCEEDED", 1);
  });

  it("accepts a leaf directly below pathLenConstraint 0", async () => {
    const c0 = await createCa(root, "CN=PL0 CA", { pathLength: 0 });
    const l = await createLeaf(c0, "CN=Leaf");
    expectOk(await validate(l, [c0], [root]), [l, c0, root]);
  });

  it("honours the anchor's pathLenConstraint", async () => {
    const r0 = await createRoot("CN=PL0 Root", { pathLength: 0 });
    const c = await createCa(r0, "CN=Under PL0 Root");
    const l = await createLeaf(c, "CN=Leaf");
    expectFail(await validate(l, [c], [r0]), "PATH_LENGTH_EXCEEDED", 1);
    const r1 = await createRoot("CN=PL1 Root", { pathLength: 1 });
    const c1 = await createCa(r1, "CN=Under PL1 Root");
    const l1 = await createLeaf(c1, "CN=Leaf");
    expectOk(await validate(l1, [c1], [r1]), [l1, c1, r1]);
  });

  it("does not count a self-issued intermediate (key rollover) against pathLenConstraint", async () => {
    const c0 = await createCa(root, "CN=Rollover CA", { pathLength: 0 });
    const rolled = await createCa(c0, "CN=Rollover CA"); // same name, new key: self-issued
    const l = await createLeaf(rolled, "CN=Leaf");
    expect(parseCertificate(rolled.der).selfIssued).toBe(true);
    expectOk(await validate(l, [rolled, c0], [root]), [l, rolled, c0, root]);
    const renamed = await createCa(c0, "CN=Another CA"); // not self-issued: counts
    const l2 = await createLeaf(renamed, "CN=Leaf");
    expectFail(await validate(l2, [renamed, c0], [root]), "PATH_LENGTH_EXCEEDED", 1);
  });
});

describe("key usage", () => {
  it("rejects an issuer whose keyUsage lacks keyCertSign", async () => {
    const c = await createCa(root, "CN=No CertSign", { keyUsage: KU.cRLSign | KU.digitalSignature });
    const l = await createLeaf(c, "CN=Leaf");
    expectFail(await validate(l, [c], [root]), "KEY_USAGE", 1);
  });

  it("rejects an anchor whose keyUsage lacks keyCertSign", async () => {
    const r = await createRoot("CN=No CertSign Root", { keyUsage: KU.cRLSign });
    const l = await createLeaf(r, "CN=Leaf");
    expectFail(await validate(l, [], [r]), "KEY_USAGE", 1);
  });

  it("accepts an issuer without a keyUsage extension", async () => {
    const c = await createCa(root, "CN=No KU CA", { keyUsage: null });
    const l = await createLeaf(c, "CN=Leaf");
    expectOk(await validate(l, [c], [root]), [l, c, root]);
  });

  it("requires the leaf key usages the caller asks for", async () => {
    const signing = ["digitalSignature", "nonRepudiation"] as const;
    expectOk(await validate(leaf2, [ca], [root], { keyUsage: signing }), [leaf2, ca, root]);
    const dsOnly = await createLeaf(ca, "CN=DS Only", { keyUsage: KU.digitalSignature });
    expectFail(await validate(dsOnly, [ca], [root], { keyUsage: signing }), "KEY_USAGE", 0);
    expectOk(await validate(dsOnly, [ca], [root]), [dsOnly, ca, root]);
  });

  it("rejects a leaf without keyUsage when usages are required", async () => {
    const noKu = await createLeaf(ca, "CN=No KU", { keyUsage: null });
    expectFail(await validate(noKu, [ca], [root], { keyUsage: ["digitalSignature"] }), "KEY_USAGE", 0);
  });
});

describe("extended key usage", () => {
  it("accepts a leaf carrying the required purpose", async () => {
    const l = await createLeaf(ca, "CN=EKU", { extendedKeyUsage: [EKU_OTHER, EKU_LICENCE] });
    expectOk(await validate(l, [ca], [root], { extendedKeyUsage: [EKU_LICENCE] }), [l, ca, root]);
  });

  it("rejects a leaf with other purposes only", async () => {
    const l = await createLeaf(ca, "CN=EKU", { extendedKeyUsage: [EKU_OTHER] });
    expectFail(await validate(l, [ca], [root], { extendedKeyUsage: [EKU_LICENCE] }), "EXTENDED_KEY_USAGE", 0);
  });

  it("rejects a leaf without the extension, and anyExtendedKeyUsage", async () => {
    expectFail(await validate(leaf2, [ca], [root], { extendedKeyUsage: [EKU_LICENCE] }), "EXTENDED_KEY_USAGE", 0);
    const any = await createLeaf(ca, "CN=Any EKU", { extendedKeyUsage: ["2.5.29.37.0"] });
    expectFail(await validate(any, [ca], [root], { extendedKeyUsage: [EKU_LICENCE] }), "EXTENDED_KEY_USAGE", 0);
  });
});

describe("critical extensions", () => {
  it("rejects an unknown critical extension on the leaf", async () => {
    const l = await createLeaf(ca, "CN=Leaf", { extra: [unknownExtension(true)] });
    expectFail(await validate(l, [ca], [root]), "UNKNOWN_CRITICAL_EXTENSION", 0);
  });

  it("rejects an unknown critical extension on an intermediate", async () => {
    const c = await createCa(root, "CN=Odd CA", { extra: [unknownExtension(true)] });
    const l = await createLeaf(c, "CN=Leaf");
    expectFail(await validate(l, [c], [root]), "UNKNOWN_CRITICAL_EXTENSION", 1);
  });

  it("ignores an unknown non-critical extension", async () => {
    const l = await createLeaf(ca, "CN=Leaf", { extra: [unknownExtension(false)] });
    expectOk(await validate(l, [ca], [root]), [l, ca, root]);
  });

  it("rejects critical dNSName nameConstraints (an unsupported form) and accepts critical certificatePolicies", async () => {
    // nameConstraints: SEQUENCE { permittedSubtrees [0] { GeneralSubtree { dNSName "example.cn" } } }
    const nc = new x509.Extension("2.5.29.30", true, new Uint8Array([0x30, 0x10, 0xa0, 0x0e, 0x30, 0x0c, 0x82, 0x0a, ...new TextEncoder().encode("example.cn")]));
    const c = await createCa(root, "CN=NC CA", { extra: [nc] });
    const l = await createLeaf(c, "CN=Leaf");
    expectFail(await validate(l, [c], [root]), "NAME_CONSTRAINTS", 1);
    const policies = new x509.CertificatePolicyExtension(["1.3.6.1.4.1.55555.2.1"], true);
    const p = await createLeaf(ca, "CN=Policy Leaf", { extra: [policies] });
    expect(parseCertificate(p.der).certificatePolicies).toEqual(["1.3.6.1.4.1.55555.2.1"]);
    expectOk(await validate(p, [ca], [root]), [p, ca, root]);
  });
});

describe("leaf rules", () => {
  it("rejects a CA leaf unless the caller opts in", async () => {
    const l = await createLeaf(ca, "CN=CA Leaf", { ca: true, keyUsage: CA_KEY_USAGE | KU.digitalSignature });
    expectFail(await validate(l, [ca], [root]), "LEAF_IS_CA", 0);
    expectOk(await validate(l, [ca], [root], { allowCaLeaf: true }), [l, ca, root]);
  });

  it("rejects a leaf that is itself a trust anchor", async () => {
    expectFail(await validate(root, [], [root]), "LEAF_IS_TRUST_ANCHOR", 0);
    expectFail(await validate(ca, [], [ca, root]), "LEAF_IS_TRUST_ANCHOR", 0);
  });

  it("rejects a self-signed leaf that is not an anchor", async () => {
    const self = await issue({ subject: "CN=Self Signed Leaf", keyUsage: KU.digitalSignature });
    expectFail(await validate(self, [self], [root]), "PATH_NOT_FOUND");
  });
});

describe("name chaining", () => {
  it("rejects a leaf whose issuer name differs though the issuer's key signed it", async () => {
    const l = await createLeaf(ca, "CN=Leaf", { issuerName: "CN=Someone Else,O=eLicence Test,C=CN" });
    expectFail(await validate(l, [ca], [root]), "NAME_CHAINING", 0);
  });

  it("gives PATH_NOT_FOUND when neither name nor key identifier leads anywhere", async () => {
    const l = await createLeaf(ca, "CN=Leaf", { issuerName: "CN=Someone Else", aki: false });
    expectFail(await validate(l, [ca], [root]), "PATH_NOT_FOUND");
  });
});

describe("untrusted and unbounded inputs", () => {
  it("rejects a complete chain to a root that is not an anchor", async () => {
    const other = await createRoot("CN=Other Root");
    expectFail(await validate(leaf3, [ca, ca2, root], [other]), "PATH_NOT_FOUND");
    expectFail(await validate(leaf3, [ca, ca2, root], []), "PATH_NOT_FOUND");
  });

  it("terminates fast on two CAs that certify each other (no anchor)", async () => {
    const ka = await generateKey();
    const kb = await generateKey();
    const selfA = await issue({ subject: "CN=Loop A", key: ka, ca: true, keyUsage: CA_KEY_USAGE });
    const selfB = await issue({ subject: "CN=Loop B", key: kb, ca: true, keyUsage: CA_KEY_USAGE });
    const aByB = await createCa(selfB, "CN=Loop A", { key: ka });
    const bByA = await createCa(selfA, "CN=Loop B", { key: kb });
    const l = await createLeaf(aByB, "CN=Loop Leaf");
    const start = performance.now();
    expectFail(await validate(l, [aByB, bByA], [root]), "PATH_NOT_FOUND");
    expect(performance.now() - start).toBeLessThan(10_000); // a hang guard, not a timing claim (performance lives in bench/)
  });

  it("terminates fast on a three-CA loop with duplicates (no anchor)", async () => {
    const keys = [await generateKey(), await generateKey(), await generateKey()];
    const names = ["CN=Ring 0", "CN=Ring 1", "CN=Ring 2"];
    const selfs = await Promise.all(keys.map((key, i) => issue({ subject: names[i]!, key, ca: true, keyUsage: CA_KEY_USAGE })));
    const ring: Issued[] = [];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) if (i !== j) ring.push(await createCa(selfs[j]!, names[i]!, { key: keys[i] }));
    }
    const l = await createLeaf(ring[0]!, "CN=Ring Leaf");
    const start = performance.now();
    const result = await validate(l, [...ring, ...ring], [root]);
    expect(["PATH_NOT_FOUND", "WORK_LIMIT_EXCEEDED"]).toContain(result.ok ? "ok" : result.code);
    expect(performance.now() - start).toBeLessThan(10_000); // a hang guard, not a timing claim (performance lives in bench/)
  });

  it("never revisits a CA (same name and key) through a re-issued certificate", async () => {
    const ka = await generateKey();
    const kb = await generateKey();
    const selfA = await issue({ subject: "CN=Reissue A", key: ka, ca: true, keyUsage: CA_KEY_USAGE });
    const selfB = await issue({ subject: "CN=Reissue B", key: kb, ca: true, keyUsage: CA_KEY_USAGE });
    const pool: Issued[] = [];
    for (let i = 0; i < 4; i++) {
      pool.push(await createCa(selfB, "CN=Reissue A", { key: ka }));
      pool.push(await createCa(selfA, "CN=Reissue B", { key: kb }));
    }
    const l = await createLeaf(pool[0]!, "CN=Reissue Leaf");
    // Revisiting A and B through their other certificates would only end at the depth limit.
    expectFail(await validate(l, pool, [root]), "PATH_NOT_FOUND");
  });

  it("stops at maxSignatureChecks with WORK_LIMIT_EXCEEDED", async () => {
    const decoys: Issued[] = [];
    const decoyKey = await generateKey();
    for (let i = 0; i < 120; i++) decoys.push(await createCa(root, "CN=Issuing CA,O=eLicence Test,C=CN", { key: decoyKey, ski: ca.ski }));
    const start = performance.now();
    expectFail(await validate(leaf2, [...decoys, ca], [root]), "WORK_LIMIT_EXCEEDED");
    expect(performance.now() - start).toBeLessThan(10_000); // a hang guard, not a timing claim (performance lives in bench/)
    // With a higher limit the genuine issuer is found after the decoys.
    expectOk(await validate(leaf2, [...decoys, ca], [root], { maxSignatureChecks: 200 }), [leaf2, ca, root]);
  });

  it("refuses more than 256 intermediates before parsing them", async () => {
    const result = await validateCertificatePath({ leaf: leaf2.pem, intermediates: Array(257).fill("garbage"), trustAnchors: [root.pem], at: AT });
    expectFail(result, "WORK_LIMIT_EXCEEDED");
  });

  it("enforces maxDepth", async () => {
    let issuer = root;
    const chain: Issued[] = [];
    for (let i = 0; i < 7; i++) {
      issuer = await createCa(issuer, `CN=Depth ${i}`);
      chain.push(issuer);
    }
    const l = await createLeaf(issuer, "CN=Deep Leaf");
    expectFail(await validate(l, chain, [root]), "DEPTH_EXCEEDED"); // 7 intermediates > 6 (the default)
    const ok = await validate(l, chain, [root], { maxDepth: 7 });
    expect(ok.ok && ok.path.length).toBe(9);
  });
});

describe("malformed input", () => {
  it("reports MALFORMED with the offending input", async () => {
    const garbage = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    const base = { leaf: leaf2.pem, intermediates: [ca.pem], trustAnchors: [root.pem], at: AT };
    const cases: [Partial<PathValidationOptions>, string][] = [
      [{ leaf: garbage }, "leaf"],
      [{ leaf: leaf2.der.subarray(0, 100) }, "leaf"],
      [{ intermediates: [ca.pem, "not base64!"] }, "intermediates[1]"],
      [{ trustAnchors: [new Uint8Array(70_000)] }, "trustAnchors[0]"],
    ];
    for (const [patch, input] of cases) {
      const result = await validateCertificatePath({ ...base, ...patch });
      expectFail(result, "MALFORMED");
      expect(!result.ok && result.input).toBe(input);
    }
  });

  it("throws TypeError for API misuse", async () => {
    const base = { leaf: leaf2.pem, trustAnchors: [root.pem], at: AT };
    await expect(validateCertificatePath({ ...base, at: undefined as unknown as Date })).rejects.toThrow(TypeError);
    await expect(validateCertificatePath({ ...base, at: new Date(Number.NaN) })).rejects.toThrow(TypeError);
    await expect(validateCertificatePath({ ...base, keyUsage: ["signing" as never] })).rejects.toThrow(TypeError);
    await expect(validateCertificatePath({ ...base, extendedKeyUsage: ["serverAuth"] })).rejects.toThrow(TypeError);
    await expect(validateCertificatePath({ ...base, leaf: 42 as never })).rejects.toThrow(TypeError);
    await expect(validateCertificatePath({ ...base, leaf: { subject: "CN=Fake" } as never })).rejects.toThrow(TypeError);
  });

  it("never throws on mutated certificates", async () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const der = leaf2.der.slice();
      for (let k = 0, flips = 1 + rand(3); k < flips; k++) der[rand(der.length)]! ^= 1 << rand(8);
      const result = await validateCertificatePath({ leaf: der, intermediates: [ca.der], trustAnchors: [root.der], at: AT });
      expect(PATH_VALIDATION_CODES).toContain(result.ok ? "MALFORMED" : result.code);
      seen.add(result.ok ? "ok" : result.code);
    }
    expect(seen.has("MALFORMED")).toBe(true);
    expect(seen.has("SIGNATURE_INVALID")).toBe(true);
  });
});

describe("helpers", () => {
  it("pathValidityWindow intersects the validity periods", async () => {
    const late = await createCa(root, "CN=Late CA", { notBefore: new Date("2024-06-01T00:00:00Z"), notAfter: new Date("2029-01-01T00:00:00Z") });
    const l = await createLeaf(late, "CN=Leaf", { notBefore: new Date("2024-03-01T00:00:00Z"), notAfter: new Date("2026-01-01T00:00:00Z") });
    const result = await validate(l, [late], [root]);
    if (!result.ok) expect.fail(result.code);
    expect(pathValidityWindow(result.path)).toEqual({ notBefore: new Date("2024-06-01T00:00:00Z"), notAfter: new Date("2026-01-01T00:00:00Z") });
    expect(() => pathValidityWindow([])).toThrow(TypeError);
  });

  it("parses inputs through a supplied cache", async () => {
    const cache = new CertificateCache();
    const first = await validateCertificatePath({ leaf: leaf2.pem, intermediates: [ca.pem], trustAnchors: [root.pem], at: AT, cache });
    const second = await validateCertificatePath({ leaf: leaf2.der, intermediates: [ca.der], trustAnchors: [root.der], at: AT, cache });
    expect(cache.size).toBe(3);
    expect(first.ok && second.ok && first.path[0] === second.path[0]).toBe(true);
  });

  it("returns frozen results", async () => {
    const result = await validate(leaf2, [ca], [root]);
    expect(Object.isFrozen(result)).toBe(true);
    expect(result.ok && Object.isFrozen(result.path)).toBe(true);
  });
});
