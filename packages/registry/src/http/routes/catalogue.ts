/**
 * Who am I, and the catalogue of licence types.
 *
 * @module
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HttpEnv } from "../context.js";
import { frontChecked } from "../gates.js";
import { LicenceTypeSchema, NoQuery, TypeCodeParams } from "../schemas/requests.js";
import { PrincipalSchema } from "../schemas/responses.js";
import { BEARER, json, jsonRequest, problems, writable, type RouteMiddleware } from "./define.js";

/**
 * Adds `GET /v1/whoami` and `GET|POST /v1/licence-types`, `GET /v1/licence-types/{code}`.
 *
 * @param app - the app
 * @param mw - body readers
 */
export function registerCatalogueRoutes(app: OpenAPIHono<HttpEnv>, mw: RouteMiddleware): void {
  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/whoami",
      tags: ["access"],
      summary: "The caller, as authenticated",
      security: BEARER,
      request: { query: NoQuery },
      responses: { 200: json(PrincipalSchema, "The caller."), ...problems(401) },
    })),
    async (c) => c.json(writable(await c.get("api").whoami()), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/licence-types",
      tags: ["catalogue"],
      summary: "Every licence type",
      security: BEARER,
      request: { query: NoQuery },
      responses: { 200: json(z.array(LicenceTypeSchema), "The catalogue."), ...problems(401, 403) },
    })),
    async (c) => c.json(writable(await c.get("api").listLicenceTypes()), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/licence-types/{code}",
      tags: ["catalogue"],
      summary: "One licence type",
      security: BEARER,
      request: { params: TypeCodeParams, query: NoQuery },
      responses: { 200: json(LicenceTypeSchema, "The licence type."), ...problems(400, 401, 403, 404) },
    })),
    async (c) => c.json(writable(await c.get("api").getLicenceType(c.req.valid("param").code)), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/licence-types",
      tags: ["catalogue"],
      summary: "Register a licence type, or a new version of one (admin)",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { query: NoQuery, body: jsonRequest(LicenceTypeSchema) },
      responses: { 201: json(LicenceTypeSchema, "The registered type."), ...problems(400, 401, 403, 409, 413, 415, 422) },
    })),
    async (c) => c.json(writable(await c.get("api").registerLicenceType(c.req.valid("json"))), 201),
  );
}
