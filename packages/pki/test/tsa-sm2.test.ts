/**
 * The development TSA with an SM2 key (an SM2 workspace's built-in TSA) against OpenSSL 3's SM2.
 *
 * Our SM2 tokens are RFC 3161 tokens whose SignerInfo names SM3 as digestAlgorithm (GM/T 0010-2012
 * §8.2) and SM3withSM2 as signatureAlgorithm, signed with SM2 over SM3(ZA ‖ signed attributes)
 * under the default distinguishing identifier 1234567812345678 (GB/T 32918.2-2016 §6.1,
 * GM/T 0009-2012 §10).
 *
 * What OpenSSL 3.0 can and cannot check:
 * - `openssl ts -verify` cannot verify a conformant SM2 token. Its PKCS#7 path hashes the signed
 *   attributes with the digest algorithm and checks the SM2 signature on that hash alone, without
 *   ZA: on our token it says "PKCS7_signatureVerify:signature failure" then
 *   "TS_RESP_verify_signature:signature failure" ("Verification: FAILED"). (It also checks the
 *   SM2-signed TSA certificate under its empty default ID, "certificate signature failure", so the
 *   TSA certificate is given as the trust anchor with -partial_chain.) A token OpenSSL signs itself
 *   over SM3(attributes) without ZA passes every `ts -verify` check — imprint, nonce, ESS
 *   signing-certificate-v2, the TSA's extended key usage — which shows that all but the
 *   signature formula is what OpenSSL expects; core refuses that token, as GB/T 32918.2 requires.
 * - `openssl cms -verify` computes ZA, but under OpenSSL 3.0's empty default ID and with no option to
 *   set another: on our token, "CMS_SignerInfo_verify:verification failure". The same token signed
 *   by OpenSSL under its empty ID is accepted ("CMS Verification successful"): the ID is the only
 *   difference.
 * - OpenSSL's SM2 verifies our token's signature under the right ID (`openssl pkeyutl -verify
 *   -rawin -digest sm3 -pkeyopt distid:1234567812345678`), `openssl dgst -sm3` gives its
 *   message-digest, `openssl ts -reply -text` and `openssl cms -cmsout -print` read it.
 * - OpenSSL 3.0 cannot make an SM2 token to check the other way: `openssl ts -reply` with an SM2 key
 *   fails with "PKCS7_SIGNER_INFO_set:signing not supported for this key type", and `openssl cms
 *   -sign` with one with "asn1_template_ex_i2d:illegal zero content".
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTimestampRequest, parseTimestampRequest, readTimestampResponse, verifyTimestampToken } from "@elicence/core/timestamp";
import { encodePem } from "@elicence/core/encoding";
import { parseTimestampToken } from "../../core/src/timestamp/token.js";
import { ecdsaDerToP1363 } from "../../core/src/x509/signature.js";
import { createRootCa, createTimestampAuthority, createTsaCertificate, DEV_TSA_POLICY, type DevPkiCertificate, type TimestampAuthority } from "../src/index.js";
import { createTokenWriter } from "../src/tsa-token.js";
import { scratch, type Scratch } from "../../core/test/support/openssl.js";

const DISTID = "distid:1234567812345678";
const NOT_BEFORE = new Date(Date.now() - 86_400_000);
const DATA = new TextEncoder().encode("the signature value of an SM2 licence, base64url");

let tmp: Scratch;
let root: DevPkiCertificate;
let tsaCert: DevPkiCertificate;
let tsa: TimestampAuthority;

const openssl = (args: readonly string[]) => tmp.opensslText(args);
const ok = (args: readonly string[]) => tmp.opensslOk(args);

/** A token for DATA from the DER writer, signed by `sign` (r‖s) instead of the TSA's own signer. */
async function tokenSignedBy(sign: (data: Uint8Array) => Uint8Array): Promise<{ token: Uint8Array; query: Uint8Array }> {
  const request = createTimestampRequest(DATA);
  const write = createTokenWriter({ certificateDer: tsaCert.certificateDer, chainDer: [], alg: "SM2SM3", signer: { alg: "SM2SM3", sign }, policy: DEV_TSA_POLICY });
  return { token: await write(parseTimestampRequest(request.der), Uint8Array.of(0x42), new Date()), query: request.der };
}

