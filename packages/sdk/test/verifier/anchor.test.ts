/**
 * Hardening defect 3: a LicenceVerifier is anchored to the registry operator's certificate; one
 * built without it is refused at once, so no licence is ever judged against an unpinned trust list.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_ALGORITHMS } from "@elicence/core";
import { LicenceVerifier, type LicenceVerifierOptions } from "../../src/index.js";

describe("LicenceVerifier anchoring", () => {
  it("refuses to be built without pinned operator certificates", () => {
    const options = { offline: true, algorithms: DEFAULT_ALGORITHMS, maxStaleness: 60_000 } as unknown as LicenceVerifierOptions;
    expect(() => new LicenceVerifier(options)).toThrow(/operatorCertificates/);
    expect(() => new LicenceVerifier({ ...options, operatorCertificates: [] })).toThrow(/operatorCertificates/);
  });
});
