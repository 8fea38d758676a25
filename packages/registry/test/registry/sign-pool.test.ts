/**
 * Signing on the worker pool: large batches are built and signed by worker threads (the same
 * worker file the built server runs), per-item errors come back by index exactly as when signing
 * in the main thread, and a worker that dies fails its batch with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALGORITHMS, LicenceError, verifyLicence, verifyTrustList, type TrustList } from "@elicence/core";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_PERSON } from "../../src/workspace/samples.js";
import { logSize } from "../../src/registry/log.js";
import { ADAPTERS, BUSINESS_FIELDS, COMPANY, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

describe.each(ADAPTERS)("signing workers on %s", (adapter) => {
  let w: RegistryWorld;
  let trust: TrustList;
  let seq = 0;
  const rid = () => `pool-${adapter}-${++seq}`;
  const items = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      type: i % 7 === 5 ? "NO-SUCH-TYPE" : BUSINESS_LICENCE.code,
      holder: i % 11 === 4 ? { ...COMPANY, idNumber: "91330100MA2B3C4D1B" } : COMPANY,
      fields: i % 10 === 3 ? { name: "missing fields" } : { ...BUSINESS_FIELDS, name: `公司${i}` },
    }));
  const count = async () => (await w.registry.database.get<{ n: number }>("SELECT COUNT(*) AS n FROM licences"))!.n;

  beforeAll(async () => {
    w = await registryWorld(adapter);
    trust = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  it("a large batch is signed on the workers, with the same per-item errors and valid licences as in this thread", async () => {
    w.registry.workerThreshold = 1_000_000;
    const inThread = await w.issuer.issueBatch({ requestId: rid(), items: items(60) });
    expect(w.registry.signPool!.running).toBe(0);
    w.registry.workerThreshold = 16;
    const onWorkers = await w.issuer.issueBatch({ requestId: rid(), items: items(60) });
    expect(w.registry.signPool!.running).toBeGreaterThan(0);
    expect(onWorkers.errors).toEqual(inThread.errors);
    expect(onWorkers.errors.map((e) => e.code)).toContain("ERR_VALIDATION");
    expect(onWorkers.errors.map((e) => e.code)).toContain("ERR_FORBIDDEN");
    // Items 3, 13, 23 … miss fields: issueLicence refuses them, on the workers.
    for (const index of [3, 13, 23]) {
      const error = onWorkers.errors.find((e) => e.index === index);
      expect(error?.code).toBe("ERR_VALIDATION");
      expect(error?.issues?.length).toBeGreaterThan(0);
    }
    expect(onWorkers.issued.map((r) => r.index)).toEqual(inThread.issued.map((r) => r.index));
    const statusLists = await Promise.all([w.registry.public.statusList(0)]);
    for (const r of [onWorkers.issued[0]!, onWorkers.issued.at(-1)!]) {
      expect((await verifyLicence(r.licence, { trustList: trust, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists })).indication).toBe("PASSED");
    }
    expect((await w.registry.audit()).problems).toEqual([]);
  });

  it("a person's licences and a replayed batch come out the same from the workers", async () => {
    const requestId = rid();
    const batch = Array.from({ length: 20 }, () => ({ type: OPERATOR_CERTIFICATE.code, holder: SAMPLE_PERSON, fields: { operationCategory: "电工作业", operationItem: "低压电工作业", firstIssuedOn: "2019-07-01", gender: "女", birthDate: "1949-12-31" } }));
    const first = await w.issuer.issueBatch({ requestId, items: batch });
    expect(first.errors).toEqual([]);
    const replay = await w.issuer.issueBatch({ requestId, items: batch });
    expect(replay).toEqual(first);
  });

  it("a worker that dies fails its batch with nothing written; the next batch runs on a new worker", async () => {
    const licences = await count();
    const size = await logSize(w.registry.database);
    w.registry.signPool!.crashNextJob();
    const requestId = rid();
    const failed = await w.issuer.issueBatch({ requestId, items: items(80) }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(LicenceError);
    expect((failed as LicenceError).code).toBe("ERR_UNAVAILABLE");
    expect(await count()).toBe(licences);
    expect(await logSize(w.registry.database)).toBe(size);
    // The same request id was not spent: a retry issues the batch.
    const retried = await w.issuer.issueBatch({ requestId, items: items(80) });
    expect(retried.issued.length).toBeGreaterThan(0);
    expect(await count()).toBe(licences + retried.issued.length);
    expect((await w.registry.audit()).problems).toEqual([]);
  });
});