/** OpenSSL's SM2 signs `data` as told, the DER signature turned into r‖s for the writer. */
function opensslSigner(name: string, args: readonly string[], digestFirst = false): (data: Uint8Array) => Uint8Array {
  return (data) => {
    tmp.write(`${name}.data`, data);
    if (digestFirst) ok(["dgst", "-sm3", "-binary", "-out", `${name}.in`, `${name}.data`]);
    const r = spawnSync("openssl", ["pkeyutl", "-sign", "-inkey", "tsa.key", ...args, "-in", `${name}.${digestFirst ? "in" : "data"}`], { cwd: tmp.dir });
    if (r.status !== 0) throw new Error(r.stderr.toString());
    return ecdsaDerToP1363(new Uint8Array(r.stdout), "SM2SM3")!;
  };
}

beforeAll(async () => {
  tmp = scratch();
  root = await createRootCa({ commonName: "SM2 TSA Interop Root", alg: "SM2SM3", notBefore: NOT_BEFORE });
  tsaCert = await createTsaCertificate({ issuer: root, commonName: "SM2 TSA Interop", alg: "SM2SM3", notBefore: NOT_BEFORE });
  tsa = await createTimestampAuthority({ certificatePem: tsaCert.certificatePem, privateKeyPkcs8: tsaCert.privateKeyPkcs8, alg: "SM2SM3", chainPem: [root.certificatePem] });
  tmp.write("root.pem", root.certificatePem);
  tmp.write("tsa.pem", tsaCert.certificatePem);
  tmp.write("tsa.key", encodePem(tsaCert.privateKeyPkcs8, "PRIVATE KEY"));
  tmp.write("tsa.pub", ok(["x509", "-in", "tsa.pem", "-pubkey", "-noout"]));
  tmp.write("data.bin", DATA);
});
afterAll(() => tmp?.remove());

