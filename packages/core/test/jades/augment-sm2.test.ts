/**
 * An all-SM2 licence to B-LTA: an SM2 root, an SM2 department, an SM2 TSA (SM3withSM2 tokens) and
 * the SM2 CA's own CRL and OCSP answers as revocation values. `verifyJades` reports B-LTA PASSED when
 * the caller lists SM2SM3, and refuses the signature's algorithm when it does not; `augmentJades`
 * refuses to augment an SM2 signature it was not told to accept. In 2045, past the department
 * certificate's end, the SM2 evidence alone keeps the licence PASSED.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createCrl, createDepartmentCertificate, createOcspResponse, createRootCa, createTimestampAuthority, createTsaCertificate, type DevPkiCertificate, type TimestampAuthority } from "@elicence/pki";
import { augmentJades, type AugmentJadesOptions, type AugmentLevel } from "../../src/jades/augment.js";
import { verifyJades } from "../../src/jades/verify.js";
import type { JadesReport } from "../../src/jades/report.js";
import { createKeySigner } from "../../src/jws/jws.js";
import { createIssuingContext, issueLicence, type IssuedLicence } from "../../src/licence/issue.js";
import { LICENCE_TYP } from "../../src/licence/model.js";
import { createTimestampRequest, readTimestampResponse } from "../../src/timestamp.js";
import { parseTimestampToken } from "../../src/timestamp/token.js";
import { parseCrl } from "../../src/revocation/crl.js";
import { decodeDer, readOid } from "../../src/encoding/der.js";
import { parseOcspResponse } from "../../src/revocation/ocsp.js";
import type { RevocationFetcher } from "../../src/revocation.js";
import type { SignatureAlgorithm } from "../../src/crypto/algorithms.js";
import { isLicenceError } from "../../src/errors/errors.js";
import { BUSINESS, DEPT, FIELDS, HOLDER } from "../fixtures/world.js";

const T0 = new Date("2026-01-01T00:00:00Z");
const ISSUED_AT = new Date("2026-03-01T08:00:00Z");
const STAMPED = new Date("2026-03-01T08:00:30Z");
const SOON = new Date("2026-03-01T09:00:00Z");
const IN_2045 = new Date("2045-06-01T00:00:00Z");
const URLS = { crl: "http://ca.test/pki/crl", ocsp: "http://ca.test/pki/ocsp" };
const OID_SM3_WITH_SM2 = "1.2.156.10197.1.501";

let root: DevPkiCertificate;
let dept: DevPkiCertificate;
let issued: IssuedLicence;
let tsa: TimestampAuthority;
let clock = STAMPED;

/** The SM2 CA answering as of `asOf` (nothing revoked), by OCSP or, when `crlOnly`, by CRL only. */
function caAsOf(asOf: Date, crlOnly = false): RevocationFetcher {
  return async (request) => {
    const at = new Date(Math.floor(asOf.getTime() / 1000) * 1000);
    const day = new Date(at.getTime() + 86_400_000);
    if (request.kind === "crl") return request.url === URLS.crl ? createCrl({ issuer: root, thisUpdate: at, nextUpdate: day, crlNumber: 1, revoked: [] }) : undefined;
    if (crlOnly || request.url !== URLS.ocsp) return undefined;
    return createOcspResponse({ ca: root, request: request.request, status: () => ({ status: "good" }), producedAt: at, thisUpdate: at, nextUpdate: day });
  };
}

function options(level: AugmentLevel, extra: Partial<AugmentJadesOptions> = {}): AugmentJadesOptions {
  return {
    level,
    trustAnchors: [root.certificatePem],
    certificates: [dept.certificateDer],
    algorithms: ["SM2SM3"],
    at: new Date(clock.getTime() + 60_000),
    timestamp: async (data, hash) => {
      const request = createTimestampRequest(data, { hash });
      return readTimestampResponse(await tsa.respond(request.der), request);
    },
    revocation: (at) => caAsOf(at),
    unprotectedMembers: ["disclosures"],
    type: LICENCE_TYP,
    ...extra,
  };
}

const verify = (archive: unknown, at: Date, algorithms: readonly SignatureAlgorithm[] = ["SM2SM3"]): Promise<JadesReport> =>
  verifyJades(archive as Record<string, unknown>, { trustAnchors: [root.certificatePem], certificates: [dept.certificateDer], at, algorithms, unprotectedMembers: ["disclosures"] });
const elements = (etsiU: readonly string[]) => etsiU.map((e) => JSON.parse(Buffer.from(e, "base64url").toString("utf8")) as Record<string, any>);

