/**
 * Augmenting a licence's archive form B-B → B-T → B-LT → B-LTA → B-LTA again with a real TSA
 * (`@elicence/pki`, a clock set by the test) and a real CA whose CRL and OCSP answers are signed as
 * of the time asked, then verified with `verifyJades` (RFC 3161, CRL/OCSP and arcTst checks):
 * tampered evidence FAILS, a department certificate expired by 2045 PASSES only thanks to the
 * evidence, a revocation after signing keeps it PASSED, and bad input is a typed error.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  createCrl,
  createDepartmentCertificate,
  createOcspResponse,
  createRootCa,
  createTimestampAuthority,
  createTsaCertificate,
  type DevPkiCertificate,
  type TimestampAuthority,
} from "@elicence/pki";
import { augmentJades, type AugmentJadesOptions, type AugmentLevel } from "../../src/jades/augment.js";
import { verifyJades } from "../../src/jades/verify.js";
import type { JadesReport } from "../../src/jades/report.js";
import { createKeySigner } from "../../src/jws/jws.js";
import { createIssuingContext, issueLicence, type IssuedLicence } from "../../src/licence/issue.js";
import { LICENCE_TYP } from "../../src/licence/model.js";
import { createTimestampRequest, readTimestampResponse } from "../../src/timestamp.js";
import { parseOcspRequest, type RevocationFetcher } from "../../src/revocation.js";
import { parseCertificate } from "../../src/x509/index.js";
import { isLicenceError } from "../../src/errors/errors.js";
import { BUSINESS, DEPT, FIELDS, HOLDER } from "../fixtures/world.js";

const T0 = new Date("2026-01-01T00:00:00Z");
const ISSUED_AT = new Date("2026-03-01T08:00:00Z");
const STAMPED = new Date("2026-03-01T08:00:30Z");
const SOON = new Date("2026-03-01T09:00:00Z");
const IN_2045 = new Date("2045-06-01T00:00:00Z");
const URLS = { crl: "http://ca.test/pki/crl", ocsp: "http://ca.test/pki/ocsp" };

let root: DevPkiCertificate;
let dept: DevPkiCertificate;
let tsaCert: DevPkiCertificate;
let issued: IssuedLicence;
let clock = STAMPED;
let tsa: TimestampAuthority;
/** Revocations the CA has recorded (serial → time). */
const revoked = new Map<string, Date>();

const issuer = () => ({ certificatePem: root.certificatePem, privateKeyPkcs8: root.privateKeyPkcs8, alg: root.alg });

/** The CA, answering as of `asOf`: only revocations recorded by then, thisUpdate then, good for a day. */
function caAsOf(asOf: Date, calls: string[] = []): RevocationFetcher {
  return async (request) => {
    calls.push(request.kind);
    const at = new Date(Math.floor(asOf.getTime() / 1000) * 1000);
    const day = new Date(at.getTime() + 86_400_000);
    const list = [...revoked].filter(([, t]) => t.getTime() <= at.getTime());
    if (request.kind === "crl") {
      if (request.url !== URLS.crl) return undefined;
      return createCrl({ issuer: issuer(), thisUpdate: at, nextUpdate: day, crlNumber: Math.floor(at.getTime() / 1000), revoked: list.map(([serialNumber, revocationTime]) => ({ serialNumber, revocationTime })) });
    }
    if (request.url !== URLS.ocsp) return undefined;
    parseOcspRequest(request.request);
    const byserial = new Map(list);
    return createOcspResponse({
      ca: issuer(),
      request: request.request,
      status: (serial) => (byserial.has(serial) ? { status: "revoked", revocationTime: byserial.get(serial)! } : { status: "good" }),
      producedAt: at,
      thisUpdate: at,
      nextUpdate: day,
    });
  };
}

async function stampWith(authority: TimestampAuthority, data: Uint8Array): Promise<Uint8Array> {
  const request = createTimestampRequest(data);
  return readTimestampResponse(await authority.respond(request.der), request);
}

function options(level: AugmentLevel, extra: Partial<AugmentJadesOptions> = {}): AugmentJadesOptions {
  return {
    level,
    trustAnchors: [root.certificatePem],
    certificates: [dept.certificateDer],
    algorithms: ["ES256"],
    at: new Date(clock.getTime() + 60_000),
    timestamp: (data) => stampWith(tsa, data),
    revocation: (at) => caAsOf(at),
    unprotectedMembers: ["disclosures"],
    type: LICENCE_TYP,
    ...extra,
  };
}

