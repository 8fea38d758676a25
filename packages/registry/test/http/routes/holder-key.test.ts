/**
 * `holderKey` over HTTP (`POST /v1/licences`): a public P-256 or Ed25519 JWK is accepted for a
 * holder-bound type and signed as `cnf`; a private member, another key type or a key for an
 * unbound type is a 400 problem, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateHolderKey, type GeneratedHolderKey } from "@elicence/core/presentation";
import { BUSINESS_LICENCE, SAMPLE_DEPARTMENT } from "../../../src/workspace/samples.js";
import { expectProblem, httpWorld, type HttpWorld } from "@elicence/test-support/http-world";
import { BUSINESS_FIELDS, COMPANY } from "@elicence/test-support/registry-world";

const BOUND = { ...BUSINESS_LICENCE, code: `${SAMPLE_DEPARTMENT.code}008`, name: "持证人绑定的营业执照", holderBinding: true };
let h: HttpWorld;
let holder: GeneratedHolderKey;
let boundKey: string;

beforeAll(async () => {
  h = await httpWorld();
  holder = await generateHolderKey("EdDSA");
  expect((await h.call("POST", "/v1/licence-types", { as: "admin", body: BOUND })).status).toBe(201);
  boundKey = (await h.w.registry.createApiKey({ department: SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: [BOUND.code] })).key;
});
afterAll(async () => {
  await h?.close();
});

const issue = (type: string, holderKey: unknown, key?: string) =>
  h.call("POST", "/v1/licences", {
    ...(key ? { headers: { authorization: `Bearer ${key}` } } : { as: "issuer" as const }),
    body: { requestId: `hk-${Math.random().toString(36).slice(2)}`, type, holder: COMPANY, fields: BUSINESS_FIELDS, ...(holderKey !== undefined ? { holderKey } : {}) },
  });

describe("POST /v1/licences with holderKey", () => {
  it("signs the holder's public key as cnf for a holder-bound type", async () => {
    const answer = await issue(BOUND.code, holder.publicJwk, boundKey);
    expect(answer.status).toBe(201);
    const payload = JSON.parse(Buffer.from(answer.json.licence.split(".")[1], "base64url").toString("utf8"));
    expect(payload.cnf).toEqual({ jwk: holder.publicJwk });
  });

  it("refuses a private member, an RSA key, a missing key and a key for an unbound type, writing nothing", async () => {
    const before = await h.snapshot();
    expectProblem(await issue(BOUND.code, { ...holder.publicJwk, d: holder.publicJwk.x }, boundKey), 400, "ERR_VALIDATION");
    expectProblem(await issue(BOUND.code, { kty: "RSA", n: "AQAB", e: "AQAB" }, boundKey), 400, "ERR_VALIDATION");
    expectProblem(await issue(BOUND.code, undefined, boundKey), 400, "ERR_VALIDATION");
    expectProblem(await issue(BUSINESS_LICENCE.code, holder.publicJwk), 400, "ERR_VALIDATION");
    expect(await h.snapshot()).toEqual(before);
  });
});
