/**
 * Reads (sharing-interface jobs): every one names its cause in the `X-Approval-Matter` and
 * `X-Read-Reason` headers, checked here before the registry checks it again.
 *
 * @module
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { CauseHeaders } from "../cause.js";
import type { HttpEnv } from "../context.js";
import { frontChecked } from "../gates.js";
import { HolderLicencesQuery, HolderParams, LicenceIdParams, NoQuery, StatusAtQuery, VerifyDataRequestSchema } from "../schemas/requests.js";
import { LogEntrySchema, MatchSchema, SharedLicenceSchema, StatusAtSchema, StatusHistoryEntrySchema } from "../schemas/responses.js";
import { BEARER, json, jsonRequest, problems, writable, type RouteMiddleware } from "./define.js";

/**
 * Adds the reads: a holder's licences, one licence, verify-data, status history, status at and a
 * licence's log entries.
 *
 * @param app - the app
 * @param mw - body readers
 */
export function registerReadRoutes(app: OpenAPIHono<HttpEnv>, mw: RouteMiddleware): void {
  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/holders/{idType}/{idNumber}/licences",
      tags: ["reads"],
      summary: "A holder's licences, by holder code (and type)",
      description:
        "Each licence carries only the disclosures the caller is entitled to. Paged: `limit` licences (default 100, at most 1000) after the licence `after`; a page shorter than its limit is the last. Only the page's reads are logged.",
      security: BEARER,
      request: { params: HolderParams, query: HolderLicencesQuery, headers: CauseHeaders },
      responses: { 200: json(z.array(SharedLicenceSchema), "The holder's licences."), ...problems(400, 401, 403) },
    })),
    async (c) => {
      const { idType, idNumber } = c.req.valid("param");
      const { type, limit, after } = c.req.valid("query");
      const page = { ...(limit !== undefined ? { limit: Number(limit) } : {}), ...(after !== undefined ? { after } : {}) };
      return c.json(writable(await c.get("api").findByHolder({ idType, idNumber }, c.get("cause"), type, page)), 200);
    },
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/licences/{id}",
      tags: ["reads"],
      summary: "One licence, by identifier",
      security: BEARER,
      request: { params: LicenceIdParams, query: NoQuery, headers: CauseHeaders },
      responses: { 200: json(SharedLicenceSchema, "The licence, with the entitled disclosures."), ...problems(400, 401, 403, 404) },
    })),
    async (c) => c.json(writable(await c.get("api").get(c.req.valid("param").id, c.get("cause"))), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/verify-data",
      tags: ["reads"],
      summary: "Does this holder's licence say X? (yes or no, without the data)",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { query: NoQuery, headers: CauseHeaders, body: jsonRequest(VerifyDataRequestSchema) },
      responses: { 200: json(MatchSchema, "Whether the value matches."), ...problems(400, 401, 403, 404, 413, 415, 422) },
    })),
    async (c) => c.json(writable(await c.get("api").verifyData(c.req.valid("json"), c.get("cause"))), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/licences/{id}/status-history",
      tags: ["reads"],
      summary: "A licence's status history",
      security: BEARER,
      request: { params: LicenceIdParams, query: NoQuery, headers: CauseHeaders },
      responses: { 200: json(z.array(StatusHistoryEntrySchema), "Every status change, oldest first."), ...problems(400, 401, 403, 404) },
    })),
    async (c) => c.json(writable(await c.get("api").statusHistory(c.req.valid("param").id, c.get("cause"))), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/licences/{id}/status",
      tags: ["reads"],
      summary: "A licence's status at an instant",
      security: BEARER,
      request: { params: LicenceIdParams, query: StatusAtQuery, headers: CauseHeaders },
      responses: { 200: json(StatusAtSchema, "The status at that instant."), ...problems(400, 401, 403, 404) },
    })),
    async (c) => c.json(writable(await c.get("api").statusAt(c.req.valid("param").id, c.req.valid("query").at, c.get("cause"))), 200),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/licences/{id}/log-entries",
      tags: ["reads"],
      summary: "A licence's log entries (for inclusion proofs)",
      description: "Every log entry about the licence, oldest first, this read included. Auditors, admins and the issuing department only.",
      security: BEARER,
      request: { params: LicenceIdParams, query: NoQuery, headers: CauseHeaders },
      responses: { 200: json(z.array(LogEntrySchema), "The entries, with their log indices."), ...problems(400, 401, 403, 404) },
    })),
    async (c) => c.json(writable(await c.get("api").logEntries(c.req.valid("param").id, c.get("cause"))), 200),
  );
}