const verify = (archive: unknown, at: Date): Promise<JadesReport> =>
  verifyJades(archive as Record<string, unknown>, { trustAnchors: [root.certificatePem], certificates: [dept.certificateDer], at, algorithms: ["ES256"], unprotectedMembers: ["disclosures"] });
const check = (r: JadesReport, name: string) => r.signatures[0]!.checks.find((c) => c.check === name)!;
const names = (etsiU: readonly string[]) => etsiU.map((e) => Object.keys(JSON.parse(Buffer.from(e, "base64url").toString("utf8")))[0]);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isLicenceError(err)) return err.code;
    if (err instanceof TypeError) return "TypeError";
    throw err;
  }
  return "resolved";
}

beforeAll(async () => {
  root = await createRootCa({ commonName: "Augment Test Root", notBefore: T0, notAfter: new Date("2060-01-01T00:00:00Z") });
  dept = await createDepartmentCertificate({
    issuer: issuer(),
    department: { name: DEPT.name, uscc: DEPT.uscc },
    notBefore: T0,
    notAfter: new Date("2029-01-01T00:00:00Z"),
    revocation: URLS,
  });
  tsaCert = await createTsaCertificate({ issuer: issuer(), commonName: "Augment Test TSA", notBefore: T0, notAfter: new Date("2050-01-01T00:00:00Z") });
  tsa = await createTimestampAuthority({ certificatePem: tsaCert.certificatePem, privateKeyPkcs8: tsaCert.privateKeyPkcs8, alg: tsaCert.alg, clock: () => clock });
  const context = await createIssuingContext({ signer: await createKeySigner(dept.privateKeyPkcs8, dept.alg), certificateChain: [dept.certificatePem, root.certificatePem] });
  issued = await issueLicence(context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "2026000901", issuedAt: ISSUED_AT });
}, 60_000);

