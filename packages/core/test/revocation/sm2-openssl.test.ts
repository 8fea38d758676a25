/**
 * SM2 revocation evidence against OpenSSL 3's real SM2, both ways.
 *
 * What OpenSSL 3.0 can and cannot check. Our CRLs and OCSP responses are signed under the
 * distinguishing identifier 1234567812345678 (GM/T 0009-2012 §10, as our SM2 certificates are).
 * OpenSSL 3.0 verifies a CRL (`X509_CRL_verify`) and an OCSP response (`OCSP_BASICRESP_verify`)
 * without passing any ID, so its SM2 falls back to its own default, the empty ID, and neither
 * `openssl crl` nor `openssl ocsp` has a `-vfyopt` to change that. On our evidence it says:
 *
 *   openssl crl -inform DER -in crl.der -CAfile root.pem -noout
 *     → "verify failure" (on stderr; exit status 0)
 *   openssl ocsp -respin resp.der -reqin req.der -CAfile root.pem -verify_other root.pem
 *     → "Response Verify Failure", "ASN1_item_verify_ctx:EVP lib", "ocsp_verify:signature failure"
 *       (exit status 1)
 *
 * So each piece of evidence is checked by OpenSSL in the parts it can reach: its structure and
 * content (`openssl crl -text`, `openssl ocsp -noverify`: status, reason, nonce, CertID); its
 * signature, with OpenSSL's SM2 under the right ID over the exact signed bytes (`openssl pkeyutl
 * -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678`); and the whole verification path
 * (`openssl crl -CAfile`, `openssl ocsp -CAfile`) on a copy OpenSSL re-signs under its empty ID —
 * the same bytes but for the signature, so the ID is the only thing OpenSSL's verify refuses.
 *
 * The other way, OpenSSL makes SM2 evidence with the right ID (`openssl ca -gencrl -sigopt
 * distid:…`, `openssl ocsp -index … -rsigopt distid:…`) from a PKI it made itself, and core
 * verifies it; a CRL OpenSSL signs under its default empty ID is refused by core.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCrl, createDepartmentCertificate, createOcspResponderCertificate, createOcspResponse, createRootCa, type DevPkiCertificate } from "@elicence/pki";
import { decodeDer, type DerNode } from "../../src/encoding/der.js";
import { encodeOctetString, encodeSequence, encodeTlv } from "../../src/encoding/der-write.js";
import { decodePem, encodePem } from "../../src/encoding/pem.js";
import { verifyCrl } from "../../src/revocation/crl.js";
import { buildOcspRequest } from "../../src/revocation/ocsp-request.js";
import { verifyOcspResponse } from "../../src/revocation/ocsp.js";
import { parseCertificate, type Certificate } from "../../src/x509/certificate.js";
import { validateCertificatePath } from "../../src/x509/path-validation.js";
import { scratch, type Scratch } from "../support/openssl.js";
import { DAY, HOUR } from "./world.js";

const DISTID = "distid:1234567812345678";
let tmp: Scratch;
let root: DevPkiCertificate;
let dept: DevPkiCertificate;
let dept2: DevPkiCertificate;
let responder: DevPkiCertificate;
let c: { root: Certificate; dept: Certificate; dept2: Certificate };
const revokedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 2 * HOUR);

const openssl = (args: readonly string[]) => tmp.opensslText(args);
const ok = (args: readonly string[]) => tmp.opensslOk(args);

/** The signed parts of SEQUENCE { tbs, algorithm, BIT STRING, ... }, and a way to re-sign it. */
function signed(der: Uint8Array): { tbs: Uint8Array; signature: Uint8Array; withSignature: (signature: Uint8Array) => Uint8Array } {
  const [tbs, alg, bits, ...rest] = decodeDer(der).children as DerNode[];
  return {
    tbs: tbs!.raw,
    signature: bits!.content.subarray(1),
    withSignature: (signature) => encodeSequence(tbs!.raw, alg!.raw, encodeTlv(0x03, Uint8Array.of(0, ...signature)), ...rest.map((n) => n.raw)),
  };
}

/** The BasicOCSPResponse inside an OCSPResponse, and a way to put a changed one back. */
function basicOf(response: Uint8Array): { basic: Uint8Array; wrap: (basic: Uint8Array) => Uint8Array } {
  const [status, bytes] = decodeDer(response).children as DerNode[];
  const [type, octets] = bytes!.children[0]!.children as DerNode[];
  return { basic: octets!.content, wrap: (basic) => encodeSequence(status!.raw, encodeTlv(0xa0, encodeSequence(type!.raw, encodeOctetString(basic)))) };
}

