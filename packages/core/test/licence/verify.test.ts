import { beforeAll, describe, expect, it } from "vitest";
import { issueLicence, createIssuingContext, type IssuedLicence } from "../../src/licence/issue.js";
import { verifyLicence } from "../../src/licence/verify.js";
import { verifyJades } from "../../src/jades/verify.js";
import { createKeySigner, signJws, toCompact } from "../../src/jws/jws.js";
import { createDepartmentCertificate, createRootCa } from "@elicence/pki";
import { verifyTrustList } from "../../src/trust/trust-list.js";
import { StatusList } from "../../src/status/index.js";
import { signStatusListToken } from "../../src/status/token.js";
import type { VerificationReport } from "../../src/licence/report.js";
import type { JwsAlgorithm } from "../../src/crypto/algorithms.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, LATER, T0, world, type World } from "../fixtures/world.js";

const ALGS: JwsAlgorithm[] = ["ES256", "ES384", "EdDSA", "PS256"];
const b64u = (v: string | Uint8Array) => Buffer.from(v).toString("base64url");
const fromB64u = (s: string) => Buffer.from(s, "base64url").toString("utf8");

let w: World;
let issued: IssuedLicence;

beforeAll(async () => {
  w = await world();
  issued = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "2026000001", issuedAt: ISSUED_AT });
});

const verify = (input: string | Record<string, unknown>, extra: Partial<Parameters<typeof verifyLicence>[1]> = {}) =>
  verifyLicence(input, { trustList: w.trustList, at: LATER, algorithms: ALGS, ...extra });

function check(report: VerificationReport, name: string) {
  return report.checks.find((c) => c.check === name)!;
}

/** Re-signs a modified payload with the genuine department key: a valid signature over a bad licence. */
async function resign(mutate: (payload: Record<string, any>, header: Record<string, any>) => void, disclosures = issued.archive.header.disclosures) {
  const header = JSON.parse(fromB64u(issued.archive.protected));
  const payload = JSON.parse(fromB64u(issued.archive.payload));
  mutate(payload, header);
  const signed = await signJws(header, new TextEncoder().encode(JSON.stringify(payload)), w.departments.ES256.signer);
  return `${toCompact(signed)}~${disclosures.map((d) => `${d}~`).join("")}`;
}

