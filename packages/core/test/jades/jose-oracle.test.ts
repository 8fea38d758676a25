/**
 * jose (panva/jose) as the oracle: it produces JAdES B-B signatures in every serialisation and
 * every algorithm; verifyJades must pass each, and fail each once tampered. The WebCrypto backend
 * verifies the same signatures, so both backends are held to every algorithm.
 */
import { CompactSign, FlattenedSign, GeneralSign } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyJades } from "../../src/jades/verify.js";
import { backend as webBackend } from "../../src/crypto/backend-web.js";
import { backend as nodeBackend } from "../../src/crypto/backend-node.js";
import { JADES_ALGORITHMS } from "../../src/jades/digest.js";
import { ALL_ALGS, AT, baseHeader, world, type World } from "./fixtures.js";

let w: World;
const payload = new TextEncoder().encode(JSON.stringify({ decision: "批准", number: "2025-0042" }));

beforeAll(async () => {
  w = await world();
});

const options = () => ({ trustAnchors: [w.root.pem], certificates: ALL_ALGS.map((a) => w.kits[a].cert.der), at: AT, algorithms: JADES_ALGORITHMS });

describe("verifyJades against jose", () => {
  it.each(ALL_ALGS)("%s: compact, flattened and general JWS made by jose pass at B-B", async (alg) => {
    const kit = w.kits[alg];
    const header = baseHeader(kit) as { alg: string };
    const compactJws = await new CompactSign(payload).setProtectedHeader(header).sign(kit.key);
    const flat = await new FlattenedSign(payload).setProtectedHeader(header).sign(kit.key);
    const gen = await new GeneralSign(payload).addSignature(kit.key).setProtectedHeader(header).done().sign();
    for (const [input, serialisation] of [
      [compactJws, "compact"],
      [JSON.stringify(flat), "flattened"],
      [gen as unknown as Record<string, unknown>, "general"],
    ] as const) {
      const report = await verifyJades(input, options());
      expect(report.serialisation).toBe(serialisation);
      expect(report.indication, JSON.stringify(report.signatures[0]?.checks.filter((c) => c.result !== "passed" && c.result !== "skipped"))).toBe("PASSED");
      expect(report.signatures[0]!.level).toBe("B-B");
      expect(report.signatures[0]!.algorithm).toBe(alg);
      expect(report.signatures[0]!.signer?.certificateSha256).toBe(kit.x5t);
    }
    // Tampered payload: the signature no longer verifies.
    const [h, , s] = compactJws.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ decision: "驳回" })).toString("base64url")}.${s}`;
    const bad = await verifyJades(forged, options());
    expect(bad.indication).toBe("FAILED");
    expect(bad.subIndication).toBe("SIG_CRYPTO_FAILURE");
  });

  it("a general JWS with one signature per algorithm gives one PASSED result per signature", async () => {
    const sign = new GeneralSign(payload);
    for (const alg of ALL_ALGS) sign.addSignature(w.kits[alg].key).setProtectedHeader(baseHeader(w.kits[alg]) as { alg: string });
    const report = await verifyJades((await sign.sign()) as unknown as Record<string, unknown>, options());
    expect(report.signatures.map((s) => [s.index, s.algorithm, s.indication])).toEqual(ALL_ALGS.map((alg, i) => [i, alg, "PASSED"]));
    expect(report.indication).toBe("PASSED");
  });

  it("one bad signature among good ones fails that signature only, and the document", async () => {
    const sign = new GeneralSign(payload);
    sign.addSignature(w.kits.ES256.key).setProtectedHeader(baseHeader(w.kits.ES256) as { alg: string });
    // Signed by the ES384 key, but the header references the ES256 certificate, whose key cannot have made it.
    sign.addSignature(w.kits.ES384.key).setProtectedHeader({ ...baseHeader(w.kits.ES384), "x5t#S256": w.kits.ES256.x5t } as unknown as { alg: string });
    const report = await verifyJades((await sign.sign()) as unknown as Record<string, unknown>, options());
    expect(report.signatures[0]!.indication).toBe("PASSED");
    expect(report.signatures[1]!.indication).toBe("FAILED");
    expect(report.signatures[1]!.subIndication).toBe("SIG_CRYPTO_FAILURE");
    expect(report.signatures[1]!.checks.find((c) => c.check === "signature")!.code).toBe("key-algorithm");
    expect(report.indication).toBe("FAILED");
  });

  it("the allow-list is the caller's: an algorithm outside it is CRYPTO_CONSTRAINTS_FAILURE before any key is used", async () => {
    const kit = w.kits.RS256;
    const jws = await new CompactSign(payload).setProtectedHeader(baseHeader(kit) as { alg: string }).sign(kit.key);
    const report = await verifyJades(jws, { ...options(), algorithms: ["ES256", "PS256"] });
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("CRYPTO_CONSTRAINTS_FAILURE");
    const check = report.signatures[0]!.checks.find((c) => c.check === "algorithm")!;
    expect(check).toMatchObject({ result: "failed", code: "algorithm-not-allowed" });
    expect(report.signatures[0]!.checks.find((c) => c.check === "signature")!.result).toBe("skipped");
  });

  it("HMAC is refused even when the caller lists it", async () => {
    const secret = new Uint8Array(32).fill(7);
    const jws = await new CompactSign(payload).setProtectedHeader({ alg: "HS256", "x5t#S256": w.kits.ES256.x5t, iat: 1 } as { alg: string }).sign(secret);
    const report = await verifyJades(jws, { ...options(), algorithms: ["HS256" as never, "ES256"] });
    expect(report.subIndication).toBe("CRYPTO_CONSTRAINTS_FAILURE");
  });
});

describe("both crypto backends verify every JAdES algorithm", () => {
  it.each(ALL_ALGS)("%s", async (alg) => {
    const kit = w.kits[alg];
    const jws = await new CompactSign(payload).setProtectedHeader({ alg }).sign(kit.key);
    const [h, p, s] = jws.split(".");
    const input = new TextEncoder().encode(`${h}.${p}`);
    const signature = Buffer.from(s!, "base64url");
    for (const backend of [nodeBackend, webBackend]) {
      const key = await backend.importPublicKey(new Uint8Array(kit.cert.cert.publicKey.rawData), alg);
      expect(await backend.verify(key, input, signature), `${backend.name} ${alg}`).toBe(true);
      const flipped = new Uint8Array(signature);
      flipped[flipped.length - 1]! ^= 1;
      expect(await backend.verify(key, input, flipped), `${backend.name} ${alg} flipped`).toBe(false);
    }
  });
});
