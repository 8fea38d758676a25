/**
 * Every authenticated endpoint, through every way a request can be wrong: each answer is a 4xx
 * problem with a stable code, and nothing is written (every table keeps its row count, the log
 * included — a refused read is not logged).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY } from "@elicence/test-support/registry-world";
import { ENDPOINTS, rid, type Endpoint, type Fixtures } from "./endpoints.js";
import { causeHeaders, expectProblem, httpWorld, issuePaths, type Answer, type CallOptions, type HttpWorld } from "@elicence/test-support/http-world";

const MIB = 1024 * 1024;

let h: HttpWorld;
let f: Fixtures;

beforeAll(async () => {
  h = await httpWorld();
  const issued = await h.w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  f = { id: issued.id };
});
afterAll(async () => {
  await h?.close();
});

/** Sends a request built from the row, with the parts given overridden. */
function send(e: Endpoint, options: CallOptions & { path?: string } = {}): Promise<Answer> {
  const base: CallOptions = { as: e.as, cause: e.cause ?? false, ...(e.body ? { body: e.body() } : {}) };
  return h.call(e.method, options.path ?? e.path(f), { ...base, ...options });
}

/** Runs the request and checks the problem and that no table changed. */
async function refused(request: () => Promise<Answer>, status: number, code: string): Promise<Answer> {
  const before = await h.snapshot();
  const answer = await request();
  expectProblem(answer, status, code);
  expect(await h.snapshot()).toEqual(before);
  return answer;
}

/** A JSON text of exactly `size` bytes. */
function jsonOfSize(size: number): string {
  const shell = '{"pad":""}';
  return `{"pad":"${"x".repeat(size - shell.length)}"}`;
}