describe("issue and verify, end to end", () => {
  it("the compact form PASSES with every check passed and every field disclosed", async () => {
    const report = await verify(issued.compact);
    expect(report.indication).toBe("PASSED");
    expect(report.subIndication).toBeUndefined();
    expect(report.checks.map((c) => c.result)).toEqual(Array(8).fill("passed"));
    expect(report.licence!.fields).toEqual(FIELDS);
    expect(report.licence!.id).toBe(issued.id);
    expect(report.licence!.holder).toEqual(HOLDER);
    expect(report.licence!.issuer).toEqual({ name: "示例市行政审批局", code: "11330100MB0000019K" });
    expect(report.licence!.validUntil).toBe("2036-03-01T08:00:00.000Z");
    expect([...report.disclosed].sort()).toEqual(["fields.address", "fields.legalRepresentativeIdNumber", "fields.registeredCapital"]);
    expect(report.signingTime).toBe(ISSUED_AT.toISOString());
    expect(report.signer!.organizationIdentifier).toBe("11330100MB0000019K");
  });

  it("the archive form PASSES, as text and as an object", async () => {
    expect((await verify(JSON.stringify(issued.archive))).indication).toBe("PASSED");
    expect((await verify(issued.archive as unknown as Record<string, unknown>)).indication).toBe("PASSED");
  });

  it("puts unconditional fields in clear and the others only as digests", () => {
    const payload = JSON.parse(fromB64u(issued.archive.payload));
    expect(payload.fields.name).toBe(FIELDS.name);
    expect(payload.fields.registeredCapital).toBeUndefined();
    expect(payload.fields.legalRepresentativeIdNumber).toBeUndefined();
    expect(payload.fields._sd).toHaveLength(3);
    expect(issued.jws).not.toContain(b64u("440524188001010014"));
    const header = JSON.parse(fromB64u(issued.archive.protected));
    // JAdES B-B: one signing-certificate reference and no chain (ETSI TS 119 182-1 clause 5.1.7).
    expect(Object.keys(header).sort()).toEqual(["alg", "iat", "typ", "x5t#S256"]);
    expect(header.iat).toBe(ISSUED_AT.getTime() / 1000);
  });

  it("still verifies with disclosures withheld, and hides what was withheld", async () => {
    const keep = issued.disclosures.filter((d) => d.share === "conditional").map((d) => d.encoded);
    const report = await verify(`${issued.jws}~${keep.map((d) => `${d}~`).join("")}`);
    expect(report.indication).toBe("PASSED");
    expect(report.licence!.fields).toEqual({ name: FIELDS.name, establishedOn: FIELDS.establishedOn, employees: 12, registeredCapital: "500", address: FIELDS.address });
    const none = await verify(`${issued.jws}~`);
    expect(none.indication).toBe("PASSED");
    expect(Object.keys(none.licence!.fields).sort()).toEqual(["employees", "establishedOn", "name"]);
  });

  it.each(["ES256", "ES384", "EdDSA", "PS256"] as const)("issues and verifies with %s", async (alg) => {
    const lic = await issueLicence(w.departments[alg].context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: `A${alg.toUpperCase()}`, issuedAt: ISSUED_AT });
    const report = await verify(lic.compact);
    expect(report.indication).toBe("PASSED");
    expect(report.algorithm).toBe(alg);
  });

  it("decoy digests do not disturb verification", async () => {
    const lic = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "DECOY", issuedAt: ISSUED_AT, decoys: 5 });
    expect(JSON.parse(fromB64u(lic.archive.payload)).fields._sd).toHaveLength(8);
    expect((await verify(lic.compact)).indication).toBe("PASSED");
  });
});

