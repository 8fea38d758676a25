/**
 * SM3 and SM2 against the GB/T 32905 and GM/T 0003.5 Annex A examples, both backends, and the
 * malformed signatures GB/T 32918.2 §7.1 refuses.
 */
import { describe, expect, it } from "vitest";
import { loadVector } from "@elicence/vectors/load";
import { sm3 } from "../../src/crypto/sm3.js";
import { SM2_DEFAULT_ID, createSm2Verifier, sm2PublicFromPrivate, sm2Sign, sm2Verify, sm2Za } from "../../src/crypto/sm2.js";
import { encodeSm2Pkcs8, encodeSm2Spki, parseSm2Pkcs8, parseSm2Spki } from "../../src/crypto/sm2-keys.js";
import { withSm2IdUsing } from "../../src/crypto/sm2-handle.js";
import { backend as nodeBackend } from "../../src/crypto/backend-node.js";
import { backend as webBackend } from "../../src/crypto/backend-web.js";
import { LicenceError } from "../../src/errors/errors.js";

interface Sm3Vectors {
  vectors: { msg_utf8: string; digest_hex: string }[];
}
interface Sm2Case {
  comment: string;
  msg_hex: string;
  id_utf8: string;
  r_hex: string;
  s_hex: string;
  expected: "valid" | "invalid";
}
interface Sm2Vectors {
  curve: { n: string };
  private_key_d: string;
  public_key: { x: string; y: string; spki_der_hex: string };
  ZA: string;
  message: string;
  "e = SM3(ZA || M)": string;
  k: string;
  r: string;
  s: string;
  cases: Sm2Case[];
}

const SM3 = loadVector("sm2-sm3/sm3-annexA.json") as Sm3Vectors;
const V = loadVector("sm2-sm3/sm2-gmt0003.5-annexA.json") as Sm2Vectors;
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const N = BigInt(`0x${V.curve.n}`);
const be32 = (v: bigint): string => v.toString(16).padStart(64, "0");

const d = hex(V.private_key_d);
const point = hex(`04${V.public_key.x}${V.public_key.y}`);

/** A random source that returns `k` once, then fails the test if asked again. */
function fixedK(k: Uint8Array): (length: number) => Uint8Array {
  let used = false;
  return (length) => {
    expect(used).toBe(false);
    expect(length).toBe(32);
    used = true;
    return k.slice();
  };
}

describe("SM3 (GB/T 32905-2016 Annex A)", () => {
  it.each(SM3.vectors)("digest of $msg_utf8", ({ msg_utf8, digest_hex }) => {
    const msg = utf8(msg_utf8);
    expect(toHex(sm3(msg))).toBe(digest_hex);
    expect(toHex(nodeBackend.sm3(msg))).toBe(digest_hex);
    expect(toHex(webBackend.sm3(msg))).toBe(digest_hex);
  });

  it("agrees with the native SM3 over lengths around the block and padding boundaries", () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4097]) {
      const data = nodeBackend.randomBytes(length);
      expect(toHex(sm3(data)), `length ${length}`).toBe(toHex(nodeBackend.sm3(data)));
    }
  });

  it("hashes incrementally as in one call", () => {
    const data = nodeBackend.randomBytes(300);
    const h = sm3.create();
    for (let i = 0; i < 300; i += 37) h.update(data.subarray(i, Math.min(300, i + 37)));
    expect(toHex(h.digest())).toBe(toHex(sm3(data)));
  });
});

