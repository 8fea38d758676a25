/**
 * API key administration (admins): create, list, revoke.
 *
 * @module
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HttpEnv } from "../context.js";
import { frontChecked } from "../gates.js";
import { ApiKeyIdParams, CreateApiKeySchema, NoQuery } from "../schemas/requests.js";
import { ApiKeyInfoSchema, NewApiKeySchema } from "../schemas/responses.js";
import { BEARER, json, jsonRequest, problems, writable, type RouteMiddleware } from "./define.js";

/**
 * Adds `GET|POST /v1/api-keys` and `POST /v1/api-keys/{id}/revoke`.
 *
 * @param app - the app
 * @param mw - body readers
 */
export function registerApiKeyRoutes(app: OpenAPIHono<HttpEnv>, mw: RouteMiddleware): void {
  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/api-keys",
      tags: ["administration"],
      summary: "Every API key, without secrets (admins)",
      security: BEARER,
      request: { query: NoQuery },
      responses: { 200: json(z.array(ApiKeyInfoSchema), "The keys."), ...problems(400, 401, 403) },
    })),
    async (c) => c.json(writable(await c.get("api").listApiKeys()), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/api-keys",
      tags: ["administration"],
      summary: "Create an API key for a department (admins); the secret is in the answer only",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { query: NoQuery, body: jsonRequest(CreateApiKeySchema) },
      responses: { 201: json(NewApiKeySchema, "The new key; store the secret now, it is not shown again."), ...problems(400, 401, 403, 413, 415, 422) },
    })),
    async (c) => c.json(writable(await c.get("api").createApiKey(c.req.valid("json"))), 201),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/api-keys/{id}/revoke",
      tags: ["administration"],
      summary: "Revoke an API key at once (admins)",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { params: ApiKeyIdParams, query: NoQuery, body: jsonRequest(z.strictObject({}).openapi("RevokeApiKey")) },
      responses: { 200: json(ApiKeyInfoSchema, "The key, revoked."), ...problems(400, 401, 403, 404, 413, 415) },
    })),
    async (c) => c.json(writable(await c.get("api").revokeApiKey(c.req.valid("param").id)), 200),
  );
}
