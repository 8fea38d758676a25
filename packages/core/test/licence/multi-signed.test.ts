/**
 * A licence signed by one department with an SM2SM3 and an ES256 key: verified by a verifier that
 * allows only ES256, only SM2SM3, both; one bad signature FAILS it whatever the allow-list.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { issueMultiSignedLicence, type MultiSignedLicence } from "../../src/licence/multi-signed.js";
import { verifyMultiSignedLicence, type MultiSignatureReport } from "../../src/licence/multi-signed-verify.js";
import { verifyLicence } from "../../src/licence/verify.js";
import type { JwsAlgorithm } from "../../src/crypto/algorithms.js";
import { LicenceError } from "../../src/errors/errors.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, LATER, world, type World } from "../fixtures/world.js";

let w: World;
let dual: MultiSignedLicence;

beforeAll(async () => {
  w = await world();
  dual = await issueMultiSignedLicence([w.departments.SM2SM3.context, w.departments.ES256.context], {
    type: BUSINESS,
    holder: HOLDER,
    fields: FIELDS,
    serial: "DUAL000001",
    issuedAt: ISSUED_AT,
  });
});

const verify = (input: unknown, algorithms: JwsAlgorithm[]) => verifyMultiSignedLicence(input as Record<string, unknown>, { trustList: w.trustList, at: LATER, algorithms });
const flip = (b64: string) => `${b64.slice(0, 5)}${b64[5] === "A" ? "B" : "A"}${b64.slice(6)}`;

describe("dual-signed licences (SM2SM3 + ES256)", () => {
  it("carry one payload and two protected headers in the general serialisation", () => {
    expect(dual.archive.signatures).toHaveLength(2);
    const algs = dual.archive.signatures.map((s) => JSON.parse(Buffer.from(s.protected, "base64url").toString()).alg);
    expect(algs).toEqual(["SM2SM3", "ES256"]);
    expect(dual.compacts).toHaveLength(2);
  });

  it.each<[string, JwsAlgorithm[], boolean[]]>([
    ["only ES256", ["ES256"], [false, true]],
    ["only SM2SM3", ["SM2SM3"], [true, false]],
    ["both", ["ES256", "SM2SM3"], [true, true]],
  ])("PASS for a verifier allowing %s, every signature reported", async (_name, algorithms, allowed) => {
    const report = await verify(JSON.parse(JSON.stringify(dual.archive)), algorithms);
    expect(report.indication).toBe("PASSED");
    expect(report.signatures.map((s) => [s.algorithm, s.allowed, s.indication])).toEqual([
      ["SM2SM3", allowed[0], "PASSED"],
      ["ES256", allowed[1], "PASSED"],
    ]);
    expect(report.licence!.id).toBe(dual.id);
  });

  it("verifyLicence hands the general serialisation over and reports each signature; malformed, FORMAT_FAILURE", async () => {
    const opts = { trustList: w.trustList, at: LATER, algorithms: ["ES256"] as JwsAlgorithm[] };
    const report = (await verifyLicence(JSON.stringify(dual.archive), opts)) as MultiSignatureReport;
    expect(report.indication).toBe("PASSED");
    expect(report.signatures.map((s) => s.indication)).toEqual(["PASSED", "PASSED"]);
    const bad = await verifyLicence({ payload: dual.archive.payload, signatures: [], extra: 1 }, opts);
    expect(bad.indication).toBe("FAILED");
    expect(bad.subIndication).toBe("FORMAT_FAILURE");
  });

  it("FAIL for a verifier that allows neither", async () => {
    const report = await verify(dual.archive, ["EdDSA"]);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("CRYPTO_CONSTRAINTS_FAILURE");
  });

  it.each([0, 1])("FAIL when signature %i is bad, whatever the allow-list", async (bad) => {
    const signatures = dual.archive.signatures.map((s, i) => (i === bad ? { ...s, signature: flip(s.signature) } : s));
    for (const algorithms of [["ES256"], ["SM2SM3"], ["ES256", "SM2SM3"]] as JwsAlgorithm[][]) {
      const report = await verify({ payload: dual.archive.payload, signatures }, algorithms);
      expect(report.indication, algorithms.join()).toBe("FAILED");
      expect(report.subIndication).toBe("SIG_CRYPTO_FAILURE");
      expect(report.signatures[bad]!.indication).toBe("FAILED");
    }
  });

  it("each compact form verifies alone under its own algorithm", async () => {
    const opts = (algorithms: JwsAlgorithm[]) => ({ trustList: w.trustList, at: LATER, algorithms });
    expect((await verifyLicence(dual.compacts[0]!, opts(["SM2SM3"]))).indication).toBe("PASSED");
    expect((await verifyLicence(dual.compacts[1]!, opts(["ES256"]))).indication).toBe("PASSED");
    expect((await verifyLicence(dual.compacts[0]!, opts(["ES256"]))).indication).toBe("FAILED");
  });

  it("refuses malformed archives with ERR_JWS_INVALID", async () => {
    const s = dual.archive.signatures;
    const bad: unknown[] = [
      { payload: dual.archive.payload, signatures: [], x: 1 },
      { payload: dual.archive.payload, signatures: [] },
      { payload: dual.archive.payload, signatures: [...s, ...s, s[0]] },
      { payload: dual.archive.payload, signatures: [{ ...s[0], extra: 1 }] },
      { payload: dual.archive.payload, signatures: [s[0], { ...s[1], header: { ...s[1]!.header, disclosures: [] } }] },
      { payload: 5, signatures: s },
    ];
    for (const input of bad) await expect(verify(input, ["ES256"])).rejects.toSatisfy((e) => e instanceof LicenceError && e.code === "ERR_JWS_INVALID");
  });

  it("refuses contexts of two departments or the same certificate twice", async () => {
    const input = { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "DUAL2", issuedAt: ISSUED_AT };
    await expect(issueMultiSignedLicence([w.departments.ES256.context, w.departments.other.context], input)).rejects.toBeInstanceOf(TypeError);
    await expect(issueMultiSignedLicence([w.departments.ES256.context, w.departments.ES256.context], input)).rejects.toBeInstanceOf(TypeError);
  });
});
