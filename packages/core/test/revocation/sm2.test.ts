/**
 * Revocation evidence of an SM2 CA: CRLs and OCSP responses signed with SM3withSM2 (GM/T 0015-2012
 * §7.2, OID 1.2.156.10197.1.501, parameters absent) by the development CA, by its designated SM2
 * responder, and read by core's verifiers and path validation. Hostile signatures — r or s zero or
 * ≥ n (GB/T 32918.2-2016 §7.1 B1/B2), the wrong length or form, another key, another distinguishing
 * identifier, parameters where there must be none, SM2 named over a P-256 key — never verify.
 * OpenSSL's view of the same evidence is in `sm2-openssl.test.ts`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createCrl, createDepartmentCertificate, createIssuingCa, createOcspResponderCertificate, createOcspResponse, createRootCa, type DevPkiCertificate } from "@elicence/pki";
import { backend } from "../../src/crypto/index.js";
import { withSm2IdUsing } from "../../src/crypto/sm2-handle.js";
import { decodeDer, type DerNode } from "../../src/encoding/der.js";
import { encodeOctetString, encodeOid, encodeSequence, encodeTlv } from "../../src/encoding/der-write.js";
import { parseCrl, verifyCrl } from "../../src/revocation/crl.js";
import { buildOcspRequest } from "../../src/revocation/ocsp-request.js";
import { parseOcspResponse, verifyOcspResponse } from "../../src/revocation/ocsp.js";
import { verifySignedData } from "../../src/revocation/signed-data.js";
import { parseCertificate, type Certificate } from "../../src/x509/certificate.js";
import { validateCertificatePath } from "../../src/x509/path-validation.js";
import { backendSignature, ecdsaDerToP1363 } from "../../src/x509/signature.js";
import { AT, DAY, HOUR, NOT_BEFORE, URLS } from "./world.js";

/** The order of sm2p256v1 (GB/T 32918.5-2017). */
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const OID_SM3_WITH_SM2 = "1.2.156.10197.1.501";
const fresh = { thisUpdate: new Date(AT.getTime() - HOUR), nextUpdate: new Date(AT.getTime() + 7 * DAY) };
const times = { producedAt: fresh.thisUpdate, ...fresh };

let root: DevPkiCertificate;
let ca: DevPkiCertificate;
let namesake: DevPkiCertificate;
let responder: DevPkiCertificate;
let p256: DevPkiCertificate;
let c: { root: Certificate; ca: Certificate; dept: Certificate; dept2: Certificate; p256: Certificate };

beforeAll(async () => {
  root = await createRootCa({ commonName: "SM2 Revocation Root", alg: "SM2SM3", notBefore: NOT_BEFORE });
  ca = await createIssuingCa({ issuer: root, commonName: "SM2 Revocation CA", alg: "SM2SM3", notBefore: NOT_BEFORE, revocation: URLS });
  // Another SM2 CA with the same name: evidence it signs names the right issuer but not its key.
  namesake = await createRootCa({ commonName: "SM2 Revocation CA", alg: "SM2SM3", notBefore: NOT_BEFORE });
  const department = { name: "示例市行政审批局", uscc: "11330100MB0000019K" };
  const dept = await createDepartmentCertificate({ issuer: ca, department, alg: "SM2SM3", notBefore: NOT_BEFORE, revocation: URLS });
  const dept2 = await createDepartmentCertificate({ issuer: ca, department, alg: "SM2SM3", notBefore: NOT_BEFORE, revocation: URLS });
  responder = await createOcspResponderCertificate({ issuer: ca, commonName: "SM2 OCSP Responder", alg: "SM2SM3", notBefore: NOT_BEFORE });
  p256 = await createRootCa({ commonName: "SM2 Revocation CA", notBefore: NOT_BEFORE });
  c = { root: parseCertificate(root.certificateDer), ca: parseCertificate(ca.certificateDer), dept: parseCertificate(dept.certificateDer), dept2: parseCertificate(dept2.certificateDer), p256: parseCertificate(p256.certificateDer) };
}, 60_000);

