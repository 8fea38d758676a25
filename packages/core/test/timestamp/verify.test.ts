import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTimestampRequest, readTimestampResponse, verifyTimestampToken } from "../../src/timestamp.js";
import { isLicenceError } from "../../src/errors/errors.js";
import { encodePem } from "../../src/encoding/pem.js";
import { scratch, type Scratch } from "../support/openssl.js";
import { createRoot, createLeaf, type Issued } from "../x509/fixtures.js";
import { buildToken } from "./token-builder.js";

const TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
const criticalTsaEku = (purposes = [TIME_STAMPING], critical = true) => [new x509.ExtendedKeyUsageExtension(purposes, critical)];
const DATA = new TextEncoder().encode("MEUCIQDxexampleSignatureValueInBase64url");
const AT = new Date("2025-06-02T00:00:00Z");

let root: Issued;
let tsa: Issued;
let other: Issued;
let dir: Scratch;

async function pkcs8Pem(issued: Issued): Promise<string> {
  const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", issued.key.keys.privateKey));
  return encodePem(der, "PRIVATE KEY");
}

beforeAll(async () => {
  root = await createRoot("CN=Test TSA Root,C=CN");
  tsa = await createLeaf(root, "CN=Test TSA,C=CN", { extra: criticalTsaEku() });
  other = await createLeaf(root, "CN=Someone Else,C=CN", { extra: criticalTsaEku() });
  dir = scratch();
  dir.write("tsa.pem", tsa.pem);
  dir.write("root.pem", root.pem);
  dir.write("tsa.key", await pkcs8Pem(tsa));
  dir.write("serial", "01\n");
  dir.write(
    "tsa.cnf",
    [
      "[ tsa ]",
      "default_tsa = tsa1",
      "[ tsa1 ]",
      "serial = ./serial",
      "signer_cert = ./tsa.pem",
      "certs = ./root.pem",
      "signer_key = ./tsa.key",
      "signer_digest = sha256",
      "default_policy = 1.3.6.1.4.1.55555.2.1",
      "digests = sha256, sha384, sha512",
      "accuracy = secs:1",
      "ess_cert_id_alg = sha256",
      "",
    ].join("\n"),
  );
});
afterAll(() => dir.remove());

const verify = (token: Uint8Array, extra: Partial<Parameters<typeof verifyTimestampToken>[1]> = {}) =>
  verifyTimestampToken(token, { data: DATA, trustAnchors: [root.der], at: AT, ...extra });

