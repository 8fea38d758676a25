/**
 * Bearer authentication: `Authorization: Bearer <api key>` opens a session on the registry. A
 * missing, malformed or unknown key is one answer, 401, so the answer says nothing about which.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import type { MiddlewareHandler } from "hono";
import type { HttpEnv, RegistryBackend } from "../context.js";

// RFC 6750 §2.1 b64token, bounded.
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]{1,512}=*)$/i;

/**
 * Makes the middleware that sets `c.var.api` from the bearer key.
 *
 * @param registry - opens sessions
 */
export function authenticate(registry: Pick<RegistryBackend, "session">): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const match = BEARER.exec(c.req.header("Authorization") ?? "");
    if (!match) throw new LicenceError("ERR_UNAUTHENTICATED", "The request needs a valid API key as a bearer token.");
    c.set("api", await registry.session(match[1]!));
    await next();
  };
}