describe("format", () => {
  it.each([
    ["empty", ""],
    ["garbage", "not a licence"],
    ["a JWS without the SD-JWT tilde", "a.b.c"],
    ["truncated", "eyJhbGciOiJFUzI1NiJ9.eyJh~"],
    ["JSON that is not a JWS", '{"a":1}'],
    ["JSON array", "[1,2]"],
  ])("%s → FAILED FORMAT_FAILURE", async (_name, input) => {
    const report = await verify(input);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("FORMAT_FAILURE");
    expect(check(report, "signature").result).toBe("skipped");
  });

  it("refuses a truncated copy of a real licence at every length, except at a disclosure boundary", async () => {
    const text = issued.compact;
    const cuts = new Set<number>();
    for (let cut = 1; cut < text.length; cut += Math.max(1, Math.floor(text.length / 97))) cuts.add(cut);
    for (let i = text.indexOf("~"); i >= 0; i = text.indexOf("~", i + 1)) cuts.add(i + 1).add(i);
    for (const cut of cuts) {
      const prefix = text.slice(0, cut);
      const report = await verify(prefix);
      // Cutting right after a '~' leaves a valid presentation that withholds the later disclosures.
      if (prefix.endsWith("~")) expect(report.indication, `cut at ${cut}`).toBe("PASSED");
      else expect(report.indication, `cut at ${cut}`).not.toBe("PASSED");
    }
  });

  it("refuses an oversized input", async () => {
    const report = await verify(`${issued.compact}${"A".repeat(600 * 1024)}~`);
    expect(report.indication).toBe("FAILED");
    expect(check(report, "format").code).toBe("ERR_INPUT_TOO_LARGE");
  });

  it.each([
    ["wrong typ", (_p: any, h: any) => (h.typ = "JWT")],
    ["no x5t#S256", (_p: any, h: any) => delete h["x5t#S256"]],
    ["x5t#S256 not a thumbprint", (_p: any, h: any) => (h["x5t#S256"] = "AAAA")],
    ["x5c not an array", (_p: any, h: any) => (h.x5c = "AAAA")],
    ["x5c holding no certificate", (_p: any, h: any) => (h.x5c = ["AAAA"])],
    ["header iat differs from payload iat", (_p: any, h: any) => (h.iat += 1)],
    ["identifier of another issuer", (p: any) => (p.jti = p.jti.replace("11330100MB0000019K.2026", "11330100MB0000027E.2026"))],
    ["identifier check character wrong", (p: any) => (p.jti = p.jti.slice(0, -1) + (p.jti.endsWith("A") ? "B" : "A"))],
    ["iss differs from licence issuer", (p: any) => (p.iss = "11330100MB0000027E")],
    ["invalid holder code", (p: any) => (p.licence.holder.idNumber = "91330100MA2B3C4D1B")],
    ["iat not a number", (p: any, h: any) => ((p.iat = "2026"), (h.iat = "2026"))],
    ["status reference malformed", (p: any) => (p.status = { status_list: { idx: -1, uri: "x" } })],
  ])("%s → FAILED FORMAT_FAILURE", async (_name, mutate) => {
    const report = await verify(await resign(mutate));
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("FORMAT_FAILURE");
  });

  it("refuses duplicate members in the payload even when the signature is valid", async () => {
    const header = JSON.parse(fromB64u(issued.archive.protected));
    const payloadText = fromB64u(issued.archive.payload).replace('"iss":', '"iss":"91330100MA2B3C4D1A","iss":');
    const signed = await signJws(header, new TextEncoder().encode(payloadText), w.departments.ES256.signer);
    const report = await verify(`${toCompact(signed)}~`);
    expect(report.indication).toBe("FAILED");
    expect(check(report, "format").code).toBe("ERR_JSON_DUPLICATE_MEMBER");
  });

  it("refuses unexpected members in the archive's unprotected header", async () => {
    const report = await verify({ ...issued.archive, header: { ...issued.archive.header, x5c: ["AAAA"] } } as never);
    expect(report.indication).toBe("FAILED");
  });
});

describe("algorithm", () => {
  it("refuses an algorithm outside the caller's allow-list", async () => {
    const report = await verify(issued.compact, { algorithms: ["EdDSA"] });
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("CRYPTO_CONSTRAINTS_FAILURE");
    expect(check(report, "format").result).toBe("passed");
    expect(check(report, "algorithm").result).toBe("failed");
  });

  it.each(["none", "HS256", "RS256", "ES512"])("refuses alg %s even when everything else is intact", async (alg) => {
    const header = { ...JSON.parse(fromB64u(issued.archive.protected)), alg };
    const forged = `${b64u(JSON.stringify(header))}.${issued.archive.payload}.${alg === "none" ? "" : issued.archive.signature}~`;
    const report = await verify(forged);
    expect(report.indication).toBe("FAILED");
    expect(["CRYPTO_CONSTRAINTS_FAILURE", "FORMAT_FAILURE"]).toContain(report.subIndication);
  });
});

