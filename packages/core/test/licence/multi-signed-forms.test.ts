/**
 * archiveOfCompacts: a dual-signed licence's compact forms (one per signature, as the registry
 * hands them out) joined into its general-serialisation archive, which verifies as the issuer's
 * own archive does; forms that are not one licence's are refused with a typed error.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { issueMultiSignedLicence, type MultiSignedLicence } from "../../src/licence/multi-signed.js";
import { verifyMultiSignedLicence } from "../../src/licence/multi-signed-verify.js";
import { archiveOfCompacts, isMultiSignatureReport } from "../../src/licence/multi-signed-forms.js";
import { LicenceError } from "../../src/errors/errors.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, LATER, world, type World } from "../fixtures/world.js";

let w: World;
let dual: MultiSignedLicence;

beforeAll(async () => {
  w = await world();
  dual = await issueMultiSignedLicence([w.departments.ES256.context, w.departments.SM2SM3.context], { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "DUAL000002", issuedAt: ISSUED_AT });
});

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof LicenceError ? err.code : "not a LicenceError";
  }
  return "no error";
};

describe("archiveOfCompacts", () => {
  it("joins the compact forms into the archive the issuer made, which PASSES with either algorithm allowed", async () => {
    const archive = archiveOfCompacts(dual.compacts.map((licence) => ({ licence })));
    expect(archive.payload).toBe(dual.archive.payload);
    expect(archive.signatures.map((s) => [s.protected, s.signature, s.header.disclosures])).toEqual(dual.archive.signatures.map((s) => [s.protected, s.signature, s.header.disclosures]));
    for (const algorithms of [["ES256"], ["SM2SM3"]] as const) {
      const report = await verifyMultiSignedLicence(archive, { trustList: w.trustList, at: LATER, algorithms });
      expect(report.indication).toBe("PASSED");
      expect(isMultiSignatureReport(report)).toBe(true);
    }
  });

  it("puts each signature's time-stamp token in its own etsiU", () => {
    const archive = archiveOfCompacts([{ licence: dual.compacts[0]!, signatureTimestamp: "MIIB" }, { licence: dual.compacts[1]! }]);
    expect(archive.signatures[0]!.header.etsiU).toEqual([{ sigTst: { tstTokens: [{ val: "MIIB" }] } }]);
    expect(archive.signatures[1]!.header.etsiU).toBeUndefined();
  });

  it("refuses forms that are not one licence's: other payload, other disclosures, not compact, too many, hostile values", () => {
    const [a, b] = dual.compacts as [string, string];
    const [jws, ...rest] = b.split("~");
    const otherPayload = `${jws!.split(".")[0]}.${Buffer.from("{}").toString("base64url")}.${jws!.split(".")[2]}~${rest.join("~")}`;
    const fewerDisclosures = `${jws}~${rest.slice(1).join("~")}`;
    expect(code(() => archiveOfCompacts([{ licence: a }, { licence: otherPayload }]))).toBe("ERR_JWS_INVALID");
    expect(code(() => archiveOfCompacts([{ licence: a }, { licence: fewerDisclosures }]))).toBe("ERR_JWS_INVALID");
    expect(code(() => archiveOfCompacts([{ licence: a }, { licence: "not.a jws" }]))).toBe("ERR_JWS_INVALID");
    expect(code(() => archiveOfCompacts([]))).toBe("ERR_JWS_INVALID");
    expect(code(() => archiveOfCompacts(Array.from({ length: 5 }, () => ({ licence: a }))))).toBe("ERR_JWS_INVALID");
    expect(code(() => archiveOfCompacts([{ licence: `${a}${"x".repeat(1024 * 1024)}` }]))).toBe("ERR_JWS_INVALID");
    expect(code(() => archiveOfCompacts([{ licence: a, signatureTimestamp: "<script>" }]))).toBe("ERR_JWS_INVALID");
    expect(code(() => archiveOfCompacts([{ licence: 42 as unknown as string }]))).toBe("ERR_JWS_INVALID");
    expect(code(() => archiveOfCompacts(null as never))).toBe("ERR_JWS_INVALID");
  });
});
