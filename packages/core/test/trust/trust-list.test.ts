import { beforeAll, describe, expect, it } from "vitest";
import { DOCUMENT_CLOCK_SKEW_MS } from "../../src/trust/clock-skew.js";
import { verifyTrustList, signTrustList, type TrustListDocument } from "../../src/trust/trust-list.js";
import { createKeySigner } from "../../src/jws/jws.js";
import { LicenceError } from "../../src/errors/errors.js";
import { ISSUED_AT, T0, world, type World } from "../fixtures/world.js";

let w: World;
beforeAll(async () => {
  w = await world();
});

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LicenceError) return String(err.details.reason ?? err.code);
    throw err;
  }
  return "accepted";
}

const opts = () => ({ at: ISSUED_AT, algorithms: ["ES256" as const], operatorCertificates: [w.operator.certificatePem] });

describe("trust list", () => {
  it("verifies against the pinned operator certificate", async () => {
    const list = await verifyTrustList(w.trustListToken, opts());
    expect(list.operatorPinned).toBe(true);
    expect(list.department("11330100MB0000019K")?.name).toBe("示例市行政审批局");
    expect(list.anchors).toHaveLength(1);
  });

  it("refuses a list signed by another key than the pinned one", async () => {
    expect(await reason(verifyTrustList(w.trustListToken, { ...opts(), operatorCertificates: [w.status.certificatePem] }))).toBe("operator-not-pinned");
  });

  it("refuses a list whose payload was changed", async () => {
    const [h, p, s] = w.trustListToken.split(".");
    const doc = JSON.parse(Buffer.from(p!, "base64url").toString());
    doc.departments[1].licenceTypes = doc.departments[0].licenceTypes;
    const forged = `${h}.${Buffer.from(JSON.stringify(doc)).toString("base64url")}.${s}`;
    expect(await reason(verifyTrustList(forged, opts()))).toBe("ERR_SIGNATURE_INVALID");
  });

  it("refuses a stale list (fail closed) and one not yet valid", async () => {
    expect(await reason(verifyTrustList(w.trustListToken, { ...opts(), at: new Date("2029-01-01T00:00:00Z") }))).toBe("operator-certificate-expired");
    const doc: TrustListDocument = { ...w.document, nextUpdate: new Date(T0.getTime() + 1000).toISOString() };
    expect(await reason(verifyTrustList(await w.signTrust(doc), opts()))).toBe("stale");
    const future: TrustListDocument = { ...w.document, issuedAt: "2027-01-01T00:00:00.000Z" };
    expect(await reason(verifyTrustList(await w.signTrust(future), opts()))).toBe("not-yet-valid");
    // Re-signed a moment "after" the verifier's clock (clocks differ): current, up to the leeway.
    const at = opts().at.getTime();
    const justAfter: TrustListDocument = { ...w.document, issuedAt: new Date(at + DOCUMENT_CLOCK_SKEW_MS).toISOString() };
    await expect(verifyTrustList(await w.signTrust(justAfter), opts())).resolves.toBeDefined();
    const beyond: TrustListDocument = { ...w.document, issuedAt: new Date(at + DOCUMENT_CLOCK_SKEW_MS + 1000).toISOString() };
    expect(await reason(verifyTrustList(await w.signTrust(beyond), opts()))).toBe("not-yet-valid");
  });

  it("refuses to sign, and refuses to load, a document that breaks the schema, with paths", async () => {
    const bad = { ...w.document, departments: [{ ...w.document.departments[0]!, code: "11330100MB0000019A" }] };
    let err: LicenceError | undefined;
    try {
      const signer = await createKeySigner(w.operator.privateKeyPkcs8, "ES256");
      await signTrustList(bad, signer, [w.operator.certificatePem]);
    } catch (e) {
      err = e as LicenceError;
    }
    expect(err?.code).toBe("ERR_TRUST_LIST_INVALID");
    expect(err?.issues.map((i) => i.path.join("."))).toEqual(["departments.0.code"]);
  });

  it("refuses a token of another type", async () => {
    const [, p, s] = w.trustListToken.split(".");
    const header = JSON.parse(Buffer.from(w.trustListToken.split(".")[0]!, "base64url").toString());
    const retyped = `${Buffer.from(JSON.stringify({ ...header, typ: "JWT" })).toString("base64url")}.${p}.${s}`;
    expect(await reason(verifyTrustList(retyped, opts()))).toBe("typ");
  });

  it("refuses garbage with a coded error", async () => {
    for (const input of ["", "x", "a.b.c", "{}", "eyJhbGciOiJub25lIn0.e30."]) {
      const r = await reason(verifyTrustList(input, opts()));
      expect(r).not.toBe("accepted");
    }
  });
});
