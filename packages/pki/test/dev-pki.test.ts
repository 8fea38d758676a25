import "reflect-metadata";
import { createHash } from "node:crypto";
import * as asn1js from "asn1js";
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
} from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDepartmentCertificate,
  createIssuingCa,
  createRootCa,
  createServiceCertificate,
  ELICENCE_KEY_PURPOSES,
  type DevPkiCertificate,
} from "../src/index.js";
import { LicenceError, type JwsAlgorithm } from "@elicence/core";
import { decryptPrivateKey, encryptPrivateKey } from "@elicence/core/keys";
import { validateCertificatePath } from "@elicence/core/x509";
// Both crypto backends sign with a dev-PKI key; they are core internals, so reached by path (tests only).
import { backend as nodeBackend } from "../../core/src/crypto/backend-node.js";
import { backend as webBackend } from "../../core/src/crypto/backend-web.js";
// The openssl scratch helper is core's test support (its key-storage tests use it too).
import { scratch, type Scratch } from "../../core/test/support/openssl.js";

const NOT_BEFORE = new Date("2025-01-01T00:00:00.000Z");
const DEPARTMENT = { name: "厦门市市场监督管理局", uscc: "11350200MB0351234X" };

let tmp: Scratch;
let root: DevPkiCertificate;
let ca: DevPkiCertificate;
const departments = new Map<JwsAlgorithm, DevPkiCertificate>();

function parse(cert: DevPkiCertificate): X509Certificate {
  return new X509Certificate(new Uint8Array(cert.certificateDer));
}

/** SHA-1 of the subjectPublicKey BIT STRING's bits (RFC 5280 §4.2.1.2 method 1), computed independently. */
function expectedKeyId(cert: X509Certificate): string {
  const spki = asn1js.fromBER(new Uint8Array(cert.publicKey.rawData)).result as asn1js.Sequence;
  const bits = spki.valueBlock.value[1] as asn1js.BitString;
  return createHash("sha1").update(bits.valueBlock.valueHexView).digest("hex");
}

function text(cert: DevPkiCertificate, name: string): string {
  const r = tmp.openssl(["x509", "-in", tmp.write(`${name}.pem`, cert.certificatePem), "-text", "-noout"]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.toString("utf8");
}

function verify(leaf: DevPkiCertificate, chain: DevPkiCertificate[], name: string, extra: string[] = []): string {
  const args = ["verify", "-x509_strict", ...extra, "-CAfile", tmp.write(`${name}-root.pem`, root.certificatePem)];
  if (chain.length) args.push("-untrusted", tmp.write(`${name}-chain.pem`, chain.map((c) => c.certificatePem).join("")));
  const r = tmp.openssl([...args, tmp.write(`${name}-leaf.pem`, leaf.certificatePem)]);
  return `${r.stdout.toString("utf8")}${r.stderr}`.trim();
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof LicenceError ? err.code : `${(err as Error).name}`;
  }
  return "(resolved)";
}

beforeAll(async () => {
  tmp = scratch();
  root = await createRootCa({ commonName: "eLicence Dev Root CA", organizationName: "eLicence 开发", notBefore: NOT_BEFORE, pathLength: 1 });
  ca = await createIssuingCa({ issuer: root, commonName: "eLicence Dev Issuing CA", notBefore: NOT_BEFORE });
  for (const alg of ["ES256", "EdDSA", "PS256"] as const) {
    departments.set(alg, await createDepartmentCertificate({ issuer: ca, department: DEPARTMENT, alg, notBefore: NOT_BEFORE }));
  }
});
afterAll(() => tmp.remove());

