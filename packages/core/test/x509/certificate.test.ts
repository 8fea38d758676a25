import "reflect-metadata";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as x509 from "@peculiar/x509";
import { LicenceError } from "../../src/errors/errors.js";
import { isCertificate, parseCertificate } from "../../src/x509/certificate.js";
import { encodeBase64 } from "../../src/encoding/base64.js";
import { decodePemBundle } from "../../src/encoding/pem.js";
import { CA_KEY_USAGE, EKU_LICENCE, type Issued, KU, NOT_AFTER, NOT_BEFORE, createCa, createLeaf, createRoot, issue } from "./fixtures.js";

function expectInvalid(input: string | Uint8Array, reason?: RegExp): void {
  try {
    parseCertificate(input);
  } catch (err) {
    expect(err).toBeInstanceOf(LicenceError);
    expect((err as LicenceError).code).toBe("ERR_CERTIFICATE_INVALID");
    expect((err as LicenceError).message).toBe("The certificate is malformed.");
    if (reason) expect(String((err as LicenceError).details.reason)).toMatch(reason);
    return;
  }
  expect.fail("expected ERR_CERTIFICATE_INVALID");
}

function indexOf(haystack: Uint8Array, needle: readonly number[], from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** DER length octets, optionally in a non-minimal long form. */
function lengthBytes(length: number, nonMinimal = false): number[] {
  if (length < 0x80 && !nonMinimal) return [length];
  const bytes: number[] = [];
  for (let l = length; l > 0; l >>= 8) bytes.unshift(l & 0xff);
  if (nonMinimal) bytes.unshift(0);
  return [0x80 | bytes.length, ...bytes];
}

/** Splits a DER SEQUENCE into its elements' raw bytes (test helper, trusted input). */
function topLevelElements(der: Uint8Array): Uint8Array[] {
  const headerLength = der[1]! < 0x80 ? 2 : 2 + (der[1]! & 0x7f);
  const out: Uint8Array[] = [];
  let i = headerLength;
  while (i < der.length) {
    const l = der[i + 1]!;
    const lenLen = l < 0x80 ? 1 : 1 + (l & 0x7f);
    let len = l;
    if (l >= 0x80) {
      len = 0;
      for (let k = 0; k < (l & 0x7f); k++) len = len * 256 + der[i + 2 + k]!;
    }
    out.push(der.subarray(i, i + 1 + lenLen + len));
    i += 1 + lenLen + len;
  }
  return out;
}

function sequence(parts: readonly Uint8Array[], nonMinimal = false): Uint8Array {
  const body = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array([0x30, ...lengthBytes(body, nonMinimal), ...parts.flatMap((p) => [...p])]);
  return out;
}

let root: Issued;
let ca: Issued;
let leaf: Issued;

beforeAll(async () => {
  root = await createRoot("CN=Root CA,O=eLicence Test,C=CN");
  ca = await createCa(root, "CN=Issuing CA,O=eLicence Test,C=CN", { pathLength: 0 });
  leaf = await createLeaf(ca, "CN=Licence Signer,2.5.4.97=USCC-91110000000000001X,O=Tax Bureau,C=CN", {
    extendedKeyUsage: [EKU_LICENCE],
  });
});

describe("parseCertificate: fields", () => {
  it("reads names, attributes and conveniences", () => {
    const cert = parseCertificate(leaf.pem);
    expect(cert.subject).toBe("C=CN,O=Tax Bureau,organizationIdentifier=USCC-91110000000000001X,CN=Licence Signer");
    expect(cert.issuer).toBe("C=CN,O=eLicence Test,CN=Issuing CA");
    expect(cert.commonName).toBe("Licence Signer");
    expect(cert.organizationName).toBe("Tax Bureau");
    expect(cert.organizationIdentifier).toBe("USCC-91110000000000001X");
    expect(cert.subjectAttributes.map((a) => a.oid)).toEqual(["2.5.4.3", "2.5.4.97", "2.5.4.10", "2.5.4.6"]);
    expect(cert.subjectName.der).toEqual(new Uint8Array(leaf.cert.subjectName.toArrayBuffer()));
    expect(cert.issuerName.equals(parseCertificate(ca.der).subjectName)).toBe(true);
    expect(cert.selfIssued).toBe(false);
    expect(parseCertificate(root.der).selfIssued).toBe(true);
  });

  it("reads serial, dates, key, thumbprint and signature algorithm", () => {
    const cert = parseCertificate(leaf.der);
    expect(cert.version).toBe(3);
    expect(cert.serialNumber).toBe(leaf.cert.serialNumber.toLowerCase().replace(/^00/, ""));
    expect(cert.notBefore).toEqual(NOT_BEFORE);
    expect(cert.notAfter).toEqual(NOT_AFTER);
    expect(cert.spki).toEqual(new Uint8Array(leaf.cert.publicKey.rawData));
    expect(cert.publicKeyAlgorithm).toBe("ES256");
    expect(cert.publicKeyInfo).toEqual({ kty: "EC", oid: "1.2.840.10045.2.1", curve: "P-256" });
    const sha = createHash("sha256").update(leaf.der).digest();
    expect(cert.sha256).toEqual(new Uint8Array(sha));
    expect(cert.sha256Hex).toBe(sha.toString("hex"));
    expect(cert.signatureAlgorithm.oid).toBe("1.2.840.10045.4.3.2");
    expect(cert.signatureAlgorithm.name).toBe("ecdsa-with-SHA256");
    expect(cert.signatureAlgorithm.parameters).toBeUndefined();
    expect(cert.signatureValue).toEqual(new Uint8Array(leaf.cert.signature));
    expect(cert.tbs.length).toBeGreaterThan(100);
    expect(cert.der).toEqual(leaf.der);
  });

  it("reads the extensions", () => {
    const cert = parseCertificate(leaf.der);
    expect([...cert.keyUsage!].sort()).toEqual(["digitalSignature", "nonRepudiation"]);
    expect(cert.extendedKeyUsage).toEqual([EKU_LICENCE]);
    expect(cert.basicConstraints).toBeUndefined();
    expect(cert.subjectKeyIdentifier).toBe(leaf.ski);
    expect(cert.authorityKeyIdentifier).toEqual({ keyIdentifier: ca.ski });
    expect(cert.extensions.map((e) => [e.oid, e.critical])).toEqual([
      ["2.5.29.15", true],
      ["2.5.29.37", false],
      ["2.5.29.14", false],
      ["2.5.29.35", false],
    ]);
    expect(cert.extensions[0]!.value).toEqual(new Uint8Array([0x03, 0x02, 0x06, 0xc0]));
    const caCert = parseCertificate(ca.der);
    expect(caCert.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect([...caCert.keyUsage!].sort()).toEqual(["cRLSign", "keyCertSign"]);
  });

  it("maps keys to the JWS algorithm they serve", async () => {
    const kinds = [
      ["P-384", "ES384"],
      ["Ed25519", "EdDSA"],
      ["RSA-PSS", "PS256"],
    ] as const;
    for (const [keyKind, alg] of kinds) {
      const c = await issue({ subject: `CN=${keyKind}`, keyKind, ca: true, keyUsage: CA_KEY_USAGE });
      expect(parseCertificate(c.der).publicKeyAlgorithm).toBe(alg);
    }
  });

  it("accepts PEM, bare base64 and DER for the same certificate", () => {
    const a = parseCertificate(leaf.pem);
    const b = parseCertificate(encodeBase64(leaf.der));
    const c = parseCertificate(leaf.der);
    expect(new Set([a.sha256Hex, b.sha256Hex, c.sha256Hex]).size).toBe(1);
  });

  it("writes RFC 4514 strings with escaping, and #hex for unknown types", async () => {
    const c = await issue({
      subject: [{ CN: ["Smith, John+Co"] }, { O: [{ utf8String: "#Hash " }] }, { OU: [" lead;<>\"\\"] }, { "1.3.6.1.4.1.55555.3": ["x"] }],
      ca: true,
      keyUsage: CA_KEY_USAGE,
    });
    const cert = parseCertificate(c.der);
    expect(cert.subject).toBe('1.3.6.1.4.1.55555.3=#130178,OU=\\ lead\\;\\<\\>\\"\\\\,O=\\#Hash\\ ,CN=Smith\\, John\\+Co');
    expect(cert.commonName).toBe("Smith, John+Co");
  });

  it("gives no organizationIdentifier when the attribute is repeated", async () => {
    const c = await issue({ subject: "CN=Twice,2.5.4.97=A,2.5.4.97=B", ca: true, keyUsage: CA_KEY_USAGE });
    const cert = parseCertificate(c.der);
    expect(cert.organizationIdentifier).toBeUndefined();
    expect(cert.subjectAttributes.filter((a) => a.oid === "2.5.4.97").map((a) => a.value)).toEqual(["A", "B"]);
  });

  it("compares names after RFC 4518 preparation, not only byte-equal", async () => {
    const a = await issue({ subject: [{ CN: [{ printableString: "Tax  Bureau" }] }], ca: true, keyUsage: CA_KEY_USAGE });
    const b = await issue({ subject: [{ CN: [{ utf8String: " tax bureau" }] }], ca: true, keyUsage: CA_KEY_USAGE });
    const c = await issue({ subject: [{ CN: [{ utf8String: "Tax Bureaux" }] }], ca: true, keyUsage: CA_KEY_USAGE });
    const [na, nb, nc] = [a, b, c].map((i) => parseCertificate(i.der).subjectName);
    expect(na!.equals(nb!)).toBe(true);
    expect(na!.matchKey).toBe(nb!.matchKey);
    expect(na!.equals(nc!)).toBe(false);
  });
});

describe("parseCertificate: immutability", () => {
  it("freezes the object and hands out copies", () => {
    const cert = parseCertificate(leaf.der);
    expect(Object.isFrozen(cert)).toBe(true);
    expect(Object.isFrozen(cert.extensions)).toBe(true);
    expect(Object.isFrozen(cert.subjectName)).toBe(true);
    cert.der[0] = 0;
    cert.spki[0] = 0;
    cert.extensions[0]!.value[0] = 0;
    cert.notAfter.setTime(0);
    (cert.keyUsage as Set<string>).add("keyCertSign");
    expect(cert.der[0]).toBe(0x30);
    expect(cert.spki[0]).toBe(0x30);
    expect(cert.extensions[0]!.value[0]).toBe(0x03);
    expect(cert.notAfter).toEqual(NOT_AFTER);
    expect(cert.keyUsage!.has("keyCertSign")).toBe(false);
    expect(() => {
      (cert as { subject: string }).subject = "CN=Evil";
    }).toThrow(TypeError);
  });

  it("cannot be constructed or imitated", () => {
    const cert = parseCertificate(leaf.der);
    const Ctor = cert.constructor as new (...args: unknown[]) => unknown;
    expect(() => new Ctor(Symbol("x"), {}, {})).toThrow(TypeError);
    expect(isCertificate(cert)).toBe(true);
    expect(isCertificate({ ...cert })).toBe(false);
  });

  it("copies its input", () => {
    const der = leaf.der.slice();
    const cert = parseCertificate(der);
    der.fill(0);
    expect(cert.der).toEqual(leaf.der);
  });
});

describe("parseCertificate: rejects malformed input", () => {
  it("rejects every truncation", () => {
    for (let n = 0; n < leaf.der.length; n++) expectInvalid(leaf.der.subarray(0, n));
  });

  it("rejects trailing data", () => {
    expectInvalid(new Uint8Array([...leaf.der, 0x00]), /trailing/);
    expectInvalid(new Uint8Array([...leaf.der, ...leaf.der]), /trailing/);
  });

  it("rejects oversized input before decoding", () => {
    expectInvalid(new Uint8Array(65_537), /too large/);
    expectInvalid("A".repeat(200_000), /too large/);
  });

  it("rejects BER encodings: non-minimal length, indefinite length", () => {
    const parts = topLevelElements(leaf.der);
    expect(sequence(parts)).toEqual(leaf.der);
    expectInvalid(sequence(parts, true), /non-minimal/);
    const indefinite = new Uint8Array([0x30, 0x80, ...parts.flatMap((p) => [...p]), 0x00, 0x00]);
    expectInvalid(indefinite, /indefinite|ASN\.1/);
  });

  it("rejects a non-DER BOOLEAN", () => {
    const der = leaf.der.slice();
    const at = indexOf(der, [0x01, 0x01, 0xff]);
    expect(at).toBeGreaterThan(0);
    der[at + 2] = 0x01;
    expectInvalid(der, /BOOLEAN/);
  });

  it("rejects extensions in a certificate that is not v3", () => {
    const der = leaf.der.slice();
    const at = indexOf(der, [0xa0, 0x03, 0x02, 0x01, 0x02]);
    der[at + 4] = 0x01;
    expectInvalid(der, /not v3/);
  });

  it("rejects duplicate extensions", async () => {
    const dup = await createLeaf(ca, "CN=Dup", { extra: [new x509.SubjectKeyIdentifierExtension("0102")] });
    expectInvalid(dup.der, /duplicate extension/);
  });

  it("rejects a malformed known extension", async () => {
    const bad = await createLeaf(ca, "CN=Bad BC", { extra: [new x509.Extension("2.5.29.19", true, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0xff]))] });
    expectInvalid(bad.der, /negative INTEGER/);
  });

  it("rejects outer and TBS signature algorithms that differ", () => {
    const der = leaf.der.slice();
    const oid = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    const first = indexOf(der, oid);
    const second = indexOf(der, oid, first + 1);
    expect(second).toBeGreaterThan(first);
    der[second + oid.length - 1] = 0x03;
    expectInvalid(der, /differs/);
  });

  it("rejects PEM garbage", () => {
    expectInvalid("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    expectInvalid("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
    expectInvalid(leaf.pem.replace(/CERTIFICATE/g, "PUBLIC KEY"));
    expectInvalid(leaf.pem + leaf.pem);
    expectInvalid("hello");
    expectInvalid("");
  });

  it("never throws anything but LicenceError on mutated input", () => {
    let seed = 99;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let parsed = 0;
    for (let i = 0; i < 1500; i++) {
      const der = leaf.der.slice();
      const mode = rand(3);
      if (mode === 0) for (let k = 0, n = 1 + rand(4); k < n; k++) der[rand(der.length)]! ^= 1 << rand(8);
      else if (mode === 1) der[rand(der.length)] = rand(256);
      else der.copyWithin(rand(der.length), rand(der.length), rand(der.length));
      try {
        parseCertificate(der);
        parsed++;
      } catch (err) {
        expect(err).toBeInstanceOf(LicenceError);
        expect((err as LicenceError).code).toBe("ERR_CERTIFICATE_INVALID");
      }
    }
    expect(parsed).toBeGreaterThan(0);
  });
});

const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

describe.skipIf(!existsSync(SYSTEM_BUNDLE))("real-world certificates", () => {
  it("parses every certificate of the system CA bundle", () => {
    const ders = decodePemBundle(readFileSync(SYSTEM_BUNDLE, "utf8"));
    expect(ders.length).toBeGreaterThan(50);
    const failures: string[] = [];
    for (const der of ders) {
      try {
        const cert = parseCertificate(der);
        expect(cert.der).toEqual(der);
      } catch (err) {
        failures.push(String((err as LicenceError).details?.reason ?? err));
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("key usage names", () => {
  it("decodes all nine bits", async () => {
    const all = Object.values(KU).filter((v): v is number => typeof v === "number").reduce((a, b) => a | b, 0);
    const c = await issue({ subject: "CN=All KU", ca: true, keyUsage: all });
    expect(parseCertificate(c.der).keyUsage!.size).toBe(9);
  });
});
