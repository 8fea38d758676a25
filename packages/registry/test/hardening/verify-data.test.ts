/**
 * Hardening defect 4: verify-data is no oracle for withheld fields. Comparing a `conditional` field
 * needs an entitlement to it (an agreement or the holder's authorisation naming it, or being its
 * issuer); `none` is never compared; each department has a rate limit (429 with Retry-After over
 * HTTP); every answered comparison is logged, and a refused one writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp, Registry } from "@elicence/registry";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, CAUSE, COMPANY, CONSUMER, PASSPHRASE, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { code } from "@elicence/test-support/error-code";

const ask = (field: string, value: string) => ({ holder: COMPANY, type: BUSINESS_LICENCE.code, field, value });


describe("verify-data entitlements and rate limit", () => {
  let w: RegistryWorld;
  const logSize = async () => (await w.registry.database.get<{ n: number }>("SELECT COUNT(*) AS n FROM log_entries"))!.n;

  beforeAll(async () => {
    w = await registryWorld("sqlite");
    await w.issuer.issue({ requestId: "vd-1", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  it("refuses to compare a conditional field without an entitlement, and logs nothing", async () => {
    await w.registry.readLog.idle();
    const before = await logSize();
    expect(await code(w.consumer.verifyData(ask("registeredCapital", "500"), CAUSE))).toBe("ERR_FORBIDDEN");
    expect(await code(w.consumer.verifyData(ask("address", "x"), CAUSE))).toBe("ERR_FORBIDDEN");
    await w.registry.readLog.idle();
    expect(await logSize()).toBe(before);
  });

  it("never compares a `none` field, whoever asks", async () => {
    expect(await code(w.consumer.verifyData(ask("legalRepresentativeIdNumber", "440524188001010014"), CAUSE))).toBe("ERR_FORBIDDEN");
    expect(await code(w.issuer.verifyData(ask("legalRepresentativeIdNumber", "440524188001010014"), CAUSE))).toBe("ERR_FORBIDDEN");
  });

  it("compares unconditional fields, and conditional ones once entitled; each comparison is logged", async () => {
    expect(await w.consumer.verifyData(ask("entityType", "有限责任公司"), CAUSE)).toEqual({ match: true });
    await w.admin.createAgreement({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["registeredCapital"], expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await w.registry.readLog.idle();
    const before = await logSize();
    expect(await w.consumer.verifyData(ask("registeredCapital", "500"), CAUSE)).toEqual({ match: true });
    expect(await w.consumer.verifyData(ask("registeredCapital", "501"), CAUSE)).toEqual({ match: false });
    // The agreement names registeredCapital only: address stays refused.
    expect(await code(w.consumer.verifyData(ask("address", "x"), CAUSE))).toBe("ERR_FORBIDDEN");
    // Its issuer compares its own conditional fields.
    expect(await w.issuer.verifyData(ask("address", BUSINESS_FIELDS.address), CAUSE)).toEqual({ match: true });
    await w.registry.readLog.idle();
    expect(await logSize()).toBe(before + 3);
  });

  it("limits each department's comparisons: ERR_RATE_LIMITED in process, 429 with Retry-After over HTTP", async () => {
    const limited = await Registry.open({ home: w.home, db: w.dbUrl, passphrase: PASSPHRASE, verifyDataLimit: { comparisons: 3, perMs: 60_000 } });
    try {
      const consumer = await limited.session(w.keys.consumer);
      for (let i = 0; i < 3; i++) expect(await consumer.verifyData(ask("entityType", `x${i}`), CAUSE)).toEqual({ match: false });
      expect(await code(consumer.verifyData(ask("entityType", "有限责任公司"), CAUSE))).toBe("ERR_RATE_LIMITED");
      // Another department has its own allowance.
      expect(await code((await limited.session(w.keys.otherConsumer)).verifyData(ask("entityType", "x"), CAUSE))).toBe("accepted");
      const app = createHttpApp(limited);
      const res = await app.request("/v1/verify-data", {
        method: "POST",
        headers: { Authorization: `Bearer ${w.keys.consumer}`, "Content-Type": "application/json", "X-Approval-Matter": CAUSE.matter, "X-Read-Reason": encodeURIComponent(CAUSE.reason) },
        body: JSON.stringify({ ...ask("entityType", "x"), holder: { idType: COMPANY.idType, idNumber: COMPANY.idNumber } }),
      });
      expect(res.status, await res.clone().text()).toBe(429);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await res.json()) as { code: string }).code).toBe("ERR_RATE_LIMITED");
    } finally {
      await limited.close();
    }
  });
});
