import { beforeAll, describe, expect, it } from "vitest";
import { createCrl, createRootCa, createTimestampAuthority, createTsaCertificate, createDepartmentCertificate, type DevPkiCertificate } from "@elicence/pki";
import { encodeRevocationValues } from "../../src/jades/revocation-values.js";
import { verifyJades } from "../../src/jades/verify.js";
import { parseCertificate } from "../../src/x509/certificate.js";
import { issueLicence, type IssuedLicence } from "../../src/licence/issue.js";
import { verifyLicence } from "../../src/licence/verify.js";
import { judgeRevocation } from "../../src/jades/revocation-status.js";
import { verifyTrustList, type TrustList } from "../../src/trust/trust-list.js";
import { createTimestampRequest, readTimestampResponse } from "../../src/timestamp.js";
import { archiveTimestampData, archiveTimestampProperty, signatureTimestampData, signatureTimestampProperty } from "../../src/jades/timestamp-properties.js";
import { encodeBase64 } from "../../src/encoding/base64.js";
import type { VerificationReport } from "../../src/licence/report.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, LATER, T0, world, type World } from "../fixtures/world.js";

const STAMPED_AT = new Date(ISSUED_AT.getTime() + 1500);
const DEPT_EXPIRED = new Date("2030-06-01T00:00:00Z"); // the department certificate ends 2029-01-01
const TSA_EXPIRED = new Date("2033-06-01T00:00:00Z"); // the first TSA certificate ends 2031-01-01 (the licence 2036-03-01)
const b64u = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

let w: World;
let trustList: TrustList;
let issued: IssuedLicence;
let tsaCert: DevPkiCertificate;
let laterTsaCert: DevPkiCertificate;

const issuer = () => ({ certificatePem: w.root.certificatePem, privateKeyPkcs8: w.root.privateKeyPkcs8, alg: w.root.alg });

async function stamp(cert: DevPkiCertificate, data: Uint8Array, when: Date): Promise<Uint8Array> {
  const tsa = await createTimestampAuthority({ certificatePem: cert.certificatePem, privateKeyPkcs8: cert.privateKeyPkcs8, alg: cert.alg, clock: () => when });
  const request = createTimestampRequest(data);
  return readTimestampResponse(await tsa.respond(request.der), request);
}

/** The archive with more etsiU elements, all base64url-encoded (the form arcTst needs). */
function withEtsiU(...more: unknown[]): Record<string, unknown> {
  const etsiU = [...issued.archive.header.etsiU!, ...more].map((e) => (typeof e === "string" ? e : b64u(e)));
  return { ...issued.archive, header: { ...issued.archive.header, etsiU } };
}

async function withSigTst(cert = tsaCert, when = STAMPED_AT, data = signatureTimestampData(issued.archive.signature)) {
  return withEtsiU(signatureTimestampProperty(await stamp(cert, data, when)));
}

/** Adds an archive time-stamp made at `when` over everything in `archive`. */
async function withArcTst(archive: Record<string, any>, cert: DevPkiCertificate, when: Date) {
  const preceding = (archive.header.etsiU as string[]).join("");
  const data = archiveTimestampData({ protectedB64: archive.protected, payloadB64: archive.payload, signatureB64: archive.signature }, preceding);
  const token = await stamp(cert, data, when);
  return { ...archive, header: { ...archive.header, etsiU: [...archive.header.etsiU, b64u(archiveTimestampProperty(token))] } };
}

const verify = (input: Record<string, unknown> | string, at: Date, trust = trustList) => verifyLicence(input, { trustList: trust, at, algorithms: ["ES256"] });
const timestampChecks = (r: VerificationReport) => r.checks.filter((c) => c.check === "timestamp");
const path = (r: VerificationReport) => r.checks.find((c) => c.check === "certificate-path")!;

beforeAll(async () => {
  w = await world();
  tsaCert = await createTsaCertificate({ issuer: issuer(), commonName: "Test TSA", notBefore: T0, notAfter: new Date("2031-01-01T00:00:00Z") });
  laterTsaCert = await createTsaCertificate({ issuer: issuer(), commonName: "Test TSA 2030", notBefore: new Date("2030-01-01T00:00:00Z"), notAfter: new Date("2050-01-01T00:00:00Z") });
  const services = [
    ...w.document.services,
    { role: "time-stamping" as const, name: "TSA", certificate: encodeBase64(tsaCert.certificateDer) },
    { role: "time-stamping" as const, name: "TSA 2030", certificate: encodeBase64(laterTsaCert.certificateDer) },
  ];
  trustList = await verifyTrustList(await w.signTrust({ ...w.document, services }), { at: ISSUED_AT, algorithms: ["ES256"], operatorCertificates: [w.operator.certificatePem] });
  issued = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "2026000077", issuedAt: ISSUED_AT });
});

