/**
 * The registry publishes why a licence ended (revoked, cancelled, superseded) in its status list
 * tokens, so an offline verifier tells them apart; its trust list says every catalogued type's
 * licences must carry status. Run against both storage adapters.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALGORITHMS, verifyLicence, verifyTrustList, type TrustList } from "@elicence/core";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE } from "@elicence/registry/samples";
import { ADAPTERS, BUSINESS_FIELDS, COMPANY, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

describe.each(ADAPTERS)("status reasons on %s", (adapter) => {
  let w: RegistryWorld;
  let trust: TrustList;
  let seq = 0;
  const rid = () => `reasons-${adapter}-${++seq}`;
  const issue = () => w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  const verify = async (compact: string) =>
    verifyLicence(compact, { trustList: trust, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists: [await w.registry.public.statusList(0)] });

  beforeAll(async () => {
    w = await registryWorld(adapter);
    trust = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  it("the trust list says every catalogued type's licences must carry status", () => {
    expect(trust.statusRequired(BUSINESS_LICENCE.code)).toBe(true);
    expect(trust.statusRequired(OPERATOR_CERTIFICATE.code)).toBe(true);
  });

  it("revoked, cancelled and superseded licences verify FAILED with their own sub-indication, offline", async () => {
    const revoked = await issue();
    const cancelled = await issue();
    const amendedFrom = await issue();
    const active = await issue();
    await w.issuer.revoke(revoked.id, { reason: "吊销" });
    await w.issuer.cancel(cancelled.id, { reason: "注销" });
    const amended = await w.issuer.amend(amendedFrom.id, { requestId: rid(), fields: { address: "新地址2号" }, reason: "地址变更" });
    const r = await verify(revoked.licence);
    expect([r.indication, r.subIndication, r.status]).toEqual(["FAILED", "REVOKED", "revoked"]);
    const c = await verify(cancelled.licence);
    expect([c.indication, c.subIndication, c.status]).toEqual(["FAILED", "CANCELLED", "cancelled"]);
    const s = await verify(amendedFrom.licence);
    expect([s.indication, s.subIndication, s.status, s.supersededBy]).toEqual(["FAILED", "SUPERSEDED", "superseded", amended.id]);
    expect((await verify(amended.licence)).indication).toBe("PASSED");
    expect((await verify(active.licence)).indication).toBe("PASSED");
  });

  it("a suspended licence resumed has no reason left; the token changes with every status change", async () => {
    const record = await issue();
    await w.issuer.suspend(record.id, { reason: "暂扣" });
    expect((await verify(record.licence)).subIndication).toBe("SUSPENDED");
    await w.issuer.resume(record.id, { reason: "恢复" });
    expect((await verify(record.licence)).indication).toBe("PASSED");
  });
});
