/**
 * An all-SM2 workspace in the registry: the trust list, status lists, tree heads and licences are
 * SM2SM3 — including licences signed on the worker pool, whose keys travel as Node KeyObjects (Node
 * can hold an SM2 key but would sign ECDSA with it: the workers sign with core's SM2) — and none of
 * it verifies under the default allow-list. The long-term evidence is SM2 too: the built-in TSA's
 * time-stamps, the CA's CRL (`GET /pki/crl`) and OCSP answers (`POST /pki/ocsp`), and a licence
 * augmented to B-LTA with them.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALGORITHMS, verifyLicence, verifyStatusListToken, verifyTrustList, type TrustList } from "@elicence/core";
import { verifyTreeHead } from "@elicence/core/log";
import { verifyJades } from "@elicence/core/jades";
import { buildOcspRequest, verifyCrl, verifyOcspResponse } from "@elicence/core/revocation";
import { parseCertificate } from "@elicence/core/x509";
import { signatureTimestampData } from "@elicence/core/timestamp";
import { createHttpApp } from "../../src/http/index.js";
import { initWorkspace } from "../../src/workspace/workspace.js";
import { Registry } from "../../src/registry/registry.js";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_DEPARTMENT, SAMPLE_OPERATOR } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY } from "@elicence/test-support/registry-world";

const PASSPHRASE = "sm2 workspace passphrase";
const SM2 = ["SM2SM3"] as const;

describe("an all-SM2 workspace", () => {
  let registry: Registry;
  let trust: TrustList;
  let issuerKey: string;
  let operatorPem: string;
  let home: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "elicence-sm2-"));
    await initWorkspace(home, {
      passphrase: PASSPHRASE,
      now: new Date(),
      operator: SAMPLE_OPERATOR,
      departments: [SAMPLE_DEPARTMENT],
      licenceTypes: [BUSINESS_LICENCE, OPERATOR_CERTIFICATE],
      iterations: 1000,
      alg: "SM2SM3",
    });
    registry = await Registry.open({ home, db: `sqlite:${join(home, "registry.db")}`, passphrase: PASSPHRASE });
    issuerKey = (await registry.createApiKey({ department: SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: [BUSINESS_LICENCE.code] })).key;
    operatorPem = readFileSync(join(home, "pki", "operator.pem"), "utf8");
    trust = await verifyTrustList(await registry.public.trustList(), { at: new Date(), algorithms: SM2, operatorCertificates: [operatorPem] });
  });
  afterAll(async () => {
    await registry?.close();
  });

  it("signs its trust list with SM2, which the default allow-list refuses", async () => {
    const token = await registry.public.trustList();
    expect(JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()).alg).toBe("SM2SM3");
    await expect(verifyTrustList(token, { at: new Date(), algorithms: DEFAULT_ALGORITHMS, operatorCertificates: [operatorPem] })).rejects.toMatchObject({ code: "ERR_ALGORITHM_NOT_ALLOWED" });
  });

  it("signs licences on the worker pool with SM2: they PASS with SM2SM3 allowed, with SM2 status lists and tree heads", async () => {
    const issuer = await registry.session(issuerKey);
    registry.workerThreshold = 8;
    const items = Array.from({ length: 24 }, (_, i) => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name: `公司${i}` } }));
    const batch = await issuer.issueBatch({ requestId: "sm2-pool-1", items });
    expect(batch.errors).toEqual([]);
    expect(registry.signPool!.running).toBeGreaterThan(0);
    const token = await registry.public.statusList(0);
    const statusList = await verifyStatusListToken(token, { trustList: trust, at: new Date(), algorithms: SM2 });
    for (const r of [batch.issued[0]!, batch.issued.at(-1)!]) {
      const report = await verifyLicence(r.licence, { trustList: trust, at: new Date(), algorithms: SM2, statusLists: [statusList] });
      expect(report.indication).toBe("PASSED");
      expect(report.algorithm).toBe("SM2SM3");
      const refused = await verifyLicence(r.licence, { trustList: trust, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists: [statusList] });
      expect(refused.indication).toBe("FAILED");
    }
    const head = await registry.public.treeHead();
    await verifyTreeHead(head, trust, SM2);
    await expect(verifyTreeHead(head, trust, DEFAULT_ALGORITHMS)).rejects.toBeDefined();
  });

  it("its CA publishes SM2 revocation evidence over HTTP: GET /pki/crl and POST /pki/ocsp, signed SM3withSM2", async () => {
    const app = createHttpApp(registry);
    const root = parseCertificate(readFileSync(join(home, "pki", "root-ca.pem"), "utf8"));
    const dept = parseCertificate(readFileSync(join(home, "departments", SAMPLE_DEPARTMENT.code, "signing.pem"), "utf8"));
    const at = new Date(Date.now() + 2000);
    const crlRes = await app.request("/pki/crl");
    expect(crlRes.status).toBe(200);
    const crl = new Uint8Array(await crlRes.arrayBuffer());
    expect(await verifyCrl(crl, { certificate: dept, issuer: root, at })).toMatchObject({ ok: true, status: "good", source: "crl" });
    const request = buildOcspRequest({ certificate: dept, issuer: root });
    const ocspRes = await app.request("/pki/ocsp", { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: Buffer.from(request.der) });
    expect(ocspRes.status).toBe(200);
    const ocsp = new Uint8Array(await ocspRes.arrayBuffer());
    expect(await verifyOcspResponse(ocsp, { certificate: dept, issuer: root, at, nonce: request.nonce! })).toMatchObject({ ok: true, status: "good", source: "ocsp" });
    // SM3withSM2 (1.2.156.10197.1.501) with its parameters absent, as the CA's certificates are signed.
    const sm3WithSm2 = "300a06082a811ccf55018375";
    expect(Buffer.from(crl).toString("hex")).toContain(sm3WithSm2);
    expect(Buffer.from(ocsp).toString("hex")).toContain(sm3WithSm2);
  });

  it("time-stamps with an SM2 TSA and augments a licence to B-LTA with SM2 evidence only", async () => {
    const tsa = parseCertificate(readFileSync(join(home, "pki", "tsa.pem"), "utf8"));
    expect([tsa.publicKeyAlgorithm, tsa.signatureAlgorithm.oid]).toEqual(["SM2SM3", "1.2.156.10197.1.501"]);
    const issuer = await registry.session(issuerKey);
    const record = await issuer.issue({ requestId: "sm2-augment-1", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
    const lta = await issuer.augment(record.id, { level: "LTA", reason: "长期保存" });
    expect([lta.level, lta.added]).toEqual(["B-LTA", ["xVals", "rVals", "arcTst"]]);
    const report = await verifyJades(lta.archive as Record<string, unknown>, {
      trustAnchors: [readFileSync(join(home, "pki", "root-ca.pem"), "utf8")],
      certificates: [readFileSync(join(home, "departments", SAMPLE_DEPARTMENT.code, "signing.pem"), "utf8")],
      at: new Date(Date.now() + 60_000),
      algorithms: SM2,
      unprotectedMembers: ["disclosures"],
    });
    expect([report.indication, report.signatures[0]!.level]).toEqual(["PASSED", "B-LTA"]);
    const etsiU = (lta.archive.header as { etsiU: string[] }).etsiU.map((e) => JSON.parse(Buffer.from(e, "base64url").toString("utf8")) as Record<string, any>);
    const tokens = etsiU.flatMap((e) => [e.sigTst, e.arcTst].filter(Boolean)).map((t) => Buffer.from(t.tstTokens[0].val, "base64").toString("hex"));
    expect(tokens).toHaveLength(2);
    for (const token of tokens) expect(token).toContain("300a06082a811ccf55018375"); // SignerInfo: SM3withSM2
    // GM/T 0033: the message imprints are SM3 (the issue's sigTst and the augmentation's arcTst), not SHA-256.
    // No SHA-256 anywhere in an SM2 TSA's token (the only place it could be is the imprint's algorithm)…
    for (const token of tokens) expect(token).not.toContain("0609608648016503040201");
    // …and the signature time-stamp's imprint is the SM3 digest of the signature value.
    const sm3 = createHash("sm3").update(signatureTimestampData(lta.archive.signature as string)).digest("hex");
    expect(tokens[0]).toContain(`0420${sm3}`);
    const ocsp = etsiU.find((e) => e.rVals)!.rVals.ocspVals[0].val as string;
    expect(Buffer.from(ocsp, "base64").toString("hex")).toContain("300a06082a811ccf55018375");
  });
});