describe("B-T: a signature time-stamp (sigTst)", () => {
  it("PASSES at B-T with a check entry that says what the time-stamp proved", async () => {
    const report = await verify(await withSigTst(), LATER);
    expect(report.indication).toBe("PASSED");
    expect(report.level).toBe("B-T");
    expect(report.proofOfExistence).toBe(STAMPED_AT.toISOString());
    expect(timestampChecks(report)).toEqual([
      expect.objectContaining({ result: "passed", timestamp: { kind: "signature", element: 1, genTime: STAMPED_AT.toISOString(), tsa: "CN=Test TSA,C=CN", judgedAt: LATER.toISOString() } }),
    ]);
    expect((await verify(issued.compact, LATER)).level).toBe("B-B");
  });

  it("department certificate expired after signing: PASSES with sigTst, INDETERMINATE without", async () => {
    const stamped = await verify(await withSigTst(), DEPT_EXPIRED);
    expect(stamped.indication).toBe("PASSED");
    expect(path(stamped).message).toContain("time-stamp");
    const bare = await verify(issued.archive as never, DEPT_EXPIRED);
    expect(bare.indication).toBe("INDETERMINATE");
    expect(bare.subIndication).toBe("OUT_OF_BOUNDS_NO_POE");
    expect(path(bare)).toMatchObject({ result: "indeterminate", code: "EXPIRED" });
  });

  it("a time-stamp made after the department certificate expired proves nothing useful", async () => {
    const late = await verify(await withSigTst(tsaCert, new Date("2029-06-01T00:00:00Z")), DEPT_EXPIRED);
    expect(late.indication).toBe("INDETERMINATE");
    expect(late.subIndication).toBe("OUT_OF_BOUNDS_NO_POE");
  });

  it("a TSA certificate without the timeStamping EKU makes the timestamp check fail", async () => {
    const department = await createDepartmentCertificate({ issuer: issuer(), department: { name: "Not a TSA", uscc: "11330100MB0000019K" }, notBefore: T0 });
    const report = await verify(await withSigTst(department), LATER);
    expect(report.indication).toBe("FAILED");
    expect(timestampChecks(report)[0]).toMatchObject({ result: "failed", code: "TSA_EXTENDED_KEY_USAGE" });
  });

  it("a TSA the trust list does not list, a time-stamp over other data, and a time-stamp older than iat FAIL", async () => {
    const unlisted = await createTsaCertificate({ issuer: issuer(), commonName: "Unlisted TSA", notBefore: T0 });
    expect(timestampChecks(await verify(await withSigTst(unlisted), LATER))[0]).toMatchObject({ result: "failed", code: "tsa-not-listed" });
    const other = await verify(await withSigTst(tsaCert, STAMPED_AT, new TextEncoder().encode("another signature")), LATER);
    expect(other.indication).toBe("FAILED");
    expect(timestampChecks(other)[0]).toMatchObject({ result: "failed", code: "IMPRINT_MISMATCH", subIndication: "HASH_FAILURE" });
    const earlyInput = await withSigTst(tsaCert, new Date(ISSUED_AT.getTime() - 3600_000));
    const early = await verify(earlyInput, LATER);
    expect(timestampChecks(early)[0]).toMatchObject({ result: "failed", code: "timestamp-before-signing-time" });
    // The token still proves the signature existed at its time; the claimed signing time is what is
    // wrong. verifyJades says the same (its signing-time step fails).
    expect([early.indication, early.subIndication, early.proofOfExistence]).toEqual(["FAILED", "SIG_CONSTRAINTS_FAILURE", new Date(ISSUED_AT.getTime() - 3600_000).toISOString()]);
    const jades = await verifyJades(earlyInput, { trustAnchors: [w.root.certificatePem], at: LATER, algorithms: ["ES256"], unprotectedMembers: ["disclosures"] });
    expect([jades.indication, jades.subIndication]).toEqual(["FAILED", "SIG_CONSTRAINTS_FAILURE"]);
    expect(jades.signatures[0]!.checks.find((c) => c.check === "signing-time")).toMatchObject({ code: "signing-time-after-timestamp" });
  });

  it("both validators judge a time-stamp alike: over other data FAILED (HASH_FAILURE); by a TSA that chains to no anchor INDETERMINATE (NO_POE)", async () => {
    const jades = (input: Record<string, unknown>) =>
      verifyJades(input, { trustAnchors: [w.root.certificatePem], at: LATER, algorithms: ["ES256"], unprotectedMembers: ["disclosures"] });
    const other = await withSigTst(tsaCert, STAMPED_AT, new TextEncoder().encode("another signature"));
    // EN 319 102-1 §5.4: a message imprint that is not the hash of the covered data is a HASH_FAILURE.
    expect([(await verify(other, LATER)).subIndication, (await jades(other)).subIndication]).toEqual(["HASH_FAILURE", "HASH_FAILURE"]);
    // A TSA whose path cannot be built proves nothing, and is not shown to be bad: INDETERMINATE.
    const rogueRoot = await createRootCa({ commonName: "Rogue Root CA", notBefore: T0 });
    const rogueTsa = await createTsaCertificate({ issuer: { certificatePem: rogueRoot.certificatePem, privateKeyPkcs8: rogueRoot.privateKeyPkcs8, alg: rogueRoot.alg }, commonName: "Rogue TSA", notBefore: T0 });
    const rogue = await withSigTst(rogueTsa);
    const report = await verify(rogue, LATER);
    expect([report.indication, report.subIndication]).toEqual(["INDETERMINATE", "NO_POE"]);
    expect(timestampChecks(report)[0]).toMatchObject({ result: "indeterminate", subIndication: "NO_POE", code: "TSA_PATH_INVALID" });
    expect([(await jades(rogue)).indication, (await jades(rogue)).subIndication]).toEqual(["INDETERMINATE", "NO_POE"]);
  });

  it("a time-stamp signed with an algorithm outside timestampAlgorithms proves nothing: FAILED (CRYPTO_CONSTRAINTS_FAILURE), in both validators", async () => {
    const input = await withSigTst();
    expect(tsaCert.alg).toBe("ES256");
    // The default accepts any algorithm core implements; a list that names the TSA's accepts it too.
    expect((await verify(input, LATER)).indication).toBe("PASSED");
    const listed = await verifyLicence(input, { trustList, at: LATER, algorithms: ["ES256"], timestampAlgorithms: ["SM2SM3", "ES256"] });
    expect([listed.indication, listed.level]).toEqual(["PASSED", "B-T"]);
    // A national-algorithm-only policy for TSAs refuses the ES256 token.
    const refused = await verifyLicence(input, { trustList, at: LATER, algorithms: ["ES256"], timestampAlgorithms: ["SM2SM3"] });
    expect([refused.indication, refused.subIndication]).toEqual(["FAILED", "CRYPTO_CONSTRAINTS_FAILURE"]);
    expect(timestampChecks(refused)[0]).toMatchObject({ result: "failed", code: "ALGORITHM_NOT_ALLOWED" });
    expect(refused.proofOfExistence).toBeUndefined();
    // verifyJades takes the same option, with the same outcome.
    const jades = (timestampAlgorithms?: ("SM2SM3" | "ES256")[]) =>
      verifyJades(input, { trustAnchors: [w.root.certificatePem], at: LATER, algorithms: ["ES256"], unprotectedMembers: ["disclosures"], ...(timestampAlgorithms ? { timestampAlgorithms } : {}) });
    expect((await jades()).indication).toBe("PASSED");
    const jadesRefused = await jades(["SM2SM3"]);
    expect([jadesRefused.indication, jadesRefused.subIndication]).toEqual(["FAILED", "CRYPTO_CONSTRAINTS_FAILURE"]);
    expect(jadesRefused.signatures[0]!.checks.find((c) => c.check === "signature-timestamp")).toMatchObject({ result: "failed", code: "ALGORITHM_NOT_ALLOWED" });
  });

  it("timestampAlgorithms that is not a list of algorithms core implements is a TypeError, before anything is judged", async () => {
    const input = await withSigTst();
    for (const bad of [[], ["HS256"], ["none"], "ES256", [42]]) {
      await expect(verifyLicence(input, { trustList, at: LATER, algorithms: ["ES256"], timestampAlgorithms: bad as never })).rejects.toThrow(TypeError);
      await expect(verifyJades(input, { trustAnchors: [w.root.certificatePem], at: LATER, algorithms: ["ES256"], timestampAlgorithms: bad as never })).rejects.toThrow(TypeError);
    }
  });

  it("garbage in sigTst is a failed check, never ignored", async () => {
    for (const sigTst of [{ tstTokens: [{ val: "AAAA" }] }, { tstTokens: [{ val: encodeBase64(new Uint8Array(300).fill(0x30)) }] }]) {
      const report = await verify(withEtsiU({ sigTst }), LATER);
      expect(report.indication).toBe("FAILED");
      expect(timestampChecks(report)[0]).toMatchObject({ result: "failed", code: "MALFORMED" });
    }
    for (const sigTst of ["garbage", {}, { tstTokens: [] }, { tstTokens: [{ val: "AAAA", encoding: "x" }] }, { tstTokens: [{ val: "AAAA" }], canonAlg: "x" }]) {
      const report = await verify(withEtsiU({ sigTst }), LATER);
      expect(report.indication, JSON.stringify(sigTst)).toBe("FAILED");
      expect(report.subIndication).toBe("FORMAT_FAILURE");
    }
  });
});

