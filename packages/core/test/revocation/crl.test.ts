import { beforeAll, describe, expect, it } from "vitest";
import { createCrl } from "@elicence/pki";
import { MAX_CRL_BYTES, parseCrl, verifyCrl } from "../../src/revocation/crl.js";
import { readCrlDistributionPoints, readOcspUrls } from "../../src/revocation/distribution-points.js";
import { LicenceError } from "../../src/errors/errors.js";
import { AT, DAY, HOUR, URLS, makeWorld, type RevocationWorld } from "./world.js";

let w: RevocationWorld;
beforeAll(async () => {
  w = await makeWorld();
}, 60_000);

const fresh = { thisUpdate: new Date(AT.getTime() - HOUR), nextUpdate: new Date(AT.getTime() + 7 * DAY) };

function caught(fn: () => unknown): LicenceError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LicenceError) return err;
    throw err;
  }
  throw new Error("expected a LicenceError");
}

describe("CRL parsing", () => {
  it("reads a CRL made by the development CA: issuer, times, number, entries with reason", async () => {
    const revocationTime = new Date("2026-05-01T08:00:00Z");
    const der = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 42, revoked: [{ serialNumber: w.certs.dept.serialNumber, revocationTime, reason: "keyCompromise" }] });
    const crl = parseCrl(der);
    expect(crl.issuer.equals(w.certs.ca.subjectName)).toBe(true);
    expect(crl.thisUpdate.toISOString()).toBe(fresh.thisUpdate.toISOString());
    expect(crl.nextUpdate?.toISOString()).toBe(fresh.nextUpdate.toISOString());
    expect(crl.crlNumber).toBe("2a");
    expect(crl.authorityKeyIdentifier).toBe(w.certs.ca.subjectKeyIdentifier);
    expect(crl.entries).toEqual([{ serialNumber: w.certs.dept.serialNumber, revocationDate: revocationTime, reason: "keyCompromise" }]);
  });

  it("refuses truncated, trailing, BER and oversized input with typed errors", async () => {
    const der = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 1, revoked: [] });
    for (let cut = 1; cut < der.length; cut += Math.max(1, Math.floor(der.length / 40))) {
      expect(caught(() => parseCrl(der.subarray(0, cut))).code).toBe("ERR_INPUT_MALFORMED");
    }
    expect(caught(() => parseCrl(Uint8Array.of(...der, 0))).details.reason).toBe("DER_TRAILING_DATA");
    const indefinite = Uint8Array.of(0x30, 0x80, ...der.subarray(2 + (der[1]! & 0x7f)), 0, 0);
    expect(caught(() => parseCrl(indefinite)).code).toBe("ERR_INPUT_MALFORMED");
    expect(caught(() => parseCrl(new Uint8Array(MAX_CRL_BYTES + 1))).code).toBe("ERR_INPUT_TOO_LARGE");
    expect(caught(() => parseCrl(new Uint8Array(0))).code).toBe("ERR_INPUT_MALFORMED");
    expect(caught(() => parseCrl(w.certs.dept.der)).code).toBe("ERR_INPUT_MALFORMED");
    expect(() => parseCrl("not bytes" as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("refuses garbage from a seeded fuzzer without crashing", async () => {
    const der = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 3, revoked: [{ serialNumber: w.certs.dept.serialNumber, revocationTime: AT }] });
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const copy = der.slice();
      copy[next() % copy.length] = next() % 256;
      try {
        parseCrl(copy);
      } catch (err) {
        expect(err).toBeInstanceOf(LicenceError);
      }
    }
  });
});