describe("createRootCa", () => {
  it("is self-signed, a critical CA with keyCertSign + cRLSign, with matching key identifiers", async () => {
    const cert = parse(root);
    expect(cert.subject).toBe(cert.issuer);
    expect(cert.subjectName.getField("CN")).toEqual(["eLicence Dev Root CA"]);
    expect(cert.subjectName.getField("O")).toEqual(["eLicence 开发"]);
    expect(cert.subjectName.getField("C")).toEqual(["CN"]);
    expect(await cert.isSelfSigned()).toBe(true);
    const bc = cert.getExtension(BasicConstraintsExtension)!;
    expect([bc.critical, bc.ca, bc.pathLength]).toEqual([true, true, 1]);
    const ku = cert.getExtension(KeyUsagesExtension)!;
    expect([ku.critical, ku.usages]).toEqual([true, KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign]);
    const ski = cert.getExtension(SubjectKeyIdentifierExtension)!.keyId;
    expect(ski).toBe(expectedKeyId(cert));
    expect(cert.getExtension(AuthorityKeyIdentifierExtension)!.keyId).toBe(ski);
    expect(cert.notBefore).toEqual(NOT_BEFORE);
    expect(cert.notAfter).toEqual(new Date("2035-01-01T00:00:00Z"));
    expect(root.alg).toBe("ES256");

    const out = text(root, "root");
    expect(out).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    expect(out).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(out).toContain("ecdsa-with-SHA256");
    expect(verify(root, [], "root-self")).toMatch(/: OK$/);
  });

  it("has no path length constraint unless asked", async () => {
    const other = await createRootCa({ commonName: "Root", notBefore: NOT_BEFORE, alg: "EdDSA" });
    expect(parse(other).getExtension(BasicConstraintsExtension)!.pathLength).toBeUndefined();
  });
});

describe("createIssuingCa", () => {
  it("is a CA with pathLen 0 whose AKI is the root's SKI", () => {
    const cert = parse(ca);
    const bc = cert.getExtension(BasicConstraintsExtension)!;
    expect([bc.critical, bc.ca, bc.pathLength]).toEqual([true, true, 0]);
    expect(cert.getExtension(KeyUsagesExtension)!.usages).toBe(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign);
    expect(cert.getExtension(AuthorityKeyIdentifierExtension)!.keyId).toBe(parse(root).getExtension(SubjectKeyIdentifierExtension)!.keyId);
    expect(cert.issuer).toBe(parse(root).subject);
    expect(cert.notAfter).toEqual(new Date("2030-01-01T00:00:00Z"));
    expect(verify(ca, [], "ca")).toMatch(/: OK$/);
  });
});

describe.each(["ES256", "EdDSA", "PS256"] as const)("createDepartmentCertificate (%s)", (alg) => {
  const dept = (): DevPkiCertificate => departments.get(alg)!;

  it("names the department: C=CN, O and CN = name, organizationIdentifier = USCC", () => {
    const cert = parse(dept());
    expect(cert.subjectName.getField("2.5.4.97")).toEqual([DEPARTMENT.uscc]);
    expect(cert.subjectName.getField("CN")).toEqual([DEPARTMENT.name]);
    expect(cert.subjectName.getField("O")).toEqual([DEPARTMENT.name]);
    expect(cert.subjectName.getField("C")).toEqual(["CN"]);
    expect(cert.issuer).toBe(parse(ca).subject);
  });

  it("is an end entity with critical digitalSignature + nonRepudiation and matching key identifiers", () => {
    const cert = parse(dept());
    const bc = cert.getExtension(BasicConstraintsExtension)!;
    expect([bc.critical, bc.ca]).toEqual([true, false]);
    const ku = cert.getExtension(KeyUsagesExtension)!;
    expect([ku.critical, ku.usages]).toEqual([true, KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation]);
    expect(cert.getExtension(SubjectKeyIdentifierExtension)!.keyId).toBe(expectedKeyId(cert));
    expect(cert.getExtension(AuthorityKeyIdentifierExtension)!.keyId).toBe(parse(ca).getExtension(SubjectKeyIdentifierExtension)!.keyId);
    expect(cert.getExtension(ExtendedKeyUsageExtension)).toBeNull();
    expect(cert.notAfter).toEqual(new Date("2027-01-01T00:00:00Z"));
    expect(dept().alg).toBe(alg);
  });

  it("reads as intended with openssl x509 -text", () => {
    const out = text(dept(), `dept-${alg}`);
    expect(out).toContain(`organizationIdentifier = ${DEPARTMENT.uscc}`);
    expect(out).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(out).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(out).toContain("X509v3 Subject Key Identifier");
    expect(out).toContain("X509v3 Authority Key Identifier");
    const keyType = { ES256: "id-ecPublicKey", EdDSA: "ED25519", PS256: "rsaEncryption" }[alg];
    expect(out).toContain(`Public Key Algorithm: ${keyType}`);
    if (alg === "PS256") expect(out).toContain("Public-Key: (3072 bit)");
    if (alg === "ES256") expect(out).toContain("NIST CURVE: P-256");
  });

  it("passes core's strict path validation (RFC 5280 §4.2 profile: key identifiers, critical basicConstraints, allowed keys)", async () => {
    const result = await validateCertificatePath({
      leaf: dept().certificatePem,
      intermediates: [ca.certificatePem],
      trustAnchors: [root.certificatePem],
      at: new Date("2025-06-01T00:00:00Z"),
      keyUsage: ["digitalSignature", "nonRepudiation"],
    });
    expect(result.ok ? "ok" : result.code).toBe("ok");
  });

  it("verifies with openssl verify -x509_strict through the issuing CA", () => {
    expect(verify(dept(), [ca], `dept-${alg}`)).toMatch(/: OK$/);
    // …and not without it.
    expect(verify(dept(), [], `dept-${alg}-alone`)).not.toMatch(/: OK$/);
  });

  it.each([nodeBackend, webBackend])("signs with the department key, verifiably with the certificate's public key ($name backend)", async (backend) => {
    const data = new TextEncoder().encode("licence payload");
    const privateKey = await backend.importPrivateKey(dept().privateKeyPkcs8, alg);
    const publicKey = await backend.importPublicKey(new Uint8Array(parse(dept()).publicKey.rawData), alg);
    const signature = await backend.sign(privateKey, data);
    expect(await backend.verify(publicKey, data, signature)).toBe(true);
    expect(await backend.verify(publicKey, new TextEncoder().encode("other payload"), signature)).toBe(false);
  });
});

