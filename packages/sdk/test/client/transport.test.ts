/**
 * Timeouts, cancellation and retries, against tiny local servers that count requests.
 */
import { afterEach, describe, expect, it } from "vitest";
import { LicenceError, RegistryClient } from "../../src/index.js";
import { BUSINESS_FIELDS, BUSINESS_LICENCE, CAUSE, COMPANY, stubServer, type StubServer } from "../support/world.js";

const servers: StubServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function stub(handler: Parameters<typeof stubServer>[0]) {
  const server = await stubServer(handler);
  servers.push(server);
  return server;
}

const unavailable = (res: import("node:http").ServerResponse) => {
  res.writeHead(503, { "Content-Type": "application/problem+json" });
  res.end(JSON.stringify({ type: "urn:elicence:problem:ERR_UNAVAILABLE", title: "Service Unavailable", status: 503, detail: "The registry is unavailable.", code: "ERR_UNAVAILABLE", requestId: "r1" }));
};
const issueRequest = { requestId: "req-1", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS };
const never = () => {
  /* never answers */
};

describe("timeouts and cancellation", () => {
  it("a server that never answers times out with ERR_UNAVAILABLE (reason timeout)", async () => {
    const server = await stub(never);
    const client = new RegistryClient({ baseUrl: server.url, apiKey: "k", timeoutMs: 150, retries: 0 });
    const started = Date.now();
    const err = (await client.whoami().catch((e: unknown) => e)) as LicenceError;
    expect(err).toBeInstanceOf(LicenceError);
    expect(err.code).toBe("ERR_UNAVAILABLE");
    expect(err.details.reason).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("a per-call signal cancels with the signal's reason, and is not retried", async () => {
    const server = await stub(never);
    const client = new RegistryClient({ baseUrl: server.url, apiKey: "k", timeoutMs: 10_000, retries: 3 });
    const controller = new AbortController();
    const pending = client.withOptions({ signal: controller.signal }).get("x", CAUSE).catch((e: unknown) => e);
    setTimeout(() => controller.abort(new Error("user cancelled")), 50);
    const err = (await pending) as Error;
    expect(err.message).toBe("user cancelled");
    expect(server.requests).toHaveLength(1);
  });

  it("a client-wide signal cancels every call, even before it is sent", async () => {
    const server = await stub(never);
    const controller = new AbortController();
    const client = new RegistryClient({ baseUrl: server.url, signal: controller.signal, retries: 2 });
    const pending = client.trustList().catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    expect(((await pending) as Error).name).toBe("AbortError");
    expect(((await client.treeHead().catch((e: unknown) => e)) as Error).name).toBe("AbortError");
    expect(server.requests).toHaveLength(1);
  });

  it("withOptions changes the timeout of the calls made through it only", async () => {
    const server = await stub((_req, res) => setTimeout(() => res.end("token"), 300));
    const client = new RegistryClient({ baseUrl: server.url, timeoutMs: 5000, retries: 0 });
    expect(((await client.withOptions({ timeoutMs: 50 }).trustList().catch((e: unknown) => e)) as LicenceError).details.reason).toBe("timeout");
    expect(await client.trustList()).toBe("token");
  });
});

describe("retries", () => {
  it("retries a GET on 503 with backoff, then succeeds", async () => {
    const server = await stub((_req, res, n) => (n < 3 ? unavailable(res) : res.end("token")));
    const client = new RegistryClient({ baseUrl: server.url, retries: 3, retryBaseDelayMs: 5 });
    expect(await client.trustList()).toBe("token");
    expect(server.requests).toHaveLength(3);
  });

  it("gives up after the retries and reports the registry's code", async () => {
    const server = await stub((_req, res) => unavailable(res));
    const client = new RegistryClient({ baseUrl: server.url, retries: 2, retryBaseDelayMs: 5 });
    const err = (await client.trustList().catch((e: unknown) => e)) as LicenceError;
    expect(err.code).toBe("ERR_UNAVAILABLE");
    expect(server.requests).toHaveLength(3);
  });

  it("retries a POST that carries a requestId (issue), after a timeout too", async () => {
    const server = await stub((_req, res, n) => {
      if (n === 1) return; // the first attempt hangs
      if (n === 2) return unavailable(res);
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ id: "x", licence: "l", status: "active", statusList: { uri: "u", idx: 0 } }));
    });
    const client = new RegistryClient({ baseUrl: server.url, apiKey: "k", retries: 3, retryBaseDelayMs: 5, timeoutMs: 100 });
    expect((await client.issue(issueRequest)).id).toBe("x");
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(Array(3).fill("POST /v1/licences"));
  });

  it("never retries a POST without a requestId (status changes, verify-data, agreements)", async () => {
    const server = await stub((_req, res) => unavailable(res));
    const client = new RegistryClient({ baseUrl: server.url, apiKey: "k", retries: 3, retryBaseDelayMs: 5 });
    await client.revoke("x", { reason: "r" }).catch(() => undefined);
    await client.verifyData({ holder: COMPANY, type: BUSINESS_LICENCE.code, field: "name", value: "x" }, CAUSE).catch(() => undefined);
    await client.createAgreement({ consumer: "c", type: "t", fields: ["f"], expiresAt: "2030-01-01T00:00:00Z" }).catch(() => undefined);
    expect(server.requests).toHaveLength(3);
  });

  it("never retries a refusal (4xx)", async () => {
    const server = await stub((_req, res) => {
      res.writeHead(404, { "Content-Type": "application/problem+json" });
      res.end(JSON.stringify({ code: "ERR_NOT_FOUND", status: 404, detail: "There is no such licence.", requestId: "r" }));
    });
    const client = new RegistryClient({ baseUrl: server.url, apiKey: "k", retries: 3, retryBaseDelayMs: 5 });
    const err = (await client.get("x", CAUSE).catch((e: unknown) => e)) as LicenceError;
    expect(err.code).toBe("ERR_NOT_FOUND");
    expect(err.message).toBe("There is no such licence.");
    expect(server.requests).toHaveLength(1);
  });
});

