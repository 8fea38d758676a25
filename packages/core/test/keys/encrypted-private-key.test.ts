import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decryptPrivateKey,
  encryptPrivateKey,
  isEncryptedPrivateKeyPem,
  PBKDF2_DEFAULT_ITERATIONS,
} from "../../src/keys/encrypted-private-key.js";
import * as asn1js from "asn1js";
import { encodeEncryptedPrivateKeyInfo, PBES2_OIDS, parseEncryptedPrivateKeyInfo, type Pbes2Params } from "../../src/keys/pbes2.js";
import { encodePem, findPemBlocks } from "../../src/encoding/pem.js";
import { LicenceError, type LicenceErrorCode } from "../../src/errors/errors.js";
import { scratch, type Scratch } from "../support/openssl.js";

const PASS = "correct horse battery staple";
const FAST = { iterations: 1000 };

let tmp: Scratch;
let pkcs8: Uint8Array;

async function generatePkcs8(): Promise<Uint8Array> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  return new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
}

/** Awaits `promise` and returns the code of the LicenceError it rejects with (any other error fails the test). */
async function codeOf(promise: Promise<unknown>): Promise<LicenceErrorCode | "(resolved)"> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof LicenceError) return err.code;
    throw new Error(`expected a LicenceError, got ${String(err)}`);
  }
  return "(resolved)";
}

function derOf(pem: string): Uint8Array {
  const der = findPemBlocks(pem)[0]?.der;
  if (!der) throw new Error("no PEM block");
  return der;
}

/** Re-encodes `der` with different PBES2 parameters (and the same ciphertext). */
function withParams(pem: string, change: Partial<Pbes2Params>): Uint8Array {
  const info = parseEncryptedPrivateKeyInfo(derOf(pem));
  return encodeEncryptedPrivateKeyInfo({ params: { ...info.params, ...change }, encryptedData: info.encryptedData });
}

beforeAll(async () => {
  tmp = scratch();
  pkcs8 = await generatePkcs8();
});
afterAll(() => tmp.remove());

describe("encryptPrivateKey / decryptPrivateKey", () => {
  it("round-trips with the defaults (PBKDF2-HMAC-SHA256 600 000, AES-256-CBC, 16-byte salt)", async () => {
    const pem = await encryptPrivateKey(pkcs8, PASS);
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END ENCRYPTED PRIVATE KEY-----\n$/);
    const { params } = parseEncryptedPrivateKeyInfo(derOf(pem));
    expect(params).toMatchObject({ iterations: PBKDF2_DEFAULT_ITERATIONS, prf: "SHA-256", keyBytes: 32 });
    expect(params.salt.length).toBe(16);
    expect(params.iv.length).toBe(16);
    expect(await decryptPrivateKey(pem, PASS)).toEqual(pkcs8);
  });

  it("uses a fresh salt and IV every time", async () => {
    const a = parseEncryptedPrivateKeyInfo(derOf(await encryptPrivateKey(pkcs8, PASS, FAST))).params;
    const b = parseEncryptedPrivateKeyInfo(derOf(await encryptPrivateKey(pkcs8, PASS, FAST))).params;
    expect(a.salt).not.toEqual(b.salt);
    expect(a.iv).not.toEqual(b.iv);
  });

  it("accepts the PEM as bytes, and the bare DER", async () => {
    const pem = await encryptPrivateKey(pkcs8, PASS, FAST);
    expect(await decryptPrivateKey(new TextEncoder().encode(`Key for tests\n${pem}`), PASS)).toEqual(pkcs8);
    expect(await decryptPrivateKey(derOf(pem), PASS)).toEqual(pkcs8);
    expect(await decryptPrivateKey(pem.replace(/\n/g, "\r\n"), PASS)).toEqual(pkcs8);
  });

  it("reports a wrong passphrase as ERR_PASSPHRASE_INCORRECT, and never echoes it", async () => {
    const pem = await encryptPrivateKey(pkcs8, PASS, FAST);
    for (const wrong of ["correct horse battery stapler", "x", PASS.toUpperCase()]) {
      try {
        await decryptPrivateKey(pem, wrong);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(LicenceError);
        expect((err as LicenceError).code).toBe("ERR_PASSPHRASE_INCORRECT");
        expect(JSON.stringify(err)).not.toContain(wrong);
        expect((err as Error).message).not.toContain(wrong);
      }
    }
  });

  it("reports valid padding around garbage (a wrong passphrase, 1 time in 256) as ERR_PASSPHRASE_INCORRECT", async () => {
    // Encrypt bytes that are not a PrivateKeyInfo under the right passphrase: padding is valid, content is not.
    const params: Pbes2Params = { salt: new Uint8Array(16).fill(7), iterations: 1000, prf: "SHA-256", keyBytes: 32, iv: new Uint8Array(16).fill(9) };
    const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(PASS), "PBKDF2", false, ["deriveKey"]);
    const key = await crypto.subtle.deriveKey(
      { name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(params.salt), iterations: params.iterations },
      base,
      { name: "AES-CBC", length: 256 },
      false,
      ["encrypt"],
    );
    const garbage = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(params.iv) }, key, new Uint8Array(100).fill(0x30)));
    const der = encodeEncryptedPrivateKeyInfo({ params, encryptedData: garbage });
    expect(await codeOf(decryptPrivateKey(der, PASS))).toBe("ERR_PASSPHRASE_INCORRECT");
  });

  it("refuses a caller's misuse with TypeError", async () => {
    await expect(encryptPrivateKey(pkcs8, "")).rejects.toThrow(TypeError);
    await expect(encryptPrivateKey(pkcs8, PASS, { iterations: 999 })).rejects.toThrow(TypeError);
    await expect(encryptPrivateKey(pkcs8, PASS, { iterations: 10_000_001 })).rejects.toThrow(TypeError);
    await expect(encryptPrivateKey(pkcs8, PASS, { iterations: 1000.5 })).rejects.toThrow(TypeError);
    await expect(encryptPrivateKey(new TextEncoder().encode("-----BEGIN PRIVATE KEY-----"), PASS)).rejects.toThrow(TypeError);
    await expect(encryptPrivateKey(new Uint8Array([0x30, 0x00]), PASS)).rejects.toThrow(TypeError);
    await expect(decryptPrivateKey("x", "")).rejects.toThrow(TypeError);
    await expect(decryptPrivateKey(42 as unknown as string, PASS)).rejects.toThrow(TypeError);
  });

  it("uses the UTF-8 bytes of a Unicode passphrase, without normalisation", async () => {
    const nfc = "电子证照-Паро́ль-\u00e9-🔑";
    const nfd = nfc.normalize("NFD");
    expect(nfd).not.toBe(nfc);
    const pem = await encryptPrivateKey(pkcs8, nfc, FAST);
    expect(await decryptPrivateKey(pem, nfc)).toEqual(pkcs8);
    expect(await codeOf(decryptPrivateKey(pem, nfd))).toBe("ERR_PASSPHRASE_INCORRECT");
  });
});