describe("signature", () => {
  it("a changed payload (unconditional field) fails", async () => {
    const payload = JSON.parse(fromB64u(issued.archive.payload));
    payload.fields.name = "伪造有限公司";
    const forged = `${issued.archive.protected}.${b64u(JSON.stringify(payload))}.${issued.archive.signature}~`;
    const report = await verify(forged);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("SIG_CRYPTO_FAILURE");
  });

  it("a flipped signature bit fails", async () => {
    const sig = Buffer.from(issued.archive.signature, "base64url");
    sig[10]! ^= 1;
    const report = await verify(`${issued.archive.protected}.${issued.archive.payload}.${sig.toString("base64url")}~`);
    expect(report.subIndication).toBe("SIG_CRYPTO_FAILURE");
  });

  it("a header whose certificate is not the signer's fails (key in the header is not the certificate's)", async () => {
    const other = w.departments.EdDSA.context;
    const forged = await resign((_p, h) => {
      h.x5c = other.x5c;
      h["x5t#S256"] = other.x5tS256;
    });
    const report = await verify(forged);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("SIG_CRYPTO_FAILURE");
  });

  it("a legacy x5c whose leaf is not the certificate x5t#S256 names: no signing certificate, as verifyJades and EN 319 102-1 §5.2.3 say", async () => {
    const forged = await resign((_p, h) => {
      h.x5c = w.departments.ES256.context.x5c;
      h["x5t#S256"] = w.departments.PS256.context.x5tS256;
    });
    const report = await verify(forged);
    // The signed digest and the signed x5c name different certificates: the signing certificate
    // cannot be identified (INDETERMINATE), which is not a signature shown to be wrong.
    expect([report.indication, report.subIndication]).toEqual(["INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND"]);
    expect(check(report, "signature")).toMatchObject({ result: "indeterminate", code: "x5t#S256" });
    const jades = await verifyJades(forged.split("~")[0]!, { trustAnchors: [w.root.certificatePem], at: LATER, algorithms: ["ES256"] });
    expect([jades.indication, jades.subIndication]).toEqual(["INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND"]);
  });

  it("a thumbprint of a certificate with another key fails (the key is the named certificate's, never a guess)", async () => {
    const report = await verify(await resign((_p, h) => (h["x5t#S256"] = w.departments.ES384.context.x5tS256)));
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("SIG_CRYPTO_FAILURE");
  });

  it("an embedded jwk is refused", async () => {
    const report = await verify(await resign((_p, h) => (h.jwk = { kty: "EC", crv: "P-256", x: "AA", y: "AA" })));
    expect(report.indication).toBe("FAILED");
  });
});

