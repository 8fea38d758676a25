import { createPrivateKey, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadVector } from "@elicence/vectors/load";
import { createKeySigner, parseCompactJws, parseFlattenedJws, signJws, toCompact, verifySignature } from "../../src/jws/jws.js";
import { LicenceError } from "../../src/errors/errors.js";
import { DEFAULT_ALGORITHMS } from "../../src/crypto/algorithms.js";

const spkiFromJwk = (jwk: object) => new Uint8Array(createPublicKey({ key: jwk as never, format: "jwk" }).export({ format: "der", type: "spki" }));
const pkcs8FromJwk = (jwk: object) => new Uint8Array(createPrivateKey({ key: jwk as never, format: "jwk" }).export({ format: "der", type: "pkcs8" }));
const b64u = (s: string) => Buffer.from(s).toString("base64url");
const ES256 = { algorithms: ["ES256"] as const };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof LicenceError ? err.code : `raw:${String(err)}`;
  }
  return undefined;
}

describe("RFC 7515 Appendix A.3 (ES256)", () => {
  const v = loadVector("jose-rfc7515/rfc7515-A3-es256.json") as {
    jwk: object;
    compact: string;
    negative_derivations: { what: string; compact: string }[];
  };
  const spki = spkiFromJwk({ ...(v.jwk as Record<string, string>), d: undefined });

  it("verifies the example", async () => {
    const jws = parseCompactJws(v.compact, ES256);
    expect(jws.header.alg).toBe("ES256");
    expect(await verifySignature("ES256", spki, jws.signingInput, jws.signature)).toBe(true);
  });

  it.each(v.negative_derivations.map((n) => [n.what, n.compact]))("refuses: %s", async (_what, compact) => {
    const jws = parseCompactJws(compact, ES256);
    expect(await verifySignature("ES256", spki, jws.signingInput, jws.signature)).toBe(false);
  });
});

describe("RFC 8037 A.4 / JOSE cookbook Ed25519", () => {
  const v = loadVector("jose-cookbook/curve25519/jws.json") as {
    input: { payload: string; key: Record<string, string> };
    output: { compact: string };
  };

  it("reproduces the signature byte for byte through our signer", async () => {
    const signer = await createKeySigner(pkcs8FromJwk(v.input.key), "EdDSA");
    const signed = await signJws({ alg: "EdDSA" }, new TextEncoder().encode(v.input.payload), signer);
    expect(toCompact(signed)).toBe(v.output.compact);
  });

  it("verifies it", async () => {
    const jws = parseCompactJws(v.output.compact, { algorithms: ["EdDSA"] });
    const { d: _d, ...pub } = v.input.key;
    expect(await verifySignature("EdDSA", spkiFromJwk(pub), jws.signingInput, jws.signature)).toBe(true);
  });
});

describe("RFC 7520 cookbook: algorithms outside the allow-list are refused before any key", () => {
  it.each([
    ["4_1.rsa_v15_signature.json", "RS256"],
    ["4_2.rsa-pss_signature.json", "PS384"],
    ["4_3.ecdsa_signature.json", "ES512"],
    ["4_4.hmac-sha2_integrity_protection.json", "HS256"],
  ])("%s (%s)", (file, alg) => {
    const v = loadVector(`jose-cookbook/jws/${file}`) as { output: { compact: string } };
    const err = (() => {
      try {
        parseCompactJws(v.output.compact, { algorithms: [...DEFAULT_ALGORITHMS] });
      } catch (e) {
        return e as LicenceError;
      }
      throw new Error("accepted");
    })();
    expect(err.code).toBe("ERR_ALGORITHM_NOT_ALLOWED");
    expect(err.details.alg).toBe(alg);
  });
});

