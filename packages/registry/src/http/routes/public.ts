/**
 * Public, unauthenticated documents: the trust list, status lists, the log's tree head and proofs,
 * and the health check. Anyone verifying a licence offline needs them, so they carry no session.
 *
 * @module
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { PublicRegistryApi } from "@elicence/core";
import type { HttpEnv } from "../context.js";
import { ConsistencyQuery, InclusionQuery, NoQuery, StatusListParams } from "../schemas/requests.js";
import { ConsistencyProofSchema, HealthSchema, InclusionProofSchema, SignedTreeHeadSchema } from "../schemas/responses.js";
import { json, problems, writable } from "./define.js";

/** Public documents may be cached, but must be revalidated: a status can change at any time. */
const REVALIDATE = "no-cache";

const Jwt = z.string().openapi({ description: "A compact JWS." });

/**
 * Adds the public routes.
 *
 * @param app - the app
 * @param registry - the public operations
 */
export function registerPublicRoutes(app: OpenAPIHono<HttpEnv>, registry: PublicRegistryApi): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/trust-list",
      tags: ["public"],
      summary: "The signed trust list",
      request: { query: NoQuery },
      responses: { 200: { description: "The trust list, a compact JWS.", content: { "application/jwt": { schema: Jwt } } }, ...problems(503) },
    }),
    async (c) => c.body(await registry.trustList(), 200, { "Content-Type": "application/jwt", "Cache-Control": REVALIDATE }),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/status-lists/{id}",
      tags: ["public"],
      summary: "A signed status list token",
      request: { params: StatusListParams, query: NoQuery },
      responses: {
        200: { description: "The status list token (IETF Token Status List).", content: { "application/statuslist+jwt": { schema: Jwt } } },
        ...problems(400, 404, 503),
      },
    }),
    async (c) => c.body(await registry.statusList(Number(c.req.valid("param").id)), 200, { "Content-Type": "application/statuslist+jwt", "Cache-Control": REVALIDATE }),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/log/tree-head",
      tags: ["public"],
      summary: "The log's latest signed tree head",
      request: { query: NoQuery },
      responses: { 200: json(SignedTreeHeadSchema, "The signed tree head."), ...problems(503) },
    }),
    async (c) => {
      c.header("Cache-Control", REVALIDATE);
      return c.json(writable(await registry.treeHead()), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/log/inclusion",
      tags: ["public"],
      summary: "An inclusion proof for a log entry",
      request: { query: InclusionQuery },
      responses: { 200: json(InclusionProofSchema, "The proof."), ...problems(400, 404, 422, 503) },
    }),
    async (c) => {
      const { index, treeSize } = c.req.valid("query");
      return c.json(writable(await registry.inclusionProof(Number(index), Number(treeSize))), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/log/consistency",
      tags: ["public"],
      summary: "A consistency proof between two tree sizes",
      request: { query: ConsistencyQuery },
      responses: { 200: json(ConsistencyProofSchema, "The proof."), ...problems(400, 404, 422, 503) },
    }),
    async (c) => {
      const { oldSize, newSize } = c.req.valid("query");
      return c.json(writable(await registry.consistencyProof(Number(oldSize), Number(newSize))), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      tags: ["public"],
      summary: "Liveness",
      responses: { 200: json(HealthSchema, "The server answers.") },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );
}
