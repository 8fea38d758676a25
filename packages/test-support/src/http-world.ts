/**
 * An HTTP world for tests: the registry world (registry-world.ts: a workspace made by
 * `initWorkspace`, the registry on a SQLite file, API keys for every role), served on 127.0.0.1 by
 * `serveRegistry` on a free port, with a small client and a snapshot of every table so a test can
 * say "nothing was written".
 */
import { expect } from "vitest";
import { serveRegistry, type AccessLogEntry, type FaultLogEntry, type RunningServer } from "@elicence/registry";
import { CAUSE, registryWorld, type RegistryWorld } from "./registry-world.js";

export type KeyName = keyof RegistryWorld["keys"];

/** What the server answered. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, when it is JSON. */
  readonly json: any;
}

/** Options of {@link HttpWorld.call}. */
export interface CallOptions {
  /** Which API key to send as a bearer token; none when omitted. */
  readonly as?: KeyName;
  /** A JSON value to send (serialised), or raw text/bytes sent as they are. */
  readonly body?: unknown;
  readonly raw?: string | Uint8Array<ArrayBuffer>;
  /** Send the test cause headers. */
  readonly cause?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpWorld {
  readonly w: RegistryWorld;
  readonly server: RunningServer;
  readonly url: string;
  /** Every access-log entry and fault, for tests of what is logged. */
  readonly log: { readonly requests: AccessLogEntry[]; readonly faults: FaultLogEntry[] };
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** Row counts of every table the registry writes. */
  snapshot(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const TABLES = ["licence_types", "api_keys", "licences", "status_history", "status_lists", "requests", "agreements", "authorisations", "log_entries", "consents", "holder_tokens"] as const;

/** The test cause as headers. */
export function causeHeaders(cause: { matter: string; reason: string } = CAUSE): Record<string, string> {
  return { "X-Approval-Matter": cause.matter, "X-Read-Reason": encodeURIComponent(cause.reason) };
}

/** Starts a world. */
export async function httpWorld(): Promise<HttpWorld> {
  const w = await registryWorld("sqlite");
  const log = { requests: [] as AccessLogEntry[], faults: [] as FaultLogEntry[] };
  const server = await serveRegistry(w.registry, {
    port: 0,
    logger: { request: (e) => log.requests.push(e), fault: (e) => log.faults.push(e) },
  });
  return {
    w,
    server,
    url: server.url,
    log,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.cause ? causeHeaders() : {}) };
      if (options.as) headers["Authorization"] = `Bearer ${w.keys[options.as]}`;
      let body: string | Uint8Array<ArrayBuffer> | undefined;
      if (options.raw !== undefined) body = options.raw;
      else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers["Content-Type"] = "application/json";
      }
      Object.assign(headers, options.headers);
      const res = await fetch(server.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async snapshot() {
      const counts: Record<string, number> = {};
      for (const table of TABLES) counts[table] = (await w.registry.database.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
      return counts;
    },
    async close() {
      await server.close();
      await w.registry.close();
    },
  };
}

/** Asserts a problem document: status, code, media type, request id and no internals. */
export function expectProblem(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.json?.code }).toEqual({ status, code });
  expect(answer.headers.get("content-type")).toBe("application/problem+json");
  expect(answer.json).toMatchObject({ type: `urn:elicence:problem:${code}`, status, code });
  expect(typeof answer.json.title).toBe("string");
  expect(typeof answer.json.detail).toBe("string");
  expect(answer.json.requestId).toBe(answer.headers.get("x-request-id"));
  expect(answer.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
}

/** The paths of a problem's issues, dotted. */
export function issuePaths(answer: Answer): string[] {
  return ((answer.json?.issues ?? []) as { path: (string | number)[] }[]).map((i) => i.path.join("."));
}