describe.each(ENDPOINTS.map((e) => [e.name, e] as const))("%s", (_name, e) => {
  it("refuses a request without an API key (401)", async () => {
    const answer = await refused(() => send(e, { as: undefined }), 401, "ERR_UNAUTHENTICATED");
    expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("refuses an unknown or malformed API key (401)", async () => {
    await refused(() => send(e, { as: undefined, headers: { Authorization: "Bearer elk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } }), 401, "ERR_UNAUTHENTICATED");
    await refused(() => send(e, { as: undefined, headers: { Authorization: `Basic ${h.w.keys.admin}` } }), 401, "ERR_UNAUTHENTICATED");
  });

  it("refuses unknown query parameters", async () => {
    const path = e.path(f);
    const answer = await refused(() => send(e, { path: `${path}${path.includes("?") ? "&" : "?"}debug=1` }), 400, "ERR_VALIDATION");
    expect(issuePaths(answer)).toContain("query.debug");
  });

  if (e.wrongRole) {
    const wrongRole = e.wrongRole;
    it(`refuses the ${wrongRole} role (403)`, async () => {
      await refused(() => send(e, { as: wrongRole }), 403, "ERR_FORBIDDEN");
    });
  }

  if (e.badPath) {
    const badPath = e.badPath;
    it("refuses an identifier that fails its check (400)", async () => {
      const answer = await refused(() => send(e, { path: badPath(f) }), 400, e.badPathCode ?? "ERR_IDENTIFIER_INVALID");
      expect(issuePaths(answer).length).toBeGreaterThan(0);
    });
  }

  if (e.cause) {
    it("refuses a read without a cause (400 ERR_CAUSE_REQUIRED)", async () => {
      const answer = await refused(() => send(e, { cause: false }), 400, "ERR_CAUSE_REQUIRED");
      expect(issuePaths(answer)).toEqual(["headers.X-Approval-Matter", "headers.X-Read-Reason"]);
    });

    it("refuses a cause with a missing, blank or badly encoded reason, or a bad matter code", async () => {
      const { "X-Approval-Matter": matter } = causeHeaders();
      const cases: Record<string, string>[] = [
        { "X-Approval-Matter": matter },
        { "X-Approval-Matter": matter, "X-Read-Reason": "%20%20" },
        { "X-Approval-Matter": matter, "X-Read-Reason": "%E5%8A" },
        { "X-Approval-Matter": matter, "X-Read-Reason": encodeURIComponent("x".repeat(257)) },
        { "X-Approval-Matter": matter, "X-Read-Reason": "%01" },
        { "X-Approval-Matter": "a b", "X-Read-Reason": "ok" },
        { "X-Approval-Matter": "x".repeat(65), "X-Read-Reason": "ok" },
      ];
      for (const headers of cases) await refused(() => send(e, { cause: false, headers }), 400, "ERR_CAUSE_REQUIRED");
    });
  }

  if (e.body) {
    const limit = e.batch ? 16 * MIB : MIB;

    it("refuses malformed JSON, a duplicate member and text that is not UTF-8 (400)", async () => {
      await refused(() => send(e, { raw: '{"reason": "x",', headers: { "Content-Type": "application/json" } }), 400, "ERR_INPUT_MALFORMED");
      await refused(() => send(e, { raw: '{"reason":"a","reason":"b"}', headers: { "Content-Type": "application/json" } }), 400, "ERR_JSON_DUPLICATE_MEMBER");
      await refused(() => send(e, { raw: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), headers: { "Content-Type": "application/json" } }), 400, "ERR_INPUT_MALFORMED");
    });

    it("refuses a missing body (400)", async () => {
      await refused(() => send(e, { body: undefined }), 400, "ERR_INPUT_MALFORMED");
    });

    it("refuses a body that is not application/json (415)", async () => {
      const text = JSON.stringify(e.body!());
      await refused(() => send(e, { raw: text, headers: { "Content-Type": "text/plain" } }), 415, "ERR_MEDIA_TYPE_UNSUPPORTED");
      await refused(() => send(e, { raw: text, headers: { "Content-Type": "application/x-www-form-urlencoded" } }), 415, "ERR_MEDIA_TYPE_UNSUPPORTED");
      await refused(() => send(e, { raw: text, headers: { "Content-Type": "application/json; charset=latin1" } }), 415, "ERR_MEDIA_TYPE_UNSUPPORTED");
    });

    it(`refuses a body over ${limit / MIB} MiB (413), declared or streamed`, async () => {
      const answer = await refused(() => send(e, { raw: jsonOfSize(limit + 1), headers: { "Content-Type": "application/json" } }), 413, "ERR_INPUT_TOO_LARGE");
      expect(answer.json.details).toEqual({ limit });
      const chunk = new TextEncoder().encode(jsonOfSize(limit + 1));
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < chunk.length; at += 64 * 1024) controller.enqueue(chunk.subarray(at, at + 64 * 1024));
          controller.close();
        },
      });
      const before = await h.snapshot();
      const res = await fetch(h.url + e.path(f), {
        method: "POST",
        headers: { Authorization: `Bearer ${h.w.keys[e.as]}`, "Content-Type": "application/json", ...(e.cause ? causeHeaders() : {}) },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(((await res.json()) as { code: string }).code).toBe("ERR_INPUT_TOO_LARGE");
      expect(await h.snapshot()).toEqual(before);
    });

    it("refuses an unknown member, reported at its path (400)", async () => {
      const answer = await refused(() => send(e, { body: { ...e.body!(), sneaky: true } }), 400, "ERR_VALIDATION");
      expect(issuePaths(answer)).toContain("sneaky");
    });

    // A body without members (revoking an API key) has no member to get wrong.
    const wrongType = e.wrongType;
    if (wrongType) {
      it("refuses a member of the wrong type, reported at its path (400)", async () => {
        const answer = await refused(() => send(e, { body: wrongType.body() }), 400, "ERR_VALIDATION");
        expect(issuePaths(answer)).toContain(wrongType.path);
      });
    }

    it("refuses a body that is not an object (400)", async () => {
      await refused(() => send(e, { body: [e.body!()] }), 400, "ERR_VALIDATION");
      await refused(() => send(e, { body: null }), 400, "ERR_VALIDATION");
    });
  }
});