const target = () => ({ certificate: c.dept, issuer: c.ca, at: AT });

function toBig(bytes: Uint8Array): bigint {
  return bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);
}

function to32(v: bigint): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * (31 - i))) & 0xffn));
}

/** A DER INTEGER of a non-negative value. */
function integer(v: bigint): Uint8Array {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
  return encodeTlv(0x02, bytes[0]! >= 0x80 ? Uint8Array.of(0, ...bytes) : bytes);
}

/** SEQUENCE { tbs, algorithm, BIT STRING, ...rest } with the algorithm and/or signature replaced. */
function resign(signed: Uint8Array, signature: Uint8Array, algorithm?: Uint8Array): Uint8Array {
  const [tbs, alg, , ...rest] = decodeDer(signed).children as DerNode[];
  return encodeSequence(tbs!.raw, algorithm ?? alg!.raw, encodeTlv(0x03, Uint8Array.of(0, ...signature)), ...rest.map((n) => n.raw));
}

/** The signed parts of SEQUENCE { tbs, algorithm, BIT STRING, ... }. */
function partsOf(signed: Uint8Array): { tbs: Uint8Array; signature: Uint8Array } {
  const [tbs, , bits] = decodeDer(signed).children as DerNode[];
  return { tbs: tbs!.raw, signature: bits!.content.subarray(1) };
}

/** The BasicOCSPResponse inside an OCSPResponse, and a way to put a changed one back. */
function basicOf(response: Uint8Array): { basic: Uint8Array; wrap: (basic: Uint8Array) => Uint8Array } {
  const [status, bytes] = decodeDer(response).children as DerNode[];
  const [type, octets] = bytes!.children[0]!.children as DerNode[];
  return { basic: octets!.content, wrap: (basic) => encodeSequence(status!.raw, encodeTlv(0xa0, encodeSequence(type!.raw, encodeOctetString(basic)))) };
}

/** Signature values that must never verify, made from a genuine one (DER r, s). */
function hostileSignatures(genuine: Uint8Array): [string, Uint8Array][] {
  const rs = ecdsaDerToP1363(genuine, "SM2SM3")!;
  const r = toBig(rs.subarray(0, 32));
  const s = toBig(rs.subarray(32));
  const der = (a: bigint, b: bigint) => encodeSequence(integer(a), integer(b));
  return [
    ["r = 0", der(0n, s)],
    ["s = 0", der(r, 0n)],
    ["r = n", der(N, s)],
    ["s = n", der(r, N)],
    ["r = r + n (≥ n, same residue)", der(r + N, s)],
    ["s = s + n (≥ n, same residue)", der(r, s + N)],
    ["r of 33 bytes", encodeSequence(encodeTlv(0x02, Uint8Array.of(1, ...to32(r))), integer(s))],
    ["r‖s raw instead of DER", rs],
    ["a third INTEGER", encodeSequence(integer(r), integer(s), integer(1n))],
    ["trailing bytes", Uint8Array.of(...genuine, 0)],
    ["truncated", genuine.subarray(0, genuine.length - 1)],
    ["negative s", encodeSequence(integer(r), encodeTlv(0x02, Uint8Array.of(0xff, ...to32(s).subarray(1))))],
    ["empty", new Uint8Array(0)],
    ["s + 1", der(r, (s + 1n) % N)],
  ];
}