beforeAll(async () => {
  root = await createRootCa({ commonName: "SM2 Augment Root", alg: "SM2SM3", notBefore: T0, notAfter: new Date("2060-01-01T00:00:00Z") });
  dept = await createDepartmentCertificate({ issuer: root, department: { name: DEPT.name, uscc: DEPT.uscc }, alg: "SM2SM3", notBefore: T0, notAfter: new Date("2029-01-01T00:00:00Z"), revocation: URLS });
  const tsaCert = await createTsaCertificate({ issuer: root, commonName: "SM2 Augment TSA", alg: "SM2SM3", notBefore: T0, notAfter: new Date("2050-01-01T00:00:00Z") });
  tsa = await createTimestampAuthority({ certificatePem: tsaCert.certificatePem, privateKeyPkcs8: tsaCert.privateKeyPkcs8, alg: "SM2SM3", clock: () => clock });
  const context = await createIssuingContext({ signer: await createKeySigner(dept.privateKeyPkcs8, "SM2SM3"), certificateChain: [dept.certificatePem, root.certificatePem] });
  issued = await issueLicence(context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "2026000902", issuedAt: ISSUED_AT });
}, 60_000);

describe("an all-SM2 licence through augmentJades", () => {
  it("B-B → B-T → B-LT → B-LTA with SM2 time-stamps and the SM2 CA's OCSP answer; verifyJades says B-LTA PASSED", async () => {
    clock = STAMPED;
    const t = await augmentJades(issued.archive as never, options("T"));
    expect(t.added).toEqual(["sigTst"]);
    clock = new Date(STAMPED.getTime() + 120_000);
    const lt = await augmentJades(t.archive as never, options("LT"));
    expect(lt.added).toEqual(["xVals", "rVals"]);
    clock = new Date(STAMPED.getTime() + 180_000);
    const lta = await augmentJades(lt.archive as never, options("LTA"));
    expect([lta.level, lta.added]).toEqual(["B-LTA", ["arcTst"]]);

    // Every signed thing in the evidence is SM2: both time-stamps and the OCSP response.
    const parts = elements(lta.archive.header.etsiU);
    for (const tst of [parts[1]!.sigTst, parts[4]!.arcTst]) {
      const token = parseTimestampToken(Buffer.from(tst.tstTokens[0].val, "base64"));
      expect([token.signatureAlgorithm.oid, token.digestHash]).toEqual([OID_SM3_WITH_SM2, "SM3"]);
      // augmentJades asked the TSA for an SM3 imprint (GM/T 0033), as an SM2 signature wants.
      expect(token.tstInfo.imprintHash).toBe("SM3");
    }
    const ocsp = new Uint8Array(Buffer.from(parts[3]!.rVals.ocspVals[0].val, "base64"));
    expect(parseOcspResponse(ocsp).status).toBe("successful");
    const basic = decodeDer(decodeDer(ocsp).children[1]!.children[0]!.children[1]!.content.slice());
    expect(readOid(basic.children[1]!.children[0])).toBe(OID_SM3_WITH_SM2);

    const report = await verify(lta.archive, SOON);
    expect([report.indication, report.signatures[0]!.level]).toEqual(["PASSED", "B-LTA"]);
    for (const name of ["signature", "signature-timestamp", "revocation", "archive-timestamp"]) {
      expect(report.signatures[0]!.checks.find((c) => c.check === name)?.result, name).toBe("passed");
    }
    // In 2045 the department certificate has expired: the SM2 evidence keeps it PASSED.
    expect((await verify(lta.archive, IN_2045)).indication).toBe("PASSED");
    // SM2SM3 is in no default list: a verifier that does not list it refuses the signature.
    const es = await verify(lta.archive, SOON, ["ES256", "EdDSA", "PS256"]);
    expect(es.indication).not.toBe("PASSED");
    expect(es.signatures[0]!.checks.find((c) => c.check === "algorithm")).toMatchObject({ result: "failed", code: "algorithm-not-allowed" });
  });

  it("takes the SM2 CA's CRL when it gives no OCSP answer", async () => {
    clock = STAMPED;
    const lt = await augmentJades(issued.archive as never, options("LT", { revocation: (at) => caAsOf(at, true) }));
    const rVals = elements(lt.archive.header.etsiU).find((e) => "rVals" in e)!.rVals;
    expect(rVals.ocspVals).toBeUndefined();
    expect(rVals.crlVals).toHaveLength(1);
    const crl = new Uint8Array(Buffer.from(rVals.crlVals[0].val, "base64"));
    expect(parseCrl(crl).entries).toEqual([]);
    expect(readOid(decodeDer(crl).children[1]!.children[0])).toBe(OID_SM3_WITH_SM2);
    const report = await verify(lt.archive, SOON);
    expect([report.indication, report.signatures[0]!.level]).toEqual(["PASSED", "B-LT"]);
  });

  it("refuses to augment an SM2 signature when SM2SM3 is not listed", async () => {
    clock = STAMPED;
    let code = "resolved";
    try {
      await augmentJades(issued.archive as never, options("T", { algorithms: ["ES256", "ES384", "EdDSA", "PS256"] }));
    } catch (err) {
      code = isLicenceError(err) ? err.code : String(err);
    }
    expect(code).toBe("ERR_SIGNATURE_INVALID");
  });
});
