/**
 * `GET /v1/licences/{id}/pdf`: the licence printed as a PDF (one A4 page in Chinese, a QR code that
 * verifies it, the archive form embedded). Printing is a read: it names its cause in the same
 * headers as every read, and is logged with it. Only an active licence is printed, with the fields
 * the caller may see; it is verified against the registry's own trust list first.
 *
 * @module
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { LicenceError, type TrustList } from "@elicence/core";
import { printLicencePdf } from "@elicence/print";
import { CauseHeaders } from "../cause.js";
import type { HttpEnv, RegistryBackend } from "../context.js";
import { frontChecked } from "../gates.js";
import { LicenceIdParams, NoQuery } from "../schemas/requests.js";
import { BEARER, problems } from "./define.js";

/**
 * Adds the PDF route.
 *
 * @param app - the app
 * @param backend - the registry (its public documents and its verified trust list)
 * @param publicUrl - the registry's URL as verifiers reach it (default: the request's origin), for a QR reference
 */
export function registerPrintRoutes(app: OpenAPIHono<HttpEnv>, backend: RegistryBackend, publicUrl?: string): void {
  // The registry's own trust list, verified against its pinned operator certificate, once per
  // token (it changes when the catalogue does).
  let cached: { token: string; list: TrustList } | undefined;
  const trustList = async (at: Date): Promise<TrustList> => {
    const token = await backend.public.trustList();
    if (!backend.verifiedTrustList) throw new LicenceError("ERR_UNAVAILABLE", "This registry cannot print: it has no verified trust list.");
    if (cached?.token !== token) cached = { token, list: await backend.verifiedTrustList(at) };
    return cached.list;
  };

  app.openapi(
    frontChecked(app, createRoute({
      method: "get",
      path: "/v1/licences/{id}/pdf",
      tags: ["reads"],
      summary: "One licence, printed as a PDF with a QR code that verifies it",
      description:
        "A read like `GET /v1/licences/{id}` (the cause headers are required and the read is logged): an A4 page in Chinese with the fields the caller may see and a QR code, the archive-form licence embedded as a PDF associated file. Only an active licence is printed (409 otherwise).",
      security: BEARER,
      request: { params: LicenceIdParams, query: NoQuery, headers: CauseHeaders },
      responses: {
        200: { description: "The PDF.", content: { "application/pdf": { schema: z.string().openapi({ type: "string", format: "binary" }) } } },
        ...problems(400, 401, 403, 404, 409, 422),
      },
    })),
    async (c) => {
      const id = c.req.valid("param").id;
      const api = c.get("api");
      const shared = await api.get(id, c.get("cause"));
      if (shared.status !== "active") throw new LicenceError("ERR_STATE_INVALID", "The licence is not active: it is not printed.", { details: { reason: shared.status } });
      const type = await api.getLicenceType(shared.type);
      const at = new Date();
      const { pdf } = await printLicencePdf(shared.licence, {
        trustList: await trustList(at),
        fields: type.fields,
        registry: publicUrl ?? new URL(c.req.url).origin,
        at,
      });
      return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename="${shared.id}.pdf"`,
        "Cache-Control": "no-store",
      });
    },
  );
}