describe("CRL verification (RFC 5280 §6.3.3)", () => {
  const target = () => ({ certificate: w.certs.dept, issuer: w.certs.ca, at: AT });

  it("says good for a certificate not listed, and revoked with date and reason for one listed", async () => {
    const revocationTime = new Date("2026-05-01T08:00:00Z");
    const der = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 2, revoked: [{ serialNumber: w.certs.dept.serialNumber, revocationTime, reason: "superseded" }] });
    expect(await verifyCrl(der, { ...target(), certificate: w.certs.dept2 })).toMatchObject({ ok: true, status: "good", source: "crl" });
    expect(await verifyCrl(der, target())).toMatchObject({ ok: true, status: "revoked", revocationTime, reason: "superseded" });
  });

  it("refuses a CRL whose signature does not verify", async () => {
    const der = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 2, revoked: [] });
    const bad = der.slice();
    bad[bad.length - 5] ^= 0x01;
    expect(await verifyCrl(bad, target())).toMatchObject({ ok: false, code: "EVIDENCE_SIGNATURE_INVALID" });
  });

  it("refuses a CRL signed by another CA with the same name (wrong key)", async () => {
    const der = await createCrl({ issuer: w.other, ...fresh, crlNumber: 2, revoked: [] });
    expect(w.certs.other.subjectName.equals(w.certs.ca.subjectName)).toBe(true);
    expect(await verifyCrl(der, target())).toMatchObject({ ok: false, code: "EVIDENCE_WRONG_ISSUER" });
  });

  it("refuses a CRL of another issuer (by name)", async () => {
    const der = await createCrl({ issuer: w.root, ...fresh, crlNumber: 2, revoked: [] });
    expect(await verifyCrl(der, target())).toMatchObject({ ok: false, code: "EVIDENCE_WRONG_ISSUER" });
  });

  it("refuses a stale CRL and one issued after the time it is judged at", async () => {
    const stale = await createCrl({ issuer: w.ca, thisUpdate: new Date(AT.getTime() - 10 * DAY), nextUpdate: new Date(AT.getTime() - DAY), crlNumber: 2, revoked: [] });
    expect(await verifyCrl(stale, target())).toMatchObject({ ok: false, code: "EVIDENCE_STALE" });
    const future = await createCrl({ issuer: w.ca, thisUpdate: new Date(AT.getTime() + HOUR), nextUpdate: new Date(AT.getTime() + DAY), crlNumber: 2, revoked: [] });
    expect(await verifyCrl(future, target())).toMatchObject({ ok: false, code: "EVIDENCE_NOT_YET_VALID" });
  });

  it("refuses an unknown critical extension, and delta or indirect CRLs", async () => {
    const unknown = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 2, revoked: [], extensions: [{ oid: "1.3.6.1.4.1.55555.9.9", critical: true, value: Uint8Array.of(5, 0) }] });
    expect(await verifyCrl(unknown, target())).toMatchObject({ ok: false, code: "EVIDENCE_UNKNOWN_CRITICAL_EXTENSION" });
    const tolerated = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 2, revoked: [], extensions: [{ oid: "1.3.6.1.4.1.55555.9.9", critical: false, value: Uint8Array.of(5, 0) }] });
    expect(await verifyCrl(tolerated, target())).toMatchObject({ ok: true, status: "good" });
    const delta = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 3, revoked: [], extensions: [{ oid: "2.5.29.27", critical: true, value: Uint8Array.of(2, 1, 2) }] });
    expect(await verifyCrl(delta, target())).toMatchObject({ ok: false, code: "EVIDENCE_UNSUPPORTED" });
    // IssuingDistributionPoint { indirectCRL [4] TRUE }
    const indirect = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 3, revoked: [], extensions: [{ oid: "2.5.29.28", critical: true, value: Uint8Array.of(0x30, 3, 0x84, 1, 0xff) }] });
    expect(await verifyCrl(indirect, target())).toMatchObject({ ok: false, code: "EVIDENCE_UNSUPPORTED" });
  });

  it("applies the issuing distribution point's scope", async () => {
    // onlyContainsCACerts [2] TRUE: not for a department certificate.
    const caOnly = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 4, revoked: [], extensions: [{ oid: "2.5.29.28", critical: true, value: Uint8Array.of(0x30, 3, 0x82, 1, 0xff) }] });
    expect(await verifyCrl(caOnly, target())).toMatchObject({ ok: false, code: "EVIDENCE_NOT_APPLICABLE" });
    const url = new TextEncoder().encode(URLS.crl);
    const other = new TextEncoder().encode("http://elsewhere.example/crl");
    const idp = (u: Uint8Array) => Uint8Array.of(0x30, u.length + 6, 0xa0, u.length + 4, 0xa0, u.length + 2, 0x86, u.length, ...u);
    const matching = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 5, revoked: [], extensions: [{ oid: "2.5.29.28", critical: true, value: idp(url) }] });
    expect(await verifyCrl(matching, target())).toMatchObject({ ok: true, status: "good" });
    const elsewhere = await createCrl({ issuer: w.ca, ...fresh, crlNumber: 6, revoked: [], extensions: [{ oid: "2.5.29.28", critical: true, value: idp(other) }] });
    expect(await verifyCrl(elsewhere, target())).toMatchObject({ ok: false, code: "EVIDENCE_NOT_APPLICABLE" });
  });

  it("reports a malformed CRL as a problem, not an exception", async () => {
    expect(await verifyCrl(Uint8Array.of(0x30, 0x00), target())).toMatchObject({ ok: false, code: "EVIDENCE_MALFORMED" });
  });

  it("reads where a certificate's evidence is published", () => {
    expect(readCrlDistributionPoints(w.certs.dept).flatMap((p) => p.urls)).toEqual([URLS.crl]);
    expect(readOcspUrls(w.certs.dept)).toEqual([URLS.ocsp]);
    expect(readOcspUrls(w.certs.root)).toEqual([]);
  });
});
