/**
 * Offline status, told apart: revoked, cancelled and superseded read from the status list token's
 * reason list (with a pointer to the newer version when superseded), and fail-closed status
 * policy: a licence type the trust list says must carry status is not PASSED without it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { issueLicence, type IssuedLicence } from "../../src/licence/issue.js";
import { verifyLicence } from "../../src/licence/verify.js";
import { verifyTrustList, type TrustList } from "../../src/trust/trust-list.js";
import { LICENCE_END_REASON_VALUES, StatusList, endReasonFromValue, parseStatusListPayload } from "../../src/status/index.js";
import { signStatusListToken, verifyStatusListToken } from "../../src/status/token.js";
import { buildLicenceId, parseLicenceId } from "../../src/identifiers/index.js";
import type { VerificationReport } from "../../src/licence/report.js";
import { createKeySigner, signJws, toCompact, type Signer } from "../../src/jws/jws.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, LATER, world, type World } from "../fixtures/world.js";

const URI = "https://registry.example/v1/status-lists/9";
const IDX = 3;
let w: World;
let licence: IssuedLicence;
let noStatus: IssuedLicence;

beforeAll(async () => {
  w = await world();
  licence = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "REASONS", issuedAt: ISSUED_AT, status: { uri: URI, idx: IDX } });
  noStatus = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "NOSTATUS", issuedAt: ISSUED_AT });
});

/** Signs `payload` under the header of `like` (a genuine token): the signing side refuses bad content, an attacker does not. */
async function resign(like: string, payload: unknown, signer: Signer): Promise<string> {
  const header = JSON.parse(Buffer.from(like.split(".")[0]!, "base64url").toString("utf8"));
  return toCompact(await signJws(header, new TextEncoder().encode(JSON.stringify(payload)), signer));
}

const check = (report: VerificationReport, name: string) => report.checks.find((c) => c.check === name)!;

async function token(value: number, reason?: number, options: { reasonSize?: number; reasonBits?: 1 | 2 } = {}): Promise<string> {
  const list = new StatusList(16, 2);
  list.set(IDX, value);
  let reasons: StatusList | undefined;
  if (reason !== undefined) {
    reasons = new StatusList(options.reasonSize ?? 16, options.reasonBits ?? 2);
    reasons.set(IDX, reason);
  }
  return signStatusListToken({
    uri: URI,
    list,
    ...(reasons ? { reasons } : {}),
    issuedAt: new Date("2026-05-01T00:00:00Z"),
    expiresAt: new Date("2026-07-01T00:00:00Z"),
    signer: w.statusSigner,
    certificateChain: [w.status.certificatePem],
  });
}

const verify = (input: string, statusLists: string[], trustList: TrustList = w.trustList) => verifyLicence(input, { trustList, at: LATER, algorithms: ["ES256"], statusLists });

