/**
 * Holder binding through the registry, on both storage adapters: a type registered with
 * `holderBinding` is published as such in the trust list; its licences carry the holder's key in
 * `cnf` (required for it, refused for other types); amend and renew keep the same key; and a
 * presentation of a registry-issued licence verifies against the registry's trust list and status.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALGORITHMS, verifyTrustList, type LicenceType, type RegistryApi, type TrustList } from "@elicence/core";
import { createKeySigner } from "@elicence/core/jws";
import { createPresentation, generateHolderKey, verifyPresentation, type GeneratedHolderKey } from "@elicence/core/presentation";
import { BUSINESS_LICENCE, SAMPLE_DEPARTMENT } from "@elicence/registry/samples";
import { ADAPTERS, BUSINESS_FIELDS, COMPANY, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

const BOUND: LicenceType = { ...BUSINESS_LICENCE, code: `${SAMPLE_DEPARTMENT.code}009`, name: "持证人绑定的营业执照", holderBinding: true };

function payloadOf(compact: string): Record<string, any> {
  return JSON.parse(Buffer.from(compact.split("~")[0]!.split(".")[1]!, "base64url").toString("utf8"));
}

describe.each(ADAPTERS)("holder binding on %s", (adapter) => {
  let w: RegistryWorld;
  let issuer: RegistryApi;
  let holder: GeneratedHolderKey;
  let trust: TrustList;
  let seq = 0;
  const rid = () => `bound-${adapter}-${++seq}`;

  beforeAll(async () => {
    w = await registryWorld(adapter);
    await w.admin.registerLicenceType(BOUND);
    const key = await w.registry.createApiKey({ department: SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: [BOUND.code, BUSINESS_LICENCE.code] });
    issuer = await w.registry.session(key.key);
    holder = await generateHolderKey();
    trust = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  it("the trust list publishes the type's holder binding; the catalogue keeps it", async () => {
    expect(trust.holderBinding(BOUND.code)).toBe(true);
    expect(trust.holderBinding(BUSINESS_LICENCE.code)).toBe(false);
    expect((await issuer.getLicenceType(BOUND.code)).holderBinding).toBe(true);
  });

  it("issues with the holder's key in cnf; refuses a missing key, a key for an unbound type, and a private key", async () => {
    const record = await issuer.issue({ requestId: rid(), type: BOUND.code, holder: COMPANY, fields: BUSINESS_FIELDS, holderKey: holder.publicJwk });
    expect(payloadOf(record.licence).cnf).toEqual({ jwk: holder.publicJwk });
    const refused = (p: Promise<unknown>) => p.then(() => "issued", (e: { code?: string }) => e.code);
    expect(await refused(issuer.issue({ requestId: rid(), type: BOUND.code, holder: COMPANY, fields: BUSINESS_FIELDS }))).toBe("ERR_VALIDATION");
    expect(await refused(issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS, holderKey: holder.publicJwk }))).toBe("ERR_VALIDATION");
    expect(await refused(issuer.issue({ requestId: rid(), type: BOUND.code, holder: COMPANY, fields: BUSINESS_FIELDS, holderKey: { ...holder.publicJwk, d: "secret" } as never }))).toBe("ERR_VALIDATION");
  });

  it("amend and renew keep the holder's key; a presentation of the new version PASSES with the registry's status list", async () => {
    const first = await issuer.issue({ requestId: rid(), type: BOUND.code, holder: COMPANY, fields: BUSINESS_FIELDS, holderKey: holder.publicJwk });
    const amended = await issuer.amend(first.id, { requestId: rid(), fields: { address: "新地址9号" }, reason: "地址变更" });
    const renewed = await issuer.renew(amended.id, { requestId: rid(), validUntil: "2040-01-01T00:00:00Z", reason: "延续" });
    for (const r of [amended, renewed]) expect(payloadOf(r.licence).cnf).toEqual({ jwk: holder.publicJwk });
    const nonce = `nonce-${adapter}`;
    const audience = "https://window.example";
    const text = await createPresentation(renewed.licence, { disclose: ["address"], nonce, audience, holderKey: await createKeySigner(holder.pkcs8, "ES256"), at: new Date() });
    const statusLists = [await w.registry.public.statusList(0)];
    const report = await verifyPresentation(text, { trustList: trust, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists, nonce, audience });
    expect(report.indication).toBe("PASSED");
    expect(report.licence!.fields.address).toBe("新地址9号");
    // The superseded first version is FAILED even with a perfect key binding.
    const old = await createPresentation(first.licence, { disclose: [], nonce, audience, holderKey: await createKeySigner(holder.pkcs8, "ES256"), at: new Date() });
    const oldReport = await verifyPresentation(old, { trustList: trust, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists: [await w.registry.public.statusList(0)], nonce, audience });
    expect([oldReport.indication, oldReport.subIndication]).toEqual(["FAILED", "SUPERSEDED"]);
  });
});
