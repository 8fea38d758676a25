/**
 * `GET /v1/licences/{id}/pdf` over HTTP: a read with its cause (logged like any read), a PDF with
 * the fields the caller may see, only for an active licence; refusals as problem documents.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLicenceId, parseLicenceId, type ReadCause, type RegistryApi } from "@elicence/core";
import { PDFDocument } from "pdf-lib";
import { serveRegistry } from "../../../src/http/index.js";
import { BUSINESS_LICENCE } from "../../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY } from "@elicence/test-support/registry-world";
import { rid } from "../endpoints.js";
import { causeHeaders, expectProblem, httpWorld, type HttpWorld } from "@elicence/test-support/http-world";

let h: HttpWorld;
let id: string;

beforeAll(async () => {
  h = await httpWorld();
  id = (await h.w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })).id;
});
afterAll(async () => {
  await h?.close();
});

const pdfOf = (path: string, cause: ReadCause = { matter: "330100-TEST-0009", reason: "打印证照" }, url = h.url) =>
  fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${h.w.keys.consumer}`, ...causeHeaders(cause) } });

describe("GET /v1/licences/{id}/pdf", () => {
  it("answers a PDF naming the licence, and the registry is given the read's cause", async () => {
    const causes: ReadCause[] = [];
    const recording = (api: RegistryApi): RegistryApi =>
      new Proxy(api, {
        get(target, name) {
          if (name === "get") return (licence: string, cause: ReadCause) => (causes.push(cause), target.get(licence, cause));
          const value: unknown = Reflect.get(target, name);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    const server = await serveRegistry(
      { public: h.w.registry.public, session: async (key) => recording(await h.w.registry.session(key)), verifiedTrustList: (at) => h.w.registry.verifiedTrustList(at) },
      { port: 0 },
    );
    try {
      const cause = { matter: "330100-TEST-0009", reason: "打印证照" };
      const res = await pdfOf(`/v1/licences/${id}/pdf`, cause, server.url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/pdf");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${id}.pdf"`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const doc = await PDFDocument.load(bytes, { updateMetadata: false });
      expect(doc.getSubject()).toBe(id);
      expect(doc.getPageCount()).toBe(1);
      expect(causes).toEqual([cause]);
    } finally {
      await server.close();
    }
  });

  it("the read is in the registry's log, with its matter", async () => {
    const before = (await h.w.auditor.logEntries(id, { matter: "AUDIT-1", reason: "审计" })).length;
    expect((await pdfOf(`/v1/licences/${id}/pdf`)).status).toBe(200);
    const entries = await h.w.auditor.logEntries(id, { matter: "AUDIT-1", reason: "审计" });
    // This read, and the auditor's own read of the entries.
    expect(entries.length).toBe(before + 2);
    expect(entries.map((e) => e.entry).join("\n")).toContain("330100-TEST-0009");
  });

  it("refuses without a cause, without a key, for an unknown or malformed identifier, and for a revoked licence", async () => {
    const noCause = await fetch(`${h.url}/v1/licences/${id}/pdf`, { headers: { Authorization: `Bearer ${h.w.keys.consumer}` } });
    expect(noCause.status).toBe(400);
    expect((await fetch(`${h.url}/v1/licences/${id}/pdf`)).status).toBe(401);
    const parts = parseLicenceId(id);
    const missing = buildLicenceId({ typeCode: parts.typeCode, issuerCode: parts.issuerCode, serial: "ZZZZ9999", version: 1 });
    expectProblem(await h.call("GET", `/v1/licences/${missing}/pdf`, { as: "consumer", cause: true }), 404, "ERR_NOT_FOUND");
    expectProblem(await h.call("GET", `/v1/licences/x/pdf`, { as: "consumer", cause: true }), 400, "ERR_IDENTIFIER_INVALID");
    const revoked = (await h.w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })).id;
    await h.w.issuer.revoke(revoked, { reason: "测试吊销" });
    expectProblem(await h.call("GET", `/v1/licences/${revoked}/pdf`, { as: "consumer", cause: true }), 409, "ERR_STATE_INVALID");
  });
});
