/**
 * Holder binding and presentations (RFC 9901 §4.3 key binding): a holder-bound licence carries the
 * holder's key in `cnf`; a presentation discloses only the chosen fields and is bound to the
 * verifier's nonce and audience; every tampering, replay or wrong key is FAILED with its code.
 */
import { createHash, createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { issueLicence, type IssuedLicence } from "../../src/licence/issue.js";
import { createKeySigner, signJws, toCompact, type Signer } from "../../src/jws/jws.js";
import { createPresentation, sdHash } from "../../src/licence/presentation.js";
import { verifyPresentation, type PresentationReport } from "../../src/licence/presentation-verify.js";
import { generateHolderKey, holderKeyThumbprint, parseHolderJwk, spkiToHolderJwk, holderJwkToSpki, type GeneratedHolderKey } from "../../src/licence/holder-key.js";
import type { LicenceType } from "../../src/catalogue/licence-type.js";
import { parseLicenceType } from "../../src/catalogue/licence-type.js";
import { LicenceError } from "../../src/errors/errors.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, LATER, world, type World } from "../fixtures/world.js";
import { errorCode } from "../support/error-code.js";

const BOUND: LicenceType = { ...BUSINESS, holderBinding: true };
const NONCE = "n-0S6_WzA2Mj";
const AUDIENCE = "https://window.example.gov.cn/verifier";
const PRESENTED_AT = new Date(LATER.getTime() - 10_000);

let w: World;
let holder: GeneratedHolderKey;
let holderSigner: Signer;
let other: GeneratedHolderKey;
let otherSigner: Signer;
let bound: IssuedLicence;
let unbound: IssuedLicence;

beforeAll(async () => {
  w = await world();
  holder = await generateHolderKey("ES256");
  holderSigner = await createKeySigner(holder.pkcs8, "ES256");
  other = await generateHolderKey("ES256");
  otherSigner = await createKeySigner(other.pkcs8, "ES256");
  bound = await issueLicence(w.departments.ES256.context, { type: BOUND, holder: HOLDER, fields: FIELDS, serial: "BOUND1", issuedAt: ISSUED_AT, holderKey: holder.publicJwk });
  unbound = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "UNBOUND1", issuedAt: ISSUED_AT });
});

const present = (licence = bound.compact, options: Partial<Parameters<typeof createPresentation>[1]> = {}) =>
  createPresentation(licence, { disclose: ["address"], nonce: NONCE, audience: AUDIENCE, holderKey: holderSigner, at: PRESENTED_AT, ...options });

const verify = (text: string, options: Partial<Parameters<typeof verifyPresentation>[1]> = {}) =>
  verifyPresentation(text, { trustList: w.trustList, at: LATER, algorithms: ["ES256"], nonce: NONCE, audience: AUDIENCE, ...options });

function kb(report: PresentationReport, name: string) {
  return report.keyBinding.checks.find((c) => c.check === name)!;
}

function expectRefused(report: PresentationReport, check: string, code: string): void {
  expect(report.indication).toBe("FAILED");
  expect(kb(report, check)).toMatchObject({ result: "failed", code });
}

function payloadOf(compact: string): Record<string, any> {
  return JSON.parse(Buffer.from(compact.split("~")[0]!.split(".")[1]!, "base64url").toString("utf8"));
}

/** A key-binding JWT with any header and claims, signed by `signer` (an attacker's freedom). */
async function keyBinding(header: Record<string, unknown>, claims: Record<string, unknown>, signer: Signer): Promise<string> {
  return toCompact(await signJws(header, JSON.stringify(claims), signer));
}

