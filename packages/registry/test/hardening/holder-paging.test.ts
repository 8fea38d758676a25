/**
 * Hardening defect 6: a holder lookup is paged — a default of 100 licences, at most 1,000, and an
 * `after` cursor (the last licence identifier of the previous page) — in process and over HTTP,
 * and only the page's reads are logged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LicenceError } from "@elicence/core";
import { createHttpApp } from "@elicence/registry";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, CAUSE, COMPANY, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

describe("holder lookup paging", () => {
  let w: RegistryWorld;
  const logSize = async () => (await w.registry.database.get<{ n: number }>("SELECT COUNT(*) AS n FROM log_entries"))!.n;

  beforeAll(async () => {
    w = await registryWorld("sqlite");
    const items = Array.from({ length: 105 }, (_, i) => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name: `公司${i}` } }));
    expect((await w.issuer.issueBatch({ requestId: "paging", items })).issued).toHaveLength(105);
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  it("answers 100 by default and logs only those reads", async () => {
    const before = await logSize();
    const page = await w.consumer.findByHolder(COMPANY, CAUSE);
    expect(page).toHaveLength(100);
    expect((await logSize()) - before).toBe(100);
  });

  it("walks every licence once with limit and after", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await w.consumer.findByHolder(COMPANY, CAUSE, undefined, { limit: 40, ...(after ? { after } : {}) });
      seen.push(...page.map((l) => l.id));
      if (page.length < 40) break;
      after = page.at(-1)!.id;
    }
    expect(seen).toHaveLength(105);
    expect(new Set(seen).size).toBe(105);
  });

  it("refuses a limit outside 1 to 1,000", async () => {
    for (const limit of [0, 1001, 2.5]) {
      const err = await w.consumer.findByHolder(COMPANY, CAUSE, undefined, { limit }).catch((e: unknown) => e);
      expect((err as LicenceError).code).toBe("ERR_VALIDATION");
    }
  });

  it("pages over HTTP with ?limit= and ?after=", async () => {
    const app = createHttpApp(w.registry);
    const get = (query: string) =>
      app.request(`/v1/holders/${COMPANY.idType}/${COMPANY.idNumber}/licences${query}`, {
        headers: { Authorization: `Bearer ${w.keys.consumer}`, "X-Approval-Matter": CAUSE.matter, "X-Read-Reason": encodeURIComponent(CAUSE.reason) },
      });
    const first = (await (await get("?limit=2")).json()) as { id: string }[];
    expect(first).toHaveLength(2);
    const second = (await (await get(`?limit=2&after=${encodeURIComponent(first[1]!.id)}`)).json()) as { id: string }[];
    expect(second).toHaveLength(2);
    expect(second.map((l) => l.id)).not.toContain(first[1]!.id);
    expect((await get("?limit=5000")).status).toBe(400);
  });
});
