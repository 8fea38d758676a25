/**
 * CORS: the public documents are readable from any browser origin; the authenticated API only from
 * the origins the operator lists; requests without `Origin` (non-browser clients) get no CORS
 * headers at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveRegistry, type RunningServer } from "../../src/http/index.js";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, CAUSE, COMPANY, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { causeHeaders } from "@elicence/test-support/http-world";

const ALLOWED = "https://approval.example.gov.cn";
const OTHER = "https://evil.example";

let w: RegistryWorld;
let server: RunningServer;

beforeAll(async () => {
  w = await registryWorld("sqlite");
  await w.issuer.issue({ requestId: "cors-1", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  server = await serveRegistry(w.registry, { port: 0, corsOrigins: [ALLOWED], logger: {} });
});
afterAll(async () => {
  await server?.close();
  await w?.registry.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers });
const preflight = (path: string, origin: string, method: string, headers = "authorization") =>
  fetch(server.url + path, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers } });

describe("CORS", () => {
  it("public documents: any origin may read them, with no credentials", async () => {
    for (const path of ["/v1/trust-list", "/v1/status-lists/0", "/v1/log/tree-head", "/healthz", "/openapi.json"]) {
      const res = await get(path, { Origin: OTHER });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("access-control-allow-origin"), path).toBe("*");
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      await res.arrayBuffer();
    }
    const pre = await preflight("/v1/status-lists/0", OTHER, "GET", "accept");
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-methods")).toBe("GET, HEAD");
  });

  it("the authenticated API: only a listed origin, and the preflight names the cause headers", async () => {
    const pre = await preflight(`/v1/holders/${COMPANY.idType}/${COMPANY.idNumber}/licences`, ALLOWED, "GET", "authorization,x-approval-matter,x-read-reason");
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(pre.headers.get("access-control-allow-headers")).toContain("X-Approval-Matter");
    expect(pre.headers.get("vary")).toContain("Origin");
    const res = await get(`/v1/holders/${COMPANY.idType}/${COMPANY.idNumber}/licences`, { Origin: ALLOWED, Authorization: `Bearer ${w.keys.consumer}`, ...causeHeaders(CAUSE) });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(res.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
    await res.arrayBuffer();
  });

  it("an origin not listed gets no CORS headers (the browser refuses), and a POST to the API is no exception", async () => {
    const pre = await preflight("/v1/licences", OTHER, "POST", "authorization,content-type");
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    expect(pre.headers.get("access-control-allow-methods")).toBeNull();
    const res = await get("/v1/whoami", { Origin: OTHER, Authorization: `Bearer ${w.keys.consumer}` });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    await res.arrayBuffer();
    // A public path does not open a write to it.
    const write = await preflight("/v1/trust-list", OTHER, "POST");
    expect(write.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("no Origin header, no CORS headers; errors carry them to a listed origin", async () => {
    const plain = await get("/v1/trust-list");
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
    await plain.arrayBuffer();
    const problem = await get("/v1/whoami", { Origin: ALLOWED });
    expect(problem.status).toBe(401);
    expect(problem.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    await problem.arrayBuffer();
  });
});
