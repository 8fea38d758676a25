/**
 * Hostile input: oversized documents, deep JSON, duplicate members, base64 garbage, too many
 * signatures. Every one gives a FAILED (or INDETERMINATE) report with a stable code — never an
 * exception, never PASSED.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { verifyJades, type VerifyJadesOptions } from "../../src/jades/verify.js";
import type { JadesReport } from "../../src/jades/report.js";
import { JADES_ALGORITHMS } from "../../src/jades/digest.js";
import { AT, b64url, baseHeader, compact, flattened, general, signWith, world, type World } from "./fixtures.js";

let w: World;

beforeAll(async () => {
  w = await world();
});

const options = (extra: Partial<VerifyJadesOptions> = {}): VerifyJadesOptions => ({
  trustAnchors: [w.root.pem],
  certificates: [w.kits.ES256.cert.der],
  at: AT,
  algorithms: JADES_ALGORITHMS,
  ...extra,
});

function expectRefused(report: JadesReport, code?: string) {
  expect(report.indication).not.toBe("PASSED");
  expect(report.subIndication).toBe("FORMAT_FAILURE");
  if (code) {
    const entry = report.format ?? report.signatures[0]!.checks.find((c) => c.result === "failed");
    expect(entry?.code).toBe(code);
  }
}

const good = () => signWith(w.kits.ES256, baseHeader(w.kits.ES256), "payload");

describe("whole documents", () => {
  it.each([
    ["empty", ""],
    ["one part", "abc"],
    ["four parts", "a.b.c.d"],
    ["not JSON", "{nope"],
    ["a JSON array", "[]"],
    ["JSON null", "null"],
  ])("%s", async (_, input) => {
    expectRefused(await verifyJades(input, options()));
  });

  it("an oversized document is refused before parsing", async () => {
    const big = `${good().protected}.${"A".repeat(2 * 1024 * 1024)}.${good().signature}`;
    expectRefused(await verifyJades(big, options()), "ERR_INPUT_TOO_LARGE");
    expectRefused(await verifyJades(compact(good()), options({ maxLength: 100 })), "ERR_INPUT_TOO_LARGE");
  });

  it("deeply nested JSON is refused", async () => {
    const deep = `{"payload":"","signatures":[${"[".repeat(200)}${"]".repeat(200)}]}`;
    expectRefused(await verifyJades(deep, options()), "ERR_INPUT_TOO_LARGE");
  });

  it("duplicate members are refused, in the document and in the protected header", async () => {
    const s = good();
    const text = `{"protected":"${s.protected}","payload":"${s.payload}","payload":"${b64url("other")}","signature":"${s.signature}"}`;
    expectRefused(await verifyJades(text, options()), "duplicate-member");
    const header = `{"alg":"ES256","x5t#S256":"${w.kits.ES256.x5t}","iat":1,"alg":"none"}`;
    const forged = `${b64url(header)}.${s.payload}.${s.signature}`;
    expectRefused(await verifyJades(forged, options()), "duplicate-member");
  });

  it("unexpected members and too many signatures are refused", async () => {
    const s = good();
    expectRefused(await verifyJades({ ...flattened(s), extra: 1 }, options()), "member");
    expectRefused(await verifyJades({ ...general([s]), protected: s.protected }, options()), "member");
    expectRefused(await verifyJades({ signatures: [] }, options()), "signatures");
    const many = general(Array.from({ length: 17 }, () => s));
    expectRefused(await verifyJades(many, options()), "ERR_INPUT_TOO_LARGE");
    const sixteen = await verifyJades(general(Array.from({ length: 16 }, () => s)), options());
    expect(sixteen.indication).toBe("PASSED");
    expect(sixteen.signatures).toHaveLength(16);
  });
});

describe("one signature", () => {
  it.each([
    ["protected header not base64url", (s: { protected: string; payload: string; signature: string }) => `${s.protected}*.${s.payload}.${s.signature}`, "protected-header"],
    ["protected header with padding", (s: { protected: string; payload: string; signature: string }) => `${s.protected}=.${s.payload}.${s.signature}`, "protected-header"],
    ["protected header not JSON", (s: { protected: string; payload: string; signature: string }) => `${b64url("alg=ES256")}.${s.payload}.${s.signature}`, "protected-header"],
    ["protected header a JSON array", (s: { protected: string; payload: string; signature: string }) => `${b64url("[1]")}.${s.payload}.${s.signature}`, "protected-header"],
    ["protected header not UTF-8", (s: { protected: string; payload: string; signature: string }) => `${Buffer.from([0x7b, 0xff, 0x7d]).toString("base64url")}.${s.payload}.${s.signature}`, "protected-header"],
    ["signature not base64url", (s: { protected: string; payload: string; signature: string }) => `${s.protected}.${s.payload}.${s.signature}!`, "signature"],
    ["signature empty", (s: { protected: string; payload: string; signature: string }) => `${s.protected}.${s.payload}.`, "signature"],
    ["payload not base64url", (s: { protected: string; payload: string; signature: string }) => `${s.protected}.%%%.${s.signature}`, "payload"],
  ])("%s", async (_, make, code) => {
    const report = await verifyJades(make(good()), options());
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("FORMAT_FAILURE");
    const entry = report.format ?? report.signatures[0]!.checks.find((c) => c.result === "failed");
    expect(entry?.code).toBe(code);
  });

  it("alg none, a missing alg and an unknown alg are refused", async () => {
    const s = good();
    for (const header of [{ alg: "none" }, { alg: "ES999" }, { alg: "RSA-OAEP" }]) {
      const report = await verifyJades(`${b64url(JSON.stringify({ ...baseHeader(w.kits.ES256), ...header }))}.${s.payload}.`, options());
      expect(report.indication, header.alg).toBe("FAILED");
    }
    const noAlg = { ...baseHeader(w.kits.ES256) } as Record<string, unknown>;
    delete noAlg.alg;
    const report = await verifyJades(`${b64url(JSON.stringify(noAlg))}.${s.payload}.${s.signature}`, options());
    expect(report.subIndication).toBe("FORMAT_FAILURE");
  });

  it("a header member repeated in the unprotected header is refused (RFC 7515 §7.2.1)", async () => {
    const s = good();
    expectRefused(await verifyJades(flattened(s, { alg: "ES256" }), options()), "header-not-disjoint");
    expectRefused(await verifyJades(flattened(s, { etsiU: [{ xVals: [{ x509Cert: { val: "AAAA" } }] }], "x5t#S256": "x" }), options()), "header-not-disjoint");
  });

  it("an oversized protected header is refused", async () => {
    const header = baseHeader(w.kits.ES256, { padding: "x".repeat(70_000) });
    const s = signWith(w.kits.ES256, header, "p");
    expectRefused(await verifyJades(compact(s), options()), "protected-header-size");
  });

  it("an ECDSA signature of the wrong length, or in DER form, does not verify", async () => {
    const s = good();
    const der = Buffer.concat([Buffer.from([0x30, 0x44, 0x02, 0x20]), Buffer.from(s.signature, "base64url").subarray(0, 32), Buffer.from([0x02, 0x20]), Buffer.from(s.signature, "base64url").subarray(32)]);
    for (const signature of [b64url(Buffer.from(s.signature, "base64url").subarray(0, 63)), der.toString("base64url")]) {
      const report = await verifyJades(`${s.protected}.${s.payload}.${signature}`, options());
      expect(report.subIndication).toBe("SIG_CRYPTO_FAILURE");
    }
  });

  it("options that are not options are a TypeError, not a verdict", async () => {
    await expect(verifyJades(compact(good()), { ...options(), at: new Date("x") })).rejects.toThrow(TypeError);
    await expect(verifyJades(compact(good()), { ...options(), algorithms: [] })).rejects.toThrow(TypeError);
    await expect(verifyJades(42 as never, options())).rejects.toThrow(TypeError);
  });
});
