/**
 * What every request passes first, in one middleware (one closure made per app, none per
 * request): the request id, the security headers (both set before the route runs, so they are
 * part of the response it builds), CORS, the catch that turns anything thrown into a problem
 * document, and the access log. The same steps as `request-id.ts`, `security-headers.ts`,
 * `cors.ts` and `access-log.ts` chained, in the same order, without four `await next()` frames and
 * their promises per request; headers are read once from the raw request.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import type { HttpEnv } from "../context.js";
import { routeOf, type HttpLogger } from "./access-log.js";
import { applyCors } from "./cors.js";
import { REQUEST_ID_HEADER } from "./request-id.js";

const WELL_FORMED = /^[A-Za-z0-9._-]{1,64}$/;

/** Options of {@link frontDoor}. */
export interface FrontDoorOptions {
  readonly logger: HttpLogger;
  readonly corsOrigins?: readonly string[] | undefined;
  /** The problem response for anything a route throws that Hono does not hand to `onError`. */
  readonly onError: (err: unknown, c: Context<HttpEnv>) => Response;
}

/**
 * Makes the front middleware (see the module comment).
 *
 * @param options - logger, CORS origins, error handler
 */
export function frontDoor(options: FrontDoorOptions): MiddlewareHandler<HttpEnv> {
  const allowed: ReadonlySet<string> = new Set(options.corsOrigins ?? []);
  const log = options.logger.request?.bind(options.logger);
  const onError = options.onError;
  return async (c, next) => {
    const started = log ? performance.now() : 0;
    const headers = c.req.raw.headers;
    const offered = headers.get(REQUEST_ID_HEADER);
    const id = offered !== null && WELL_FORMED.test(offered) ? offered : randomUUID();
    c.set("requestId", id);
    c.header(REQUEST_ID_HEADER, id);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
    const origin = headers.get("Origin");
    const preflight = origin === null ? undefined : applyCors(c, origin, allowed);
    if (preflight) c.res = preflight;
    else {
      // Hono hands only Error instances to onError; anything else thrown is caught here.
      try {
        await next();
      } catch (err) {
        c.res = onError(err, c);
      }
    }
    if (log) log({ requestId: id, method: c.req.method, route: routeOf(c), status: c.res.status, durationMs: Math.round((performance.now() - started) * 10) / 10 });
  };
}