describe("the signing certificate: by thumbprint from the trust list, the archive's xVals, or a legacy x5c", () => {
  const withoutPool = async () => {
    const { certificates: _pool, ...doc } = w.document;
    return verifyTrustList(await w.signTrust(doc), { at: ISSUED_AT, algorithms: ["ES256"], operatorCertificates: [w.operator.certificatePem] });
  };

  it("a licence with the chain in x5c (the form issued before) still PASSES, also with a trust list that carries no certificates", async () => {
    const legacy = await resign((_p, h) => {
      const { iat, ...rest } = h;
      Object.keys(h).forEach((k) => delete h[k]);
      Object.assign(h, rest, { x5c: w.departments.ES256.context.x5c, iat });
    });
    expect(JSON.parse(fromB64u(legacy.split(".")[0]!)).x5c).toHaveLength(2);
    expect((await verify(legacy)).indication).toBe("PASSED");
    expect((await verify(legacy, { trustList: await withoutPool() })).indication).toBe("PASSED");
  });

  it("without the certificate in the trust list the compact form is INDETERMINATE, the archive form (xVals) PASSES", async () => {
    const trustList = await withoutPool();
    const compact = await verify(issued.compact, { trustList });
    expect(compact.indication).toBe("INDETERMINATE");
    expect(compact.subIndication).toBe("NO_SIGNING_CERTIFICATE_FOUND");
    expect(check(compact, "signature").code).toBe("signing-certificate-not-found");
    expect((await verify(issued.archive as never, { trustList })).indication).toBe("PASSED");
  });

  it("xVals that do not hold the named certificate do not stand in for it", async () => {
    const trustList = await withoutPool();
    const etsiU = [{ xVals: w.departments.ES384.context.x5c.map((val) => ({ x509Cert: { val } })) }];
    const report = await verify({ ...issued.archive, header: { ...issued.archive.header, etsiU } } as never, { trustList });
    expect(report.indication).toBe("INDETERMINATE");
    expect(report.subIndication).toBe("NO_SIGNING_CERTIFICATE_FOUND");
  });

  it("xVals holding something that is not a certificate FAIL as a format failure, as verifyJades says, though the trust list holds the signer", async () => {
    const etsiU = [{ xVals: [{ x509Cert: { val: "AAAA" } }] }];
    const archive = { ...issued.archive, header: { ...issued.archive.header, etsiU } };
    const report = await verify(archive as never);
    expect([report.indication, report.subIndication]).toEqual(["FAILED", "FORMAT_FAILURE"]);
    const jades = await verifyJades(archive as never, { trustAnchors: [w.root.certificatePem], at: LATER, algorithms: ["ES256"], unprotectedMembers: ["disclosures"] });
    expect([jades.indication, jades.subIndication]).toEqual(["FAILED", "FORMAT_FAILURE"]);
  });

  it("base64url-encoded etsiU items are read as clear ones (ETSI TS 119 182-1 clause 5.3.1)", async () => {
    const trustList = await withoutPool();
    const etsiU = issued.archive.header.etsiU!.map((item) => b64u(JSON.stringify(item)));
    expect((await verify({ ...issued.archive, header: { ...issued.archive.header, etsiU } } as never, { trustList })).indication).toBe("PASSED");
  });

  it.each([
    ["not an array", { xVals: [] }],
    ["empty", []],
    ["an item with two properties", [{ xVals: [{ x509Cert: { val: "AAAA" } }], sigTst: {} }]],
    ["clear and encoded items mixed", [{ xVals: [{ x509Cert: { val: "AAAA" } }] }, "eyJ4VmFscyI6W119"]],
    ["an item that is not base64url JSON", ["!!!"]],
    ["empty xVals", [{ xVals: [] }]],
    ["xVals with a non-base64 value", [{ xVals: [{ x509Cert: { val: "not base64!" } }] }]],
    ["xVals with an unknown member", [{ xVals: [{ x509Cert: { val: "AAAA", extra: 1 } }] }]],
    ["xVals with another encoding", [{ xVals: [{ x509Cert: { val: "AAAA", encoding: "urn:pem" } }] }]],
    ["a garbage sigTst", [{ sigTst: "garbage" }]],
    ["a sigTst this verifier cannot check yet", [{ sigTst: { tstTokens: [{ val: "AAAA" }] } }]],
    ["an unknown property", [{ fooVals: [] }]],
  ])("an archive whose etsiU is %s FAILS, never ignored", async (_what, etsiU) => {
    const report = await verify({ ...issued.archive, header: { ...issued.archive.header, etsiU } } as never);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("FORMAT_FAILURE");
  });
});

