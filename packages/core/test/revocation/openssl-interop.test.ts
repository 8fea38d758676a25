/**
 * Interoperability with real OpenSSL: an `openssl ocsp` responder on loopback answers our requests;
 * `openssl ocsp` as a client accepts our responder's answers over HTTP; `openssl ca -gencrl` CRLs
 * are read by our code and ours by `openssl crl`; `openssl verify -crl_check_all` agrees with our
 * path validation on a revoked department certificate.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCrl, createOcspResponse, type DevPkiIssuer } from "@elicence/pki";
import { encodePem } from "../../src/encoding/pem.js";
import { buildOcspRequest } from "../../src/revocation/ocsp-request.js";
import { verifyOcspResponse } from "../../src/revocation/ocsp.js";
import { verifyCrl } from "../../src/revocation/crl.js";
import { validateCertificatePath } from "../../src/x509/path-validation.js";
import { scratch, type Scratch } from "../support/openssl.js";
import { DAY, HOUR, makeWorld, type RevocationWorld } from "./world.js";

let w: RevocationWorld;
let dir: Scratch;
const revokedAt = new Date("2026-05-01T08:00:00Z");

/** `YYMMDDHHMMSSZ`, as OpenSSL's index.txt writes times. */
function indexTime(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z";
}

function run(args: readonly string[], timeoutMs = 20_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("openssl", args, { cwd: dir.dir });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function keyPem(issuer: DevPkiIssuer): string {
  return encodePem(issuer.privateKeyPkcs8, "PRIVATE KEY");
}

beforeAll(async () => {
  w = await makeWorld();
  dir = scratch();
  dir.write("root.pem", w.root.certificatePem);
  dir.write("ca.pem", w.ca.certificatePem);
  dir.write("chain.pem", w.ca.certificatePem + w.root.certificatePem);
  dir.write("ca.key", keyPem(w.ca));
  dir.write("dept.pem", w.dept.certificatePem);
  dir.write("dept2.pem", w.dept2.certificatePem);
  const expiry = indexTime(new Date("2028-01-01T00:00:00Z"));
  const subject = "/C=CN/O=dept/CN=dept";
  dir.write(
    "index.txt",
    `R\t${expiry}\t${indexTime(revokedAt)},keyCompromise\t${w.certs.dept.serialNumber.toUpperCase()}\tunknown\t${subject}\n` +
      `V\t${expiry}\t\t${w.certs.dept2.serialNumber.toUpperCase()}\tunknown\t${subject}2\n`,
  );
  dir.write("index.txt.attr", "unique_subject = no\n");
  dir.write("crlnumber", "1000\n");
  dir.write(
    "ca.cnf",
    ["[ ca ]", "default_ca = CA_default", "[ CA_default ]", "database = index.txt", "crlnumber = crlnumber", "default_md = sha256", "default_crl_hours = 24", "crl_extensions = crl_ext", "[ crl_ext ]", "authorityKeyIdentifier = keyid:always", ""].join("\n"),
  );
}, 60_000);

afterAll(() => dir?.remove());

describe("OpenSSL OCSP responder, our client", () => {
  it("our requests (SHA-1 and SHA-256 CertIDs, nonce) are answered by `openssl ocsp -index` and verified by our code", async () => {
    const responder = spawn("openssl", ["ocsp", "-index", "index.txt", "-port", "0", "-rsigner", "ca.pem", "-rkey", "ca.key", "-CA", "ca.pem", "-ndays", "1", "-nrequest", "3"], { cwd: dir.dir });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        responder.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /ACCEPT \S*:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        responder.on("error", reject);
        responder.on("close", (code) => reject(new Error(`openssl ocsp exited with ${code}`)));
      });
      const ask = async (certificate = w.certs.dept, hash: "SHA-1" | "SHA-256" = "SHA-1") => {
        const request = buildOcspRequest({ certificate, issuer: w.certs.ca, hash });
        const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: Buffer.from(request.der) });
        const body = new Uint8Array(await res.arrayBuffer());
        return verifyOcspResponse(body, { certificate, issuer: w.certs.ca, at: new Date(Date.now() + 5000), nonce: request.nonce! });
      };
      expect(await ask()).toMatchObject({ ok: true, status: "revoked", source: "ocsp", revocationTime: revokedAt, reason: "keyCompromise" });
      expect(await ask(w.certs.dept, "SHA-256")).toMatchObject({ ok: true, status: "revoked", revocationTime: revokedAt });
      expect(await ask(w.certs.dept2)).toMatchObject({ ok: true, status: "good" });
    } finally {
      if (responder.exitCode === null) responder.kill();
    }
  });
});

