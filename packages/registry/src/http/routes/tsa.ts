/**
 * The built-in time-stamping authority over HTTP (RFC 3161 §3.4): `POST /tsa` with an
 * `application/timestamp-query` body answers `application/timestamp-reply`. Unauthenticated, like
 * any public TSA; the request is at most a few KiB and anything else is a problem document.
 *
 * @module
 */
import { z, type OpenAPIHono } from "@hono/zod-openapi";
import { LicenceError } from "@elicence/core";
import type { HttpEnv } from "../context.js";

/** Largest time-stamp query read, in bytes. */
const MAX_QUERY_BYTES = 4096;

/** What the route needs: the TSA's `respond`, when the registry runs one. */
export interface TimestampResponder {
  respond?(request: Uint8Array): Promise<Uint8Array>;
}

async function readQuery(body: ReadableStream<Uint8Array> | null, declared: string | undefined): Promise<Uint8Array> {
  const tooLarge = () => new LicenceError("ERR_INPUT_TOO_LARGE", "The time-stamp query is larger than allowed.", { details: { limit: MAX_QUERY_BYTES } });
  if (declared !== undefined && Number(declared) > MAX_QUERY_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (body) {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_QUERY_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
  }
  if (size === 0) throw new LicenceError("ERR_INPUT_MALFORMED", "The body is not an RFC 3161 time-stamp request.", { details: { reason: "empty" } });
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Adds `POST /tsa`.
 *
 * @param app - the app
 * @param tsa - the registry's TSA (`undefined` or without `respond`: the route answers 404)
 */
export function registerTimestampRoute(app: OpenAPIHono<HttpEnv>, tsa: TimestampResponder | undefined): void {
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/tsa",
    tags: ["public"],
    summary: "RFC 3161 time-stamping (the built-in TSA)",
    request: { body: { content: { "application/timestamp-query": { schema: z.string().openapi({ format: "binary" }) } }, required: true } },
    responses: {
      200: { description: "A TimeStampResp (DER).", content: { "application/timestamp-reply": { schema: z.string().openapi({ format: "binary" }) } } },
      400: { description: "Not a time-stamp query (problem document)." },
      404: { description: "This registry runs no time-stamping authority." },
      413: { description: "The query is too large." },
      415: { description: "Not application/timestamp-query." },
    },
  });
  app.post("/tsa", async (c) => {
    if (!tsa?.respond) throw new LicenceError("ERR_NOT_FOUND", "This registry runs no time-stamping authority.");
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/timestamp-query") {
      return c.body(
        JSON.stringify({ type: "urn:elicence:problem:ERR_MEDIA_TYPE_UNSUPPORTED", title: "Unsupported Media Type", status: 415, detail: "Send an application/timestamp-query body.", code: "ERR_MEDIA_TYPE_UNSUPPORTED", requestId: c.get("requestId") }),
        415,
        { "Content-Type": "application/problem+json", "Cache-Control": "no-store" },
      );
    }
    const reply = await tsa.respond(await readQuery(c.req.raw.body, c.req.header("content-length")));
    return c.body(reply.slice().buffer, 200, { "Content-Type": "application/timestamp-reply", "Cache-Control": "no-store" });
  });
}