/** OpenSSL's SM2 checks `signature` over `data` with the public key of `certPem`, under the GM/T default ID. */
function opensslVerifies(name: string, data: Uint8Array, signature: Uint8Array, certPem: string): boolean {
  tmp.write(`${name}.cert.pem`, certPem);
  tmp.write(`${name}.pub`, ok(["x509", "-in", `${name}.cert.pem`, "-pubkey", "-noout"]));
  tmp.write(`${name}.tbs`, data);
  tmp.write(`${name}.sig`, signature);
  const r = openssl(["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID, "-pubin", "-inkey", `${name}.pub`, "-in", `${name}.tbs`, "-sigfile", `${name}.sig`]);
  return r.status === 0 && r.stdout.includes("Signature Verified Successfully");
}

/** OpenSSL re-signs `data` with `keyFile` under its own default SM2 ID (the empty one). */
function opensslSignsEmptyId(name: string, data: Uint8Array, keyFile: string): Uint8Array {
  tmp.write(`${name}.tbs`, data);
  ok(["pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-inkey", keyFile, "-in", `${name}.tbs`, "-out", `${name}.sig`]);
  return new Uint8Array(tmp.read(`${name}.sig`));
}

beforeAll(async () => {
  tmp = scratch();
  const notBefore = new Date(Date.now() - DAY);
  // As an SM2 workspace has it: the SM2 root issues the department certificates directly.
  root = await createRootCa({ commonName: "SM2 Interop Root", alg: "SM2SM3", notBefore });
  const department = { name: "示例市行政审批局", uscc: "11330100MB0000019K" };
  dept = await createDepartmentCertificate({ issuer: root, department, alg: "SM2SM3", notBefore });
  dept2 = await createDepartmentCertificate({ issuer: root, department, alg: "SM2SM3", notBefore });
  responder = await createOcspResponderCertificate({ issuer: root, commonName: "SM2 Interop OCSP", alg: "SM2SM3", notBefore });
  c = { root: parseCertificate(root.certificateDer), dept: parseCertificate(dept.certificateDer), dept2: parseCertificate(dept2.certificateDer) };
  tmp.write("root.pem", root.certificatePem);
  tmp.write("root.key", encodePem(root.privateKeyPkcs8, "PRIVATE KEY"));
  tmp.write("responder.pem", responder.certificatePem);
  tmp.write("responder.key", encodePem(responder.privateKeyPkcs8, "PRIVATE KEY"));
  tmp.write("dept.pem", dept.certificatePem);
  tmp.write("dept2.pem", dept2.certificatePem);
}, 60_000);
afterAll(() => tmp?.remove());

describe("our SM2 CRL in OpenSSL", () => {
  it("openssl crl reads it, OpenSSL's SM2 verifies its signature under the default ID, and openssl crl -CAfile verifies it but for the ID", async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 - HOUR);
    const crl = await createCrl({ issuer: root, thisUpdate: now, nextUpdate: new Date(now.getTime() + DAY), crlNumber: 77, revoked: [{ serialNumber: c.dept.serialNumber, revocationTime: revokedAt, reason: "keyCompromise" }] });
    tmp.write("crl.der", crl);
    const text = ok(["crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text"]);
    expect(text).toMatch(/Signature Algorithm: SM2-with-SM3/);
    expect(text).toContain("Key Compromise");
    expect(text).toMatch(/X509v3 CRL Number: \n\s+77/);
    expect(text).toContain(c.dept.serialNumber.toUpperCase());

    const { tbs, signature, withSignature } = signed(crl);
    expect(opensslVerifies("crl", tbs, signature, root.certificatePem)).toBe(true);
    const changed = tbs.slice();
    changed[changed.length - 1]! ^= 1;
    expect(opensslVerifies("crl-changed", changed, signature, root.certificatePem)).toBe(false);

    // Only the signature differs: OpenSSL's full CRL verification accepts everything else.
    tmp.write("crl-empty-id.der", withSignature(opensslSignsEmptyId("crl-empty-id", tbs, "root.key")));
    const theirs = openssl(["crl", "-inform", "DER", "-in", "crl-empty-id.der", "-CAfile", "root.pem", "-noout"]);
    expect(theirs.stderr).toContain("verify OK");
    expect(theirs.stderr).not.toContain("verify failure");
    // And core, which applies the GM/T ID, refuses that copy while it accepts ours.
    const target = { certificate: c.dept, issuer: c.root, at: new Date() };
    expect(await verifyCrl(crl, target)).toMatchObject({ ok: true, status: "revoked", reason: "keyCompromise" });
    expect(await verifyCrl(new Uint8Array(tmp.read("crl-empty-id.der")), target)).toMatchObject({ ok: false, code: "EVIDENCE_SIGNATURE_INVALID" });
  });
});

