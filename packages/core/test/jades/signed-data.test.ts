/**
 * Detached content: a detached JWS Payload (RFC 7515 Appendix F) and the `sigD` mechanisms of
 * ETSI TS 119 182-1 clause 5.2.8 — HttpHeaders, ObjectIdByURI and ObjectIdByURIHash — with the
 * content supplied by the caller, missing, or altered.
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyJades, type VerifyJadesOptions } from "../../src/jades/verify.js";
import type { JadesReport } from "../../src/jades/report.js";
import { JADES_ALGORITHMS } from "../../src/jades/digest.js";
import { AT, b64url, baseHeader, compact, flattened, signWith, world, type World } from "./fixtures.js";

let w: World;
const enc = new TextEncoder();
const DECISION = enc.encode("<decision>准予许可</decision>");
const ANNEX = enc.encode("%PDF-1.7 annex bytes \u0000\u0001");
const U1 = "https://docs.example.gov.cn/decisions/17.xml";
const U2 = "urn:example:annex:17";
const HTTP_HEADERS = "http://uri.etsi.org/19182/HttpHeaders";
const BY_URI = "http://uri.etsi.org/19182/ObjectIdByURI";
const BY_URI_HASH = "http://uri.etsi.org/19182/ObjectIdByURIHash";

beforeAll(async () => {
  w = await world();
});

const options = (detached?: VerifyJadesOptions["detached"]): VerifyJadesOptions => ({
  trustAnchors: [w.root.pem],
  certificates: [w.kits.ES256.cert.der],
  at: AT,
  algorithms: JADES_ALGORITHMS,
  ...(detached ? { detached } : {}),
});
const ascii = (s: string) => Buffer.from(s, "ascii");
const hashOf = (data: Uint8Array, alg = "sha256") => createHash(alg).update(data).digest("base64url");
const check = (r: JadesReport, name: string) => r.signatures[0]!.checks.find((c) => c.check === name)!;

function sign(header: Record<string, unknown>, signedPayload: Uint8Array) {
  const kit = w.kits.ES256;
  return compact(signWith(kit, baseHeader(kit, header), new Uint8Array(0), { signedPayload, detached: true }));
}

describe("a detached JWS Payload without sigD (RFC 7515 Appendix F)", () => {
  it("verifies with the content, is SIGNED_DATA_NOT_FOUND without it, fails with other content", async () => {
    const kit = w.kits.ES256;
    const signed = signWith(kit, baseHeader(kit), DECISION, { detached: true });
    expect(signed.payload).toBe("");
    const jws = compact(signed);
    expect((await verifyJades(jws, options({ content: DECISION }))).indication).toBe("PASSED");
    expect((await verifyJades(flattened(signed), options({ content: DECISION }))).indication).toBe("PASSED");
    const missing = await verifyJades(jws, options());
    expect([missing.indication, missing.subIndication]).toEqual(["INDETERMINATE", "SIGNED_DATA_NOT_FOUND"]);
    expect((await verifyJades(jws, options({ content: ANNEX }))).subIndication).toBe("SIG_CRYPTO_FAILURE");
  });
});

describe("sigD ObjectIdByURI (clause 5.2.8.3.2)", () => {
  const sigD = { mId: BY_URI, pars: [U1, U2], ctys: ["text/xml", "application/pdf"] };

  it("base64url-encoded objects, concatenated in pars order", async () => {
    const jws = sign({ sigD, crit: ["sigD"] }, Buffer.concat([ascii(b64url(DECISION)), ascii(b64url(ANNEX))]));
    const documents = [
      { uri: U2, content: ANNEX },
      { uri: U1, content: DECISION },
    ];
    const report = await verifyJades(jws, options({ documents }));
    expect(report.indication).toBe("PASSED");
    expect(report.signatures[0]!.signedData).toEqual({ mechanism: BY_URI, references: [U1, U2] });
    const missing = await verifyJades(jws, options({ documents: documents.slice(1) }));
    expect(missing.subIndication).toBe("SIGNED_DATA_NOT_FOUND");
    const altered = await verifyJades(jws, options({ documents: [{ uri: U1, content: DECISION }, { uri: U2, content: DECISION }] }));
    expect(altered.subIndication).toBe("SIG_CRYPTO_FAILURE");
  });

  it("with b64 false the raw objects are concatenated", async () => {
    const jws = sign({ sigD, b64: false, crit: ["sigD", "b64"] }, Buffer.concat([DECISION, ANNEX]));
    const report = await verifyJades(jws, options({ documents: [{ uri: U1, content: DECISION }, { uri: U2, content: ANNEX }] }));
    expect(report.indication).toBe("PASSED");
  });
});

describe("sigD ObjectIdByURIHash (clause 5.2.8.3.3)", () => {
  const sigD = (hashM = "S256", alg = "sha256") => ({ mId: BY_URI_HASH, pars: [U1, U2], hashM, hashV: [hashOf(ascii(b64url(DECISION)), alg), hashOf(ascii(b64url(ANNEX)), alg)] });

  it("the payload contributes nothing; each object matches its digest", async () => {
    for (const [hashM, alg] of [["S256", "sha256"], ["S512", "sha512"]] as const) {
      const jws = sign({ sigD: sigD(hashM, alg), crit: ["sigD"] }, new Uint8Array(0));
      const report = await verifyJades(jws, options({ documents: [{ uri: U1, content: DECISION }, { uri: U2, content: ANNEX }] }));
      expect(report.indication, hashM).toBe("PASSED");
    }
  });

  it("without the objects the signature verifies and the result is SIGNED_DATA_NOT_FOUND; an altered object is HASH_FAILURE", async () => {
    const jws = sign({ sigD: sigD(), crit: ["sigD"] }, new Uint8Array(0));
    const missing = await verifyJades(jws, options());
    expect([missing.indication, missing.subIndication]).toEqual(["INDETERMINATE", "SIGNED_DATA_NOT_FOUND"]);
    expect(check(missing, "signature").result).toBe("passed");
    const altered = await verifyJades(jws, options({ documents: [{ uri: U1, content: DECISION }, { uri: U2, content: enc.encode("forged annex") }] }));
    expect([altered.indication, altered.subIndication]).toEqual(["FAILED", "HASH_FAILURE"]);
  });

  it("one referenced object may be given as the single detached payload, whatever its name", async () => {
    const one = { mId: BY_URI_HASH, pars: ["decision.xml"], hashM: "S256", hashV: [hashOf(ascii(b64url(DECISION)))] };
    const jws = sign({ sigD: one, crit: ["sigD"] }, new Uint8Array(0));
    expect((await verifyJades(jws, options({ content: DECISION }))).indication).toBe("PASSED");
    expect((await verifyJades(jws, options({ content: ANNEX }))).subIndication).toBe("HASH_FAILURE");
    // With two references, names must match.
    const two = sign({ sigD: sigD(), crit: ["sigD"] }, new Uint8Array(0));
    expect((await verifyJades(two, options({ content: DECISION }))).subIndication).toBe("SIGNED_DATA_NOT_FOUND");
  });

  it("with b64 false the digests are over the raw objects", async () => {
    const raw = { mId: BY_URI_HASH, pars: [U1], hashM: "S256", hashV: [hashOf(DECISION)] };
    const jws = sign({ sigD: raw, b64: false, crit: ["sigD", "b64"] }, new Uint8Array(0));
    expect((await verifyJades(jws, options({ documents: [{ uri: U1, content: DECISION }] }))).indication).toBe("PASSED");
  });

  it.each([
    [{ mId: BY_URI_HASH, pars: [U1, U2], hashM: "S256", hashV: [hashOf(DECISION)] }, "FORMAT_FAILURE"],
    [{ mId: BY_URI_HASH, pars: [U1], hashV: [hashOf(DECISION)] }, "FORMAT_FAILURE"],
    [{ mId: BY_URI_HASH, pars: [U1], hashM: "SHA1", hashV: [hashOf(DECISION)] }, "CRYPTO_CONSTRAINTS_FAILURE"],
    [{ mId: BY_URI_HASH, pars: [U1], hashM: "S256", hashV: ["tooshort"] }, "FORMAT_FAILURE"],
    [{ mId: BY_URI, pars: [] }, "FORMAT_FAILURE"],
    [{ mId: BY_URI, pars: [U1], hashM: "S256" }, "FORMAT_FAILURE"],
    [{ mId: BY_URI, pars: [U1], extra: true }, "FORMAT_FAILURE"],
  ])("malformed sigD %j → %s", async (value, sub) => {
    const report = await verifyJades(sign({ sigD: value, crit: ["sigD"] }, new Uint8Array(0)), options());
    expect(report.subIndication).toBe(sub);
  });
});

describe("sigD HttpHeaders (clause 5.2.8.2)", () => {
  const fields = [
    { name: "(request-target)", value: "post /v1/decisions" },
    { name: "Host", value: "registry.example.gov.cn" },
    { name: "Digest", value: "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=" },
  ];
  const lines = "(request-target): post /v1/decisions\nhost: registry.example.gov.cn\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=";
  const sigD = { mId: HTTP_HEADERS, pars: ["(request-target)", "host", "digest"] };

  it("the header fields, as draft-cavage §2.1.3 lines, are the signed payload (b64 false)", async () => {
    const jws = sign({ sigD, b64: false, crit: ["sigD", "b64"] }, enc.encode(lines));
    expect((await verifyJades(jws, options({ httpHeaders: fields }))).indication).toBe("PASSED");
    const missing = await verifyJades(jws, options({ httpHeaders: fields.slice(0, 2) }));
    expect(missing.subIndication).toBe("SIGNED_DATA_NOT_FOUND");
    const changed = await verifyJades(jws, options({ httpHeaders: [...fields.slice(0, 2), { name: "digest", value: "SHA-256=AAAA" }] }));
    expect(changed.subIndication).toBe("SIG_CRYPTO_FAILURE");
  });

  it("HttpHeaders needs b64 false and lowercased names", async () => {
    expect((await verifyJades(sign({ sigD, crit: ["sigD"] }, enc.encode(lines)), options({ httpHeaders: fields }))).subIndication).toBe("FORMAT_FAILURE");
    const upper = { mId: HTTP_HEADERS, pars: ["Host"] };
    expect((await verifyJades(sign({ sigD: upper, b64: false, crit: ["sigD", "b64"] }, enc.encode("host: x")), options())).subIndication).toBe("FORMAT_FAILURE");
  });
});

describe("sigD rules", () => {
  it("sigD must be critical, its payload detached, without cty; an unknown mechanism is SIGNED_DATA_NOT_FOUND", async () => {
    const sigD = { mId: BY_URI, pars: [U1] };
    const notCritical = await verifyJades(sign({ sigD }, ascii(b64url(DECISION))), options({ documents: [{ uri: U1, content: DECISION }] }));
    expect(check(notCritical, "critical").code).toBe("sigD-not-critical");
    const kit = w.kits.ES256;
    const attached = compact(signWith(kit, baseHeader(kit, { sigD, crit: ["sigD"] }), DECISION));
    const withPayload = await verifyJades(attached, options({ documents: [{ uri: U1, content: DECISION }] }));
    expect(check(withPayload, "signed-data")).toMatchObject({ result: "failed", code: "payload-with-sigD" });
    const cty = await verifyJades(sign({ sigD, cty: "xml", crit: ["sigD"] }, ascii(b64url(DECISION))), options());
    expect(check(cty, "format").code).toBe("cty");
    const unknown = await verifyJades(sign({ sigD: { mId: "http://example.com/other", pars: [U1] }, crit: ["sigD"] }, new Uint8Array(0)), options());
    expect([unknown.indication, unknown.subIndication]).toEqual(["INDETERMINATE", "SIGNED_DATA_NOT_FOUND"]);
  });
});
