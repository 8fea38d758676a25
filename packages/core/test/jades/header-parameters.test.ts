/**
 * Hand-made JAdES signatures, one per header parameter of ETSI TS 119 182-1 clauses 5.1 and 5.2,
 * with the `crit` rules (RFC 7515 §4.1.11, RFC 7797 §6) and every way to get them wrong.
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyJades, type VerifyJadesOptions } from "../../src/jades/verify.js";
import type { JadesReport } from "../../src/jades/report.js";
import { JADES_ALGORITHMS } from "../../src/jades/digest.js";
import { createLeaf } from "../x509/fixtures.js";
import { AT, b64, baseHeader, compact, flattened, keyPair, signWith, world, x5tOf, type World } from "./fixtures.js";

let w: World;
const PAYLOAD = JSON.stringify({ decision: "准予许可", case: "330100-2025-17" });

beforeAll(async () => {
  w = await world();
});

const options = (extra: Partial<VerifyJadesOptions> = {}): VerifyJadesOptions => ({
  trustAnchors: [w.root.pem],
  certificates: [w.kits.ES256.cert.der, w.kits.PS256.cert.der],
  at: AT,
  algorithms: JADES_ALGORITHMS,
  ...extra,
});

async function verifyHeader(header: Record<string, unknown>, extra: Partial<VerifyJadesOptions> = {}): Promise<JadesReport> {
  return verifyJades(compact(signWith(w.kits.ES256, header, PAYLOAD)), options(extra));
}

function check(report: JadesReport, name: string) {
  return report.signatures[0]!.checks.find((c) => c.check === name)!;
}

describe("signing-certificate references", () => {
  it("x5t#S256 of a certificate the caller gives: PASSED at B-B", async () => {
    const report = await verifyHeader(baseHeader(w.kits.ES256));
    expect(report.indication).toBe("PASSED");
    expect(report.signatures[0]!.level).toBe("B-B");
  });

  it("a wrong x5t#S256: no signing certificate found", async () => {
    const report = await verifyHeader(baseHeader(w.kits.ES256, { "x5t#S256": x5tOf(new TextEncoder().encode("not a certificate")) }));
    expect(report.indication).toBe("INDETERMINATE");
    expect(report.subIndication).toBe("NO_SIGNING_CERTIFICATE_FOUND");
    expect(check(report, "signing-certificate").code).toBe("x5t#S256");
  });

  it("x5t#S256 that is not a SHA-256 digest in base64url is malformed", async () => {
    for (const bad of ["short", `${w.kits.ES256.x5t}A`, 42, b64(new Uint8Array(32))]) {
      const report = await verifyHeader(baseHeader(w.kits.ES256, { "x5t#S256": bad }));
      expect(report.subIndication, String(bad)).toBe("FORMAT_FAILURE");
    }
  });

  it.each([
    ["S384", "sha384"],
    ["S512", "sha512"],
    ["http://www.w3.org/2001/04/xmldsig-more#sha384", "sha384"],
  ] as const)("x5t#o with digAlg %s", async (digAlg, hash) => {
    const kit = w.kits.ES256;
    const header = { alg: "ES256", iat: 1_700_000_000, "x5t#o": { digAlg, digVal: x5tOf(kit.cert.der, hash) }, crit: ["x5t#o"] };
    const report = await verifyHeader(header);
    expect(report.indication).toBe("PASSED");
    expect(report.signatures[0]!.level).toBe("B-B");
  });

  it("x5t#o with a refused digest algorithm (SHA-1) is CRYPTO_CONSTRAINTS_FAILURE; a wrong digest is not found", async () => {
    const kit = w.kits.ES256;
    const sha1 = createHash("sha1").update(kit.cert.der).digest("base64url");
    const weak = await verifyHeader({ alg: "ES256", iat: 1, "x5t#o": { digAlg: "http://www.w3.org/2000/09/xmldsig#sha1", digVal: sha1 } });
    expect(weak.subIndication).toBe("CRYPTO_CONSTRAINTS_FAILURE");
    const wrong = await verifyHeader({ alg: "ES256", iat: 1, "x5t#o": { digAlg: "S512", digVal: x5tOf(w.kits.PS256.cert.der, "sha512") } });
    expect(wrong.subIndication).toBe("SIG_CRYPTO_FAILURE");
    const extraMember = await verifyHeader({ alg: "ES256", iat: 1, "x5t#o": { digAlg: "S512", digVal: x5tOf(kit.cert.der, "sha512"), x: 1 } });
    expect(extraMember.subIndication).toBe("FORMAT_FAILURE");
  });

  it("sigX5ts: the signing certificate is the one among the digests whose key verifies", async () => {
    const kit = w.kits.ES256;
    const sigX5ts = [
      { digAlg: "S256", digVal: x5tOf(w.kits.PS256.cert.der) },
      { digAlg: "S256", digVal: x5tOf(kit.cert.der) },
    ];
    const report = await verifyHeader({ alg: "ES256", iat: 1, sigX5ts, crit: ["sigX5ts"] });
    expect(report.indication).toBe("PASSED");
    expect(report.signatures[0]!.signer?.certificateSha256).toBe(kit.x5t);
    const one = await verifyHeader({ alg: "ES256", iat: 1, sigX5ts: sigX5ts.slice(1) });
    expect(one.subIndication).toBe("FORMAT_FAILURE");
  });

  it("two signing-certificate references at once are malformed", async () => {
    const kit = w.kits.ES256;
    const report = await verifyHeader(baseHeader(kit, { "x5t#o": { digAlg: "S512", digVal: x5tOf(kit.cert.der, "sha512") } }));
    expect(report.subIndication).toBe("FORMAT_FAILURE");
    expect(check(report, "format").code).toBe("signing-certificate-reference");
  });

  it("x5c alone names the signer (no certificate from the caller needed); with x5t#S256 both must agree", async () => {
    const kit = w.kits.ES256;
    const alone = await verifyJades(compact(signWith(kit, { alg: "ES256", iat: 1, x5c: [b64(kit.cert.der)] }, PAYLOAD)), options({ certificates: [] }));
    expect(alone.indication).toBe("PASSED");
    const both = await verifyJades(compact(signWith(kit, baseHeader(kit, { x5c: [b64(kit.cert.der)] }), PAYLOAD)), options({ certificates: [] }));
    expect(both.indication).toBe("PASSED");
    const disagree = await verifyJades(compact(signWith(kit, baseHeader(kit, { x5c: [b64(w.kits.PS256.cert.der)] }), PAYLOAD)), options());
    expect(disagree.subIndication).toBe("NO_SIGNING_CERTIFICATE_FOUND");
    expect(check(disagree, "signing-certificate").code).toBe("x5c-mismatch");
    for (const bad of [[], ["!!"], "abc", [b64(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))]]) {
      const report = await verifyJades(compact(signWith(kit, { alg: "ES256", iat: 1, x5c: bad }, PAYLOAD)), options());
      expect(report.subIndication, JSON.stringify(bad)).toBe("FORMAT_FAILURE");
    }
  });

  it("an RSA key shorter than 2048 bits is refused (CRYPTO_CONSTRAINTS_FAILURE)", async () => {
    const { pair, key } = await keyPair("RS256", 1024);
    const cert = await createLeaf(w.root, "CN=Weak RSA,O=eLicence Tests,C=CN", { key: pair });
    const kit = { alg: "RS256" as const, cert, key, x5t: x5tOf(cert.der) };
    const report = await verifyJades(compact(signWith(kit, baseHeader(kit), PAYLOAD)), options({ certificates: [cert.der] }));
    expect([report.indication, report.subIndication]).toEqual(["FAILED", "CRYPTO_CONSTRAINTS_FAILURE"]);
    expect(check(report, "signature").code).toBe("weak-key");
  });

  it("the SHA-1 x5t, and keys carried in the header (jwk, jku), are refused", async () => {
    for (const member of [{ x5t: "abc" }, { jwk: { kty: "EC" } }, { jku: "https://example.com/keys" }]) {
      const report = await verifyHeader(baseHeader(w.kits.ES256, member));
      expect(report.subIndication, Object.keys(member)[0]).toBe("FORMAT_FAILURE");
    }
  });

  it("kid as an RFC 5035 IssuerSerial must name the signing certificate; another kid is an opaque hint", async () => {
    const kit = w.kits.ES256;
    const issuerSerial = (serialHex: string) => {
      const issuer = Buffer.from(w.root.cert.subjectName.toArrayBuffer());
      const name = Buffer.concat([Buffer.from([0xa4, issuer.length]), issuer]);
      const names = Buffer.concat([Buffer.from([0x30, name.length]), name]);
      const serial = Buffer.from(serialHex.length % 2 ? `0${serialHex}` : serialHex, "hex");
      const int = Buffer.concat([Buffer.from([0x02, serial.length]), serial]);
      const body = Buffer.concat([names, int]);
      return Buffer.concat([Buffer.from([0x30, body.length]), body]).toString("base64");
    };
    const right = await verifyHeader(baseHeader(kit, { kid: issuerSerial(kit.cert.cert.serialNumber) }));
    expect(right.indication).toBe("PASSED");
    const wrong = await verifyHeader(baseHeader(kit, { kid: issuerSerial("7fff") }));
    expect(wrong.subIndication).toBe("NO_SIGNING_CERTIFICATE_FOUND");
    expect(check(wrong, "signing-certificate").code).toBe("kid-mismatch");
    expect((await verifyHeader(baseHeader(kit, { kid: "key-2025" }))).indication).toBe("PASSED");
  });
});

describe("signing time: iat and the obsolescent sigT", () => {
  it("iat or sigT gives B-B; neither gives a valid JWS that is not B-B; both are malformed", async () => {
    const kit = w.kits.ES256;
    const sigT = await verifyHeader({ alg: "ES256", "x5t#S256": kit.x5t, sigT: "2025-05-01T10:00:00Z", crit: ["sigT"] });
    expect(sigT.indication).toBe("PASSED");
    expect(sigT.signatures[0]!.claimedSigningTime).toBe("2025-05-01T10:00:00.000Z");
    expect(check(sigT, "signing-time").code).toBe("sigT");
    const none = await verifyHeader({ alg: "ES256", "x5t#S256": kit.x5t });
    expect(none.indication).toBe("PASSED");
    expect(none.signatures[0]!.level).toBeUndefined();
    const both = await verifyHeader({ alg: "ES256", "x5t#S256": kit.x5t, iat: 1, sigT: "2025-05-01T10:00:00Z" });
    expect(both.subIndication).toBe("FORMAT_FAILURE");
  });

  it.each(["2025-02-30T10:00:00Z", "2025-05-01 10:00:00Z", "2025-05-01T10:00:00+08:00", "yesterday", 1714557600])("sigT %s is malformed", async (sigT) => {
    const report = await verifyHeader({ alg: "ES256", "x5t#S256": w.kits.ES256.x5t, sigT });
    expect(report.subIndication).toBe("FORMAT_FAILURE");
  });

  it.each([-1, 1.5, "1714557600", 1e15])("iat %s is malformed", async (iat) => {
    const report = await verifyHeader({ alg: "ES256", "x5t#S256": w.kits.ES256.x5t, iat });
    expect(report.subIndication).toBe("FORMAT_FAILURE");
  });
});

describe("signed properties: srCms, sigPl, sigPId, cty", () => {
  it("srCms and sigPl are read and reported", async () => {
    const report = await verifyHeader(
      baseHeader(w.kits.ES256, {
        srCms: [{ commId: { id: "http://uri.etsi.org/01903/v1.2.2#ProofOfApproval", desc: "approval" } }],
        sigPl: { addressCountry: "CN", addressLocality: "杭州" },
        crit: ["srCms", "sigPl"],
      }),
    );
    expect(report.indication).toBe("PASSED");
    expect(report.signatures[0]!.commitments).toEqual(["http://uri.etsi.org/01903/v1.2.2#ProofOfApproval"]);
    expect(report.signatures[0]!.productionPlace).toEqual({ addressCountry: "CN", addressLocality: "杭州" });
  });

  it.each([
    { srCms: [] },
    { srCms: [{ commId: "urn:oid:1.2.840.113549.1.9.16.6.1" }] },
    { srCms: [{ commId: { id: "x" }, other: 1 }] },
    { sigPl: {} },
    { sigPl: { city: "杭州" } },
    { sigPl: { addressCountry: 86 } },
    { sigPId: { id: "urn:oid:1.2.3" } },
    { sigPId: { id: { id: "urn:oid:1.2.3" }, digAlg: "S256" } },
    { cty: "" },
    { typ: 7 },
    { b64: "false" },
  ])("malformed %j", async (member) => {
    const report = await verifyHeader(baseHeader(w.kits.ES256, member));
    expect(report.subIndication).toBe("FORMAT_FAILURE");
  });

  it("sigPId: INDETERMINATE unless the caller accepts the policy", async () => {
    const policy = "urn:oid:2.16.156.1.2.3.4";
    const header = baseHeader(w.kits.ES256, {
      sigPId: { id: { id: policy }, digAlg: "S256", digVal: x5tOf(new TextEncoder().encode("policy document")) },
      crit: ["sigPId"],
    });
    const unknown = await verifyHeader(header);
    expect(unknown.indication).toBe("INDETERMINATE");
    expect(unknown.subIndication).toBe("SIGNATURE_POLICY_NOT_AVAILABLE");
    const accepted = await verifyHeader(header, { signaturePolicies: [policy] });
    expect(accepted.indication).toBe("PASSED");
    expect(accepted.signatures[0]!.policy).toBe(policy);
  });

  it("cty and claimed srAts are accepted; signed properties not evaluated here (certified srAts, adoTst) are INDETERMINATE", async () => {
    expect((await verifyHeader(baseHeader(w.kits.ES256, { cty: "json" }))).indication).toBe("PASSED");
    const claimed = { claimed: [{ mediaType: "text/plain", encoding: "binary", qVals: ["审批科科长"] }] };
    expect((await verifyHeader(baseHeader(w.kits.ES256, { srAts: claimed, crit: ["srAts"] }))).indication).toBe("PASSED");
    expect((await verifyHeader(baseHeader(w.kits.ES256, { srAts: { claimed: [] } }))).subIndication).toBe("FORMAT_FAILURE");
    for (const member of [{ srAts: { certified: [{ x509AttrCert: { val: "AAAA" } }] } }, { adoTst: { tstTokens: [{ val: "AAAA" }] } }]) {
      const report = await verifyHeader(baseHeader(w.kits.ES256, member));
      expect(report.indication).toBe("INDETERMINATE");
      expect(check(report, "format").code).toMatch(/^unsupported:/);
    }
  });
});

describe("crit (RFC 7515 §4.1.11, RFC 7797 §6, TS 119 182-1)", () => {
  it.each([
    [{ crit: [] }, "crit-malformed"],
    [{ crit: "sigT" }, "crit-malformed"],
    [{ crit: [1] }, "crit-malformed"],
    [{ crit: ["sigPl", "sigPl"], sigPl: { addressCountry: "CN" } }, "crit-duplicate"],
    [{ crit: ["alg"] }, "crit-registered"],
    [{ crit: ["x5t#S256"] }, "crit-registered"],
    [{ crit: ["kid"], kid: "k" }, "crit-registered"],
    [{ crit: ["exp"], exp: 1 }, "crit-not-understood"],
    [{ crit: ["iat"] }, "crit-not-understood"],
    [{ crit: ["sigPl"] }, "crit-absent"],
    [{ b64: true }, "b64-not-critical"],
  ])("%j → %s", async (member, code) => {
    const report = await verifyHeader(baseHeader(w.kits.ES256, member));
    expect(report.indication).toBe("FAILED");
    expect(report.subIndication).toBe("FORMAT_FAILURE");
    expect(check(report, "critical")).toMatchObject({ result: "failed", code });
  });

  it("a name the caller's application understands may be critical", async () => {
    const header = baseHeader(w.kits.ES256, { crit: ["urn:example:case"], "urn:example:case": "17" });
    expect((await verifyHeader(header)).subIndication).toBe("FORMAT_FAILURE");
    expect((await verifyHeader(header, { understoodCritical: ["urn:example:case"] })).indication).toBe("PASSED");
  });
});

describe("b64: false (RFC 7797)", () => {
  it("an unencoded payload verifies in compact and flattened form", async () => {
    const kit = w.kits.ES256;
    const header = baseHeader(kit, { b64: false, crit: ["b64"] });
    const text = "$2 for case 17, approved";
    const signed = signWith(kit, header, text);
    expect(signed.payload).toBe(text);
    expect((await verifyJades(compact(signed), options())).indication).toBe("PASSED");
    expect((await verifyJades(flattened(signed), options())).indication).toBe("PASSED");
    const tampered = { ...flattened(signed), payload: "$3 for case 17, approved" };
    expect((await verifyJades(tampered, options())).subIndication).toBe("SIG_CRYPTO_FAILURE");
    // A compact unencoded payload may not hold '.' (RFC 7797 §5.2): it splits into too many parts.
    const dotted = signWith(kit, header, "a.b");
    expect((await verifyJades(compact(dotted), options())).subIndication).toBe("FORMAT_FAILURE");
  });

  it("b64: false without crit is refused", async () => {
    const report = await verifyJades(compact(signWith(w.kits.ES256, baseHeader(w.kits.ES256, { b64: false }), "plain")), options());
    expect(check(report, "critical").code).toBe("b64-not-critical");
  });
});
