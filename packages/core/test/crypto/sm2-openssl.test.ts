/**
 * SM2 and SM3 against OpenSSL 3's own SM2 (not Node's, which signs ECDSA over an SM2-curve key):
 * signatures both ways, keys both ways (plain and encrypted PKCS#8, SPKI), and SM3 digests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backend as nodeBackend } from "../../src/crypto/backend-node.js";
import { backend as webBackend } from "../../src/crypto/backend-web.js";
import { withSm2IdUsing } from "../../src/crypto/sm2-handle.js";
import { sm3 } from "../../src/crypto/sm3.js";
import { decryptPrivateKey, encryptPrivateKey } from "../../src/keys/encrypted-private-key.js";
import { decodePem, encodePem } from "../../src/encoding/pem.js";
import { ecdsaDerToP1363 } from "../../src/x509/signature.js";
import { scratch, type Scratch } from "../support/openssl.js";

let tmp: Scratch;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const DISTID = "distid:1234567812345678";

function openssl(args: readonly string[]): Buffer {
  const r = tmp.openssl(args);
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** ECDSA-Sig-Value (as OpenSSL writes SM2 signatures) from r‖s. */
function toDer(sig: Uint8Array): Uint8Array {
  const int = (b: Uint8Array): number[] => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = [...b.subarray(i)];
    if (v[0]! >= 0x80) v.unshift(0);
    return [0x02, v.length, ...v];
  };
  const body = [...int(sig.subarray(0, 32)), ...int(sig.subarray(32))];
  return Uint8Array.from([0x30, body.length, ...body]);
}

beforeAll(() => {
  tmp = scratch();
  openssl(["genpkey", "-algorithm", "SM2", "-out", "ossl.key"]);
  openssl(["pkey", "-in", "ossl.key", "-pubout", "-out", "ossl.pub"]);
});
afterAll(() => tmp.remove());

