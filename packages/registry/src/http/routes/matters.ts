/**
 * The catalogue of approval matters and the materials check by matter code.
 *
 * @module
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { CauseHeaders } from "../cause.js";
import type { HttpEnv } from "../context.js";
import { frontChecked } from "../gates.js";
import { ApprovalMatterSchema, MatterCodeParams, MatterHolderParams, MatterMaterialsSchema } from "../schemas/matters.js";
import { NoQuery } from "../schemas/requests.js";
import { BEARER, json, jsonRequest, problems, writable, type RouteMiddleware } from "./define.js";

/**
 * Adds `GET|POST /v1/matters`, `GET /v1/matters/{code}` and
 * `GET /v1/matters/{code}/holders/{idType}/{idNumber}/materials`.
 *
 * @param app - the app
 * @param mw - body readers
 */
export function registerMatterRoutes(app: OpenAPIHono<HttpEnv>, mw: RouteMiddleware): void {
  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/matters",
      tags: ["matters"],
      summary: "Every approval matter (事项目录)",
      security: BEARER,
      request: { query: NoQuery },
      responses: { 200: json(z.array(ApprovalMatterSchema), "The matters, by code."), ...problems(401, 403) },
    })),
    async (c) => c.json(writable(await c.get("api").listMatters()), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/matters/{code}",
      tags: ["matters"],
      summary: "One approval matter",
      security: BEARER,
      request: { params: MatterCodeParams, query: NoQuery },
      responses: { 200: json(ApprovalMatterSchema, "The matter."), ...problems(400, 401, 403, 404) },
    })),
    async (c) => c.json(writable(await c.get("api").getMatter(c.req.valid("param").code)), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/matters",
      tags: ["matters"],
      summary: "Add an approval matter (admin)",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { query: NoQuery, body: jsonRequest(ApprovalMatterSchema) },
      responses: { 201: json(ApprovalMatterSchema, "The matter added."), ...problems(400, 401, 403, 409, 413, 415, 422) },
    })),
    async (c) => c.json(writable(await c.get("api").addMatter(c.req.valid("json"))), 201),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/matters/{code}/holders/{idType}/{idNumber}/materials",
      tags: ["matters", "reads"],
      summary: "The materials of a matter for a holder",
      description:
        "For each licence type the matter requires: the holder's current licences, each disclosing only the fields the matter needs (and the caller is entitled to), or why there is none. A read: `X-Approval-Matter` must be the matter's code.",
      security: BEARER,
      request: { params: MatterHolderParams, query: NoQuery, headers: CauseHeaders },
      responses: { 200: json(MatterMaterialsSchema, "The materials, one entry per required type."), ...problems(400, 401, 403, 404) },
    })),
    async (c) => {
      const { code, idType, idNumber } = c.req.valid("param");
      return c.json(writable(await c.get("api").matterMaterials(code, { idType, idNumber }, c.get("cause"))), 200);
    },
  );
}