describe("certificate path and issuer", () => {
  it.each([
    ["a differently named", "Rogue Root CA", "indeterminate", "NO_CERTIFICATE_CHAIN_FOUND"],
    ["a look-alike (same name as the trusted)", "Test Root CA", "failed", "CHAIN_CONSTRAINTS_FAILURE"],
  ])("a chain to %s untrusted root is not PASSED", async (_what, rootName, result, sub) => {
    const rogueRoot = await createRootCa({ commonName: rootName, notBefore: T0 });
    const rogue = await createDepartmentCertificate({
      issuer: { certificatePem: rogueRoot.certificatePem, privateKeyPkcs8: rogueRoot.privateKeyPkcs8, alg: rogueRoot.alg },
      department: { name: "示例市行政审批局", uscc: "11330100MB0000019K" },
      notBefore: T0,
    });
    const signer = await createKeySigner(rogue.privateKeyPkcs8, "ES256");
    const context = await createIssuingContext({ signer, certificateChain: [rogue.certificatePem, rogueRoot.certificatePem] });
    const lic = await issueLicence(context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "ROGUE", issuedAt: ISSUED_AT });
    // The compact form names a certificate the trust list does not hold: no signer to check.
    const compact = await verify(lic.compact);
    expect(compact.indication).toBe("INDETERMINATE");
    expect(check(compact, "signature").subIndication).toBe("NO_SIGNING_CERTIFICATE_FOUND");
    // The archive form brings its own chain, which does not reach a trusted root.
    const report = await verify(lic.archive as never);
    expect(report.indication).not.toBe("PASSED");
    expect(check(report, "certificate-path").result).toBe(result);
    expect(check(report, "certificate-path").subIndication).toBe(sub);
    expect(check(report, "signature").result).toBe("passed");
  });

  it("a licence signed directly with the root CA's key (a leaf that is a CA) FAILS", async () => {
    const signer = await createKeySigner(w.root.privateKeyPkcs8, "ES256");
    const forged = await (async () => {
      const header = JSON.parse(fromB64u(issued.archive.protected));
      header.x5c = [Buffer.from(w.root.certificateDer).toString("base64")];
      header["x5t#S256"] = b64u(new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(w.root.certificateDer))));
      const signed = await signJws(header, Buffer.from(issued.archive.payload, "base64url"), signer);
      return `${toCompact(signed)}~`;
    })();
    const report = await verify(forged);
    expect(report.indication).toBe("FAILED");
    expect(check(report, "certificate-path").result).toBe("failed");
  });

  it("a signing time outside the certificate's validity is not PASSED", async () => {
    const lic = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "OLD", issuedAt: new Date("2025-06-01T00:00:00Z") });
    const report = await verify(lic.compact);
    expect(report.indication).not.toBe("PASSED");
    expect(check(report, "certificate-path").result).toBe("indeterminate");
    expect(check(report, "certificate-path").subIndication).toBe("OUT_OF_BOUNDS_NO_POE");
    // The trust list did not list the department yet either.
    expect(check(report, "issuer-authorised").code).toBe("department-period");
  });

  it("a department not listed for the type FAILS SIG_CONSTRAINTS_FAILURE", async () => {
    const doc = { ...w.document, departments: w.document.departments.map((d) => ({ ...d, licenceTypes: [] })) };
    const trustList = await verifyTrustList(await w.signTrust(doc), { at: ISSUED_AT, algorithms: ["ES256"], operatorCertificates: [w.operator.certificatePem] });
    const report = await verify(issued.compact, { trustList });
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("SIG_CONSTRAINTS_FAILURE");
    expect(check(report, "issuer-authorised").code).toBe("type-not-authorised");
  });

  it("another department's genuine certificate cannot sign this department's licence", async () => {
    const other = w.departments.other;
    const header = JSON.parse(fromB64u(issued.archive.protected));
    header.x5c = other.context.x5c;
    header["x5t#S256"] = other.context.x5tS256;
    const signed = await signJws(header, Buffer.from(issued.archive.payload, "base64url"), other.signer);
    const report = await verify(`${toCompact(signed)}~`);
    expect(report.indication).toBe("FAILED");
    expect(check(report, "issuer-authorised").code).toBe("certificate-department");
  });

  it("a certificate not pinned for the department FAILS", async () => {
    const doc = { ...w.document, departments: w.document.departments.map((d) => ({ ...d, certificates: d.certificates.slice(1) })) };
    const trustList = await verifyTrustList(await w.signTrust(doc), { at: ISSUED_AT, algorithms: ["ES256"], operatorCertificates: [w.operator.certificatePem] });
    const report = await verify(issued.compact, { trustList });
    expect(check(report, "issuer-authorised").code).toBe("certificate-not-listed");
  });
});

