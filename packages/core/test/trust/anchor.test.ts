/**
 * Hardening defect 3: a trust list is only trusted through an operator certificate the caller
 * pinned out of band. With no anchor it is refused with a reason that says how to pin one — the
 * certificate a list carries is never its own proof (a forged list carries the forger's).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { verifyTrustList, type VerifyTrustListOptions } from "../../src/trust/trust-list.js";
import { LicenceError } from "../../src/errors/errors.js";
import { ISSUED_AT, world, type World } from "../fixtures/world.js";

let w: World;
beforeAll(async () => {
  w = await world();
});

async function refusal(p: Promise<unknown>): Promise<LicenceError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LicenceError) return err;
    throw err;
  }
  throw new Error("accepted");
}

describe("trust list anchoring", () => {
  it("refuses a list when no operator certificate is pinned", async () => {
    const options = { at: ISSUED_AT, algorithms: ["ES256"] } as unknown as VerifyTrustListOptions;
    const err = await refusal(verifyTrustList(w.trustListToken, options));
    expect(err.code).toBe("ERR_TRUST_LIST_INVALID");
    expect(err.details.reason).toBe("no-operator-anchor");
    expect(err.message).toMatch(/operatorCertificates/);
  });

  it("refuses a list when the pinned set is empty", async () => {
    const err = await refusal(verifyTrustList(w.trustListToken, { at: ISSUED_AT, algorithms: ["ES256"], operatorCertificates: [] }));
    expect(err.details.reason).toBe("no-operator-anchor");
  });

  it("loads a list signed by the pinned operator, and says it was pinned", async () => {
    const list = await verifyTrustList(w.trustListToken, { at: ISSUED_AT, algorithms: ["ES256"], operatorCertificates: [w.operator.certificatePem] });
    expect(list.operatorPinned).toBe(true);
  });
});
