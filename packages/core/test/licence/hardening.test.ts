/**
 * Hardening defects 5 and 8, verifier side: date claims out of range get their own report codes
 * (never a RangeError, never a disclosure failure), and claims that must never be selectively
 * disclosable (registered claims, status, holder, identifier: anything outside `fields`) FAIL.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { issueLicence, type IssuedLicence } from "../../src/licence/issue.js";
import { verifyLicence } from "../../src/licence/verify.js";
import { signJws, toCompact } from "../../src/jws/jws.js";
import { createDisclosures } from "../../src/sdjwt/disclosure.js";
import { StatusList } from "../../src/status/index.js";
import { signStatusListToken, verifyStatusListToken, type VerifiedStatusList } from "../../src/status/token.js";
import { DOCUMENT_CLOCK_SKEW_MS } from "../../src/trust/clock-skew.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, LATER, world, type World } from "../fixtures/world.js";

const fromB64u = (s: string) => Buffer.from(s, "base64url").toString("utf8");
const b64u = (s: string) => Buffer.from(s).toString("base64url");

let w: World;
let issued: IssuedLicence;
beforeAll(async () => {
  w = await world();
  issued = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "2026000077", issuedAt: ISSUED_AT });
});

const verify = (input: string) => verifyLicence(input, { trustList: w.trustList, at: LATER, algorithms: ["ES256"] });

async function resign(mutate: (payload: Record<string, any>, header: Record<string, any>) => void, disclosures: readonly string[] = issued.archive.header.disclosures) {
  const header = JSON.parse(fromB64u(issued.archive.protected));
  const payload = JSON.parse(fromB64u(issued.archive.payload));
  mutate(payload, header);
  const signed = await signJws(header, new TextEncoder().encode(JSON.stringify(payload)), w.departments.ES256.signer);
  return `${toCompact(signed)}~${disclosures.map((d) => `${d}~`).join("")}`;
}

/** Changes the payload and header but keeps the original signature: no key needed. */
function forge(mutate: (payload: Record<string, any>, header: Record<string, any>) => void): string {
  const header = JSON.parse(fromB64u(issued.archive.protected));
  const payload = JSON.parse(fromB64u(issued.archive.payload));
  mutate(payload, header);
  return `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}.${issued.archive.signature}~`;
}

const failedCheck = (report: Awaited<ReturnType<typeof verify>>) => report.checks.find((c) => c.result === "failed");

describe("date claims out of range", () => {
  for (const value of [8.64e12, 8.64e12 + 1, 253402300800, Number.MAX_SAFE_INTEGER]) {
    it(`an iat of ${value} (header and payload, original signature) is a format failure with its own code`, async () => {
      const report = await verify(forge((p, h) => ((p.iat = value), (h.iat = value))));
      expect(report.indication).toBe("FAILED");
      expect(failedCheck(report)).toMatchObject({ check: "format", code: "iat-range" });
    });
  }

  it("exp and nbf out of range, validly signed, are reported as such, not as a disclosure failure", async () => {
    const exp = await verify(await resign((p) => (p.exp = 8.64e12)));
    expect(failedCheck(exp)).toMatchObject({ check: "format", code: "exp-range" });
    const nbf = await verify(await resign((p) => (p.nbf = 8.64e12)));
    expect(failedCheck(nbf)).toMatchObject({ check: "format", code: "nbf-range" });
  });

  it("an exp before nbf is refused", async () => {
    const report = await verify(await resign((p) => (p.exp = p.nbf - 1)));
    expect(failedCheck(report)).toMatchObject({ check: "format", code: "exp-range" });
  });
});

describe("claims that are never selectively disclosable", () => {
  for (const name of ["exp", "nbf", "iat", "iss", "status", "cnf", "vct", "jti"]) {
    it(`a disclosed top-level ${name} FAILS`, async () => {
      const [d] = createDisclosures([[name, name === "status" ? { status_list: { uri: "https://x/1", idx: 0 } } : 0]]);
      const compact = await resign((p) => (p._sd = [d!.digest]), [...issued.archive.header.disclosures, d!.encoded]);
      const report = await verify(compact);
      expect(report.indication).toBe("FAILED");
      expect(failedCheck(report)).toMatchObject({ check: "disclosures", code: "not-disclosable" });
    });
  }

  it("a withheld digest outside fields (a status reference hidden from the verifier) FAILS", async () => {
    const [d] = createDisclosures([["status", { status_list: { uri: "https://x/1", idx: 0 } }]]);
    const report = await verify(await resign((p) => (p._sd = [d!.digest])));
    expect(report.indication).toBe("FAILED");
    expect(failedCheck(report)).toMatchObject({ check: "disclosures", code: "not-disclosable" });
  });

  it("a disclosable holder FAILS", async () => {
    const [d] = createDisclosures([["idNumber", HOLDER.idNumber]]);
    const report = await verify(
      await resign((p) => {
        delete p.licence.holder.idNumber;
        p.licence.holder._sd = [d!.digest];
      }, [...issued.archive.header.disclosures, d!.encoded]),
    );
    expect(report.indication).toBe("FAILED");
  });

  it("the licence as issued still PASSES (its disclosures are all fields)", async () => {
    expect((await verify(issued.compact)).indication).not.toBe("FAILED");
  });
});

