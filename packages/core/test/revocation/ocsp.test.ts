import { beforeAll, describe, expect, it } from "vitest";
import { createOcspErrorResponse, createOcspResponse, type CreateOcspResponseOptions } from "@elicence/pki";
import { MAX_OCSP_RESPONSE_BYTES, parseOcspResponse, verifyOcspResponse } from "../../src/revocation/ocsp.js";
import { MAX_OCSP_REQUEST_BYTES, buildOcspRequest, parseOcspRequest } from "../../src/revocation/ocsp-request.js";
import { computeCertId } from "../../src/revocation/cert-id.js";
import { LicenceError } from "../../src/errors/errors.js";
import { AT, DAY, HOUR, makeWorld, type RevocationWorld } from "./world.js";

let w: RevocationWorld;
beforeAll(async () => {
  w = await makeWorld();
}, 60_000);

const times = { producedAt: new Date(AT.getTime() - HOUR), thisUpdate: new Date(AT.getTime() - HOUR), nextUpdate: new Date(AT.getTime() + DAY) };
const good = () => ({ status: "good" as const });

function respond(request: Uint8Array, extra: Partial<CreateOcspResponseOptions> = {}): Promise<Uint8Array> {
  return createOcspResponse({ ca: w.ca, request, status: good, ...times, ...extra });
}

function caught(fn: () => unknown): LicenceError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LicenceError) return err;
    throw err;
  }
  throw new Error("expected a LicenceError");
}

describe("OCSP requests", () => {
  it("builds SHA-1 and SHA-256 CertIDs with a nonce, and reads them back", () => {
    for (const hash of ["SHA-1", "SHA-256"] as const) {
      const request = buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca, hash });
      expect(request.nonce).toHaveLength(32);
      const parsed = parseOcspRequest(request.der);
      expect(parsed.certIds).toEqual([computeCertId(w.certs.dept, w.certs.ca, hash)]);
      expect(parsed.nonce).toEqual(request.nonce);
    }
    const plain = buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca, nonce: false });
    expect(plain.nonce).toBeUndefined();
    expect(parseOcspRequest(plain.der).nonce).toBeUndefined();
  });

  it("refuses malformed and oversized requests", () => {
    const { der } = buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca });
    for (let cut = 1; cut < der.length; cut += 3) expect(caught(() => parseOcspRequest(der.subarray(0, cut))).code).toBe("ERR_INPUT_MALFORMED");
    expect(caught(() => parseOcspRequest(new Uint8Array(MAX_OCSP_REQUEST_BYTES + 1))).code).toBe("ERR_INPUT_TOO_LARGE");
    expect(caught(() => parseOcspRequest(Uint8Array.of(0x30, 0x02, 0x30, 0x00))).code).toBe("ERR_INPUT_MALFORMED");
    expect(() => buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca, nonce: new Uint8Array(33) })).toThrow(TypeError);
  });
});

