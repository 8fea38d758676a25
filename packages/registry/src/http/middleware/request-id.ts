/**
 * Request ids: the caller's `X-Request-Id` when it is well-formed, a new UUID otherwise; echoed in
 * the response header, in problem documents and in the log.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { HttpEnv } from "../context.js";

/** The request id header. */
export const REQUEST_ID_HEADER = "X-Request-Id";

const WELL_FORMED = /^[A-Za-z0-9._-]{1,64}$/;

/** Sets `c.var.requestId` and the response's `X-Request-Id`. */
export const requestId: MiddlewareHandler<HttpEnv> = async (c, next) => {
  const offered = c.req.header(REQUEST_ID_HEADER);
  const id = offered !== undefined && WELL_FORMED.test(offered) ? offered : randomUUID();
  c.set("requestId", id);
  // Before the route, so the header is part of the response it builds (no rebuild afterwards).
  c.header(REQUEST_ID_HEADER, id);
  await next();
};
