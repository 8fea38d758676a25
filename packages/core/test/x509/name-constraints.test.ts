/**
 * Name constraints in path validation: directoryName permitted and excluded subtrees (RFC 5280
 * §4.2.1.10, processed as §6.1.3 (b)(c) and §6.1.4 (g) ask), other forms refused (fail closed),
 * and malformed or hostile encodings. Names are written first RDN first (C=…,O=…,CN=…), as
 * @peculiar/x509 encodes them in string order.
 */
import "reflect-metadata";
import { beforeAll, describe, expect, it } from "vitest";
import * as x509 from "@peculiar/x509";
import { parseCertificate } from "../../src/x509/certificate.js";
import { decodeNameConstraints, withinSubtree } from "../../src/x509/name-constraints.js";
import { type PathValidationResult, validateCertificatePath } from "../../src/x509/path-validation.js";
import { AT, type Issued, createCa, createLeaf, createRoot, nameConstraints, subjectAltName } from "./fixtures.js";

function validate(leaf: Issued, intermediates: readonly Issued[], anchors: readonly Issued[]): Promise<PathValidationResult> {
  return validateCertificatePath({ leaf: leaf.pem, intermediates: intermediates.map((i) => i.pem), trustAnchors: anchors.map((a) => a.pem), at: AT });
}

function expectOk(result: PathValidationResult): void {
  if (!result.ok) expect.fail(`expected a valid path, got ${result.code} at ${result.index}: ${result.reason}`);
}

function expectFail(result: PathValidationResult, code: string, index?: number, reason?: RegExp): void {
  if (result.ok) expect.fail(`expected ${code}, got a valid path`);
  expect({ code: result.code, index: index === undefined ? undefined : result.index }).toEqual({ code, index });
  if (reason) expect(result.reason).toMatch(reason);
}

let root: Issued;
let permitting: Issued; // permits C=CN,O=Allowed
let excluding: Issued; // excludes C=CN,O=Allowed,OU=Banned

beforeAll(async () => {
  root = await createRoot("C=CN,O=eLicence Test,CN=NC Root");
  permitting = await createCa(root, "C=CN,O=eLicence Test,CN=Permitting CA", { extra: [nameConstraints({ permitted: ["C=CN,O=Allowed"] })] });
  excluding = await createCa(root, "C=CN,O=eLicence Test,CN=Excluding CA", { extra: [nameConstraints({ excluded: ["C=CN,O=Allowed,OU=Banned"] })] });
});

describe("directoryName permitted subtrees", () => {
  it("accepts a leaf whose subject is within the subtree", async () => {
    expectOk(await validate(await createLeaf(permitting, "C=CN,O=Allowed,CN=Leaf"), [permitting], [root]));
    expectOk(await validate(await createLeaf(permitting, "C=CN,O=Allowed,OU=Deep,CN=Leaf"), [permitting], [root]));
  });

  it("refuses a leaf whose subject is outside the subtree", async () => {
    expectFail(await validate(await createLeaf(permitting, "C=CN,O=Other,CN=Leaf"), [permitting], [root]), "NAME_CONSTRAINTS", 0, /outside the permitted/);
    // A whole-RDN prefix: O=Allowed does not contain O=AllowedToo.
    expectFail(await validate(await createLeaf(permitting, "C=CN,O=AllowedToo,CN=Leaf"), [permitting], [root]), "NAME_CONSTRAINTS", 0);
  });

  it("compares RDNs as RFC 5280 §7.1 asks (case and spacing insensitive)", async () => {
    expectOk(await validate(await createLeaf(permitting, "C=cn,O=  ALLOWED ,CN=Leaf"), [permitting], [root]));
  });

  it("applies to later intermediates, not to the certificate that carries the constraint", async () => {
    const outsider = await createCa(permitting, "C=CN,O=Other,CN=Sub CA");
    expectFail(await validate(await createLeaf(outsider, "C=CN,O=Allowed,CN=Leaf"), [permitting, outsider], [root]), "NAME_CONSTRAINTS", 1);
  });

  it("skips the names of a self-issued intermediate, but not of the leaf (§6.1.3 (b))", async () => {
    const constrained = await createCa(root, "C=CN,O=Outside,CN=Constrained CA", { extra: [nameConstraints({ permitted: ["C=CN,O=Allowed"] })] });
    const rollover = await createCa(constrained, "C=CN,O=Outside,CN=Constrained CA");
    expect(parseCertificate(rollover.der).selfIssued).toBe(true);
    expectOk(await validate(await createLeaf(rollover, "C=CN,O=Allowed,CN=Leaf"), [constrained, rollover], [root]));
    expectFail(await validate(await createLeaf(rollover, "C=CN,O=Outside,CN=Leaf"), [constrained, rollover], [root]), "NAME_CONSTRAINTS", 0);
  });

  it("intersects the permitted subtrees of successive certificates (§6.1.4 (g)(i))", async () => {
    const a = await createCa(root, "C=CN,O=eLicence Test,CN=A", { extra: [nameConstraints({ permitted: ["C=CN,O=Alpha", "C=CN,O=Beta"] })] });
    const b = await createCa(a, "C=CN,O=Beta,CN=B", { extra: [nameConstraints({ permitted: ["C=CN,O=Beta", "C=CN,O=Gamma"] })] });
    expectOk(await validate(await createLeaf(b, "C=CN,O=Beta,CN=Leaf"), [a, b], [root]));
    expectFail(await validate(await createLeaf(b, "C=CN,O=Gamma,CN=Leaf"), [a, b], [root]), "NAME_CONSTRAINTS", 0);
    expectFail(await validate(await createLeaf(b, "C=CN,O=Alpha,CN=Leaf"), [a, b], [root]), "NAME_CONSTRAINTS", 0);
  });

  it("applies the trust anchor's own constraints", async () => {
    const constrainedRoot = await createRoot("C=CN,O=Allowed,CN=Constrained Root", { extra: [nameConstraints({ permitted: ["C=CN,O=Allowed"] })] });
    expectOk(await validate(await createLeaf(constrainedRoot, "C=CN,O=Allowed,CN=Leaf"), [], [constrainedRoot]));
    expectFail(await validate(await createLeaf(constrainedRoot, "C=CN,O=Other,CN=Leaf"), [], [constrainedRoot]), "NAME_CONSTRAINTS", 0);
  });
});