describe("revoked, cancelled and superseded told apart offline", () => {
  it("the reason values: 1 revoked, 2 cancelled, 3 superseded; 0 says nothing", () => {
    expect(LICENCE_END_REASON_VALUES).toEqual({ revoked: 1, cancelled: 2, superseded: 3 });
    expect([0, 1, 2, 3].map(endReasonFromValue)).toEqual([undefined, "revoked", "cancelled", "superseded"]);
  });

  it("revoked → FAILED REVOKED, status revoked", async () => {
    const report = await verify(licence.compact, [await token(1, 1)]);
    expect([report.indication, report.subIndication, report.status, check(report, "status").code]).toEqual(["FAILED", "REVOKED", "revoked", "revoked"]);
    expect(report.supersededBy).toBeUndefined();
  });

  it("cancelled → FAILED CANCELLED, status cancelled", async () => {
    const report = await verify(licence.compact, [await token(1, 2)]);
    expect([report.indication, report.subIndication, report.status, check(report, "status").code]).toEqual(["FAILED", "CANCELLED", "cancelled", "cancelled"]);
  });

  it("superseded → FAILED SUPERSEDED, with the identifier of the next version (same serial, version + 1)", async () => {
    const report = await verify(licence.compact, [await token(1, 3)]);
    expect([report.indication, report.subIndication, report.status, check(report, "status").code]).toEqual(["FAILED", "SUPERSEDED", "superseded", "superseded"]);
    const id = parseLicenceId(licence.id);
    expect(report.supersededBy).toBe(buildLicenceId({ typeCode: id.typeCode, issuerCode: id.issuerCode, serial: id.serial, version: id.version + 1 }));
    expect(parseLicenceId(report.supersededBy!).version).toBe(2);
  });

  it("a token without a reason list reads as before: invalid, FAILED REVOKED (a generic Token Status List reader sees INVALID either way)", async () => {
    const report = await verify(licence.compact, [await token(1)]);
    expect([report.indication, report.subIndication, report.status]).toEqual(["FAILED", "REVOKED", "invalid"]);
    const withReasons = await token(1, 3);
    const payload = JSON.parse(Buffer.from(withReasons.split(".")[1]!, "base64url").toString("utf8"));
    expect(StatusList.fromJSON(payload.status_list).get(IDX)).toBe(1);
  });

  it("a reason on a licence the main list says is valid or suspended → INDETERMINATE, never PASSED", async () => {
    for (const value of [0, 2]) {
      const report = await verify(licence.compact, [await token(value, 1)]);
      expect(report.indication).toBe("INDETERMINATE");
      expect(check(report, "status").code).toBe("status-reason");
    }
  });

  it("a reason list of another size or width → the token is refused (INDETERMINATE), and is never signed", async () => {
    const genuine = await token(1, 1);
    const payload = JSON.parse(Buffer.from(genuine.split(".")[1]!, "base64url").toString("utf8"));
    await expect(signStatusListToken({ uri: URI, list: new StatusList(16, 2), reasons: new StatusList(8, 2), issuedAt: new Date(), signer: w.statusSigner, certificateChain: [w.status.certificatePem] })).rejects.toThrow(TypeError);
    for (const reasons of [new StatusList(8, 2), new StatusList(16, 1)]) {
      const t = await resign(genuine, { ...payload, elicence_reasons: reasons.toJSON() }, w.statusSigner);
      await expect(verifyStatusListToken(t, { trustList: w.trustList, at: LATER, algorithms: ["ES256"] })).rejects.toMatchObject({ code: "ERR_STATUS_LIST_INVALID" });
      expect((await verify(licence.compact, [t])).indication).toBe("INDETERMINATE");
    }
  });

  it("a malformed reason list member is reported with its path", () => {
    const base = { sub: URI, iat: 1, status_list: new StatusList(16, 2).toJSON() };
    for (const bad of [null, "x", { bits: 2 }, { bits: 3, lst: "eJw" }, { bits: 2, lst: "!!" }]) {
      expect(() => parseStatusListPayload({ ...base, elicence_reasons: bad })).toThrow(expect.objectContaining({ code: "ERR_STATUS_LIST_INVALID" }));
    }
  });
});

describe("fail closed: a licence type the trust list says must carry status", () => {
  let strict: TrustList;

  beforeAll(async () => {
    const doc = { ...w.document, sequence: 2, licenceTypes: [{ code: BUSINESS.code, statusRequired: true }] };
    strict = await verifyTrustList(await w.signTrust(doc), { at: ISSUED_AT, algorithms: ["ES256"], operatorCertificates: [w.operator.certificatePem] });
  });

  it("the trust list says so per type", () => {
    expect(strict.statusRequired(BUSINESS.code)).toBe(true);
    expect(strict.statusRequired("11100000000013338W999")).toBe(false);
    expect(w.trustList.statusRequired(BUSINESS.code)).toBe(false);
  });

  it("a licence without a status reference is FAILED (status-required), not PASSED", async () => {
    const report = await verify(noStatus.compact, [], strict);
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("SIG_CONSTRAINTS_FAILURE");
    expect(check(report, "status").code).toBe("status-required");
  });

  it("a licence with its status still PASSES under that policy", async () => {
    expect((await verify(licence.compact, [await token(0)], strict)).indication).toBe("PASSED");
  });

  it("where the trust list does not require it, a licence without status passes its status check", async () => {
    expect((await verify(noStatus.compact, [])).indication).toBe("PASSED");
  });

  it("a malformed licence-type policy makes the trust list invalid", async () => {
    for (const licenceTypes of [[{ code: BUSINESS.code }], [{ code: "x", statusRequired: true }], [{ code: BUSINESS.code, statusRequired: "yes" }], [{ code: BUSINESS.code, statusRequired: true, extra: 1 }]]) {
      const doc = { ...w.document, sequence: 3, licenceTypes } as unknown as typeof w.document;
      await expect(w.signTrust(doc)).rejects.toMatchObject({ code: "ERR_TRUST_LIST_INVALID" });
      const forged = await resign(w.trustListToken, doc, await createKeySigner(w.operator.privateKeyPkcs8, w.operator.alg));
      await expect(verifyTrustList(forged, { at: ISSUED_AT, algorithms: ["ES256"], operatorCertificates: [w.operator.certificatePem] })).rejects.toMatchObject({ code: "ERR_TRUST_LIST_INVALID" });
    }
  });
});
