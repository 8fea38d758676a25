/**
 * The registry's operations, run against both storage adapters with one suite.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_ALGORITHMS,
  LicenceError,
  verifyLicence,
  verifyTrustList,
  type TrustList,
} from "@elicence/core";
import { verifyConsistency, verifyInclusion, verifyTreeHead, hashLeaf } from "@elicence/core/log";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_DEPARTMENT, SAMPLE_PERSON } from "../../src/workspace/samples.js";
import { ADAPTERS, BUSINESS_FIELDS, CAUSE, COMPANY, CONSUMER, OTHER_CONSUMER, PASSPHRASE, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { code } from "@elicence/test-support/error-code";

const b64 = (s: string) => new Uint8Array(Buffer.from(s, "base64url"));


describe.each(ADAPTERS)("registry on %s", (adapter) => {
  let w: RegistryWorld;
  let trust: TrustList;
  let seq = 0;
  const rid = () => `req-${adapter}-${++seq}`;
  const issueBusiness = (extra: Record<string, unknown> = {}) =>
    w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS, ...extra });

  async function verify(compact: string, statusListIds: number[] = [0]) {
    const statusLists = await Promise.all(statusListIds.map((id) => w.registry.public.statusList(id)));
    return verifyLicence(compact, { trustList: trust, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists });
  }

  beforeAll(async () => {
    w = await registryWorld(adapter);
    trust = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  describe("issue", () => {
    it("issues a licence that verifies PASSED against the registry's trust list and status list", async () => {
      const record = await issueBusiness();
      expect(record.status).toBe("active");
      expect(record.statusList.uri).toMatch(/\/v1\/status-lists\/0$/);
      const report = await verify(record.licence);
      expect(report.indication).toBe("PASSED");
      expect(report.licence!.fields).toMatchObject(BUSINESS_FIELDS);
    });

    it("is idempotent on the request id", async () => {
      const requestId = rid();
      const a = await w.issuer.issue({ requestId, type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
      const b = await w.issuer.issue({ requestId, type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
      expect(b.id).toBe(a.id);
      expect(b.licence).toBe(a.licence);
      // The same id with another body is another request: refused, not answered with the first.
      expect(await code(w.issuer.issue({ requestId, type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name: "changed" } }))).toBe("ERR_IDEMPOTENCY_MISMATCH");
      const rows = await w.registry.database.all("SELECT id FROM licences WHERE id = ?", [a.id]);
      expect(rows).toHaveLength(1);
    });

    it("refuses invalid licences with every issue, and writes nothing", async () => {
      const before = await w.registry.database.get<{ n: number }>("SELECT COUNT(*) AS n FROM licences");
      const err = await w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { name: "x" } }).catch((e) => e as LicenceError);
      expect(err).toBeInstanceOf(LicenceError);
      expect((err as LicenceError).code).toBe("ERR_VALIDATION");
      expect((err as LicenceError).issues.map((i) => i.path.join("."))).toContain("fields.registeredCapital");
      expect(await code(w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: { ...COMPANY, idNumber: "91330100MA2B3C4D1B" }, fields: BUSINESS_FIELDS }))).toBe("ERR_VALIDATION");
      expect(await code(w.issuer.issue({ requestId: "bad id!", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS }))).toBe("ERR_VALIDATION");
      const after = await w.registry.database.get<{ n: number }>("SELECT COUNT(*) AS n FROM licences");
      expect(after!.n).toBe(before!.n);
    });

    it("refuses callers without the issuer role or the licence type", async () => {
      expect(await code(w.consumer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS }))).toBe("ERR_FORBIDDEN");
      expect(await code(w.admin.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS }))).toBe("ERR_FORBIDDEN");
    });

    it("issues a batch: good rows commit, bad rows are reported by index, a retry returns the same", async () => {
      const items = Array.from({ length: 25 }, (_, i) => ({
        type: BUSINESS_LICENCE.code,
        holder: COMPANY,
        fields: i % 10 === 3 ? { name: "missing fields" } : { ...BUSINESS_FIELDS, name: `公司${i}` },
      }));
      const requestId = rid();
      const result = await w.issuer.issueBatch({ requestId, items });
      expect(result.issued).toHaveLength(22);
      expect(result.errors.map((e) => e.index)).toEqual([3, 13, 23]);
      expect(result.errors[0]!.code).toBe("ERR_VALIDATION");
      expect(new Set(result.issued.map((r) => r.id)).size).toBe(22);
      const again = await w.issuer.issueBatch({ requestId, items });
      expect(again.issued.map((r) => r.id)).toEqual(result.issued.map((r) => r.id));
      expect(again.errors).toEqual(result.errors);
      expect((await verify(result.issued[5]!.licence)).indication).toBe("PASSED");
    });
  });

  describe("sharing by class", () => {
    let id: string;
    beforeAll(async () => {
      id = (await issueBusiness()).id;
    });

    it("a consumer without an agreement gets unconditional fields only, and the licence still verifies", async () => {
      const shared = await w.consumer.get(id, CAUSE);
      const report = await verify(shared.licence);
      expect(report.indication).toBe("PASSED");
      expect(Object.keys(report.licence!.fields).sort()).toEqual(["businessScope", "entityType", "establishedOn", "legalRepresentative", "name"]);
      expect([...shared.withheld].sort()).toEqual(["address", "legalRepresentativeIdNumber", "registeredCapital"]);
      expect(shared.licence).not.toContain(Buffer.from("440524188001010014").toString("base64url").slice(0, 12));
    });

    it("an agreement opens the conditional fields to that department only, never the none fields", async () => {
      await w.admin.createAgreement({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["registeredCapital"], expiresAt: new Date(Date.now() + 86400_000).toISOString() });
      const mine = await verify((await w.consumer.get(id, CAUSE)).licence);
      expect(mine.licence!.fields.registeredCapital).toBe("500");
      expect(mine.licence!.fields.address).toBeUndefined();
      expect(mine.licence!.fields.legalRepresentativeIdNumber).toBeUndefined();
      const theirs = await verify((await w.otherConsumer.get(id, CAUSE)).licence);
      expect(theirs.licence!.fields.registeredCapital).toBeUndefined();
    });

    it("an agreement may not name a none or unconditional field, and only an admin makes one", async () => {
      const expiresAt = new Date(Date.now() + 86400_000).toISOString();
      expect(await code(w.admin.createAgreement({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["legalRepresentativeIdNumber"], expiresAt }))).toBe("ERR_VALIDATION");
      expect(await code(w.admin.createAgreement({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["name"], expiresAt }))).toBe("ERR_VALIDATION");
      expect(await code(w.consumer.createAgreement({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["address"], expiresAt }))).toBe("ERR_FORBIDDEN");
    });

    it("a holder's authorisation opens conditional fields for one department", async () => {
      await w.admin.createAuthorisation({ holder: COMPANY, consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["address"], expiresAt: new Date(Date.now() + 86400_000).toISOString() });
      const report = await verify((await w.consumer.get(id, CAUSE)).licence);
      expect(report.licence!.fields.address).toBe(BUSINESS_FIELDS.address);
      expect((await w.admin.listAuthorisations(COMPANY)).length).toBeGreaterThan(0);
    });

    it("finds a holder's licences by holder code and type", async () => {
      const found = await w.consumer.findByHolder(COMPANY, CAUSE, BUSINESS_LICENCE.code);
      expect(found.length).toBeGreaterThan(2);
      expect(found.every((l) => l.type === BUSINESS_LICENCE.code)).toBe(true);
      expect(await w.consumer.findByHolder({ idType: "111", idNumber: SAMPLE_PERSON.idNumber }, CAUSE)).toEqual([]);
    });

    it("a lookup by holder discloses what the agreement and the holder's authorisation open, to that department only", async () => {
      // The tests above gave CONSUMER an agreement (registeredCapital) and an authorisation (address).
      const mine = await w.consumer.findByHolder(COMPANY, CAUSE, BUSINESS_LICENCE.code);
      const theirs = await w.otherConsumer.findByHolder(COMPANY, CAUSE, BUSINESS_LICENCE.code);
      expect(mine.length).toBe(theirs.length);
      for (const shared of mine) {
        expect([...shared.withheld].sort()).toEqual(["legalRepresentativeIdNumber"]);
        const report = await verify(shared.licence);
        expect(report.licence!.fields.address).toBeDefined();
        expect(report.licence!.fields.registeredCapital).toBeDefined();
        expect(report.licence!.fields.legalRepresentativeIdNumber).toBeUndefined();
      }
      for (const shared of theirs) {
        expect([...shared.withheld].sort()).toEqual(["address", "legalRepresentativeIdNumber", "registeredCapital"]);
      }
      const own = await w.issuer.findByHolder(COMPANY, CAUSE, BUSINESS_LICENCE.code);
      expect(own.every((l) => l.withheld.length === 1 && l.withheld[0] === "legalRepresentativeIdNumber")).toBe(true);
    });

    it("refuses a read without a cause and logs nothing for it", async () => {
      const before = (await w.registry.public.treeHead()).treeSize;
      expect(await code(w.consumer.get(id, undefined as never))).toBe("ERR_CAUSE_REQUIRED");
      expect(await code(w.consumer.get(id, { matter: "", reason: "x" }))).toBe("ERR_CAUSE_REQUIRED");
      expect(await code(w.consumer.findByHolder(COMPANY, { matter: "M1", reason: "" }))).toBe("ERR_CAUSE_REQUIRED");
      expect((await w.registry.public.treeHead()).treeSize).toBe(before);
    });

    it("logs every read with its cause and the fields it disclosed, and no personal data in clear", async () => {
      const before = (await w.registry.public.treeHead()).treeSize;
      await w.consumer.get(id, CAUSE);
      const rows = await w.registry.database.all<{ entry: string }>("SELECT entry FROM log_entries WHERE idx >= ? ORDER BY idx", [before]);
      expect(rows).toHaveLength(1);
      const entry = JSON.parse(rows[0]!.entry);
      expect(entry).toMatchObject({ kind: "read", department: CONSUMER, licence: id, matter: CAUSE.matter });
      expect(entry.disclosed).toEqual(expect.arrayContaining(["name", "registeredCapital", "address"]));
      expect(entry.disclosed).not.toContain("legalRepresentativeIdNumber");
      const all = await w.registry.database.all<{ entry: string }>("SELECT entry FROM log_entries");
      for (const r of all) {
        expect(r.entry).not.toContain(COMPANY.idNumber);
        expect(r.entry).not.toContain(COMPANY.name);
        expect(r.entry).not.toContain(CAUSE.reason);
      }
    });

    it("verify data answers yes or no without the content", async () => {
      expect(await w.consumer.verifyData({ holder: COMPANY, type: BUSINESS_LICENCE.code, field: "registeredCapital", value: "500" }, CAUSE)).toEqual({ match: true });
      expect(await w.consumer.verifyData({ holder: COMPANY, type: BUSINESS_LICENCE.code, field: "registeredCapital", value: "501" }, CAUSE)).toEqual({ match: false });
      expect(await code(w.consumer.verifyData({ holder: COMPANY, type: BUSINESS_LICENCE.code, field: "legalRepresentativeIdNumber", value: "x" }, CAUSE))).toBe("ERR_FORBIDDEN");
    });
  });

  describe("lifecycle and status", () => {
    it("suspend, resume, revoke: the status list follows in the same transaction", async () => {
      const record = await issueBusiness();
      await w.issuer.suspend(record.id, { reason: "整改", officer: "officer-7" });
      expect((await verify(record.licence)).subIndication).toBe("SUSPENDED");
      expect(await code(w.issuer.suspend(record.id, { reason: "again" }))).toBe("ERR_STATE_INVALID");
      await w.issuer.resume(record.id, { reason: "整改完成" });
      expect((await verify(record.licence)).indication).toBe("PASSED");
      await w.issuer.revoke(record.id, { reason: "吊销" });
      expect((await verify(record.licence)).subIndication).toBe("REVOKED");
      expect(await code(w.issuer.resume(record.id, { reason: "no" }))).toBe("ERR_STATE_INVALID");
      const history = await w.auditor.statusHistory(record.id, CAUSE);
      expect(history.map((h) => h.status)).toEqual(["active", "suspended", "active", "revoked"]);
    });

    it("cancel; only the issuing department may change status", async () => {
      const record = await issueBusiness();
      expect(await code(w.consumer.cancel(record.id, { reason: "x" }))).toBe("ERR_FORBIDDEN");
      expect(await code(w.issuer.cancel(record.id, { reason: "" }))).toBe("ERR_VALIDATION");
      const changed = await w.issuer.cancel(record.id, { reason: "注销" });
      expect(changed.status).toBe("cancelled");
      expect((await verify(record.licence)).subIndication).toBe("CANCELLED");
    });

    it("amend makes a new version that supersedes the old; both point at each other", async () => {
      const old = await issueBusiness();
      const amended = await w.issuer.amend(old.id, { requestId: rid(), fields: { address: "示例市新区新路2号" }, reason: "住所变更" });
      expect(amended.id).not.toBe(old.id);
      expect(amended.id).toMatch(/\.002\.[0-9A-Z]$/);
      const report = await verify(amended.licence);
      expect(report.indication).toBe("PASSED");
      expect(report.licence!.fields.address).toBe("示例市新区新路2号");
      expect(report.licence!.supersedes).toBe(old.id);
      const oldShared = await w.consumer.get(old.id, CAUSE);
      expect(oldShared.status).toBe("superseded");
      expect(oldShared.supersededBy).toBe(amended.id);
      expect((await w.consumer.get(amended.id, CAUSE)).supersedes).toBe(old.id);
      expect((await verify(old.licence)).indication).toBe("FAILED");
    });

    it("renew sets a new validity period", async () => {
      const old = await w.issuer.issue({
        requestId: rid(),
        type: OPERATOR_CERTIFICATE.code,
        holder: SAMPLE_PERSON,
        fields: { operationCategory: "电工作业", operationItem: "低压电工作业", firstIssuedOn: "2019-07-01", gender: "女", birthDate: "1949-12-31" },
      });
      const renewed = await w.issuer.renew(old.id, { requestId: rid(), validUntil: "2040-01-01T00:00:00Z", reason: "换证" });
      const report = await verify(renewed.licence);
      expect(report.indication).toBe("PASSED");
      expect(report.licence!.validUntil).toBe("2040-01-01T00:00:00.000Z");
    });

    it("answers what the status was at a time", async () => {
      const record = await issueBusiness();
      const t1 = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      await w.issuer.suspend(record.id, { reason: "x" });
      expect((await w.auditor.statusAt(record.id, t1, CAUSE)).status).toBe("active");
      expect((await w.auditor.statusAt(record.id, new Date().toISOString(), CAUSE)).status).toBe("suspended");
      expect((await w.auditor.statusAt(record.id, "2000-01-01T00:00:00Z", CAUSE)).status).toBe("not-issued");
    });
  });

  describe("concurrency", () => {
    it("parallel retries of one request make one licence; parallel issues and status changes keep the records in agreement", async () => {
      const requestId = rid();
      const same = await Promise.all(Array.from({ length: 8 }, () => w.issuer.issue({ requestId, type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })));
      expect(new Set(same.map((r) => r.id)).size).toBe(1);
      const many = await Promise.all(Array.from({ length: 12 }, () => issueBusiness()));
      expect(new Set(many.map((r) => `${r.statusList.uri}#${r.statusList.idx}`)).size).toBe(12);
      await Promise.all(many.map((r, i) => (i % 2 ? w.issuer.suspend(r.id, { reason: "并发" }) : w.issuer.revoke(r.id, { reason: "并发" }))));
      const results = await Promise.allSettled(many.slice(0, 4).map((r) => w.issuer.cancel(r.id, { reason: "并发" })));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
      const audit = await w.registry.audit();
      expect(audit.problems).toEqual([]);
    });
  });

  describe("log", () => {
    it("every entry has an inclusion proof to a signed tree head, and heads are consistent", async () => {
      const head1 = await w.registry.public.treeHead();
      await verifyTreeHead(head1, trust, ["ES256"]);
      await issueBusiness();
      const head2 = await w.registry.public.treeHead();
      await verifyTreeHead(head2, trust, ["ES256"]);
      expect(head2.treeSize).toBeGreaterThan(head1.treeSize);
      const consistency = await w.registry.public.consistencyProof(head1.treeSize, head2.treeSize);
      expect(verifyConsistency({ oldSize: head1.treeSize, newSize: head2.treeSize, oldRoot: b64(head1.rootHash), newRoot: b64(head2.rootHash), proof: consistency.proof.map(b64) })).toBe(true);
      for (let index = 0; index < head2.treeSize; index += Math.max(1, Math.floor(head2.treeSize / 17))) {
        const p = await w.registry.public.inclusionProof(index, head2.treeSize);
        expect(verifyInclusion({ leafHash: b64(p.leafHash), index, treeSize: head2.treeSize, proof: p.proof.map(b64), root: b64(head2.rootHash) })).toBe(true);
      }
    });

    it("lists a licence's log entries (issue, status changes, reads, this read) with proofs to the tree head", async () => {
      const record = await issueBusiness();
      await w.consumer.get(record.id, CAUSE);
      await w.issuer.suspend(record.id, { reason: "检查" });
      const entries = await w.auditor.logEntries(record.id, CAUSE);
      const events = entries.map((e) => JSON.parse(e.entry) as { kind: string; licence: string; department: string; disclosed?: string[] });
      expect(events.map((e) => e.kind)).toEqual(["issue", "read", "status", "read"]);
      expect(events.every((e) => e.licence === record.id)).toBe(true);
      expect(events[3]!.disclosed).toEqual(["log-entries"]);
      expect(entries.map((e) => e.index)).toEqual([...entries.map((e) => e.index)].sort((a, b) => a - b));
      const head = await w.registry.public.treeHead();
      for (const e of entries) {
        const p = await w.registry.public.inclusionProof(e.index, head.treeSize);
        expect(p.leafHash).toBe(Buffer.from(hashLeaf(new TextEncoder().encode(e.entry))).toString("base64url"));
        expect(verifyInclusion({ leafHash: b64(p.leafHash), index: e.index, treeSize: head.treeSize, proof: p.proof.map(b64), root: b64(head.rootHash) })).toBe(true);
      }
      // The issuing department and admins may list them too; each listing is itself logged.
      expect(await w.issuer.logEntries(record.id, CAUSE)).toHaveLength(5);
      expect(await w.admin.logEntries(record.id, CAUSE)).toHaveLength(6);
    });

    it("log entries: consumers and other issuing departments are refused, a cause is required, nothing is logged for a refusal", async () => {
      const record = await issueBusiness();
      const other = await w.registry.session((await w.registry.createApiKey({ department: CONSUMER, roles: ["issuer"], licenceTypes: [BUSINESS_LICENCE.code] })).key);
      const before = await w.registry.public.treeHead();
      expect(await code(w.consumer.logEntries(record.id, CAUSE))).toBe("ERR_FORBIDDEN");
      expect(await code(other.logEntries(record.id, CAUSE))).toBe("ERR_FORBIDDEN");
      expect(await code(w.auditor.logEntries(record.id, undefined as never))).toBe("ERR_CAUSE_REQUIRED");
      expect(await code(w.auditor.logEntries("nonsense", CAUSE))).toBe("ERR_NOT_FOUND");
      expect((await w.registry.public.treeHead()).treeSize).toBe(before.treeSize);
    });

    it("a forged tree head does not verify", async () => {
      const head = await w.registry.public.treeHead();
      await expect(verifyTreeHead({ ...head, treeSize: head.treeSize + 1 }, trust, ["ES256"])).rejects.toThrow(LicenceError);
    });

    it("proof requests out of range are refused", async () => {
      const head = await w.registry.public.treeHead();
      expect(await code(w.registry.public.inclusionProof(head.treeSize, head.treeSize))).toBe("ERR_VALIDATION");
      expect(await code(w.registry.public.consistencyProof(5, head.treeSize + 10))).toBe("ERR_VALIDATION");
      expect(await code(w.registry.public.inclusionProof(-1, head.treeSize))).toBe("ERR_VALIDATION");
    });
  });

  describe("stats", () => {
    it("per department: types catalogued vs provided, licences issued, reads by others, licences served per matter", async () => {
      const pause = () => new Promise((r) => setTimeout(r, 5));
      await pause();
      const from = new Date().toISOString();
      await pause();
      const record = await issueBusiness();
      await w.consumer.get(record.id, { matter: "STATS-A", reason: "r" });
      await w.consumer.get(record.id, { matter: "STATS-A", reason: "r" });
      const holderLicences = (await w.otherConsumer.findByHolder(COMPANY, { matter: "STATS-B", reason: "r" }, BUSINESS_LICENCE.code)).length;
      await w.consumer.statusHistory(record.id, { matter: "STATS-A", reason: "r" }); // oversight reads do not count
      const to = new Date(Date.now() + 1000).toISOString();
      const stats = await w.auditor.stats({ from, to });
      expect(stats.from).toBe(from);
      const issuer = stats.departments.find((d) => d.department === SAMPLE_DEPARTMENT.code)!;
      expect(issuer.typesCatalogued).toBe(2);
      expect(issuer.typesProvided).toBeGreaterThanOrEqual(1);
      expect(issuer.provisionRate).toBe(issuer.typesProvided / 2);
      expect(issuer.licencesIssued).toBe(1);
      expect(issuer.readsByOthers).toBe(2 + holderLicences);
      expect(stats.departments.find((d) => d.department === CONSUMER)!.servedByMatter).toEqual({ "STATS-A": 2 });
      expect(stats.departments.find((d) => d.department === OTHER_CONSUMER)!.servedByMatter).toEqual({ "STATS-B": holderLicences });
      // A period before anything happened has no reads or issues.
      const empty = await w.admin.stats({ from: "2000-01-01T00:00:00Z", to: "2000-01-02T00:00:00Z" });
      expect(empty.departments.every((d) => d.licencesIssued === 0 && d.readsByOthers === 0 && d.typesProvided === 0)).toBe(true);
    });

    it("admins and auditors only; the period must be valid", async () => {
      const period = { from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z" };
      expect(await code(w.consumer.stats(period))).toBe("ERR_FORBIDDEN");
      expect(await code(w.issuer.stats(period))).toBe("ERR_FORBIDDEN");
      expect(await code(w.auditor.stats({ from: period.to, to: period.from }))).toBe("ERR_VALIDATION");
      expect(await code(w.auditor.stats({ from: "x", to: period.to }))).toBe("ERR_VALIDATION");
      expect(await code(w.auditor.stats({ to: "x" }))).toBe("ERR_VALIDATION");
      // Without a period: the last 30 days.
      const recent = await w.auditor.stats(undefined);
      expect(Date.parse(recent.to) - Date.parse(recent.from)).toBe(30 * 24 * 3600 * 1000);
    });
  });

  describe("access", () => {
    it("refuses a bad or malformed API key", async () => {
      expect(await code(w.registry.session("elk_0000000000000000_" + "A".repeat(43)))).toBe("ERR_UNAUTHENTICATED");
      expect(await code(w.registry.session(w.keys.issuer.slice(0, -1) + (w.keys.issuer.endsWith("A") ? "B" : "A")))).toBe("ERR_UNAUTHENTICATED");
      expect(await code(w.registry.session("nonsense"))).toBe("ERR_UNAUTHENTICATED");
    });

    it("stores API keys hashed", async () => {
      const rows = await w.registry.database.all<{ secret_hash: Uint8Array }>("SELECT secret_hash FROM api_keys");
      expect(rows.length).toBeGreaterThanOrEqual(5);
      const secrets = Object.values(w.keys).map((key) => key.slice("elk_0000000000000000_".length));
      for (const r of rows) {
        expect(r.secret_hash).toHaveLength(32);
        for (const secret of secrets) {
          expect(Buffer.from(r.secret_hash).toString("base64url")).not.toBe(secret);
          expect(Buffer.from(r.secret_hash).toString("latin1")).not.toContain(secret.slice(0, 16));
        }
      }
    });

    it("a newly catalogued type is added to the trust list, so its licences verify", async () => {
      const newType = { ...BUSINESS_LICENCE, code: BUSINESS_LICENCE.code.replace(/001$/, "009"), name: "食品经营许可证", version: 1 };
      await w.admin.registerLicenceType(newType);
      const list = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
      expect(list.department(BUSINESS_LICENCE.issuers[0]!)!.licenceTypes).toContain(newType.code);
      expect(list.document.sequence).toBeGreaterThan(trust.document.sequence);
      const key = await w.registry.createApiKey({ department: BUSINESS_LICENCE.issuers[0]!, roles: ["issuer"], licenceTypes: [newType.code] });
      const record = await (await w.registry.session(key.key)).issue({ requestId: rid(), type: newType.code, holder: COMPANY, fields: BUSINESS_FIELDS });
      const report = await verifyLicence(record.licence, { trustList: list, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists: [await w.registry.public.statusList(0)] });
      expect(report.indication).toBe("PASSED");
      // With the trust list of before, the department was not listed for the new type.
      const old = await verifyLicence(record.licence, { trustList: trust, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists: [await w.registry.public.statusList(0)] });
      expect(old.checks.find((c) => c.check === "issuer-authorised")!.code).toBe("type-not-authorised");
    });

    it("admins create, list and revoke API keys; a revoked key stops working at once; secrets are never listed", async () => {
      const made = await w.admin.createApiKey({ department: OTHER_CONSUMER, roles: ["consumer"], label: "审批系统 A" });
      expect(made.key).toMatch(new RegExp(`^elk_${made.id}_[A-Za-z0-9_-]{43}$`));
      const session = await w.registry.session(made.key);
      expect((await session.whoami()).department).toBe(OTHER_CONSUMER);
      const listed = await w.admin.listApiKeys();
      const mine = listed.find((k) => k.id === made.id)!;
      expect(mine).toMatchObject({ department: OTHER_CONSUMER, roles: ["consumer"], licenceTypes: [], label: "审批系统 A" });
      expect(mine.revokedAt).toBeUndefined();
      expect(JSON.stringify(listed)).not.toContain(made.key.slice(22));
      const before = (await w.registry.public.treeHead()).treeSize;
      const revoked = await w.admin.revokeApiKey(made.id);
      expect(revoked.revokedAt).toBeDefined();
      expect(await code(w.registry.session(made.key))).toBe("ERR_UNAUTHENTICATED");
      expect(await code(session.whoami())).toBe("accepted"); // a session already open is the caller's own object
      // Revoking again changes nothing (and logs nothing); creation and revocation were logged.
      expect((await w.admin.revokeApiKey(made.id)).revokedAt).toBe(revoked.revokedAt);
      expect((await w.registry.public.treeHead()).treeSize).toBe(before + 1);
    });

    it("only admins manage keys, and a bad request is refused whole, with every problem", async () => {
      expect(await code(w.consumer.listApiKeys())).toBe("ERR_FORBIDDEN");
      expect(await code(w.issuer.createApiKey({ department: CONSUMER, roles: ["admin"] }))).toBe("ERR_FORBIDDEN");
      expect(await code(w.consumer.revokeApiKey("0123456789abcdef"))).toBe("ERR_FORBIDDEN");
      const count = (await w.admin.listApiKeys()).length;
      let err: unknown;
      try {
        await w.admin.createApiKey({ department: "91330100MA2B3C4D1B", roles: ["issuer", "issuer"] as never, label: "x\u0000" });
      } catch (e) {
        err = e;
      }
      expect((err as LicenceError).code).toBe("ERR_VALIDATION");
      expect((err as LicenceError).issues.map((i) => i.path.join("."))).toEqual(["department", "roles", "licenceTypes", "label"]);
      expect(await code(w.admin.createApiKey({ department: CONSUMER, roles: ["issuer"] }))).toBe("ERR_VALIDATION");
      expect(await code(w.admin.createApiKey({ department: CONSUMER, roles: ["consumer"], licenceTypes: [BUSINESS_LICENCE.code] }))).toBe("ERR_VALIDATION");
      expect(await code(w.admin.revokeApiKey("0123456789abcdef"))).toBe("ERR_NOT_FOUND");
      expect(await code(w.admin.revokeApiKey("'; DROP TABLE api_keys; --"))).toBe("ERR_NOT_FOUND");
      expect((await w.admin.listApiKeys()).length).toBe(count);
    });

    it("onboards an issuing department: its certificate, the trust list, then its licences verify", async () => {
      const configBefore = readFileSync(join(w.home, "elicence.json"), "utf8");
      expect(await code(w.registry.addDepartment({ name: "示例市市场监督管理局", code: OTHER_CONSUMER, passphrase: "wrong passphrase" }))).toBe("ERR_PASSPHRASE_INCORRECT");
      expect(await code(w.registry.addDepartment({ name: "x", code: "91330100MA2B3C4D1B", passphrase: PASSPHRASE }))).toBe("ERR_VALIDATION");
      expect(await code(w.registry.addDepartment({ name: "重复", code: SAMPLE_DEPARTMENT.code, passphrase: PASSPHRASE }))).toBe("ERR_CONFLICT");
      expect(readFileSync(join(w.home, "elicence.json"), "utf8")).toBe(configBefore);
      expect(existsSync(join(w.home, "departments", OTHER_CONSUMER))).toBe(false);

      const added = await w.registry.addDepartment({ name: "示例市市场监督管理局", code: OTHER_CONSUMER, alg: "EdDSA", passphrase: PASSPHRASE });
      expect(readFileSync(join(w.home, "departments", OTHER_CONSUMER, "signing.key.pem"), "utf8")).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
      const listed = (await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] })).department(OTHER_CONSUMER)!;
      expect(listed).toMatchObject({ name: "示例市市场监督管理局", certificates: [added.thumbprint], licenceTypes: [] });

      const type = { ...BUSINESS_LICENCE, code: `${OTHER_CONSUMER}001`, name: "食品生产许可证", issuers: [OTHER_CONSUMER], version: 1 };
      await w.admin.registerLicenceType(type);
      const list = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
      expect(list.department(OTHER_CONSUMER)!.licenceTypes).toEqual([type.code]);
      const key = await w.admin.createApiKey({ department: OTHER_CONSUMER, roles: ["issuer"], licenceTypes: [type.code] });
      const record = await (await w.registry.session(key.key)).issue({ requestId: rid(), type: type.code, holder: COMPANY, fields: BUSINESS_FIELDS });
      const report = await verifyLicence(record.licence, { trustList: list, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists: [await w.registry.public.statusList(0)] });
      expect(report.indication).toBe("PASSED");
      expect(report.algorithm).toBe("EdDSA");
      // A batch large enough for the signing workers: they were given the new department's key.
      const batch = await (await w.registry.session(key.key)).issueBatch({ requestId: rid(), items: Array.from({ length: 40 }, () => ({ type: type.code, holder: COMPANY, fields: BUSINESS_FIELDS })) });
      expect(batch.errors).toEqual([]);
      expect(batch.issued).toHaveLength(40);
      const last = await verifyLicence(batch.issued[39]!.licence, { trustList: list, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists: [await w.registry.public.statusList(0)] });
      expect(last.indication).toBe("PASSED");
      expect(report.signer!.organizationIdentifier).toBe(OTHER_CONSUMER);
      expect((await w.registry.audit()).problems).toEqual([]);
    });

    it("registers a new version of a licence type (admin only)", async () => {
      const next = { ...BUSINESS_LICENCE, version: 2 };
      expect(await code(w.consumer.registerLicenceType(next))).toBe("ERR_FORBIDDEN");
      expect((await w.admin.registerLicenceType(next)).version).toBe(2);
      expect(await code(w.admin.registerLicenceType(next))).toBe("ERR_CONFLICT");
      expect((await w.consumer.getLicenceType(BUSINESS_LICENCE.code)).version).toBe(2);
    });
  });
});