describe("status lists: a maximum age, and the newest valid list of several", () => {
  const URI = "https://registry.example/v1/status-lists/7";
  let withStatus: IssuedLicence;
  const token = async (value: number, issuedAt: Date, expiresAt?: Date) => {
    const list = new StatusList(16, 2);
    list.set(5, value);
    return signStatusListToken({ uri: URI, list, issuedAt, ...(expiresAt ? { expiresAt } : {}), signer: w.statusSigner, certificateChain: [w.status.certificatePem] });
  };
  const check = (report: Awaited<ReturnType<typeof verify>>) => report.checks.find((c) => c.check === "status")!;

  beforeAll(async () => {
    withStatus = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "2026000078", issuedAt: ISSUED_AT, status: { uri: URI, idx: 5 } });
  });

  it("a list without exp older than the maximum age is stale: INDETERMINATE, not PASSED", async () => {
    const old = await token(0, new Date(LATER.getTime() - 3 * 86_400_000));
    const report = await verifyLicence(withStatus.compact, { trustList: w.trustList, at: LATER, algorithms: ["ES256"], statusLists: [old] });
    expect(report.indication).toBe("INDETERMINATE");
    expect(check(report).code).toBe("stale");
    const fresh = await token(0, new Date(LATER.getTime() - 3_600_000));
    expect((await verifyLicence(withStatus.compact, { trustList: w.trustList, at: LATER, algorithms: ["ES256"], statusLists: [fresh] })).indication).toBe("PASSED");
    const allowed = await verifyLicence(withStatus.compact, { trustList: w.trustList, at: LATER, algorithms: ["ES256"], statusLists: [old], maxStatusListAge: 7 * 86_400_000 });
    expect(allowed.indication).toBe("PASSED");
  });

  it("a list issued a moment after the verification time (clocks differ; it was signed as it was fetched) decides; one issued minutes after does not", async () => {
    const justAfter = await token(2, new Date(LATER.getTime() + 1000), new Date(LATER.getTime() + 86_400_000));
    const judged = async (list: string | VerifiedStatusList) => verifyLicence(withStatus.compact, { trustList: w.trustList, at: LATER, algorithms: ["ES256"], statusLists: [list] });
    expect(check(await judged(justAfter))).toMatchObject({ result: "failed", code: "suspended" });
    // The same list verified beforehand (as the SDK's verifier hands it over, verified at the later instant).
    const verified = await verifyStatusListToken(justAfter, { trustList: w.trustList, at: new Date(LATER.getTime() + 2000), algorithms: ["ES256"] });
    expect(check(await judged(verified))).toMatchObject({ result: "failed", code: "suspended" });
    const edge = await token(0, new Date(LATER.getTime() + DOCUMENT_CLOCK_SKEW_MS), new Date(LATER.getTime() + 86_400_000));
    expect((await judged(edge)).indication).toBe("PASSED");
    const later = await token(0, new Date(LATER.getTime() + DOCUMENT_CLOCK_SKEW_MS + 1000), new Date(LATER.getTime() + 86_400_000));
    for (const list of [later, await verifyStatusListToken(later, { trustList: w.trustList, at: new Date(LATER.getTime() + 120_000), algorithms: ["ES256"] })]) {
      const report = await judged(list);
      expect(report.indication).toBe("INDETERMINATE");
      expect(check(report)).toMatchObject({ result: "indeterminate", code: "not-yet-valid" });
    }
    await expect(verifyStatusListToken(later, { trustList: w.trustList, at: LATER, algorithms: ["ES256"] })).rejects.toMatchObject({ details: { reason: "not-yet-valid" } });
  });

  it("of several lists for the URI, the newest valid one decides, in any order", async () => {
    const older = await token(0, new Date(LATER.getTime() - 7_200_000), new Date(LATER.getTime() + 86_400_000));
    const newer = await token(2, new Date(LATER.getTime() - 3_600_000), new Date(LATER.getTime() + 86_400_000));
    for (const lists of [[older, newer], [newer, older]]) {
      const report = await verifyLicence(withStatus.compact, { trustList: w.trustList, at: LATER, algorithms: ["ES256"], statusLists: lists });
      expect(check(report)).toMatchObject({ result: "failed", code: "suspended" });
    }
    // A newer list that does not verify is passed over for the older valid one.
    const broken = `${newer.slice(0, -4)}AAAA`;
    const report = await verifyLicence(withStatus.compact, { trustList: w.trustList, at: LATER, algorithms: ["ES256"], statusLists: [broken, older] });
    expect(report.indication).toBe("PASSED");
  });
});
