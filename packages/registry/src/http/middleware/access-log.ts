/**
 * The access log: method, route template, status, duration and request id — and nothing else. A
 * path can hold a holder's identity number and a query a cause, so neither is logged; the route
 * template (`/v1/holders/:idType/:idNumber/licences`) says what was called.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

/** One line of the access log. */
export interface AccessLogEntry {
  readonly requestId: string;
  readonly method: string;
  /** The route template, never the concrete path. */
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
}

/** A server fault: the client got a generic 500; this is where the error goes. */
export interface FaultLogEntry {
  readonly requestId: string;
  readonly method: string;
  readonly route: string;
  readonly error: unknown;
}

/** Where the HTTP layer writes. */
export interface HttpLogger {
  request?(entry: AccessLogEntry): void;
  fault?(entry: FaultLogEntry): void;
}

/** The default: no access log; faults as one JSON line on stderr (name, message and stack only). */
export const defaultLogger: HttpLogger = {
  fault(entry) {
    const error = entry.error instanceof Error ? { name: entry.error.name, message: entry.error.message, stack: entry.error.stack } : { name: typeof entry.error };
    process.stderr.write(`${JSON.stringify({ level: "error", requestId: entry.requestId, method: entry.method, route: entry.route, error })}\n`);
  },
};

/** The route template that answered, or `*` when none did. */
export function routeOf(c: Parameters<MiddlewareHandler>[0]): string {
  const route = routePath(c, -1);
  return route === "/*" || route === "*" || route === "" ? "*" : route;
}
