/**
 * Defect 1 of the hardening round: a grant (an authorisation) may only be made by whom the policy
 * allows for that licence type, and an issuer key limited to some types sees and grants only those
 * types — not every type of its department, and never another department's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryApi } from "@elicence/core";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_DEPARTMENT, SAMPLE_PERSON } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, CAUSE, COMPANY, CONSUMER, OTHER_CONSUMER, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { code } from "@elicence/test-support/error-code";

const PERSON_FIELDS = { operationCategory: "电工作业", operationItem: "低压电工作业", firstIssuedOn: "2019-07-01", gender: "女", birthDate: "1949-12-31" };
const inADay = () => new Date(Date.now() + 86_400_000).toISOString();


describe("grants and views by role × licence type", () => {
  let w: RegistryWorld;
  /** An issuer key of another department (B), limited to B's own type. */
  let otherIssuer: RegistryApi;
  /** An issuer key of the sample department limited to the business licence. */
  let narrowIssuer: RegistryApi;
  let personLicence: string;

  beforeAll(async () => {
    w = await registryWorld("sqlite");
    const b = await w.registry.createApiKey({ department: OTHER_CONSUMER, roles: ["issuer"], licenceTypes: [`${OTHER_CONSUMER}001`] });
    otherIssuer = await w.registry.session(b.key);
    const narrow = await w.admin.createApiKey({ department: SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: [BUSINESS_LICENCE.code] });
    narrowIssuer = await w.registry.session(narrow.key);
    await w.issuer.issue({ requestId: "grants-b-1", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
    personLicence = (await w.issuer.issue({ requestId: "grants-p-1", type: OPERATOR_CERTIFICATE.code, holder: SAMPLE_PERSON, fields: PERSON_FIELDS })).id;
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  it("refuses an authorisation by another department's issuer key on a type it does not issue", async () => {
    const grant = { holder: COMPANY, consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["registeredCapital"], expiresAt: inADay() };
    expect(await code(otherIssuer.createAuthorisation(grant))).toBe("ERR_FORBIDDEN");
    // Nothing was granted: the consumer still sees no conditional field.
    const [seen] = await w.consumer.findByHolder(COMPANY, CAUSE);
    expect(seen!.withheld).toContain("registeredCapital");
    expect(await w.admin.listAuthorisations(COMPANY)).toEqual([]);
  });

  it("refuses an authorisation by an issuer key of the right department on a type the key is not limited to", async () => {
    const grant = { holder: SAMPLE_PERSON, consumer: CONSUMER, type: OPERATOR_CERTIFICATE.code, fields: ["gender"], expiresAt: inADay() };
    expect(await code(narrowIssuer.createAuthorisation(grant))).toBe("ERR_FORBIDDEN");
    expect(await w.admin.listAuthorisations(SAMPLE_PERSON)).toEqual([]);
  });

  it("lets an issuer key grant for a type it issues, and admins for any type", async () => {
    const grant = { holder: COMPANY, consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["address"], expiresAt: inADay() };
    expect(await code(narrowIssuer.createAuthorisation(grant))).toBe("accepted");
    expect(await code(w.admin.createAuthorisation({ ...grant, consumer: OTHER_CONSUMER }))).toBe("accepted");
  });

  it("shows a narrowed issuer key the conditional fields of its own types only", async () => {
    const person = await narrowIssuer.get(personLicence, CAUSE);
    expect([...person.withheld].sort()).toEqual(["birthDate", "gender"]);
    const [business] = await narrowIssuer.findByHolder(COMPANY, CAUSE);
    expect(business!.withheld).not.toContain("registeredCapital");
    // The full issuer key still sees both of its types.
    expect((await w.issuer.get(personLicence, CAUSE)).withheld).not.toContain("gender");
  });

  it("lists a holder's authorisations to an issuer key for its own types only", async () => {
    await w.admin.createAuthorisation({ holder: SAMPLE_PERSON, consumer: CONSUMER, type: OPERATOR_CERTIFICATE.code, fields: ["birthDate"], expiresAt: inADay() });
    expect(await narrowIssuer.listAuthorisations(SAMPLE_PERSON)).toEqual([]);
    expect(await code(otherIssuer.listAuthorisations(COMPANY))).toBe("accepted");
    expect(await otherIssuer.listAuthorisations(COMPANY)).toEqual([]);
    expect((await w.issuer.listAuthorisations(SAMPLE_PERSON)).map((a) => a.type)).toEqual([OPERATOR_CERTIFICATE.code]);
  });
});
