/**
 * The registry's HTTP API: JSON under `/v1`, one route per `RegistryApi` operation, an OpenAPI 3.1
 * document generated from the zod schemas that validate the requests, and errors as RFC 9457
 * problem documents with a stable `code`.
 *
 * Every request passes one middleware first (`middleware/front.ts`): request id, security headers,
 * CORS, then what its route's definition asks for (`gates.ts`): bearer key → cause headers → query
 * → path parameters. Then the route: JSON body reader (media type, size, UTF-8, strict JSON) →
 * body schema → the registry. A request refused on the way writes nothing. The app must be served
 * at its root (as `serveRegistry` does): the gates are found by route path.
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { HttpEnv, RegistryBackend } from "./context.js";
import { defaultLogger, routeOf, type HttpLogger } from "./middleware/access-log.js";
import { jsonBody } from "./middleware/json-body.js";
import { frontDoor } from "./middleware/front.js";
import { assertGated, gatesOf } from "./gates.js";
import { openApiConfig } from "./openapi.js";
import { PROBLEM_MEDIA_TYPE, problem, problemFromError, type Problem } from "./problem.js";
import { registerCatalogueRoutes } from "./routes/catalogue.js";
import { registerLifecycleRoutes } from "./routes/lifecycle.js";
import { registerPublicRoutes } from "./routes/public.js";
import { registerPkiRoutes } from "./routes/pki.js";
import { registerReadRoutes } from "./routes/reads.js";
import { registerSharingRoutes } from "./routes/sharing.js";
import { registerApiKeyRoutes } from "./routes/api-keys.js";
import { registerPrintRoutes } from "./routes/print.js";
import { registerMatterRoutes } from "./routes/matters.js";
import { registerAugmentRoutes } from "./routes/augment.js";
import { registerTimestampRoute } from "./routes/tsa.js";
import { registerHolderRoutes } from "./routes/holder.js";
import { validationError } from "./validation.js";

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions {
  /** Largest request body, in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Largest batch-issue body, in bytes (default 16 MiB). */
  readonly maxBatchBodyBytes?: number;
  /** Access log and fault log (default: faults only, as JSON lines on stderr). */
  readonly logger?: HttpLogger;
  /**
   * Browser origins (e.g. `https://approval.example.gov.cn`) allowed to call the authenticated API
   * (CORS). The public documents may be read from any origin; by default no origin may call the
   * rest.
   */
  readonly corsOrigins?: readonly string[];
  /** The registry's URL as verifiers reach it, for the QR reference of a printed licence (default: each request's origin). */
  readonly publicUrl?: string;
}

const MIB = 1024 * 1024;
/** Seconds a client should wait before retrying a 503 (a database failover takes a few seconds). */
const RETRY_AFTER_SECONDS = 2;

function sendProblem(c: Context<HttpEnv>, doc: Problem): Response {
  const headers: Record<string, string> = { "Content-Type": PROBLEM_MEDIA_TYPE, "Cache-Control": "no-store" };
  if (doc.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="elicence"';
  // The rest of an oversized body is left unread: the connection cannot carry another request.
  if (doc.status === 413) headers["Connection"] = "close";
  // RFC 9110 §10.2.3: the registry is briefly unable to serve (its database is out of reach).
  if (doc.status === 503) headers["Retry-After"] = String(RETRY_AFTER_SECONDS);
  // RFC 6585 §4: a rate-limited caller is told when its allowance comes back.
  if (doc.status === 429) headers["Retry-After"] = String(typeof doc.details?.retryAfterSeconds === "number" ? doc.details.retryAfterSeconds : RETRY_AFTER_SECONDS);
  return c.body(JSON.stringify(doc), doc.status as ContentfulStatusCode, headers);
}

/**
 * Creates the HTTP app over a registry.
 *
 * @param registry - the registry (`Registry`), or anything with its `session` and `public`
 * @param options - body limits and logger
 * @returns a Hono app; serve it with {@link serveRegistry} or any Hono adapter
 * @example
 * ```ts
 * const registry = await Registry.open({ home, passphrase });
 * const app = createHttpApp(registry);
 * const res = await app.request("/v1/trust-list");
 * ```
 */
export function createHttpApp(registry: RegistryBackend, options: HttpAppOptions = {}): OpenAPIHono<HttpEnv> {
  const logger = options.logger ?? defaultLogger;
  const app = new OpenAPIHono<HttpEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.target, result.error);
    },
  });

  const handleError = (err: unknown, c: Context<HttpEnv>): Response => {
    const outcome = problemFromError(err, c.get("requestId"));
    if (outcome.internal) logger.fault?.({ requestId: c.get("requestId"), method: c.req.method, route: routeOf(c), error: err });
    return sendProblem(c, outcome.problem);
  };

  app.use("*", frontDoor({ logger, corsOrigins: options.corsOrigins, backend: registry, gates: gatesOf(app), onError: handleError }));

  const mw = {
    body: jsonBody(options.maxBodyBytes ?? MIB),
    batchBody: jsonBody(options.maxBatchBodyBytes ?? 16 * MIB),
  };
  registerCatalogueRoutes(app, mw);
  registerLifecycleRoutes(app, mw);
  registerReadRoutes(app, mw);
  registerSharingRoutes(app, mw);
  registerApiKeyRoutes(app, mw);
  registerMatterRoutes(app, mw);
  registerAugmentRoutes(app, mw);
  registerPublicRoutes(app, registry.public);
  registerPrintRoutes(app, registry, options.publicUrl);
  registerTimestampRoute(app, registry.timestamper);
  registerHolderRoutes(app, mw, registry.holder);
  if (registry.pki) registerPkiRoutes(app, registry.pki);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A department's API key.",
  });
  let document: unknown;
  app.get("/openapi.json", (c) => {
    document ??= app.getOpenAPI31Document(openApiConfig);
    c.header("Cache-Control", "no-cache");
    return c.json(document as object, 200);
  });

  assertGated(app);

  app.notFound((c) => sendProblem(c, problem("ERR_NOT_FOUND", "There is no such route.", c.get("requestId"))));
  app.onError(handleError);
  return app;
}