describe("answers that are not the registry's", () => {
  it("HTTP-only codes and non-problem errors are ERR_UNAVAILABLE with the original code", async () => {
    const server = await stub((req, res) => {
      if (req.url === "/v1/whoami") {
        res.writeHead(415, { "Content-Type": "application/problem+json" });
        return res.end(JSON.stringify({ code: "ERR_MEDIA_TYPE_UNSUPPORTED", status: 415, detail: "x", requestId: "r" }));
      }
      res.writeHead(418, { "Content-Type": "text/html" });
      res.end("<html>teapot</html>");
    });
    const client = new RegistryClient({ baseUrl: server.url, apiKey: "k", retries: 0 });
    const a = (await client.whoami().catch((e: unknown) => e)) as LicenceError;
    expect([a.code, a.details.problemCode, a.details.status]).toEqual(["ERR_UNAVAILABLE", "ERR_MEDIA_TYPE_UNSUPPORTED", 415]);
    const b = (await client.listAgreements().catch((e: unknown) => e)) as LicenceError;
    expect([b.code, b.details.status]).toEqual(["ERR_UNAVAILABLE", 418]);
  });

  it("a malformed JSON body is ERR_UNAVAILABLE, never a crash", async () => {
    const server = await stub((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"department": "a", "department": "b"}');
    });
    const client = new RegistryClient({ baseUrl: server.url, apiKey: "k", retries: 0 });
    const err = (await client.whoami().catch((e: unknown) => e)) as LicenceError;
    expect([err.code, err.details.reason]).toEqual(["ERR_UNAVAILABLE", "response-malformed"]);
  });

  it("public calls send no API key; authenticated ones do", async () => {
    const server = await stub((_req, res) => res.end("[]"));
    const client = new RegistryClient({ baseUrl: server.url, apiKey: "secret", retries: 0 });
    await client.trustList();
    await client.listAgreements();
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([undefined, "Bearer secret"]);
  });
});