describe("tokens from a real OpenSSL TSA (openssl ts -reply)", () => {
  it("reads the reply to our request and verifies the token", async () => {
    const request = createTimestampRequest(DATA);
    dir.write("req.tsq", request.der);
    const r = dir.openssl(["ts", "-reply", "-config", "tsa.cnf", "-queryfile", "req.tsq", "-out", "resp.tsr"]);
    expect(r.status, r.stderr).toBe(0);
    const before = Date.now();
    const token = readTimestampResponse(new Uint8Array(dir.read("resp.tsr")), request);
    const result = await verifyTimestampToken(token, { data: DATA, trustAnchors: [root.der], at: new Date(), nonce: request.nonce });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(Math.abs(result.genTime.getTime() - before)).toBeLessThan(60_000);
    expect(result.tsa.sha256Hex).toBe(Buffer.from(await crypto.subtle.digest("SHA-256", tsa.der.slice().buffer)).toString("hex"));
    expect(result.path).toHaveLength(2);
    // OpenSSL itself agrees that the request and the reply match.
    const v = dir.openssl(["ts", "-verify", "-queryfile", "req.tsq", "-in", "resp.tsr", "-CAfile", "root.pem", "-untrusted", "tsa.pem"]);
    expect(v.status, v.stderr).toBe(0);
  });

  it("refuses the OpenSSL token for other data, another nonce and an untrusted root", async () => {
    const request = createTimestampRequest(DATA);
    dir.write("req2.tsq", request.der);
    expect(dir.openssl(["ts", "-reply", "-config", "tsa.cnf", "-queryfile", "req2.tsq", "-out", "resp2.tsr"]).status).toBe(0);
    const token = readTimestampResponse(new Uint8Array(dir.read("resp2.tsr")), request);
    const now = new Date();
    const other = new TextEncoder().encode("another signature");
    expect(await verifyTimestampToken(token, { data: other, trustAnchors: [root.der], at: now })).toMatchObject({ ok: false, code: "IMPRINT_MISMATCH" });
    expect(await verifyTimestampToken(token, { data: DATA, trustAnchors: [root.der], at: now, nonce: Uint8Array.of(1, 2, 3) })).toMatchObject({ ok: false, code: "NONCE_MISMATCH" });
    const stranger = await createRoot("CN=Stranger Root,C=CN");
    expect(await verifyTimestampToken(token, { data: DATA, trustAnchors: [stranger.der], at: now })).toMatchObject({ ok: false, code: "TSA_PATH_INVALID", pathCode: "PATH_NOT_FOUND" });
  });

  it("refuses a reply that does not answer the request", async () => {
    const asked = createTimestampRequest(DATA);
    const sent = createTimestampRequest(DATA);
    dir.write("req3.tsq", sent.der);
    expect(dir.openssl(["ts", "-reply", "-config", "tsa.cnf", "-queryfile", "req3.tsq", "-out", "resp3.tsr"]).status).toBe(0);
    expect(() => readTimestampResponse(new Uint8Array(dir.read("resp3.tsr")), asked)).toThrow(expect.objectContaining({ code: "ERR_TIMESTAMP_INVALID", details: { reason: "nonce" } }));
    const forOther = createTimestampRequest(new TextEncoder().encode("x"));
    expect(() => readTimestampResponse(new Uint8Array(dir.read("resp3.tsr")), { ...forOther, nonce: sent.nonce })).toThrow(
      expect.objectContaining({ details: { reason: "imprint" } }),
    );
  });
});

