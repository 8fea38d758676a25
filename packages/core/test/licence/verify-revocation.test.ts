import { beforeAll, describe, expect, it } from "vitest";
import { createCrl } from "@elicence/pki";
import { issueLicence, type IssuedLicence } from "../../src/licence/issue.js";
import { verifyLicence } from "../../src/licence/verify.js";
import { parseCertificate } from "../../src/x509/certificate.js";
import type { VerificationReport } from "../../src/licence/report.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, LATER, world, type World } from "../fixtures/world.js";

const DAY = 86_400_000;
let w: World;
let issued: IssuedLicence;
let serial: string;

beforeAll(async () => {
  w = await world();
  issued = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "2026000101", issuedAt: ISSUED_AT });
  serial = parseCertificate(w.departments.ES256.cert.certificateDer).serialNumber;
});

const current = () => ({ thisUpdate: new Date(LATER.getTime() - DAY), nextUpdate: new Date(LATER.getTime() + 7 * DAY) });
const crl = (revoked: { serialNumber: string; revocationTime: Date }[], times = current()) => createCrl({ issuer: w.root, ...times, crlNumber: 1, revoked });
const verify = (revocation?: Parameters<typeof verifyLicence>[1]["revocation"]) =>
  verifyLicence(issued.compact, { trustList: w.trustList, at: LATER, algorithms: ["ES256"], ...(revocation ? { revocation } : {}) });
const path = (report: VerificationReport) => report.checks.find((c) => c.check === "certificate-path")!;

describe("verifyLicence with revocation evidence", () => {
  it("passes the certificate path with a current CRL that does not list the signer", async () => {
    expect(path(await verify({ crls: [await crl([])] }))).toMatchObject({ result: "passed" });
  });

  it("is INDETERMINATE REVOKED_NO_POE when the signer was revoked after the claimed signing time", async () => {
    const report = await verify({ crls: [await crl([{ serialNumber: serial, revocationTime: new Date("2026-05-01T00:00:00Z") }])] });
    expect(report.indication).toBe("INDETERMINATE");
    expect(path(report)).toMatchObject({ result: "indeterminate", subIndication: "REVOKED_NO_POE", code: "REVOKED" });
  });

  it("FAILS REVOKED when the signer was revoked before the claimed signing time", async () => {
    const report = await verify({ crls: [await crl([{ serialNumber: serial, revocationTime: new Date(ISSUED_AT.getTime() - DAY) }])] });
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("REVOKED");
    expect(path(report)).toMatchObject({ result: "failed", subIndication: "REVOKED", code: "REVOKED" });
  });

  it("fails closed: no evidence or only stale evidence is INDETERMINATE TRY_LATER, never PASSED", async () => {
    const none = await verify({});
    expect(none.indication).toBe("INDETERMINATE");
    expect(path(none)).toMatchObject({ result: "indeterminate", subIndication: "TRY_LATER", code: "REVOCATION_UNKNOWN" });
    const stale = await verify({ crls: [await crl([], { thisUpdate: new Date(LATER.getTime() - 30 * DAY), nextUpdate: new Date(LATER.getTime() - DAY) })] });
    expect(path(stale)).toMatchObject({ result: "indeterminate", subIndication: "TRY_LATER" });
  });

  it("the trust list's path cache never bypasses revocation evidence", async () => {
    expect(path(await verify())).toMatchObject({ result: "passed" });
    const revoked = await crl([{ serialNumber: serial, revocationTime: new Date(ISSUED_AT.getTime() - DAY) }]);
    expect(path(await verify({ crls: [revoked] }))).toMatchObject({ result: "failed", code: "REVOKED" });
    expect(path(await verify({ crls: [await crl([])] }))).toMatchObject({ result: "passed" });
    expect(path(await verify({ crls: [revoked] }))).toMatchObject({ result: "failed", code: "REVOKED" });
  });
});
