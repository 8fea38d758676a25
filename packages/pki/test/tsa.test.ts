import "reflect-metadata";
import { createServer, type Server } from "node:http";
import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pkijs from "pkijs";
import * as asn1js from "asn1js";
import { createRootCa, createTsaCertificate, createTimestampAuthority, createDepartmentCertificate, type DevPkiCertificate, type TimestampAuthority } from "../src/index.js";
import { createTimestampRequest, readTimestampResponse, verifyTimestampToken } from "@elicence/core/timestamp";
import { encodePem } from "@elicence/core/encoding";
import { parseCertificate } from "@elicence/core/x509";
import { scratch, type Scratch } from "../../core/test/support/openssl.js";

const NOT_BEFORE = new Date("2025-01-01T00:00:00.000Z");
const NOW = new Date("2026-03-01T12:00:00.250Z");
const DATA = new TextEncoder().encode("lIbFQjeq3n2vXK2ZpYc0Uu8xX0bS6i0kWQhN1yHc4u4zT5o0oKJ8pQ");

let tmp: Scratch;
let root: DevPkiCertificate;
let tsaCert: DevPkiCertificate;
let tsa: TimestampAuthority;

beforeAll(async () => {
  tmp = scratch();
  root = await createRootCa({ commonName: "eLicence Test Root", notBefore: NOT_BEFORE });
  tsaCert = await createTsaCertificate({ issuer: root, commonName: "eLicence Test TSA", notBefore: NOT_BEFORE });
  tsa = await createTimestampAuthority({ certificatePem: tsaCert.certificatePem, privateKeyPkcs8: tsaCert.privateKeyPkcs8, alg: "ES256", clock: () => NOW });
  tmp.write("root.pem", root.certificatePem);
  tmp.write("tsa.pem", tsaCert.certificatePem);
});
afterAll(() => tmp.remove());

describe("createTsaCertificate", () => {
  it("has the critical id-kp-timeStamping only and outlives a department certificate", async () => {
    const cert = parseCertificate(tsaCert.certificateDer);
    expect(cert.extendedKeyUsage).toEqual(["1.3.6.1.5.5.7.3.8"]);
    expect(cert.extensions.find((e) => e.oid === "2.5.29.37")?.critical).toBe(true);
    expect(cert.basicConstraints?.ca).toBe(false);
    const department = await createDepartmentCertificate({ issuer: root, department: { name: "Test Bureau", uscc: "11350200MB0351234X" }, notBefore: NOT_BEFORE });
    expect(cert.notAfter.getTime()).toBeGreaterThan(parseCertificate(department.certificateDer).notAfter.getTime());
    // OpenSSL agrees the certificate may time-stamp.
    const r = tmp.openssl(["verify", "-purpose", "timestampsign", "-attime", String(NOW.getTime() / 1000 | 0), "-CAfile", "root.pem", "tsa.pem"]);
    expect(r.status, r.stderr).toBe(0);
  });
});

