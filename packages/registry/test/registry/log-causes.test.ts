/**
 * Every event's cause is in its tamper-evident log entry (who is responsible: department, matter,
 * reason hash), and a licence's log entries hold every read and comparison of it. Run against
 * both storage adapters.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_LICENCE, SAMPLE_DEPARTMENT } from "@elicence/registry/samples";
import { ADAPTERS, BUSINESS_FIELDS, CAUSE, COMPANY, CONSUMER, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { reasonHash } from "../../src/registry/cause.js";

type Entry = Record<string, unknown> & { kind: string; department: string };

describe.each(ADAPTERS)("log causes on %s", (adapter) => {
  let w: RegistryWorld;
  let seq = 0;
  const rid = () => `cause-${adapter}-${++seq}`;
  const issue = () => w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  const entriesOf = async (id: string): Promise<Entry[]> => (await w.auditor.logEntries(id, CAUSE)).map((e) => JSON.parse(e.entry) as Entry);

  beforeAll(async () => {
    w = await registryWorld(adapter);
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  it("the reason hash is a keyed hash of the reason anyone holding the reason can recompute", () => {
    expect(reasonHash("吊销：虚假材料")).toBe(createHmac("sha256", "elicence/reason").update("吊销：虚假材料").digest("base64url"));
    expect(reasonHash("a")).not.toBe(reasonHash("b"));
  });

  it("a status change's entry names the department and the hash of its reason, never the reason", async () => {
    const record = await issue();
    await w.issuer.suspend(record.id, { reason: "暂扣：待核查" });
    await w.issuer.resume(record.id, { reason: "核查完毕" });
    await w.issuer.revoke(record.id, { reason: "吊销：虚假材料" });
    const status = (await entriesOf(record.id)).filter((e) => e.kind === "status");
    expect(status.map((e) => [e.status, e.reason])).toEqual([
      ["suspended", reasonHash("暂扣：待核查")],
      ["active", reasonHash("核查完毕")],
      ["revoked", reasonHash("吊销：虚假材料")],
    ]);
    for (const e of status) expect(e.department).toBe(SAMPLE_DEPARTMENT.code);
    const raw = (await w.auditor.logEntries(record.id, CAUSE)).map((e) => e.entry).join("\n");
    expect(raw).not.toContain("虚假材料");
  });

  it("an amendment's and a renewal's entries carry the hash of their reason, on the old and the new version", async () => {
    const record = await issue();
    const amended = await w.issuer.amend(record.id, { requestId: rid(), fields: { address: "新地址1号" }, reason: "地址变更" });
    const oldEntries = await entriesOf(record.id);
    expect(oldEntries.find((e) => e.kind === "status" && e.status === "superseded")?.reason).toBe(reasonHash("地址变更"));
    const newEntries = await entriesOf(amended.id);
    expect(newEntries.find((e) => e.kind === "amend")?.reason).toBe(reasonHash("地址变更"));
    const renewed = await w.issuer.renew(amended.id, { requestId: rid(), validUntil: "2040-01-01T00:00:00Z", reason: "到期换证" });
    expect((await entriesOf(renewed.id)).find((e) => e.kind === "renew")?.reason).toBe(reasonHash("到期换证"));
  });

  it("a comparison (verify data) is in the log entries of every licence it compared, with its matter and reason hash", async () => {
    const a = await issue();
    const b = await issue();
    const { match } = await w.consumer.verifyData({ holder: COMPANY, type: BUSINESS_LICENCE.code, field: "name", value: BUSINESS_FIELDS.name }, CAUSE);
    expect(match).toBe(true);
    for (const id of [a.id, b.id]) {
      const compared = (await entriesOf(id)).filter((e) => e.kind === "verify-data");
      expect(compared.length).toBeGreaterThanOrEqual(1);
      const last = compared[compared.length - 1]!;
      expect(last).toMatchObject({ department: CONSUMER, matter: CAUSE.matter, reason: reasonHash(CAUSE.reason), licence: id, field: "name" });
      // The compared value never reaches the log.
      expect(JSON.stringify(last)).not.toContain(BUSINESS_FIELDS.name);
    }
  });

  it("every read of a licence (get, status, history, log entries) carries its matter and reason hash", async () => {
    const record = await issue();
    await w.consumer.get(record.id, CAUSE);
    await w.consumer.statusAt(record.id, new Date().toISOString(), CAUSE);
    await w.consumer.statusHistory(record.id, CAUSE);
    const reads = (await entriesOf(record.id)).filter((e) => e.kind === "read");
    // get, status, status history, and this listing of the log entries.
    expect(reads.length).toBe(4);
    for (const e of reads) expect(e).toMatchObject({ matter: CAUSE.matter, reason: reasonHash(CAUSE.reason) });
  });
});