describe("SM2 CRLs from the development CA", () => {
  it("are signed with SM3withSM2, parameters absent, in TBSCertList and outside it", async () => {
    const der = await createCrl({ issuer: ca, ...fresh, crlNumber: 7, revoked: [] });
    const [tbs, alg] = decodeDer(der).children as DerNode[];
    const expected = encodeSequence(encodeOid(OID_SM3_WITH_SM2));
    expect(Buffer.from(alg!.raw).toString("hex")).toBe(Buffer.from(expected).toString("hex"));
    expect(Buffer.from(tbs!.children[1]!.raw).toString("hex")).toBe(Buffer.from(expected).toString("hex"));
    const crl = parseCrl(der);
    expect(crl.issuer.equals(c.ca.subjectName)).toBe(true);
    expect(crl.authorityKeyIdentifier).toBe(c.ca.subjectKeyIdentifier);
  });

  it("say good and revoked, and the signature is SM2 over SM3 with the default ID by the CA's key", async () => {
    const revocationTime = new Date("2026-05-01T08:00:00Z");
    const der = await createCrl({ issuer: ca, ...fresh, crlNumber: 8, revoked: [{ serialNumber: c.dept.serialNumber, revocationTime, reason: "keyCompromise" }] });
    expect(await verifyCrl(der, target())).toMatchObject({ ok: true, status: "revoked", source: "crl", revocationTime, reason: "keyCompromise" });
    expect(await verifyCrl(der, { ...target(), certificate: c.dept2 })).toMatchObject({ ok: true, status: "good" });
    // The backend's own check, apart from the CRL verifier: SM2 (default ID) over the TBSCertList.
    const { tbs, signature } = partsOf(der);
    const key = await backend.importPublicKey(c.ca.spki, "SM2SM3");
    expect(await backend.verify(key, tbs, backendSignature(signature, "SM2SM3")!)).toBe(true);
    expect(await backend.verify(withSm2IdUsing(key, new Uint8Array(0), backend.sm3), tbs, backendSignature(signature, "SM2SM3")!)).toBe(false);
  });

  it("and revoke in path validation, at every level of a 3-level SM2 chain", async () => {
    const revoked = await createCrl({ issuer: ca, ...fresh, crlNumber: 9, revoked: [{ serialNumber: c.dept.serialNumber, revocationTime: new Date(AT.getTime() - DAY), reason: "superseded" }] });
    const rootCrl = await createCrl({ issuer: root, ...fresh, crlNumber: 9, revoked: [] });
    const validate = (leaf: Certificate, crls: Uint8Array[]) => validateCertificatePath({ leaf, intermediates: [c.ca], trustAnchors: [c.root], at: AT, revocation: { crls } });
    expect(await validate(c.dept, [revoked, rootCrl])).toMatchObject({ ok: false, code: "REVOKED", revocationReason: "superseded" });
    expect(await validate(c.dept2, [revoked, rootCrl])).toMatchObject({ ok: true });
    const caRevoked = await createCrl({ issuer: root, ...fresh, crlNumber: 10, revoked: [{ serialNumber: c.ca.serialNumber, revocationTime: new Date(AT.getTime() - DAY), reason: "cACompromise" }] });
    expect(await validate(c.dept2, [revoked, caRevoked])).toMatchObject({ ok: false, code: "REVOKED", index: 1 });
  });

  it("never verify with a hostile signature value", async () => {
    const der = await createCrl({ issuer: ca, ...fresh, crlNumber: 11, revoked: [] });
    for (const [name, signature] of hostileSignatures(partsOf(der).signature)) {
      expect(await verifyCrl(resign(der, signature), target()), name).toMatchObject({ ok: false, code: "EVIDENCE_SIGNATURE_INVALID" });
    }
  });

  it("never verify when signed under another ID, by another SM2 key, or named for another key type", async () => {
    const der = await createCrl({ issuer: ca, ...fresh, crlNumber: 12, revoked: [] });
    const { tbs } = partsOf(der);
    const caKey = await backend.importPrivateKey(ca.privateKeyPkcs8, "SM2SM3");
    const toDer = (rs: Uint8Array) => encodeSequence(integer(toBig(rs.subarray(0, 32))), integer(toBig(rs.subarray(32))));
    // A genuine SM2 signature by the CA's key, but with ZA over the empty ID (OpenSSL 3.0's default).
    const emptyId = toDer(await backend.sign(withSm2IdUsing(caKey, new Uint8Array(0), backend.sm3), tbs));
    expect(await verifyCrl(resign(der, emptyId), target())).toMatchObject({ ok: false, code: "EVIDENCE_SIGNATURE_INVALID" });
    // The same name, another SM2 key.
    expect(await verifyCrl(await createCrl({ issuer: namesake, ...fresh, crlNumber: 12, revoked: [] }), target())).toMatchObject({ ok: false, code: "EVIDENCE_WRONG_ISSUER" });
    // Re-signed correctly by the CA's key over the same bytes: verifies (the harness is sound).
    expect(await verifyCrl(resign(der, toDer(await backend.sign(caKey, tbs))), target())).toMatchObject({ ok: true, status: "good" });
    // SM3withSM2 with NULL parameters (GM/T 0015 §7.2: absent), in TBSCertList and outside it, and
    // correctly signed by the CA's key over that TBSCertList: not a supported algorithm.
    const withNullAlg = encodeSequence(encodeOid(OID_SM3_WITH_SM2), Uint8Array.of(5, 0));
    const [version, , ...restOfTbs] = decodeDer(tbs).children as DerNode[];
    const nullTbs = encodeSequence(version!.raw, withNullAlg, ...restOfTbs.map((n) => n.raw));
    const withNull = encodeSequence(nullTbs, withNullAlg, encodeTlv(0x03, Uint8Array.of(0, ...toDer(await backend.sign(caKey, nullTbs)))));
    expect(await verifyCrl(withNull, target())).toMatchObject({ ok: false, code: "EVIDENCE_ALGORITHM_UNSUPPORTED" });
    // Only the outer algorithm changed: it no longer matches TBSCertList's (RFC 5280 §5.1.1.2).
    expect(await verifyCrl(resign(der, partsOf(der).signature, withNullAlg), target())).toMatchObject({ ok: false, code: "EVIDENCE_MALFORMED" });
    // SM3withSM2 named over a P-256 key: no such pairing. (verifyCrl stops earlier, at the key
    // identifier; the signature step on its own says so.)
    const algorithm = decodeDer(der).children[1]!;
    const { signature } = partsOf(der);
    expect(await verifySignedData(algorithm, tbs, signature, c.p256)).toBe("unsupported");
    expect(await verifySignedData(algorithm, tbs, signature, c.ca)).toBe("ok");
    expect(await verifyCrl(der, { ...target(), issuer: c.p256 })).toMatchObject({ ok: false, code: "EVIDENCE_WRONG_ISSUER" });
    // And ecdsa-with-SHA256 named over the SM2 key: unsupported too, never ECDSA on the SM2 curve.
    expect(await verifySignedData(decodeDer(encodeSequence(encodeOid("1.2.840.10045.4.3.2"))), tbs, signature, c.ca)).toBe("unsupported");
  });
});

