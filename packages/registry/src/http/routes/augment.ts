/**
 * Long-term evidence (JAdES B-T, B-LT, B-LTA; ETSI TS 119 182-1 clause 6): `POST
 * /v1/licences/{id}/augment` for one licence, `POST /v1/departments/{code}/augment` for a page of
 * a department's licences (e.g. its certificate is about to expire). Admins and the issuing
 * department only; each augmentation is logged with its reason.
 *
 * @module
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HttpEnv } from "../context.js";
import { frontChecked } from "../gates.js";
import { text, Uscc } from "../schemas/common.js";
import { LicenceIdParams, NoQuery } from "../schemas/requests.js";
import { BEARER, json, jsonRequest, problems, writable, type RouteMiddleware } from "./define.js";

const Level = z.enum(["T", "LT", "LTA"]).openapi({ description: "T: a signature time-stamp; LT: the chain and revocation values as at that time; LTA: a new archive time-stamp over everything." });

/** `POST /v1/licences/{id}/augment`. */
export const AugmentRequestSchema = z.strictObject({ level: Level, reason: text(256) }).openapi("AugmentRequest");

/** `POST /v1/departments/{code}/augment`. */
export const DepartmentAugmentRequestSchema = z
  .strictObject({
    level: Level,
    reason: text(256),
    expiringBefore: z.iso.datetime({ offset: true }).optional().openapi({ description: "Only when the department's certificate expires before this time." }),
    limit: z.number().int().min(1).max(1000).optional(),
    after: text(128).optional().openapi({ description: "The last licence identifier of the previous page." }),
  })
  .openapi("DepartmentAugmentRequest");

const AugmentResultSchema = z
  .object({
    id: z.string(),
    level: z.enum(["B-T", "B-LT", "B-LTA"]),
    added: z.array(z.string()),
    archive: z.record(z.string(), z.unknown()).openapi({ description: "The archive form (flattened JWS JSON), without disclosures, with the evidence in etsiU." }),
  })
  .openapi("AugmentResult");

const DepartmentAugmentResultSchema = z
  .object({
    department: z.string(),
    certificateNotAfter: z.string(),
    due: z.boolean(),
    augmented: z.array(z.object({ id: z.string(), level: z.string(), added: z.array(z.string()) })),
    errors: z.array(z.object({ id: z.string(), code: z.string() })),
    next: z.string().optional(),
  })
  .openapi("DepartmentAugmentResult");

/**
 * Adds the augment routes.
 *
 * @param app - the app
 * @param mw - body readers
 */
export function registerAugmentRoutes(app: OpenAPIHono<HttpEnv>, mw: RouteMiddleware): void {
  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/licences/{id}/augment",
      tags: ["lifecycle"],
      summary: "Augment a licence's long-term evidence (B-T, B-LT, B-LTA)",
      description: "Admins and the issuing department. The evidence is stored: reads of the licence afterwards carry it (`etsiU`).",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { params: LicenceIdParams, query: NoQuery, body: jsonRequest(AugmentRequestSchema) },
      responses: { 200: json(AugmentResultSchema, "The licence's level and archive form."), ...problems(400, 401, 403, 404, 409, 413, 415, 422, 503) },
    })),
    async (c) => c.json(writable(await c.get("api").augment(c.req.valid("param").id, c.req.valid("json"))), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/departments/{code}/augment",
      tags: ["lifecycle"],
      summary: "Augment a page of a department's licences (e.g. before its certificate expires)",
      description: "Admins and the department itself. A licence that cannot be augmented is reported and does not stop the others.",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { params: z.object({ code: Uscc.openapi({ param: { name: "code", in: "path" } }) }), query: NoQuery, body: jsonRequest(DepartmentAugmentRequestSchema) },
      responses: { 200: json(DepartmentAugmentResultSchema, "What was augmented."), ...problems(400, 401, 403, 404, 409, 413, 415, 422, 503) },
    })),
    async (c) => c.json(writable(await c.get("api").augmentDepartment(c.req.valid("param").code, c.req.valid("json"))), 200),
  );
}
