/**
 * Licences signed with SM2SM3: verified here only when the caller allows SM2SM3, refused by the
 * default allow-list, and the JWS signature checked by OpenSSL's SM2 with the department
 * certificate's key (so the licence is SM2, not ECDSA over the SM2 curve).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueLicence, type IssuedLicence } from "../../src/licence/issue.js";
import { verifyLicence } from "../../src/licence/verify.js";
import { DEFAULT_ALGORITHMS, type JwsAlgorithm } from "../../src/crypto/algorithms.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, LATER, world, type World } from "../fixtures/world.js";
import { scratch, type Scratch } from "../support/openssl.js";

let w: World;
let tmp: Scratch;
let issued: IssuedLicence;
const WITH_SM2: JwsAlgorithm[] = ["ES256", "SM2SM3"];

beforeAll(async () => {
  w = await world();
  tmp = scratch();
  issued = await issueLicence(w.departments.SM2SM3.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "SM2000001", issuedAt: ISSUED_AT });
});
afterAll(() => tmp.remove());

const verify = (input: string | Record<string, unknown>, algorithms: readonly JwsAlgorithm[] = WITH_SM2) =>
  verifyLicence(input, { trustList: w.trustList, at: LATER, algorithms });

/** r‖s → ECDSA-Sig-Value, the form OpenSSL takes. */
function der(rs: Buffer): Buffer {
  const int = (b: Buffer) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    const body = v[0]! >= 0x80 ? Buffer.concat([Buffer.of(0), v]) : v;
    return Buffer.concat([Buffer.of(0x02, body.length), body]);
  };
  const seq = Buffer.concat([int(rs.subarray(0, 32)), int(rs.subarray(32))]);
  return Buffer.concat([Buffer.of(0x30, seq.length), seq]);
}

describe("SM2SM3 licences", () => {
  it("PASS, compact and archive, when the caller allows SM2SM3", async () => {
    const header = JSON.parse(Buffer.from(issued.archive.protected, "base64url").toString());
    expect(header.alg).toBe("SM2SM3");
    const compact = await verify(issued.compact);
    expect(compact.indication).toBe("PASSED");
    expect(compact.algorithm).toBe("SM2SM3");
    expect((await verify(issued.archive as unknown as Record<string, unknown>)).indication).toBe("PASSED");
  });

  it("are refused by the default allow-list (SM2 is in none)", async () => {
    expect(DEFAULT_ALGORITHMS).not.toContain("SM2SM3");
    const report = await verify(issued.compact, DEFAULT_ALGORITHMS);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("CRYPTO_CONSTRAINTS_FAILURE");
  });

  it("carry a signature OpenSSL's SM2 verifies with the department certificate (64-byte r‖s)", () => {
    const signature = Buffer.from(issued.archive.signature, "base64url");
    expect(signature).toHaveLength(64);
    tmp.write("input.txt", `${issued.archive.protected}.${issued.archive.payload}`);
    tmp.write("sig.der", der(signature));
    tmp.write("dept.pem", w.departments.SM2SM3.cert.certificatePem);
    const args = ["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-certin", "-inkey", "dept.pem", "-in", "input.txt", "-sigfile", "sig.der"];
    const ok = tmp.openssl(args);
    expect(ok.stdout.toString()).toContain("Signature Verified Successfully");
    tmp.write("input.txt", `${issued.archive.protected}.${issued.archive.payload}x`);
    expect(tmp.openssl(args).status).not.toBe(0);
  });

  it.each([
    ["one bit of s flipped", (s: Buffer) => (s[63]! ^= 1, s)],
    ["r = 0", (s: Buffer) => (s.fill(0, 0, 32), s)],
    ["s = n", (s: Buffer) => Buffer.concat([s.subarray(0, 32), Buffer.from("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123", "hex")])],
    ["63 bytes", (s: Buffer) => s.subarray(0, 63)],
    ["DER instead of r‖s", (s: Buffer) => der(s)],
  ])("FAIL with %s", async (_what, mutate) => {
    const [h, p, sig] = issued.jws.split(".") as [string, string, string];
    const bad = mutate(Buffer.from(sig, "base64url"));
    const report = await verify(`${h}.${p}.${bad.toString("base64url")}${issued.compact.slice(issued.jws.length)}`);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("SIG_CRYPTO_FAILURE");
  });
});
