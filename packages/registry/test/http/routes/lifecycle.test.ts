/**
 * The lifecycle over HTTP: what a department's approval system sees when it issues and changes
 * licences, end to end through a real server and a real registry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALGORITHMS, verifyLicence, verifyTrustList, type TrustList } from "@elicence/core";
import { BUSINESS_LICENCE } from "../../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY } from "@elicence/test-support/registry-world";
import { rid } from "../endpoints.js";
import { expectProblem, httpWorld, issuePaths, type HttpWorld } from "@elicence/test-support/http-world";

let h: HttpWorld;
let trust: TrustList;

const item = (fields: Record<string, unknown> = BUSINESS_FIELDS) => ({ type: BUSINESS_LICENCE.code, holder: { ...COMPANY }, fields });
const issue = (body: Record<string, unknown> = { requestId: rid(), ...item() }) => h.call("POST", "/v1/licences", { as: "issuer", body });

beforeAll(async () => {
  h = await httpWorld();
  trust = await verifyTrustList((await h.call("GET", "/v1/trust-list")).text, { at: new Date(), algorithms: ["ES256"], operatorCertificates: [h.w.operatorPem] });
});
afterAll(async () => {
  await h?.close();
});

describe("POST /v1/licences", () => {
  it("issues a licence (201, Location) that verifies against the trust list and status list served over HTTP", async () => {
    const answer = await issue();
    expect(answer.status).toBe(201);
    expect(answer.headers.get("location")).toBe(`/v1/licences/${answer.json.id}`);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.json).toMatchObject({ status: "active", statusList: { idx: expect.any(Number) } });
    const statusList = await h.call("GET", new URL(answer.json.statusList.uri).pathname);
    const report = await verifyLicence(answer.json.licence, { trustList: trust, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists: [statusList.text] });
    expect(report.indication).toBe("PASSED");
  });

  it("is idempotent on requestId: a retry returns the first result and writes nothing", async () => {
    const body = { requestId: rid(), ...item() };
    const first = await issue(body);
    const before = await h.snapshot();
    const again = await issue(body);
    expect(again.json.id).toBe(first.json.id);
    expect(again.json.licence).toBe(first.json.licence);
    expect(await h.snapshot()).toEqual(before);
    // The same request id with another body is refused, not answered with the first licence.
    expectProblem(await issue({ ...body, fields: { ...BUSINESS_FIELDS, name: "另一家公司" } }), 422, "ERR_IDEMPOTENCY_MISMATCH");
    expect(await h.snapshot()).toEqual(before);
  });

  it("passes the registry's own checks through with every issue and its path (400), writing nothing", async () => {
    const before = await h.snapshot();
    const answer = await issue({ requestId: rid(), ...item({ name: "x" }) });
    expectProblem(answer, 400, "ERR_VALIDATION");
    expect(issuePaths(answer)).toEqual(expect.arrayContaining(["fields.registeredCapital", "fields.address"]));
    expect(await h.snapshot()).toEqual(before);
  });

  it("refuses a holder code whose check character is wrong at the edge, with its path", async () => {
    const answer = await issue({ requestId: rid(), ...item(), holder: { ...COMPANY, idNumber: "91330100MA2B3C4D1B" } });
    expectProblem(answer, 400, "ERR_VALIDATION");
    expect(issuePaths(answer)).toEqual(["holder.idNumber"]);
  });

  it("reports every problem of a body at once", async () => {
    const answer = await issue({ requestId: "has spaces", type: "nope", holder: { name: "", idType: "112", idNumber: "x" }, fields: { "Bad-Name": 1 }, validFrom: "yesterday" });
    expectProblem(answer, 400, "ERR_VALIDATION");
    expect(issuePaths(answer)).toEqual(expect.arrayContaining(["requestId", "type", "holder.name", "holder.idType", "validFrom"]));
  });
});

describe("POST /v1/licence-batches", () => {
  it("issues good items and reports bad ones by index (200)", async () => {
    const answer = await h.call("POST", "/v1/licence-batches", { as: "issuer", body: { requestId: rid(), items: [item(), item({ name: "x" }), item()] } });
    expect(answer.status).toBe(200);
    expect(answer.json.issued.map((r: { index: number }) => r.index)).toEqual([0, 2]);
    expect(answer.json.errors).toMatchObject([{ index: 1, code: "ERR_VALIDATION" }]);
  });

  it("an item that fails its schema is that item's error; the others are issued, and a retry replays", async () => {
    const before = await h.snapshot();
    const body = {
      requestId: rid(),
      items: [item(), { ...item(), holder: { name: "坏", idType: "001", idNumber: "91330100MA2B3C4D1B" } }, item(), { ...item(), fields: [] }, { ...item(), sneaky: true }, item()],
    };
    const answer = await h.call("POST", "/v1/licence-batches", { as: "issuer", body });
    expect(answer.status).toBe(200);
    expect(answer.json.issued.map((r: { index: number }) => r.index)).toEqual([0, 2, 5]);
    expect(answer.json.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [1, "ERR_VALIDATION"],
      [3, "ERR_VALIDATION"],
      [4, "ERR_VALIDATION"],
    ]);
    expect(answer.json.errors[0].issues[0].path).toEqual(["holder", "idNumber"]);
    expect(answer.json.errors[2].issues[0].path).toEqual(["sneaky"]);
    expect((await h.snapshot()).licences).toBe(before.licences + 3);
    const again = await h.call("POST", "/v1/licence-batches", { as: "issuer", body });
    expect(again.json.issued.map((r: { id: string }) => r.id)).toEqual(answer.json.issued.map((r: { id: string }) => r.id));
    expect((await h.snapshot()).licences).toBe(before.licences + 3);
  });

  it("every item bad: 200 with every error and nothing written; a bad envelope refuses the whole batch", async () => {
    const before = await h.snapshot();
    const allBad = await h.call("POST", "/v1/licence-batches", { as: "issuer", body: { requestId: rid(), items: [{ ...item(), fields: [] }, { nope: 1 }] } });
    expect(allBad.status).toBe(200);
    expect(allBad.json).toMatchObject({ issued: [], errors: [{ index: 0 }, { index: 1 }] });
    expect(await h.snapshot()).toEqual(before);
    expectProblem(await h.call("POST", "/v1/licence-batches", { as: "issuer", body: { requestId: "bad id", items: [{ nope: 1 }] } }), 400, "ERR_VALIDATION");
    expectProblem(await h.call("POST", "/v1/licence-batches", { as: "issuer", body: { requestId: rid(), items: [] } }), 400, "ERR_VALIDATION");
    expectProblem(await h.call("POST", "/v1/licence-batches", { as: "issuer", body: { requestId: rid(), items: [item()], extra: 1 } }), 400, "ERR_VALIDATION");
    expect(await h.snapshot()).toEqual(before);
  });

  it("accepts a batch body larger than the default limit", async () => {
    const pad = "经营范围".repeat(900);
    const items = Array.from({ length: 100 }, () => item({ ...BUSINESS_FIELDS, businessScope: pad.slice(0, 3999) }));
    const body = { requestId: rid(), items };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(1024 * 1024);
    const answer = await h.call("POST", "/v1/licence-batches", { as: "issuer", body });
    expect(answer.status).toBe(200);
    expect(answer.json.issued).toHaveLength(100);
  });
});

describe("status changes", () => {
  it("suspend, resume, revoke: each answers the record; a change the state forbids is 409", async () => {
    const { json: record } = await issue();
    const path = (action: string) => `/v1/licences/${record.id}/${action}`;
    const change = { reason: "核查", officer: "officer-7" };
    expect((await h.call("POST", path("suspend"), { as: "issuer", body: change })).json).toMatchObject({ id: record.id, status: "suspended" });
    expectProblem(await h.call("POST", path("suspend"), { as: "issuer", body: change }), 409, "ERR_STATE_INVALID");
    expect((await h.call("POST", path("resume"), { as: "issuer", body: change })).json).toMatchObject({ status: "active" });
    expect((await h.call("POST", path("revoke"), { as: "issuer", body: { reason: "吊销" } })).json).toMatchObject({ status: "revoked" });
    const before = await h.snapshot();
    expectProblem(await h.call("POST", path("cancel"), { as: "issuer", body: change }), 409, "ERR_STATE_INVALID");
    expect(await h.snapshot()).toEqual(before);
  });

  it("cancel answers 200 with the record", async () => {
    const { json: record } = await issue();
    const answer = await h.call("POST", `/v1/licences/${record.id}/cancel`, { as: "issuer", body: { reason: "注销" } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ id: record.id, status: "cancelled", version: 1 });
  });

  it("a licence that does not exist is 404", async () => {
    const { json: record } = await issue();
    // A well-formed identifier for a serial never issued.
    const { buildLicenceId, parseLicenceId } = await import("@elicence/core");
    const parts = parseLicenceId(record.id);
    const missing = buildLicenceId({ typeCode: parts.typeCode, issuerCode: parts.issuerCode, serial: "ZZZZ9999", version: 1 });
    expectProblem(await h.call("POST", `/v1/licences/${missing}/suspend`, { as: "issuer", body: { reason: "x" } }), 404, "ERR_NOT_FOUND");
  });
});

describe("amend and renew", () => {
  it("amend answers the new version (201), which supersedes the old", async () => {
    const { json: record } = await issue();
    const answer = await h.call("POST", `/v1/licences/${record.id}/amend`, {
      as: "issuer",
      body: { requestId: rid(), fields: { ...BUSINESS_FIELDS, address: "示例市新区1号" }, reason: "住所变更" },
    });
    expect(answer.status).toBe(201);
    expect(answer.json.id).not.toBe(record.id);
    expect(answer.headers.get("location")).toBe(`/v1/licences/${answer.json.id}`);
    const old = await h.call("GET", `/v1/licences/${record.id}/status-history`, { as: "issuer", cause: true });
    expect(old.json.at(-1)).toMatchObject({ status: "superseded" });
  });

  it("renew answers the new version (201) with the new end of validity", async () => {
    const { json: record } = await issue();
    const validUntil = "2031-12-31T16:00:00.000Z";
    const answer = await h.call("POST", `/v1/licences/${record.id}/renew`, { as: "issuer", body: { requestId: rid(), validUntil, reason: "延续" } });
    expect(answer.status).toBe(201);
    const shared = await h.call("GET", `/v1/licences/${answer.json.id}`, { as: "issuer", cause: true });
    expect(shared.json).toMatchObject({ status: "active", supersedes: record.id });
  });
});