describe("verifyTimestampToken judges every part", () => {
  it("accepts a well-formed token and reports genTime with its fraction", async () => {
    const result = await verify(await buildToken({ data: DATA, tsa }));
    expect(result).toMatchObject({ ok: true, serialNumber: "1092", policy: "1.3.6.1.4.1.55555.2.1" });
    if (result.ok) expect(result.genTime.toISOString()).toBe("2025-06-01T00:00:00.500Z");
  });

  it("refuses other data, a wrong nonce and a missing nonce", async () => {
    const token = await buildToken({ data: DATA, tsa, nonce: Uint8Array.of(0x12, 0x34) });
    expect(await verify(token, { data: new TextEncoder().encode("other") })).toMatchObject({ ok: false, code: "IMPRINT_MISMATCH" });
    expect(await verify(token, { nonce: Uint8Array.of(0x12, 0x35) })).toMatchObject({ ok: false, code: "NONCE_MISMATCH" });
    expect(await verify(token, { nonce: Uint8Array.of(0x12, 0x34) })).toMatchObject({ ok: true });
    expect(await verify(await buildToken({ data: DATA, tsa }), { nonce: Uint8Array.of(1) })).toMatchObject({ ok: false, code: "NONCE_MISMATCH" });
  });

  it("refuses a token signed with an algorithm outside the caller's allow-list, and only then", async () => {
    const token = await buildToken({ data: DATA, tsa });
    expect(await verify(token, { algorithms: ["EdDSA", "SM2SM3"] })).toMatchObject({ ok: false, code: "ALGORITHM_NOT_ALLOWED" });
    expect(await verify(token, { algorithms: [] })).toMatchObject({ ok: false, code: "ALGORITHM_NOT_ALLOWED" });
    expect(await verify(token, { algorithms: ["ES256"] })).toMatchObject({ ok: true });
    await expect(verify(token, { algorithms: "ES256" as never })).rejects.toThrow(TypeError);
  });

  it("refuses a TSA certificate without the critical id-kp-timeStamping only", async () => {
    const noEku = await createLeaf(root, "CN=No EKU TSA,C=CN");
    const nonCritical = await createLeaf(root, "CN=Soft EKU TSA,C=CN", { extra: criticalTsaEku([TIME_STAMPING], false) });
    const twoPurposes = await createLeaf(root, "CN=Two EKU TSA,C=CN", { extra: criticalTsaEku([TIME_STAMPING, "1.3.6.1.5.5.7.3.4"]) });
    const wrongPurpose = await createLeaf(root, "CN=Mail TSA,C=CN", { extra: criticalTsaEku(["1.3.6.1.5.5.7.3.4"]) });
    for (const cert of [noEku, nonCritical, twoPurposes, wrongPurpose]) {
      expect(await verify(await buildToken({ data: DATA, tsa: cert }))).toMatchObject({ ok: false, code: "TSA_EXTENDED_KEY_USAGE" });
    }
    const encipherOnly = await createLeaf(root, "CN=KU TSA,C=CN", { keyUsage: x509.KeyUsageFlags.keyEncipherment, extra: criticalTsaEku() });
    expect(await verify(await buildToken({ data: DATA, tsa: encipherOnly }))).toMatchObject({ ok: false, code: "TSA_KEY_USAGE" });
  });

  it("refuses a wrong signer, a broken signature and a signer the attributes do not name", async () => {
    expect(await verify(await buildToken({ data: DATA, tsa, signWith: other }))).toMatchObject({ ok: false, code: "SIGNATURE_INVALID" });
    expect(await verify(await buildToken({ data: DATA, tsa, badSignature: true }))).toMatchObject({ ok: false, code: "SIGNATURE_INVALID" });
    expect(await verify(await buildToken({ data: DATA, tsa, essCert: other.der, carry: [tsa.der, other.der] }))).toMatchObject({ ok: false, code: "SIGNER_MISMATCH" });
    expect(await verify(await buildToken({ data: DATA, tsa, essCert: other.der }))).toMatchObject({ ok: false, code: "TSA_CERTIFICATE_NOT_FOUND" });
    expect(await verify(await buildToken({ data: DATA, tsa, carry: [] }))).toMatchObject({ ok: false, code: "TSA_CERTIFICATE_NOT_FOUND" });
    expect(await verify(await buildToken({ data: DATA, tsa, carry: [] }), { intermediates: [tsa.der] })).toMatchObject({ ok: true });
  });

  it("refuses extra SignerInfos, a missing ESS attribute, a wrong content type and a wrong message digest", async () => {
    expect(await verify(await buildToken({ data: DATA, tsa, signerInfos: 2 }))).toMatchObject({ ok: false, code: "MALFORMED" });
    expect(await verify(await buildToken({ data: DATA, tsa, signerInfos: 0 }))).toMatchObject({ ok: false, code: "MALFORMED" });
    expect(await verify(await buildToken({ data: DATA, tsa, noEss: true }))).toMatchObject({ ok: false, code: "MALFORMED" });
    expect(await verify(await buildToken({ data: DATA, tsa, contentType: "1.2.840.113549.1.7.1" }))).toMatchObject({ ok: false, code: "MALFORMED" });
    expect(await verify(await buildToken({ data: DATA, tsa, messageDigest: new Uint8Array(32) }))).toMatchObject({ ok: false, code: "MESSAGE_DIGEST_MISMATCH" });
  });

  it("reads genTime strictly and judges it against the TSA certificate and the verification time", async () => {
    for (const genTime of ["20250601000000.50Z", "20250601000000.Z", "20250601000000", "20251301000000Z", "250601000000Z"]) {
      expect(await verify(await buildToken({ data: DATA, tsa, genTime })), genTime).toMatchObject({ ok: false, code: "MALFORMED" });
    }
    expect(await verify(await buildToken({ data: DATA, tsa, genTime: "20250601000000.123456Z" }))).toMatchObject({ ok: true });
    expect(await verify(await buildToken({ data: DATA, tsa, genTime: "20400101000000Z" }))).toMatchObject({ ok: false, code: "GEN_TIME_OUTSIDE_TSA_VALIDITY" });
    expect(await verify(await buildToken({ data: DATA, tsa, genTime: "20260101000000Z" }))).toMatchObject({ ok: false, code: "GEN_TIME_IN_FUTURE" });
    expect(await verify(await buildToken({ data: DATA, tsa }), { at: new Date("2031-01-01T00:00:00Z") })).toMatchObject({
      ok: false,
      code: "TSA_PATH_INVALID",
      pathCode: "EXPIRED",
    });
  });

  it("never throws and never passes on truncated, mutated or oversized tokens", async () => {
    const token = await buildToken({ data: DATA, tsa });
    for (let n = 0; n < token.length; n += Math.max(1, Math.floor(token.length / 97))) {
      expect(await verify(token.subarray(0, n))).toMatchObject({ ok: false });
    }
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 200; i++) {
      const mutated = token.slice();
      mutated[Math.floor(rand() * mutated.length)]! ^= 1 << Math.floor(rand() * 8);
      expect((await verify(mutated)).ok).toBe(false);
    }
    expect(await verify(new Uint8Array(70_000))).toMatchObject({ ok: false, code: "TOO_LARGE" });
    expect(await verify(new Uint8Array(0))).toMatchObject({ ok: false, code: "MALFORMED" });
    const trailing = new Uint8Array(token.length + 1);
    trailing.set(token);
    expect(await verify(trailing)).toMatchObject({ ok: false, code: "MALFORMED" });
  });
});

