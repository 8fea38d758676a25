/**
 * Reads over HTTP: each names its cause in headers, the reason percent-encoded UTF-8, and the
 * registry logs the decoded cause.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLicenceId, parseLicenceId, type ReadCause, type RegistryApi } from "@elicence/core";
import { serveRegistry } from "../../../src/http/index.js";
import { BUSINESS_LICENCE } from "../../../src/workspace/samples.js";
import { BUSINESS_FIELDS, CAUSE, COMPANY, CONSUMER } from "@elicence/test-support/registry-world";
import { rid } from "../endpoints.js";
import { causeHeaders, expectProblem, httpWorld, type HttpWorld } from "@elicence/test-support/http-world";

let h: HttpWorld;
let id: string;

/** The session, with `get` recording the cause it is given. */
function recordingGet(api: RegistryApi, causes: ReadCause[]): RegistryApi {
  return new Proxy(api, {
    get(target, name) {
      if (name === "get") return (licence: string, cause: ReadCause) => (causes.push(cause), target.get(licence, cause));
      const value: unknown = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

beforeAll(async () => {
  h = await httpWorld();
  id = (await h.w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })).id;
});
afterAll(async () => {
  await h?.close();
});

describe("GET /v1/licences/{id}", () => {
  it("answers the licence with the entitled disclosures only", async () => {
    const answer = await h.call("GET", `/v1/licences/${id}`, { as: "consumer", cause: true });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.json).toMatchObject({ id, type: BUSINESS_LICENCE.code, status: "active" });
    expect(answer.json.withheld).toEqual(expect.arrayContaining(["registeredCapital", "address", "legalRepresentativeIdNumber"]));
  });

  it("hands the registry the cause as sent: the reason decoded from percent-encoded UTF-8", async () => {
    // A server over the same registry whose sessions record the cause of every read.
    const causes: ReadCause[] = [];
    const server = await serveRegistry(
      {
        public: h.w.registry.public,
        session: async (key) => recordingGet(await h.w.registry.session(key), causes),
      },
      { port: 0 },
    );
    try {
      const cause = { matter: "330100-TEST-0002", reason: "办理营业执照变更登记（线上）100% 😀" };
      const res = await fetch(`${server.url}/v1/licences/${id}`, { headers: { Authorization: `Bearer ${h.w.keys.consumer}`, ...causeHeaders(cause) } });
      expect(res.status).toBe(200);
      expect(causes).toEqual([cause]);
    } finally {
      await server.close();
    }
  });

  it("a well-formed identifier that was never issued is 404", async () => {
    const parts = parseLicenceId(id);
    const missing = buildLicenceId({ typeCode: parts.typeCode, issuerCode: parts.issuerCode, serial: "ZZZZ9999", version: 1 });
    expectProblem(await h.call("GET", `/v1/licences/${missing}`, { as: "consumer", cause: true }), 404, "ERR_NOT_FOUND");
  });

  it("refuses identifiers that are not identifiers before the registry sees them", async () => {
    for (const bad of ["x", "1.2.156.3005.2", encodeURIComponent(`${id} `), id.toLowerCase(), "..%2F..%2Fetc"]) {
      expectProblem(await h.call("GET", `/v1/licences/${bad}`, { as: "consumer", cause: true }), 400, "ERR_IDENTIFIER_INVALID");
    }
  });
});

describe("GET /v1/holders/{idType}/{idNumber}/licences", () => {
  it("finds a holder's licences, filtered by type", async () => {
    const all = await h.call("GET", `/v1/holders/001/${COMPANY.idNumber}/licences`, { as: "consumer", cause: true });
    expect(all.status).toBe(200);
    expect(all.json.map((l: { id: string }) => l.id)).toContain(id);
    const none = await h.call("GET", `/v1/holders/001/${COMPANY.idNumber}/licences?type=11330100MB0000019K002`, { as: "consumer", cause: true });
    expect(none.json).toEqual([]);
  });

  it("accepts a percent-encoded holder number of type 990, refuses a wrong type code", async () => {
    const other = await h.call("GET", `/v1/holders/990/${encodeURIComponent("港澳居民来往内地通行证 H1234567")}/licences`, { as: "consumer", cause: true });
    expect(other.status).toBe(200);
    expect(other.json).toEqual([]);
    expectProblem(await h.call("GET", `/v1/holders/112/${COMPANY.idNumber}/licences`, { as: "consumer", cause: true }), 400, "ERR_IDENTIFIER_INVALID");
    expectProblem(await h.call("GET", `/v1/holders/001/${COMPANY.idNumber}/licences?type=bad`, { as: "consumer", cause: true }), 400, "ERR_VALIDATION");
    expectProblem(await h.call("GET", `/v1/holders/001/${COMPANY.idNumber}/licences?type=${BUSINESS_LICENCE.code}&type=${BUSINESS_LICENCE.code}`, { as: "consumer", cause: true }), 400, "ERR_VALIDATION");
  });
});

describe("POST /v1/verify-data", () => {
  it("answers yes or no without the data", async () => {
    // Comparing a conditional field needs an entitlement to it, as seeing it does.
    await h.w.admin.createAgreement({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["registeredCapital"], expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    const ask = (value: unknown) =>
      h.call("POST", "/v1/verify-data", { as: "consumer", cause: true, body: { holder: { idType: "001", idNumber: COMPANY.idNumber }, type: BUSINESS_LICENCE.code, field: "registeredCapital", value } });
    expect((await ask("500")).json).toEqual({ match: true });
    expect((await ask("501")).json).toEqual({ match: false });
  });
});

describe("status history and status at", () => {
  it("answers the history and the status at an instant", async () => {
    await h.w.issuer.suspend(id, { reason: "核查" });
    const history = await h.call("GET", `/v1/licences/${id}/status-history`, { as: "auditor", cause: true });
    expect(history.status).toBe(200);
    expect(history.json.map((e: { status: string }) => e.status)).toEqual(["active", "suspended"]);
    const now = await h.call("GET", `/v1/licences/${id}/status?at=${encodeURIComponent(new Date().toISOString())}`, { as: "consumer", cause: true });
    expect(now.json).toEqual({ status: "suspended" });
    const before = await h.call("GET", `/v1/licences/${id}/status?at=2000-01-01T00:00:00%2B08:00`, { as: "consumer", cause: true });
    expect(before.json).toEqual({ status: "not-issued" });
  });

  it("refuses an instant that is not RFC 3339 with an offset", async () => {
    for (const at of ["2026-01-01", "2026-01-01T00:00:00", "yesterday", ""]) {
      expectProblem(await h.call("GET", `/v1/licences/${id}/status?at=${at}`, { as: "consumer", cause: true }), 400, "ERR_VALIDATION");
    }
  });
});

it("the cause the tests send is the world's cause", () => {
  expect(causeHeaders()).toEqual({ "X-Approval-Matter": CAUSE.matter, "X-Read-Reason": encodeURIComponent(CAUSE.reason) });
});
