/**
 * The lifecycle: issue, batch issue, amend, renew, suspend, resume, revoke, cancel.
 *
 * @module
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { IssueItem, ValidationIssue } from "@elicence/core";
import type { Context } from "hono";
import type { ZodError } from "zod";
import type { HttpEnv } from "../context.js";
import { frontChecked } from "../gates.js";
import { issuesOf, validationError } from "../validation.js";
import {
  AmendRequestSchema,
  IssueBatchRequestSchema,
  IssueRequestSchema,
  LicenceIdParams,
  MAX_BATCH_ITEMS,
  NoQuery,
  RenewRequestSchema,
  StatusChangeRequestSchema,
} from "../schemas/requests.js";
import { IssueBatchResultSchema, IssuedRecordSchema, LicenceRecordSchema } from "../schemas/responses.js";
import { BEARER, json, jsonRequest, problems, writable, type RouteMiddleware } from "./define.js";

const STATUS_CHANGES = {
  suspend: "Suspend a licence",
  resume: "Resume a suspended licence",
  revoke: "Revoke a licence",
  cancel: "Cancel a licence",
} as const;

/**
 * Adds `POST /v1/licences`, `POST /v1/licence-batches` and `POST /v1/licences/{id}/<action>`.
 *
 * @param app - the app
 * @param mw - body readers
 */
export function registerLifecycleRoutes(app: OpenAPIHono<HttpEnv>, mw: RouteMiddleware): void {
  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/licences",
      tags: ["lifecycle"],
      summary: "Issue a licence (idempotent on requestId)",
      description: "A retried request with the same requestId returns the first result.",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { query: NoQuery, body: jsonRequest(IssueRequestSchema) },
      responses: { 201: json(IssuedRecordSchema, "The issued licence."), ...problems(400, 401, 403, 409, 413, 415, 422) },
    })),
    async (c) => {
      const record = await c.get("api").issue(c.req.valid("json"));
      c.header("Location", `/v1/licences/${record.id}`);
      return c.json(writable(record), 201);
    },
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/licence-batches",
      tags: ["lifecycle"],
      summary: "Issue a batch of licences",
      description: "Good items are issued; failing items are reported by index, never half-written. The body may be larger than other requests.",
      security: BEARER,
      middleware: [mw.batchBody] as const,
      request: { query: NoQuery, body: jsonRequest(IssueBatchRequestSchema) },
      responses: { 200: json(IssueBatchResultSchema, "Issued items and failed items."), ...problems(400, 401, 403, 409, 413, 415, 422) },
    })),
    async (c) => c.json(writable(await c.get("api").issueBatch(c.req.valid("json"))), 200),
    // One bad item does not refuse the batch: when only items fail their schema, the good ones are
    // issued and each bad one is reported at its index, as the in-process registry does.
    (result, c) => {
      if (result.success) return undefined;
      if (result.target !== "json") throw validationError(result.target, result.error);
      return issueGoodItems(result.error, c) as never;
    },
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/licences/{id}/amend",
      tags: ["lifecycle"],
      summary: "Amend a licence: a new version supersedes it",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { params: LicenceIdParams, query: NoQuery, body: jsonRequest(AmendRequestSchema) },
      responses: { 201: json(IssuedRecordSchema, "The new version."), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
    })),
    async (c) => {
      const record = await c.get("api").amend(c.req.valid("param").id, c.req.valid("json"));
      c.header("Location", `/v1/licences/${record.id}`);
      return c.json(writable(record), 201);
    },
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/v1/licences/{id}/renew",
      tags: ["lifecycle"],
      summary: "Renew a licence: a new version with a new validity period",
      security: BEARER,
      middleware: [mw.body] as const,
      request: { params: LicenceIdParams, query: NoQuery, body: jsonRequest(RenewRequestSchema) },
      responses: { 201: json(IssuedRecordSchema, "The new version."), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
    })),
    async (c) => {
      const record = await c.get("api").renew(c.req.valid("param").id, c.req.valid("json"));
      c.header("Location", `/v1/licences/${record.id}`);
      return c.json(writable(record), 201);
    },
  );

  for (const action of Object.keys(STATUS_CHANGES) as (keyof typeof STATUS_CHANGES)[]) {
    app.openapi(
      frontChecked(app, createRoute({
        method: "post",
        path: `/v1/licences/{id}/${action}`,
        tags: ["lifecycle"],
        summary: STATUS_CHANGES[action],
        security: BEARER,
        middleware: [mw.body] as const,
        request: { params: LicenceIdParams, query: NoQuery, body: jsonRequest(StatusChangeRequestSchema) },
        responses: { 200: json(LicenceRecordSchema, "The licence's record after the change."), ...problems(400, 401, 403, 404, 409, 413, 415) },
      })),
      async (c) => c.json(writable(await c.get("api")[action](c.req.valid("param").id, c.req.valid("json"))), 200),
    );
  }
}

/** When every schema problem of a batch lies inside its items, the problems by item index; otherwise undefined. */
function onlyItemErrors(error: ZodError, body: unknown): Map<number, ValidationIssue[]> | undefined {
  // zod reports every problem: one outside `items.<n>` (the request id, an unknown member, the item
  // count) is the envelope's, and refuses the batch. The count is checked here too, whatever zod does.
  const items = typeof body === "object" && body !== null ? (body as { items?: unknown }).items : undefined;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH_ITEMS) return undefined;
  const byItem = new Map<number, ValidationIssue[]>();
  for (const issue of issuesOf(error)) {
    const [first, index, ...rest] = issue.path;
    if (first !== "items" || typeof index !== "number") return undefined;
    const list = byItem.get(index) ?? [];
    list.push({ path: rest, message: issue.message });
    byItem.set(index, list);
  }
  return byItem.size > 0 ? byItem : undefined;
}

/** The batch route when its schema failed: issues the good items if only items failed. */
async function issueGoodItems(error: ZodError, c: Context<HttpEnv>): Promise<Response> {
  const body: unknown = await c.req.json().catch(() => undefined);
  const itemErrors = onlyItemErrors(error, body);
  if (!itemErrors) throw validationError("json", error);
  const { requestId, items } = body as { requestId: string; items: unknown[] };
  const good: number[] = [];
  for (let i = 0; i < items.length; i++) if (!itemErrors.has(i)) good.push(i);
  const result = good.length > 0 ? await c.get("api").issueBatch({ requestId, items: good.map((i) => items[i] as IssueItem) }) : { issued: [], errors: [] };
  const errors = [
    ...[...itemErrors].map(([index, issues]) => ({ index, code: "ERR_VALIDATION", message: "The licence is not valid.", issues })),
    ...result.errors.map((e) => ({ ...e, index: good[e.index]! })),
  ].sort((a, b) => a.index - b.index);
  return c.json(writable({ issued: result.issued.map((r) => ({ ...r, index: good[r.index]! })), errors }), 200);
}
