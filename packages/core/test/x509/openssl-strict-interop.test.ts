/**
 * Interoperability of the stricter rules with `openssl verify -x509_strict -partial_chain`
 * (OpenSSL 3; `-partial_chain` lets a trust anchor be any listed certificate, as ours does).
 * Each case states our verdict and OpenSSL's; a case that differs does so on purpose.
 *
 * | Class                                        | Ours                            | OpenSSL -x509_strict        | Agree? |
 * |----------------------------------------------|---------------------------------|-----------------------------|--------|
 * | AKI missing: leaf, intermediate, cross root  | MISSING_KEY_IDENTIFIER          | MISSING_AUTHORITY_KEY_ID    | yes    |
 * | AKI missing: pinned anchor, not self-issued  | MISSING_KEY_IDENTIFIER (§4.2.1.1) | accepted (last cert exempt) | no, on purpose |
 * | SKI missing: intermediate, root              | MISSING_KEY_IDENTIFIER          | MISSING_SUBJECT_KEY_ID      | yes    |
 * | AKI / SKI critical                           | CRITICAL_KEY_IDENTIFIER         | unhandled critical extension (3.0) | yes |
 * | basicConstraints not critical: anchor, CA    | BASIC_CONSTRAINTS_NOT_CRITICAL  | CA_BCONS_NOT_CRITICAL       | yes    |
 * | leaf keyCertSign without cA                  | KEY_USAGE                       | KU_KEY_CERT_SIGN_INVALID... | yes    |
 * | leaf RSA 1024 / P-192                        | WEAK_KEY                        | accepted at the default level; refused at -auth_level 2 | yes with -auth_level 2 |
 * | leaf DSA 2048                                | WEAK_KEY (not on the allow-list)| accepted, even -auth_level 2 | no, on purpose |
 * | self-issued intermediate under pathLen       | accepted (§6.1.4 (l))           | accepted                    | yes    |
 * | maxDepth / -verify_depth (intermediates)     | DEPTH_EXCEEDED past the limit   | same count                  | yes    |
 * | directoryName permitted / excluded           | NAME_CONSTRAINTS when violated  | same                        | yes    |
 * | dNSName constraint, leaf without DNS names   | NAME_CONSTRAINTS (unsupported, fail closed) | accepted        | no, on purpose |
 * | name constraints in a non-CA leaf            | NAME_CONSTRAINTS (§4.2.1.10)    | accepted                    | no, on purpose |
 * | issuer without keyUsage                      | accepted (§6.1.4 (n))           | CA_CERT_MISSING_KEY_USAGE   | no, on purpose |
 *
 * OpenSSL is required: the test fails (never skips) without it.
 */
import "reflect-metadata";
import { beforeAll, describe, expect, it } from "vitest";
import { validateCertificatePath } from "../../src/x509/path-validation.js";
import {
  AT,
  CA_KEY_USAGE,
  KU,
  SIGNING_KEY_USAGE,
  type Issued,
  createCa,
  createLeaf,
  createRoot,
  hasOpenssl,
  issue,
  nameConstraints,
  opensslDsaSpki,
  opensslSpki,
  opensslVerify,
} from "./fixtures.js";

interface Case {
  readonly name: string;
  readonly leaf: Issued;
  readonly intermediates: readonly Issued[];
  readonly anchors: readonly Issued[];
  /** Our expected verdict: "ok" or a code. */
  readonly ours: string;
  /** OpenSSL's expected verdict: "ok", or the error text it prints. */
  readonly openssl: "ok" | RegExp;
  readonly maxDepth?: number;
  /** More `openssl verify` arguments for this case. */
  readonly args?: readonly string[];
}

const cases: Case[] = [];