describe.each([nodeBackend, webBackend])("SM2 with OpenSSL, $name backend", (backend) => {
  it("OpenSSL signs, we verify (and refuse a changed message or another ID)", async () => {
    const msg = utf8(`licence ${backend.name} ${Date.now()}`);
    tmp.write("msg.bin", msg);
    openssl(["pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID, "-inkey", "ossl.key", "-in", "msg.bin", "-out", "msg.sig"]);
    const sig = ecdsaDerToP1363(tmp.read("msg.sig"), "SM2SM3")!;
    expect(sig).toHaveLength(64);
    const pub = await backend.importPublicKey(decodePem(tmp.read("ossl.pub").toString(), { label: "PUBLIC KEY" }), "SM2SM3");
    expect(await backend.verify(pub, msg, sig)).toBe(true);
    expect(await backend.verify(pub, utf8("other"), sig)).toBe(false);
    expect(await backend.verify(withSm2IdUsing(pub, utf8("ALICE123@YAHOO.COM"), backend.sm3), msg, sig)).toBe(false);
  });

  it("OpenSSL signs with another distid; we verify under that ID only", async () => {
    const msg = utf8("with an ID");
    tmp.write("id.bin", msg);
    openssl(["pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-pkeyopt", "distid:ALICE123@YAHOO.COM", "-inkey", "ossl.key", "-in", "id.bin", "-out", "id.sig"]);
    const sig = ecdsaDerToP1363(tmp.read("id.sig"), "SM2SM3")!;
    const pub = await backend.importPublicKey(decodePem(tmp.read("ossl.pub").toString(), { label: "PUBLIC KEY" }), "SM2SM3");
    expect(await backend.verify(pub, msg, sig)).toBe(false);
    expect(await backend.verify(withSm2IdUsing(pub, utf8("ALICE123@YAHOO.COM"), backend.sm3), msg, sig)).toBe(true);
  });

  it("we sign with OpenSSL's private key; OpenSSL verifies", async () => {
    const priv = await backend.importPrivateKey(decodePem(tmp.read("ossl.key").toString(), { label: "PRIVATE KEY" }), "SM2SM3");
    const msg = utf8("signed by eLicence");
    tmp.write("ours.bin", msg);
    tmp.write("ours.sig", toDer(await backend.sign(priv, msg)));
    const out = openssl(["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID, "-pubin", "-inkey", "ossl.pub", "-in", "ours.bin", "-sigfile", "ours.sig"]);
    expect(out.toString()).toContain("Signature Verified Successfully");
    tmp.write("ours-tampered.bin", utf8("signed by eLicencE"));
    const bad = tmp.openssl(["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID, "-pubin", "-inkey", "ossl.pub", "-in", "ours-tampered.bin", "-sigfile", "ours.sig"]);
    expect(bad.status).not.toBe(0);
  });

  it("OpenSSL reads the keys we generate (PKCS#8, SPKI, encrypted PKCS#8) and they match", async () => {
    const pair = await backend.generateKeyPair("SM2SM3");
    tmp.write(`gen-${backend.name}.key`, encodePem(pair.pkcs8, "PRIVATE KEY"));
    tmp.write(`gen-${backend.name}.pub`, encodePem(pair.spki, "PUBLIC KEY"));
    tmp.write(`gen-${backend.name}.enc`, await encryptPrivateKey(pair.pkcs8, "pass phrase", { iterations: 1000 }));
    const text = openssl(["pkey", "-in", `gen-${backend.name}.key`, "-text", "-noout"]).toString();
    expect(text).toMatch(/ASN1 OID: SM2/);
    const fromPriv = openssl(["pkey", "-in", `gen-${backend.name}.key`, "-pubout", "-outform", "DER"]);
    const fromEnc = openssl(["pkey", "-in", `gen-${backend.name}.enc`, "-passin", "pass:pass phrase", "-pubout", "-outform", "DER"]);
    const pub = openssl(["pkey", "-pubin", "-in", `gen-${backend.name}.pub`, "-outform", "DER"]);
    expect(Buffer.from(fromPriv).equals(Buffer.from(pair.spki))).toBe(true);
    expect(Buffer.from(fromEnc).equals(Buffer.from(pair.spki))).toBe(true);
    expect(Buffer.from(pub).equals(Buffer.from(pair.spki))).toBe(true);
    // OpenSSL signs with our key; we verify with our public key.
    tmp.write("gen.bin", utf8("x"));
    openssl(["pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-pkeyopt", DISTID, "-inkey", `gen-${backend.name}.key`, "-in", "gen.bin", "-out", "gen.sig"]);
    expect(await backend.verify(pair.publicKey, utf8("x"), ecdsaDerToP1363(tmp.read("gen.sig"), "SM2SM3")!)).toBe(true);
  });

  it("we read a key OpenSSL encrypted (PBES2, AES-256-CBC) and sign with it", async () => {
    openssl(["pkcs8", "-topk8", "-in", "ossl.key", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-iter", "2000", "-passout", "pass:secret", "-out", "ossl.enc"]);
    const pkcs8 = await decryptPrivateKey(tmp.read("ossl.enc").toString(), "secret");
    const priv = await backend.importPrivateKey(pkcs8, "SM2SM3");
    const pub = await backend.importPublicKey(decodePem(tmp.read("ossl.pub").toString(), { label: "PUBLIC KEY" }), "SM2SM3");
    const msg = utf8("encrypted key");
    expect(await backend.verify(pub, msg, await backend.sign(priv, msg))).toBe(true);
  });
});

describe("Node's ECDSA over the SM2 curve is not SM2", () => {
  it("a signature node:crypto makes with an SM2-curve key is refused", async () => {
    const { generateKeyPairSync, sign } = await import("node:crypto");
    const pair = generateKeyPairSync("ec", { namedCurve: "SM2" });
    const spki = new Uint8Array(pair.publicKey.export({ format: "der", type: "spki" }));
    const msg = utf8("ecdsa, not sm2");
    const ecdsa = new Uint8Array(sign("sm3", msg, { key: pair.privateKey, dsaEncoding: "ieee-p1363" }));
    for (const backend of [nodeBackend, webBackend]) {
      const pub = await backend.importPublicKey(spki, "SM2SM3");
      expect(await backend.verify(pub, msg, ecdsa)).toBe(false);
    }
  });
});

describe("SM3 with OpenSSL", () => {
  it("openssl dgst -sm3 agrees with ours on random inputs", () => {
    for (const length of [0, 3, 64, 1000, 70_000]) {
      const data = nodeBackend.randomBytes(length);
      tmp.write("h.bin", data);
      const out = openssl(["dgst", "-sm3", "-r", "h.bin"]).toString().split(" ")[0];
      expect(Buffer.from(sm3(data)).toString("hex"), `length ${length}`).toBe(out);
    }
  });
});