describe("holder binding at issuing", () => {
  it("a licence of a holder-bound type carries the holder's public key in cnf, and nothing private", () => {
    const payload = payloadOf(bound.compact);
    expect(payload.cnf).toEqual({ jwk: holder.publicJwk });
    expect(JSON.stringify(payload.cnf)).not.toContain('"d"');
  });

  it("a holder-bound type requires the key; any other type refuses it; a private or off-curve key is refused", async () => {
    const issue = (type: LicenceType, holderKey?: unknown) =>
      issueLicence(w.departments.ES256.context, { type, holder: HOLDER, fields: FIELDS, serial: "X1", issuedAt: ISSUED_AT, ...(holderKey ? { holderKey: holderKey as never } : {}) });
    const issuesOf = async (p: Promise<unknown>) => {
      const err = await p.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(LicenceError);
      expect((err as LicenceError).code).toBe("ERR_VALIDATION");
      return (err as LicenceError).issues.map((i) => i.path.join("."));
    };
    expect(await issuesOf(issue(BOUND))).toEqual(["holderKey"]);
    expect(await issuesOf(issue(BUSINESS, holder.publicJwk))).toEqual(["holderKey"]);
    expect(await issuesOf(issue(BOUND, { ...holder.publicJwk, d: "AAAA" }))).toEqual(["holderKey"]);
    const offCurve = { kty: "EC", crv: "P-256", x: Buffer.alloc(32, 1).toString("base64url"), y: Buffer.alloc(32, 2).toString("base64url") };
    expect(await issuesOf(issue(BOUND, offCurve))).toEqual(["holderKey"]);
  });

  it("the type definition says whether it binds, as data", () => {
    expect(parseLicenceType({ ...BUSINESS, holderBinding: true }).holderBinding).toBe(true);
    expect(errorCode(() => parseLicenceType({ ...BUSINESS, holderBinding: "yes" }))).toBe("ERR_CATALOGUE_INVALID");
  });
});

