/**
 * Wallet compatibility: a licence exported as an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, `typ:
 * dc+sd-jwt`, `vct`) is accepted by an independent verifier, `@sd-jwt/sd-jwt-vc` (OpenWallet
 * Foundation), handed only the department's certificate (the leaf of the header's `x5c`) — with
 * and without a key-binding JWT made by our `createPresentation`. Tampering is refused by it too.
 */
import { X509Certificate, createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { SDJwtVcInstance } from "@sd-jwt/sd-jwt-vc";
import { beforeAll, describe, expect, it } from "vitest";
import { issueLicence, type IssuedLicence } from "../../src/licence/issue.js";
import { exportSdJwtVc, SD_JWT_VC_TYP, defaultVct } from "../../src/licence/sd-jwt-vc.js";
import { createPresentation } from "../../src/licence/presentation.js";
import { generateHolderKey, type GeneratedHolderKey } from "../../src/licence/holder-key.js";
import { createKeySigner } from "../../src/jws/jws.js";
import type { LicenceType } from "../../src/catalogue/licence-type.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, world, type World } from "../fixtures/world.js";

const BOUND: LicenceType = { ...BUSINESS, holderBinding: true };
const NONCE = "wallet-nonce-1";
const AUDIENCE = "https://verifier.example";

let w: World;
let holder: GeneratedHolderKey;
let licence: IssuedLicence;
let vc: string;

/** ES256 JWS verification with a key object; the library hands us the signing input and base64url signature. */
function es256Verifier(key: ReturnType<typeof createPublicKey>) {
  return async (data: string, signature: string) => nodeVerify("sha256", Buffer.from(data), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
}

const hasher = async (data: string | ArrayBuffer, alg: string) => {
  expect(alg).toBe("sha-256");
  return new Uint8Array(createHash("sha256").update(typeof data === "string" ? data : Buffer.from(data)).digest());
};

/** The independent verifier, with the issuer key taken from the certificate we hand it. */
function independentVerifier(certificate: X509Certificate): SDJwtVcInstance {
  return new SDJwtVcInstance({
    hasher,
    verifier: es256Verifier(certificate.publicKey),
    // The holder key comes from the credential's cnf.jwk (RFC 7800), as a wallet verifier does.
    kbVerifier: async (data, signature, payload) => {
      const jwk = (payload as { cnf?: { jwk?: Record<string, string> } }).cnf?.jwk;
      if (!jwk) return false;
      return es256Verifier(createPublicKey({ key: jwk, format: "jwk" }))(data, signature);
    },
  });
}

function header(compact: string): Record<string, any> {
  return JSON.parse(Buffer.from(compact.split(".")[0]!, "base64url").toString());
}

beforeAll(async () => {
  w = await world();
  holder = await generateHolderKey("ES256");
  licence = await issueLicence(w.departments.ES256.context, { type: BOUND, holder: HOLDER, fields: FIELDS, serial: "WALLET1", issuedAt: ISSUED_AT, holderKey: holder.publicJwk });
  vc = await exportSdJwtVc(licence.compact, w.departments.ES256.context);
});

describe("SD-JWT VC export", () => {
  it("has typ dc+sd-jwt, x5c and vct, the same claims and the same disclosures", () => {
    const h = header(vc);
    expect(h.typ).toBe(SD_JWT_VC_TYP);
    expect(h.typ).toBe("dc+sd-jwt");
    expect(h.x5c).toEqual(w.departments.ES256.context.x5c);
    const payload = JSON.parse(Buffer.from(vc.split(".")[1]!, "base64url").toString());
    const original = JSON.parse(Buffer.from(licence.compact.split(".")[1]!, "base64url").toString());
    expect(payload).toEqual({ vct: defaultVct(BUSINESS.code), ...original });
    expect(vc.split("~").slice(1)).toEqual(licence.compact.split("~").slice(1));
  });

  it("is accepted by @sd-jwt/sd-jwt-vc with the department certificate from x5c, every field disclosed", async () => {
    const leaf = new X509Certificate(Buffer.from(header(vc).x5c[0], "base64"));
    const result = await independentVerifier(leaf).verify(vc, { currentDate: Math.floor(ISSUED_AT.getTime() / 1000) + 60 });
    expect(result.header?.typ).toBe("dc+sd-jwt");
    const claims = result.payload as Record<string, any>;
    expect(claims.vct).toBe(defaultVct(BUSINESS.code));
    expect(claims.iss).toBe(licence.licence.issuer.code);
    expect(claims.fields).toMatchObject({ name: FIELDS.name, registeredCapital: FIELDS.registeredCapital, address: FIELDS.address });
    expect(claims.cnf).toEqual({ jwk: holder.publicJwk });
  });

  it("is accepted with a key-binding JWT made by createPresentation, only the chosen field disclosed", async () => {
    const presentation = await createPresentation(vc, { disclose: ["address"], nonce: NONCE, audience: AUDIENCE, holderKey: await createKeySigner(holder.pkcs8, "ES256"), at: new Date(ISSUED_AT.getTime() + 60_000) });
    const leaf = new X509Certificate(Buffer.from(header(vc).x5c[0], "base64"));
    const result = await independentVerifier(leaf).verify(presentation, { keyBindingNonce: NONCE, currentDate: Math.floor(ISSUED_AT.getTime() / 1000) + 120 });
    expect(result.kb?.payload).toMatchObject({ nonce: NONCE, aud: AUDIENCE });
    const claims = result.payload as Record<string, any>;
    expect(claims.fields.address).toBe(FIELDS.address);
    expect(claims.fields.registeredCapital).toBeUndefined();
    // The same library refuses a wrong nonce and a disclosure added after binding.
    await expect(independentVerifier(leaf).verify(presentation, { keyBindingNonce: "other" })).rejects.toThrow();
    const parts = presentation.split("~");
    const capital = licence.disclosures.find((d) => d.name === "registeredCapital")!.encoded;
    await expect(independentVerifier(leaf).verify([...parts.slice(0, -1), capital, parts.at(-1)].join("~"), { keyBindingNonce: NONCE })).rejects.toThrow(/sd_hash/);
  });

  it("the independent verifier refuses it under another department's certificate, or with a changed claim", async () => {
    const otherLeaf = new X509Certificate(w.departments.other.cert.certificateDer);
    await expect(independentVerifier(otherLeaf).verify(vc)).rejects.toThrow();
    const [h, p, s] = vc.split("~")[0]!.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
    payload.vct = "urn:other";
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}~${vc.split("~").slice(1).join("~")}`;
    const leaf = new X509Certificate(Buffer.from(header(vc).x5c[0], "base64"));
    await expect(independentVerifier(leaf).verify(forged)).rejects.toThrow();
  });

  it("export refuses a licence another department signed, a forged one, and takes a custom vct", async () => {
    await expect(exportSdJwtVc(licence.compact, w.departments.other.context)).rejects.toMatchObject({ code: "ERR_JWS_INVALID", details: { reason: "signer" } });
    await expect(exportSdJwtVc(licence.compact, w.departments.ES384.context)).rejects.toMatchObject({ code: "ERR_ALGORITHM_NOT_ALLOWED" });
    const [h, p, s] = licence.compact.split("~")[0]!.split(".");
    const forged = `${h}.${p}.${s!.slice(0, -4)}AAAA~`;
    await expect(exportSdJwtVc(forged, w.departments.ES256.context)).rejects.toMatchObject({ code: "ERR_SIGNATURE_INVALID" });
    await expect(exportSdJwtVc(vc, w.departments.ES256.context)).rejects.toMatchObject({ code: "ERR_JWS_INVALID" });
    const custom = await exportSdJwtVc(licence.compact, w.departments.ES256.context, { vct: "https://credentials.example.gov.cn/business-licence" });
    expect(JSON.parse(Buffer.from(custom.split(".")[1]!, "base64url").toString()).vct).toBe("https://credentials.example.gov.cn/business-licence");
  });
});
