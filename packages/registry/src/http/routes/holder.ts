/**
 * The holder's routes: consents (grant, withdraw, list), the access record, and the window's
 * vouching for a holder's key. Holder routes take no API key: each request carries a token the
 * holder signed, in the body (consents) or as `Authorization: Holder <token>` (reads of the
 * holder's own records), so no holder can read another holder's records.
 *
 * @module
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { LicenceError, type HolderApi, type HolderVouchRequest } from "@elicence/core";
import type { HttpEnv } from "../context.js";
import { frontChecked } from "../gates.js";
import { AccessRecordPageSchema, AccessRecordQuery, HolderAssertionSchema, HolderConsentSchema, HolderTokenBodySchema, VouchHolderSchema } from "../schemas/holder.js";
import { NoQuery } from "../schemas/requests.js";
import { BEARER, json, jsonRequest, problems, writable, type RouteMiddleware } from "./define.js";

/** The security requirement of routes a holder token authenticates. */
const HOLDER = [{ holder: [] }];
const HOLDER_HEADER = /^Holder ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

function holderToken(header: string | undefined): string {
  const m = HOLDER_HEADER.exec(header ?? "");
  if (!m) throw new LicenceError("ERR_HOLDER_TOKEN_INVALID", "The holder token is not valid.", { details: { reason: "jws" } });
  return m[1]!;
}

/**
 * Adds `POST /v1/holder-assertions` (an issuer's API key) and, when the registry has holder
 * operations, `POST /v1/holder/consents`, `POST /v1/holder/consents/withdraw`,
 * `GET /v1/holder/consents` and `GET /v1/holder/access-record`.
 *
 * @param app - the app
 * @param mw - body readers
 * @param holder - the registry's holder operations
 */
export function registerHolderRoutes(app: OpenAPIHono<HttpEnv>, mw: RouteMiddleware, holder: HolderApi | undefined): void {
  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/holder-assertions",
      tags: ["holder"],
      summary: "A window vouches for a holder it identified: signs an assertion binding the holder's code to their public key",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { query: NoQuery, body: jsonRequest(VouchHolderSchema) },
      responses: { 201: json(HolderAssertionSchema, "The assertion (a JWT signed by the caller's department)."), ...problems(400, 401, 403, 413, 415) },
    })),
    async (c) => c.json(await c.get("api").vouchHolder(c.req.valid("json") as HolderVouchRequest), 201),
  );
  if (!holder) return;
  app.openAPIRegistry.registerComponent("securitySchemes", "holder", {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description: "`Holder <token>`: a request token the holder signed (scope `access-record` or `consents`, at most 5 minutes, used once).",
  });

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/holder/consents",
      tags: ["holder"],
      summary: "Record a consent the holder signed: a department may see named conditional fields for a purpose until a time",
      request: { query: NoQuery, body: jsonRequest(HolderTokenBodySchema) },
      middleware: [mw.body] as const,
      responses: { 201: json(HolderConsentSchema, "The consent."), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
    })),
    async (c) => c.json(writable(await holder.grantConsent(c.req.valid("json").token)), 201),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/holder/consents/withdraw",
      tags: ["holder"],
      summary: "Withdraw a consent (a withdrawal the holder signed); effective from the next request",
      request: { query: NoQuery, body: jsonRequest(HolderTokenBodySchema) },
      middleware: [mw.body] as const,
      responses: { 200: json(HolderConsentSchema, "The consent, withdrawn."), ...problems(400, 401, 403, 404, 409, 413, 415) },
    })),
    async (c) => c.json(writable(await holder.withdrawConsent(c.req.valid("json").token)), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/holder/consents",
      tags: ["holder"],
      summary: "The holder's consents, oldest first",
      security: HOLDER,
      request: { query: NoQuery },
      responses: { 200: json(z.array(HolderConsentSchema), "The consents."), ...problems(400, 401, 403, 409) },
    })),
    async (c) => c.json(writable(await holder.listConsents(holderToken(c.req.header("Authorization")))), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/holder/access-record",
      tags: ["holder"],
      summary: "Every read and comparison of the holder's licences, from the log, with inclusion proofs",
      security: HOLDER,
      request: { query: AccessRecordQuery },
      responses: { 200: json(AccessRecordPageSchema, "One page, in log order."), ...problems(400, 401, 403, 409) },
    })),
    async (c) => {
      const { limit, after } = c.req.valid("query");
      const query = { ...(limit !== undefined ? { limit: Number(limit) } : {}), ...(after !== undefined ? { after: Number(after) } : {}) };
      return c.json(writable(await holder.accessRecord(holderToken(c.req.header("Authorization")), query)), 200);
    },
  );
}
