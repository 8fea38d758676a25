import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCrl, createDepartmentCertificate, createOcspResponse } from "@elicence/pki";
import { buildOcspRequest } from "../../src/revocation/ocsp-request.js";
import { collectRevocationValues, encodeRevocationValues, readRevocationValues } from "../../src/jades/revocation-values.js";
import { parseCertificate } from "../../src/x509/certificate.js";
import { validateCertificatePath } from "../../src/x509/path-validation.js";
import type { RevocationFetchRequest } from "../../src/revocation/check.js";
import { LicenceError } from "../../src/errors/errors.js";
import { AT, DAY, HOUR, NOT_BEFORE, makeWorld, type RevocationWorld } from "../revocation/world.js";

let w: RevocationWorld;
let caCrl: Uint8Array;
let rootCrl: Uint8Array;
const fresh = { thisUpdate: new Date(AT.getTime() - HOUR), nextUpdate: new Date(AT.getTime() + 7 * DAY) };

beforeAll(async () => {
  w = await makeWorld();
  caCrl = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 1, revoked: [] });
  rootCrl = await createCrl({ issuer: w.root, ...fresh, crlNumber: 1, revoked: [] });
}, 60_000);

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof LicenceError) return err.details.reason;
    throw err;
  }
  throw new Error("expected a LicenceError");
}

describe("rVals (ETSI TS 119 182-1 clause 5.3.5.2)", () => {
  it("encodes CRLs and OCSP responses as PkiOb and reads them back", async () => {
    const ocsp = await createOcspResponse({
      ca: w.ca,
      request: buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca }).der,
      status: () => ({ status: "good" }),
      producedAt: fresh.thisUpdate,
      ...fresh,
    });
    const json = encodeRevocationValues({ crls: [caCrl, rootCrl], ocspResponses: [ocsp] });
    expect(Object.keys(json)).toEqual(["crlVals", "ocspVals"]);
    expect(json.crlVals?.[0]).toEqual({ val: Buffer.from(caCrl).toString("base64") });
    const back = readRevocationValues(JSON.parse(JSON.stringify(json)));
    expect(back.crls).toEqual([caCrl, rootCrl]);
    expect(back.ocspResponses).toEqual([ocsp]);
    expect(readRevocationValues({ crlVals: [{ val: Buffer.from(caCrl).toString("base64") }] }).ocspResponses).toEqual([]);
  });

  it("refuses what it cannot account for", () => {
    const val = Buffer.from(caCrl).toString("base64");
    expect(reason(() => readRevocationValues(null))).toBe("rVals");
    expect(reason(() => readRevocationValues([]))).toBe("rVals");
    expect(reason(() => readRevocationValues({}))).toBe("rVals");
    expect(reason(() => readRevocationValues({ crlVals: [{ val }], otherVals: [{}] }))).toBe("rVals-member");
    expect(reason(() => readRevocationValues({ crlVals: [] }))).toBe("crlVals");
    expect(reason(() => readRevocationValues({ crlVals: [{ val, encoding: "http://uri.etsi.org/19182/ASN.1#BER" }] }))).toBe("crlVals-encoding");
    expect(reason(() => readRevocationValues({ crlVals: [{ val, extra: 1 }] }))).toBe("crlVals");
    expect(reason(() => readRevocationValues({ crlVals: [{ val: val.replace(/=*$/, "") + "!" }] }))).toBe("crlVals");
    expect(reason(() => readRevocationValues({ crlVals: [val] }))).toBe("crlVals");
    // A CRL filed as an OCSP response, a certificate filed as a CRL.
    expect(reason(() => readRevocationValues({ ocspVals: [{ val }] }))).toBe("ocspVals-value");
    expect(reason(() => readRevocationValues({ crlVals: [{ val: Buffer.from(w.certs.dept.der).toString("base64") }] }))).toBe("crlVals-value");
    expect(reason(() => readRevocationValues({ crlVals: Array.from({ length: 65 }, () => ({ val })) }))).toBe("crlVals-size");
    expect(reason(() => readRevocationValues({ crlVals: [{ val: "A".repeat(6_000_000) }] }))).toBe("crlVals");
    expect(() => encodeRevocationValues({ crls: [], ocspResponses: [] })).toThrow(TypeError);
    expect(() => encodeRevocationValues({ crls: [Uint8Array.of(1, 2)], ocspResponses: [] })).toThrow(LicenceError);
  });
});