describe("our SM2 OCSP responses in OpenSSL", () => {
  for (const by of ["the SM2 CA", "a designated SM2 responder"] as const) {
    it(`signed by ${by}: openssl ocsp reads status, reason and nonce; OpenSSL's SM2 verifies the signature; openssl ocsp verifies it but for the ID`, async () => {
      const designated = by !== "the SM2 CA";
      const now = new Date(Math.floor(Date.now() / 1000) * 1000 - HOUR);
      const request = buildOcspRequest({ certificate: c.dept, issuer: c.root });
      const name = designated ? "designated" : "ca";
      tmp.write(`${name}.req`, request.der);
      const response = await createOcspResponse({
        ca: root,
        ...(designated ? { responder } : {}),
        request: request.der,
        status: (serial) => (serial === c.dept.serialNumber ? { status: "revoked", revocationTime: revokedAt, reason: "keyCompromise" } : { status: "good" }),
        producedAt: now,
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + DAY),
      });
      tmp.write(`${name}.resp`, response);
      const read = openssl(["ocsp", "-respin", `${name}.resp`, "-reqin", `${name}.req`, "-issuer", "root.pem", "-cert", "dept.pem", "-noverify", "-resp_text"]);
      expect(read.status, read.stderr).toBe(0);
      expect(read.stdout).toContain("dept.pem: revoked");
      expect(read.stdout).toContain("Reason: keyCompromise");
      expect(read.stdout).toMatch(/Signature Algorithm: SM2-with-SM3/);

      const { basic, wrap } = basicOf(response);
      const { tbs, signature, withSignature } = signed(basic);
      expect(opensslVerifies(`${name}-ocsp`, tbs, signature, designated ? responder.certificatePem : root.certificatePem)).toBe(true);

      // Re-signed by OpenSSL under its empty ID: `openssl ocsp` verifies the whole response against
      // our request (-reqin: the nonce must be echoed; -cert would make a new request with another
      // nonce). A designated responder is trusted with -VAfile: OpenSSL would check its SM2-signed
      // certificate against the root under the empty ID too, and refuse it for the same reason.
      tmp.write(`${name}-empty-id.resp`, wrap(withSignature(opensslSignsEmptyId(`${name}-empty-id`, tbs, designated ? "responder.key" : "root.key"))));
      const verified = openssl(["ocsp", "-respin", `${name}-empty-id.resp`, "-reqin", `${name}.req`, "-CAfile", "root.pem", ...(designated ? ["-VAfile", "responder.pem"] : ["-verify_other", "root.pem"])]);
      expect(verified.stderr).toContain("Response verify OK");
      expect(verified.stderr + verified.stdout).not.toContain("Nonce Verify error");
      expect(await verifyOcspResponse(response, { certificate: c.dept, issuer: c.root, at: new Date(), nonce: request.nonce! })).toMatchObject({ ok: true, status: "revoked" });
    });
  }
});

