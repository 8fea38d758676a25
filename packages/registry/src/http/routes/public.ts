/**
 * Public, unauthenticated documents: the trust list, status lists, the log's tree head and proofs,
 * and the health check. Anyone verifying a licence offline needs them, so they carry no session.
 *
 * @module
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { PublicRegistryApi } from "@elicence/core";
import { parseTilePath } from "@elicence/core/log";
import type { HttpEnv } from "../context.js";
import { frontChecked } from "../gates.js";
import { ConsistencyQuery, InclusionQuery, NoQuery, StatusListParams } from "../schemas/requests.js";
import { ConsistencyProofSchema, HealthSchema, InclusionProofSchema, SignedTreeHeadSchema } from "../schemas/responses.js";
import { json, problems, writable } from "./define.js";

/** Public documents may be cached, but must be revalidated: a status can change at any time. */
const REVALIDATE = "no-cache";
/** Tiles never change once served. */
const IMMUTABLE = "public, max-age=31536000, immutable";

const Jwt = z.string().openapi({ description: "A compact JWS." });

/**
 * Adds the public routes.
 *
 * @param app - the app
 * @param registry - the public operations
 */
export function registerPublicRoutes(app: OpenAPIHono<HttpEnv>, registry: PublicRegistryApi): void {
  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/trust-list",
      tags: ["public"],
      summary: "The signed trust list",
      request: { query: NoQuery },
      responses: { 200: { description: "The trust list, a compact JWS.", content: { "application/jwt": { schema: Jwt } } }, ...problems(503) },
    })),
    async (c) => c.body(await registry.trustList(), 200, { "Content-Type": "application/jwt", "Cache-Control": REVALIDATE }),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/status-lists/{id}",
      tags: ["public"],
      summary: "A signed status list token",
      request: { params: StatusListParams, query: NoQuery },
      responses: {
        200: { description: "The status list token (IETF Token Status List).", content: { "application/statuslist+jwt": { schema: Jwt } } },
        ...problems(400, 404, 503),
      },
    })),
    async (c) => c.body(await registry.statusList(Number(c.req.valid("param").id)), 200, { "Content-Type": "application/statuslist+jwt", "Cache-Control": REVALIDATE }),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/log/tree-head",
      tags: ["public"],
      summary: "The log's latest signed tree head",
      request: { query: NoQuery },
      responses: { 200: json(SignedTreeHeadSchema, "The signed tree head."), ...problems(503) },
    })),
    async (c) => {
      c.header("Cache-Control", REVALIDATE);
      return c.json(writable(await registry.treeHead()), 200);
    },
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/log/inclusion",
      tags: ["public"],
      summary: "An inclusion proof for a log entry",
      request: { query: InclusionQuery },
      responses: { 200: json(InclusionProofSchema, "The proof."), ...problems(400, 404, 422, 503) },
    })),
    async (c) => {
      const { index, treeSize } = c.req.valid("query");
      return c.json(writable(await registry.inclusionProof(Number(index), Number(treeSize))), 200);
    },
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/log/consistency",
      tags: ["public"],
      summary: "A consistency proof between two tree sizes",
      request: { query: ConsistencyQuery },
      responses: { 200: json(ConsistencyProofSchema, "The proof."), ...problems(400, 404, 422, 503) },
    })),
    async (c) => {
      const { oldSize, newSize } = c.req.valid("query");
      return c.json(writable(await registry.consistencyProof(Number(oldSize), Number(newSize))), 200);
    },
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/log/checkpoint",
      tags: ["public"],
      summary: "The log's checkpoint (C2SP tlog-checkpoint)",
      description: "The origin, size and root hash of the log, signed by the log key as a C2SP signed note. The tiles under /v1/log/tile/ are this log's (C2SP tlog-tiles).",
      request: { query: NoQuery },
      responses: { 200: { description: "The signed note.", content: { "text/plain; charset=utf-8": { schema: z.string() } } }, ...problems(503) },
    })),
    async (c) => c.text(await registry.checkpoint(), 200, { "Cache-Control": REVALIDATE }),
  );

  // A tile's index spans several path segments (`x001/x234/067`, then `.p/<width>` for a partial
  // tile), so the route is a plain one with a multi-segment parameter, documented by hand.
  app.get("/v1/log/tile/:level/:rest{.+}", async (c) => {
    const tile = parseTilePath(`tile/${c.req.param("level")}/${c.req.param("rest")}`);
    const bytes = await registry.logTile(tile);
    // Immutable: the log serves a tile only once it has reached a size that needs it.
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { "Content-Type": "application/octet-stream", "Cache-Control": IMMUTABLE });
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/v1/log/tile/{level}/{index}",
    tags: ["public"],
    summary: "A tile of the log (C2SP tlog-tiles)",
    description:
      "`width` × 32 bytes of Merkle tree hashes: level 0 holds leaf hashes, level L the roots of full tiles of level L − 1. `{index}` is written in zero-padded 3-digit segments, all but the last prefixed with `x` (1234067 → `x001/x234/067`), followed by `.p/{width}` for a partial tile. Immutable.",
    request: {
      params: z.object({
        level: z.string().regex(/^(0|[1-9][0-9]?)$/).openapi({ description: "The tile level, 0 to 63." }),
        index: z.string().openapi({ description: "The tile index in 3-digit segments, with `.p/{width}` for a partial tile." }),
      }),
    },
    responses: {
      200: { description: "The tile.", content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
      ...problems(400, 404, 503),
    },
  });

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/healthz",
      tags: ["public"],
      summary: "Liveness",
      responses: { 200: json(HealthSchema, "The server answers.") },
    })),
    (c) => c.json({ status: "ok" as const }, 200),
  );
}
