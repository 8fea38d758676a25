/**
 * Hardening defect 10: what clients get wrong below the app. An upload the client aborts is not a
 * server fault (no 500, nothing in the fault log); a request Node's HTTP parser refuses before the
 * app sees it (a malformed request line: 400; headers too large: 431) still gets an RFC 9457
 * problem document.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpWorld, type HttpWorld } from "@elicence/test-support/http-world";

let h: HttpWorld;
beforeAll(async () => {
  h = await httpWorld();
});
afterAll(async () => {
  await h?.close();
});

/** Writes raw bytes to the server and returns everything it answers until it closes. */
function raw(bytes: string, options: { abortAfterMs?: number } = {}): Promise<string> {
  const { port } = new URL(h.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1");
    let out = "";
    socket.on("data", (c) => (out += c.toString("utf8")));
    socket.on("error", () => resolve(out));
    socket.on("close", () => resolve(out));
    socket.write(bytes);
    if (options.abortAfterMs !== undefined) setTimeout(() => socket.destroy(), options.abortAfterMs);
  });
}

function problemOf(answer: string): { status: number; type: string; body: { code: string; status: number } } {
  const [head, body] = answer.split("\r\n\r\n", 2) as [string, string];
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const type = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? "";
  return { status, type, body: JSON.parse(body) };
}

describe("client errors", () => {
  it("an aborted upload is no server fault", async () => {
    const faults = h.log.faults.length;
    await raw(`POST /v1/licences HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${h.w.keys.issuer}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"requestId":"abc",`, { abortAfterMs: 200 });
    await new Promise((r) => setTimeout(r, 300));
    expect(h.log.faults.length).toBe(faults);
    const last = h.log.requests.at(-1)!;
    expect(last.status).toBeLessThan(500);
  });

  it("a request line Node refuses gets a 400 problem document", async () => {
    const answer = problemOf(await raw("BR0KEN / NOT-HTTP\r\n\r\n"));
    expect(answer.status).toBe(400);
    expect(answer.type).toContain("application/problem+json");
    expect(answer.body).toMatchObject({ status: 400, code: "ERR_INPUT_MALFORMED" });
  });

  it("headers too large get a 431 problem document", async () => {
    const answer = problemOf(await raw(`GET /v1/trust-list HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(64 * 1024)}\r\n\r\n`));
    expect(answer.status).toBe(431);
    expect(answer.type).toContain("application/problem+json");
    expect(answer.body).toMatchObject({ status: 431, code: "ERR_INPUT_TOO_LARGE" });
  });
});
