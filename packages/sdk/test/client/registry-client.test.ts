/**
 * Every RegistryClient method against a real registry server: round trips, the registry's error
 * codes as LicenceError, the cause on reads, and the public calls without a key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALGORITHMS, verifyLicence, verifyTrustList, type TrustList } from "@elicence/core";
import { hashLeaf, verifyConsistency, verifyInclusion, verifyTreeHead } from "@elicence/core/log";
import { LicenceError, RegistryClient } from "../../src/index.js";
import { BUSINESS_FIELDS, BUSINESS_LICENCE, CAUSE, COMPANY, CONSUMER, OPERATOR_CERTIFICATE, issueOne, rid, sdkWorld, type SdkWorld } from "../support/world.js";

let s: SdkWorld;
let trust: TrustList;
const b64 = (t: string) => new Uint8Array(Buffer.from(t, "base64url"));
const codeOf = (p: Promise<unknown>) => p.then(() => "resolved", (e: unknown) => (e instanceof LicenceError ? e.code : `not a LicenceError: ${String(e)}`));
const inAYear = () => new Date(Date.now() + 365 * 86400_000).toISOString();

beforeAll(async () => {
  s = await sdkWorld();
  trust = await verifyTrustList(await s.anonymous.trustList(), { at: new Date(), algorithms: DEFAULT_ALGORITHMS, operatorCertificates: [s.operatorPem] });
});
afterAll(async () => {
  await s?.close();
});

async function verify(compact: string) {
  const statusLists = [await s.anonymous.statusList(0)];
  return verifyLicence(compact, { trustList: trust, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists });
}

describe("access and catalogue", () => {
  it("whoami names the caller's department and roles", async () => {
    expect(await s.clients.consumer.whoami()).toMatchObject({ department: CONSUMER, roles: ["consumer"] });
  });

  it("lists, gets and registers licence types", async () => {
    const types = await s.clients.consumer.listLicenceTypes();
    expect(types.map((t) => t.code)).toContain(BUSINESS_LICENCE.code);
    expect(await s.clients.consumer.getLicenceType(BUSINESS_LICENCE.code)).toEqual(BUSINESS_LICENCE);
    const next = { ...OPERATOR_CERTIFICATE, version: 2, name: "特种作业操作证（SDK版）" };
    expect(await s.clients.admin.registerLicenceType(next)).toEqual(next);
    expect(await codeOf(s.clients.admin.registerLicenceType(next))).toBe("ERR_CONFLICT");
  });
});

describe("lifecycle", () => {
  it("issues one licence that verifies, idempotently on requestId", async () => {
    const requestId = rid();
    const a = await s.clients.issuer.issue({ requestId, type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
    const b = await s.clients.issuer.issue({ requestId, type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
    expect(b).toEqual(a);
    expect(a.status).toBe("active");
    expect((await verify(a.licence)).indication).toBe("PASSED");
  });

  it("issues a batch and reports the bad items by index", async () => {
    const result = await s.clients.issuer.issueBatch({
      requestId: rid(),
      items: [
        { type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS },
        { type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { name: "missing" } },
      ],
    });
    expect(result.issued.map((i) => i.index)).toEqual([0]);
    expect(result.errors).toMatchObject([{ index: 1, code: "ERR_VALIDATION" }]);
  });

  it("amends, renews, suspends, resumes, revokes and cancels", async () => {
    const one = await issueOne(s.clients.issuer);
    const amended = await s.clients.issuer.amend(one.id, { requestId: rid(), fields: { ...BUSINESS_FIELDS, address: "示例市新区1号" }, reason: "住所变更" });
    expect(amended.id).not.toBe(one.id);
    const renewed = await s.clients.issuer.renew(amended.id, { requestId: rid(), validUntil: "2031-12-31T16:00:00.000Z", reason: "延续" });
    expect((await s.clients.issuer.get(renewed.id, CAUSE)).supersedes).toBe(amended.id);
    expect((await s.clients.issuer.suspend(renewed.id, { reason: "核查" })).status).toBe("suspended");
    expect((await s.clients.issuer.resume(renewed.id, { reason: "核查完毕" })).status).toBe("active");
    expect((await s.clients.issuer.revoke(renewed.id, { reason: "违法经营", officer: "A001" })).status).toBe("revoked");
    const other = await issueOne(s.clients.issuer);
    expect((await s.clients.issuer.cancel(other.id, { reason: "申请注销" })).status).toBe("cancelled");
    expect(await codeOf(s.clients.issuer.resume(other.id, { reason: "x" }))).toBe("ERR_STATE_INVALID");
  });
});

describe("reads with a cause", () => {
  let id: string;
  beforeAll(async () => {
    id = (await issueOne(s.clients.issuer)).id;
  });

  it("gets one licence with only the entitled disclosures, and it verifies", async () => {
    const shared = await s.clients.consumer.get(id, CAUSE);
    expect(shared).toMatchObject({ id, type: BUSINESS_LICENCE.code, status: "active" });
    expect(shared.withheld.length).toBeGreaterThan(0);
    const report = await verify(shared.licence);
    expect(report.indication).toBe("PASSED");
    expect(report.licence!.fields.legalRepresentativeIdNumber).toBeUndefined();
  });

  it("finds a holder's licences, verifies data, reads history and status at an instant", async () => {
    const found = await s.clients.consumer.findByHolder(COMPANY, CAUSE, BUSINESS_LICENCE.code);
    expect(found.map((l) => l.id)).toContain(id);
    expect(await s.clients.consumer.verifyData({ holder: COMPANY, type: BUSINESS_LICENCE.code, field: "name", value: BUSINESS_FIELDS.name }, CAUSE)).toEqual({ match: true });
    const history = await s.clients.consumer.statusHistory(id, CAUSE);
    expect(history[0]).toMatchObject({ status: "active" });
    expect(await s.clients.consumer.statusAt(id, new Date().toISOString(), CAUSE)).toEqual({ status: "active" });
    expect(await s.clients.consumer.statusAt(id, "2001-01-01T00:00:00.000Z", CAUSE)).toEqual({ status: "not-issued" });
  });

  it("lists a licence's log entries (auditor, issuing department) and the sharing figures (auditor)", async () => {
    const entries = await s.clients.auditor.logEntries(id, CAUSE);
    expect(entries[0]!.index).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(entries[0]!.entry)).toMatchObject({ kind: "issue", licence: id });
    expect(JSON.parse(entries.at(-1)!.entry)).toMatchObject({ kind: "read", licence: id, disclosed: ["log-entries"] });
    const proof = await s.anonymous.inclusionProof(entries[0]!.index, (await s.anonymous.treeHead()).treeSize);
    expect(proof.leafHash).toBe(Buffer.from(hashLeaf(new TextEncoder().encode(entries[0]!.entry))).toString("base64url"));
    expect((await s.clients.issuer.logEntries(id, CAUSE)).length).toBe(entries.length + 1);
    expect(await codeOf(s.clients.consumer.logEntries(id, CAUSE))).toBe("ERR_FORBIDDEN");
    const stats = await s.clients.auditor.stats({ from: "2020-01-01T00:00:00Z", to: inAYear() });
    expect(stats.departments.some((d) => d.licencesIssued > 0 && d.readsByOthers > 0)).toBe(true);
    expect(await codeOf(s.clients.consumer.stats({ from: "2020-01-01T00:00:00Z", to: inAYear() }))).toBe("ERR_FORBIDDEN");
  });

  it("carries a Chinese reason percent-encoded", async () => {
    const shared = await s.clients.consumer.get(id, { matter: "330100-ZZ-0002", reason: "办理 食品经营许可：变更/延续" });
    expect(shared.id).toBe(id);
  });

  it("a read without a cause is refused with ERR_CAUSE_REQUIRED", async () => {
    expect(await codeOf(s.clients.consumer.get(id, undefined as never))).toBe("ERR_CAUSE_REQUIRED");
    expect(await codeOf(s.clients.consumer.findByHolder(COMPANY, undefined as never))).toBe("ERR_CAUSE_REQUIRED");
  });
});

describe("agreements and authorisations", () => {
  it("an agreement and a holder's authorisation open conditional fields", async () => {
    const { id } = await issueOne(s.clients.issuer);
    const agreement = await s.clients.admin.createAgreement({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["registeredCapital"], expiresAt: inAYear() });
    expect(agreement).toMatchObject({ consumer: CONSUMER, fields: ["registeredCapital"] });
    expect((await s.clients.admin.listAgreements()).map((a) => a.id)).toContain(agreement.id);
    const authorisation = await s.clients.admin.createAuthorisation({ holder: COMPANY, consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["address"], expiresAt: inAYear() });
    expect((await s.clients.admin.listAuthorisations(COMPANY)).map((a) => a.id)).toContain(authorisation.id);
    // The registry lists authorisations per holder only.
    expect(await codeOf(s.clients.admin.listAuthorisations())).toBe("ERR_VALIDATION");
    const report = await verify((await s.clients.consumer.get(id, CAUSE)).licence);
    expect(report.licence!.fields).toMatchObject({ registeredCapital: "500", address: BUSINESS_FIELDS.address });
  });
});

describe("API keys (admins)", () => {
  it("creates a key that works at once, lists it without its secret, and revokes it", async () => {
    const made = await s.clients.admin.createApiKey({ department: CONSUMER, roles: ["consumer"], label: "审批系统 B" });
    const client = new RegistryClient({ baseUrl: s.url, apiKey: made.key });
    expect((await client.whoami()).keyId).toBe(made.id);
    const listed = await s.clients.admin.listApiKeys();
    expect(listed.find((k) => k.id === made.id)).toMatchObject({ department: CONSUMER, roles: ["consumer"], label: "审批系统 B" });
    expect(JSON.stringify(listed)).not.toContain(made.key);
    expect((await s.clients.admin.revokeApiKey(made.id)).revokedAt).toBeDefined();
    expect(await codeOf(client.whoami())).toBe("ERR_UNAUTHENTICATED");
    expect(await codeOf(s.clients.consumer.createApiKey({ department: CONSUMER, roles: ["admin"] }))).toBe("ERR_FORBIDDEN");
    expect(await codeOf(s.clients.admin.revokeApiKey("nope"))).toBe("ERR_IDENTIFIER_INVALID");
  });
});

describe("public documents and log proofs, without a key", () => {
  it("the trust list, a status list and a tree head verify", async () => {
    expect(trust.operatorPinned).toBe(true);
    const head = await s.anonymous.treeHead();
    await verifyTreeHead(head, trust, DEFAULT_ALGORITHMS);
    expect(typeof (await s.anonymous.statusList(0))).toBe("string");
    expect(await codeOf(s.anonymous.statusList(999_999))).toBe("ERR_NOT_FOUND");
  });

  it("inclusion and consistency proofs verify against signed heads", async () => {
    const old = await s.anonymous.treeHead();
    await issueOne(s.clients.issuer);
    const head = await s.anonymous.treeHead();
    expect(head.treeSize).toBeGreaterThan(old.treeSize);
    const inclusion = await s.anonymous.inclusionProof(old.treeSize - 1, head.treeSize);
    expect(verifyInclusion({ leafHash: b64(inclusion.leafHash), index: inclusion.index, treeSize: head.treeSize, proof: inclusion.proof.map(b64), root: b64(head.rootHash) })).toBe(true);
    expect(verifyInclusion({ leafHash: hashLeaf(new Uint8Array([1])), index: inclusion.index, treeSize: head.treeSize, proof: inclusion.proof.map(b64), root: b64(head.rootHash) })).toBe(false);
    const consistency = await s.anonymous.consistencyProof(old.treeSize, head.treeSize);
    expect(verifyConsistency({ oldSize: old.treeSize, newSize: head.treeSize, oldRoot: b64(old.rootHash), newRoot: b64(head.rootHash), proof: consistency.proof.map(b64) })).toBe(true);
    expect(await codeOf(s.anonymous.inclusionProof(head.treeSize + 5, head.treeSize + 6))).toBe("ERR_VALIDATION");
  });
});

describe("errors come back as LicenceError with the registry's code", () => {
  it("maps authentication, authorisation, not-found and validation problems", async () => {
    const stranger = new RegistryClient({ baseUrl: s.url, apiKey: "not-a-key", retries: 0 });
    expect(await codeOf(stranger.whoami())).toBe("ERR_UNAUTHENTICATED");
    expect(await codeOf(s.anonymous.whoami())).toBe("ERR_UNAUTHENTICATED");
    expect(await codeOf(issueOne(s.clients.consumer))).toBe("ERR_FORBIDDEN");
    expect(await codeOf(s.clients.consumer.getLicenceType(`${BUSINESS_LICENCE.code.slice(0, 18)}999`))).toBe("ERR_LICENCE_TYPE_UNKNOWN");
    const err = await s.clients.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { name: "x" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LicenceError);
    expect((err as LicenceError).code).toBe("ERR_VALIDATION");
    expect((err as LicenceError).issues.map((i) => i.path.join("."))).toContain("fields.registeredCapital");
    expect((err as LicenceError).details.status).toBe(400);
    expect(typeof (err as LicenceError).details.requestId).toBe("string");
  });

  it("an unreachable server is ERR_UNAVAILABLE", async () => {
    const dead = new RegistryClient({ baseUrl: "http://127.0.0.1:9", retries: 0, timeoutMs: 2000 });
    const err = (await dead.trustList().catch((e: unknown) => e)) as LicenceError;
    expect(err).toBeInstanceOf(LicenceError);
    expect(err.code).toBe("ERR_UNAVAILABLE");
    expect(err.details.reason).toBe("network");
  });

  it("refuses a bad base URL or option as a TypeError", () => {
    expect(() => new RegistryClient({ baseUrl: "ftp://x" })).toThrow(TypeError);
    expect(() => new RegistryClient({ baseUrl: "not a url" })).toThrow(TypeError);
    expect(() => new RegistryClient({ baseUrl: s.url, retries: -1 })).toThrow(TypeError);
    expect(() => new RegistryClient({ baseUrl: s.url, timeoutMs: 0 })).toThrow(TypeError);
  });
});