beforeAll(async () => {
  const root = await createRoot("C=CN,O=eLicence Test,CN=Strict Interop Root");
  const ca = await createCa(root, "C=CN,O=eLicence Test,CN=Strict Interop CA");
  const add = (c: Case): void => void cases.push(c);
  add({ name: "baseline", leaf: await createLeaf(ca, "CN=Leaf"), intermediates: [ca], anchors: [root], ours: "ok", openssl: "ok" });

  // RFC 5280 §4.2.1.1 / §4.2.1.2
  add({ name: "leaf without AKI", leaf: await createLeaf(ca, "CN=Leaf", { aki: false }), intermediates: [ca], anchors: [root], ours: "MISSING_KEY_IDENTIFIER", openssl: /Missing Authority Key Identifier/i });
  const noAkiCa = await createCa(root, "CN=No AKI CA", { aki: false });
  add({ name: "intermediate without AKI", leaf: await createLeaf(noAkiCa, "CN=Leaf"), intermediates: [noAkiCa], anchors: [root], ours: "MISSING_KEY_IDENTIFIER", openssl: /Missing Authority Key Identifier/i });
  const rootB = await createRoot("C=CN,O=eLicence Test,CN=Interop Root B");
  const crossBare = await issue({ subject: "C=CN,O=eLicence Test,CN=Interop Root B", key: rootB.key, issuer: root, ca: true, keyUsage: CA_KEY_USAGE, aki: false });
  add({ name: "cross-signed root without AKI", leaf: await createLeaf(rootB, "CN=Leaf"), intermediates: [crossBare], anchors: [root], ours: "MISSING_KEY_IDENTIFIER", openssl: /Missing Authority Key Identifier/i });
  const pinned = await createCa(root, "CN=Pinned No AKI", { aki: false });
  add({ name: "pinned anchor without AKI (differs)", leaf: await createLeaf(pinned, "CN=Leaf"), intermediates: [], anchors: [pinned], ours: "MISSING_KEY_IDENTIFIER", openssl: "ok" });
  const noSkiCa = await createCa(root, "CN=No SKI CA", { ski: false });
  add({ name: "intermediate without SKI", leaf: await createLeaf(noSkiCa, "CN=Leaf", { aki: "0a0b0c" }), intermediates: [noSkiCa], anchors: [root], ours: "MISSING_KEY_IDENTIFIER", openssl: /Missing Subject Key Identifier/i });
  const noSkiRoot = await createRoot("CN=No SKI Root", { ski: false });
  add({ name: "root without SKI", leaf: await createLeaf(noSkiRoot, "CN=Leaf", { aki: "0a0b0c" }), intermediates: [], anchors: [noSkiRoot], ours: "MISSING_KEY_IDENTIFIER", openssl: /Missing Subject Key Identifier/i });
  add({ name: "critical AKI", leaf: await createLeaf(ca, "CN=Leaf", { akiCritical: true }), intermediates: [ca], anchors: [root], ours: "CRITICAL_KEY_IDENTIFIER", openssl: /unhandled critical extension/i });
  const critSki = await createCa(root, "CN=Critical SKI CA", { skiCritical: true });
  add({ name: "critical SKI", leaf: await createLeaf(critSki, "CN=Leaf"), intermediates: [critSki], anchors: [root], ours: "CRITICAL_KEY_IDENTIFIER", openssl: /unhandled critical extension/i });

  // RFC 5280 §4.2.1.9 / §4.2.1.3
  const softRoot = await createRoot("CN=Soft Root", { basicConstraintsCritical: false });
  add({ name: "anchor basicConstraints not critical", leaf: await createLeaf(softRoot, "CN=Leaf"), intermediates: [], anchors: [softRoot], ours: "BASIC_CONSTRAINTS_NOT_CRITICAL", openssl: /Basic Constraints of CA cert not marked critical/i });
  const softCa = await createCa(root, "CN=Soft CA", { basicConstraintsCritical: false });
  add({ name: "intermediate basicConstraints not critical", leaf: await createLeaf(softCa, "CN=Leaf"), intermediates: [softCa], anchors: [root], ours: "BASIC_CONSTRAINTS_NOT_CRITICAL", openssl: /Basic Constraints of CA cert not marked critical/i });
  add({ name: "leaf keyCertSign without cA", leaf: await createLeaf(ca, "CN=Leaf", { keyUsage: SIGNING_KEY_USAGE | KU.keyCertSign }), intermediates: [ca], anchors: [root], ours: "KEY_USAGE", openssl: /keyCertSign invalid for non-CA/i });
  const noKuCa = await createCa(root, "CN=No KU CA", { keyUsage: null });
  add({ name: "issuer without keyUsage (differs)", leaf: await createLeaf(noKuCa, "CN=Leaf"), intermediates: [noKuCa], anchors: [root], ours: "ok", openssl: /does not include key usage/i });

  // Weak keys
  const rsa1024 = await createLeaf(ca, "CN=RSA 1024 Leaf", { spki: opensslSpki(["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]) });
  add({ name: "leaf RSA 1024, -auth_level 2", leaf: rsa1024, intermediates: [ca], anchors: [root], ours: "WEAK_KEY", openssl: /EE certificate key too weak/i, args: ["-auth_level", "2"] });
  const p192 = await createLeaf(ca, "CN=P-192 Leaf", { spki: opensslSpki(["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-192"]) });
  add({ name: "leaf P-192, -auth_level 2", leaf: p192, intermediates: [ca], anchors: [root], ours: "WEAK_KEY", openssl: /EE certificate key too weak/i, args: ["-auth_level", "2"] });
  const dsa = await createLeaf(ca, "CN=DSA Leaf", { spki: opensslDsaSpki(2048) });
  add({ name: "leaf DSA 2048, -auth_level 2 (differs)", leaf: dsa, intermediates: [ca], anchors: [root], ours: "WEAK_KEY", openssl: "ok", args: ["-auth_level", "2"] });

  // RFC 5280 §6.1.4 (l) and depth
  const a = await createCa(root, "CN=ICA Prime", { pathLength: 1 });
  const aSelf = await createCa(a, "CN=ICA Prime", { pathLength: 1 });
  const b = await createCa(aSelf, "CN=ICA Second", { pathLength: 0 });
  const deepLeaf = await createLeaf(b, "CN=Leaf");
  add({ name: "self-issued intermediate under pathLen", leaf: deepLeaf, intermediates: [a, aSelf, b], anchors: [root], ours: "ok", openssl: "ok" });
  add({ name: "3 intermediates, depth 2", leaf: deepLeaf, intermediates: [a, aSelf, b], anchors: [root], ours: "DEPTH_EXCEEDED", openssl: /certificate chain too long/i, maxDepth: 2, args: ["-verify_depth", "2"] });
  add({ name: "3 intermediates, depth 3", leaf: deepLeaf, intermediates: [a, aSelf, b], anchors: [root], ours: "ok", openssl: "ok", maxDepth: 3, args: ["-verify_depth", "3"] });

  // RFC 5280 §4.2.1.10
  const permitting = await createCa(root, "C=CN,O=eLicence Test,CN=Permitting CA", { extra: [nameConstraints({ permitted: ["C=CN,O=Allowed"] })] });
  add({ name: "directoryName permitted, inside", leaf: await createLeaf(permitting, "C=CN,O=Allowed,CN=Leaf"), intermediates: [permitting], anchors: [root], ours: "ok", openssl: "ok" });
  add({ name: "directoryName permitted, outside", leaf: await createLeaf(permitting, "C=CN,O=Other,CN=Leaf"), intermediates: [permitting], anchors: [root], ours: "NAME_CONSTRAINTS", openssl: /permitted subtree violation/i });
  const excluding = await createCa(root, "C=CN,O=eLicence Test,CN=Excluding CA", { extra: [nameConstraints({ excluded: ["C=CN,O=Banned"] })] });
  add({ name: "directoryName excluded", leaf: await createLeaf(excluding, "C=CN,O=Banned,CN=Leaf"), intermediates: [excluding], anchors: [root], ours: "NAME_CONSTRAINTS", openssl: /excluded subtree violation/i });
  const dnsNc = await createCa(root, "C=CN,O=eLicence Test,CN=DNS NC CA", { extra: [nameConstraints({ permitted: [{ dns: "example.com" }] })] });
  add({ name: "dNSName constraint (differs)", leaf: await createLeaf(dnsNc, "C=CN,O=Allowed,CN=Leaf"), intermediates: [dnsNc], anchors: [root], ours: "NAME_CONSTRAINTS", openssl: "ok" });
  add({ name: "name constraints in a non-CA leaf (differs)", leaf: await createLeaf(ca, "C=CN,O=Allowed,CN=Leaf", { extra: [nameConstraints({ permitted: ["C=CN,O=Allowed"] })] }), intermediates: [ca], anchors: [root], ours: "NAME_CONSTRAINTS", openssl: "ok" });
});

describe("agreement with openssl verify -x509_strict -partial_chain", () => {
  it("has OpenSSL to compare with", () => {
    expect(hasOpenssl()).toBe(true);
  });

  it("gives the verdicts of the table in the file header", async () => {
    expect(cases.length).toBeGreaterThan(20);
    const mismatches: string[] = [];
    for (const c of cases) {
      const result = await validateCertificatePath({
        leaf: c.leaf.pem,
        intermediates: c.intermediates.map((i) => i.pem),
        trustAnchors: c.anchors.map((x) => x.pem),
        at: AT,
        ...(c.maxDepth === undefined ? {} : { maxDepth: c.maxDepth }),
      });
      const ours = result.ok ? "ok" : result.code;
      if (ours !== c.ours) mismatches.push(`${c.name}: ours ${ours}, expected ${c.ours}`);
      const openssl = opensslVerify(c.leaf, c.intermediates, c.anchors, AT, ["-partial_chain", ...(c.args ?? [])]);
      const opensslOk = c.openssl === "ok";
      if (openssl.ok !== opensslOk || (!openssl.ok && c.openssl !== "ok" && !c.openssl.test(openssl.output))) {
        mismatches.push(`${c.name}: openssl ${openssl.ok ? "OK" : openssl.output.trim().replace(/\s+/g, " ")}, expected ${String(c.openssl)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