describe("department certificates, more", () => {
  it("verifies in a two-level chain too (signed by the root), with ES384 and EdDSA issuers", async () => {
    const direct = await createDepartmentCertificate({ issuer: root, department: DEPARTMENT, notBefore: NOT_BEFORE });
    expect(verify(direct, [], "direct")).toMatch(/: OK$/);
    const edRoot = await createRootCa({ commonName: "Ed Root", notBefore: NOT_BEFORE, alg: "EdDSA" });
    const es384Ca = await createIssuingCa({ issuer: edRoot, commonName: "P-384 CA", notBefore: NOT_BEFORE, alg: "ES384" });
    const leaf = await createDepartmentCertificate({ issuer: es384Ca, department: DEPARTMENT, notBefore: NOT_BEFORE, alg: "ES256" });
    expect(text(leaf, "leaf384")).toContain("ecdsa-with-SHA384");
    const files = [tmp.write("ed-root.pem", edRoot.certificatePem), tmp.write("p384-ca.pem", es384Ca.certificatePem), tmp.write("leaf384.pem", leaf.certificatePem)];
    const r = tmp.openssl(["verify", "-x509_strict", "-CAfile", files[0]!, "-untrusted", files[1]!, files[2]!]);
    expect(r.stdout.toString()).toMatch(/: OK$/m);
  });

  it("signs with RSASSA-PSS (SHA-256, salt 32) under a PS256 CA", async () => {
    const rsaRoot = await createRootCa({ commonName: "RSA Root", notBefore: NOT_BEFORE, alg: "PS256" });
    const leaf = await createDepartmentCertificate({ issuer: rsaRoot, department: DEPARTMENT, notBefore: NOT_BEFORE, alg: "EdDSA" });
    const out = text(leaf, "pss-leaf");
    expect(out).toMatch(/Signature Algorithm: rsassaPss[\s\S]*Hash Algorithm: sha256[\s\S]*Salt Length: 0x20/);
    const files = [tmp.write("rsa-root.pem", rsaRoot.certificatePem), tmp.write("pss-leaf.pem", leaf.certificatePem)];
    expect(tmp.openssl(["verify", "-x509_strict", "-CAfile", files[0]!, files[1]!]).stdout.toString()).toMatch(/: OK$/m);
  });

  it("gives different serial numbers and keys on every call; serials are positive and 16 bytes long", async () => {
    const first = departments.get("ES256")!;
    const second = await createDepartmentCertificate({ issuer: ca, department: DEPARTMENT, notBefore: NOT_BEFORE });
    const [a, b] = [parse(first), parse(second)];
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(new Uint8Array(a.publicKey.rawData)).not.toEqual(new Uint8Array(b.publicKey.rawData));
    expect(first.privateKeyPkcs8).not.toEqual(second.privateKeyPkcs8);
    for (const cert of [a, b, parse(root), parse(ca)]) {
      expect(cert.serialNumber).toMatch(/^[0-7][0-9a-f]{31}$/);
      expect(cert.serialNumber.slice(0, 2)).not.toBe("00");
    }
  });

  it("encodes the DN as PrintableString (C, organizationIdentifier) and UTF8String (O, CN), in DER", () => {
    const r = tmp.openssl(["asn1parse", "-inform", "DER", "-in", tmp.write("dept.der", departments.get("ES256")!.certificateDer)]);
    const out = r.stdout.toString("utf8");
    expect(out).toMatch(/:countryName\s*\n.*PRINTABLESTRING\s*:CN/);
    expect(out).toMatch(new RegExp(`:organizationIdentifier\\s*\\n.*PRINTABLESTRING\\s*:${DEPARTMENT.uscc}`));
    expect(out).toMatch(/:commonName\s*\n.*UTF8STRING/);
    expect(out).toMatch(/:organizationName\s*\n.*UTF8STRING/);
    // basicConstraints cA=false is the DEFAULT, so DER leaves it out: an empty SEQUENCE (30 00).
    expect(out).toMatch(/:X509v3 Basic Constraints\s*\n.*BOOLEAN\s*:255\s*\n.*OCTET STRING\s*\[HEX DUMP\]:3000\n/);
    // keyUsage digitalSignature + nonRepudiation: BIT STRING with 6 unused bits (03 02 06 C0).
    expect(out).toMatch(/:X509v3 Key Usage\s*\n.*BOOLEAN\s*:255\s*\n.*OCTET STRING\s*\[HEX DUMP\]:030206C0\n/);
  });

  it("keeps times to the second, and uses GeneralizedTime from 2050", async () => {
    const late = await createDepartmentCertificate({
      issuer: root,
      department: DEPARTMENT,
      notBefore: new Date("2025-06-01T12:34:56.789Z"),
      notAfter: new Date("2051-01-01T00:00:00.500Z"),
    });
    const cert = parse(late);
    expect(cert.notBefore).toEqual(new Date("2025-06-01T12:34:56Z"));
    expect(cert.notAfter).toEqual(new Date("2051-01-01T00:00:00Z"));
    const out = tmp.openssl(["asn1parse", "-inform", "DER", "-in", tmp.write("late.der", late.certificateDer)]).stdout.toString();
    expect(out).toContain("UTCTIME           :250601123456Z");
    expect(out).toContain("GENERALIZEDTIME   :20510101000000Z");
  });

  it("hands back a key that survives encryptPrivateKey / decryptPrivateKey", async () => {
    const dept = departments.get("EdDSA")!;
    const pem = await encryptPrivateKey(dept.privateKeyPkcs8, "dev passphrase", { iterations: 1000 });
    expect(await decryptPrivateKey(pem, "dev passphrase")).toEqual(dept.privateKeyPkcs8);
  });
});

