/**
 * The unsigned properties (`etsiU`, ETSI TS 119 182-1 clause 5.3): signature and archive
 * time-stamps from a real OpenSSL TSA, certificate values, revocation values as real CRLs, and
 * counter-signatures — verified through the injected verifiers, INDETERMINATE without them, and
 * FORMAT_FAILURE when malformed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyJades, type VerifyJadesOptions } from "../../src/jades/verify.js";
import type { JadesReport } from "../../src/jades/report.js";
import { JADES_ALGORITHMS } from "../../src/jades/digest.js";
import { createLeaf } from "../x509/fixtures.js";
import { AT, b64, b64url, baseHeader, compact, flattened, keyPair, signWith, world, x5tOf, type Kit, type World } from "./fixtures.js";
import { createCrl, createOpensslTsa, crlChecker, type OpensslTsa } from "./openssl-evidence.js";

let w: World;
let tsa: OpensslTsa;
const PAYLOAD = JSON.stringify({ decision: "准予许可" });
const NOW = new Date();

beforeAll(async () => {
  w = await world();
  tsa = await createOpensslTsa(w.root);
}, 60_000);
afterAll(() => tsa?.remove());

const options = (extra: Partial<VerifyJadesOptions> = {}): VerifyJadesOptions => ({
  trustAnchors: [w.root.pem],
  certificates: [w.kits.ES256.cert.der],
  at: AT,
  algorithms: JADES_ALGORITHMS,
  ...extra,
});
const check = (r: JadesReport, name: string) => r.signatures[0]!.checks.find((c) => c.check === name)!;
const enc = (value: unknown) => b64url(JSON.stringify(value));

function signed(kit: Kit = w.kits.ES256, header = baseHeader(kit)) {
  return signWith(kit, header, PAYLOAD);
}
const sigTst = (token: Uint8Array) => ({ sigTst: { tstTokens: [{ val: b64(token) }] } });

describe("sigTst (clause 5.3.4)", () => {
  it("without a verifier of its own, core's RFC 3161 verification checks the token: never PASSED on it unchecked", async () => {
    const s = signed();
    // The OpenSSL TSA stamps with the real clock, after the validation time NOW: core refuses that.
    const report = await verifyJades(flattened(s, { etsiU: [sigTst(tsa.stamp(Buffer.from(s.signature, "ascii")))] }), options());
    expect(report.indication).toBe("FAILED");
    expect(check(report, "signature-timestamp").code).toBe("GEN_TIME_IN_FUTURE");
    expect(report.signatures[0]!.level).toBeUndefined();
  });

  it("a token over the base64url signature value, verified by OpenSSL, gives B-T and a proof of existence", async () => {
    const s = signed();
    for (const etsiU of [[sigTst(tsa.stamp(Buffer.from(s.signature, "ascii")))], [enc(sigTst(tsa.stamp(Buffer.from(s.signature, "ascii"))))]]) {
      const report = await verifyJades(flattened(s, { etsiU }), options({ timestamps: tsa.verifier }));
      expect(report.indication).toBe("PASSED");
      expect(report.signatures[0]!.level).toBe("B-T");
      const poe = Date.parse(report.signatures[0]!.proofOfExistence!);
      expect(Math.abs(poe - NOW.getTime())).toBeLessThan(10 * 60_000);
    }
  });

  it("a token over other data does not verify: FAILED", async () => {
    const s = signed();
    const report = await verifyJades(flattened(s, { etsiU: [sigTst(tsa.stamp(Buffer.from("other", "ascii")))] }), options({ timestamps: tsa.verifier }));
    expect(report.indication).toBe("FAILED");
    expect(check(report, "signature-timestamp")).toMatchObject({ result: "failed", code: "openssl-ts-verify" });
  });

  it("a claimed signing time after the time-stamp's time fails", async () => {
    const kit = w.kits.ES256;
    const s = signed(kit, baseHeader(kit, { iat: Math.floor(NOW.getTime() / 1000) + 86_400 }));
    const report = await verifyJades(flattened(s, { etsiU: [sigTst(tsa.stamp(Buffer.from(s.signature, "ascii")))] }), options({ timestamps: tsa.verifier }));
    expect(report.subIndication).toBe("SIG_CONSTRAINTS_FAILURE");
    expect(check(report, "signing-time").code).toBe("signing-time-after-timestamp");
  });

  it("a certificate expired at the validation time passes when a time-stamp proves the signature existed while it was valid", async () => {
    const { pair, key } = await keyPair("ES256");
    const cert = await createLeaf(w.root, "CN=Short-lived signer,O=eLicence Tests,C=CN", {
      key: pair,
      notBefore: new Date(NOW.getTime() - 86_400_000),
      notAfter: new Date(NOW.getTime() + 86_400_000),
    });
    const kit: Kit = { alg: "ES256", cert, key, x5t: x5tOf(cert.der) };
    const s = signWith(kit, { ...baseHeader(kit), iat: Math.floor(NOW.getTime() / 1000) - 60 }, PAYLOAD);
    const later = new Date(NOW.getTime() + 3 * 365 * 86_400_000);
    const bare = await verifyJades(flattened(s), options({ certificates: [cert.der], at: later }));
    expect([bare.indication, bare.subIndication]).toEqual(["INDETERMINATE", "OUT_OF_BOUNDS_NO_POE"]);
    const stamped = flattened(s, { etsiU: [sigTst(tsa.stamp(Buffer.from(s.signature, "ascii")))] });
    const report = await verifyJades(stamped, options({ certificates: [cert.der], at: later, timestamps: tsa.verifier }));
    expect(report.indication).toBe("PASSED");
    expect(check(report, "certificate-path").code).toBe("POE");
  });

  it.each([
    [{ sigTst: {} }],
    [{ sigTst: { tstTokens: [] } }],
    [{ sigTst: { tstTokens: [{ val: "not base64!" }] } }],
    [{ sigTst: { tstTokens: [{ val: "AAAA", encoding: "http://example.com/ber" }] } }],
    [{ sigTst: { tstTokens: [{ val: "AAAA" }], other: 1 } }],
  ])("a garbage sigTst %j is a FORMAT_FAILURE, never ignored", async (item) => {
    const report = await verifyJades(flattened(signed(), { etsiU: [item] }), options({ timestamps: tsa.verifier }));
    expect([report.indication, report.subIndication]).toEqual(["FAILED", "FORMAT_FAILURE"]);
  });
});

describe("xVals and rVals (clause 5.3.5), B-LT", () => {
  it("the signing certificate can come from xVals alone", async () => {
    const s = signed();
    const etsiU = [{ xVals: [{ x509Cert: { val: b64(w.kits.ES256.cert.der) } }] }];
    expect((await verifyJades(flattened(s, { etsiU }), options({ certificates: [] }))).indication).toBe("PASSED");
    expect((await verifyJades(flattened(s), options({ certificates: [] }))).subIndication).toBe("NO_SIGNING_CERTIFICATE_FOUND");
  });

  it("revocation values without a checker are INDETERMINATE; with a CRL checker and a time-stamp, B-LT", async () => {
    const s = signed();
    const crl = await createCrl(w.root, [], new Date(NOW.getTime() - 3_600_000));
    const etsiU = [
      sigTst(tsa.stamp(Buffer.from(s.signature, "ascii"))),
      { xVals: [{ x509Cert: { val: b64(w.kits.ES256.cert.der) } }] },
      { rVals: { crlVals: [{ val: b64(crl) }] } },
    ];
    const unchecked = await verifyJades(flattened(s, { etsiU }), options({ timestamps: tsa.verifier }));
    // Core's own checker by default. OpenSSL dates the CRL with the real clock, after the validation
    // time NOW: not current at NOW, but gathered after the time-stamp while the certificate was valid,
    // so it settles the status at the proven time (past validation, EN 319 102-1 §5.6.2.4).
    expect(unchecked.indication).toBe("PASSED");
    expect(unchecked.signatures[0]!.level).toBe("B-LT");
    // Without the time-stamp nothing is proven, and the same CRL is not current: fail closed.
    const unstamped = await verifyJades(flattened(s, { etsiU: etsiU.slice(1) }), options({ timestamps: tsa.verifier }));
    expect([unstamped.indication, unstamped.subIndication]).toEqual(["INDETERMINATE", "TRY_LATER"]);
    expect(check(unstamped, "revocation").code).toBe("REVOCATION_UNKNOWN");
    const report = await verifyJades(flattened(s, { etsiU }), options({ timestamps: tsa.verifier, revocation: crlChecker }));
    expect(report.indication).toBe("PASSED");
    expect(report.signatures[0]!.level).toBe("B-LT");
  });

  it("a revoked signing certificate: REVOKED_NO_POE without a time-stamp, PASSED when revoked after it, FAILED when before", async () => {
    const s = signed();
    const serialNumber = w.kits.ES256.cert.cert.serialNumber;
    const crlAt = async (revokedAt: Date) => b64(await createCrl(w.root, [{ serialNumber, at: revokedAt }], new Date(NOW.getTime() - 60_000)));
    const token = tsa.stamp(Buffer.from(s.signature, "ascii"));
    const withCrl = async (revokedAt: Date, stamped: boolean) =>
      flattened(s, { etsiU: [...(stamped ? [sigTst(token)] : []), { rVals: { crlVals: [{ val: await crlAt(revokedAt) }] } }] });
    const noPoe = await verifyJades(await withCrl(new Date(NOW.getTime() - 86_400_000), false), options({ revocation: crlChecker }));
    expect([noPoe.indication, noPoe.subIndication]).toEqual(["INDETERMINATE", "REVOKED_NO_POE"]);
    const after = await verifyJades(await withCrl(new Date(NOW.getTime() + 60_000), true), options({ revocation: crlChecker, timestamps: tsa.verifier }));
    expect(after.indication).toBe("PASSED");
    expect(check(after, "revocation").code).toBe("REVOKED_AFTER_POE");
    const before = await verifyJades(await withCrl(new Date(NOW.getTime() - 86_400_000), true), options({ revocation: crlChecker, timestamps: tsa.verifier }));
    expect([before.indication, before.subIndication]).toEqual(["FAILED", "REVOKED"]);
  });

  it("a checker with no evidence from the issuer answers TRY_LATER", async () => {
    const report = await verifyJades(flattened(signed()), options({ revocation: crlChecker }));
    expect([report.indication, report.subIndication]).toEqual(["INDETERMINATE", "TRY_LATER"]);
  });

  it.each([
    [{ xVals: [] }],
    [{ xVals: [{ x509Cert: { val: "AAAA" } }] }],
    [{ xVals: [{ otherCert: { val: "AAAA" } }] }],
    [{ rVals: {} }],
    [{ rVals: { crlVals: [{ val: "%%%" }] } }],
    [{ rVals: { ocspVals: "x" } }],
  ])("malformed %j", async (item) => {
    const report = await verifyJades(flattened(signed(), { etsiU: [item] }), options());
    expect(report.subIndication).toBe("FORMAT_FAILURE");
  });
});

describe("arcTst (clause 5.3.6), B-LTA", () => {
  it("an archive time-stamp over the signature and the base64url etsiU elements before it", async () => {
    const s = signed();
    const crl = await createCrl(w.root, [], new Date(NOW.getTime() - 3_600_000));
    const before = [
      enc(sigTst(tsa.stamp(Buffer.from(s.signature, "ascii")))),
      enc({ xVals: [{ x509Cert: { val: b64(w.kits.ES256.cert.der) } }] }),
      enc({ rVals: { crlVals: [{ val: b64(crl) }] } }),
    ];
    // Clause 5.3.6.3.1: payload (base64url) '.' protected '.' signature '.' preceding etsiU elements.
    const covered = Buffer.from(`${s.payload}.${s.protected}.${s.signature}.${before.join("")}`, "ascii");
    const etsiU = [...before, enc({ arcTst: { tstContainer: { tstTokens: [{ val: b64(tsa.stamp(covered)) }] }, timeStamped: "all" } })];
    const report = await verifyJades(flattened(s, { etsiU }), options({ timestamps: tsa.verifier, revocation: crlChecker }));
    expect(report.indication).toBe("PASSED");
    expect(report.signatures[0]!.level).toBe("B-LTA");
    const stale = [...before, enc({ arcTst: { tstContainer: { tstTokens: [{ val: b64(tsa.stamp(Buffer.from(`${s.payload}.${s.protected}.${s.signature}.`, "ascii"))) }] } } })];
    expect((await verifyJades(flattened(s, { etsiU: stale }), options({ timestamps: tsa.verifier, revocation: crlChecker }))).indication).toBe("FAILED");
  });

  it("over clear etsiU elements (canonicalisation not supported) it is INDETERMINATE", async () => {
    const s = signed();
    const etsiU = [sigTst(tsa.stamp(Buffer.from(s.signature, "ascii"))), { arcTst: { tstContainer: { tstTokens: [{ val: b64(tsa.stamp(Buffer.from("x"))) }] } } }];
    const report = await verifyJades(flattened(s, { etsiU }), options({ timestamps: tsa.verifier }));
    expect(report.indication).toBe("INDETERMINATE");
    expect(check(report, "archive-timestamp").code).toBe("arcTst-clear-etsiU");
  });

  it("an arcTst with timeStamped other than all, other members or an empty tstContainer is a FORMAT_FAILURE", async () => {
    const s = signed();
    const token = { tstTokens: [{ val: b64(tsa.stamp(Buffer.from("x"))) }] };
    for (const arcTst of [{ ...token, other: 1 }, { tstContainer: token, timeStamped: "previousArcTst" }, { tstContainer: token, other: 1 }, { tstContainer: {} }]) {
      const etsiU = [enc(sigTst(tsa.stamp(Buffer.from(s.signature, "ascii")))), enc({ arcTst })];
      const report = await verifyJades(flattened(s, { etsiU }), options({ timestamps: tsa.verifier }));
      expect(report.subIndication, JSON.stringify(arcTst)).toBe("FORMAT_FAILURE");
    }
  });
});

describe("cSig (clause 5.3.2): counter-signatures, verified recursively", () => {
  function counterSign(master: { signature: string }, kit: Kit, payload?: string) {
    const value = Buffer.from(master.signature, "base64url");
    const c = signWith(kit, baseHeader(kit), value, { detached: payload === undefined });
    return payload === undefined ? compact(c) : compact({ ...c, payload });
  }

  it("a counter-signature over the signature value, detached or attached, compact or JSON", async () => {
    const s = signed();
    const opts = options({ certificates: [w.kits.ES256.cert.der, w.kits.PS256.cert.der] });
    const detached = counterSign(s, w.kits.PS256);
    const attached = counterSign(s, w.kits.PS256, s.signature);
    const asObject = flattened(signWith(w.kits.EdDSA, baseHeader(w.kits.EdDSA), Buffer.from(s.signature, "base64url"), { detached: true }));
    for (const cSig of [detached, attached, asObject]) {
      const report = await verifyJades(flattened(s, { etsiU: [{ cSig }] }), { ...opts, certificates: [...opts.certificates!, w.kits.EdDSA.cert.der] });
      expect(report.indication).toBe("PASSED");
      expect(report.signatures[0]!.counterSignatures).toHaveLength(1);
      expect(report.signatures[0]!.counterSignatures[0]!.indication).toBe("PASSED");
    }
  });

  it("a counter-signature of another signature, or garbage, fails the signature it sits in", async () => {
    const s = signed();
    const other = signed();
    const opts = options({ certificates: [w.kits.ES256.cert.der, w.kits.PS256.cert.der] });
    const wrong = await verifyJades(flattened(s, { etsiU: [{ cSig: counterSign(other, w.kits.PS256) }] }), opts);
    expect(wrong.indication).toBe("FAILED");
    expect(wrong.signatures[0]!.counterSignatures[0]!.subIndication).toBe("SIG_CRYPTO_FAILURE");
    const attachedWrong = await verifyJades(flattened(s, { etsiU: [{ cSig: counterSign(s, w.kits.PS256, other.signature) }] }), opts);
    expect(attachedWrong.signatures[0]!.counterSignatures[0]!.checks.find((c) => c.check === "signed-data")!.code).toBe("counter-signed-value");
    for (const cSig of ["not-a-jws", 12, { signatures: [] }]) {
      const report = await verifyJades(flattened(s, { etsiU: [{ cSig }] }), opts);
      expect(report.indication, JSON.stringify(cSig)).toBe("FAILED");
    }
  });
});

describe("etsiU shape", () => {
  it.each([
    ["not an array", { etsiU: { sigTst: {} } }],
    ["empty", { etsiU: [] }],
    ["mixed clear and encoded", { etsiU: [{ xVals: [] }, enc({ xVals: [] })] }],
    ["two properties in one element", { etsiU: [{ xVals: [], rVals: {} }] }],
    ["an unknown property", { etsiU: [{ sigSomething: {} }] }],
    ["not base64url JSON", { etsiU: ["!!!"] }],
    ["an unexpected unprotected member", { etsiU: [{ cSig: "a.b.c" }], other: 1 }],
  ])("%s is a FORMAT_FAILURE", async (_, header) => {
    const report = await verifyJades(flattened(signed(), header), options());
    expect(report.subIndication).toBe("FORMAT_FAILURE");
  });

  it("a property TS 119 182-1 defines but this validator does not evaluate is INDETERMINATE", async () => {
    const report = await verifyJades(flattened(signed(), { etsiU: [{ tstVD: { xVals: [] } }] }), options());
    expect(report.indication).toBe("INDETERMINATE");
    expect(check(report, "format").code).toBe("unsupported:tstVD");
  });
});