describe("SM2 evidence made by OpenSSL, verified by core", () => {
  let ossl: { ca: Certificate; dept: Certificate };
  beforeAll(() => {
    // A PKI OpenSSL makes itself: an SM2 root and an SM2 department certificate, SM3withSM2 under the default ID.
    ok(["genpkey", "-algorithm", "SM2", "-out", "ossl-ca.key"]);
    ok(["req", "-x509", "-new", "-key", "ossl-ca.key", "-sm3", "-sigopt", DISTID, "-subj", "/C=CN/CN=OpenSSL SM2 CA", "-days", "30", "-out", "ossl-ca.pem"]);
    ok(["genpkey", "-algorithm", "SM2", "-out", "ossl-dept.key"]);
    ok(["req", "-new", "-key", "ossl-dept.key", "-sm3", "-sigopt", DISTID, "-subj", "/C=CN/CN=OpenSSL SM2 Dept", "-out", "ossl-dept.csr"]);
    tmp.write("ossl-dept.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
    ok(["x509", "-req", "-in", "ossl-dept.csr", "-vfyopt", DISTID, "-CA", "ossl-ca.pem", "-CAkey", "ossl-ca.key", "-set_serial", "0x1234ABCD", "-sm3", "-sigopt", DISTID, "-extfile", "ossl-dept.ext", "-days", "30", "-out", "ossl-dept.pem"]);
    const indexTime = (d: Date) => d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z";
    tmp.write("ossl-index.txt", `R\t${indexTime(new Date(Date.now() + 30 * DAY))}\t${indexTime(revokedAt)},keyCompromise\t1234ABCD\tunknown\t/C=CN/CN=OpenSSL SM2 Dept\n`);
    tmp.write("ossl-index.txt.attr", "unique_subject = no\n");
    tmp.write("ossl-crlnumber", "1000\n");
    tmp.write(
      "ossl-ca.cnf",
      ["[ ca ]", "default_ca = CA_default", "[ CA_default ]", "database = ossl-index.txt", "crlnumber = ossl-crlnumber", "default_md = sm3", "default_crl_hours = 24", "crl_extensions = crl_ext", "[ crl_ext ]", "authorityKeyIdentifier = keyid:always", ""].join("\n"),
    );
    ossl = { ca: parseCertificate(decodePem(tmp.read("ossl-ca.pem").toString())), dept: parseCertificate(decodePem(tmp.read("ossl-dept.pem").toString())) };
  });

  it("a CRL from openssl ca -gencrl -sigopt distid:1234567812345678: revoked, in verifyCrl and in path validation", async () => {
    ok(["ca", "-config", "ossl-ca.cnf", "-gencrl", "-keyfile", "ossl-ca.key", "-cert", "ossl-ca.pem", "-sigopt", DISTID, "-out", "ossl-crl.pem"]);
    const crl = decodePem(tmp.read("ossl-crl.pem").toString(), { label: "X509 CRL" });
    const at = new Date(Date.now() + 5000);
    expect(await verifyCrl(crl, { certificate: ossl.dept, issuer: ossl.ca, at })).toMatchObject({ ok: true, status: "revoked", revocationTime: revokedAt, reason: "keyCompromise" });
    expect(await validateCertificatePath({ leaf: ossl.dept, trustAnchors: [ossl.ca], at, revocation: { crls: [crl] } })).toMatchObject({ ok: false, code: "REVOKED", revocationReason: "keyCompromise" });
    expect(await validateCertificatePath({ leaf: ossl.dept, trustAnchors: [ossl.ca], at })).toMatchObject({ ok: true });
  });

  it("a CRL OpenSSL signs under its default (empty) ID is refused: core applies GM/T 0009's ID", async () => {
    ok(["ca", "-config", "ossl-ca.cnf", "-gencrl", "-keyfile", "ossl-ca.key", "-cert", "ossl-ca.pem", "-out", "ossl-crl-empty-id.pem"]);
    expect(openssl(["crl", "-in", "ossl-crl-empty-id.pem", "-CAfile", "ossl-ca.pem", "-noout"]).stderr).toContain("verify OK");
    const crl = decodePem(tmp.read("ossl-crl-empty-id.pem").toString(), { label: "X509 CRL" });
    expect(await verifyCrl(crl, { certificate: ossl.dept, issuer: ossl.ca, at: new Date(Date.now() + 5000) })).toMatchObject({ ok: false, code: "EVIDENCE_SIGNATURE_INVALID" });
  });

  it("an OCSP response from openssl ocsp -index -rsigopt distid:1234567812345678 to our request: revoked, nonce echoed", async () => {
    const request = buildOcspRequest({ certificate: ossl.dept, issuer: ossl.ca, hash: "SHA-256" });
    tmp.write("ossl-ocsp.req", request.der);
    ok(["ocsp", "-index", "ossl-index.txt", "-CA", "ossl-ca.pem", "-rsigner", "ossl-ca.pem", "-rkey", "ossl-ca.key", "-rsigopt", DISTID, "-reqin", "ossl-ocsp.req", "-respout", "ossl-ocsp.resp", "-ndays", "1"]);
    const response = new Uint8Array(tmp.read("ossl-ocsp.resp"));
    expect(await verifyOcspResponse(response, { certificate: ossl.dept, issuer: ossl.ca, at: new Date(Date.now() + 5000), nonce: request.nonce! })).toMatchObject({
      ok: true,
      status: "revoked",
      revocationTime: revokedAt,
      reason: "keyCompromise",
    });
  });
});