describe("createServiceCertificate", () => {
  it.each([
    ["trust-list-signing", ELICENCE_KEY_PURPOSES.trustListSigning],
    ["status-list-signing", ELICENCE_KEY_PURPOSES.statusListSigning],
  ] as const)("%s: digitalSignature, an EKU naming the service, verifies", async (purpose, oid) => {
    const service = await createServiceCertificate({
      issuer: root,
      purpose,
      commonName: "eLicence Registry",
      organizationName: "eLicence Registry Operator",
      uscc: "91350200MA2Y00000A",
      notBefore: NOT_BEFORE,
    });
    const cert = parse(service);
    const ku = cert.getExtension(KeyUsagesExtension)!;
    expect([ku.critical, ku.usages]).toEqual([true, KeyUsageFlags.digitalSignature]);
    const eku = cert.getExtension(ExtendedKeyUsageExtension)!;
    expect([eku.critical, eku.usages]).toEqual([false, [oid]]);
    expect(cert.getExtension(BasicConstraintsExtension)!.ca).toBe(false);
    expect(cert.subjectName.getField("2.5.4.97")).toEqual(["91350200MA2Y00000A"]);
    const out = text(service, `service-${purpose}`);
    expect(out).toMatch(new RegExp(`X509v3 Extended Key Usage:\\s+${oid.replace(/\./g, "\\.")}`));
    expect(verify(service, [], `service-${purpose}`)).toMatch(/: OK$/);
    const strict = await validateCertificatePath({ leaf: service.certificateDer, trustAnchors: [root.certificateDer], at: new Date("2025-06-01T00:00:00Z"), extendedKeyUsage: [oid] });
    expect(strict.ok ? "ok" : strict.code).toBe("ok");
  });

  it("refuses an unknown purpose", async () => {
    const purpose = "licence-signing" as "trust-list-signing";
    expect(await codeOf(createServiceCertificate({ issuer: root, purpose, commonName: "x", notBefore: NOT_BEFORE }))).toBe("TypeError");
  });
});

