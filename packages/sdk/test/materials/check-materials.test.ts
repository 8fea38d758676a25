/**
 * The materials check of an approval matter against a real registry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALGORITHMS, computeUsccCheck, type SharedLicence } from "@elicence/core";
import { LicenceVerifier, checkMaterials } from "../../src/index.js";
import { BUSINESS_FIELDS, BUSINESS_LICENCE, CAUSE, COMPANY, OPERATOR_CERTIFICATE, rid, sdkWorld, type SdkWorld } from "../support/world.js";

let s: SdkWorld;
let verifier: LicenceVerifier;
const body = "91330100MA2B3C4D2";
const OTHER_COMPANY = { name: "另一公司", idType: "001", idNumber: body + computeUsccCheck(body) } as const;

beforeAll(async () => {
  s = await sdkWorld();
  verifier = new LicenceVerifier({ source: s.anonymous, operatorCertificates: [s.operatorPem], algorithms: DEFAULT_ALGORITHMS, maxStaleness: 600_000 });
  await s.clients.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  const revoked = await s.clients.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: OTHER_COMPANY, fields: { ...BUSINESS_FIELDS, name: "另一公司" } });
  await s.clients.issuer.revoke(revoked.id, { reason: "违法经营" });
});
afterAll(async () => {
  verifier?.close();
  await s?.close();
});

describe("checkMaterials", () => {
  it("a valid licence is available electronically, with its PASSED report", async () => {
    const result = await checkMaterials(s.clients.consumer, verifier, { holder: COMPANY, licenceTypes: [BUSINESS_LICENCE.code], cause: CAUSE });
    expect(result.complete).toBe(true);
    const [one] = result.results;
    expect(one).toMatchObject({ type: BUSINESS_LICENCE.code, available: true });
    if (one!.available) expect(one!.report.indication).toBe("PASSED");
  });

  it("says why a type is not available: none found, or none current", async () => {
    const result = await checkMaterials(s.clients.consumer, verifier, { holder: OTHER_COMPANY, licenceTypes: [BUSINESS_LICENCE.code, OPERATOR_CERTIFICATE.code], cause: CAUSE });
    expect(result.complete).toBe(false);
    expect(result.results.map((r) => (r.available ? "available" : r.reason))).toEqual(["not-current", "none-found"]);
    const first = result.results[0]!;
    if (!first.available) expect(first.candidates.map((c) => c.licence.status)).toEqual(["revoked"]);
  });

  it("a registry refusal is lookup-failed with its code", async () => {
    const result = await checkMaterials(s.clients.consumer, verifier, { holder: COMPANY, licenceTypes: [BUSINESS_LICENCE.code], cause: undefined as never });
    expect(result.results[0]).toMatchObject({ available: false, reason: "lookup-failed", error: "ERR_CAUSE_REQUIRED" });
  });

  it("a licence that does not verify is verification-failed; one that cannot be verified now is indeterminate", async () => {
    const [real] = await s.clients.consumer.findByHolder(COMPANY, CAUSE, BUSINESS_LICENCE.code);
    const [jws, ...rest] = real!.licence.split("~");
    const [h, p, sig] = jws!.split(".");
    const forged: SharedLicence = { ...real!, licence: [`${h}.${p}.${sig!.slice(0, 5)}${sig![5] === "A" ? "B" : "A"}${sig!.slice(6)}`, ...rest].join("~") };
    const fake = { findByHolder: async () => [forged] };
    const failed = await checkMaterials(fake, verifier, { holder: COMPANY, licenceTypes: [BUSINESS_LICENCE.code], cause: CAUSE });
    expect(failed.results[0]).toMatchObject({ available: false, reason: "verification-failed" });
    const blind = new LicenceVerifier({ offline: true, operatorCertificates: [s.operatorPem], algorithms: DEFAULT_ALGORITHMS, maxStaleness: 600_000 });
    const unknown = await checkMaterials(s.clients.consumer, blind, { holder: COMPANY, licenceTypes: [BUSINESS_LICENCE.code], cause: CAUSE });
    expect(unknown.results[0]).toMatchObject({ available: false, reason: "indeterminate" });
  });

  it("refuses a bad licenceTypes as TypeError", async () => {
    await expect(checkMaterials(s.clients.consumer, verifier, { holder: COMPANY, licenceTypes: "x" as never, cause: CAUSE })).rejects.toThrow(TypeError);
  });
});

describe("checkMaterials by approval matter", () => {
  const MATTER = "330100-SDK-0001";

  beforeAll(async () => {
    await s.clients.admin.addMatter({
      code: MATTER,
      name: "食品经营许可",
      department: "11330100MB0000027E",
      requires: [
        { type: BUSINESS_LICENCE.code, fields: ["name", "address"] },
        { type: OPERATOR_CERTIFICATE.code, fields: [] },
      ],
    });
  });

  it("over HTTP: the matter's types, each verified PASSED or why not, with only the needed fields", async () => {
    const result = await checkMaterials(s.clients.consumer, verifier, { matter: MATTER, holder: COMPANY });
    expect(result.matter?.code).toBe(MATTER);
    expect(result.complete).toBe(false);
    expect(result.results.map((r) => (r.available ? "available" : r.reason))).toEqual(["available", "none-found"]);
    const business = result.results[0]!;
    if (business.available) {
      expect(business.report.indication).toBe("PASSED");
      // The consumer has no agreement: nothing conditional is disclosed, and never more than the matter needs.
      expect(Object.keys(business.report.licence!.fields)).not.toContain("registeredCapital");
    }
    const revoked = await checkMaterials(s.clients.consumer, verifier, { matter: MATTER, holder: OTHER_COMPANY, reason: "申请号 2026-0001" });
    expect(revoked.results.map((r) => (r.available ? "available" : r.reason))).toEqual(["not-current", "none-found"]);
  });

  it("a forged licence from the registry is not available; an unknown matter is refused", async () => {
    const answer = await s.clients.consumer.matterMaterials(MATTER, COMPANY, { matter: MATTER, reason: "x" });
    const real = answer.materials[0]!.licences[0]!;
    const [jws, ...rest] = real.licence.split("~");
    const [h, p, sig] = jws!.split(".");
    const forged: SharedLicence = { ...real, licence: [`${h}.${p}.${sig!.slice(0, 5)}${sig![5] === "A" ? "B" : "A"}${sig!.slice(6)}`, ...rest].join("~") };
    const fake = { matterMaterials: async () => ({ ...answer, materials: [{ ...answer.materials[0]!, licences: [forged] }] }) };
    const failed = await checkMaterials(fake, verifier, { matter: MATTER, holder: COMPANY });
    expect(failed.results[0]).toMatchObject({ available: false, reason: "verification-failed" });
    await expect(checkMaterials(s.clients.consumer, verifier, { matter: "330100-NONE-0000", holder: COMPANY })).rejects.toMatchObject({ code: "ERR_NOT_FOUND" });
  });
});
