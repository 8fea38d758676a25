/**
 * Who am I and the catalogue over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_DEPARTMENT } from "../../../src/workspace/samples.js";
import { expectProblem, httpWorld, issuePaths, type HttpWorld } from "@elicence/test-support/http-world";

let h: HttpWorld;

beforeAll(async () => {
  h = await httpWorld();
});
afterAll(async () => {
  await h?.close();
});

describe("GET /v1/whoami", () => {
  it("answers the caller as authenticated, with no-store", async () => {
    const answer = await h.call("GET", "/v1/whoami", { as: "issuer" });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.json).toMatchObject({ department: SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: [BUSINESS_LICENCE.code, OPERATOR_CERTIFICATE.code] });
  });
});

describe("licence types", () => {
  it("lists the catalogue and answers one type", async () => {
    const list = await h.call("GET", "/v1/licence-types", { as: "consumer" });
    expect(list.json.map((t: { code: string }) => t.code)).toEqual([BUSINESS_LICENCE.code, OPERATOR_CERTIFICATE.code]);
    const one = await h.call("GET", `/v1/licence-types/${BUSINESS_LICENCE.code}`, { as: "consumer" });
    expect(one.json).toEqual(BUSINESS_LICENCE);
  });

  it("a well-formed code that is not in the catalogue is 404 with the registry's code", async () => {
    expectProblem(await h.call("GET", `/v1/licence-types/${SAMPLE_DEPARTMENT.code}999`, { as: "consumer" }), 404, "ERR_LICENCE_TYPE_UNKNOWN");
  });

  it("an admin registers a new version (201); the same version again is 409", async () => {
    const next = { ...OPERATOR_CERTIFICATE, version: 2, name: "特种作业操作证（2026版）" };
    const answer = await h.call("POST", "/v1/licence-types", { as: "admin", body: next });
    expect(answer.status).toBe(201);
    expect(answer.json).toEqual(next);
    expect((await h.call("GET", `/v1/licence-types/${OPERATOR_CERTIFICATE.code}`, { as: "consumer" })).json.version).toBe(2);
    const before = await h.snapshot();
    expectProblem(await h.call("POST", "/v1/licence-types", { as: "admin", body: next }), 409, "ERR_CONFLICT");
    expect(await h.snapshot()).toEqual(before);
  });

  it("validates a type with core's own schema: every problem with its path", async () => {
    const bad = { ...BUSINESS_LICENCE, version: 3, issuers: ["11330100MB0000019A"], fields: [...BUSINESS_LICENCE.fields, { ...BUSINESS_LICENCE.fields[0]!, extra: 1 }] };
    const answer = await h.call("POST", "/v1/licence-types", { as: "admin", body: bad });
    expectProblem(answer, 400, "ERR_VALIDATION");
    expect(issuePaths(answer)).toEqual(expect.arrayContaining(["issuers.0", "fields.8.extra"]));
  });
});
