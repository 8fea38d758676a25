/**
 * What every request gets from the app, whatever the route: the OpenAPI document, request ids,
 * security headers, problems for unknown routes and server faults, and a log without secrets.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { LicenceError } from "@elicence/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { serveRegistry, type AccessLogEntry, type FaultLogEntry, type RegistryBackend } from "../../src/http/index.js";
import { COMPANY } from "@elicence/test-support/registry-world";
import { ENDPOINTS } from "./endpoints.js";
import { expectProblem, httpWorld, type HttpWorld } from "@elicence/test-support/http-world";

let h: HttpWorld;

beforeAll(async () => {
  h = await httpWorld();
});
afterAll(async () => {
  await h?.close();
});

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const answer = await h.call("GET", "/openapi.json");
    expect(answer.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(answer.json);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents every route, with bearer security on the authenticated ones and problems as responses", async () => {
    const doc = (await h.call("GET", "/openapi.json")).json;
    const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
    // The public ones: trust list, status lists, tree head, inclusion, consistency, checkpoint, tiles, health,
    // POST /tsa, and the CA's CRL and OCSP (POST); and the four holder routes (a holder token, no API key).
    expect(operations).toHaveLength(ENDPOINTS.length + 11 + 4);
    for (const path of ["/v1/holder/consents", "/v1/holder/access-record"]) expect(doc.paths[path].get.security).toEqual([{ holder: [] }]);
    for (const [path, method, media] of [["/pki/crl", "get", "application/pkix-crl"], ["/pki/ocsp", "post", "application/ocsp-response"]] as const) {
      expect(doc.paths[path]?.[method]?.security, path).toBeUndefined();
      expect(doc.paths[path]?.[method]?.responses["200"].content[media]).toBeDefined();
    }
    for (const e of ENDPOINTS) {
      const template = e.path({ id: "{id}" }).split("?")[0]!.replace(/\/holders\/001\/[^/]+/, "/holders/{idType}/{idNumber}").replace(/licence-types\/\w+$/, "licence-types/{code}").replace(/api-keys\/[0-9a-f]{16}\//, "api-keys/{id}/").replace(/matters\/[^/{]+/, "matters/{code}").replace(/departments\/[^/{]+/, "departments/{code}");
      const op = doc.paths[template]?.[e.method.toLowerCase()];
      expect(op, `${e.method} ${template}`).toBeDefined();
      expect(op.security).toEqual([{ bearer: [] }]);
      expect(op.responses["401"].content["application/problem+json"]).toBeDefined();
      const headers = (op.parameters ?? []).filter((p: { in: string }) => p.in === "header").map((p: { name: string; required: boolean }) => [p.name, p.required]);
      expect(headers).toEqual(e.cause ? [["x-approval-matter", true], ["x-read-reason", true]] : []);
    }
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("generates strict request schemas from the same zod schemas that validate requests", async () => {
    const schemas = (await h.call("GET", "/openapi.json")).json.components.schemas;
    for (const name of ["IssueRequest", "IssueItem", "IssueBatchRequest", "AmendRequest", "RenewRequest", "StatusChangeRequest", "VerifyDataRequest", "CreateAgreement", "CreateAuthorisation", "LicenceType", "HolderInput", "HolderCode"]) {
      expect(schemas[name]?.additionalProperties, name).toBe(false);
    }
    expect(schemas.IssueRequest.properties.type.pattern).toBe("^[0-9A-HJ-NPQRTUWXY]{18}[0-9]{3}$");
  });
});

describe("request ids", () => {
  it("echoes a well-formed X-Request-Id, in the header and in problems", async () => {
    const ok = await h.call("GET", "/healthz", { headers: { "X-Request-Id": "approval-42.retry_1" } });
    expect(ok.headers.get("x-request-id")).toBe("approval-42.retry_1");
    const problem = await h.call("GET", "/v1/whoami", { headers: { "X-Request-Id": "approval-43" } });
    expect(problem.json.requestId).toBe("approval-43");
  });

  it("replaces a malformed or oversized one with a new id", async () => {
    for (const offered of ["has space", "x".repeat(65), "a/b", "<script>"]) {
      const answer = await h.call("GET", "/healthz", { headers: { "X-Request-Id": offered } });
      expect(answer.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("headers and unknown routes", () => {
  it("sets nosniff everywhere, no-store on authenticated answers and on problems", async () => {
    const answer = await h.call("GET", "/v1/licence-types", { as: "consumer" });
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    const problem = await h.call("GET", "/v1/licence-types");
    expect(problem.headers.get("cache-control")).toBe("no-store");
  });

  it("answers an unknown route or method with a 404 problem", async () => {
    expectProblem(await h.call("GET", "/v1/nothing-here"), 404, "ERR_NOT_FOUND");
    expectProblem(await h.call("DELETE", "/v1/whoami", { as: "admin" }), 404, "ERR_NOT_FOUND");
    expectProblem(await h.call("GET", "/v2/whoami", { as: "admin" }), 404, "ERR_NOT_FOUND");
  });
});

describe("the access log", () => {
  it("holds method, route template, status, duration and request id only: no path values, keys or causes", async () => {
    const from = h.log.requests.length;
    await h.call("GET", `/v1/holders/001/${COMPANY.idNumber}/licences?type=${BUSINESS_LICENCE.code}`, { as: "consumer", cause: true, headers: { "X-Request-Id": "log-test-1" } });
    const entries = h.log.requests.slice(from);
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(Object.keys(entry).sort()).toEqual(["durationMs", "method", "requestId", "route", "status"]);
    expect(entry).toMatchObject({ requestId: "log-test-1", method: "GET", route: "/v1/holders/:idType/:idNumber/licences", status: 200 });
    const text = JSON.stringify(h.log);
    expect(text).not.toContain(COMPANY.idNumber);
    expect(text).not.toContain(h.w.keys.consumer);
    expect(text).not.toContain("330100-TEST");
    expect(h.log.faults).toEqual([]);
  });
});

describe("server faults", () => {
  async function serveStub(backend: RegistryBackend) {
    const requests: AccessLogEntry[] = [];
    const faults: FaultLogEntry[] = [];
    const server = await serveRegistry(backend, { port: 0, logger: { request: (e) => requests.push(e), fault: (e) => faults.push(e) } });
    return { server, requests, faults };
  }
  const SECRET = "password=hunter2 at /srv/registry/db.ts:42";
  const failing: RegistryBackend = {
    session: async () => {
      throw new Error(SECRET);
    },
    public: {
      trustList: async () => {
        throw SECRET; // not even an Error
      },
      statusList: async () => {
        throw new LicenceError("ERR_UNAVAILABLE", "The registry is unavailable.");
      },
      treeHead: async () => {
        throw new LicenceError("ERR_PASSPHRASE_INCORRECT", "The passphrase is incorrect.");
      },
      inclusionProof: async () => {
        throw new TypeError(SECRET);
      },
      consistencyProof: async () => {
        throw new RangeError(SECRET);
      },
      checkpoint: async () => {
        throw new Error(SECRET);
      },
      logTile: async () => {
        throw new Error(SECRET);
      },
    },
  };

  it("an unexpected error is a generic 500: no message, no stack; the fault goes to the log", async () => {
    const { server, faults } = await serveStub(failing);
    try {
      const paths = ["/v1/whoami", "/v1/trust-list", "/v1/log/tree-head", "/v1/log/inclusion?index=0&treeSize=1", "/v1/log/consistency?oldSize=0&newSize=1", "/v1/log/checkpoint", "/v1/log/tile/0/000.p/1"];
      for (const path of paths) {
        const res = await fetch(server.url + path, { headers: { Authorization: "Bearer elk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } });
        const text = await res.text();
        expect(res.status, path).toBe(500);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        expect(JSON.parse(text)).toMatchObject({ status: 500, code: "ERR_INTERNAL", detail: "The server could not complete the request." });
        expect(text).not.toContain("hunter2");
        expect(text).not.toContain("passphrase");
        expect(text).not.toMatch(/\.ts:\d+/);
      }
      expect(faults.map((f) => f.route)).toEqual(["/v1/whoami", "/v1/trust-list", "/v1/log/tree-head", "/v1/log/inclusion", "/v1/log/consistency", "/v1/log/checkpoint", "/v1/log/tile/:level/:rest{.+}"]);
    } finally {
      await server.close();
    }
  });

  it("ERR_UNAVAILABLE is 503 and not logged as a fault", async () => {
    const { server, faults } = await serveStub(failing);
    try {
      const res = await fetch(`${server.url}/v1/status-lists/0`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe("ERR_UNAVAILABLE");
      expect(faults).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