describe("disclosures", () => {
  const [d0, d1] = [0, 1];
  it("a forged disclosure (changed value) fails HASH_FAILURE", async () => {
    const d = issued.disclosures[d0]!;
    const [salt, name] = JSON.parse(fromB64u(d.encoded));
    const forged = b64u(JSON.stringify([salt, name, "99999999"]));
    const report = await verify(`${issued.jws}~${forged}~`);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("HASH_FAILURE");
    expect(check(report, "disclosures").code).toBe("unreferenced");
  });

  it("a duplicated disclosure fails", async () => {
    const d = issued.disclosures[d1]!.encoded;
    const report = await verify(`${issued.jws}~${d}~${d}~`);
    expect(report.subIndication).toBe("HASH_FAILURE");
    expect(check(report, "disclosures").code).toBe("duplicate");
  });

  it("a disclosure from another licence fails", async () => {
    const otherLic = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "OTHER", issuedAt: ISSUED_AT });
    const report = await verify(`${issued.jws}~${otherLic.disclosures[0]!.encoded}~`);
    expect(report.subIndication).toBe("HASH_FAILURE");
  });

  it("a disclosure that collides with a plain claim fails", async () => {
    const forged = await resign((p) => {
      const d = JSON.parse(fromB64u(issued.disclosures[0]!.encoded));
      p.fields[d[1]] = "plain";
    });
    const report = await verify(forged);
    expect(report.subIndication).toBe("HASH_FAILURE");
    expect(check(report, "disclosures").code).toBe("name-collision");
  });

  it.each([
    ["not base64url", "***"],
    ["not JSON", b64u("nope")],
    ["wrong shape", b64u('["salt"]')],
    ["reserved name", b64u('["salt","_sd","x"]')],
  ])("a malformed disclosure (%s) fails", async (_n, d) => {
    const report = await verify(`${issued.jws}~${d}~`);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("HASH_FAILURE");
  });
});

describe("validity period", () => {
  it("before validFrom → FAILED NOT_YET_VALID", async () => {
    const lic = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "FUTURE", issuedAt: ISSUED_AT, validFrom: new Date("2027-01-01T00:00:00Z") });
    const report = await verify(lic.compact);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("NOT_YET_VALID");
  });

  it("after validUntil → FAILED EXPIRED", async () => {
    const lic = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "SHORT", issuedAt: ISSUED_AT, validUntil: new Date("2026-04-01T00:00:00Z") });
    const report = await verify(lic.compact);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("EXPIRED");
  });

  it("a signing time after the verification time FAILS", async () => {
    const report = await verify(issued.compact, { at: new Date("2026-02-01T00:00:00Z") });
    expect(report.indication).toBe("FAILED");
    expect(check(report, "validity-period").code).toBe("signing-time-in-future");
  });
});

describe("status", () => {
  const URI = "https://registry.example/v1/status-lists/1";
  let withStatus: IssuedLicence;
  const token = async (value: number, opts: { exp?: Date; signer?: World["statusSigner"]; chain?: string[] } = {}) => {
    const list = new StatusList(16, 2);
    list.set(5, value);
    return signStatusListToken({
      uri: URI,
      list,
      issuedAt: new Date("2026-05-01T00:00:00Z"),
      ...(opts.exp ? { expiresAt: opts.exp } : { expiresAt: new Date("2026-07-01T00:00:00Z") }),
      signer: opts.signer ?? w.statusSigner,
      certificateChain: opts.chain ?? [w.status.certificatePem],
    });
  };

  beforeAll(async () => {
    withStatus = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "STATUS", issuedAt: ISSUED_AT, status: { uri: URI, idx: 5 } });
  });

  it("a licence that names no status list PASSES the status check", async () => {
    expect(check(await verify(issued.compact), "status").result).toBe("passed");
  });

  it("names a list the caller did not supply → INDETERMINATE TRY_LATER", async () => {
    const report = await verify(withStatus.compact);
    expect(report.indication).toBe("INDETERMINATE");
    expect(report.subIndication).toBe("TRY_LATER");
  });

  it("valid in the list → PASSED", async () => {
    const report = await verify(withStatus.compact, { statusLists: [await token(0)] });
    expect(report.indication).toBe("PASSED");
    expect(report.status).toBe("valid");
  });

  it("invalid in the list → FAILED REVOKED", async () => {
    const report = await verify(withStatus.compact, { statusLists: [await token(1)] });
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("REVOKED");
  });

  it("suspended in the list → FAILED SUSPENDED", async () => {
    const report = await verify(withStatus.compact, { statusLists: [await token(2)] });
    expect(report.subIndication).toBe("SUSPENDED");
  });

  it("an expired status list → INDETERMINATE", async () => {
    const report = await verify(withStatus.compact, { statusLists: [await token(0, { exp: new Date("2026-05-15T00:00:00Z") })] });
    expect(report.indication).toBe("INDETERMINATE");
  });

  it("a status list signed by a key the trust list does not name → INDETERMINATE, never PASSED", async () => {
    const dept = w.departments.ES256;
    const report = await verify(withStatus.compact, { statusLists: [await token(0, { signer: dept.signer, chain: [dept.cert.certificatePem] })] });
    expect(report.indication).toBe("INDETERMINATE");
    expect(check(report, "status").code).toBe("signer");
  });

  it("a tampered status list → INDETERMINATE", async () => {
    const t = await token(1);
    const [h, p, s] = t.split(".");
    const payload = JSON.parse(fromB64u(p!));
    payload.status_list = JSON.parse(JSON.stringify(new StatusList(16, 2).toJSON()));
    const report = await verify(withStatus.compact, { statusLists: [`${h}.${b64u(JSON.stringify(payload))}.${s}`] });
    expect(report.indication).toBe("INDETERMINATE");
  });
});

