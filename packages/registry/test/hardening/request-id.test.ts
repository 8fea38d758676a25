/**
 * Hardening defect 7: a request id names one request. Sending it again with the identical body
 * replays the first answer; with a different body it is refused (`ERR_IDEMPOTENCY_MISMATCH`, 422
 * over HTTP, as payment APIs treat an idempotency key), and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp } from "@elicence/registry";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { code } from "@elicence/test-support/error-code";


describe("request id reuse", () => {
  let w: RegistryWorld;
  const count = async () => (await w.registry.database.get<{ n: number }>("SELECT COUNT(*) AS n FROM licences"))!.n;
  const request = (requestId: string, name = BUSINESS_FIELDS.name) => ({ requestId, type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name } });

  beforeAll(async () => {
    w = await registryWorld("sqlite");
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  it("replays an identical issue, refuses a different one under the same id", async () => {
    const first = await w.issuer.issue(request("rid-1"));
    expect((await w.issuer.issue(request("rid-1"))).id).toBe(first.id);
    // The same members in another order are the same request.
    const { fields, ...rest } = request("rid-1");
    expect((await w.issuer.issue({ fields, ...rest })).id).toBe(first.id);
    const before = await count();
    expect(await code(w.issuer.issue(request("rid-1", "另一家公司")))).toBe("ERR_IDEMPOTENCY_MISMATCH");
    expect(await count()).toBe(before);
  });

  it("refuses a batch, an amendment and a renewal reusing an id with another body", async () => {
    const items = [{ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS }];
    await w.issuer.issueBatch({ requestId: "rid-b", items });
    expect((await w.issuer.issueBatch({ requestId: "rid-b", items })).issued).toHaveLength(1);
    expect(await code(w.issuer.issueBatch({ requestId: "rid-b", items: [...items, ...items] }))).toBe("ERR_IDEMPOTENCY_MISMATCH");
    const { id } = await w.issuer.issue(request("rid-2"));
    await w.issuer.amend(id, { requestId: "rid-a", fields: { address: "新地址" }, reason: "迁址" });
    expect(await code(w.issuer.amend(id, { requestId: "rid-a", fields: { address: "新地址" }, reason: "迁址" }))).toBe("accepted");
    expect(await code(w.issuer.amend(id, { requestId: "rid-a", fields: { address: "又一地址" }, reason: "迁址" }))).toBe("ERR_IDEMPOTENCY_MISMATCH");
  });

  it("answers 422 with a problem that says so over HTTP", async () => {
    const app = createHttpApp(w.registry);
    const post = (body: unknown) =>
      app.request("/v1/licences", { method: "POST", headers: { Authorization: `Bearer ${w.keys.issuer}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    expect((await post(request("rid-h"))).status).toBe(201);
    const res = await post(request("rid-h", "别的公司"));
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const doc = (await res.json()) as { code: string; detail: string };
    expect(doc.code).toBe("ERR_IDEMPOTENCY_MISMATCH");
    expect(doc.detail).toMatch(/request id/);
  });
});
