/**
 * The development TSA's two token writers: the DER writer (constant parts encoded once) and the
 * pkijs reference. For each key algorithm, both answer the same request at the same time; their
 * tokens must verify (core and `openssl ts -verify`), read the same, and be the same DER tree node
 * for node, with only the values a token must not share (its serial number, hence the
 * message-digest and the signature) differing. The digest algorithm follows the key (SHA-256 for
 * ES256, SHA-384 for ES384, SHA-512 for Ed25519 as RFC 8419 §3.1 requires, SM3 for SM2 as GM/T
 * 0010-2012 §8.2 gives it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JwsAlgorithm } from "@elicence/core";
import { createTimestampRequest, readTimestampResponse, verifyTimestampToken, type TimestampRequest } from "@elicence/core/timestamp";
import { decodeDer, type DerNode } from "../../core/src/encoding/der.js";
import { parseTimestampToken } from "../../core/src/timestamp/token.js";
import { createIssuingCa, createRootCa, createTimestampAuthority, createTsaCertificate, type DevPkiCertificate, type TimestampAuthority } from "../src/index.js";
import { scratch, type Scratch } from "../../core/test/support/openssl.js";

const NOT_BEFORE = new Date("2025-01-01T00:00:00.000Z");
const NOW = new Date("2026-03-01T12:00:00.250Z");
const DATA = new TextEncoder().encode("the signature value of a licence, base64url");

let tmp: Scratch;
let root: DevPkiCertificate;
let ca: DevPkiCertificate;
beforeAll(async () => {
  tmp = scratch();
  root = await createRootCa({ commonName: "Writer Test Root", notBefore: NOT_BEFORE });
  ca = await createIssuingCa({ issuer: root, commonName: "Writer Test CA", notBefore: NOT_BEFORE });
  tmp.write("root.pem", root.certificatePem);
  tmp.write("ca.pem", ca.certificatePem);
});
afterAll(() => tmp.remove());

/** The leaves of a DER tree as `path tag value`, the eContent's TSTInfo read as a tree of its own. */
function leaves(node: DerNode, path = "0", out: string[] = []): string[] {
  const id = `${node.cls}.${node.tag}${node.constructed ? "c" : "p"}`;
  if (node.constructed) {
    out.push(`${path} ${id} children=${node.children.length}`);
    node.children.forEach((child, i) => leaves(child, `${path}.${i}`, out));
  } else if (path === EContent) {
    out.push(`${path} ${id}`);
    leaves(decodeDer(node.content.slice()), `${path}>`, out);
  } else {
    out.push(`${path} ${id} ${Buffer.from(node.content).toString("hex")}`);
  }
  return out;
}
/** ContentInfo.content[0].SignedData.encapContentInfo.[0].OCTET STRING */
const EContent = "0.1.0.2.1.0";

async function tokens(alg: JwsAlgorithm, request: TimestampRequest): Promise<{ der: Uint8Array; pkijs: Uint8Array; tsa: DevPkiCertificate; authorities: TimestampAuthority[] }> {
  const tsa = await createTsaCertificate({ issuer: ca, commonName: `Writer Test TSA ${alg}`, notBefore: NOT_BEFORE, alg });
  const options = { certificatePem: tsa.certificatePem, privateKeyPkcs8: tsa.privateKeyPkcs8, alg, chainPem: [ca.certificatePem], clock: () => NOW };
  const fast = await createTimestampAuthority(options);
  const reference = await createTimestampAuthority({ ...options, encoder: "pkijs" });
  return {
    der: readTimestampResponse(await fast.respond(request.der), request),
    pkijs: readTimestampResponse(await reference.respond(request.der), request),
    tsa,
    authorities: [fast, reference],
  };
}

describe.each<JwsAlgorithm>(["ES256", "ES384", "EdDSA", "SM2SM3"])("the DER token writer against the pkijs one (%s)", (alg) => {
  it("writes the same token, node for node, but for the serial, the message digest and the signature; both verify", async () => {
    const request = createTimestampRequest(DATA);
    const { der, pkijs } = await tokens(alg, request);
    for (const token of [der, pkijs]) {
      const result = await verifyTimestampToken(token, { data: DATA, trustAnchors: [root.certificateDer], at: NOW, nonce: request.nonce });
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true, policy: "1.3.6.1.4.1.99999.2.1" });
    }
    const a = parseTimestampToken(der);
    const b = parseTimestampToken(pkijs);
    expect(a.tstInfo.serialHex).not.toBe(b.tstInfo.serialHex);
    expect({ ...a.tstInfo, serialHex: "" }).toEqual({ ...b.tstInfo, serialHex: "" });
    expect(a.tstInfo.genTime).toBe(NOW.getTime());
    for (const field of ["certificates", "sid", "digestHash", "essCertIds"] as const) expect(a[field]).toEqual(b[field]);
    expect(a.certificates).toHaveLength(2);
    expect(a.signatureAlgorithm.oid).toBe(b.signatureAlgorithm.oid);
    const x = leaves(decodeDer(der.slice()));
    const y = leaves(decodeDer(pkijs.slice()));
    expect(x.map((l) => l.split(" ").slice(0, 2).join(" "))).toEqual(y.map((l) => l.split(" ").slice(0, 2).join(" ")));
    const differing = x.filter((l, i) => l !== y[i]).map((l) => l.split(" ")[0]);
    // TSTInfo.serialNumber; signedAttrs' message-digest value; SignerInfo.signature.
    // SignedData: version, digestAlgorithms, encapContentInfo, [0] certificates, signerInfos.
    const signerInfo = "0.1.0.4.0";
    const digestAttr = [0, 1, 2].map((k) => `${signerInfo}.3.${k}`).find((p) => x.includes(`${p}.0 0.6p 2a864886f70d010904`));
    expect(differing).toEqual([`${EContent}>.3`, `${digestAttr}.1.0`, `${signerInfo}.5`]);
  });

});

