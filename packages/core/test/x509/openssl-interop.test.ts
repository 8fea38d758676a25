/**
 * Interoperability: our verdict must agree with `openssl verify -x509_strict` on chains where both
 * apply the same rule (OpenSSL does not check leaf key usage or EKU without -purpose, nor LEAF_IS_CA).
 */
import "reflect-metadata";
import { beforeAll, describe, expect, it } from "vitest";
import { validateCertificatePath } from "../../src/x509/path-validation.js";
import {
  AT,
  FUTURE,
  KU,
  PAST,
  type Issued,
  createCa,
  createLeaf,
  createRoot,
  generateKey,
  hasOpenssl,
  opensslVerify,
  unknownExtension,
} from "./fixtures.js";

interface Case {
  readonly name: string;
  readonly leaf: Issued;
  readonly intermediates: readonly Issued[];
  readonly anchors: readonly Issued[];
  /** Our expected verdict: "ok" or a code. */
  readonly expected: string;
}

const cases: Case[] = [];

beforeAll(async () => {
  const root = await createRoot("CN=Interop Root,O=eLicence Test,C=CN");
  const ca = await createCa(root, "CN=Interop CA,O=eLicence Test,C=CN");
  const ca2 = await createCa(ca, "CN=Interop Sub CA,O=eLicence Test,C=CN");
  const add = (c: Case): void => {
    cases.push(c);
  };
  add({ name: "1-level", leaf: await createLeaf(root, "CN=L1"), intermediates: [], anchors: [root], expected: "ok" });
  add({ name: "2-level", leaf: await createLeaf(ca, "CN=L2"), intermediates: [ca], anchors: [root], expected: "ok" });
  add({ name: "3-level unordered", leaf: await createLeaf(ca2, "CN=L3"), intermediates: [ca, ca2], anchors: [root], expected: "ok" });

  const pssRoot = await createRoot("CN=PSS Root", { keyKind: "RSA-PSS" });
  add({ name: "RSA-PSS", leaf: await createLeaf(pssRoot, "CN=PSS Leaf"), intermediates: [], anchors: [pssRoot], expected: "ok" });
  const edRoot = await createRoot("CN=Ed Root", { keyKind: "Ed25519" });
  add({ name: "Ed25519", leaf: await createLeaf(edRoot, "CN=Ed Leaf", { keyKind: "Ed25519" }), intermediates: [], anchors: [edRoot], expected: "ok" });

  const forger = await generateKey();
  add({ name: "bad leaf signature", leaf: await createLeaf(ca, "CN=Forged", { signWith: forger }), intermediates: [ca], anchors: [root], expected: "SIGNATURE_INVALID" });
  const expiredCa = await createCa(root, "CN=Expired CA", PAST);
  add({ name: "expired intermediate", leaf: await createLeaf(expiredCa, "CN=L"), intermediates: [expiredCa], anchors: [root], expected: "EXPIRED" });
  add({ name: "expired leaf", leaf: await createLeaf(ca, "CN=Old", PAST), intermediates: [ca], anchors: [root], expected: "EXPIRED" });
  const expiredRoot = await createRoot("CN=Expired Root", PAST);
  add({ name: "expired anchor", leaf: await createLeaf(expiredRoot, "CN=L"), intermediates: [], anchors: [expiredRoot], expected: "EXPIRED" });
  const notCa = await createCa(root, "CN=Not A CA", { ca: false, keyUsage: KU.digitalSignature });
  add({ name: "intermediate cA=false", leaf: await createLeaf(notCa, "CN=L"), intermediates: [notCa], anchors: [root], expected: "NOT_A_CA" });
  const pl0 = await createCa(root, "CN=PL0", { pathLength: 0 });
  const underPl0 = await createCa(pl0, "CN=Under PL0");
  add({ name: "pathLen 0 exceeded", leaf: await createLeaf(underPl0, "CN=L"), intermediates: [pl0, underPl0], anchors: [root], expected: "PATH_LENGTH_EXCEEDED" });
  add({ name: "pathLen 0 respected", leaf: await createLeaf(pl0, "CN=L"), intermediates: [pl0], anchors: [root], expected: "ok" });
  const noCertSign = await createCa(root, "CN=No CertSign", { keyUsage: KU.cRLSign });
  add({ name: "issuer without keyCertSign", leaf: await createLeaf(noCertSign, "CN=L"), intermediates: [noCertSign], anchors: [root], expected: "KEY_USAGE" });
  add({ name: "unknown critical extension", leaf: await createLeaf(ca, "CN=L", { extra: [unknownExtension(true)] }), intermediates: [ca], anchors: [root], expected: "UNKNOWN_CRITICAL_EXTENSION" });
  add({ name: "name chaining", leaf: await createLeaf(ca, "CN=L", { issuerName: "CN=Someone Else" }), intermediates: [ca], anchors: [root], expected: "NAME_CHAINING" });
  add({ name: "not-yet-valid leaf", leaf: await createLeaf(ca, "CN=Young", FUTURE), intermediates: [ca], anchors: [root], expected: "NOT_YET_VALID" });
  const other = await createRoot("CN=Other Root");
  add({ name: "untrusted root", leaf: await createLeaf(ca, "CN=L"), intermediates: [ca, root], anchors: [other], expected: "PATH_NOT_FOUND" });
});

describe("agreement with openssl verify -x509_strict", () => {
  it("has OpenSSL to compare with (a missing tool fails, never skips)", () => {
    expect(hasOpenssl()).toBe(true);
  });

  it("agrees on every case", async () => {
    expect(cases.length).toBeGreaterThan(10);
    const disagreements: string[] = [];
    for (const c of cases) {
      const ours = await validateCertificatePath({
        leaf: c.leaf.pem,
        intermediates: c.intermediates.map((i) => i.pem),
        trustAnchors: c.anchors.map((a) => a.pem),
        at: AT,
      });
      const verdict = ours.ok ? "ok" : ours.code;
      const openssl = opensslVerify(c.leaf, c.intermediates, c.anchors, AT);
      if (verdict !== c.expected) disagreements.push(`${c.name}: expected ${c.expected}, ours ${verdict}`);
      if ((verdict === "ok") !== openssl.ok) disagreements.push(`${c.name}: ours ${verdict}, openssl ${openssl.ok ? "OK" : openssl.output.trim()}`);
    }
    expect(disagreements).toEqual([]);
  });
});
