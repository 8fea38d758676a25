import { beforeAll, describe, expect, it } from "vitest";
import { createCrl, createOcspResponse } from "@elicence/pki";
import { validateCertificatePath, PATH_VALIDATION_CODES } from "../../src/x509/path-validation.js";
import { buildOcspRequest, parseOcspRequest } from "../../src/revocation/ocsp-request.js";
import type { RevocationFetchRequest } from "../../src/revocation/check.js";
import { AT, DAY, HOUR, URLS, makeWorld, type RevocationWorld } from "./world.js";

let w: RevocationWorld;
let goodCaCrl: Uint8Array;
beforeAll(async () => {
  w = await makeWorld();
  // The root's CRL says the issuing CA is good.
  goodCaCrl = await createCrl({ issuer: w.root, ...fresh, crlNumber: 1, revoked: [] });
}, 60_000);

const fresh = { thisUpdate: new Date(AT.getTime() - HOUR), nextUpdate: new Date(AT.getTime() + 7 * DAY) };
const revokedAt = new Date("2026-05-01T00:00:00Z");

function validate(revocation: Parameters<typeof validateCertificatePath>[0]["revocation"], at = AT) {
  return validateCertificatePath({ leaf: w.certs.dept, intermediates: [w.certs.ca], trustAnchors: [w.certs.root], at, revocation });
}

describe("path validation with revocation evidence", () => {
  it("adds REVOKED and REVOCATION_UNKNOWN at the end of the codes", () => {
    expect(PATH_VALIDATION_CODES.slice(-2)).toEqual(["REVOKED", "REVOCATION_UNKNOWN"]);
  });

  it("passes with current CRLs for every certificate but the anchor, and without the option as before", async () => {
    const crl = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 1, revoked: [{ serialNumber: w.certs.dept2.serialNumber, revocationTime: revokedAt }] });
    expect(await validate({ crls: [crl, goodCaCrl] })).toMatchObject({ ok: true });
    expect(await validate(undefined)).toMatchObject({ ok: true });
  });

  it("fails REVOKED with the time and reason from a CRL or an OCSP response", async () => {
    const crl = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 2, revoked: [{ serialNumber: w.certs.dept.serialNumber, revocationTime: revokedAt, reason: "keyCompromise" }] });
    const result = await validate({ crls: [crl, goodCaCrl] });
    expect(result).toMatchObject({ ok: false, code: "REVOKED", index: 0, revocationTime: revokedAt, revocationReason: "keyCompromise" });
    // A revocation after the validation time is still reported, with its time, for the caller to weigh.
    const before = await validate({ crls: [crl, goodCaCrl], at: AT }, new Date("2026-04-01T00:00:00Z"));
    expect(before).toMatchObject({ ok: false, code: "REVOKED", revocationTime: revokedAt });
  });

  it("fails REVOKED when the issuing CA is revoked by the root's CRL", async () => {
    const crl = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 2, revoked: [] });
    const rootCrl = await createCrl({ issuer: w.root, ...fresh, crlNumber: 2, revoked: [{ serialNumber: w.certs.ca.serialNumber, revocationTime: revokedAt, reason: "cACompromise" }] });
    expect(await validate({ crls: [crl, rootCrl] })).toMatchObject({ ok: false, code: "REVOKED", index: 1, revocationReason: "cACompromise" });
  });

  it("fails closed: no evidence, stale evidence, or evidence signed by someone else is REVOCATION_UNKNOWN with the reasons", async () => {
    expect(await validate({})).toMatchObject({ ok: false, code: "REVOCATION_UNKNOWN", index: 0 });
    const stale = await createCrl({ issuer: w.ca, thisUpdate: new Date(AT.getTime() - 10 * DAY), nextUpdate: new Date(AT.getTime() - DAY), crlNumber: 1, revoked: [] });
    const result = await validate({ crls: [stale, goodCaCrl] });
    expect(result).toMatchObject({ ok: false, code: "REVOCATION_UNKNOWN" });
    expect(!result.ok && result.revocationProblems?.map((p) => p.code)).toEqual(["EVIDENCE_STALE"]);
    const forged = await createCrl({ issuer: w.other, ...fresh, crlNumber: 1, revoked: [] });
    const forgedResult = await validate({ crls: [forged, goodCaCrl] });
    expect(!forgedResult.ok && forgedResult.revocationProblems?.map((p) => p.code)).toEqual(["EVIDENCE_WRONG_ISSUER"]);
    const garbage = await validate({ crls: [Uint8Array.of(1, 2, 3), goodCaCrl] });
    expect(!garbage.ok && garbage.revocationProblems?.map((p) => p.code)).toContain("EVIDENCE_MALFORMED");
    // Good evidence for the leaf only: the CA is not covered.
    const leafOnly = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 1, revoked: [] });
    expect(await validate({ crls: [leafOnly] })).toMatchObject({ ok: false, code: "REVOCATION_UNKNOWN", index: 1 });
  });

  it("judges evidence current at revocation.at when the path is validated at an earlier signing time", async () => {
    const crl = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 3, revoked: [] });
    const signingTime = new Date("2026-03-01T00:00:00Z");
    expect(await validate({ crls: [crl, goodCaCrl] }, signingTime)).toMatchObject({ ok: false, code: "REVOCATION_UNKNOWN" });
    expect(await validate({ crls: [crl, goodCaCrl], at: AT }, signingTime)).toMatchObject({ ok: true });
  });

  it("asks the caller's fetcher: OCSP at the AIA URL with a nonce, then the CRL distribution point", async () => {
    const asked: RevocationFetchRequest[] = [];
    const fetch = async (request: RevocationFetchRequest): Promise<Uint8Array | undefined> => {
      asked.push(request);
      if (request.kind === "ocsp") {
        const parsed = parseOcspRequest(request.request);
        expect(parsed.nonce).toHaveLength(32);
        return createOcspResponse({ ca: w.ca, request: request.request, status: () => ({ status: "good" }), producedAt: fresh.thisUpdate, ...fresh });
      }
      return undefined;
    };
    expect(await validate({ crls: [goodCaCrl], fetch })).toMatchObject({ ok: true });
    expect(asked.map((r) => `${r.kind} ${r.url}`)).toEqual([`ocsp ${URLS.ocsp}`]);

    // A responder that answers with someone else's old response: refused, then the CRL is fetched.
    const replayed = await createOcspResponse({ ca: w.ca, request: buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca }).der, status: () => ({ status: "good" }), producedAt: fresh.thisUpdate, ...fresh });
    const crl = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 4, revoked: [{ serialNumber: w.certs.dept.serialNumber, revocationTime: revokedAt }] });
    const replay = async (request: RevocationFetchRequest) => (request.kind === "ocsp" ? replayed : crl);
    expect(await validate({ crls: [goodCaCrl], fetch: replay })).toMatchObject({ ok: false, code: "REVOKED", revocationTime: revokedAt });

    // A fetcher that throws or returns nothing: unavailable, fail closed.
    const broken = async () => {
      throw new Error("network down");
    };
    const down = await validate({ crls: [goodCaCrl], fetch: broken });
    expect(down).toMatchObject({ ok: false, code: "REVOCATION_UNKNOWN" });
    expect(!down.ok && down.revocationProblems?.every((p) => p.code === "EVIDENCE_UNAVAILABLE")).toBe(true);
  });

  it("treats misuse of the options as a TypeError", async () => {
    await expect(validate({ crls: ["x" as unknown as Uint8Array] })).rejects.toThrow(TypeError);
    await expect(validate({ policy: "prefer" as "require" })).rejects.toThrow(TypeError);
  });
});
