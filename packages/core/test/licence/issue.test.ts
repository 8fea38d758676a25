import { beforeAll, describe, expect, it } from "vitest";
import { createIssuingContext, issueLicence } from "../../src/licence/issue.js";
import { createKeySigner } from "../../src/jws/jws.js";
import { createDepartmentCertificate } from "@elicence/pki";
import { LicenceError } from "../../src/errors/errors.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, T0, world, type World } from "../fixtures/world.js";

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

const base = () => ({ type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "2026000009", issuedAt: ISSUED_AT });

describe("issue refuses bad licences with every problem and its path", () => {
  it("an invalid holder code (wrong check character)", async () => {
    const err = await refusal(issueLicence(w.departments.ES256.context, { ...base(), holder: { ...HOLDER, idNumber: "91330100MA2B3C4D1B" } }));
    expect(err.code).toBe("ERR_VALIDATION");
    expect(err.issues.map((i) => i.path.join("."))).toEqual(["holder.idNumber"]);
    expect(err.message).not.toContain("91330100MA2B3C4D1B");
  });

  it("a citizen ID for a legal person type, and several problems at once", async () => {
    const err = await refusal(
      issueLicence(w.departments.ES256.context, {
        ...base(),
        holder: { kind: "natural-person", name: "", idType: "111", idNumber: "11010519491231002X" },
        fields: { establishedOn: "2020-02-30", registeredCapital: 500, extra: "x", employees: 1.5 },
      }),
    );
    expect(err.code).toBe("ERR_VALIDATION");
    expect(err.issues.map((i) => i.path.join(".")).sort()).toEqual(
      ["fields.address", "fields.employees", "fields.establishedOn", "fields.extra", "fields.name", "fields.registeredCapital", "holder.kind", "holder.name"].sort(),
    );
  });

  it("a department the catalogue does not list for the type", async () => {
    const err = await refusal(issueLicence(w.departments.other.context, base()));
    expect(err.code).toBe("ERR_ISSUER_NOT_AUTHORISED");
  });

  it("a signing certificate whose department code has a wrong check character", async () => {
    const cert = await createDepartmentCertificate({
      issuer: { certificatePem: w.root.certificatePem, privateKeyPkcs8: w.root.privateKeyPkcs8, alg: w.root.alg },
      department: { name: "坏代码局", uscc: "11330100MB0000019A" },
      notBefore: T0,
    });
    const signer = await createKeySigner(cert.privateKeyPkcs8, "ES256");
    const err = await refusal(createIssuingContext({ signer, certificateChain: [cert.certificatePem] }));
    expect(err.code).toBe("ERR_IDENTIFIER_INVALID");
  });

  it("a serial that cannot form an identifier", async () => {
    const err = await refusal(issueLicence(w.departments.ES256.context, { ...base(), serial: "bad serial!" }));
    expect(err.code).toBe("ERR_IDENTIFIER_INVALID");
  });

  it("validUntil before validFrom", async () => {
    const err = await refusal(issueLicence(w.departments.ES256.context, { ...base(), validUntil: new Date("2020-01-01T00:00:00Z") }));
    expect(err.code).toBe("ERR_VALIDATION");
    expect(err.issues[0]!.path).toEqual(["validUntil"]);
  });

  it("a signer whose key is not the certificate's", async () => {
    const err = await refusal(createIssuingContext({ signer: w.departments.ES256.signer, certificateChain: [w.departments.other.cert.certificatePem] }));
    expect(err.code).toBe("ERR_KEY_INVALID");
  });

  it("a CA certificate as the signing certificate", async () => {
    const signer = await createKeySigner(w.root.privateKeyPkcs8, "ES256");
    const err = await refusal(createIssuingContext({ signer, certificateChain: [w.root.certificatePem] }));
    expect(err.code).toBe("ERR_CERTIFICATE_INVALID");
  });

  it("a signer of another algorithm than the certificate's key", async () => {
    const err = await refusal(createIssuingContext({ signer: w.departments.EdDSA.signer, certificateChain: [w.departments.ES256.cert.certificatePem] }));
    expect(err.code).toBe("ERR_CERTIFICATE_INVALID");
  });
});

describe("issue builds the identifier and the validity", () => {
  it("identifier, number and validity term", async () => {
    const lic = await issueLicence(w.departments.ES256.context, { ...base(), number: "No. 9" });
    expect(lic.id).toMatch(/^1\.2\.156\.3005\.2\.11330100MB0000019K001\.11330100MB0000019K\.2026000009\.001\.[0-9A-Z]$/);
    expect(lic.licence.number).toBe("No. 9");
    expect(lic.licence.validUntil).toBe("2036-03-01T08:00:00.000Z");
    expect(lic.compact.endsWith("~")).toBe(true);
    expect(lic.compact.split("~")).toHaveLength(5);
  });

  it("two licences never share a salt", async () => {
    const a = await issueLicence(w.departments.ES256.context, base());
    const b = await issueLicence(w.departments.ES256.context, base());
    expect(a.disclosures.map((d) => d.digest)).not.toEqual(b.disclosures.map((d) => d.digest));
  });
});

describe("isoFromMillis", () => {
  it("matches Date#toISOString from year 0 to 9999, and falls back outside", async () => {
    const { isoFromMillis } = await import("../../src/licence/model.js");
    const edges = [0, -1, 1, 951782400000, 951868800000, 4107542400000, -62167219200000, 253402300799999, 253402300800000, -62167219200001, 1.5, Number.NaN];
    for (const ms of edges) {
      const expected = Number.isNaN(ms) ? "throws" : new Date(ms).toISOString();
      let got: string;
      try {
        got = isoFromMillis(ms);
      } catch {
        got = "throws";
      }
      expect(got, String(ms)).toBe(expected);
    }
    let seed = 7;
    for (let i = 0; i < 20000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const ms = Math.floor((seed / 2 ** 32) * 315537897600000) - 62167219200000;
      expect(isoFromMillis(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