describe("B-LTA: archive time-stamps (arcTst)", () => {
  it("once the first TSA's certificate has expired too, an archive time-stamp keeps the proof: PASSED at B-LTA", async () => {
    const bt = await withSigTst();
    const without = await verify(bt, TSA_EXPIRED);
    expect(without.indication).toBe("INDETERMINATE");
    expect(timestampChecks(without)[0]).toMatchObject({ result: "indeterminate", subIndication: "NO_POE" });
    const lta = await withArcTst(bt, laterTsaCert, new Date("2030-06-01T00:00:00Z"));
    const report = await verify(lta, TSA_EXPIRED);
    expect(report.indication).toBe("PASSED");
    // No revocation values: the archive time-stamp preserves a B-T signature, which stays B-T.
    expect(report.level).toBe("B-T");
    expect(report.proofOfExistence).toBe(STAMPED_AT.toISOString());
    expect(timestampChecks(report).map((c) => [c.timestamp!.kind, c.result, c.timestamp!.judgedAt])).toEqual([
      ["signature", "passed", "2030-06-01T00:00:00.000Z"],
      ["archive", "passed", TSA_EXPIRED.toISOString()],
    ]);
  });

  it("an archive time-stamp over changed evidence FAILS", async () => {
    const lta = await withArcTst(await withSigTst(), laterTsaCert, new Date("2030-06-01T00:00:00Z"));
    const etsiU = [...lta.header.etsiU];
    etsiU.splice(1, 1, b64u(signatureTimestampProperty(await stamp(tsaCert, signatureTimestampData(issued.archive.signature), STAMPED_AT))));
    const report = await verify({ ...lta, header: { ...lta.header, etsiU } }, TSA_EXPIRED);
    expect(report.indication).toBe("FAILED");
    expect(timestampChecks(report)[1]).toMatchObject({ result: "failed", code: "IMPRINT_MISMATCH" });
  });

  it("an arcTst in clear-form etsiU proves nothing (its bytes would need a canonicalisation): never PASSED", async () => {
    const clear = { ...issued.archive, header: { ...issued.archive.header, etsiU: [...issued.archive.header.etsiU!, archiveTimestampProperty(new Uint8Array(3))] } };
    const report = await verify(clear as never, LATER);
    expect(report.indication).toBe("INDETERMINATE");
    expect(timestampChecks(report)[0]).toMatchObject({ result: "indeterminate", subIndication: "NO_POE", code: "arcTst-clear-etsiU" });
  });

  it("an unsigned property the licence verifier does not evaluate (cSig) is never PASSED", async () => {
    const report = await verify(withEtsiU({ cSig: "e30.e30.AA" }), LATER);
    expect(report.indication).toBe("INDETERMINATE");
    expect(report.checks.find((c) => c.check === "format")).toMatchObject({ result: "indeterminate", code: "etsiU-unsupported" });
  });
});