describe("augmentJades: B-B → B-T → B-LT → B-LTA → B-LTA", () => {
  it("adds each level's evidence once, and verifyJades reports the level reached", async () => {
    clock = STAMPED;
    const t = await augmentJades(issued.archive as never, options("T"));
    expect(t.level).toBe("B-T");
    expect(t.added).toEqual(["sigTst"]);
    expect(t.signatureTime).toBe(STAMPED.toISOString());
    expect(t.archive.header.disclosures).toEqual(issued.archive.header.disclosures);
    // The issuer's xVals stays first, byte for byte as clear JSON would encode it.
    expect(names(t.archive.header.etsiU)).toEqual(["xVals", "sigTst"]);
    const bt = await verify(t.archive, SOON);
    expect(bt.indication).toBe("PASSED");
    expect(bt.signatures[0]!.level).toBe("B-T");
    expect((await augmentJades(t.archive as never, options("T"))).added).toEqual([]);

    clock = new Date(STAMPED.getTime() + 120_000);
    const calls: string[] = [];
    const asked: Date[] = [];
    const lt = await augmentJades(JSON.stringify(t.archive), options("LT", { revocation: (at) => (asked.push(at), caAsOf(at, calls)) }));
    // Evidence as it was when the signature time-stamp was taken, not as it is now.
    expect(asked).toEqual([STAMPED]);
    expect(lt.level).toBe("B-LT");
    expect(lt.added).toEqual(["xVals", "rVals"]);
    expect(calls).toEqual(["ocsp"]);
    expect(lt.archive.header.etsiU.slice(0, 2)).toEqual(t.archive.header.etsiU);
    const blt = await verify(lt.archive, SOON);
    expect(blt.indication).toBe("PASSED");
    expect(blt.signatures[0]!.level).toBe("B-LT");
    expect(check(blt, "revocation").result).toBe("passed");

    clock = new Date(STAMPED.getTime() + 180_000);
    const lta = await augmentJades(lt.archive as never, options("LTA"));
    expect(lta.added).toEqual(["arcTst"]);
    expect(lta.level).toBe("B-LTA");
    clock = new Date(STAMPED.getTime() + 240_000);
    const again = await augmentJades(lta.archive as never, options("LTA"));
    expect(again.added).toEqual(["arcTst"]);
    expect(names(again.archive.header.etsiU)).toEqual(["xVals", "sigTst", "xVals", "rVals", "arcTst", "arcTst"]);
    expect(again.archive.header.etsiU.slice(0, 5)).toEqual(lta.archive.header.etsiU);
    for (const archive of [lta.archive, again.archive]) {
      const report = await verify(archive, SOON);
      expect(report.indication).toBe("PASSED");
      expect(report.signatures[0]!.level).toBe("B-LTA");
      expect(check(report, "archive-timestamp").result).toBe("passed");
    }

    // Straight from B-B to B-LTA, from the compact form.
    clock = STAMPED;
    const direct = await augmentJades(issued.compact, options("LTA"));
    expect(direct.added).toEqual(["sigTst", "xVals", "rVals", "arcTst"]);
    expect((await verify(direct.archive, SOON)).signatures[0]!.level).toBe("B-LTA");
  });

  it("tampering with any embedded evidence after augmenting FAILS verification", async () => {
    clock = STAMPED;
    const { archive } = await augmentJades(issued.archive as never, options("LTA"));
    expect((await verify(archive, SOON)).indication).toBe("PASSED");
    const etsiU = archive.header.etsiU;
    for (let i = 0; i < etsiU.length; i++) {
      const element = JSON.parse(Buffer.from(etsiU[i]!, "base64url").toString("utf8")) as Record<string, unknown>;
      // Change one base64 character deep inside the element's DER value, and re-encode the element.
      const text = JSON.stringify(element);
      const at = text.indexOf('"val":"') + 60;
      const changed = text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
      const tampered = { ...archive, header: { ...archive.header, etsiU: etsiU.map((e, j) => (j === i ? Buffer.from(changed).toString("base64url") : e)) } };
      const report = await verify(tampered, SOON);
      expect(report.indication, `element ${i} (${Object.keys(element)[0]})`).toBe("FAILED");
    }
    // Dropping evidence covered by the archive time-stamp fails too.
    const dropped = { ...archive, header: { ...archive.header, etsiU: etsiU.filter((_, j) => j !== 3) } };
    expect((await verify(dropped, SOON)).indication).toBe("FAILED");
  });

  it("in 2045 the department certificate has expired: PASSED only thanks to the evidence, INDETERMINATE without", async () => {
    clock = STAMPED;
    const { archive } = await augmentJades(issued.archive as never, options("LTA"));
    const report = await verify(archive, IN_2045);
    expect(report.indication).toBe("PASSED");
    expect(report.signatures[0]!.level).toBe("B-LTA");
    expect(check(report, "certificate-path").code).toBe("POE");
    expect(report.signatures[0]!.proofOfExistence).toBe(STAMPED.toISOString());
    const bare = await verify(issued.archive, IN_2045);
    expect(bare.indication).toBe("INDETERMINATE");
    expect(bare.subIndication).toBe("OUT_OF_BOUNDS_NO_POE");
  });

  it("a certificate revoked after signing stays PASSED with evidence from before the revocation; revoked before the time-stamp, LT is refused", async () => {
    const serial = parseCertificate(dept.certificateDer).serialNumber;
    revoked.set(serial, new Date("2027-05-01T00:00:00Z"));
    try {
      clock = STAMPED;
      const t = await augmentJades(issued.archive as never, options("T"));
      // Augmented a year after the revocation, with the CA's answer as of the time-stamp.
      clock = new Date("2028-01-01T00:00:00Z");
      const lt = await augmentJades(t.archive as never, options("LTA"));
      const report = await verify(lt.archive, IN_2045);
      expect(report.indication).toBe("PASSED");
      expect(check(report, "revocation").result).toBe("passed");

      // A signature time-stamped after the revocation: the evidence says so, and nothing is added.
      clock = new Date("2027-06-01T00:00:00Z");
      const late = await augmentJades(issued.archive as never, options("T"));
      expect(await codeOf(augmentJades(late.archive as never, options("LT")))).toBe("ERR_CERTIFICATE_INVALID");
    } finally {
      revoked.delete(serial);
    }
  });
});