describe("interoperability with OpenSSL", () => {
  it("OpenSSL reads what we write (ASCII and Unicode passphrases)", async () => {
    for (const [i, passphrase] of [PASS, "电子证照密码🔑"].entries()) {
      const file = tmp.write(`ours-${i}.pem`, await encryptPrivateKey(pkcs8, passphrase, { iterations: 2048 }));
      const check = tmp.openssl(["pkey", "-in", file, "-passin", `pass:${passphrase}`, "-noout"]);
      expect(check.status, check.stderr).toBe(0);
      const theirs = tmp.openssl(["pkey", "-in", file, "-passin", `pass:${passphrase}`, "-outform", "DER"]);
      const clear = tmp.openssl(["pkey", "-inform", "DER", "-in", tmp.write(`clear-${i}.der`, pkcs8), "-outform", "DER"]);
      expect(theirs.status).toBe(0);
      expect(new Uint8Array(theirs.stdout)).toEqual(new Uint8Array(clear.stdout));
      expect(tmp.openssl(["pkey", "-in", file, "-passin", "pass:wrong", "-noout"]).status).not.toBe(0);
    }
  });

  const variants: [string, string[], string[]][] = [
    ["EC P-256, AES-256-CBC, HMAC-SHA256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], ["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256"]],
    ["EC P-384, AES-128-CBC, HMAC-SHA1", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], ["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"]],
    ["Ed25519, AES-192-CBC, HMAC-SHA256", ["-algorithm", "ED25519"], ["-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA256"]],
    ["RSA 2048, OpenSSL's defaults", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], []],
    ["Ed25519, 1000 iterations (the minimum)", ["-algorithm", "ED25519"], ["-v2", "aes-256-cbc", "-iter", "1000"]],
  ];
  it.each(variants)("we read what OpenSSL writes: %s", async (name, genArgs, pkcs8Args) => {
    const id = name.replace(/\W+/g, "-");
    const passphrase = "电子证照 pass 🔑";
    expect(tmp.openssl(["genpkey", ...genArgs, "-out", tmp.path(`${id}.pem`)]).status).toBe(0);
    const enc = tmp.openssl(["pkcs8", "-topk8", "-in", tmp.path(`${id}.pem`), ...pkcs8Args, "-passout", `pass:${passphrase}`, "-out", tmp.path(`${id}.enc.pem`)]);
    expect(enc.status, enc.stderr).toBe(0);
    const clear = tmp.openssl(["pkcs8", "-topk8", "-nocrypt", "-in", tmp.path(`${id}.pem`), "-outform", "DER"]);
    const pem = tmp.read(`${id}.enc.pem`).toString("utf8");
    expect(isEncryptedPrivateKeyPem(pem)).toBe(true);
    expect(await decryptPrivateKey(pem, passphrase)).toEqual(new Uint8Array(clear.stdout));
    expect(await codeOf(decryptPrivateKey(pem, "wrong"))).toBe("ERR_PASSPHRASE_INCORRECT");
  });

  const refused: [string, string[], LicenceErrorCode][] = [
    ["PBES1 (PBE-SHA1-3DES)", ["-v1", "PBE-SHA1-3DES"], "ERR_ALGORITHM_UNSUPPORTED"],
    ["PBES2 with 3DES", ["-v2", "des3"], "ERR_ALGORITHM_UNSUPPORTED"],
    ["PBES2 with HMAC-SHA512", ["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA512"], "ERR_ALGORITHM_UNSUPPORTED"],
    ["PBES2 with AES-256-OFB", ["-v2", "aes-256-ofb"], "ERR_ALGORITHM_UNSUPPORTED"],
    ["scrypt", ["-scrypt"], "ERR_ALGORITHM_UNSUPPORTED"],
    ["999 iterations", ["-v2", "aes-256-cbc", "-iter", "999"], "ERR_KEY_INVALID"],
  ];
  it.each(refused)("we refuse what OpenSSL writes with %s", async (name, pkcs8Args, code) => {
    const id = `refused-${name.replace(/\W+/g, "-")}`;
    expect(tmp.openssl(["genpkey", "-algorithm", "ED25519", "-out", tmp.path(`${id}.pem`)]).status).toBe(0);
    const enc = tmp.openssl(["pkcs8", "-topk8", "-in", tmp.path(`${id}.pem`), ...pkcs8Args, "-passout", "pass:secret", "-out", tmp.path(`${id}.enc.pem`)]);
    expect(enc.status, enc.stderr).toBe(0);
    expect(await codeOf(decryptPrivateKey(tmp.read(`${id}.enc.pem`).toString("utf8"), "secret"))).toBe(code);
  });
});

