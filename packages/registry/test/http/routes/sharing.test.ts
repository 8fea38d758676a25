/**
 * Sharing agreements and holders' authorisations over HTTP, and their effect on what a consumer
 * is shown.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_LICENCE } from "../../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY, CONSUMER, OTHER_CONSUMER } from "@elicence/test-support/registry-world";
import { rid } from "../endpoints.js";
import { expectProblem, httpWorld, issuePaths, type HttpWorld } from "@elicence/test-support/http-world";

let h: HttpWorld;
let id: string;
const FUTURE = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
const HOLDER = { idType: COMPANY.idType, idNumber: COMPANY.idNumber };

beforeAll(async () => {
  h = await httpWorld();
  id = (await h.w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })).id;
});
afterAll(async () => {
  await h?.close();
});

const withheld = async (as: "consumer" | "otherConsumer") => (await h.call("GET", `/v1/licences/${id}`, { as, cause: true })).json.withheld as string[];

describe("agreements", () => {
  it("an admin's agreement opens conditional fields to that consumer (201), listed after", async () => {
    expect(await withheld("consumer")).toContain("registeredCapital");
    const answer = await h.call("POST", "/v1/agreements", { as: "admin", body: { consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["registeredCapital"], expiresAt: FUTURE } });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["registeredCapital"], id: expect.any(String), createdAt: expect.any(String) });
    expect(await withheld("consumer")).not.toContain("registeredCapital");
    expect(await withheld("otherConsumer")).toContain("registeredCapital");
    const list = await h.call("GET", "/v1/agreements", { as: "consumer" });
    expect(list.json.map((a: { id: string }) => a.id)).toContain(answer.json.id);
  });

  it("the registry's refusals come through with their codes: a past expiry, a field shared with no one", async () => {
    const before = await h.snapshot();
    expectProblem(
      await h.call("POST", "/v1/agreements", { as: "admin", body: { consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["registeredCapital"], expiresAt: "2000-01-01T00:00:00Z" } }),
      400,
      "ERR_VALIDATION",
    );
    const none = await h.call("POST", "/v1/agreements", { as: "admin", body: { consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["legalRepresentativeIdNumber"], expiresAt: FUTURE } });
    expectProblem(none, 400, "ERR_VALIDATION");
    expect(issuePaths(none)).toEqual(["fields.0"]);
    expect(await h.snapshot()).toEqual(before);
  });
});

describe("authorisations", () => {
  it("a holder's authorisation opens conditional fields for one department (201), listed by holder", async () => {
    const answer = await h.call("POST", "/v1/authorisations", { as: "issuer", body: { holder: HOLDER, consumer: OTHER_CONSUMER, type: BUSINESS_LICENCE.code, fields: ["address"], expiresAt: FUTURE } });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ holder: HOLDER, consumer: OTHER_CONSUMER, fields: ["address"] });
    expect(await withheld("otherConsumer")).not.toContain("address");
    const list = await h.call("GET", `/v1/authorisations?idType=001&idNumber=${HOLDER.idNumber}`, { as: "auditor" });
    expect(list.json.map((a: { id: string }) => a.id)).toContain(answer.json.id);
  });

  it("a holder filter needs both parameters", async () => {
    expectProblem(await h.call("GET", "/v1/authorisations?idType=001", { as: "auditor" }), 400, "ERR_VALIDATION");
    expectProblem(await h.call("GET", `/v1/authorisations?idNumber=${HOLDER.idNumber}`, { as: "auditor" }), 400, "ERR_VALIDATION");
  });
});