describe("SM2 (GM/T 0003.5-2012 Annex A)", () => {
  it("derives the published public key from d", () => {
    expect(toHex(sm2PublicFromPrivate(d))).toBe(toHex(point));
  });

  it("computes the published ZA and e", () => {
    const za = sm2Za(SM2_DEFAULT_ID, point);
    expect(toHex(za).toUpperCase()).toBe(V.ZA);
    const m = utf8(V.message);
    expect(toHex(sm3(new Uint8Array([...za, ...m]))).toUpperCase()).toBe(V["e = SM3(ZA || M)"]);
  });

  it("reproduces the published r and s with the published k", () => {
    const sig = sm2Sign(d, utf8(V.message), { randomBytes: fixedK(hex(V.k)) });
    expect(toHex(sig).toUpperCase()).toBe(V.r + V.s);
  });

  it("draws k afresh when A5 rejects it (r + k = n)", () => {
    // Choose k' = n − r' for the r' that k' itself would give is infeasible; instead feed k = 0 and
    // k = n first: both are outside [1, n−1] and must be skipped without use.
    const draws = [hex(be32(0n)), hex(be32(N)), hex(V.k)];
    const sig = sm2Sign(d, utf8(V.message), { randomBytes: () => draws.shift()! });
    expect(toHex(sig).toUpperCase()).toBe(V.r + V.s);
    expect(draws).toHaveLength(0);
  });

  it("reads the published key as SubjectPublicKeyInfo and writes it back byte for byte", () => {
    const spki = hex(V.public_key.spki_der_hex);
    expect(toHex(parseSm2Spki(spki)!)).toBe(toHex(point));
    expect(toHex(encodeSm2Spki(point))).toBe(V.public_key.spki_der_hex);
    const parsed = parseSm2Pkcs8(encodeSm2Pkcs8(d))!;
    expect(toHex(parsed.privateKey)).toBe(toHex(d));
    expect(toHex(parsed.publicPoint)).toBe(toHex(point));
  });

  describe.each([nodeBackend, webBackend])("$name backend", (backend) => {
    it.each(V.cases)("verify case: $comment → $expected", async (c) => {
      const key = await backend.importPublicKey(hex(V.public_key.spki_der_hex), "SM2SM3");
      const withId = c.id_utf8 === "1234567812345678" ? key : withSm2IdUsing(key, utf8(c.id_utf8), backend.sm3);
      // Vectors give r and s as integers; r = 0 and r + n do not fit the 32-byte r‖s layout as such.
      const r = BigInt(`0x${c.r_hex}`);
      const s = BigInt(`0x${c.s_hex}`);
      const sig = r < 2n ** 256n && s < 2n ** 256n ? hex(be32(r) + be32(s)) : new Uint8Array(65);
      expect(await backend.verify(withId, hex(c.msg_hex), sig)).toBe(c.expected === "valid");
    });

    it("signs under the default ID so that the published key verifies, and refuses another ID", async () => {
      const priv = await backend.importPrivateKey(encodeSm2Pkcs8(d), "SM2SM3");
      const pub = await backend.importPublicKey(encodeSm2Spki(point), "SM2SM3");
      const msg = utf8("证照 licence");
      const sig = await backend.sign(priv, msg);
      expect(sm2Verify(point, msg, sig)).toBe(true);
      expect(await backend.verify(pub, msg, sig)).toBe(true);
      expect(await backend.verify(withSm2IdUsing(pub, utf8("ALICE123@YAHOO.COM"), backend.sm3), msg, sig)).toBe(false);
      const alice = withSm2IdUsing(priv, utf8("ALICE123@YAHOO.COM"), backend.sm3);
      const aliceSig = await backend.sign(alice, msg);
      expect(await backend.verify(pub, msg, aliceSig)).toBe(false);
      expect(sm2Verify(point, msg, aliceSig, { id: utf8("ALICE123@YAHOO.COM") })).toBe(true);
    });

    it("refuses malformed signatures: r or s zero or ≥ n, t = 0, wrong length", async () => {
      const pub = await backend.importPublicKey(encodeSm2Spki(point), "SM2SM3");
      const msg = utf8(V.message);
      const r = BigInt(`0x${V.r}`);
      const s = BigInt(`0x${V.s}`);
      const good = hex(V.r + V.s);
      expect(await backend.verify(pub, msg, good)).toBe(true);
      const bad: [string, Uint8Array][] = [
        ["r = 0", hex(be32(0n) + be32(s))],
        ["s = 0", hex(be32(r) + be32(0n))],
        ["r = n", hex(be32(N) + be32(s))],
        ["s = n", hex(be32(r) + be32(N))],
        ["s + n", hex(be32(r) + be32(s + N))],
        ["r = 2^256 - 1", hex("f".repeat(64) + be32(s))],
        ["t = r + s = n", hex(be32(r) + be32(N - r))],
        ["63 bytes", good.subarray(0, 63)],
        ["65 bytes", new Uint8Array([...good, 0])],
        ["DER form", hex(`3044022${0}${V.r}0220${V.s}`)],
        ["empty", new Uint8Array()],
      ];
      for (const [what, sig] of bad) expect(await backend.verify(pub, msg, sig), what).toBe(false);
    });

    it("refuses keys that are not SM2 keys with ERR_KEY_INVALID", async () => {
      const p256 = await nodeBackend.generateKeyPair("ES256");
      const spki = hex(V.public_key.spki_der_hex);
      const offCurve = spki.slice();
      offCurve[offCurve.length - 1]! ^= 1;
      const wrongCurve = spki.slice();
      wrongCurve[wrongCurve.indexOf(0x2d) /* last arc of 1.2.156.10197.1.301 */]! ^= 1;
      for (const bad of [p256.spki, offCurve, wrongCurve, spki.subarray(0, 40), new Uint8Array(600), new Uint8Array()]) {
        await expect(backend.importPublicKey(bad, "SM2SM3")).rejects.toSatisfy((e) => e instanceof LicenceError && e.code === "ERR_KEY_INVALID");
      }
      const zero = encodeSm2Pkcs8(d);
      zero.set(new Uint8Array(32), zero.indexOf(0x20, 20) + 1); // d = 0 inside the ECPrivateKey
      for (const bad of [p256.pkcs8, zero, encodeSm2Pkcs8(d).subarray(0, 50)]) {
        await expect(backend.importPrivateKey(bad, "SM2SM3")).rejects.toSatisfy((e) => e instanceof LicenceError && e.code === "ERR_KEY_INVALID");
      }
      // An ES256 handle cannot be made from an SM2 key either.
      await expect(backend.importPublicKey(spki, "ES256")).rejects.toBeInstanceOf(LicenceError);
    });

    it("generates keys whose signatures verify, each signature fresh", async () => {
      const pair = await backend.generateKeyPair("SM2SM3");
      expect(toHex(parseSm2Spki(pair.spki)!)).toBe(toHex(parseSm2Pkcs8(pair.pkcs8)!.publicPoint));
      const msg = utf8("a");
      const a = await backend.sign(pair.privateKey, msg);
      const b = await backend.sign(pair.privateKey, msg);
      expect(toHex(a)).not.toBe(toHex(b));
      expect(await backend.verify(pair.publicKey, msg, a)).toBe(true);
      expect(await backend.verify(pair.publicKey, msg, b)).toBe(true);
      expect(await backend.verify(pair.publicKey, utf8("b"), a)).toBe(false);
    });
  });

  it("refuses an identifier longer than ENTL can count", () => {
    expect(() => sm2Za(new Uint8Array(8192), point)).toThrow(RangeError);
    expect(sm2Verify(point, utf8("x"), hex(V.r + V.s), { id: new Uint8Array(8192) })).toBe(false);
  });

  it("a bound verifier gives the same verdicts before and after its key gets a window table", () => {
    const verify = createSm2Verifier(point)!;
    const msg = utf8(V.message);
    const good = hex(V.r + V.s);
    const bad = hex(V.r + be32(BigInt(`0x${V.s}`) + 1n));
    for (let i = 0; i < 40; i++) {
      expect(verify(msg, good), `use ${i}`).toBe(true);
      expect(verify(msg, bad), `use ${i}`).toBe(false);
    }
    expect(createSm2Verifier(new Uint8Array(65))).toBeNull();
    expect(createSm2Verifier(point, { id: utf8("ALICE123@YAHOO.COM") })!(msg, good)).toBe(false);
  });
});
