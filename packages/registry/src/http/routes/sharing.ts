/**
 * Sharing agreements (department to department) and holders' authorisations.
 *
 * @module
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HttpEnv } from "../context.js";
import { frontChecked } from "../gates.js";
import { AuthorisationsQuery, CreateAgreementSchema, CreateAuthorisationSchema, NoQuery, StatsQuery } from "../schemas/requests.js";
import { HolderAuthorisationSchema, RegistryStatsSchema, SharingAgreementSchema } from "../schemas/responses.js";
import { BEARER, json, jsonRequest, problems, writable, type RouteMiddleware } from "./define.js";

/**
 * Adds `GET|POST /v1/agreements`, `GET|POST /v1/authorisations` and `GET /v1/stats`.
 *
 * @param app - the app
 * @param mw - body readers
 */
export function registerSharingRoutes(app: OpenAPIHono<HttpEnv>, mw: RouteMiddleware): void {
  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/agreements",
      tags: ["sharing"],
      summary: "Sharing agreements",
      security: BEARER,
      request: { query: NoQuery },
      responses: { 200: json(z.array(SharingAgreementSchema), "The agreements the caller may see."), ...problems(401, 403) },
    })),
    async (c) => c.json(writable(await c.get("api").listAgreements()), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/agreements",
      tags: ["sharing"],
      summary: "Create a sharing agreement: a consumer may see conditional fields of a type",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { query: NoQuery, body: jsonRequest(CreateAgreementSchema) },
      responses: { 201: json(SharingAgreementSchema, "The agreement."), ...problems(400, 401, 403, 409, 413, 415, 422) },
    })),
    async (c) => c.json(writable(await c.get("api").createAgreement(c.req.valid("json"))), 201),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/authorisations",
      tags: ["sharing"],
      summary: "Holders' authorisations, optionally of one holder",
      security: BEARER,
      request: { query: AuthorisationsQuery },
      responses: { 200: json(z.array(HolderAuthorisationSchema), "The authorisations the caller may see."), ...problems(400, 401, 403) },
    })),
    async (c) => {
      const { idType, idNumber } = c.req.valid("query");
      const holder = idType !== undefined && idNumber !== undefined ? { idType, idNumber } : undefined;
      return c.json(writable(await c.get("api").listAuthorisations(holder)), 200);
    },
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/authorisations",
      tags: ["sharing"],
      summary: "Record a holder's authorisation for a department to see conditional fields",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { query: NoQuery, body: jsonRequest(CreateAuthorisationSchema) },
      responses: { 201: json(HolderAuthorisationSchema, "The authorisation."), ...problems(400, 401, 403, 409, 413, 415, 422) },
    })),
    async (c) => c.json(writable(await c.get("api").createAuthorisation(c.req.valid("json"))), 201),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/stats",
      tags: ["sharing"],
      summary: "Sharing figures per department over a period",
      description:
        "Per department: licence types catalogued vs provided electronically (provision rate), licences issued, reads of its licences by other departments, and licences served to it per approval matter. Admins and auditors only.",
      security: BEARER,
      request: { query: StatsQuery },
      responses: { 200: json(RegistryStatsSchema, "The figures, one row per department."), ...problems(400, 401, 403) },
    })),
    async (c) => c.json(writable(await c.get("api").stats(c.req.valid("query"))), 200),
  );
}