describe("our OCSP responder, OpenSSL client", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const now = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
        const body = await createOcspResponse({
          ca: w.ca,
          ...(req.url === "/designated" ? { responder: w.responder } : {}),
          request: new Uint8Array(Buffer.concat(chunks)),
          status: (serial) => (serial === w.certs.dept.serialNumber ? { status: "revoked", revocationTime: revokedAt, reason: "keyCompromise" } : { status: "good" }),
          producedAt: now,
          thisUpdate: now,
          nextUpdate: new Date(now.getTime() + DAY),
        });
        res.writeHead(200, { "content-type": "application/ocsp-response" }).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const path of ["/", "/designated"]) {
    it(`\`openssl ocsp\` verifies our answers (nonce, signature, status) signed ${path === "/" ? "by the CA" : "by a designated responder"}`, async () => {
      const revoked = await run(["ocsp", "-issuer", "ca.pem", "-cert", "dept.pem", "-url", `http://127.0.0.1:${port}${path}`, "-CAfile", "chain.pem"]);
      expect(revoked.stderr).toContain("Response verify OK");
      expect(revoked.stdout).toContain("dept.pem: revoked");
      expect(revoked.stdout).toContain("Reason: keyCompromise");
      const good = await run(["ocsp", "-issuer", "ca.pem", "-cert", "dept2.pem", "-url", `http://127.0.0.1:${port}${path}`, "-CAfile", "chain.pem"]);
      expect(good.stderr).toContain("Response verify OK");
      expect(good.stdout).toContain("dept2.pem: good");
    });
  }
});

describe("CRLs both ways", () => {
  it("our code reads and verifies a CRL made by `openssl ca -gencrl`", async () => {
    const made = await run(["ca", "-config", "ca.cnf", "-gencrl", "-keyfile", "ca.key", "-cert", "ca.pem", "-out", "openssl-crl.pem"]);
    expect(made.status, made.stderr).toBe(0);
    const der = await run(["crl", "-in", "openssl-crl.pem", "-outform", "DER", "-out", "openssl-crl.der"]);
    expect(der.status, der.stderr).toBe(0);
    const bytes = new Uint8Array(dir.read("openssl-crl.der"));
    const at = new Date(Date.now() + 5000);
    expect(await verifyCrl(bytes, { certificate: w.certs.dept, issuer: w.certs.ca, at })).toMatchObject({ ok: true, status: "revoked", revocationTime: revokedAt, reason: "keyCompromise" });
    expect(await verifyCrl(bytes, { certificate: w.certs.dept2, issuer: w.certs.ca, at })).toMatchObject({ ok: true, status: "good" });
    expect(await verifyCrl(bytes, { certificate: w.certs.dept, issuer: w.certs.other, at })).toMatchObject({ ok: false, code: "EVIDENCE_WRONG_ISSUER" });
  });

  it("`openssl crl -CAfile` verifies our CRL, and `openssl verify -crl_check_all` agrees with our path validation", async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 - HOUR);
    const times = { thisUpdate: now, nextUpdate: new Date(now.getTime() + 7 * DAY) };
    const caCrl = await createCrl({ issuer: w.ca, ...times, crlNumber: 9, revoked: [{ serialNumber: w.certs.dept.serialNumber, revocationTime: revokedAt, reason: "keyCompromise" }] });
    const rootCrl = await createCrl({ issuer: w.root, ...times, crlNumber: 9, revoked: [] });
    dir.write("ours.pem", encodePem(caCrl, "X509 CRL") + encodePem(rootCrl, "X509 CRL"));
    dir.write("ours-ca.der", caCrl);
    const parsed = await run(["crl", "-inform", "DER", "-in", "ours-ca.der", "-CAfile", "chain.pem", "-noout", "-text"]);
    expect(parsed.stderr).toContain("verify OK");
    expect(parsed.stdout).toContain("CRL Number");
    expect(parsed.stdout).toContain("Key Compromise");

    const at = new Date();
    const opensslSays = async (cert: string) => run(["verify", "-crl_check_all", "-CRLfile", "ours.pem", "-CAfile", "root.pem", "-untrusted", "ca.pem", cert]);
    const revoked = await opensslSays("dept.pem");
    expect(revoked.status).not.toBe(0);
    expect(revoked.stdout + revoked.stderr).toContain("certificate revoked");
    const ours = await validateCertificatePath({ leaf: w.certs.dept, intermediates: [w.certs.ca], trustAnchors: [w.certs.root], at, revocation: { crls: [caCrl, rootCrl] } });
    expect(ours).toMatchObject({ ok: false, code: "REVOKED", revocationReason: "keyCompromise" });

    const good = await opensslSays("dept2.pem");
    expect(good.status, good.stderr).toBe(0);
    expect(await validateCertificatePath({ leaf: w.certs.dept2, intermediates: [w.certs.ca], trustAnchors: [w.certs.root], at, revocation: { crls: [caCrl, rootCrl] } })).toMatchObject({ ok: true });

    // Without the root's CRL both fail closed on the CA certificate.
    dir.write("ca-only.pem", encodePem(caCrl, "X509 CRL"));
    const missing = await run(["verify", "-crl_check_all", "-CRLfile", "ca-only.pem", "-CAfile", "root.pem", "-untrusted", "ca.pem", "dept2.pem"]);
    expect(missing.status).not.toBe(0);
    expect(missing.stdout + missing.stderr).toContain("unable to get certificate CRL");
    expect(await validateCertificatePath({ leaf: w.certs.dept2, intermediates: [w.certs.ca], trustAnchors: [w.certs.root], at, revocation: { crls: [caCrl] } })).toMatchObject({
      ok: false,
      code: "REVOCATION_UNKNOWN",
      index: 1,
    });
  });
});