describe("holder keys", () => {
  it("parses P-256 and Ed25519 public JWKs strictly and round-trips them through SubjectPublicKeyInfo", async () => {
    const ed = await generateHolderKey("EdDSA");
    for (const jwk of [holder.publicJwk, ed.publicJwk]) expect(spkiToHolderJwk(holderJwkToSpki(parseHolderJwk(jwk)))).toEqual(jwk);
    expect(holderKeyThumbprint(holder.publicJwk)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseHolderJwk({ ...holder.publicJwk, kid: "phone-1", use: "sig" })).toEqual(holder.publicJwk);
  });

  it("the RFC 7638 §3.1 example thumbprint (an RSA key is refused, so the EC member order is checked by hand)", () => {
    // Canonical form: required members in lexicographic order, no whitespace.
    const jwk = { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" } as const;
    const expected = Buffer.from(createHash("sha256").update('{"crv":"P-256","kty":"EC","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}').digest()).toString("base64url");
    expect(holderKeyThumbprint(jwk)).toBe(expected);
  });

  it.each([
    ["not an object", "key"],
    ["private member", { ...{ kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }, d: "x" }],
    ["RSA", { kty: "RSA", n: "AQAB", e: "AQAB" }],
    ["P-384", { kty: "EC", crv: "P-384", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }],
    ["short coordinate", { kty: "OKP", crv: "Ed25519", x: "AAAA" }],
    ["unknown member", { kty: "OKP", crv: "Ed25519", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", x5u: "https://evil" }],
    ["y on Ed25519", { kty: "OKP", crv: "Ed25519", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }],
  ])("refuses a JWK: %s", (_name, value) => {
    expect(errorCode(() => parseHolderJwk(value))).toBe("ERR_KEY_INVALID");
  });
});

describe("presentations", () => {
  it("discloses only the chosen fields, bound to nonce and audience, and PASSES", async () => {
    const text = await present();
    const report = await verify(text);
    expect(report.indication).toBe("PASSED");
    expect(report.keyBinding.checks.every((c) => c.result === "passed")).toBe(true);
    expect(report.licence!.fields.address).toBe(FIELDS.address);
    expect(report.licence!.fields.registeredCapital).toBeUndefined();
    expect(report.licence!.fields.legalRepresentativeIdNumber).toBeUndefined();
    expect(report.disclosed).toEqual(["fields.address"]);
    expect(report.keyBinding.holderKeyThumbprint).toBe(holderKeyThumbprint(holder.publicJwk));
    expect(report.keyBinding.presentedAt).toBe(new Date(Math.floor(PRESENTED_AT.getTime() / 1000) * 1000).toISOString());
    // The KB-JWT's sd_hash covers the SD-JWT as presented (RFC 9901 §4.3.1).
    const parts = text.split("~");
    const claims = JSON.parse(Buffer.from(parts.at(-1)!.split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({ aud: AUDIENCE, nonce: NONCE, sd_hash: sdHash(`${parts.slice(0, -1).join("~")}~`) });
    expect(JSON.parse(Buffer.from(parts.at(-1)!.split(".")[0]!, "base64url").toString())).toEqual({ alg: "ES256", typ: "kb+jwt" });
  });

  it("with no field chosen, only the plain fields show; with an Ed25519 holder key too", async () => {
    const ed = await generateHolderKey("EdDSA");
    const edLicence = await issueLicence(w.departments.ES256.context, { type: BOUND, holder: HOLDER, fields: FIELDS, serial: "BOUNDED", issuedAt: ISSUED_AT, holderKey: ed.publicJwk });
    const text = await present(edLicence.compact, { disclose: [], holderKey: await createKeySigner(ed.pkcs8, "EdDSA") });
    const report = await verify(text);
    expect(report.indication).toBe("PASSED");
    expect(report.disclosed).toEqual([]);
    expect(Object.keys(report.licence!.fields).sort()).toEqual(["employees", "establishedOn", "name"]);
  });

  it("refuses a wrong nonce and a wrong audience", async () => {
    const text = await present();
    expectRefused(await verify(text, { nonce: "another-nonce" }), "nonce", "nonce");
    expectRefused(await verify(text, { audience: "https://other.example" }), "audience", "audience");
  });

  it("refuses a stale presentation and one from the future, with a tolerance for clock skew", async () => {
    expectRefused(await verify(await present(undefined, { at: new Date(LATER.getTime() - 6 * 60_000) })), "freshness", "iat-stale");
    expectRefused(await verify(await present(undefined, { at: new Date(LATER.getTime() + 5 * 60_000) })), "freshness", "iat-future");
    expect((await verify(await present(undefined, { at: new Date(LATER.getTime() + 20_000) }))).indication).toBe("PASSED");
    expect((await verify(await present(undefined, { at: new Date(LATER.getTime() - 6 * 60_000) }), { maxAge: 10 * 60_000 })).indication).toBe("PASSED");
  });

  it("refuses a key-binding JWT signed by another holder's key", async () => {
    const parts = (await present()).split("~");
    const claims = JSON.parse(Buffer.from(parts.at(-1)!.split(".")[1]!, "base64url").toString());
    const forged = `${parts.slice(0, -1).join("~")}~${await keyBinding({ alg: "ES256", typ: "kb+jwt" }, claims, otherSigner)}`;
    expectRefused(await verify(forged), "kb-signature", "kb-signature");
    // …and the holder's tools refuse to make one with the wrong key.
    const err = await present(undefined, { holderKey: otherSigner }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "ERR_PRESENTATION_INVALID", details: { reason: "holder-key-mismatch" } });
  });

  it("refuses a disclosure added after binding, and one removed", async () => {
    const text = await present();
    const parts = text.split("~");
    const capital = bound.disclosures.find((d) => d.name === "registeredCapital")!.encoded;
    const added = [...parts.slice(0, -1), capital, parts.at(-1)!].join("~");
    const report = await verify(added);
    expectRefused(report, "sd-hash", "sd-hash");
    expect(report.subIndication).toBe("HASH_FAILURE");
    const removed = [parts[0], parts.at(-1)].join("~");
    expectRefused(await verify(removed), "sd-hash", "sd-hash");
  });

  it("refuses a licence without cnf (not holder-bound), even with a well-formed key-binding JWT", async () => {
    const jws = unbound.compact.split("~")[0]!;
    const text = `${jws}~${await keyBinding({ alg: "ES256", typ: "kb+jwt" }, { iat: Math.floor(PRESENTED_AT.getTime() / 1000), aud: AUDIENCE, nonce: NONCE, sd_hash: sdHash(`${jws}~`) }, holderSigner)}`;
    expectRefused(await verify(text), "holder-key", "no-holder-key");
    const err = await present(unbound.compact).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "ERR_PRESENTATION_INVALID", details: { reason: "no-holder-key" } });
  });

  it("refuses alg none and HMAC in the key-binding JWT before any key is used", async () => {
    const sd = `${bound.compact.split("~")[0]}~`;
    const claims = { iat: Math.floor(PRESENTED_AT.getTime() / 1000), aud: AUDIENCE, nonce: NONCE, sd_hash: sdHash(sd) };
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const none = `${sd}${b64({ alg: "none", typ: "kb+jwt" })}.${b64(claims)}.`;
    expectRefused(await verify(none), "kb-algorithm", "kb-algorithm");
    const hmacKey = Buffer.from(JSON.stringify(holder.publicJwk));
    const input = `${b64({ alg: "HS256", typ: "kb+jwt" })}.${b64(claims)}`;
    const mac = createHmac("sha256", hmacKey).update(input).digest("base64url");
    const report = await verify(`${sd}${input}.${mac}`);
    expectRefused(report, "kb-algorithm", "kb-algorithm");
    expect(report.subIndication).toBe("CRYPTO_CONSTRAINTS_FAILURE");
    // An EdDSA KB-JWT for a P-256 holder key is refused too (the algorithm is the key's).
    const ed = await generateHolderKey("EdDSA");
    const mismatch = `${sd}${await keyBinding({ alg: "EdDSA", typ: "kb+jwt" }, claims, await createKeySigner(ed.pkcs8, "EdDSA"))}`;
    expectRefused(await verify(mismatch), "kb-algorithm", "kb-algorithm-mismatch");
  });

  it("refuses a missing key-binding JWT, a wrong typ, missing claims, and malformed or oversized input", async () => {
    const sd = `${bound.compact.split("~")[0]}~`;
    const claims = { iat: Math.floor(PRESENTED_AT.getTime() / 1000), aud: AUDIENCE, nonce: NONCE, sd_hash: sdHash(sd) };
    expectRefused(await verify(sd), "presentation-format", "key-binding-missing");
    expectRefused(await verify(`${sd}${await keyBinding({ alg: "ES256", typ: "JWT" }, claims, holderSigner)}`), "presentation-format", "kb-typ");
    const { nonce: _n, ...noNonce } = claims;
    expectRefused(await verify(`${sd}${await keyBinding({ alg: "ES256", typ: "kb+jwt" }, noNonce, holderSigner)}`), "presentation-format", "kb-claims");
    expectRefused(await verify(`${sd}${await keyBinding({ alg: "ES256", typ: "kb+jwt" }, { ...claims, aud: [AUDIENCE] }, holderSigner)}`), "presentation-format", "kb-claims");
    expectRefused(await verify(`${sd}${await keyBinding({ alg: "ES256", typ: "kb+jwt", jwk: holder.publicJwk }, claims, holderSigner)}`), "presentation-format", "kb-malformed");
    for (const bad of ["", "~", "a.b.c", "not a presentation~x", `${sd}x.y.z`, `${sd}${"A".repeat(9000)}`, "A".repeat(600 * 1024), `${sd}~~kb`]) {
      const report = await verify(bad);
      expect(report.indication).toBe("FAILED");
      expect(["presentation-format", "kb-algorithm"]).toContain(report.keyBinding.checks.find((c) => c.result === "failed")?.check ?? report.checks.find((c) => c.result === "failed")?.check);
    }
    expectRefused(await verify("A".repeat(600 * 1024)), "presentation-format", "too-large");
  });

  it("a presentation of a tampered licence is FAILED by the licence checks, whatever the key binding says", async () => {
    const text = await present();
    const [jws, ...rest] = text.split("~");
    const [h, p, s] = jws!.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
    payload.licence.holder.name = "冒名公司";
    const tampered = [`${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`, ...rest].join("~");
    const report = await verify(tampered);
    expect(report.indication).toBe("FAILED");
    expect(report.checks.find((c) => c.check === "signature")?.result).toBe("failed");
  });

  it("createPresentation refuses a field the licence does not withhold, and API misuse", async () => {
    expect(await present(undefined, { disclose: ["nonexistent"] }).catch((e: unknown) => e)).toMatchObject({ code: "ERR_PRESENTATION_INVALID", details: { reason: "disclose-unknown" } });
    await expect(present(undefined, { nonce: "" })).rejects.toThrow(TypeError);
    await expect(present(undefined, { audience: "x".repeat(600) })).rejects.toThrow(TypeError);
    await expect(present(`${await present()}`)).rejects.toMatchObject({ code: "ERR_PRESENTATION_INVALID" });
    await expect(verify("x", { nonce: "" })).rejects.toThrow(TypeError);
  });
});