describe("directoryName excluded subtrees", () => {
  it("refuses a subject within an excluded subtree and accepts its siblings", async () => {
    expectFail(await validate(await createLeaf(excluding, "C=CN,O=Allowed,OU=Banned,CN=Leaf"), [excluding], [root]), "NAME_CONSTRAINTS", 0, /excluded/);
    expectOk(await validate(await createLeaf(excluding, "C=CN,O=Allowed,OU=Fine,CN=Leaf"), [excluding], [root]));
  });

  it("accumulates exclusions down the path (§6.1.4 (g)(ii))", async () => {
    const sub = await createCa(excluding, "C=CN,O=Allowed,CN=Sub", { extra: [nameConstraints({ excluded: ["C=CN,O=Allowed,OU=Other"] })] });
    expectFail(await validate(await createLeaf(sub, "C=CN,O=Allowed,OU=Banned,CN=Leaf"), [excluding, sub], [root]), "NAME_CONSTRAINTS", 0);
    expectFail(await validate(await createLeaf(sub, "C=CN,O=Allowed,OU=Other,CN=Leaf"), [excluding, sub], [root]), "NAME_CONSTRAINTS", 0);
  });
});

describe("directoryName entries of subjectAltName", () => {
  it("checks them against permitted and excluded subtrees", async () => {
    const inside = subjectAltName(["C=CN,O=Allowed,CN=Alias"]);
    expectOk(await validate(await createLeaf(permitting, "C=CN,O=Allowed,CN=Leaf", { extra: [inside] }), [permitting], [root]));
    const outside = subjectAltName(["C=CN,O=Other,CN=Alias"]);
    expectFail(await validate(await createLeaf(permitting, "C=CN,O=Allowed,CN=Leaf", { extra: [outside] }), [permitting], [root]), "NAME_CONSTRAINTS", 0);
    const banned = subjectAltName([{ dns: "example.com" }, "C=CN,O=Allowed,OU=Banned,CN=Alias"]);
    expectFail(await validate(await createLeaf(excluding, "C=CN,O=Allowed,CN=Leaf", { extra: [banned] }), [excluding], [root]), "NAME_CONSTRAINTS", 0);
  });

  it("leaves other name forms in subjectAltName alone (a directoryName constraint does not restrict them)", async () => {
    const dns = subjectAltName([{ dns: "licence.example" }]);
    expectOk(await validate(await createLeaf(permitting, "C=CN,O=Allowed,CN=Leaf", { extra: [dns] }), [permitting], [root]));
  });
});

describe("what is not supported is refused (fail closed)", () => {
  it("refuses a dNSName constraint, critical or not, alone or beside a directoryName", async () => {
    for (const ext of [
      nameConstraints({ permitted: [{ dns: "example.com" }] }),
      nameConstraints({ excluded: [{ dns: "example.com" }] }, false),
      nameConstraints({ permitted: ["C=CN,O=Allowed", { dns: "example.com" }] }),
    ]) {
      const ca = await createCa(root, "C=CN,O=eLicence Test,CN=DNS CA", { extra: [ext] });
      expectFail(await validate(await createLeaf(ca, "C=CN,O=Allowed,CN=Leaf"), [ca], [root]), "NAME_CONSTRAINTS", 1, /not supported/);
    }
  });

  it("refuses a subtree with a maximum, and an empty NameConstraints", async () => {
    const bounded = await createCa(root, "C=CN,O=eLicence Test,CN=Bounded CA", { extra: [nameConstraints({ permitted: ["C=CN,O=Allowed"], bounds: true })] });
    expectFail(await validate(await createLeaf(bounded, "C=CN,O=Allowed,CN=Leaf"), [bounded], [root]), "NAME_CONSTRAINTS", 1, /minimum or maximum/);
    const empty = await createCa(root, "C=CN,O=eLicence Test,CN=Empty NC CA", { extra: [nameConstraints({})] });
    expectFail(await validate(await createLeaf(empty, "C=CN,O=Allowed,CN=Leaf"), [empty], [root]), "NAME_CONSTRAINTS", 1, /empty/);
  });

  it("refuses name constraints in a certificate that is not a CA (§4.2.1.10)", async () => {
    const leaf = await createLeaf(root, "C=CN,O=Allowed,CN=Leaf", { extra: [nameConstraints({ permitted: ["C=CN,O=Allowed"] })] });
    expectFail(await validate(leaf, [], [root]), "NAME_CONSTRAINTS", 0, /not a CA/);
  });
});

