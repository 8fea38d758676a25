/**
 * Cross-origin access for browsers (CORS). The public documents — trust list, status lists, log
 * tree heads and proofs, `/healthz`, `/openapi.json` — may be read from any origin, so an auditor's
 * or approval system's page can verify licences itself. The authenticated API answers only the
 * origins the operator lists (`corsOrigins`); none by default. Requests without an `Origin` header
 * (every non-browser client) are untouched.
 *
 * @module
 */
import type { Context } from "hono";

const PUBLIC = /^\/(?:v1\/trust-list|v1\/status-lists\/[^/]+|v1\/log\/(?:tree-head|inclusion|consistency)|healthz|openapi\.json)$/;
const API_HEADERS = "Authorization, Content-Type, X-Approval-Matter, X-Read-Reason";

/**
 * The CORS step for a request with an `Origin`: answers a preflight (returns its response), or
 * sets the CORS headers of an allowed origin on the response to come (returns `undefined`).
 *
 * @param c - the request's context
 * @param origin - its `Origin` header
 * @param preflightMethod - its `Access-Control-Request-Method` header
 * @param allowed - origins allowed to call the authenticated API
 */
export function applyCors(c: Context, origin: string, preflightMethod: string | undefined, allowed: ReadonlySet<string>): Response | undefined {
  const method = c.req.method;
  const requestedMethod = method === "OPTIONS" ? preflightMethod : undefined;
  const preflight = requestedMethod !== undefined;
  const requested = requestedMethod ?? method;
  const isPublic = PUBLIC.test(c.req.path) && (requested === "GET" || requested === "HEAD");
  const allow = isPublic ? "*" : allowed.has(origin) ? origin : undefined;
  if (preflight) {
    const headers: Record<string, string> = { "Cache-Control": "no-store", Vary: "Origin" };
    if (allow !== undefined) {
      headers["Access-Control-Allow-Origin"] = allow;
      headers["Access-Control-Allow-Methods"] = isPublic ? "GET, HEAD" : "GET, POST";
      headers["Access-Control-Allow-Headers"] = isPublic ? "Accept, X-Request-Id" : `Accept, X-Request-Id, ${API_HEADERS}`;
      headers["Access-Control-Max-Age"] = "600";
    }
    // Refused origins get no CORS headers: the browser then refuses the request itself.
    return c.body(null, 204, headers);
  }
  if (allow !== undefined) {
    c.header("Access-Control-Allow-Origin", allow);
    c.header("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
    if (allow !== "*") c.header("Vary", "Origin");
  }
  return undefined;
}
