/**
 * What every request passes first, in one middleware (one closure made per app, none per
 * request), in this order:
 *
 * 1. the request id (the caller's `X-Request-Id` when well-formed, else a new UUID) and the
 *    security headers, both set before the route runs so they are part of the response it builds
 *    (setting headers after the route makes Hono rebuild every response); under
 *    `@hono/node-server` they are set on Node's response, which adds the route's own headers;
 * 2. CORS: a preflight is answered here, an allowed origin gets its headers;
 * 3. the route's gate (`../gates.ts`), for a route put behind the front door:
 *    bearer key (`c.get("api")`, 401) → cause headers (`c.get("cause")`, 400 `ERR_CAUSE_REQUIRED`) →
 *    query (400 `ERR_VALIDATION`) → path parameters (400 `ERR_IDENTIFIER_INVALID`);
 * 4. then the route: its body reader (media type, size, UTF-8, strict JSON) and body schema, and
 *    the registry.
 *
 * A request with several faults is refused for the first in that order: an unauthenticated request
 * is told only that, a read without a cause is refused before its parameters are looked at, and no
 * request with a bad path or query has its body read. Anything thrown becomes a problem document
 * here, and the access log gets one line per request. A refused request writes nothing.
 *
 * Headers are read once: under `@hono/node-server` straight from the incoming message's raw
 * header list (the adapter builds a `Headers` object only if something asks for `c.req.raw.headers`
 * — a route reading a body does, once — so a read answers without one); elsewhere from
 * `c.req.raw.headers`. Repeated headers are joined with `, `, as `Headers` joins them.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { LicenceError } from "@elicence/core";
import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";
import { causeRequired, parseCause } from "../cause.js";
import type { HttpEnv, RegistryBackend } from "../context.js";
import type { RouteGates } from "../gates.js";
import { validationError } from "../validation.js";
import { routeOf, type HttpLogger } from "./access-log.js";
import { applyCors } from "./cors.js";

/** The request id header. */
export const REQUEST_ID_HEADER = "X-Request-Id";

const WELL_FORMED = /^[A-Za-z0-9._-]{1,64}$/;
// RFC 6750 §2.1 b64token, bounded.
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]{1,512}=*)$/i;

/** Options of {@link frontDoor}. */
export interface FrontDoorOptions {
  readonly logger: HttpLogger;
  readonly corsOrigins?: readonly string[] | undefined;
  /** Opens a session for a bearer key (the registry, whose key cache answers known keys). */
  readonly backend: Pick<RegistryBackend, "session">;
  /** The app's route gates. */
  readonly gates: RouteGates;
  /** The problem response for anything thrown on the way. */
  readonly onError: (err: unknown, c: Context<HttpEnv>) => Response;
}

/** The request headers the front door reads. */
interface FrontHeaders {
  requestId: string | undefined;
  origin: string | undefined;
  preflightMethod: string | undefined;
  authorization: string | undefined;
  matter: string | undefined;
  reason: string | undefined;
}

/** The security headers every answer carries (a route may set its own Cache-Control over this one). */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["X-Content-Type-Options", "nosniff"],
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
  ["Referrer-Policy", "no-referrer"],
  ["Cache-Control", "no-store"],
];

type Slot = keyof FrontHeaders;

/** The slot of a header name the front door reads, by a length test first (most names are not read). */
function slotOf(name: string): Slot | undefined {
  switch (name.length) {
    case 6:
      return name.toLowerCase() === "origin" ? "origin" : undefined;
    case 12:
      return name.toLowerCase() === "x-request-id" ? "requestId" : undefined;
    case 13: {
      const lower = name.toLowerCase();
      return lower === "authorization" ? "authorization" : lower === "x-read-reason" ? "reason" : undefined;
    }
    case 17:
      return name.toLowerCase() === "x-approval-matter" ? "matter" : undefined;
    case 29:
      return name.toLowerCase() === "access-control-request-method" ? "preflightMethod" : undefined;
    default:
      return undefined;
  }
}

/** The headers, from Node's raw `[name, value, name, value, …]` list (values already trimmed by its parser). */
function fromRawHeaders(raw: readonly string[]): FrontHeaders {
  const h: FrontHeaders = { requestId: undefined, origin: undefined, preflightMethod: undefined, authorization: undefined, matter: undefined, reason: undefined };
  for (let i = 0; i < raw.length; i += 2) {
    const slot = slotOf(raw[i]!);
    if (slot === undefined) continue;
    const value = raw[i + 1]!;
    const seen = h[slot];
    h[slot] = seen === undefined ? value : `${seen}, ${value}`;
  }
  return h;
}