describe("B-LT and B-LTA: revocation values (rVals) judged at the proof of existence", () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const serial = () => parseCertificate(w.departments.ES256.cert.certificateDer).serialNumber;
  /** A CRL of the root, gathered an hour after the signature time-stamp (as `augment --level LT` does). */
  const crl = (revoked: { serialNumber: string; revocationTime: Date }[] = [], thisUpdate = new Date(STAMPED_AT.getTime() + HOUR)) =>
    createCrl({ issuer: w.root, thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + 7 * DAY), crlNumber: 1, revoked });
  const withLt = async (crls: Uint8Array[]) => withEtsiU(signatureTimestampProperty(await stamp(tsaCert, signatureTimestampData(issued.archive.signature), STAMPED_AT)), { rVals: encodeRevocationValues({ crls, ocspResponses: [] }) });
  const revocationChecks = (r: VerificationReport) => r.checks.filter((c) => c.check === "revocation-value");

  it("B-LT: the department certificate has expired, the CRL gathered after the time-stamp is long stale, and the licence PASSES", async () => {
    const report = await verify(await withLt([await crl()]), DEPT_EXPIRED);
    expect(report.indication).toBe("PASSED");
    expect(report.level).toBe("B-LT");
    expect(revocationChecks(report)).toEqual([
      expect.objectContaining({ result: "passed", revocation: expect.objectContaining({ source: "crl", index: 0, status: "good", judgedAt: STAMPED_AT.toISOString() }) }),
    ]);
  });

  it("B-LTA: years later, with the first TSA expired too, an archive time-stamp over the evidence keeps it PASSED", async () => {
    const lta = await withArcTst(await withLt([await crl()]), laterTsaCert, new Date("2030-06-01T00:00:00Z"));
    const report = await verify(lta, TSA_EXPIRED);
    expect(report.indication).toBe("PASSED");
    expect(report.level).toBe("B-LTA");
    const changed = { ...lta, header: { ...lta.header, etsiU: lta.header.etsiU.map((e: string, i: number) => (i === 2 ? b64u({ rVals: encodeRevocationValues({ crls: [crlAgain], ocspResponses: [] }) }) : e)) } };
    const tampered = await verify(changed, TSA_EXPIRED);
    expect(tampered.indication).toBe("FAILED");
    expect(timestampChecks(tampered).find((c) => c.timestamp!.kind === "archive")).toMatchObject({ result: "failed", code: "IMPRINT_MISMATCH" });
  });
  let crlAgain: Uint8Array;
  beforeAll(async () => {
    crlAgain = await crl([], new Date(STAMPED_AT.getTime() + 2 * HOUR));
  });

  it("verifyJades judges the same B-LTA licence as verifyLicence: each older time-stamp at the time the next proves, rVals at the proof", async () => {
    const lta = await withArcTst(await withLt([await crl()]), laterTsaCert, new Date("2030-06-01T00:00:00Z"));
    const jades = (input: Record<string, unknown>) =>
      verifyJades(input, { trustAnchors: [w.root.certificatePem], at: TSA_EXPIRED, algorithms: ["ES256"], unprotectedMembers: ["disclosures"] });
    const report = await jades(lta);
    expect(report.indication, JSON.stringify(report.signatures[0]!.checks.filter((c) => c.result !== "passed"))).toBe("PASSED");
    expect(report.signatures[0]!.level).toBe("B-LTA");
    // Without the archive time-stamp, the first TSA's certificate has expired by 2033: nothing is proven.
    const bare = await jades(await withLt([await crl()]));
    expect(bare.indication, JSON.stringify(bare.signatures[0]!.checks.filter((c) => c.result !== "passed"))).toBe("INDETERMINATE");
  });

  it("a CRL revoking the department certificate before the proven time FAILS; revoked only after it PASSES", async () => {
    const before = await verify(await withLt([await crl([{ serialNumber: serial(), revocationTime: new Date(ISSUED_AT.getTime() - DAY) }])]), DEPT_EXPIRED);
    expect(before.indication).toBe("FAILED");
    expect(revocationChecks(before)[0]).toMatchObject({ result: "failed", subIndication: "REVOKED", code: "REVOKED" });
    const revokedAt = new Date(Math.floor(STAMPED_AT.getTime() / 1000) * 1000 + 30 * 60_000); // CRL times are whole seconds
    const after = await verify(await withLt([await crl([{ serialNumber: serial(), revocationTime: revokedAt }])]), DEPT_EXPIRED);
    expect(after.indication).toBe("PASSED");
    expect(revocationChecks(after)[0]).toMatchObject({ result: "passed", revocation: expect.objectContaining({ status: "revoked", revocationTime: revokedAt.toISOString() }) });
  });

  it("evidence gathered after the department certificate expired proves nothing (a CA may drop expired certificates)", async () => {
    const late = await withLt([await crl([], new Date("2029-02-01T00:00:00Z"))]);
    const report = await verify(late, DEPT_EXPIRED);
    expect(report.indication).not.toBe("PASSED");
    expect(report.level).not.toBe("B-LT");
    expect(revocationChecks(report)[0]).toMatchObject({ result: "indeterminate", code: "EVIDENCE_NOT_YET_VALID" });
    // The path holds at the proof of existence; its revocation status then is what is unknown, for
    // verifyLicence as for verifyJades (EN 319 102-1 §5.6.2.4).
    expect([report.indication, report.subIndication]).toEqual(["INDETERMINATE", "TRY_LATER"]);
    expect(path(report)).toMatchObject({ result: "indeterminate", code: "REVOCATION_UNKNOWN" });
    const jades = await verifyJades(late, { trustAnchors: [w.root.certificatePem], at: DEPT_EXPIRED, algorithms: ["ES256"], unprotectedMembers: ["disclosures"] });
    expect([jades.indication, jades.subIndication]).toEqual(["INDETERMINATE", "TRY_LATER"]);
  });

  it("a revocation value whose signature was altered settles nothing: never PASSED alone, and verifyJades agrees (EN 319 102-1 §5.2.6)", async () => {
    const bad = await crl();
    bad[bad.length - 3] ^= 0x01;
    const alone = await withLt([bad]);
    const report = await verify(alone, DEPT_EXPIRED);
    // Revocation information that cannot be validated is not used: the status at the proof is unknown.
    expect([report.indication, report.subIndication]).toEqual(["INDETERMINATE", "TRY_LATER"]);
    expect(report.level).toBe("B-T");
    expect(revocationChecks(report)[0]).toMatchObject({ result: "indeterminate", subIndication: "TRY_LATER", code: "EVIDENCE_SIGNATURE_INVALID" });
    expect(path(report)).toMatchObject({ result: "indeterminate", subIndication: "TRY_LATER", code: "REVOCATION_UNKNOWN" });
    const jades = await verifyJades(alone, { trustAnchors: [w.root.certificatePem], at: DEPT_EXPIRED, algorithms: ["ES256"], unprotectedMembers: ["disclosures"] });
    expect([jades.indication, jades.subIndication]).toEqual(["INDETERMINATE", "TRY_LATER"]);
    // Next to a value that does settle the path, it is reported, skipped, and the licence PASSES at B-LT.
    const beside = await verify(await withLt([bad, await crl()]), DEPT_EXPIRED);
    expect([beside.indication, beside.level]).toEqual(["PASSED", "B-LT"]);
    expect(revocationChecks(beside).map((c) => [c.result, c.code])).toEqual([
      ["skipped", "EVIDENCE_SIGNATURE_INVALID"],
      ["passed", undefined],
    ]);
  });

  it("garbage in rVals is a format failure", async () => {
    for (const rVals of ["x", {}, { crlVals: [] }, { crlVals: [{ val: "" }] }, { crlVals: [{ val: "AAAA", encoding: "x" }] }]) {
      const report = await verify(withEtsiU({ rVals }), LATER);
      expect(report.indication, JSON.stringify(rVals)).toBe("FAILED");
      expect(report.subIndication).toBe("FORMAT_FAILURE");
    }
  });
});

describe("judgeRevocation (the revocation step both validators run), against the proof of existence", () => {
  const revokedAt = new Date("2027-01-01T00:00:00Z");
  const checker = { check: async () => ({ ok: false as const, code: "REVOKED", reason: "revoked", revocationTime: revokedAt }) };
  const judge = (proof?: Date) => judgeRevocation({ checker, path: [], at: LATER, proof });
  it("PASSES with a proof before the revocation, FAILS with a proof at or after it, INDETERMINATE without", async () => {
    const before = await judge(new Date(revokedAt.getTime() - 1));
    expect(before).toMatchObject({ checked: true, revocationTime: revokedAt });
    expect(before).not.toHaveProperty("failure");
    expect(await judge(revokedAt)).toMatchObject({ checked: true, failure: { result: "failed", subIndication: "REVOKED" } });
    expect(await judge()).toMatchObject({ checked: true, failure: { result: "indeterminate", subIndication: "REVOKED_NO_POE" } });
  });
});