describe("hostile and broken input", () => {
  let pem: string;
  beforeAll(async () => {
    pem = await encryptPrivateKey(pkcs8, PASS, FAST);
  });

  it("refuses an unencrypted key with ERR_KEY_INVALID (never stored in clear)", async () => {
    const clearPem = encodePem(pkcs8, "PRIVATE KEY");
    const traditional = encodePem(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), "EC PRIVATE KEY");
    for (const text of [clearPem, traditional, new TextEncoder().encode(clearPem), pkcs8]) {
      try {
        await decryptPrivateKey(text, PASS);
        expect.unreachable();
      } catch (err) {
        expect((err as LicenceError).code).toBe("ERR_KEY_INVALID");
        expect((err as LicenceError).details["reason"]).toBe("unencrypted");
      }
    }
    expect(isEncryptedPrivateKeyPem(clearPem)).toBe(false);
  });

  it("refuses legacy OpenSSL PEM encryption (Proc-Type / DEK-Info)", async () => {
    const legacy = `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n`;
    expect(await codeOf(decryptPrivateKey(legacy, PASS))).toBe("ERR_ALGORITHM_UNSUPPORTED");
    expect(isEncryptedPrivateKeyPem(legacy)).toBe(false);
  });

  it("refuses truncated, garbage and ambiguous PEM with ERR_INPUT_MALFORMED", async () => {
    const lines = pem.split("\n");
    const cases = [
      "",
      "garbage",
      pem.slice(0, pem.length / 2), // cut off: no END line
      [...lines.slice(0, 3), ...lines.slice(-2)].join("\n"), // body cut short
      pem.replace("MI", "M!"), // not base64
      pem.replace(/\n-----END/, "=\n-----END"), // bad padding
      pem.replace("END ENCRYPTED", "END"), // END label differs
      pem + pem, // two keys
      encodePem(new Uint8Array(0), "ENCRYPTED PRIVATE KEY"),
      encodePem(crypto.getRandomValues(new Uint8Array(200)), "ENCRYPTED PRIVATE KEY"),
      encodePem(derOf(pem), "CERTIFICATE"),
    ];
    for (const text of cases) expect(await codeOf(decryptPrivateKey(text, PASS)), JSON.stringify(text.slice(0, 80))).toBe("ERR_INPUT_MALFORMED");
    expect(isEncryptedPrivateKeyPem(pem + pem)).toBe(false);
    expect(isEncryptedPrivateKeyPem("garbage")).toBe(false);
  });

  it("refuses DER with trailing bytes, BER forms, or a ciphertext cut short", async () => {
    const der = derOf(pem);
    const trailing = new Uint8Array([...der, 0]);
    // The same structure with an indefinite-length outer SEQUENCE (BER, not DER).
    const indefinite = new Uint8Array([0x30, 0x80, ...der.subarray(der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2), 0, 0]);
    const info = parseEncryptedPrivateKeyInfo(der);
    const short = encodeEncryptedPrivateKeyInfo({ params: info.params, encryptedData: info.encryptedData.subarray(0, info.encryptedData.length - 5) });
    const empty = encodeEncryptedPrivateKeyInfo({ params: info.params, encryptedData: new Uint8Array(0) });
    const badIv = withParams(pem, { iv: new Uint8Array(8) });
    const shortSalt = withParams(pem, { salt: new Uint8Array(4) });
    for (const [i, bytes] of [trailing, indefinite, short, empty, badIv, shortSalt].entries()) expect(await codeOf(decryptPrivateKey(bytes, PASS)), `case ${i}`).toBe("ERR_INPUT_MALFORMED");
  });

  it("refuses huge iteration counts at once, before any key derivation", async () => {
    for (const iterations of [10_000_001, 2 ** 40, Number.POSITIVE_INFINITY]) {
      const der = iterations === Number.POSITIVE_INFINITY ? hugeIterationDer(derOf(pem)) : withParams(pem, { iterations });
      const start = performance.now();
      expect(await codeOf(decryptPrivateKey(der, PASS))).toBe("ERR_INPUT_TOO_LARGE");
      expect(performance.now() - start).toBeLessThan(1500); // refused before any key derivation (10M iterations take seconds)
    }
  });

  it("refuses input over 64 KiB with ERR_INPUT_TOO_LARGE", async () => {
    expect(await codeOf(decryptPrivateKey("x".repeat(65 * 1024) + pem, PASS))).toBe("ERR_INPUT_TOO_LARGE");
    expect(await codeOf(decryptPrivateKey(new Uint8Array(65 * 1024).fill(0x30), PASS))).toBe("ERR_INPUT_TOO_LARGE");
    expect(isEncryptedPrivateKeyPem("x".repeat(65 * 1024) + pem)).toBe(false);
  });

  it("stays linear on many unterminated BEGIN lines", async () => {
    const text = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n".repeat(1600);
    const start = performance.now();
    expect(await codeOf(decryptPrivateKey(text, PASS))).toBe("ERR_INPUT_MALFORMED");
    expect(performance.now() - start).toBeLessThan(1500); // refused before any key derivation
  });

  it("answers every single-byte corruption of the DER with a coded error, never a raw exception", async () => {
    const der = derOf(pem);
    const seen = new Set<LicenceErrorCode>();
    for (let i = 0; i < der.length; i++) {
      const bad = new Uint8Array(der);
      bad[i] ^= 0x41;
      try {
        const out = await decryptPrivateKey(bad, PASS);
        // A flip in the IV's or ciphertext's first block can still decrypt to a well-formed key; never to ours.
        expect(out).not.toEqual(pkcs8);
      } catch (err) {
        expect(err, `byte ${i}`).toBeInstanceOf(LicenceError);
        seen.add((err as LicenceError).code);
      }
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining(["ERR_INPUT_MALFORMED", "ERR_PASSPHRASE_INCORRECT"]));
  });
});

/** The structure of `der` with its iteration count written as a 9-byte INTEGER (2^64 + 1). */
function hugeIterationDer(der: Uint8Array): Uint8Array {
  const { params, encryptedData } = parseEncryptedPrivateKeyInfo(der);
  const seq = (...value: asn1js.AsnType[]) => new asn1js.Sequence({ value });
  const oid = (value: string) => new asn1js.ObjectIdentifier({ value });
  const octets = (bytes: Uint8Array) => new asn1js.OctetString({ valueHex: new Uint8Array(bytes) });
  const huge = new asn1js.Integer({ valueHex: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 1]) });
  const value = seq(
    seq(oid(PBES2_OIDS.pbes2), seq(seq(oid(PBES2_OIDS.pbkdf2), seq(octets(params.salt), huge, seq(oid(PBES2_OIDS.hmacWithSHA256), new asn1js.Null()))), seq(oid(PBES2_OIDS.aes256Cbc), octets(params.iv)))),
    octets(encryptedData),
  );
  return new Uint8Array(value.toBER());
}