describe("OCSP responses (RFC 6960 §3.2, §4.2.2)", () => {
  const target = () => ({ certificate: w.certs.dept, issuer: w.certs.ca, at: AT });

  it("accepts a CA-signed good answer that echoes the nonce, by name and by key", async () => {
    for (const responderIdBy of ["name", "key"] as const) {
      const request = buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca });
      const der = await respond(request.der, { responderIdBy });
      const parsed = parseOcspResponse(der);
      expect(parsed.status).toBe("successful");
      expect(parsed.basic?.nonce).toEqual(request.nonce);
      expect(await verifyOcspResponse(der, { ...target(), nonce: request.nonce! })).toMatchObject({ ok: true, status: "good", source: "ocsp", thisUpdate: times.thisUpdate });
    }
  });

  it("says revoked with the time and reason", async () => {
    const revocationTime = new Date("2026-05-02T00:00:00Z");
    const request = buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca, hash: "SHA-256" });
    const der = await respond(request.der, { status: () => ({ status: "revoked", revocationTime, reason: "keyCompromise" }) });
    expect(await verifyOcspResponse(der, { ...target(), nonce: request.nonce! })).toMatchObject({ ok: true, status: "revoked", revocationTime, reason: "keyCompromise" });
  });

  it("accepts a responder the CA designated, and refuses one without id-kp-OCSPSigning or from another CA", async () => {
    const request = buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca });
    const designated = await respond(request.der, { responder: w.responder });
    expect(await verifyOcspResponse(designated, { ...target(), nonce: request.nonce! })).toMatchObject({ ok: true, status: "good" });
    const rogue = await respond(request.der, { responder: w.rogueResponder });
    expect(await verifyOcspResponse(rogue, { ...target(), nonce: request.nonce! })).toMatchObject({ ok: false, code: "EVIDENCE_SIGNER_NOT_AUTHORISED" });
    // Another CA of the same name signs an answer about our CA's certificate: named by key, it is
    // a responder our CA did not designate; named by name, its signature fails our CA's key.
    const foreign = await createOcspResponse({ ca: w.ca, responder: w.other, responderIdBy: "key", request: request.der, status: good, ...times });
    expect(await verifyOcspResponse(foreign, { ...target(), nonce: request.nonce! })).toMatchObject({ ok: false, code: "EVIDENCE_WRONG_ISSUER" });
    const sameName = await createOcspResponse({ ca: w.ca, responder: w.other, request: request.der, status: good, ...times });
    expect(await verifyOcspResponse(sameName, { ...target(), nonce: request.nonce! })).toMatchObject({ ok: false, code: "EVIDENCE_SIGNATURE_INVALID" });
    // A responder certificate issued by the root, not by the certificate's CA.
    const unrelated = await createOcspResponse({ ca: w.ca, responder: w.root, responderIdBy: "key", request: request.der, status: good, ...times });
    expect(await verifyOcspResponse(unrelated, { ...target(), nonce: request.nonce! })).toMatchObject({ ok: false, code: "EVIDENCE_WRONG_ISSUER" });
  });

  it("refuses an answer whose signature does not verify", async () => {
    const request = buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca, nonce: false });
    const der = (await respond(request.der)).slice();
    der[der.length - 3] ^= 0x01;
    expect(await verifyOcspResponse(der, target())).toMatchObject({ ok: false, code: "EVIDENCE_SIGNATURE_INVALID" });
  });

  it("refuses an answer about another certificate, and a missing or different nonce", async () => {
    const request = buildOcspRequest({ certificate: w.certs.dept2, issuer: w.certs.ca });
    const der = await respond(request.der);
    expect(await verifyOcspResponse(der, target())).toMatchObject({ ok: false, code: "EVIDENCE_NOT_APPLICABLE" });
    const mine = buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca });
    const answer = await respond(mine.der);
    expect(await verifyOcspResponse(answer, { ...target(), nonce: new Uint8Array(32) })).toMatchObject({ ok: false, code: "EVIDENCE_NONCE_MISMATCH" });
    const noNonce = await respond(buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca, nonce: false }).der);
    expect(await verifyOcspResponse(noNonce, { ...target(), nonce: mine.nonce! })).toMatchObject({ ok: false, code: "EVIDENCE_NONCE_MISMATCH" });
  });

  it("refuses stale answers, future thisUpdate or producedAt, and answers without nextUpdate beyond the allowed age", async () => {
    const request = buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca, nonce: false }).der;
    const stale = await respond(request, { producedAt: new Date(AT.getTime() - 3 * DAY), thisUpdate: new Date(AT.getTime() - 3 * DAY), nextUpdate: new Date(AT.getTime() - DAY) });
    expect(await verifyOcspResponse(stale, target())).toMatchObject({ ok: false, code: "EVIDENCE_STALE" });
    const future = await respond(request, { producedAt: new Date(AT.getTime() - HOUR), thisUpdate: new Date(AT.getTime() + HOUR), nextUpdate: new Date(AT.getTime() + DAY) });
    expect(await verifyOcspResponse(future, target())).toMatchObject({ ok: false, code: "EVIDENCE_NOT_YET_VALID" });
    const producedLater = await respond(request, { producedAt: new Date(AT.getTime() + HOUR) });
    expect(await verifyOcspResponse(producedLater, target())).toMatchObject({ ok: false, code: "EVIDENCE_NOT_YET_VALID" });
    const open = await respond(request, { nextUpdate: undefined });
    expect(await verifyOcspResponse(open, target())).toMatchObject({ ok: false, code: "EVIDENCE_STALE" });
    expect(await verifyOcspResponse(open, { ...target(), maxAgeSeconds: 7200 })).toMatchObject({ ok: true, status: "good" });
  });

  it("refuses an unknown critical response extension; unknown status and error statuses are problems", async () => {
    const request = buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca, nonce: false }).der;
    const critical = await respond(request, { extensions: [{ oid: "1.3.6.1.4.1.55555.9.9", critical: true, value: Uint8Array.of(5, 0) }] });
    expect(await verifyOcspResponse(critical, target())).toMatchObject({ ok: false, code: "EVIDENCE_UNKNOWN_CRITICAL_EXTENSION" });
    const unknown = await respond(request, { status: () => ({ status: "unknown" }) });
    expect(await verifyOcspResponse(unknown, target())).toMatchObject({ ok: false, code: "EVIDENCE_STATUS_UNKNOWN" });
    expect(await verifyOcspResponse(createOcspErrorResponse("tryLater"), target())).toMatchObject({ ok: false, code: "EVIDENCE_RESPONDER_ERROR" });
    expect(parseOcspResponse(createOcspErrorResponse("unauthorized")).status).toBe("unauthorized");
  });

  it("refuses truncated, oversized and mutated responses with typed errors", async () => {
    const der = await respond(buildOcspRequest({ certificate: w.certs.dept, issuer: w.certs.ca }).der, { responder: w.responder });
    for (let cut = 1; cut < der.length; cut += 7) expect(caught(() => parseOcspResponse(der.subarray(0, cut))).code).toBe("ERR_INPUT_MALFORMED");
    expect(caught(() => parseOcspResponse(new Uint8Array(MAX_OCSP_RESPONSE_BYTES + 1))).code).toBe("ERR_INPUT_TOO_LARGE");
    // responseBytes in an error response, an unknown status value.
    expect(caught(() => parseOcspResponse(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x04))).code).toBe("ERR_INPUT_MALFORMED");
    let seed = 99;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const copy = der.slice();
      copy[next() % copy.length] = next() % 256;
      try {
        parseOcspResponse(copy);
      } catch (err) {
        expect(err).toBeInstanceOf(LicenceError);
      }
      const result = await verifyOcspResponse(copy, target());
      if (result.ok) expect(result.status).toBe("good");
    }
  });
});
