/**
 * SM2 certificates from the development PKI: SM3withSM2-signed roots, issuing CAs, department,
 * service (trust list, status list, log) certificates; checked by core's path validation and by
 * `openssl verify` (OpenSSL's own SM2, default distinguishing identifier), and mixed chains (an ES256
 * root over an SM2 department, an SM2 root over an ES256 department).
 */
import "reflect-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDepartmentCertificate, createIssuingCa, createRootCa, createServiceCertificate, type DevPkiCertificate } from "../src/index.js";
import { LicenceError, type JwsAlgorithm } from "@elicence/core";
import { parseCertificate, validateCertificatePath } from "@elicence/core/x509";
import { createKeySigner, verifySignature } from "@elicence/core/jws";
import { scratch, type Scratch } from "../../core/test/support/openssl.js";

const NOT_BEFORE = new Date("2025-01-01T00:00:00.000Z");
const AT = new Date("2025-06-01T00:00:00.000Z");
const DEPARTMENT = { name: "厦门市市场监督管理局", uscc: "11350200MB0351234X" };

let tmp: Scratch;
let root: DevPkiCertificate;
let ca: DevPkiCertificate;

const issuerOf = (c: DevPkiCertificate) => ({ certificatePem: c.certificatePem, privateKeyPkcs8: c.privateKeyPkcs8, alg: c.alg });

/**
 * `openssl verify` of the chain, one link at a time: each certificate against its issuer taken as
 * the trust anchor (`-partial_chain`). SM2-signed links need `-vfyopt distid:1234567812345678`, the
 * GM/T 0009-2012 §10 default ID that OpenSSL 3 uses only when told (its own default is the empty
 * ID; openssl/openssl#29953 proposes changing that), and OpenSSL 3.0–3.6 pass `-vfyopt` to the
 * leaf's check only (openssl/openssl#23471), so a whole 3-level SM2 chain cannot be given at once.
 */
function opensslVerify(leaf: DevPkiCertificate, intermediates: DevPkiCertificate[], anchor: DevPkiCertificate, name: string): { status: number | null; out: string } {
  const chain = [leaf, ...intermediates, anchor];
  let out = "";
  for (let i = 0; i + 1 < chain.length; i++) {
    const [subject, issuer] = [chain[i]!, chain[i + 1]!];
    const args = ["verify", "-x509_strict", "-partial_chain", "-attime", String(AT.getTime() / 1000)];
    if (issuer.alg === "SM2SM3") args.push("-vfyopt", "distid:1234567812345678");
    args.push("-CAfile", tmp.write(`${name}-${i}-issuer.pem`, issuer.certificatePem), tmp.write(`${name}-${i}.pem`, subject.certificatePem));
    const r = tmp.openssl(args);
    out += r.stdout.toString() + r.stderr;
    if (r.status !== 0) return { status: r.status, out };
  }
  return { status: 0, out };
}

beforeAll(async () => {
  tmp = scratch();
  root = await createRootCa({ commonName: "SM2 Root CA", alg: "SM2SM3", notBefore: NOT_BEFORE });
  ca = await createIssuingCa({ issuer: issuerOf(root), commonName: "SM2 Issuing CA", alg: "SM2SM3", notBefore: NOT_BEFORE });
});
afterAll(() => tmp.remove());

