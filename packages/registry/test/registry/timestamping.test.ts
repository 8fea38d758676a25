import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
      // Per-item imprints: SM3 for an SM2 signature, SHA-256 for the other.
      const [sm3Token, shaToken] = await client.stamp([data[0]!, data[1]!], ["SM3", "SHA-256"]);
      expect(Buffer.from(sm3Token!).toString("hex")).toContain(`0420${createHash("sm3").update(data[0]!).digest("hex")}`);
      expect(Buffer.from(shaToken!).toString("hex")).toContain(`0420${createHash("sha256").update(data[1]!).digest("hex")}`);
      // A TSA that rejects SM3 imprints (PKIStatus rejection, failInfo badAlg) is asked again with SHA-256.
      const SM3_OID = Buffer.from("06082a811ccf55018311", "hex");
      let refused = 0;
      const picky = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const body = Buffer.concat(chunks);
          if (body.includes(SM3_OID)) {
            refused++;
            res.writeHead(200, { "content-type": "application/timestamp-reply" });
            res.end(Buffer.from("30093007020102030207 80".replace(/ /g, ""), "hex")); // status rejection, failInfo badAlg
            return;
          }
          void fetch(`${server.url}/tsa`, { method: "POST", headers: { "content-type": "application/timestamp-query" }, body }).then(async (r) => {
            res.writeHead(r.status, { "content-type": "application/timestamp-reply" });
            res.end(Buffer.from(await r.arrayBuffer()));
          });
        });
      });
      await new Promise<void>((r) => picky.listen(0, "127.0.0.1", r));
      try {
        const url = `http://127.0.0.1:${(picky.address() as { port: number }).port}/`;
        const [fallback] = await remoteTimestamper(url).stamp([data[2]!], ["SM3"]);
        expect(refused).toBe(1);
        expect(Buffer.from(fallback!).toString("hex")).toContain(`0420${createHash("sha256").update(data[2]!).digest("hex")}`);
        expect(await verifyTimestampToken(fallback!, { data: data[2]!, trustAnchors: trustList.anchors, at: new Date(Date.now() + 5_000) })).toMatchObject({ ok: true });
      } finally {
        await new Promise<void>((r) => picky.close(() => r()));
      }
    } finally {
      await server.close();
    }
  });
});