describe("hostile and malformed JWS", () => {
  const header = (h: object) => b64u(JSON.stringify(h));
  const body = b64u('{"a":1}');
  const sig = b64u("x".repeat(64));

  it.each([
    ["alg none", `${header({ alg: "none" })}.${body}.`, "ERR_ALGORITHM_NOT_ALLOWED"],
    ["alg none with a signature", `${header({ alg: "none" })}.${body}.${sig}`, "ERR_ALGORITHM_NOT_ALLOWED"],
    ["alg NONE", `${header({ alg: "NONE" })}.${body}.${sig}`, "ERR_ALGORITHM_NOT_ALLOWED"],
    ["HS256", `${header({ alg: "HS256" })}.${body}.${sig}`, "ERR_ALGORITHM_NOT_ALLOWED"],
    ["allowed elsewhere, not here (EdDSA)", `${header({ alg: "EdDSA" })}.${body}.${sig}`, "ERR_ALGORITHM_NOT_ALLOWED"],
    ["alg missing", `${header({ typ: "JWT" })}.${body}.${sig}`, "ERR_HEADER_INVALID"],
    ["alg not a string", `${header({ alg: 1 })}.${body}.${sig}`, "ERR_HEADER_INVALID"],
    ["embedded jwk", `${header({ alg: "ES256", jwk: { kty: "EC" } })}.${body}.${sig}`, "ERR_HEADER_INVALID"],
    ["jku", `${header({ alg: "ES256", jku: "https://evil.example/keys" })}.${body}.${sig}`, "ERR_HEADER_INVALID"],
    ["x5u", `${header({ alg: "ES256", x5u: "https://evil.example/cert" })}.${body}.${sig}`, "ERR_HEADER_INVALID"],
    ["b64 false", `${header({ alg: "ES256", b64: false, crit: ["b64"] })}.${body}.${sig}`, "ERR_HEADER_INVALID"],
    ["unknown crit", `${header({ alg: "ES256", crit: ["exp"], exp: 1 })}.${body}.${sig}`, "ERR_HEADER_INVALID"],
    ["crit names a registered member", `${header({ alg: "ES256", crit: ["alg"] })}.${body}.${sig}`, "ERR_HEADER_INVALID"],
    ["empty crit", `${header({ alg: "ES256", crit: [] })}.${body}.${sig}`, "ERR_HEADER_INVALID"],
    ["duplicate alg member", `${b64u('{"alg":"ES256","alg":"none"}')}.${body}.${sig}`, "ERR_JSON_DUPLICATE_MEMBER"],
    ["duplicate via escape", `${b64u('{"alg":"ES256","\\u0061lg":"none"}')}.${body}.${sig}`, "ERR_JSON_DUPLICATE_MEMBER"],
    ["header not an object", `${b64u("[1]")}.${body}.${sig}`, "ERR_JWS_INVALID"],
    ["header not JSON", `${b64u("{alg:ES256}")}.${body}.${sig}`, "ERR_INPUT_MALFORMED"],
    ["header not UTF-8", `${Buffer.from([0x7b, 0xff, 0x7d]).toString("base64url")}.${body}.${sig}`, "ERR_INPUT_MALFORMED"],
    ["two parts", `${header({ alg: "ES256" })}.${body}`, "ERR_JWS_INVALID"],
    ["four parts", `${header({ alg: "ES256" })}.${body}.${sig}.x`, "ERR_JWS_INVALID"],
    ["padding in base64url", `${header({ alg: "ES256" })}=.${body}.${sig}`, "ERR_JWS_INVALID"],
    ["standard base64 characters", `${header({ alg: "ES256" })}.${body}.${sig.replace(/./, "+")}`, "ERR_JWS_INVALID"],
    ["empty signature", `${header({ alg: "ES256" })}.${body}.`, "ERR_JWS_INVALID"],
    ["empty header", `.${body}.${sig}`, "ERR_JWS_INVALID"],
    ["deep nesting", `${b64u(`{"alg":"ES256","x":${"[".repeat(5000)}${"]".repeat(5000)}}`)}.${body}.${sig}`, "ERR_INPUT_TOO_LARGE"],
  ])("%s → %s", (_name, token, code) => {
    expect(codeOf(() => parseCompactJws(token, ES256))).toBe(code);
  });

  it("refuses an oversized token without parsing it", () => {
    expect(codeOf(() => parseCompactJws("a".repeat(600 * 1024), ES256))).toBe("ERR_INPUT_TOO_LARGE");
  });

  it("refuses the general serialisation and members that overlap the protected header", () => {
    const protectedB64 = header({ alg: "ES256" });
    expect(codeOf(() => parseFlattenedJws({ payload: body, signatures: [] }, ES256))).toBe("ERR_JWS_INVALID");
    expect(codeOf(() => parseFlattenedJws({ protected: protectedB64, payload: body, signature: sig, header: { alg: "none" } }, ES256))).toBe("ERR_HEADER_INVALID");
    expect(codeOf(() => parseFlattenedJws({ protected: protectedB64, payload: body, signature: sig, header: { x5c: [] } }, ES256))).toBe("ERR_HEADER_INVALID");
    expect(codeOf(() => parseFlattenedJws({ protected: protectedB64, payload: body, signature: sig, extra: 1 }, ES256))).toBe("ERR_JWS_INVALID");
    expect(codeOf(() => parseFlattenedJws('{"protected":"a","protected":"b","payload":"","signature":"x"}', ES256))).toBe("ERR_JSON_DUPLICATE_MEMBER");
    expect(parseFlattenedJws({ protected: protectedB64, payload: body, signature: sig, header: { disclosures: [] } }, ES256).unprotected).toEqual({ disclosures: [] });
  });

  it("never throws anything but LicenceError for random garbage", () => {
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(Math.random() * 200);
      const chars = "abcXYZ019-_.~{}\"=+/ ";
      let s = "";
      for (let j = 0; j < len; j++) s += chars[Math.floor(Math.random() * chars.length)];
      const code = codeOf(() => parseCompactJws(s, ES256));
      expect(code === undefined || !code.startsWith("raw:")).toBe(true);
    }
  });
});