describe("SM2 development PKI", () => {
  it("writes SM3withSM2 certificates over SM2 keys, as OpenSSL reads them", () => {
    const text = tmp.openssl(["x509", "-in", tmp.write("root.pem", root.certificatePem), "-text", "-noout"]).stdout.toString();
    expect(text).toMatch(/Signature Algorithm: SM2-with-SM3/);
    expect(text).toMatch(/ASN1 OID: SM2/);
    expect(text).toMatch(/CA:TRUE/);
    const cert = parseCertificate(root.certificateDer);
    expect(cert.signatureAlgorithm.oid).toBe("1.2.156.10197.1.501");
    expect(cert.signatureAlgorithm.parameters).toBeUndefined();
    expect(cert.publicKeyAlgorithm).toBe("SM2SM3");
  });

  const kinds: [string, () => Promise<DevPkiCertificate>][] = [
    ["department", () => createDepartmentCertificate({ issuer: issuerOf(ca), department: DEPARTMENT, alg: "SM2SM3", notBefore: NOT_BEFORE })],
    ["trust-list signer", () => createServiceCertificate({ issuer: issuerOf(ca), purpose: "trust-list-signing", commonName: "TL", alg: "SM2SM3", notBefore: NOT_BEFORE })],
    ["status-list signer", () => createServiceCertificate({ issuer: issuerOf(ca), purpose: "status-list-signing", commonName: "SL", alg: "SM2SM3", notBefore: NOT_BEFORE })],
    ["log signer", () => createServiceCertificate({ issuer: issuerOf(ca), purpose: "log-signing", commonName: "Log", alg: "SM2SM3", notBefore: NOT_BEFORE })],
  ];
  it.each(kinds)("%s: a 3-level SM2 chain validates here and in openssl verify", async (name, make) => {
    const leaf = await make();
    const ours = await validateCertificatePath({ leaf: leaf.certificateDer, intermediates: [ca.certificateDer], trustAnchors: [root.certificateDer], at: AT });
    expect(ours.ok).toBe(true);
    const theirs = opensslVerify(leaf, [ca], root, name.replace(/ /g, "-"));
    expect(theirs.out).toContain(": OK");
    expect(theirs.status).toBe(0);
    // Its key signs as SM2 (the signature OpenSSL would check with the certificate's key).
    const signer = await createKeySigner(leaf.privateKeyPkcs8, "SM2SM3");
    const data = new TextEncoder().encode(name);
    expect(await verifySignature("SM2SM3", parseCertificate(leaf.certificateDer).spki, data, await signer.sign(data))).toBe(true);
  });

  it.each<[JwsAlgorithm, JwsAlgorithm]>([
    ["ES256", "SM2SM3"],
    ["SM2SM3", "ES256"],
    ["EdDSA", "SM2SM3"],
  ])("mixed chain: %s root over a %s department, here and in openssl verify", async (rootAlg, leafAlg) => {
    const r = rootAlg === "SM2SM3" ? root : await createRootCa({ commonName: `${rootAlg} Root`, alg: rootAlg, notBefore: NOT_BEFORE });
    const leaf = await createDepartmentCertificate({ issuer: issuerOf(r), department: DEPARTMENT, alg: leafAlg, notBefore: NOT_BEFORE });
    const ours = await validateCertificatePath({ leaf: leaf.certificateDer, trustAnchors: [r.certificateDer], at: AT });
    expect(ours.ok).toBe(true);
    expect(opensslVerify(leaf, [], r, `mixed-${rootAlg}-${leafAlg}`).status).toBe(0);
  });

  it("a forged SM2 signature fails here (SIGNATURE_INVALID) and in openssl verify", async () => {
    const leaf = await createDepartmentCertificate({ issuer: issuerOf(ca), department: DEPARTMENT, alg: "SM2SM3", notBefore: NOT_BEFORE });
    const forged = leaf.certificateDer.slice();
    forged[forged.length - 5]! ^= 0x01; // inside s of the signature value
    const ours = await validateCertificatePath({ leaf: forged, intermediates: [ca.certificateDer], trustAnchors: [root.certificateDer], at: AT });
    expect(ours.ok).toBe(false);
    if (!ours.ok) expect(ours.code).toBe("SIGNATURE_INVALID");
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(forged).toString("base64").replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE-----\n`;
    expect(opensslVerify({ ...leaf, certificatePem: pem, certificateDer: forged }, [ca], root, "forged").status).not.toBe(0);
  });

  it("an SM2 certificate signed by another SM2 CA's key fails", async () => {
    const other = await createRootCa({ commonName: "SM2 Root CA", alg: "SM2SM3", notBefore: NOT_BEFORE });
    const leaf = await createDepartmentCertificate({ issuer: issuerOf(other), department: DEPARTMENT, alg: "SM2SM3", notBefore: NOT_BEFORE });
    const ours = await validateCertificatePath({ leaf: leaf.certificateDer, trustAnchors: [root.certificateDer], at: AT });
    expect(ours.ok).toBe(false);
  });

  it("refuses an SM2 issuer whose key is not its certificate's, or not an SM2 key", async () => {
    const stranger = await createRootCa({ commonName: "Other", alg: "SM2SM3", notBefore: NOT_BEFORE });
    await expect(
      createDepartmentCertificate({ issuer: { ...issuerOf(root), privateKeyPkcs8: stranger.privateKeyPkcs8 }, department: DEPARTMENT, alg: "SM2SM3", notBefore: NOT_BEFORE }),
    ).rejects.toSatisfy((e) => e instanceof LicenceError && e.code === "ERR_KEY_INVALID");
    const es = await createRootCa({ commonName: "ES", notBefore: NOT_BEFORE });
    await expect(
      createDepartmentCertificate({ issuer: { ...issuerOf(root), privateKeyPkcs8: es.privateKeyPkcs8 }, department: DEPARTMENT, alg: "SM2SM3", notBefore: NOT_BEFORE }),
    ).rejects.toSatisfy((e) => e instanceof LicenceError && e.code === "ERR_KEY_INVALID");
  });

  it("writes times after 2049 as GeneralizedTime, and OpenSSL reads them", async () => {
    const late = await createRootCa({ commonName: "Late", alg: "SM2SM3", notBefore: NOT_BEFORE, notAfter: new Date("2060-01-01T00:00:00Z") });
    const text = tmp.openssl(["x509", "-in", tmp.write("late.pem", late.certificatePem), "-enddate", "-noout"]).stdout.toString();
    expect(text).toContain("notAfter=Jan  1 00:00:00 2060 GMT");
    expect(parseCertificate(late.certificateDer).notAfter.toISOString()).toBe("2060-01-01T00:00:00.000Z");
  });

  it("validates a chain OpenSSL made with the default ID, and refuses one OpenSSL signed with its empty ID", async () => {
    const run = (args: string[]): void => {
      const r = tmp.openssl(args);
      if (r.status !== 0) throw new Error(r.stderr);
    };
    const id = ["distid:1234567812345678"];
    run(["genpkey", "-algorithm", "SM2", "-out", "o-root.key"]);
    run(["req", "-x509", "-new", "-key", "o-root.key", "-sm3", "-sigopt", id[0]!, "-subj", "/C=CN/CN=OpenSSL SM2 Root", "-days", "3650", "-set_serial", "1",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "o-root.pem"]);
    run(["genpkey", "-algorithm", "SM2", "-out", "o-leaf.key"]);
    run(["req", "-new", "-key", "o-leaf.key", "-sm3", "-sigopt", id[0]!, "-subj", "/C=CN/CN=OpenSSL SM2 Leaf", "-out", "o-leaf.csr"]);
    tmp.write("o-ext.cnf", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n");
    const sign = (out: string, sigopt: string[]): void =>
      run(["x509", "-req", "-in", "o-leaf.csr", "-vfyopt", id[0]!, "-CA", "o-root.pem", "-CAkey", "o-root.key", "-set_serial", "2", "-sm3", ...sigopt, "-days", "365", "-extfile", "o-ext.cnf", "-out", out]);
    sign("o-leaf.pem", ["-sigopt", id[0]!]);
    sign("o-leaf-empty-id.pem", []);
    const now = new Date();
    const ok = await validateCertificatePath({ leaf: tmp.read("o-leaf.pem").toString(), trustAnchors: [tmp.read("o-root.pem").toString()], at: now });
    expect(ok.ok).toBe(true);
    const empty = await validateCertificatePath({ leaf: tmp.read("o-leaf-empty-id.pem").toString(), trustAnchors: [tmp.read("o-root.pem").toString()], at: now });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.code).toBe("SIGNATURE_INVALID");
  });
});