// OpenSSL 3.0 has no Ed25519 in CMS or PKCS#7 (it can neither sign nor verify such SignedData), so
// the OpenSSL check covers the ECDSA keys; Ed25519 tokens are checked by core above.
describe.each<JwsAlgorithm>(["ES256", "ES384"])("the DER token writer with OpenSSL (%s)", (alg) => {
  it("is accepted by openssl ts -verify, with the query and with the data, through the chain it carries", async () => {
    const request = createTimestampRequest(DATA);
    const { der } = await tokens(alg, request);
    tmp.write(`${alg}.tsq`, request.der);
    tmp.write(`${alg}.tst`, der);
    tmp.write("data.bin", DATA);
    const attime = String(Math.floor(NOW.getTime() / 1000));
    for (const args of [
      ["-queryfile", `${alg}.tsq`],
      ["-data", "data.bin"],
    ]) {
      // -token_in: the token alone, as a JAdES sigTst carries it; the CA certificate comes from the token.
      const v = tmp.openssl(["ts", "-verify", ...args, "-in", `${alg}.tst`, "-token_in", "-CAfile", "root.pem", "-attime", attime]);
      expect(v.status, v.stderr).toBe(0);
      expect(v.stdout.toString()).toContain("Verification: OK");
    }
  });
});

describe("the DER token writer's other request forms", () => {
  it("answers certReq false, a policy asked for, no nonce and an imprint with NULL parameters like the pkijs writer", async () => {
    const { authorities } = await tokens("ES256", createTimestampRequest(DATA));
    const [fast, reference] = authorities as [TimestampAuthority, TimestampAuthority];
    // openssl ts -query: SHA-512 imprint with NULL parameters, no nonce, certReq false, a policy.
    tmp.write("q-data.bin", DATA);
    const q = tmp.openssl(["ts", "-query", "-data", "q-data.bin", "-sha512", "-no_nonce", "-tspolicy", "1.3.6.1.4.1.99999.2.1", "-out", "q.tsq"]);
    expect(q.status, q.stderr).toBe(0);
    const query = new Uint8Array(tmp.read("q.tsq"));
    const fastReply = await fast.respond(query);
    const referenceReply = await reference.respond(query);
    const a = parseTimestampToken(decodeDer(fastReply.slice()).children[1]!.raw);
    const b = parseTimestampToken(decodeDer(referenceReply.slice()).children[1]!.raw);
    expect(a.certificates).toEqual([]);
    expect(a.tstInfo.nonce).toBeUndefined();
    expect({ ...a.tstInfo, serialHex: "" }).toEqual({ ...b.tstInfo, serialHex: "" });
    expect(a.tstInfo.imprintHash).toBe("SHA-512");
    // The token repeats the request's MessageImprint as sent (RFC 3161 §2.4.2), NULL parameters included.
    const tst = Buffer.from(a.eContent).toString("hex");
    expect(tst).toContain("300d06096086480165030402030500");
  });

  it("answers an SM3 imprint (openssl ts -query -sm3) like the pkijs writer, for an SM2 and an ES256 TSA", async () => {
    tmp.write("sm3-data.bin", DATA);
    const q = tmp.openssl(["ts", "-query", "-data", "sm3-data.bin", "-sm3", "-cert", "-out", "sm3.tsq"]);
    expect(q.status, q.stderr).toBe(0);
    const query = new Uint8Array(tmp.read("sm3.tsq"));
    for (const alg of ["SM2SM3", "ES256"] as const) {
      const { authorities } = await tokens(alg, createTimestampRequest(DATA));
      const [a, b] = await Promise.all(authorities.map(async (authority) => decodeDer((await authority.respond(query)).slice()).children[1]!.raw));
      for (const token of [a!, b!]) {
        expect(parseTimestampToken(token).tstInfo.imprintHash, alg).toBe("SM3");
        expect(await verifyTimestampToken(token, { data: DATA, trustAnchors: [root.certificateDer], at: NOW }), alg).toMatchObject({ ok: true });
      }
      expect({ ...parseTimestampToken(a!).tstInfo, serialHex: "" }).toEqual({ ...parseTimestampToken(b!).tstInfo, serialHex: "" });
    }
  });

  it("refuses a request with extensions (unacceptedExtension, RFC 3161 §2.4.1), as OpenSSL reads the reply", async () => {
    const { authorities } = await tokens("ES256", createTimestampRequest(DATA));
    const request = createTimestampRequest(DATA);
    // The same request with one extension appended: [0] { Extension { 1.2.3.4, OCTET STRING 00 } }.
    const extension = Uint8Array.from([0xa0, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x04, 0x02, 0x05, 0x00]);
    const body = request.der.subarray(2);
    const withExtension = Uint8Array.from([0x30, body.length + extension.length, ...body, ...extension]);
    const reply = await authorities[0]!.respond(withExtension);
    tmp.write("ext.tsr", reply);
    const text = tmp.openssl(["ts", "-reply", "-in", "ext.tsr", "-text"]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout.toString()).toContain("Status: Rejected");
    expect(text.stdout.toString()).toContain("the requested extension is not supported by the TSA");
  });
});