describe("readTimestampResponse", () => {
  const request = createTimestampRequest(DATA);
  it("reports a rejection with its status and failure bits", () => {
    // TimeStampResp { status { rejection(2), failInfo badAlg } }
    const rejection = Uint8Array.of(0x30, 0x09, 0x30, 0x07, 0x02, 0x01, 0x02, 0x03, 0x02, 0x07, 0x80);
    try {
      readTimestampResponse(rejection, request);
      expect.unreachable();
    } catch (err) {
      expect(isLicenceError(err, "ERR_TIMESTAMP_INVALID")).toBe(true);
      expect((err as { details: unknown }).details).toEqual({ reason: "status", status: 2, failInfo: 128 });
    }
  });
  it("refuses garbage, a granted status without a token, and oversized bodies", () => {
    const reason = (der: Uint8Array) => {
      try {
        readTimestampResponse(der, request);
      } catch (err) {
        return isLicenceError(err, "ERR_TIMESTAMP_INVALID") ? err.details.reason : "other";
      }
      return "accepted";
    };
    expect(reason(new TextEncoder().encode("<html>"))).toBe("malformed");
    expect(reason(Uint8Array.of(0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x00))).toBe("token-missing");
    expect(reason(Uint8Array.of(0x30, 0x80, 0x30, 0x03, 0x02, 0x01, 0x00, 0, 0))).toBe("malformed");
    expect(reason(new Uint8Array(80_000))).toBe("too-large");
  });
  it("makes a DER request OpenSSL reads as SHA-256 with a nonce and certReq", () => {
    dir.write("q.tsq", request.der);
    const r = dir.openssl(["ts", "-query", "-in", "q.tsq", "-text"]);
    expect(r.status, r.stderr).toBe(0);
    const text = r.stdout.toString();
    expect(text).toContain("Hash Algorithm: sha256");
    expect(text).toContain("Certificate required: yes");
    expect(text).toMatch(/Nonce: 0x[0-9A-F]{16}/);
  });
});
