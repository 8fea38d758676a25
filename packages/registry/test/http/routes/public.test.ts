/**
 * The public documents over HTTP, with no API key: what an offline verifier fetches.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyStatusListToken, verifyTrustList, type TrustList } from "@elicence/core";
import { verifyConsistency, verifyInclusion, verifyTreeHead } from "@elicence/core/log";
import { BUSINESS_LICENCE } from "../../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY } from "@elicence/test-support/registry-world";
import { rid } from "../endpoints.js";
import { expectProblem, httpWorld, type HttpWorld } from "@elicence/test-support/http-world";

let h: HttpWorld;
let trust: TrustList;
const b64 = (s: string) => new Uint8Array(Buffer.from(s, "base64url"));

beforeAll(async () => {
  h = await httpWorld();
  await h.w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
});
afterAll(async () => {
  await h?.close();
});

describe("GET /v1/trust-list", () => {
  it("serves the compact JWS as application/jwt, revalidated, without a key", async () => {
    const answer = await h.call("GET", "/v1/trust-list");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/jwt");
    expect(answer.headers.get("cache-control")).toBe("no-cache");
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    trust = await verifyTrustList(answer.text, { at: new Date(), algorithms: ["ES256"], operatorCertificates: [h.w.operatorPem] });
    expect(answer.text).toBe(await h.w.registry.public.trustList());
  });
});

describe("GET /v1/status-lists/{id}", () => {
  it("serves a status list token as application/statuslist+jwt", async () => {
    const answer = await h.call("GET", "/v1/status-lists/0");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/statuslist+jwt");
    const list = await verifyStatusListToken(answer.text, { trustList: trust, at: new Date(), algorithms: ["ES256"] });
    expect(list).toBeDefined();
  });

  it("a list that does not exist is 404; a number that is not a number is 400", async () => {
    expectProblem(await h.call("GET", "/v1/status-lists/4096"), 404, "ERR_NOT_FOUND");
    for (const bad of ["-1", "01", "1e3", "x", "99999999999999999999"]) expectProblem(await h.call("GET", `/v1/status-lists/${bad}`), 400, "ERR_IDENTIFIER_INVALID");
  });
});

describe("the log", () => {
  it("serves a signed tree head, inclusion proofs and consistency proofs that verify offline", async () => {
    const head1 = (await h.call("GET", "/v1/log/tree-head")).json;
    await verifyTreeHead(head1, trust, ["ES256"]);
    await h.w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
    const head2 = (await h.call("GET", "/v1/log/tree-head")).json;
    await verifyTreeHead(head2, trust, ["ES256"]);
    expect(head2.treeSize).toBeGreaterThan(head1.treeSize);
    const inclusion = await h.call("GET", `/v1/log/inclusion?index=0&treeSize=${head2.treeSize}`);
    expect(inclusion.status).toBe(200);
    const p = inclusion.json;
    expect(verifyInclusion({ leafHash: b64(p.leafHash), index: 0, treeSize: head2.treeSize, proof: p.proof.map(b64), root: b64(head2.rootHash) })).toBe(true);
    const consistency = (await h.call("GET", `/v1/log/consistency?oldSize=${head1.treeSize}&newSize=${head2.treeSize}`)).json;
    expect(verifyConsistency({ oldSize: head1.treeSize, newSize: head2.treeSize, oldRoot: b64(head1.rootHash), newRoot: b64(head2.rootHash), proof: consistency.proof.map(b64) })).toBe(true);
  });

  it("refuses malformed proof parameters at the edge, and out-of-range ones with the registry's code", async () => {
    for (const query of ["", "?index=0", "?index=-1&treeSize=2", "?index=1e0&treeSize=2", "?index=01&treeSize=2", "?index=0&treeSize=2&x=1", "?index=0&index=1&treeSize=2"]) {
      expectProblem(await h.call("GET", `/v1/log/inclusion${query}`), 400, "ERR_VALIDATION");
    }
    for (const query of ["", "?oldSize=1", "?oldSize=a&newSize=2"]) expectProblem(await h.call("GET", `/v1/log/consistency${query}`), 400, "ERR_VALIDATION");
    const { treeSize } = (await h.call("GET", "/v1/log/tree-head")).json;
    expectProblem(await h.call("GET", `/v1/log/inclusion?index=${treeSize}&treeSize=${treeSize}`), 400, "ERR_VALIDATION");
    expectProblem(await h.call("GET", `/v1/log/consistency?oldSize=1&newSize=${treeSize + 10}`), 400, "ERR_VALIDATION");
  });
});

describe("the log as tiles (C2SP tlog-tiles)", () => {
  it("serves the checkpoint as text, revalidated, and tiles as immutable octet streams", async () => {
    const checkpoint = await h.call("GET", "/v1/log/checkpoint");
    expect(checkpoint.status).toBe(200);
    expect(checkpoint.headers.get("content-type")).toBe("text/plain; charset=UTF-8");
    expect(checkpoint.headers.get("cache-control")).toBe("no-cache");
    const [origin, size] = checkpoint.text.split("\n");
    expect(origin).toBe(h.w.registry.logId);
    const width = Number(size) % 256;
    const tile = await fetch(`${h.url}/v1/log/tile/0/000.p/${width}`);
    expect(tile.status).toBe(200);
    expect(tile.headers.get("content-type")).toBe("application/octet-stream");
    expect(tile.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const bytes = new Uint8Array(await tile.arrayBuffer());
    expect(Buffer.from(bytes).equals(Buffer.from(await h.w.registry.public.logTile({ level: 0, index: 0, width })))).toBe(true);
  });

  it("refuses malformed tile paths with 400 and tiles the log has not reached with 404", async () => {
    for (const path of ["0/1", "0/0001", "0/x000/001", "00/000", "64/000", "0/000.p/0", "0/000.p/256", "0/000.p/01", "0/000.p", "0/abc", `0/${"x001/".repeat(40)}001`]) {
      expectProblem(await h.call("GET", `/v1/log/tile/${path}`), 400, "ERR_INPUT_MALFORMED");
    }
    for (const path of ["0/000", "1/000.p/1", "0/x001/000.p/1", "63/000.p/1"]) expectProblem(await h.call("GET", `/v1/log/tile/${path}`), 404, "ERR_NOT_FOUND");
  });

  it("documents both in the OpenAPI document", async () => {
    const doc = (await h.call("GET", "/openapi.json")).json as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/log/checkpoint", "/v1/log/tile/{level}/{index}"]));
  });
});

describe("GET /healthz", () => {
  it("answers ok", async () => {
    const answer = await h.call("GET", "/healthz");
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: "ok" });
  });
});