describe("SM2 time-stamp tokens in OpenSSL", () => {
  it("OpenSSL reads the reply and the token, its SM2 verifies the signature under the default ID, and its SM3 gives the message digest", async () => {
    const request = createTimestampRequest(DATA);
    const reply = await tsa.respond(request.der);
    const token = readTimestampResponse(reply, request);
    expect(await verifyTimestampToken(token, { data: DATA, trustAnchors: [root.certificateDer], at: new Date(), nonce: request.nonce })).toMatchObject({ ok: true });
    tmp.write("reply.tsr", reply);
    tmp.write("token.der", token);
    const text = ok(["ts", "-reply", "-in", "reply.tsr", "-text"]);
    expect(text).toContain("Status: Granted.");
    expect(text).toContain("Hash Algorithm: sha256");
    const cms = ok(["cms", "-cmsout", "-print", "-inform", "DER", "-in", "token.der"]);
    expect(cms).toMatch(/digestAlgorithm: \n\s+algorithm: sm3 \(1\.2\.156\.10197\.1\.401\)/);
    expect(cms).toMatch(/signatureAlgorithm: \n\s+algorithm: SM2-with-SM3 \(1\.2\.156\.10197\.1\.501\)/);

    const parsed = parseTimestampToken(token);
    tmp.write("attrs.der", parsed.signedAttributes);
    tmp.write("token.sig", parsed.signature);
    const checked = openssl(["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID, "-pubin", "-inkey", "tsa.pub", "-in", "attrs.der", "-sigfile", "token.sig"]);
    expect(checked.stdout).toContain("Signature Verified Successfully");
    const emptyId = openssl(["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", "tsa.pub", "-in", "attrs.der", "-sigfile", "token.sig"]);
    expect(emptyId.status).not.toBe(0);
    tmp.write("tstinfo.der", parsed.eContent);
    ok(["dgst", "-sm3", "-binary", "-out", "tstinfo.sm3", "tstinfo.der"]);
    expect(new Uint8Array(tmp.read("tstinfo.sm3"))).toEqual(parsed.messageDigest);
    // The TSA certificate is one OpenSSL accepts for time-stamping, under the root's SM2 signature.
    const cert = openssl(["verify", "-purpose", "timestampsign", "-vfyopt", DISTID, "-CAfile", "root.pem", "tsa.pem"]);
    expect(cert.stdout, cert.stderr).toContain("tsa.pem: OK");
  });

  it("openssl cms -verify accepts the token signed under OpenSSL's own ID: the ID is the only difference", async () => {
    const { token } = await tokenSignedBy(opensslSigner("cms-empty-id", ["-rawin", "-digest", "sm3"]));
    tmp.write("cms-empty-id.der", token);
    const verified = openssl(["cms", "-verify", "-inform", "DER", "-in", "cms-empty-id.der", "-CAfile", "tsa.pem", "-partial_chain", "-purpose", "any", "-binary", "-out", "cms-empty-id.out"]);
    expect(verified.stderr).toContain("CMS Verification successful");
    expect(new Uint8Array(tmp.read("cms-empty-id.out"))).toEqual(parseTimestampToken(token).eContent);
    // Core applies GM/T 0009's ID: the same token is refused.
    expect(await verifyTimestampToken(token, { data: DATA, trustAnchors: [root.certificateDer], at: new Date() })).toMatchObject({ ok: false, code: "SIGNATURE_INVALID" });
    // And a token signed by OpenSSL under the default ID, as ours are, verifies in core.
    const { token: same } = await tokenSignedBy(opensslSigner("cms-default-id", ["-rawin", "-digest", "sm3", "-pkeyopt", DISTID]));
    expect(await verifyTimestampToken(same, { data: DATA, trustAnchors: [root.certificateDer], at: new Date() })).toMatchObject({ ok: true });
  });

  it("openssl ts -verify passes every other check on a token whose signature is over SM3(attributes) without ZA; core refuses that one", async () => {
    const { token, query } = await tokenSignedBy(opensslSigner("no-za", [], true));
    tmp.write("no-za.der", token);
    tmp.write("no-za.tsq", query);
    for (const args of [["-queryfile", "no-za.tsq"], ["-data", "data.bin"]]) {
      const v = openssl(["ts", "-verify", ...args, "-in", "no-za.der", "-token_in", "-CAfile", "tsa.pem", "-partial_chain"]);
      expect(v.stdout, v.stderr).toContain("Verification: OK");
    }
    expect(await verifyTimestampToken(token, { data: DATA, trustAnchors: [root.certificateDer], at: new Date() })).toMatchObject({ ok: false, code: "SIGNATURE_INVALID" });
  });

  it("answers OpenSSL's own request with an SM3 imprint; core checks the imprint with SM3", async () => {
    ok(["ts", "-query", "-data", "data.bin", "-sm3", "-cert", "-out", "sm3.tsq"]);
    const reply = await tsa.respond(new Uint8Array(tmp.read("sm3.tsq")));
    tmp.write("sm3.tsr", reply);
    expect(ok(["ts", "-reply", "-in", "sm3.tsr", "-text"])).toContain("Hash Algorithm: sm3");
    ok(["ts", "-reply", "-in", "sm3.tsr", "-token_out", "-out", "sm3.tok"]);
    const token = new Uint8Array(tmp.read("sm3.tok"));
    expect(parseTimestampToken(token).tstInfo.imprintHash).toBe("SM3");
    expect(await verifyTimestampToken(token, { data: DATA, trustAnchors: [root.certificateDer], at: new Date() })).toMatchObject({ ok: true });
  });
});