describe("malformed and hostile encodings", () => {
  const cases: [string, number[]][] = [
    ["subtrees out of order", [0x30, 0x08, 0xa1, 0x02, 0x30, 0x00, 0xa0, 0x02, 0x30, 0x00]],
    ["empty GeneralSubtrees", [0x30, 0x02, 0xa0, 0x00]],
    ["primitive directoryName", [0x30, 0x06, 0xa0, 0x04, 0x30, 0x02, 0x84, 0x00]],
    ["GeneralName tag 9", [0x30, 0x06, 0xa0, 0x04, 0x30, 0x02, 0x89, 0x00]],
    ["universal tag where a GeneralName belongs", [0x30, 0x06, 0xa0, 0x04, 0x30, 0x02, 0x04, 0x00]],
    ["constructed maximum", [0x30, 0x0b, 0xa0, 0x09, 0x30, 0x07, 0xa4, 0x02, 0x30, 0x00, 0xa1, 0x01, 0x00]],
    ["minimum after maximum", [0x30, 0x0e, 0xa0, 0x0c, 0x30, 0x0a, 0xa4, 0x02, 0x30, 0x00, 0x81, 0x01, 0x00, 0x80, 0x01, 0x00]],
    ["trailing bytes", [0x30, 0x00, 0x00]],
    ["not a SEQUENCE", [0x31, 0x00]],
  ];
  for (const [name, bytes] of cases) {
    it(`gives MALFORMED for ${name}, never a crash or a pass`, async () => {
      const ca = await createCa(root, "C=CN,O=eLicence Test,CN=Broken NC CA", { extra: [new x509.Extension("2.5.29.30", true, new Uint8Array(bytes))] });
      const leaf = await createLeaf(ca, "C=CN,O=Allowed,CN=Leaf");
      const result = await validate(leaf, [ca], [root]);
      expectFail(result, "MALFORMED");
      expect(!result.ok && result.input).toBe("intermediates[0]");
    });
  }

  const sanCases: [string, number[]][] = [
    ["an empty subjectAltName", [0x30, 0x00]],
    ["a primitive directoryName in subjectAltName", [0x30, 0x02, 0x84, 0x00]],
    ["a directoryName holding two Names", [0x30, 0x06, 0xa4, 0x04, 0x30, 0x00, 0x30, 0x00]],
    ["a directoryName holding a SET", [0x30, 0x04, 0xa4, 0x02, 0x31, 0x00]],
  ];
  for (const [name, bytes] of sanCases) {
    it(`gives MALFORMED for ${name}`, async () => {
      const leaf = await createLeaf(permitting, "C=CN,O=Allowed,CN=Leaf", { extra: [new x509.Extension("2.5.29.17", false, new Uint8Array(bytes))] });
      const result = await validate(leaf, [permitting], [root]);
      expectFail(result, "MALFORMED");
      expect(!result.ok && result.input).toBe("leaf");
    });
  }

  it("bounds nesting in a directoryName (DER depth limit) and survives many subtrees", () => {
    let nested = new Uint8Array([0x30, 0x00]);
    for (let i = 0; i < 40; i++) nested = new Uint8Array([0x30, nested.length, ...nested]);
    expect(() => decodeNameConstraints(new Uint8Array([0x30, nested.length + 6, 0xa0, nested.length + 4, 0x30, nested.length + 2, 0xa4, nested.length, ...nested]))).toThrow();
    const subtree = [0x30, 0x04, 0xa4, 0x02, 0x30, 0x00];
    const many = Array.from({ length: 500 }, () => subtree).flat();
    const inner = [0xa0, 0x82, many.length >> 8, many.length & 0xff, ...many];
    const decoded = decodeNameConstraints(new Uint8Array([0x30, 0x82, inner.length >> 8, inner.length & 0xff, ...inner]));
    expect(decoded.permitted).toHaveLength(500);
  });

  it("an empty directoryName base contains every name (the RFC's prefix rule)", async () => {
    const cert = parseCertificate((await createLeaf(permitting, "C=CN,O=Allowed,CN=Leaf")).der);
    const emptyBase = decodeNameConstraints(new Uint8Array([0x30, 0x08, 0xa0, 0x06, 0x30, 0x04, 0xa4, 0x02, 0x30, 0x00])).permitted![0]!;
    expect(emptyBase.form === "directoryName" && withinSubtree(cert.subjectName, emptyBase.base)).toBe(true);
  });
});