describe("SM2 OCSP responses from the development CA", () => {
  it("signed by the SM2 CA (by name and by key hash): good, revoked, nonce echoed", async () => {
    for (const responderIdBy of ["name", "key"] as const) {
      const request = buildOcspRequest({ certificate: c.dept, issuer: c.ca });
      const der = await createOcspResponse({ ca, request: request.der, status: () => ({ status: "good" }), ...times, responderIdBy });
      const parsed = parseOcspResponse(der);
      expect(parsed.basic?.nonce).toEqual(request.nonce);
      expect(await verifyOcspResponse(der, { ...target(), nonce: request.nonce! })).toMatchObject({ ok: true, status: "good", source: "ocsp" });
    }
    const revocationTime = new Date("2026-05-02T00:00:00Z");
    const request = buildOcspRequest({ certificate: c.dept, issuer: c.ca, hash: "SHA-256" });
    const der = await createOcspResponse({ ca, request: request.der, status: () => ({ status: "revoked", revocationTime, reason: "keyCompromise" }), ...times });
    expect(await verifyOcspResponse(der, { ...target(), nonce: request.nonce! })).toMatchObject({ ok: true, status: "revoked", revocationTime, reason: "keyCompromise" });
    const { basic } = basicOf(der);
    expect(Buffer.from((decodeDer(basic).children[1] as DerNode).raw).toString("hex")).toBe(Buffer.from(encodeSequence(encodeOid(OID_SM3_WITH_SM2))).toString("hex"));
  });

  it("signed by a designated SM2 responder whose SM2-signed certificate the response carries", async () => {
    const cert = parseCertificate(responder.certificateDer);
    expect(cert.signatureAlgorithm.oid).toBe(OID_SM3_WITH_SM2);
    expect(cert.extendedKeyUsage).toEqual(["1.3.6.1.5.5.7.3.9"]);
    const request = buildOcspRequest({ certificate: c.dept, issuer: c.ca });
    const der = await createOcspResponse({ ca, responder, request: request.der, status: () => ({ status: "good" }), ...times });
    expect(parseOcspResponse(der).basic?.certificates.map((x) => x.sha256Hex)).toEqual([cert.sha256Hex]);
    expect(await verifyOcspResponse(der, { ...target(), nonce: request.nonce! })).toMatchObject({ ok: true, status: "good" });
    // A responder certificate of the same name from another SM2 CA is not designated by this one.
    const foreign = await createOcspResponderCertificate({ issuer: namesake, commonName: "SM2 OCSP Responder", alg: "SM2SM3", notBefore: NOT_BEFORE });
    const forged = await createOcspResponse({ ca, responder: foreign, request: request.der, status: () => ({ status: "good" }), ...times });
    expect(await verifyOcspResponse(forged, { ...target(), nonce: request.nonce! })).toMatchObject({ ok: false, code: "EVIDENCE_WRONG_ISSUER" });
  });

  it("never verify with a hostile signature value, or signed under another ID", async () => {
    const request = buildOcspRequest({ certificate: c.dept, issuer: c.ca });
    const der = await createOcspResponse({ ca, request: request.der, status: () => ({ status: "good" }), ...times });
    const { basic, wrap } = basicOf(der);
    for (const [name, signature] of hostileSignatures(partsOf(basic).signature)) {
      expect(await verifyOcspResponse(wrap(resign(basic, signature)), { ...target(), nonce: request.nonce! }), name).toMatchObject({ ok: false, code: "EVIDENCE_SIGNATURE_INVALID" });
    }
    const key = withSm2IdUsing(await backend.importPrivateKey(ca.privateKeyPkcs8, "SM2SM3"), new TextEncoder().encode("ALICE123@YAHOO.COM"), backend.sm3);
    const rs = await backend.sign(key, partsOf(basic).tbs);
    const otherId = encodeSequence(integer(toBig(rs.subarray(0, 32))), integer(toBig(rs.subarray(32))));
    expect(await verifyOcspResponse(wrap(resign(basic, otherId)), { ...target(), nonce: request.nonce! })).toMatchObject({ ok: false, code: "EVIDENCE_SIGNATURE_INVALID" });
  });
});

describe("backendSignature", () => {
  it("converts DER to r‖s for ECDSA and SM2 only, and refuses DER too long for the curve", () => {
    const der = encodeSequence(integer(1n), integer(2n));
    const rs = backendSignature(der, "SM2SM3")!;
    expect(rs).toHaveLength(64);
    expect([rs[31], rs[63]]).toEqual([1, 2]);
    expect(backendSignature(der, "ES256")).toHaveLength(64);
    expect(backendSignature(der, "ES384")).toHaveLength(96);
    expect(backendSignature(der, "EdDSA")).toBe(der);
    expect(backendSignature(der, "PS256")).toBe(der);
    expect(backendSignature(encodeSequence(encodeTlv(0x02, Uint8Array.of(1, ...new Uint8Array(32))), integer(2n)), "SM2SM3")).toBeUndefined();
  });
});
