/**
 * An all-SM2 workspace in the registry: the trust list, status lists, tree heads and licences are
 * SM2SM3 — including licences signed on the worker pool, whose keys travel as Node KeyObjects (Node
 * can hold an SM2 key but would sign ECDSA with it: the workers sign with core's SM2) — and none of
 * it verifies under the default allow-list.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALGORITHMS, verifyLicence, verifyStatusListToken, verifyTrustList, type TrustList } from "@elicence/core";
import { verifyTreeHead } from "@elicence/core/log";
import { initWorkspace } from "../../src/workspace/workspace.js";
import { Registry } from "../../src/registry/registry.js";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_DEPARTMENT, SAMPLE_OPERATOR } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY } from "@elicence/test-support/registry-world";

const PASSPHRASE = "sm2 workspace passphrase";
const SM2 = ["SM2SM3"] as const;

describe("an all-SM2 workspace", () => {
  let registry: Registry;
  let trust: TrustList;
  let issuerKey: string;
  let operatorPem: string;

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), "elicence-sm2-"));
    await initWorkspace(home, {
      passphrase: PASSPHRASE,
      now: new Date(),
      operator: SAMPLE_OPERATOR,
      departments: [SAMPLE_DEPARTMENT],
      licenceTypes: [BUSINESS_LICENCE, OPERATOR_CERTIFICATE],
      iterations: 1000,
      alg: "SM2SM3",
    });
    registry = await Registry.open({ home, db: `sqlite:${join(home, "registry.db")}`, passphrase: PASSPHRASE });
    issuerKey = (await registry.createApiKey({ department: SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: [BUSINESS_LICENCE.code] })).key;
    operatorPem = readFileSync(join(home, "pki", "operator.pem"), "utf8");
    trust = await verifyTrustList(await registry.public.trustList(), { at: new Date(), algorithms: SM2, operatorCertificates: [operatorPem] });
  });
  afterAll(async () => {
    await registry?.close();
  });

  it("signs its trust list with SM2, which the default allow-list refuses", async () => {
    const token = await registry.public.trustList();
    expect(JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()).alg).toBe("SM2SM3");
    await expect(verifyTrustList(token, { at: new Date(), algorithms: DEFAULT_ALGORITHMS, operatorCertificates: [operatorPem] })).rejects.toMatchObject({ code: "ERR_ALGORITHM_NOT_ALLOWED" });
  });

  it("signs licences on the worker pool with SM2: they PASS with SM2SM3 allowed, with SM2 status lists and tree heads", async () => {
    const issuer = await registry.session(issuerKey);
    registry.workerThreshold = 8;
    const items = Array.from({ length: 24 }, (_, i) => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name: `公司${i}` } }));
    const batch = await issuer.issueBatch({ requestId: "sm2-pool-1", items });
    expect(batch.errors).toEqual([]);
    expect(registry.signPool!.running).toBeGreaterThan(0);
    const token = await registry.public.statusList(0);
    const statusList = await verifyStatusListToken(token, { trustList: trust, at: new Date(), algorithms: SM2 });
    for (const r of [batch.issued[0]!, batch.issued.at(-1)!]) {
      const report = await verifyLicence(r.licence, { trustList: trust, at: new Date(), algorithms: SM2, statusLists: [statusList] });
      expect(report.indication).toBe("PASSED");
      expect(report.algorithm).toBe("SM2SM3");
      const refused = await verifyLicence(r.licence, { trustList: trust, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists: [statusList] });
      expect(refused.indication).toBe("FAILED");
    }
    const head = await registry.public.treeHead();
    await verifyTreeHead(head, trust, SM2);
    await expect(verifyTreeHead(head, trust, DEFAULT_ALGORITHMS)).rejects.toBeDefined();
  });
});