describe("collectRevocationValues", () => {
  let server: Server;
  let base: string;
  let chainWithUrls: ReturnType<typeof parseCertificate>[];
  const hits: string[] = [];
  let ocspMode: "good" | "down" = "good";

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        hits.push(`${req.method} ${req.url}`);
        if (req.url === "/pki/crl") return res.writeHead(200, { "content-type": "application/pkix-crl" }).end(caCrl);
        if (req.url === "/pki/ocsp" && ocspMode === "good") {
          const body = await createOcspResponse({ ca: w.ca, request: new Uint8Array(Buffer.concat(chunks)), status: () => ({ status: "good" }), producedAt: fresh.thisUpdate, ...fresh });
          return res.writeHead(200, { "content-type": "application/ocsp-response" }).end(body);
        }
        res.writeHead(503).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dept = await createDepartmentCertificate({
      issuer: w.ca,
      department: { name: "示例市卫生健康委员会", uscc: "11330100MB0000027E" },
      notBefore: NOT_BEFORE,
      revocation: { crl: `${base}/pki/crl`, ocsp: `${base}/pki/ocsp` },
    });
    chainWithUrls = [parseCertificate(dept.certificateDer), w.certs.ca, w.certs.root];
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const httpFetch = async (request: RevocationFetchRequest): Promise<Uint8Array | undefined> => {
    const res =
      request.kind === "crl"
        ? await fetch(request.url)
        : await fetch(request.url, { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: Buffer.from(request.request) });
    return res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined;
  };

  it("collects OCSP for the leaf over HTTP on loopback, and the values then validate the path offline", async () => {
    // The issuing CA's own certificate names the registry.example URLs (not reachable): serve its CRL from the root by hand.
    const fetcher = async (request: RevocationFetchRequest) => (request.url.startsWith(base) ? httpFetch(request) : rootCrl);
    hits.length = 0;
    const values = await collectRevocationValues(chainWithUrls, fetcher, { at: AT });
    expect(hits).toEqual(["POST /pki/ocsp"]);
    expect(values.ocspResponses).toHaveLength(1);
    expect(values.crls).toEqual([rootCrl]);
    const read = readRevocationValues(JSON.parse(JSON.stringify(encodeRevocationValues(values))));
    const result = await validateCertificatePath({ leaf: chainWithUrls[0]!, intermediates: [w.certs.ca], trustAnchors: [w.certs.root], at: AT, revocation: read });
    expect(result).toMatchObject({ ok: true });
  });

  it("falls back to the CRL when OCSP is down, and fails closed when nothing answers", async () => {
    ocspMode = "down";
    try {
      const fetcher = async (request: RevocationFetchRequest) => (request.url.startsWith(base) ? httpFetch(request) : rootCrl);
      hits.length = 0;
      const values = await collectRevocationValues(chainWithUrls, fetcher, { at: AT });
      expect(hits).toEqual(["POST /pki/ocsp", "GET /pki/crl"]);
      expect(values.crls).toEqual([caCrl, rootCrl]);
      const nothing = async () => undefined;
      await expect(collectRevocationValues(chainWithUrls, nothing, { at: AT })).rejects.toMatchObject({ code: "ERR_UNAVAILABLE", details: { index: 0, reason: "EVIDENCE_UNAVAILABLE" } });
      // Stale evidence is not collected.
      await expect(collectRevocationValues(chainWithUrls, fetcher, { at: new Date(AT.getTime() + 30 * DAY) })).rejects.toMatchObject({ code: "ERR_UNAVAILABLE", details: { reason: "EVIDENCE_STALE" } });
    } finally {
      ocspMode = "good";
    }
  });
});
