/**
 * Holder consent and the holder's access record, on both adapters: a window vouches for a holder's
 * key, the holder signs a consent that opens conditional fields to one department, every read it
 * opens names it, withdrawal closes it from the next request, and the holder reads every use of
 * their licences from the log with proofs against a signed checkpoint. Every refusal is typed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHolderAssertion,
  createHolderToken,
  generateHolderKey,
  verifyAccessRecord,
  type HolderCode,
  type HolderSigningKey,
  type TrustList,
} from "@elicence/core";
import { createKeySigner } from "@elicence/core/jws";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_PERSON } from "../../src/workspace/samples.js";
import { ADAPTERS, BUSINESS_FIELDS, CAUSE, COMPANY, CONSUMER, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { code } from "@elicence/test-support/error-code";

const PERSON_FIELDS = { operationCategory: "电工作业", operationItem: "低压电工作业", firstIssuedOn: "2019-07-01", gender: "女", birthDate: "1949-12-31" };
const holderOf = (h: { idType: string; idNumber: string }): HolderCode => ({ idType: h.idType as HolderCode["idType"], idNumber: h.idNumber });

async function newKey(alg: "ES256" | "EdDSA" = "ES256"): Promise<HolderSigningKey> {
  const { pkcs8, publicJwk } = await generateHolderKey(alg);
  return { signer: await createKeySigner(pkcs8, alg), publicJwk };
}

describe.each(ADAPTERS)("holder consent and access record (%s)", (adapter) => {
  let w: RegistryWorld;
  let trust: TrustList;
  let audience: string;
  let companyKey: HolderSigningKey;
  let companyAssertion: string;
  let personKey: HolderSigningKey;
  let personAssertion: string;
  let companyLicence: string;

  const sign = (kind: Parameters<typeof createHolderToken>[0], claims: Parameters<typeof createHolderToken>[1], who: "company" | "person" = "company", extra: { at?: Date; audience?: string; jti?: string } = {}) =>
    createHolderToken(kind, claims as never, {
      assertion: who === "company" ? companyAssertion : personAssertion,
      key: who === "company" ? companyKey : personKey,
      audience: extra.audience ?? audience,
      at: extra.at ?? new Date(),
      ...(extra.jti ? { jti: extra.jti } : {}),
    });
  const inAWeek = () => Math.floor(Date.now() / 1000) + 7 * 86_400;
  const consentClaims = (fields: string[] = ["registeredCapital"], exp = inAWeek()) => ({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields, purpose: "办理贷款", exp });
  const request = (scope: "access-record" | "consents") => ({ scope, exp: Math.floor(Date.now() / 1000) + 60 });

  beforeAll(async () => {
    w = await registryWorld(adapter);
    trust = await w.registry.verifiedTrustList(new Date());
    audience = await w.registry.holder.audience();
    companyKey = await newKey();
    personKey = await newKey("EdDSA");
    companyAssertion = (await w.issuer.vouchHolder({ holder: holderOf(COMPANY), key: companyKey.publicJwk })).assertion;
    personAssertion = (await w.issuer.vouchHolder({ holder: holderOf(SAMPLE_PERSON), key: personKey.publicJwk })).assertion;
    companyLicence = (await w.issuer.issue({ requestId: "consent-b-1", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })).id;
    await w.issuer.issue({ requestId: "consent-p-1", type: OPERATOR_CERTIFICATE.code, holder: SAMPLE_PERSON, fields: PERSON_FIELDS });
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  it("vouches only through an issuer key", async () => {
    expect(await code(w.consumer.vouchHolder({ holder: holderOf(COMPANY), key: companyKey.publicJwk }))).toBe("ERR_FORBIDDEN");
    expect(await code(w.issuer.vouchHolder({ holder: holderOf(COMPANY), key: { ...companyKey.publicJwk, d: "x" } as never }))).toBe("ERR_VALIDATION");
    expect(await code(w.issuer.vouchHolder({ holder: { idType: "001", idNumber: "91330100MA2B3C4D1B" }, key: companyKey.publicJwk }))).toBe("ERR_IDENTIFIER_INVALID");
  });

  it("opens a conditional field to the named department, and every read it opened names it", async () => {
    const before = await w.consumer.get(companyLicence, CAUSE);
    expect(before.withheld).toContain("registeredCapital");
    expect(before.consents).toBeUndefined();

    const consent = await w.registry.holder.grantConsent(await sign("consent", consentClaims()));
    expect(consent).toMatchObject({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["registeredCapital"], purpose: "办理贷款", keyThumbprint: expect.any(String) });

    const after = await w.consumer.get(companyLicence, CAUSE);
    expect(after.withheld).not.toContain("registeredCapital");
    expect(after.withheld).toContain("address");
    expect(after.consents).toEqual([consent.id]);
    // Only the named department: another consumer still sees nothing conditional.
    expect((await w.otherConsumer.get(companyLicence, CAUSE)).withheld).toContain("registeredCapital");
    // Comparisons it opened name it too.
    const compared = await w.consumer.verifyData({ holder: holderOf(COMPANY), type: BUSINESS_LICENCE.code, field: "registeredCapital", value: "500" }, CAUSE);
    expect(compared).toEqual({ match: true, consents: [consent.id] });
    // ...and so do their log entries.
    const entries = (await w.auditor.logEntries(companyLicence, CAUSE)).map((e) => JSON.parse(e.entry) as Record<string, unknown>);
    const consumerReads = entries.filter((e) => e.department === CONSUMER && (e.kind === "read" || e.kind === "verify-data"));
    expect(consumerReads.map((e) => e.consents)).toEqual([undefined, [consent.id], [consent.id]]);

    // Withdrawn: from the next request on, the field is withheld again.
    const withdrawn = await w.registry.holder.withdrawConsent(await sign("withdrawal", { consent: consent.id }));
    expect(withdrawn.withdrawnAt).toEqual(expect.any(String));
    const closed = await w.consumer.get(companyLicence, CAUSE);
    expect(closed.withheld).toContain("registeredCapital");
    expect(closed.consents).toBeUndefined();
    expect(await code(w.consumer.verifyData({ holder: holderOf(COMPANY), type: BUSINESS_LICENCE.code, field: "registeredCapital", value: "500" }, CAUSE))).toBe("ERR_FORBIDDEN");
    expect(await code(w.registry.holder.withdrawConsent(await sign("withdrawal", { consent: consent.id })))).toBe("ERR_CONSENT_WITHDRAWN");

    const listed = await w.registry.holder.listConsents(await sign("request", request("consents")));
    expect(listed.map((c) => [c.id, c.withdrawnAt !== undefined])).toEqual([[consent.id, true]]);
    // Another holder lists only their own.
    expect(await w.registry.holder.listConsents(await sign("request", request("consents"), "person"))).toEqual([]);
  });

  it("refuses expired, none-class, replayed, foreign-key, stale, misaddressed, malformed and oversized tokens", async () => {
    const past = Math.floor(Date.now() / 1000) - 10;
    expect(await code(w.registry.holder.grantConsent(await sign("consent", consentClaims(["registeredCapital"], past))))).toBe("ERR_CONSENT_EXPIRED");
    expect(await code(w.registry.holder.grantConsent(await sign("consent", consentClaims(["legalRepresentativeIdNumber"]))))).toBe("ERR_VALIDATION");
    const once = await sign("consent", consentClaims(["address"]));
    const granted = await w.registry.holder.grantConsent(once);
    expect(await code(w.registry.holder.grantConsent(once))).toBe("ERR_REPLAYED");
    // Two requests racing with one token: exactly one spends it.
    const raced = await sign("request", request("consents"));
    const outcomes = await Promise.all([code(w.registry.holder.listConsents(raced)), code(w.registry.holder.listConsents(raced))]);
    expect(outcomes.sort()).toEqual(["ERR_REPLAYED", "accepted"]);
    // The person's assertion with the company's key: a token signed by another holder's key.
    const foreign = await createHolderToken("consent", consentClaims(), { assertion: personAssertion, key: companyKey, audience, at: new Date() });
    expect(await code(w.registry.holder.grantConsent(foreign))).toBe("ERR_HOLDER_KEY_MISMATCH");
    // The person withdrawing the company's consent.
    expect(await code(w.registry.holder.withdrawConsent(await sign("withdrawal", { consent: granted.id }, "person")))).toBe("ERR_HOLDER_KEY_MISMATCH");
    expect(await code(w.registry.holder.grantConsent(await sign("consent", consentClaims(), "company", { at: new Date(Date.now() - 3600_000) })))).toBe("ERR_HOLDER_TOKEN_INVALID");
    expect(await code(w.registry.holder.grantConsent(await sign("consent", consentClaims(), "company", { audience: "elicence:another:log" })))).toBe("ERR_HOLDER_TOKEN_INVALID");
    expect(await code(w.registry.holder.grantConsent("not.a.token"))).toBe("ERR_HOLDER_TOKEN_INVALID");
    expect(await code(w.registry.holder.grantConsent(await sign("withdrawal", { consent: granted.id })))).toBe("ERR_HOLDER_TOKEN_INVALID");
    expect(await code(w.registry.holder.grantConsent("a".repeat(20_000)))).toBe("ERR_INPUT_TOO_LARGE");
    // An assertion the holder made for themselves: no department of the trust list signed it.
    const selfMade = await createHolderAssertion({ holder: holderOf(COMPANY), key: companyKey.publicJwk, issuer: CONSUMER, x5tS256: "A".repeat(43), signer: companyKey.signer, issuedAt: new Date(), expiresAt: new Date(Date.now() + 86_400_000) });
    const forged = await createHolderToken("consent", consentClaims(), { assertion: selfMade, key: companyKey, audience, at: new Date() });
    expect(await code(w.registry.holder.grantConsent(forged))).toBe("ERR_HOLDER_TOKEN_INVALID");
    // A request token cannot be used for the other scope.
    expect(await code(w.registry.holder.accessRecord(await sign("request", request("consents"))))).toBe("ERR_HOLDER_TOKEN_INVALID");
    // Nothing but the one good consent was stored.
    const rows = await w.registry.database.all<{ n: number }>("SELECT COUNT(*) AS n FROM consents");
    expect(Number(rows[0]!.n)).toBe(2);
  });

  it("shows the holder every use of their licences, proven against a signed checkpoint, and no one else's", async () => {
    await w.consumer.findByHolder(COMPANY, { matter: "330100-LOAN-0001", reason: "贷款审批" });
    const record = await w.registry.holder.accessRecord(await sign("request", request("access-record")));
    const verified = await verifyAccessRecord(record, trust);
    expect(verified.events.length).toBeGreaterThanOrEqual(5);
    const last = verified.events[verified.events.length - 1]!;
    expect(last).toMatchObject({ kind: "read", department: CONSUMER, licence: companyLicence, matter: "330100-LOAN-0001" });
    expect(last.fields).toContain("name");
    expect(verified.events.some((e) => e.consents.length > 0)).toBe(true);
    expect(verified.events.every((e) => e.licence === companyLicence)).toBe(true);

    // The person's record holds none of the company's entries.
    const other = await verifyAccessRecord(await w.registry.holder.accessRecord(await sign("request", request("access-record"), "person")), trust);
    expect(other.events.filter((e) => e.licence === companyLicence)).toEqual([]);

    // Paged: one entry at a time, in log order, reaching the same entries.
    const seen: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await verifyAccessRecord(await w.registry.holder.accessRecord(await sign("request", request("access-record")), { limit: 2, ...(after !== undefined ? { after } : {}) }), trust);
      seen.push(...page.events.map((e) => e.index));
      if (page.next === undefined) break;
      after = page.next;
    }
    expect(seen.slice(0, verified.events.length)).toEqual(verified.events.map((e) => e.index));

    // An entry altered after the fact does not prove.
    const first = record.entries[0]!;
    const altered = { ...record, entries: [{ ...first, entry: first.entry.replace(CONSUMER, "11330100MB00000359") }, ...record.entries.slice(1)] };
    expect(await code(verifyAccessRecord(altered, trust))).toBe("ERR_LOG_PROOF_INVALID");
    expect(await code(w.registry.holder.accessRecord(await sign("request", request("access-record")), { limit: 0 }))).toBe("ERR_VALIDATION");
  });
});
