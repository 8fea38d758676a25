/**
 * The registry augments what it stores (SQLite and PostgreSQL): one licence T → LT → LTA → LTA
 * again with the workspace's built-in TSA and its CA's evidence as of the signature time-stamp, or
 * a page of a department's licences when its certificate is about to expire. The evidence is
 * stored, read back by every consumer read, logged with its reason, and verifies with core's
 * `verifyJades` — also years later, once the department certificate has expired and after it was
 * revoked.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyJades } from "@elicence/core/jades";
import type { JadesReport } from "@elicence/core/jades";
import { BUSINESS_LICENCE, SAMPLE_DEPARTMENT } from "../../src/workspace/samples.js";
import { ADAPTERS, BUSINESS_FIELDS, CAUSE, COMPANY, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { code } from "@elicence/test-support/error-code";

const YEAR = 365 * 24 * 3600 * 1000;

describe.each(ADAPTERS)("augment (%s)", (adapter) => {
  let w: RegistryWorld;
  let root: string;
  let departmentCert: string;
  beforeAll(async () => {
    w = await registryWorld(adapter);
    root = readFileSync(join(w.home, "pki", "root-ca.pem"), "utf8");
    departmentCert = readFileSync(join(w.home, "departments", SAMPLE_DEPARTMENT.code, "signing.pem"), "utf8");
  }, 60_000);
  afterAll(async () => w?.registry.close());

  const issue = () => w.issuer.issue({ requestId: randomUUID(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  const verify = (archive: unknown, at: Date): Promise<JadesReport> =>
    verifyJades(archive as Record<string, unknown>, { trustAnchors: [root], certificates: [departmentCert], at, algorithms: ["ES256"], unprotectedMembers: ["disclosures"] });
  const level = (r: JadesReport) => [r.indication, r.signatures[0]?.level];
  const soon = () => new Date(Date.now() + 60_000);
  const names = (etsiU: readonly string[]) => etsiU.map((e) => Object.keys(JSON.parse(Buffer.from(e, "base64url").toString("utf8")))[0]);
  /** The archive form of a shared licence with the evidence it carries. */
  const archiveOf = (shared: { licence: string; etsiU?: readonly string[] }) => {
    const [jws = "", ...rest] = shared.licence.split("~");
    const [p, payload, signature] = jws.split(".");
    return { protected: p, payload, signature, header: { disclosures: rest.filter(Boolean), ...(shared.etsiU ? { etsiU: shared.etsiU } : {}) } };
  };

  it("one licence: T (already B-T at issue) → LT → LTA → LTA again, stored, served, logged", async () => {
    const record = await issue();
    const t = await w.issuer.augment(record.id, { level: "T", reason: "长期保存" });
    expect(t).toMatchObject({ id: record.id, level: "B-T", added: [] });
    const lt = await w.issuer.augment(record.id, { level: "LT", reason: "长期保存" });
    expect(lt.level).toBe("B-LT");
    expect(lt.added).toEqual(["xVals", "rVals"]);
    expect(level(await verify(lt.archive, soon()))).toEqual(["PASSED", "B-LT"]);
    const lta = await w.admin.augment(record.id, { level: "LTA", reason: "证书即将到期" });
    expect(lta.added).toEqual(["arcTst"]);
    const again = await w.issuer.augment(record.id, { level: "LTA", reason: "时间戳证书更新" });
    const etsiU = (again.archive.header as { etsiU: string[] }).etsiU;
    expect(names(etsiU)).toEqual(["sigTst", "xVals", "rVals", "arcTst", "arcTst"]);
    expect(etsiU.slice(0, 4)).toEqual((lta.archive.header as { etsiU: string[] }).etsiU);
    expect(level(await verify(again.archive, soon()))).toEqual(["PASSED", "B-LTA"]);

    // Every read afterwards carries the evidence; with the disclosures the reader may see it still verifies.
    const shared = await w.consumer.get(record.id, CAUSE);
    expect(shared.etsiU).toEqual(etsiU);
    expect(level(await verify(archiveOf(shared), soon()))).toEqual(["PASSED", "B-LTA"]);
    const [found] = await w.consumer.findByHolder({ idType: COMPANY.idType, idNumber: COMPANY.idNumber }, CAUSE, BUSINESS_LICENCE.code, { limit: 1000 }).then((l) => l.filter((s) => s.id === record.id));
    expect(found!.etsiU).toEqual(etsiU);

    // Logged with its level, what was added and its reason (hashed); nothing logged when nothing was added.
    const entries = (await w.auditor.logEntries(record.id, CAUSE)).map((e) => JSON.parse(e.entry) as Record<string, unknown>).filter((e) => e.kind === "augment");
    expect(entries.map((e) => [e.level, e.added, e.department])).toEqual([
      ["B-LT", ["xVals", "rVals"], SAMPLE_DEPARTMENT.code],
      ["B-LTA", ["arcTst"], expect.any(String)],
      ["B-LTA", ["arcTst"], SAMPLE_DEPARTMENT.code],
    ]);
    expect(entries.every((e) => typeof e.reason === "string" && !String(e.reason).includes("长期"))).toBe(true);

    // Five years on, the department certificate (three years) has expired: the evidence carries it.
    const later = new Date(Date.now() + 5 * YEAR);
    const report = await verify(archiveOf(shared), later);
    expect(level(report)).toEqual(["PASSED", "B-LTA"]);
    expect(report.signatures[0]!.checks.find((c) => c.check === "certificate-path")!.code).toBe("POE");
    const bare = await verify(archiveOf({ licence: shared.licence }), later);
    expect([bare.indication, bare.subIndication]).toEqual(["INDETERMINATE", "OUT_OF_BOUNDS_NO_POE"]);
  });

  it("refuses: another department, a consumer, an unknown licence, a bad level or reason; nothing stored", async () => {
    const record = await issue();
    expect(await code(w.consumer.augment(record.id, { level: "LT", reason: "x" }))).toBe("ERR_FORBIDDEN");
    expect(await code(w.auditor.augment(record.id, { level: "LT", reason: "x" }))).toBe("ERR_FORBIDDEN");
    expect(await code(w.issuer.augment(record.id, { level: "B" as "T", reason: "x" }))).toBe("ERR_VALIDATION");
    expect(await code(w.issuer.augment(record.id, { level: "T", reason: "" }))).toBe("ERR_VALIDATION");
    expect(await code(w.issuer.augment(`${record.id.slice(0, -1)}0`, { level: "T", reason: "x" }))).toBe("ERR_NOT_FOUND");
    expect(await code(w.consumer.augmentDepartment(SAMPLE_DEPARTMENT.code, { level: "LT", reason: "x" }))).toBe("ERR_FORBIDDEN");
    expect(await code(w.issuer.augmentDepartment("not-a-uscc", { level: "LT", reason: "x" }))).toBe("ERR_VALIDATION");
    expect(await code(w.issuer.augmentDepartment(SAMPLE_DEPARTMENT.code, { level: "LT", reason: "x", limit: 0 }))).toBe("ERR_VALIDATION");
    expect(await code(w.issuer.augmentDepartment(SAMPLE_DEPARTMENT.code, { level: "LT", reason: "x", expiringBefore: "soon" }))).toBe("ERR_VALIDATION");
    const stored = await w.registry.database.get<{ etsi_u: string | null }>("SELECT etsi_u FROM licences WHERE id = ?", [record.id]);
    expect(stored!.etsi_u).toBeNull();
  });

  it("a department's licences, a page at a time, only when its certificate is about to expire; revoked later, still PASSED", async () => {
    const records = [await issue(), await issue()];
    const notYet = await w.admin.augmentDepartment(SAMPLE_DEPARTMENT.code, { level: "LTA", reason: "到期前", expiringBefore: new Date(Date.now() + YEAR).toISOString() });
    expect(notYet).toMatchObject({ department: SAMPLE_DEPARTMENT.code, due: false, augmented: [], errors: [] });
    const due = { level: "LTA" as const, reason: "到期前", expiringBefore: new Date(Date.now() + 4 * YEAR).toISOString(), limit: 1000 };
    const page = await w.admin.augmentDepartment(SAMPLE_DEPARTMENT.code, due);
    expect(page.due).toBe(true);
    expect(page.errors).toEqual([]);
    for (const r of records) expect(page.augmented.find((a) => a.id === r.id)).toMatchObject({ level: "B-LTA" });
    // Paged: one licence per call, in identifier order, `next` naming the last.
    const first = await w.issuer.augmentDepartment(SAMPLE_DEPARTMENT.code, { level: "LT", reason: "分页", limit: 1 });
    expect(first.augmented).toHaveLength(1);
    const second = await w.issuer.augmentDepartment(SAMPLE_DEPARTMENT.code, { level: "LT", reason: "分页", limit: 1, after: first.next! });
    expect(second.augmented[0]!.id > first.augmented[0]!.id).toBe(true);

    // The department's certificate is revoked after the licences were signed and augmented.
    await w.registry.revokeDepartment({ code: SAMPLE_DEPARTMENT.code, reason: "superseded" });
    for (const r of records) {
      const shared = await w.consumer.get(r.id, CAUSE);
      expect(level(await verify(archiveOf(shared), new Date(Date.now() + 5 * YEAR)))).toEqual(["PASSED", "B-LTA"]);
    }
  });
});
