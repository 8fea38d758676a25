/**
 * Dual-signed licences in the registry, on both adapters: a department given an SM2SM3 key beside
 * its ES256 one signs everything it issues (one, a batch on the signing workers, an amendment)
 * with both; issuers and readers get one compact form per signature, each verifying on its own,
 * and their general-serialisation archive PASSES for a verifier that allows only ES256, only
 * SM2SM3, or both — and FAILS with either signature broken.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveOfCompacts, verifyLicence, verifyStatusListToken, verifyTrustList, type IssuedRecord, type JwsAlgorithm, type TrustList } from "@elicence/core";
import { BUSINESS_LICENCE, SAMPLE_DEPARTMENT } from "../../src/workspace/samples.js";
import { ADAPTERS, BUSINESS_FIELDS, CAUSE, COMPANY, PASSPHRASE, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { code } from "@elicence/test-support/error-code";

const BOTH = ["ES256", "SM2SM3"] as const;

describe.each(ADAPTERS)("dual-signed licences on %s", (adapter) => {
  let w: RegistryWorld;
  let trust: TrustList;
  let seq = 0;
  const rid = () => `dual-${adapter}-${++seq}`;

  async function verify(input: string | object, algorithms: readonly JwsAlgorithm[]) {
    const statusLists = [await verifyStatusListToken(await w.registry.public.statusList(0), { trustList: trust, at: new Date(), algorithms: ["ES256"] })];
    return verifyLicence(input as string, { trustList: trust, at: new Date(), algorithms, statusLists });
  }
  const archiveOf = (r: { licence: string; signatureTimestamp?: string; cosigned?: readonly { licence: string; signatureTimestamp?: string }[] }) =>
    archiveOfCompacts([{ licence: r.licence, ...(r.signatureTimestamp ? { signatureTimestamp: r.signatureTimestamp } : {}) }, ...(r.cosigned ?? [])]);

  beforeAll(async () => {
    w = await registryWorld(adapter);
    const added = await w.registry.addDepartmentKey({ code: SAMPLE_DEPARTMENT.code, alg: "SM2SM3", passphrase: PASSPHRASE, iterations: 1000 });
    expect(added.alg).toBe("SM2SM3");
    trust = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  it("lists the new certificate beside the department's first and refuses a second key of an algorithm it has", async () => {
    expect(trust.document.departments.find((d) => d.code === SAMPLE_DEPARTMENT.code)!.certificates).toHaveLength(2);
    expect(await code(w.registry.addDepartmentKey({ code: SAMPLE_DEPARTMENT.code, alg: "SM2SM3", passphrase: PASSPHRASE }))).toBe("ERR_VALIDATION");
    expect(await code(w.registry.addDepartmentKey({ code: "91330100MA2B3C4D1A", alg: "ES256", passphrase: PASSPHRASE }))).toBe("ERR_NOT_FOUND");
  });

  it("issues with both keys: each compact form verifies alone, the archive PASSES under ES256 only, SM2SM3 only, and both", async () => {
    const record = await w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
    expect(record.cosigned).toHaveLength(1);
    expect(record.signatureTimestamp).toBeDefined();
    expect(record.cosigned![0]!.signatureTimestamp).toBeDefined();
    // Each signature's time-stamp imprint follows its algorithm: SHA-256 for ES256, SM3 for SM2 (GM/T 0033).
    const imprint = (token: string, signatureB64: string, hash: "sha256" | "sm3") =>
      Buffer.from(token, "base64").toString("hex").includes(`0420${createHash(hash).update(signatureB64, "ascii").digest("hex")}`);
    const sigOf = (compact: string) => compact.split("~")[0]!.split(".")[2]!;
    expect(imprint(record.signatureTimestamp!, sigOf(record.licence), "sha256")).toBe(true);
    expect(imprint(record.cosigned![0]!.signatureTimestamp!, sigOf(record.cosigned![0]!.licence), "sm3")).toBe(true);
    expect(imprint(record.cosigned![0]!.signatureTimestamp!, sigOf(record.cosigned![0]!.licence), "sha256")).toBe(false);
    expect((await verify(record.licence, ["ES256"])).indication).toBe("PASSED");
    const sm2 = await verify(record.cosigned![0]!.licence, ["SM2SM3"]);
    expect([sm2.indication, sm2.algorithm]).toEqual(["PASSED", "SM2SM3"]);
    const archive = archiveOf(record);
    for (const algorithms of [["ES256"], ["SM2SM3"], BOTH] as const) {
      const report = await verify(archive, algorithms);
      expect(report.indication, algorithms.join()).toBe("PASSED");
      expect((report as unknown as { signatures: { algorithm: string; indication: string; allowed: boolean }[] }).signatures.map((s) => [s.algorithm, s.indication, s.allowed])).toEqual([
        ["ES256", "PASSED", algorithms.includes("ES256" as never)],
        ["SM2SM3", "PASSED", algorithms.includes("SM2SM3" as never)],
      ]);
    }
    // Neither algorithm allowed: not accepted.
    expect((await verify(archive, ["EdDSA"])).indication).toBe("FAILED");
  });

  it("FAILS the archive when either signature is broken, whatever the allow-list", async () => {
    const record = await w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
    const archive = archiveOf(record);
    for (const broken of [0, 1]) {
      const sig = archive.signatures[broken]!.signature;
      const flipped = `${sig.slice(0, 10)}${sig[10] === "A" ? "B" : "A"}${sig.slice(11)}`;
      const bad = { ...archive, signatures: archive.signatures.map((s, i) => (i === broken ? { ...s, signature: flipped } : s)) };
      for (const algorithms of [["ES256"], ["SM2SM3"], BOTH] as const) expect((await verify(bad, algorithms)).indication, `${broken} ${algorithms.join()}`).toBe("FAILED");
    }
  });

  it("replays an issue with its further signatures, and serves both forms to readers with their disclosures only", async () => {
    const requestId = rid();
    const first = await w.issuer.issue({ requestId, type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
    const again = await w.issuer.issue({ requestId, type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
    expect(again.cosigned).toEqual(first.cosigned);
    const shared = await w.consumer.get(first.id, CAUSE);
    expect(shared.cosigned).toHaveLength(1);
    const tail = (c: string) => c.slice(c.indexOf("~"));
    expect(tail(shared.cosigned![0]!.licence)).toBe(tail(shared.licence));
    expect(tail(shared.licence).length).toBeLessThan(tail(first.licence).length);
    expect((await verify(archiveOf(shared), BOTH)).indication).toBe("PASSED");
    const found = await w.consumer.findByHolder({ idType: COMPANY.idType, idNumber: COMPANY.idNumber }, CAUSE, BUSINESS_LICENCE.code);
    expect(found.every((l) => l.cosigned?.length === 1)).toBe(true);
  });

  it("signs a batch on the signing workers and an amendment with both keys", async () => {
    w.registry.workerThreshold = 8;
    const items = Array.from({ length: 12 }, (_, i) => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name: `双签公司${i}` } }));
    const batch = await w.issuer.issueBatch({ requestId: rid(), items });
    expect(batch.errors).toEqual([]);
    expect(w.registry.signPool!.running).toBeGreaterThan(0);
    for (const r of [batch.issued[0]!, batch.issued.at(-1)!]) expect((await verify(archiveOf(r), ["SM2SM3"])).indication).toBe("PASSED");
    const amended: IssuedRecord = await w.issuer.amend(batch.issued[0]!.id, { requestId: rid(), fields: { ...BUSINESS_FIELDS, name: "改名公司" }, reason: "更名" });
    expect(amended.cosigned).toHaveLength(1);
    expect((await verify(archiveOf(amended), BOTH)).indication).toBe("PASSED");
    const rows = await w.registry.database.all<{ n: number }>("SELECT COUNT(*) AS n FROM licence_signatures WHERE licence_id = ?", [amended.id]);
    expect(Number(rows[0]!.n)).toBe(1);
  });
});