describe("augmentJades refuses bad input with typed errors", () => {
  it("unknown level, not a JWS, not a licence, oversized, general serialisation, garbage etsiU", async () => {
    clock = STAMPED;
    expect(await codeOf(augmentJades(issued.archive as never, options("B" as AugmentLevel)))).toBe("TypeError");
    expect(await codeOf(augmentJades("{not json", options("T")))).toBe("ERR_JWS_INVALID");
    expect(await codeOf(augmentJades("a.b", options("T")))).toBe("ERR_JWS_INVALID");
    expect(await codeOf(augmentJades(issued.archive as never, options("T", { type: "JWT" })))).toBe("ERR_JWS_INVALID");
    expect(await codeOf(augmentJades(" ".repeat(2 * 1024 * 1024), options("T")))).toBe("ERR_INPUT_TOO_LARGE");
    const { header, ...rest } = issued.archive;
    expect(await codeOf(augmentJades({ payload: rest.payload, signatures: [{ protected: rest.protected, signature: rest.signature, header }] }, options("T")))).toBe("ERR_JWS_INVALID");
    for (const etsiU of ["garbage", [], [{ sigTst: { tstTokens: [{ val: "!!" }] } }], [{ unknownProperty: 1 }], ["not-base64url-json"], [{ xVals: [] }, "mixed"]]) {
      expect(await codeOf(augmentJades({ ...issued.archive, header: { ...header, etsiU } } as never, options("T"))), JSON.stringify(etsiU)).toBe("ERR_JWS_INVALID");
    }
    expect(await codeOf(augmentJades({ ...issued.archive, header: { ...header, other: 1 } } as never, options("T")))).toBe("ERR_JWS_INVALID");
  });

  it("a signature that does not verify, a garbage time-stamp already carried", async () => {
    clock = STAMPED;
    const sig = issued.archive.signature;
    const bad = { ...issued.archive, signature: (sig[0] === "A" ? "B" : "A") + sig.slice(1) };
    expect(await codeOf(augmentJades(bad as never, options("T")))).toBe("ERR_SIGNATURE_INVALID");
    const garbage = { ...issued.archive, header: { ...issued.archive.header, etsiU: [{ sigTst: { tstTokens: [{ val: Buffer.alloc(300, 0x30).toString("base64") }] } }] } };
    expect(await codeOf(augmentJades(garbage as never, options("T")))).toBe("ERR_TIMESTAMP_INVALID");
  });

  it("TSA failures: an error, no token, a token over other data, an untrusted TSA; no revocation source for LT", async () => {
    clock = STAMPED;
    expect(await codeOf(augmentJades(issued.archive as never, options("T", { timestamp: () => Promise.reject(new Error("connection refused")) })))).toBe("ERR_UNAVAILABLE");
    expect(await codeOf(augmentJades(issued.archive as never, options("T", { timestamp: async () => new Uint8Array(0) })))).toBe("ERR_UNAVAILABLE");
    expect(await codeOf(augmentJades(issued.archive as never, options("T", { timestamp: () => stampWith(tsa, new TextEncoder().encode("other")) })))).toBe("ERR_TIMESTAMP_INVALID");
    const otherRoot = await createRootCa({ commonName: "Other Root", notBefore: T0 });
    const rogueCert = await createTsaCertificate({ issuer: { certificatePem: otherRoot.certificatePem, privateKeyPkcs8: otherRoot.privateKeyPkcs8, alg: otherRoot.alg }, commonName: "Rogue TSA", notBefore: T0 });
    const rogue = await createTimestampAuthority({ certificatePem: rogueCert.certificatePem, privateKeyPkcs8: rogueCert.privateKeyPkcs8, alg: rogueCert.alg, clock: () => clock });
    expect(await codeOf(augmentJades(issued.archive as never, options("T", { timestamp: (d) => stampWith(rogue, d) })))).toBe("ERR_TIMESTAMP_INVALID");
    // A TSA signing outside the caller's timestampAlgorithms: its token is not kept.
    const wrongAlg = augmentJades(issued.archive as never, options("T", { timestampAlgorithms: ["SM2SM3"] }));
    await expect(wrongAlg).rejects.toMatchObject({ code: "ERR_TIMESTAMP_INVALID", details: { reason: "ALGORITHM_NOT_ALLOWED" } });
    expect((await augmentJades(issued.archive as never, options("T", { timestampAlgorithms: ["ES256"] }))).level).toBe("B-T");
    // An ES256 signature's time-stamp is asked for with a SHA-256 imprint.
    const asked: string[] = [];
    await augmentJades(issued.archive as never, options("T", { timestamp: (d, hash) => (asked.push(hash), stampWith(tsa, d)) }));
    expect(asked).toEqual(["SHA-256"]);
    await expect(augmentJades(issued.archive as never, options("T", { timestampAlgorithms: ["HS256" as never] }))).rejects.toThrow(TypeError);
    const { revocation: _none, ...noSource } = options("LT");
    expect(await codeOf(augmentJades(issued.archive as never, noSource))).toBe("ERR_UNAVAILABLE");
    expect(await codeOf(augmentJades(issued.archive as never, options("LT", { revocation: () => async () => undefined })))).toBe("ERR_UNAVAILABLE");
  });
});
