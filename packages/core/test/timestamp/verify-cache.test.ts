/**
 * verifyTimestampToken remembers parsed TSA certificates, imported keys and validated paths
 * (verify-cache.ts): a changed anchor set, validation time or token must still be judged afresh.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createRootCa, createTimestampAuthority, createTsaCertificate, type DevPkiCertificate } from "@elicence/pki";
import { createTimestampRequest, readTimestampResponse, verifyTimestampToken } from "../../src/timestamp.js";

const T0 = new Date("2025-01-01T00:00:00Z");
const STAMPED = new Date("2025-06-01T00:00:00Z");
const DATA = new TextEncoder().encode("signature value");
let rootA: DevPkiCertificate;
let rootB: DevPkiCertificate;
let token: Uint8Array;
let tsaNotAfter: Date;

beforeAll(async () => {
  rootA = await createRootCa({ commonName: "Cache Root A", notBefore: T0 });
  rootB = await createRootCa({ commonName: "Cache Root B", notBefore: T0 });
  const issuer = { certificatePem: rootA.certificatePem, privateKeyPkcs8: rootA.privateKeyPkcs8, alg: rootA.alg };
  tsaNotAfter = new Date("2027-01-01T00:00:00Z");
  const cert = await createTsaCertificate({ issuer, commonName: "Cache TSA", notBefore: T0, notAfter: tsaNotAfter });
  const tsa = await createTimestampAuthority({ certificatePem: cert.certificatePem, privateKeyPkcs8: cert.privateKeyPkcs8, alg: cert.alg, clock: () => STAMPED });
  const request = createTimestampRequest(DATA);
  token = readTimestampResponse(await tsa.respond(request.der), request);
});

describe("verifyTimestampToken's memory", () => {
  it("gives the same verdict from memory, and judges changed anchors, times and tokens afresh", async () => {
    const at = new Date("2026-01-01T00:00:00Z");
    const first = await verifyTimestampToken(token, { data: DATA, trustAnchors: [rootA.certificateDer], at });
    const again = await verifyTimestampToken(token, { data: DATA, trustAnchors: [rootA.certificatePem], at });
    expect(first).toMatchObject({ ok: true });
    expect(again).toEqual(first);
    // Another anchor: no path.
    expect(await verifyTimestampToken(token, { data: DATA, trustAnchors: [rootB.certificateDer], at })).toMatchObject({ ok: false, code: "TSA_PATH_INVALID" });
    // After the TSA certificate's end: its path is not valid then, whatever was remembered before.
    expect(await verifyTimestampToken(token, { data: DATA, trustAnchors: [rootA.certificateDer], at: new Date(tsaNotAfter.getTime() + 1000) })).toMatchObject({ ok: false, code: "TSA_PATH_INVALID" });
    // A changed signature in the same token (same TSA certificate, key from memory) still fails.
    const tampered = token.slice();
    tampered[tampered.length - 5] ^= 0x01;
    expect(await verifyTimestampToken(tampered, { data: DATA, trustAnchors: [rootA.certificateDer], at })).toMatchObject({ ok: false });
    expect(await verifyTimestampToken(token, { data: DATA, trustAnchors: [rootA.certificateDer], at })).toEqual(first);
  });
});
