/**
 * Revoking a department certificate and publishing the workspace CA's revocation evidence: the
 * `revoked_certificates` migration on both adapters, the CRL and the OCSP responder over HTTP
 * (checked by core's strict verifiers), refusals with problem documents.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOcspRequest, readCrlDistributionPoints, readOcspUrls, verifyCrl, verifyOcspResponse } from "@elicence/core/revocation";
import { parseCertificate, type Certificate } from "@elicence/core/x509";
import { createHttpApp } from "../../src/http/index.js";
import { SAMPLE_DEPARTMENT } from "../../src/workspace/samples.js";
import { ADAPTERS, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

describe.each(ADAPTERS)("department revocation (%s)", (adapter) => {
  let w: RegistryWorld;
  let app: ReturnType<typeof createHttpApp>;
  let dept: Certificate;
  let root: Certificate;
  let status: Certificate;
  beforeAll(async () => {
    w = await registryWorld(adapter);
    app = createHttpApp(w.registry);
    dept = parseCertificate(readFileSync(join(w.home, "departments", SAMPLE_DEPARTMENT.code, "signing.pem"), "utf8"));
    root = parseCertificate(readFileSync(join(w.home, "pki", "root-ca.pem"), "utf8"));
    status = parseCertificate(readFileSync(join(w.home, "pki", "status.pem"), "utf8"));
  }, 120_000);
  afterAll(async () => w?.registry.close());

  const at = () => new Date(Date.now() + 2000);
  const crl = async () => {
    const res = await app.request("/pki/crl");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pkix-crl");
    return new Uint8Array(await res.arrayBuffer());
  };
  const ocsp = async (certificate: Certificate, via: "post" | "get") => {
    const request = buildOcspRequest({ certificate, issuer: root });
    const res =
      via === "post"
        ? await app.request("/pki/ocsp", { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: Buffer.from(request.der) })
        : await app.request(`/pki/ocsp/${encodeURIComponent(Buffer.from(request.der).toString("base64"))}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/ocsp-response");
    return verifyOcspResponse(new Uint8Array(await res.arrayBuffer()), { certificate, issuer: root, at: at(), nonce: request.nonce! });
  };

  it("issues department certificates that point at the registry's CRL and OCSP", () => {
    expect(readCrlDistributionPoints(dept).flatMap((p) => p.urls)).toEqual(["http://localhost:8080/pki/crl"]);
    expect(readOcspUrls(dept)).toEqual(["http://localhost:8080/pki/ocsp"]);
  });

  it("publishes a CRL and OCSP answers that say good before the revocation", async () => {
    expect(await verifyCrl(await crl(), { certificate: dept, issuer: root, at: at() })).toMatchObject({ ok: true, status: "good" });
    expect(await ocsp(dept, "post")).toMatchObject({ ok: true, status: "good" });
    expect(await ocsp(status, "get")).toMatchObject({ ok: true, status: "good" });
  });

  it("revokes the department certificate: logged, CRL and OCSP say revoked, trust list ends the department", async () => {
    const before = await w.registry.public.treeHead();
    const revoked = await w.registry.revokeDepartment({ code: SAMPLE_DEPARTMENT.code, reason: "keyCompromise" });
    expect(revoked).toMatchObject({ code: SAMPLE_DEPARTMENT.code, serial: dept.serialNumber, reason: "keyCompromise" });
    const revocationTime = new Date(revoked.revokedAt);
    expect((await w.registry.public.treeHead()).treeSize).toBe(before.treeSize + 1);
    expect(await verifyCrl(await crl(), { certificate: dept, issuer: root, at: at() })).toMatchObject({ ok: true, status: "revoked", revocationTime, reason: "keyCompromise" });
    expect(await ocsp(dept, "post")).toMatchObject({ ok: true, status: "revoked", revocationTime, reason: "keyCompromise" });
    expect(await ocsp(dept, "get")).toMatchObject({ ok: true, status: "revoked", revocationTime });
    expect(await ocsp(status, "post")).toMatchObject({ ok: true, status: "good" });
    const rows = await w.registry.database.all("SELECT serial, department, reason FROM revoked_certificates");
    expect(rows).toEqual([{ serial: dept.serialNumber, department: SAMPLE_DEPARTMENT.code, reason: "keyCompromise" }]);
    const { verifyTrustList } = await import("@elicence/core");
    const token = readFileSync(join(w.home, "trust-list.jwt"), "utf8").trim();
    const list = await verifyTrustList(token, { at: at(), algorithms: ["ES256"], operatorCertificates: [readFileSync(join(w.home, "pki", "operator.pem"), "utf8")] });
    expect(list.document.departments.find((d) => d.code === SAMPLE_DEPARTMENT.code)?.validUntil).toBe(revoked.revokedAt);
  });

  it("refuses a second revocation, an unknown department and a bad reason, changing nothing", async () => {
    await expect(w.registry.revokeDepartment({ code: SAMPLE_DEPARTMENT.code, reason: "superseded" })).rejects.toMatchObject({ code: "ERR_CONFLICT" });
    await expect(w.registry.revokeDepartment({ code: "11330100MB00000359", reason: "superseded" })).rejects.toMatchObject({ code: "ERR_NOT_FOUND" });
    await expect(w.registry.revokeDepartment({ code: SAMPLE_DEPARTMENT.code, reason: "removeFromCRL" })).rejects.toMatchObject({ code: "ERR_VALIDATION" });
    expect(await w.registry.database.all("SELECT serial FROM revoked_certificates")).toHaveLength(1);
  });

  it("answers garbage with problem documents", async () => {
    const post = (body: Uint8Array | string, type = "application/ocsp-request") => app.request("/pki/ocsp", { method: "POST", headers: { "content-type": type }, body: typeof body === "string" ? body : Buffer.from(body) });
    for (const res of [await post(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00)), await post("not der"), await post(buildOcspRequest({ certificate: dept, issuer: root }).der, "application/json")]) {
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect((await res.json()).code).toBe("ERR_INPUT_MALFORMED");
    }
    const big = await post(new Uint8Array(16 * 1024 + 1));
    expect(big.status).toBe(413);
    expect((await big.json()).code).toBe("ERR_INPUT_TOO_LARGE");
    for (const path of ["/pki/ocsp/%%%", "/pki/ocsp/not-base64!", `/pki/ocsp/${"A".repeat(30_000)}`, "/pki/ocsp/MAMCAQA%3D"]) {
      const res = await app.request(path);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect([400, 413]).toContain(res.status);
    }
  });
});