describe("the development TSA", () => {
  it("answers a request with a token that core verifies and OpenSSL accepts (openssl ts -verify)", async () => {
    const request = createTimestampRequest(DATA);
    const reply = await tsa.respond(request.der);
    const token = readTimestampResponse(reply, request);
    const result = await verifyTimestampToken(token, { data: DATA, trustAnchors: [root.certificateDer], at: NOW, nonce: request.nonce });
    expect(result).toMatchObject({ ok: true, policy: "1.3.6.1.4.1.99999.2.1" });
    if (result.ok) expect(result.genTime.toISOString()).toBe(NOW.toISOString());
    tmp.write("req.tsq", request.der);
    tmp.write("resp.tsr", reply);
    tmp.write("data.bin", DATA);
    const attime = String(Math.floor(NOW.getTime() / 1000));
    for (const args of [
      ["-queryfile", "req.tsq", "-in", "resp.tsr"],
      ["-data", "data.bin", "-in", "resp.tsr"],
    ]) {
      const v = tmp.openssl(["ts", "-verify", ...args, "-CAfile", "root.pem", "-attime", attime]);
      expect(v.status, v.stderr).toBe(0);
      expect(v.stdout.toString()).toContain("Verification: OK");
    }
    // And its text form says what we put in.
    const text = tmp.openssl(["ts", "-reply", "-in", "resp.tsr", "-text"]).stdout.toString();
    expect(text).toContain("Status: Granted.");
    expect(text).toContain("Hash Algorithm: sha256");
  });

  it("signs with ESS signing-certificate-v2 (pkijs reads the token as an oracle)", async () => {
    const request = createTimestampRequest(DATA);
    const token = readTimestampResponse(await tsa.respond(request.der), request);
    const info = pkijs.ContentInfo.fromBER(token.slice().buffer);
    const sd = new pkijs.SignedData({ schema: info.content });
    expect(sd.signerInfos).toHaveLength(1);
    const types = sd.signerInfos[0]!.signedAttrs!.attributes.map((a) => a.type);
    expect(types).toContain("1.2.840.113549.1.9.16.2.47");
    expect(types).not.toContain("1.2.840.113549.1.9.16.2.12");
    expect(sd.certificates).toHaveLength(1);
    // certReq false: no certificate in the token.
    const bare = createTimestampRequest(DATA, { certReq: false });
    const bareToken = readTimestampResponse(await tsa.respond(bare.der), bare);
    expect(new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(bareToken.slice().buffer).content }).certificates ?? []).toHaveLength(0);
    expect(await verifyTimestampToken(bareToken, { data: DATA, trustAnchors: [root.certificateDer], at: NOW })).toMatchObject({ ok: false, code: "TSA_CERTIFICATE_NOT_FOUND" });
    expect(await verifyTimestampToken(bareToken, { data: DATA, trustAnchors: [root.certificateDer], intermediates: [tsaCert.certificateDer], at: NOW })).toMatchObject({ ok: true });
  });

  it("answers OpenSSL's own request (openssl ts -query)", async () => {
    const q = tmp.openssl(["ts", "-query", "-data", "data.bin", "-sha512", "-cert", "-out", "ossl.tsq"]);
    expect(q.status, q.stderr).toBe(0);
    tmp.write("ossl.tsr", await tsa.respond(new Uint8Array(tmp.read("ossl.tsq"))));
    const v = tmp.openssl(["ts", "-verify", "-queryfile", "ossl.tsq", "-in", "ossl.tsr", "-CAfile", "root.pem", "-attime", String(Math.floor(NOW.getTime() / 1000))]);
    expect(v.status, v.stderr).toBe(0);
  });

  it("rejects an unsupported hash and another policy with a TimeStampResp, and garbage with a coded error", async () => {
    const sha1 = tmp.openssl(["ts", "-query", "-data", "data.bin", "-sha1", "-out", "sha1.tsq"]);
    expect(sha1.status, sha1.stderr).toBe(0);
    const request = createTimestampRequest(DATA);
    const answer = await tsa.respond(new Uint8Array(tmp.read("sha1.tsq")));
    expect(() => readTimestampResponse(answer, request)).toThrow(expect.objectContaining({ details: { reason: "status", status: 2, failInfo: 128 } }));
    const otherPolicy = createTimestampRequest(DATA, { policy: "1.2.3.4" });
    expect(() => readTimestampResponse(new Uint8Array(0), otherPolicy)).toThrow();
    const refused = await tsa.respond(otherPolicy.der);
    expect(() => readTimestampResponse(refused, otherPolicy)).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: "status", status: 2 }) }));
    await expect(tsa.respond(new TextEncoder().encode("not a request"))).rejects.toMatchObject({ code: "ERR_INPUT_MALFORMED" });
    await expect(tsa.respond(new Uint8Array(5000))).rejects.toMatchObject({ code: "ERR_INPUT_TOO_LARGE" });
    const trailing = new Uint8Array(request.der.length + 2);
    trailing.set(request.der);
    await expect(tsa.respond(trailing)).rejects.toMatchObject({ code: "ERR_INPUT_MALFORMED" });
    const v2 = new asn1js.Sequence({ value: [new asn1js.Integer({ value: 2 })] }).toBER();
    await expect(tsa.respond(new Uint8Array(v2))).rejects.toMatchObject({ code: "ERR_INPUT_MALFORMED" });
  });
});

describe("our client against a real OpenSSL TSA over HTTP", () => {
  let server: Server;
  let url: string;
  let served = 0;
  beforeAll(async () => {
    tmp.write("tsa.key", encodePem(tsaCert.privateKeyPkcs8, "PRIVATE KEY"));
    tmp.write("serial", "01\n");
    tmp.write(
      "tsa.cnf",
      ["[ tsa ]", "default_tsa = t", "[ t ]", "serial = ./serial", "signer_cert = ./tsa.pem", "certs = ./root.pem", "signer_key = ./tsa.key", "signer_digest = sha256", "default_policy = 1.2.3.4.1", "digests = sha256", "ess_cert_id_alg = sha256", ""].join("\n"),
    );
    // The loopback wrapper: RFC 3161 over HTTP in front of `openssl ts -reply`.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.method !== "POST" || req.headers["content-type"] !== "application/timestamp-query") {
          res.writeHead(415).end();
          return;
        }
        const n = ++served;
        tmp.write(`http-${n}.tsq`, Buffer.concat(chunks));
        const r = spawnSync("openssl", ["ts", "-reply", "-config", "tsa.cnf", "-queryfile", `http-${n}.tsq`, "-out", `http-${n}.tsr`], { cwd: tmp.dir });
        if (r.status !== 0) res.writeHead(500).end();
        else res.writeHead(200, { "content-type": "application/timestamp-reply" }).end(tmp.read(`http-${n}.tsr`));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("gets tokens over HTTP and verifies them", async () => {
    for (let i = 0; i < 3; i++) {
      const data = new TextEncoder().encode(`signature ${i}`);
      const request = createTimestampRequest(data);
      const reply = await fetch(url, { method: "POST", headers: { "content-type": "application/timestamp-query" }, body: request.der.slice().buffer });
      expect(reply.headers.get("content-type")).toBe("application/timestamp-reply");
      const token = readTimestampResponse(new Uint8Array(await reply.arrayBuffer()), request);
      const result = await verifyTimestampToken(token, { data, trustAnchors: [root.certificateDer], at: new Date(), nonce: request.nonce });
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true, policy: "1.2.3.4.1" });
    }
  });
});