/** The headers, from a `Headers` object. */
function fromHeaders(headers: Headers): FrontHeaders {
  return {
    requestId: headers.get("x-request-id") ?? undefined,
    origin: headers.get("origin") ?? undefined,
    preflightMethod: headers.get("access-control-request-method") ?? undefined,
    authorization: headers.get("authorization") ?? undefined,
    matter: headers.get("x-approval-matter") ?? undefined,
    reason: headers.get("x-read-reason") ?? undefined,
  };
}

/** Node's request and response when `@hono/node-server` serves the request. */
function nodeOf(c: Context<HttpEnv>): HttpBindings | undefined {
  const env = c.env as Partial<HttpBindings> | undefined;
  return env?.incoming !== undefined && env.outgoing !== undefined && Array.isArray(env.incoming.rawHeaders) ? (env as HttpBindings) : undefined;
}

function unauthenticated(): LicenceError {
  return new LicenceError("ERR_UNAUTHENTICATED", "The request needs a valid API key as a bearer token.");
}

/** The query as Hono's validator hands it to a schema: one value as a string, a repeated one as an array. */
function queryOf(c: Context<HttpEnv>): Record<string, string | string[]> {
  const all = c.req.queries();
  const out: Record<string, string | string[]> = {};
  for (const key of Object.keys(all)) {
    const values = all[key]!;
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

/**
 * Makes the front middleware (see the module comment).
 *
 * @param options - logger, CORS origins, sessions, route gates, error handler
 */
export function frontDoor(options: FrontDoorOptions): MiddlewareHandler<HttpEnv> {
  const allowed: ReadonlySet<string> = new Set(options.corsOrigins ?? []);
  const log = options.logger.request?.bind(options.logger);
  const { onError, backend, gates } = options;
  return async (c, next) => {
    const started = log ? performance.now() : 0;
    const node = nodeOf(c);
    const h = node ? fromRawHeaders(node.incoming.rawHeaders) : fromHeaders(c.req.raw.headers);
    const offered = h.requestId;
    const id = offered !== undefined && WELL_FORMED.test(offered) ? offered : randomUUID();
    c.set("requestId", id);
    if (node) {
      // On Node's response itself: the headers of the response the route builds are added when it
      // is written (and win over these, so a route may still set its own Cache-Control), and the
      // route's response keeps plain headers instead of a `Headers` object built for these five.
      const out = node.outgoing;
      out.setHeader(REQUEST_ID_HEADER, id);
      for (let i = 0; i < SECURITY_HEADERS.length; i++) out.setHeader(SECURITY_HEADERS[i]![0], SECURITY_HEADERS[i]![1]);
    } else {
      c.header(REQUEST_ID_HEADER, id);
      for (let i = 0; i < SECURITY_HEADERS.length; i++) c.header(SECURITY_HEADERS[i]![0], SECURITY_HEADERS[i]![1]);
    }
    const preflight = h.origin === undefined ? undefined : applyCors(c, h.origin, h.preflightMethod, allowed);
    if (preflight) c.res = preflight;
    else {
      try {
        const match = gates.find(c);
        if (match !== undefined) {
          const { gate } = match;
          if (gate.bearer) {
            const bearer = BEARER.exec(h.authorization ?? "");
            if (!bearer) throw unauthenticated();
            c.set("api", await backend.session(bearer[1]!));
          }
          if (gate.cause) {
            const cause = parseCause(h.matter, h.reason);
            if (!cause.ok) throw causeRequired(cause.issues);
            c.set("cause", cause.value);
          }
          if (gate.query) {
            const result = c.req.url.includes("?") ? gate.query.safeParse(queryOf(c)) : gate.emptyQuery!;
            if (!result.success) throw validationError("query", result.error);
            c.req.addValidatedData("query", result.data as object);
          }
          if (gate.params) {
            // The route's parameters, as its own handlers would see them (decoded).
            const own = c.req.routeIndex;
            c.req.routeIndex = match.index;
            const params = c.req.param() as Record<string, string>;
            c.req.routeIndex = own;
            const result = gate.params.safeParse(params);
            if (!result.success) throw validationError("param", result.error);
            c.req.addValidatedData("param", result.data as object);
          }
        }
        await next();
      } catch (err) {
        // Hono hands only Error instances thrown by the route to onError; the gate's and anything
        // else are caught here.
        c.res = onError(err, c);
      }
    }
    if (log) log({ requestId: id, method: c.req.method, route: routeOf(c), status: c.res.status, durationMs: Math.round((performance.now() - started) * 10) / 10 });
  };
}
