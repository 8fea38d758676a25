import { describe, expect, it } from "vitest";
import { createDisclosure, disclosureDigest, resolveDisclosures } from "../../src/sdjwt/disclosure.js";
import { LicenceError } from "../../src/errors/errors.js";

// RFC 9901 §7.1: a digest may appear only once in the payload and the disclosures, whether it
// references a disclosure, a withheld claim or a decoy.
const b64u = (v: string) => Buffer.from(v).toString("base64url");
const decoy = (n: number) => disclosureDigest(`decoy-${n}`);

function reasonOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LicenceError);
    expect((err as LicenceError).code).toBe("ERR_DISCLOSURE_INVALID");
    return (err as LicenceError).details["reason"];
  }
  throw new Error("expected a LicenceError");
}

describe("repeated digests", () => {
  const a = createDisclosure("a", 1);
  const element = b64u(JSON.stringify(["salt-of-an-element", 2]));

  it("resolves distinct digests, disclosed and not", () => {
    const { claims, disclosedPaths } = resolveDisclosures(
      { fields: { _sd: [decoy(1), a.digest, decoy(2)] }, list: [{ "...": disclosureDigest(element) }, { "...": decoy(3) }] },
      [a.encoded, element],
    );
    expect(claims).toEqual({ fields: { a: 1 }, list: [2] });
    expect(disclosedPaths).toEqual(["fields.a", "list[0]"]);
  });

  it("refuses a disclosed digest given twice in one _sd", () => {
    expect(reasonOf(() => resolveDisclosures({ _sd: [a.digest, a.digest] }, [a.encoded]))).toBe("digest-repeated");
  });

  it("refuses a disclosed digest given in two objects", () => {
    expect(reasonOf(() => resolveDisclosures({ x: { _sd: [a.digest] }, y: { _sd: [a.digest] } }, [a.encoded]))).toBe("digest-repeated");
  });

  it("refuses an array element's digest given twice", () => {
    const d = disclosureDigest(element);
    expect(reasonOf(() => resolveDisclosures({ list: [{ "...": d }, { "...": d }] }, [element]))).toBe("digest-repeated");
  });

  it("refuses a digest that references its own disclosure from inside it", () => {
    const inner = createDisclosure("inner", 1);
    const outer = createDisclosure("outer", { _sd: [inner.digest, inner.digest] });
    expect(reasonOf(() => resolveDisclosures({ _sd: [outer.digest] }, [outer.encoded, inner.encoded]))).toBe("digest-repeated");
  });

  it("refuses a decoy or withheld digest given twice, in one _sd, across objects, and in arrays", () => {
    expect(reasonOf(() => resolveDisclosures({ _sd: [decoy(1), decoy(1)] }, []))).toBe("digest-repeated");
    expect(reasonOf(() => resolveDisclosures({ x: { _sd: [decoy(1)] }, _sd: [decoy(1)] }, []))).toBe("digest-repeated");
    expect(reasonOf(() => resolveDisclosures({ list: [{ "...": decoy(1) }], _sd: [decoy(1)] }, []))).toBe("digest-repeated");
    expect(reasonOf(() => resolveDisclosures({ _sd: [decoy(1), a.digest, decoy(1)] }, [a.encoded]))).toBe("digest-repeated");
  });

  it("refuses a digest that is not a string before looking it up", () => {
    expect(reasonOf(() => resolveDisclosures({ _sd: [a.digest, 42] }, [a.encoded]))).toBe("digest-type");
  });
});