describe("status through a resolver", () => {
  const URI = "https://registry.example/v1/status-lists/2";
  let withStatus: IssuedLicence;
  const token = (value: number, uri = URI) => {
    const list = new StatusList(16, 2);
    list.set(7, value);
    return signStatusListToken({
      uri,
      list,
      issuedAt: new Date("2026-05-01T00:00:00Z"),
      expiresAt: new Date("2026-07-01T00:00:00Z"),
      signer: w.statusSigner,
      certificateChain: [w.status.certificatePem],
    });
  };
  beforeAll(async () => {
    withStatus = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "RESOLVE", issuedAt: ISSUED_AT, status: { uri: URI, idx: 7 } });
  });

  it("is asked for the reference the licence names, and its list decides", async () => {
    const asked: unknown[] = [];
    const valid = await token(0);
    const report = await verify(withStatus.compact, { statusLists: (ref) => (asked.push(ref), valid) });
    expect(asked).toEqual([{ uri: URI, idx: 7 }]);
    expect(report.indication).toBe("PASSED");
    const revoked = await token(1);
    expect((await verify(withStatus.compact, { statusLists: async () => revoked })).subIndication).toBe("REVOKED");
  });

  it("no list, another list, or a resolver that throws → INDETERMINATE, never PASSED", async () => {
    const other = await token(0, "https://registry.example/v1/status-lists/3");
    for (const statusLists of [() => undefined, () => other, () => Promise.reject(new Error("offline")), () => "not a token"]) {
      const report = await verify(withStatus.compact, { statusLists });
      expect(report.indication).toBe("INDETERMINATE");
      expect(report.subIndication).toBe("TRY_LATER");
    }
  });

  it("is not asked when the signature does not verify", async () => {
    const [h, p] = withStatus.jws.split(".");
    let asked = 0;
    const report = await verify(`${h}.${p}.${"A".repeat(86)}~`, { statusLists: () => (asked++, undefined) });
    expect(report.indication).toBe("FAILED");
    expect(asked).toBe(0);
  });
});

describe("prototype pollution", () => {
  it("a payload member named __proto__ stays a plain member", async () => {
    const w2 = await world();
    const header = JSON.parse(Buffer.from(issued.archive.protected, "base64url").toString());
    const text = Buffer.from(issued.archive.payload, "base64url").toString().replace('"fields":{', '"fields":{"__proto__":{"polluted":true},');
    const signed = await signJws(header, new TextEncoder().encode(text), w2.departments.ES256.signer);
    const report = await verifyLicence(`${toCompact(signed)}~`, { trustList: w2.trustList, at: LATER, algorithms: ALGS });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (report.licence) {
      expect(Object.getPrototypeOf(report.licence.fields)).toBe(Object.prototype);
      expect((report.licence.fields as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});
