/**
 * Response headers every answer carries. The API serves data, never pages: nothing may be sniffed,
 * framed or cached unless a route says so (the public documents do).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** Sets the security headers after the route ran (keeps a route's own `Cache-Control`). */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  c.header("Referrer-Policy", "no-referrer");
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
};
