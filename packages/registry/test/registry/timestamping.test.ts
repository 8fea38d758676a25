import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { verifyLicence, verifyTrustList } from "@elicence/core";
import { createTimestampRequest, readTimestampResponse, signatureTimestampProperty, verifyTimestampToken } from "@elicence/core/timestamp";
import { createHttpApp, remoteTimestamper, serveRegistry } from "../../src/index.js";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

let w: RegistryWorld;
beforeAll(async () => {
  w = await registryWorld("sqlite");
});
afterAll(async () => w.registry.close());

const rid = () => randomUUID();

/** The archive form of an issued record, with its sigTst in etsiU as the registry hands it out. */
function archive(record: { licence: string; signatureTimestamp?: string }) {
  const [jws = "", ...rest] = record.licence.split("~");
  const [p, payload, signature] = jws.split(".");
  const etsiU = record.signatureTimestamp ? [signatureTimestampProperty(Buffer.from(record.signatureTimestamp, "base64"))] : undefined;
  return { protected: p, payload, signature, header: { disclosures: rest.filter(Boolean), ...(etsiU ? { etsiU } : {}) } };
}

describe("a registry with the workspace's built-in TSA issues B-T licences", () => {
  it("time-stamps one licence: the archive form verifies at B-T, the compact form stays B-B", async () => {
    const record = await w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
    expect(record.signatureTimestamp).toMatch(/^MI/);
    const trustList = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
    const at = new Date(Date.now() + 5_000);
    const report = await verifyLicence(archive(record) as never, { trustList, at, algorithms: ["ES256"]});
    // Everything but the status, whose list this offline check is not given, passes.
    expect(report.checks.filter((c) => c.result !== "passed").map((c) => c.check)).toEqual(["status"]);
    expect(report.checks.find((c) => c.check === "timestamp")).toMatchObject({ result: "passed" });
    expect(report.level).toBe("B-T");
    expect((await verifyLicence(record.licence, { trustList, at, algorithms: ["ES256"]})).level).toBe("B-B");
    expect(record.licence).not.toContain(record.signatureTimestamp!.slice(0, 40));
    const stored = await w.registry.database.get<{ sig_tst: Uint8Array }>("SELECT sig_tst FROM licences WHERE id = ?", [record.id]);
    expect(Buffer.from(stored!.sig_tst).toString("base64")).toBe(record.signatureTimestamp);
  });

  it("time-stamps every licence of a batch signed on the workers", async () => {
    const before = w.registry.workerThreshold;
    w.registry.workerThreshold = 10;
    try {
      const items = Array.from({ length: 60 }, (_, i) => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name: `批量 ${i}` } }));
      const result = await w.issuer.issueBatch({ requestId: rid(), items });
      expect(result.errors).toEqual([]);
      expect(result.issued).toHaveLength(60);
      const trustList = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
      for (const record of [result.issued[0]!, result.issued[59]!]) {
        const report = await verifyLicence(archive(record) as never, { trustList, at: new Date(Date.now() + 5_000), algorithms: ["ES256"]});
        expect(report.level, JSON.stringify(report.checks)).toBe("B-T");
      }
    } finally {
      w.registry.workerThreshold = before;
    }
  });
});

describe("POST /tsa", () => {
  it("answers RFC 3161 queries, and refuses other media types, garbage and oversize bodies with problem documents", async () => {
    const app = createHttpApp(w.registry);
    const data = new TextEncoder().encode("over HTTP");
    const request = createTimestampRequest(data);
    const res = await app.request("/tsa", { method: "POST", headers: { "content-type": "application/timestamp-query" }, body: request.der.slice().buffer });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/timestamp-reply");
    const token = readTimestampResponse(new Uint8Array(await res.arrayBuffer()), request);
    const trustList = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
    expect(await verifyTimestampToken(token, { data, trustAnchors: trustList.anchors, at: new Date(Date.now() + 5_000), nonce: request.nonce })).toMatchObject({ ok: true });
    const garbage = await app.request("/tsa", { method: "POST", headers: { "content-type": "application/timestamp-query" }, body: "garbage" });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get("content-type")).toBe("application/problem+json");
    expect((await garbage.json()).code).toBe("ERR_INPUT_MALFORMED");
    const json = await app.request("/tsa", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(json.status).toBe(415);
    const big = await app.request("/tsa", { method: "POST", headers: { "content-type": "application/timestamp-query" }, body: new Uint8Array(10_000) });
    expect(big.status).toBe(413);
    expect((await big.json()).code).toBe("ERR_INPUT_TOO_LARGE");
    const empty = await app.request("/tsa", { method: "POST", headers: { "content-type": "application/timestamp-query" } });
    expect(empty.status).toBe(400);
  });

  it("serves an external TSA client (remoteTimestamper) over loopback HTTP", async () => {
    const server = await serveRegistry(w.registry, { port: 0 });
    try {
      const client = remoteTimestamper(`${server.url}/tsa`, { concurrency: 4 });
      const data = Array.from({ length: 10 }, (_, i) => new TextEncoder().encode(`signature ${i}`));
      const tokens = await client.stamp(data);
      const trustList = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
      for (const [i, token] of tokens.entries()) {
        expect(await verifyTimestampToken(token, { data: data[i]!, trustAnchors: trustList.anchors, at: new Date(Date.now() + 5_000) })).toMatchObject({ ok: true });
      }
      await expect(remoteTimestamper(`${server.url}/nothing`).stamp([data[0]!])).rejects.toMatchObject({ code: "ERR_UNAVAILABLE" });
    } finally {
      await server.close();
    }
  });
});
