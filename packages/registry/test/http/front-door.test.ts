/**
 * The front door (`src/http/middleware/front.ts`): one pass per request sets the request id and the
 * security headers, answers CORS, and checks what the route's definition asks for — bearer key →
 * cause headers → query → path parameters — before the route reads a body. Over real HTTP on
 * loopback (Node's raw header list), some through `app.request` (a `Headers` object) to hold the
 * two header readers together, and some as raw bytes on a socket, for what `fetch` will not send.
 * Every refusal leaves every table as it was.
 */
import { connect } from "node:net";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp, serveRegistry, type HttpEnv, type RunningServer } from "../../src/http/index.js";
import { assertGated, frontChecked } from "../../src/http/gates.js";
import { reasonHash } from "../../src/registry/cause.js";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, CAUSE, COMPANY, CONSUMER } from "@elicence/test-support/registry-world";
import { causeHeaders, expectProblem, httpWorld, issuePaths, type Answer, type HttpWorld } from "@elicence/test-support/http-world";

const ORIGIN = "https://approval.example.gov.cn";
const LOOKUP = `/v1/holders/${COMPANY.idType}/${COMPANY.idNumber}/licences`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let h: HttpWorld;
let licenceId: string;
let corsServer: RunningServer;

beforeAll(async () => {
  h = await httpWorld();
  licenceId = (await h.w.issuer.issue({ requestId: "front-1", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })).id;
  corsServer = await serveRegistry(h.w.registry, { port: 0, corsOrigins: [ORIGIN], logger: {} });
});
afterAll(async () => {
  await corsServer?.close();
  await h?.close();
});

/** Runs the request, checks the problem, its security headers, and that no table changed. */
async function refused(request: () => Promise<Answer>, status: number, code: string): Promise<Answer> {
  const before = await h.snapshot();
  const answer = await request();
  expectProblem(answer, status, code);
  expectSecurityHeaders(answer.headers);
  expect(await h.snapshot()).toEqual(before);
  return answer;
}

function expectSecurityHeaders(headers: Headers): void {
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(headers.get("referrer-policy")).toBe("no-referrer");
  expect(headers.get("x-request-id")).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
}

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly json: any;
}

/**
 * Sends a request as raw bytes (header lines given as they are, Latin-1) and reads one response,
 * without sending more than `head` — a declared body that never comes is never sent.
 */
function raw(url: string, head: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no answer within 5 s: the server waited for the body"));
    }, 5000);
    socket.on("error", reject);
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      const lines = received.subarray(0, end).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) headers[line.slice(0, line.indexOf(":")).toLowerCase()] = line.slice(line.indexOf(":") + 1).trim();
      const length = Number(headers["content-length"] ?? 0);
      if (received.length < end + 4 + length) return;
      clearTimeout(timer);
      socket.destroy();
      const body = received.subarray(end + 4, end + 4 + length).toString("utf8");
      resolve({ status: Number(lines[0]!.split(" ")[1]), headers, json: headers["content-type"]?.includes("json") ? JSON.parse(body) : undefined });
    });
    socket.write(Buffer.from(`${head.replaceAll("\n", "\r\n")}\r\n\r\n`, "latin1"));
  });
}

