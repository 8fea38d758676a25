/**
 * SQLite with a full disk: the registry's own database file is capped where it stands with
 * `PRAGMA max_page_count` on the registry's connection, so every write that needs a new page gets
 * a real `SQLITE_FULL` from SQLite (CI runs as root in a container where a loop-mounted file system
 * cannot be made, and a size-limited one needs root). Writes answer 507 problem+json
 * `ERR_STORAGE_FULL` and leave nothing partial (no licence, status history, request or log row);
 * public reads keep answering; an authenticated read either answers with its read logged or is
 * refused whole; once space is back, reads and writes work again with no restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY } from "@elicence/test-support/registry-world";
import { expectProblem, httpWorld, type HttpWorld } from "@elicence/test-support/http-world";

describe("SQLite with a full disk", () => {
  let h: HttpWorld;
  let existing: string;
  const issue = (requestId: string) => ({ requestId, type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  const pragma = (sql: string) => h.w.registry.database.get<Record<string, unknown>>(sql);
  const logSize = async () => Number((await h.w.registry.database.get<{ n: number }>("SELECT COUNT(*) AS n FROM log_entries"))!.n);

  beforeAll(async () => {
    h = await httpWorld();
    const first = await h.call("POST", "/v1/licences", { as: "issuer", body: issue("full-0") });
    expect(first.status).toBe(201);
    existing = first.json.id;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("refuses writes with 507 and writes nothing, keeps serving reads, and recovers when space is back", async () => {
    // Fill the file: no page may be added beyond those it has now.
    const pages = Number(Object.values((await pragma("PRAGMA page_count"))!)[0]);
    await pragma(`PRAGMA max_page_count = ${pages}`);
    const before = await h.snapshot();
    const tally = { attempts: 0, full: 0, partial: 0 };
    for (let i = 0; i < 20; i++) {
      tally.attempts++;
      const answer =
        i % 2 === 0
          ? await h.call("POST", "/v1/licences", { as: "issuer", body: issue(`full-${i + 1}`) })
          : await h.call("POST", "/v1/licence-batches", { as: "issuer", body: { requestId: `full-batch-${i}`, items: Array.from({ length: 40 }, () => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })) } });
      expectProblem(answer, 507, "ERR_STORAGE_FULL");
      tally.full++;
      const now = await h.snapshot();
      if (JSON.stringify(now) !== JSON.stringify(before)) tally.partial++;
    }
    expect(tally).toEqual({ attempts: 20, full: 20, partial: 0 });

    // Public reads need no write.
    expect((await h.call("GET", "/v1/log/tree-head")).status).toBe(200);
    expect((await h.call("GET", "/v1/trust-list")).status).toBe(200);
    // An authenticated read is logged before it answers: answered with its log entry, or refused whole.
    const size = await logSize();
    const read = await h.call("GET", `/v1/licences/${encodeURIComponent(existing)}`, { as: "consumer", cause: true });
    if (read.status === 200) expect(await logSize()).toBe(size + 1);
    else {
      expectProblem(read, 507, "ERR_STORAGE_FULL");
      expect(await logSize()).toBe(size);
    }

    // Space is back: the same process serves reads and writes again.
    await pragma("PRAGMA max_page_count = 1073741823");
    const again = await h.call("GET", `/v1/licences/${encodeURIComponent(existing)}`, { as: "consumer", cause: true });
    expect(again.status).toBe(200);
    const written = await h.call("POST", "/v1/licences", { as: "issuer", body: issue("full-1") });
    expect(written.status).toBe(201);
    const batch = await h.call("POST", "/v1/licence-batches", { as: "issuer", body: { requestId: "full-batch-1", items: Array.from({ length: 40 }, () => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })) } });
    expect(batch.status).toBe(200);
    expect(batch.json.issued).toHaveLength(40);
    expect((await h.w.registry.audit()).problems).toEqual([]);
  }, 120_000);
});
