/**
 * The workspace CA's revocation evidence, public: its CRL (`GET /pki/crl`, DER,
 * `application/pkix-crl`, RFC 5280 §5) and its OCSP responder (`POST /pki/ocsp` and
 * `GET /pki/ocsp/{base64 request}`, RFC 6960 Appendix A.1). These paths are what the CA's
 * certificates name in their CRL distribution points and authority information access.
 *
 * A body that is not an OCSP request, or is larger than 16 KiB, is refused with a problem
 * document (`ERR_INPUT_MALFORMED`, `ERR_INPUT_TOO_LARGE`), like every other refusal of the API.
 *
 * @module
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { LicenceError } from "@elicence/core";
import type { HttpEnv, RevocationBackend } from "../context.js";
import { frontChecked } from "../gates.js";
import { NoQuery } from "../schemas/requests.js";
import { problems } from "./define.js";

/** Largest OCSP request accepted (body, or decoded GET path). */
export const MAX_OCSP_REQUEST_BYTES = 16 * 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const Binary = z.string().openapi({ format: "binary" });

/** Reads a request body of at most `limit` bytes, whatever Content-Length claims. */
async function readBody(c: Context<HttpEnv>, limit: number): Promise<Uint8Array> {
  const declared = c.req.header("content-length");
  if (declared !== undefined && Number(declared) > limit) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The request body is too large.", { details: { limit } });
  const body = c.req.raw.body;
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new LicenceError("ERR_INPUT_TOO_LARGE", "The request body is too large.", { details: { limit } });
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) (out.set(chunk, at), (at += chunk.length));
  return out;
}

function ocspReply(c: Context<HttpEnv>, der: Uint8Array): Response {
  return c.body(der.slice().buffer as ArrayBuffer, 200, { "Content-Type": "application/ocsp-response", "Cache-Control": "no-store" });
}

/**
 * Adds the CRL and OCSP routes.
 *
 * @param app - the app
 * @param pki - the workspace CA's revocation service
 */
export function registerPkiRoutes(app: OpenAPIHono<HttpEnv>, pki: RevocationBackend): void {
  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/pki/crl",
      tags: ["public"],
      summary: "The workspace CA's certificate revocation list",
      request: { query: NoQuery },
      responses: { 200: { description: "The CRL, DER (RFC 5280 §5).", content: { "application/pkix-crl": { schema: Binary } } }, ...problems(503) },
    })),
    async (c) => c.body((await pki.crl()).slice().buffer as ArrayBuffer, 200, { "Content-Type": "application/pkix-crl", "Cache-Control": "no-cache" }),
  );

  app.openapi(
    frontChecked(app, createRoute({
      method: "post",
      path: "/pki/ocsp",
      tags: ["public"],
      summary: "The workspace CA's OCSP responder",
      request: { body: { content: { "application/ocsp-request": { schema: Binary } }, required: true } },
      responses: {
        200: { description: "The OCSP response, DER (RFC 6960), signed by the CA.", content: { "application/ocsp-response": { schema: Binary } } },
        ...problems(400, 413, 503),
      },
    })),
    async (c) => {
      if ((c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase() !== "application/ocsp-request") {
        throw new LicenceError("ERR_INPUT_MALFORMED", "An OCSP request is sent as application/ocsp-request.", { details: { reason: "media-type" } });
      }
      return ocspReply(c, await pki.ocsp(await readBody(c, MAX_OCSP_REQUEST_BYTES)));
    },
  );

  // RFC 6960 Appendix A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}.
  // Not an OpenAPI route: the path parameter may hold "/" (base64), which OpenAPI paths cannot say.
  app.get("/pki/ocsp/:request{.+}", async (c) => {
    let text: string;
    try {
      text = decodeURIComponent(c.req.param("request"));
    } catch {
      throw new LicenceError("ERR_INPUT_MALFORMED", "The OCSP request in the path is not base64.", { details: { reason: "base64" } });
    }
    if (text.length > Math.ceil(MAX_OCSP_REQUEST_BYTES / 3) * 4) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The OCSP request is too large.", { details: { limit: MAX_OCSP_REQUEST_BYTES } });
    if (!BASE64.test(text) || text.length % 4 !== 0) throw new LicenceError("ERR_INPUT_MALFORMED", "The OCSP request in the path is not base64.", { details: { reason: "base64" } });
    return ocspReply(c, await pki.ocsp(new Uint8Array(Buffer.from(text, "base64"))));
  });
}