/** Raw header lines of a lookup by the consumer. */
function lookupHead(extra: string[], path = LOOKUP): string {
  return [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1`, `Authorization: Bearer ${h.w.keys.consumer}`, ...extra].join("\n");
}

describe("the front door", () => {
  it("refuses a request without an API key, with WWW-Authenticate, and writes nothing", async () => {
    const answer = await refused(() => h.call("GET", LOOKUP, { cause: true }), 401, "ERR_UNAUTHENTICATED");
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="elicence"');
  });

  it("refuses malformed and unknown keys, and another scheme, all alike", async () => {
    for (const authorization of ["Bearer", "Bearer ", "Bearer a b", "Bearer " + "a".repeat(513), `Basic ${h.w.keys.consumer}`, `Bearer ${h.w.keys.consumer}x`, "Bearer elk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]) {
      const answer = await refused(() => h.call("GET", LOOKUP, { cause: true, headers: { Authorization: authorization } }), 401, "ERR_UNAUTHENTICATED");
      expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="elicence"');
    }
  });

  it("refuses a revoked key from the next request on", async () => {
    const { id, key } = await h.w.admin.createApiKey({ department: CONSUMER, roles: ["consumer"] });
    const withKey = () => h.call("GET", LOOKUP, { cause: true, headers: { Authorization: `Bearer ${key}` } });
    expect((await withKey()).status).toBe(200);
    await h.w.admin.revokeApiKey(id);
    await refused(withKey, 401, "ERR_UNAUTHENTICATED");
  });

  it("refuses a read without a cause, naming both headers", async () => {
    const answer = await refused(() => h.call("GET", LOOKUP, { as: "consumer" }), 400, "ERR_CAUSE_REQUIRED");
    expect(answer.json.issues).toEqual([
      { path: ["headers", "X-Approval-Matter"], message: "is required" },
      { path: ["headers", "X-Read-Reason"], message: "is required" },
    ]);
  });

  it("refuses a malformed or oversized cause with zod's issues, and accepts the largest allowed reason", async () => {
    const { "X-Approval-Matter": matter } = causeHeaders();
    const bad = await refused(() => h.call("GET", LOOKUP, { as: "consumer", headers: { "X-Approval-Matter": "a b", "X-Read-Reason": "%E5%8A" } }), 400, "ERR_CAUSE_REQUIRED");
    expect(bad.json.issues).toEqual([
      { path: ["headers", "X-Approval-Matter"], message: "must be 1 to 64 of A-Z a-z 0-9 . _ : -" },
      { path: ["headers", "X-Read-Reason"], message: "must be UTF-8, percent-encoded" },
    ]);
    const long = await refused(() => h.call("GET", LOOKUP, { as: "consumer", headers: { "X-Approval-Matter": matter, "X-Read-Reason": "x".repeat(3073) } }), 400, "ERR_CAUSE_REQUIRED");
    expect(long.json.issues.map((i: { message: string }) => i.message)).toEqual([
      "Too big: expected string to have <=3072 characters",
      "must be 1 to 256 characters without control characters, once decoded",
    ]);
    const largest = await h.call("GET", LOOKUP, { as: "consumer", headers: { "X-Approval-Matter": "m".repeat(64), "X-Read-Reason": encodeURIComponent("😀".repeat(128)) } });
    expect(largest.status).toBe(200);
  });

  it("refuses hostile cause bytes: Latin-1 and raw UTF-8 octets, control characters, repeated headers", async () => {
    const cases: [string[], string][] = [
      [["X-Approval-Matter: m-1", "X-Read-Reason: caf\u00e9"], "X-Read-Reason"],
      [["X-Approval-Matter: m-1", `X-Read-Reason: ${Buffer.from("办理", "utf8").toString("latin1")}`], "X-Read-Reason"],
      [[`X-Approval-Matter: ${Buffer.from("事项", "utf8").toString("latin1")}`, "X-Read-Reason: ok"], "X-Approval-Matter"],
      [["X-Approval-Matter: m-1", "X-Read-Reason: %00ok"], "X-Read-Reason"],
      [["X-Approval-Matter: m-1", "X-Read-Reason: %E2%80%A8"], "X-Read-Reason"],
      // Two header lines are one value joined with ", " (as a Headers object joins them): no longer a matter code.
      [["X-Approval-Matter: m-1", "x-approval-matter: m-2", "X-Read-Reason: ok"], "X-Approval-Matter"],
    ];
    for (const [lines, header] of cases) {
      const before = await h.snapshot();
      const answer = await raw(h.url, lookupHead(lines));
      expect({ status: answer.status, code: answer.json.code }, lines.join(" | ")).toEqual({ status: 400, code: "ERR_CAUSE_REQUIRED" });
      expect(answer.json.issues.map((i: { path: string[] }) => i.path[1])).toEqual([header]);
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      expect(await h.snapshot()).toEqual(before);
    }
    // Header names in any case, the same header repeated where joining keeps it valid: accepted.
    const ok = await raw(h.url, lookupHead(["x-APPROVAL-matter: m-1", `X-READ-REASON: ${encodeURIComponent("办理")}`]));
    expect(ok.status).toBe(200);
  });

  it("checks in order: key, then cause, then query, then path (one fault reported)", async () => {
    const badPath = `/v1/holders/001/91330100MA2B3C4D1B/licences?debug=1`;
    await refused(() => h.call("GET", badPath), 401, "ERR_UNAUTHENTICATED");
    await refused(() => h.call("GET", badPath, { as: "consumer" }), 400, "ERR_CAUSE_REQUIRED");
    const query = await refused(() => h.call("GET", badPath, { as: "consumer", cause: true }), 400, "ERR_VALIDATION");
    expect(issuePaths(query)).toEqual(["query.debug"]);
    const path = await refused(() => h.call("GET", badPath.split("?")[0]!, { as: "consumer", cause: true }), 400, "ERR_IDENTIFIER_INVALID");
    expect(issuePaths(path)).toEqual(["path.idNumber"]);
  });

  it("refuses a bad path parameter or query before the body is read", async () => {
    // The body is declared and never sent: an answer proves the server did not wait for it.
    const head = (path: string) => [`POST ${path} HTTP/1.1`, "Host: 127.0.0.1", `Authorization: Bearer ${h.w.keys.issuer}`, "Content-Type: application/json", "Content-Length: 1000"].join("\n");
    const before = await h.snapshot();
    const badId = await raw(h.url, head("/v1/licences/not-a-licence-id/suspend"));
    expect({ status: badId.status, code: badId.json.code }).toEqual({ status: 400, code: "ERR_IDENTIFIER_INVALID" });
    const badQuery = await raw(h.url, head(`/v1/licences/${encodeURIComponent(licenceId)}/suspend?now=1`));
    expect({ status: badQuery.status, code: badQuery.json.code }).toEqual({ status: 400, code: "ERR_VALIDATION" });
    // An unauthenticated one too, even with a body too large to accept.
    const noKey = await raw(h.url, [`POST /v1/licences HTTP/1.1`, "Host: 127.0.0.1", "Content-Type: application/json", "Content-Length: 99999999"].join("\n"));
    expect({ status: noKey.status, code: noKey.json.code }).toEqual({ status: 401, code: "ERR_UNAUTHENTICATED" });
    expect(await h.snapshot()).toEqual(before);
  });

  it("echoes a well-formed request id, in the header and the problem, and replaces a malformed one", async () => {
    const echoed = await h.call("GET", LOOKUP, { as: "consumer", cause: true, headers: { "X-Request-Id": "approval-42.a_b" } });
    expect(echoed.status).toBe(200);
    expect(echoed.headers.get("x-request-id")).toBe("approval-42.a_b");
    const problem = await refused(() => h.call("GET", LOOKUP, { headers: { "X-Request-Id": "r".repeat(64) } }), 401, "ERR_UNAUTHENTICATED");
    expect(problem.json.requestId).toBe("r".repeat(64));
    for (const id of ["r".repeat(65), "a b", "a/b", "<script>", "é"]) {
      const answer = await h.call("GET", LOOKUP, { headers: { "X-Request-Id": id } });
      expect(answer.headers.get("x-request-id"), id).toMatch(UUID);
      expect(answer.json.requestId).toBe(answer.headers.get("x-request-id"));
    }
    // Two X-Request-Id lines are one value with ", ": malformed, so replaced.
    const twice = await raw(h.url, lookupHead(["X-Request-Id: a", "X-Request-Id: b"]));
    expect(twice.headers["x-request-id"]).toMatch(UUID);
  });

  it("sets the security headers on successes and errors; a route's own Cache-Control wins over no-store", async () => {
    const ok = await h.call("GET", LOOKUP, { as: "consumer", cause: true });
    expect(ok.status).toBe(200);
    expectSecurityHeaders(ok.headers);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const notFound = await h.call("GET", "/v1/nothing-here");
    expectProblem(notFound, 404, "ERR_NOT_FOUND");
    expectSecurityHeaders(notFound.headers);
    const trustList = await h.call("GET", "/v1/trust-list");
    expect(trustList.status).toBe(200);
    expectSecurityHeaders(trustList.headers);
    expect(trustList.headers.get("cache-control")).not.toBe("no-store");
    expect(trustList.headers.get("cache-control")).toMatch(/max-age|no-cache/);
    // Each header once, not once from the front door and once from the route.
    const rawOk = await raw(h.url, lookupHead(["X-Approval-Matter: m-1", "X-Read-Reason: ok"], "/v1/trust-list"));
    expect(rawOk.headers["cache-control"]).toBe(trustList.headers.get("cache-control"));
  });

  it("answers a CORS preflight for a listed origin, and refuses another with no CORS headers", async () => {
    const preflight = (origin: string) =>
      fetch(corsServer.url + LOOKUP, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } });
    const allowed = await preflight(ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(allowed.headers.get("access-control-allow-methods")).toBe("GET, POST");
    expectSecurityHeaders(allowed.headers);
    const other = await preflight("https://evil.example");
    expect(other.status).toBe(204);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("access-control-allow-methods")).toBeNull();
    // A preflight needs no key: the browser sends none.
    expect(allowed.headers.get("www-authenticate")).toBeNull();
    // The real request from the listed origin is checked like any other.
    const read = await fetch(corsServer.url + LOOKUP, { headers: { Origin: ORIGIN, Authorization: `Bearer ${h.w.keys.consumer}` } });
    expect(read.status).toBe(400);
    expect(read.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(((await read.json()) as { code: string }).code).toBe("ERR_CAUSE_REQUIRED");
  });

  it("gives the route what it checked: the cause reaches the registry's log, the page size its query", async () => {
    const reason = "办理（前门测试）";
    const before = (await h.w.auditor.logEntries(licenceId, CAUSE)).length;
    const answer = await h.call("GET", `${LOOKUP}?limit=1`, { as: "consumer", headers: causeHeaders({ matter: "front-door-1", reason }) });
    expect(answer.status).toBe(200);
    expect(answer.json).toHaveLength(1);
    const entries = await h.w.auditor.logEntries(licenceId, CAUSE);
    expect(entries.length).toBeGreaterThan(before);
    const added = JSON.stringify(entries.slice(before));
    expect(added).toContain("front-door-1");
    expect(added).toContain(reasonHash(reason));
  });

  it("answers the same through app.request (a Headers object) as over HTTP (Node's raw headers)", async () => {
    const app = createHttpApp(h.w.registry, { logger: {} });
    const requests: [string, Record<string, string>][] = [
      [LOOKUP, {}],
      [LOOKUP, { Authorization: `Bearer ${h.w.keys.consumer}` }],
      [LOOKUP, { Authorization: `Bearer ${h.w.keys.consumer}`, "X-Approval-Matter": "a b", "X-Read-Reason": "%E5" }],
      [`${LOOKUP}?x=1`, { Authorization: `Bearer ${h.w.keys.consumer}`, ...causeHeaders() }],
      [`/v1/licences/bad-id`, { Authorization: `Bearer ${h.w.keys.consumer}`, ...causeHeaders() }],
      [LOOKUP, { Authorization: `Bearer ${h.w.keys.consumer}`, ...causeHeaders(), "X-Request-Id": "same-1" }],
    ];
    for (const [path, headers] of requests) {
      const viaApp = await app.request(path, { headers });
      const viaHttp = await fetch(h.url + path, { headers });
      const [a, b] = [(await viaApp.json()) as Record<string, unknown>, (await viaHttp.json()) as Record<string, unknown>];
      expect(viaApp.status, path).toBe(viaHttp.status);
      for (const name of ["x-content-type-options", "content-security-policy", "referrer-policy", "cache-control", "www-authenticate", "content-type"]) {
        expect(viaApp.headers.get(name), name).toBe(viaHttp.headers.get(name));
      }
      if (viaApp.status >= 400) expect({ ...a, requestId: undefined }).toEqual({ ...b, requestId: undefined });
      else expect(a).toEqual(b);
      if (headers["X-Request-Id"]) expect([viaApp.headers.get("x-request-id"), viaHttp.headers.get("x-request-id")]).toEqual(["same-1", "same-1"]);
    }
  });

  it("will not make an app with a keyed route that is not behind the front door", () => {
    const route = () => createRoute({ method: "get", path: "/v1/x/{id}", security: [{ bearer: [] }], request: { params: z.object({ id: z.string() }) }, responses: { 200: { description: "ok" } } });
    const open = new OpenAPIHono<HttpEnv>();
    open.openapi(route(), (c) => c.body(null, 200));
    expect(() => assertGated(open)).toThrow(/GET \/v1\/x\/\{id\} needs a bearer key/);
    const gated = new OpenAPIHono<HttpEnv>();
    gated.openapi(frontChecked(gated, route()), (c) => c.body(null, 200));
    expect(() => assertGated(gated)).not.toThrow();
    // The definition is documented whole, parameters included.
    expect(JSON.stringify(gated.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } }))).toContain('"in":"path"');
  });
});
