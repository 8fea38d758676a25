/**
 * What the front door (`middleware/front.ts`) checks before a route runs, read once per app from
 * the routes' OpenAPI definitions: whether the route needs a bearer key (its `security` names
 * `bearer`), whether it is a read that names its cause (its request headers are the cause
 * headers), and its path and query parameter schemas. A route opts in with {@link frontChecked},
 * which registers its whole definition for the OpenAPI document and hands `app.openapi` only its
 * body, so the parameters and headers are checked once, by the front door, and not again by a
 * validator per route.
 *
 * @module
 */
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import { matchedRoutes } from "hono/route";
import type { ZodType } from "zod";
import { MATTER_HEADER, REASON_HEADER } from "./cause.js";
import type { HttpEnv } from "./context.js";

/** One route's checks. */
export interface Gate {
  /** A bearer key opens a session (`c.get("api")`). */
  readonly bearer: boolean;
  /** The cause headers are checked (`c.get("cause")`). */
  readonly cause: boolean;
  /** The path parameters' schema. */
  readonly params: ZodType | undefined;
  /** The query's schema. */
  readonly query: ZodType | undefined;
  /** What the query schema makes of a request without a query string, worked out once. */
  readonly emptyQuery: ReturnType<ZodType["safeParse"]> | undefined;
}

/** A matched route's gate, and the route's index among the handlers Hono matched. */
export interface GateMatch {
  readonly gate: Gate;
  readonly index: number;
}

/** The gates of one app's routes, by route path (Hono's `:name` form) and method. */
export class RouteGates {
  readonly #byPath = new Map<string, Map<string, Gate>>();

  /**
   * Adds a route's gate, worked out from its definition.
   *
   * @param route - the route's OpenAPI definition
   */
  add(route: RouteConfig): void {
    const request = route.request;
    if (request?.cookies) throw new TypeError(`${route.path}: the front door does not check cookies.`);
    let cause = false;
    if (request?.headers) {
      const shape = (request.headers as { shape?: Record<string, unknown> }).shape;
      const names = shape ? Object.keys(shape) : [];
      // The front door knows only the cause headers: any other header schema would go unchecked.
      if (names.length !== 2 || !names.includes(MATTER_HEADER) || !names.includes(REASON_HEADER)) {
        throw new TypeError(`${route.path}: the front door checks only the cause headers.`);
      }
      cause = true;
    }
    const query = request?.query as ZodType | undefined;
    const emptyQuery = query?.safeParse({});
    // Shared by every request without a query string: nobody may change it.
    if (emptyQuery?.success) Object.freeze(emptyQuery.data);
    const gate: Gate = {
      bearer: needsBearer(route),
      cause,
      params: request?.params as ZodType | undefined,
      query,
      emptyQuery,
    };
    const path = honoPath(route.path);
    let byMethod = this.#byPath.get(path);
    if (!byMethod) this.#byPath.set(path, (byMethod = new Map()));
    byMethod.set(route.method.toUpperCase(), gate);
  }

  /**
   * Whether a route (path and method, as its definition writes them) has a gate.
   *
   * @param route - the route's OpenAPI definition
   */
  has(route: Pick<RouteConfig, "path" | "method">): boolean {
    return this.#byPath.get(honoPath(route.path))?.has(route.method.toUpperCase()) ?? false;
  }

  /**
   * The gate of the route that answers the request: the first one Hono matched after the
   * middleware every request passes (`*`), which is the route whose handler answers.
   *
   * @param c - the request's context
   * @returns the gate and the route's handler index, or `undefined` when the route has no gate
   */
  find(c: Context<HttpEnv>): GateMatch | undefined {
    const routes = matchedRoutes(c);
    for (let index = 0; index < routes.length; index++) {
      const route = routes[index]!;
      if (route.path === "/*" || route.path === "*") continue;
      const gate = this.#byPath.get(route.path)?.get(route.method);
      return gate === undefined ? undefined : { gate, index };
    }
    return undefined;
  }
}

/** A route's path in Hono's form (`/v1/licences/:id`) from its definition's (`/v1/licences/{id}`). */
function honoPath(path: string): string {
  return path.replaceAll(/\/{(.+?)}/g, "/:$1");
}

/** Whether a route's definition asks for a bearer key. */
function needsBearer(route: Pick<RouteConfig, "security">): boolean {
  return (route.security ?? []).some((requirement) => "bearer" in requirement);
}

const GATES = new WeakMap<object, RouteGates>();

/**
 * The gate table of an app (made empty on first use).
 *
 * @param app - the app
 */
export function gatesOf(app: OpenAPIHono<HttpEnv>): RouteGates {
  let gates = GATES.get(app);
  if (!gates) GATES.set(app, (gates = new RouteGates()));
  return gates;
}

/**
 * Checks that every documented route that needs a bearer key or a cause is behind the front door:
 * one added with a plain `app.openapi` would have neither checked (its handler would then fail on
 * the missing session, but the app refuses to start instead).
 *
 * @param app - the app, with all its routes
 * @throws TypeError naming the first route that is not
 */
export function assertGated(app: OpenAPIHono<HttpEnv>): void {
  const gates = gatesOf(app);
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const route = definition.route;
    if ((needsBearer(route) || route.request?.headers) && !gates.has(route)) throw new TypeError(`${route.method.toUpperCase()} ${route.path} needs a bearer key or a cause and is not behind the front door (frontChecked).`);
  }
}

/**
 * Puts a route behind the front door: its whole definition goes into the app's OpenAPI document
 * and its gate into the app's table, and the route given back to `app.openapi` carries only the
 * request body, so no per-route validator checks the path, query or headers again. The handler
 * still reads them with `c.req.valid("param")` and `c.req.valid("query")` (the front door stores
 * what the same schemas gave), and reads the cause as `c.get("cause")`.
 *
 * @param app - the app the route is added to
 * @param route - the route's definition (from `createRoute`)
 * @returns the definition to hand to `app.openapi`
 * @example
 * ```ts
 * app.openapi(frontChecked(app, createRoute({ method: "get", path: "/v1/licences/{id}", ... })), handler);
 * ```
 */
export function frontChecked<R extends RouteConfig>(app: OpenAPIHono<HttpEnv>, route: R): R {
  const { middleware: _middleware, hide, ...definition } = route;
  if (!hide) app.openAPIRegistry.registerPath(definition);
  gatesOf(app).add(route);
  const body = route.request?.body;
  // Typed as the whole definition, so handlers see the parameter types the front door stored.
  return { ...route, hide: true, request: body ? { body } : undefined } as R;
}