describe("misuse and bad issuer material", () => {
  const dept = (over: Record<string, unknown>) => createDepartmentCertificate({ issuer: ca, department: DEPARTMENT, notBefore: NOT_BEFORE, ...over });

  it("refuses a malformed USCC with ERR_IDENTIFIER_INVALID, naming the path", async () => {
    for (const uscc of ["", "91350200MA2Y0000X", "91350200MA2Y0000XXX", "91350200MA2Y0000IO", "91350200ma2y00000a", 91350200]) {
      try {
        await dept({ department: { name: "Dept", uscc } });
        expect.unreachable();
      } catch (err) {
        expect((err as LicenceError).code).toBe("ERR_IDENTIFIER_INVALID");
        expect((err as LicenceError).issues[0]!.path).toEqual(["department", "uscc"]);
        if (typeof uscc === "string" && uscc) expect((err as Error).message).not.toContain(uscc);
      }
    }
  });

  it("refuses bad options with TypeError", async () => {
    const cases: Record<string, unknown>[] = [
      { alg: "RS256" },
      { alg: "none" },
      { department: { name: "", uscc: DEPARTMENT.uscc } },
      { department: { name: " padded", uscc: DEPARTMENT.uscc } },
      { department: { name: "x".repeat(65), uscc: DEPARTMENT.uscc } },
      { department: { name: "a\nb", uscc: DEPARTMENT.uscc } },
      { department: null },
      { notBefore: new Date("invalid") },
      { notBefore: "2025-01-01" },
      { notAfter: NOT_BEFORE },
      { notAfter: new Date("2024-01-01T00:00:00Z") },
      { notBefore: new Date("1949-12-31T00:00:00Z") },
      { issuer: null },
    ];
    for (const over of cases) expect(await codeOf(dept(over)), JSON.stringify(over)).toBe("TypeError");
    expect(await codeOf(dept({ department: { name: "字".repeat(64), uscc: DEPARTMENT.uscc } }))).toBe("(resolved)");
    expect(await codeOf(createRootCa({ commonName: "Root", notBefore: NOT_BEFORE, country: "cn" }))).toBe("TypeError");
    expect(await codeOf(createRootCa({ commonName: "Root", notBefore: NOT_BEFORE, pathLength: -1 }))).toBe("TypeError");
  });

  it("refuses an issuer that is not a CA, or whose path length allows no further CA", async () => {
    const leaf = departments.get("ES256")!;
    expect(await codeOf(dept({ issuer: leaf }))).toBe("ERR_CERTIFICATE_INVALID");
    expect(await codeOf(createIssuingCa({ issuer: ca, commonName: "Too deep", notBefore: NOT_BEFORE }))).toBe("ERR_CERTIFICATE_INVALID");
    expect(await codeOf(dept({ issuer: { ...ca, certificatePem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" } }))).toBe(
      "ERR_CERTIFICATE_INVALID",
    );
  });

  it("refuses an issuer key that does not fit its algorithm or does not belong to its certificate", async () => {
    expect(await codeOf(dept({ issuer: { ...ca, alg: "EdDSA" } }))).toBe("ERR_KEY_INVALID");
    expect(await codeOf(dept({ issuer: { ...ca, alg: "ES384" } }))).toBe("ERR_KEY_INVALID");
    expect(await codeOf(dept({ issuer: { ...ca, privateKeyPkcs8: new Uint8Array([1, 2, 3]) } }))).toBe("ERR_KEY_INVALID");
    const otherKey = departments.get("ES256")!.privateKeyPkcs8;
    expect(await codeOf(dept({ issuer: { ...ca, privateKeyPkcs8: otherKey } }))).toBe("ERR_KEY_INVALID");
  });
});
