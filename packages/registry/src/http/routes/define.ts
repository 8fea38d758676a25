/**
 * Small pieces every route definition shares: JSON and problem responses for the OpenAPI
 * document, and the middleware a route group is given.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { ZodType } from "zod";
import type { HttpEnv } from "../context.js";
import { PROBLEM_MEDIA_TYPE } from "../problem.js";
import { ProblemSchema } from "../schemas/responses.js";

/** Middleware the app hands to its route groups. */
export interface RouteMiddleware {
  /** Reads a JSON body up to the default limit. */
  readonly body: MiddlewareHandler<HttpEnv>;
  /** Reads a JSON body up to the batch limit. */
  readonly batchBody: MiddlewareHandler<HttpEnv>;
}

/** The security requirement of authenticated routes. */
export const BEARER = [{ bearer: [] }];

/** A JSON response for the document. */
export function json<T extends ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

/** A JSON request body for the document (always required). */
export function jsonRequest<T extends ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

const DESCRIPTIONS = {
  400: "The request is malformed, fails validation, or a read names no cause.",
  401: "No valid API key.",
  403: "The caller's role or department may not do this.",
  404: "No such resource.",
  409: "The request conflicts with the current state.",
  413: "The request body is larger than allowed.",
  415: "The request body is not application/json.",
  429: "Too many requests of this kind from the caller's department; retry after Retry-After seconds.",
  422: "The request names something the registry cannot accept.",
  500: "A server fault (reported generically).",
  503: "The registry is unavailable.",
} as const;

type ProblemStatus = keyof typeof DESCRIPTIONS;
type ProblemResponse = { readonly description: string; readonly content: { readonly "application/problem+json": { readonly schema: typeof ProblemSchema } } };

/** Problem responses for the document, by status. */
export function problems<const S extends readonly ProblemStatus[]>(...statuses: S): { [K in S[number]]: ProblemResponse } {
  const out: Partial<Record<ProblemStatus, ProblemResponse>> = {};
  for (const status of [...statuses, 500 as const]) out[status] = { description: DESCRIPTIONS[status], content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema } } };
  return out as { [K in S[number]]: ProblemResponse };
}

/** `T` with every `readonly` removed, arrays included. */
export type Writable<T> = T extends readonly (infer U)[] ? Writable<U>[] : T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;

/**
 * The value as the response schema's type. `RegistryApi` returns deeply readonly values and zod
 * infers mutable ones; this drops only `readonly`, so the route still checks every member against
 * its documented schema.
 */
export function writable<T>(value: T): Writable<T> {
  return value as Writable<T>;
}
