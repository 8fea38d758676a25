/**
 * Approval matters (事项目录): the catalogue of matters as data, the materials check by matter code
 * (only the fields the matter needs, logged with the matter as cause), and the per-matter "no
 * longer needs the original" figure. Run against both storage adapters.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LicenceError, type ApprovalMatter } from "@elicence/core";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE } from "@elicence/registry/samples";
import { ADAPTERS, BUSINESS_FIELDS, COMPANY, CONSUMER, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { reasonHash } from "../../src/registry/cause.js";
import { code } from "@elicence/test-support/error-code";

const FOOD: ApprovalMatter = {
  code: "330100-FOOD-0001",
  name: "食品经营许可",
  department: CONSUMER,
  requires: [{ type: BUSINESS_LICENCE.code, fields: ["name", "address"] }],
};
const BOTH: ApprovalMatter = {
  code: "330100-WORK-0002",
  name: "特种作业备案",
  department: CONSUMER,
  requires: [
    { type: BUSINESS_LICENCE.code, fields: ["name"] },
    { type: OPERATOR_CERTIFICATE.code, fields: ["operationCategory"] },
  ],
};
const OTHER_COMPANY = { name: "另一家公司", idType: "001", idNumber: "91350100M000100Y43" } as const;


describe.each(ADAPTERS)("approval matters on %s", (adapter) => {
  let w: RegistryWorld;
  let seq = 0;
  const rid = () => `matters-${adapter}-${++seq}`;
  const causeOf = (m: ApprovalMatter) => ({ matter: m.code, reason: `办理${m.name}` });

  beforeAll(async () => {
    w = await registryWorld(adapter);
    await w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  describe("the catalogue of matters", () => {
    it("an admin adds matters; every department lists and shows them", async () => {
      expect(await w.admin.addMatter(FOOD)).toEqual(FOOD);
      await w.admin.addMatter(BOTH);
      expect((await w.consumer.listMatters()).map((m) => m.code)).toEqual([FOOD.code, BOTH.code]);
      expect(await w.issuer.getMatter(FOOD.code)).toEqual(FOOD);
      expect(await code(w.consumer.getMatter("330100-NONE-9999"))).toBe("ERR_NOT_FOUND");
    });

    it("only admins add; a repeated code conflicts; a refused request writes nothing", async () => {
      const before = await w.registry.database.get<{ n: number }>("SELECT COUNT(*) AS n FROM log_entries");
      expect(await code(w.consumer.addMatter({ ...FOOD, code: "330100-X-1" }))).toBe("ERR_FORBIDDEN");
      expect(await code(w.issuer.addMatter({ ...FOOD, code: "330100-X-2" }))).toBe("ERR_FORBIDDEN");
      expect(await code(w.admin.addMatter(FOOD))).toBe("ERR_CONFLICT");
      const after = await w.registry.database.get<{ n: number }>("SELECT COUNT(*) AS n FROM log_entries");
      expect(Number(after!.n)).toBe(Number(before!.n));
    });

    it("refuses a matter that is not valid, with every problem and its path", async () => {
      const err = (await w.admin
        .addMatter({ code: "bad code!", name: "", department: "91330100MA2B3C4D1B", requires: [] } as unknown as ApprovalMatter)
        .catch((e: unknown) => e)) as LicenceError;
      expect(err.code).toBe("ERR_VALIDATION");
      expect(err.issues.map((i) => i.path.join(".")).sort()).toEqual(["code", "department", "name", "requires"]);
      const cases: [ApprovalMatter, string][] = [
        [{ ...FOOD, code: "M-1", requires: [{ type: "11330100MB0000019K999", fields: [] }] }, "requires.0.type"],
        [{ ...FOOD, code: "M-2", requires: [{ type: BUSINESS_LICENCE.code, fields: ["nope"] }] }, "requires.0.fields.0"],
        // Fields shared with no one are never materials.
        [{ ...FOOD, code: "M-3", requires: [{ type: BUSINESS_LICENCE.code, fields: ["legalRepresentativeIdNumber"] }] }, "requires.0.fields.0"],
        [{ ...FOOD, code: "M-4", requires: [{ type: BUSINESS_LICENCE.code, fields: [] }, { type: BUSINESS_LICENCE.code, fields: [] }] }, "requires.1.type"],
      ];
      for (const [matter, path] of cases) {
        const e = (await w.admin.addMatter(matter).catch((x: unknown) => x)) as LicenceError;
        expect(e.code, path).toBe("ERR_VALIDATION");
        expect(e.issues.map((i) => i.path.join("."))).toContain(path);
      }
      expect(await code(w.admin.addMatter({ ...FOOD, code: "M-5", extra: 1 } as unknown as ApprovalMatter))).toBe("ERR_VALIDATION");
    });
  });

  describe("materials by matter code", () => {
    it("per required type: the holder's licences with only the fields the matter needs, or why not", async () => {
      // Without an agreement, the conditional `address` stays withheld: the matter needs it, but
      // needing is not being entitled.
      const first = await w.consumer.matterMaterials(FOOD.code, COMPANY, causeOf(FOOD));
      expect(first.matter).toEqual(FOOD);
      expect(first.materials).toHaveLength(1);
      expect(first.materials[0]!.licences).toHaveLength(1);
      expect(first.materials[0]!.licences[0]!.withheld.slice().sort()).toEqual(["address", "legalRepresentativeIdNumber", "registeredCapital"]);
      await w.admin.createAgreement({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["address", "registeredCapital"], expiresAt: "2099-01-01T00:00:00Z" });
      const { materials } = await w.consumer.matterMaterials(FOOD.code, COMPANY, causeOf(FOOD));
      const [business] = materials;
      expect(business!.fields).toEqual(["name", "address"]);
      // Entitled to address and registeredCapital; the matter needs only address.
      expect(business!.licences[0]!.withheld.slice().sort()).toEqual(["legalRepresentativeIdNumber", "registeredCapital"]);
      expect(business!.unavailable).toBeUndefined();
      const disclosed = business!.licences[0]!.licence
        .split("~")
        .slice(1, -1)
        .map((d) => (JSON.parse(Buffer.from(d, "base64url").toString("utf8")) as [string, string, unknown])[1]);
      expect(disclosed).toEqual(["address"]);
      const both = await w.consumer.matterMaterials(BOTH.code, COMPANY, causeOf(BOTH));
      expect(both.materials.map((m) => [m.type, m.licences.length, m.unavailable])).toEqual([
        [BUSINESS_LICENCE.code, 1, undefined],
        [OPERATOR_CERTIFICATE.code, 0, "none-found"],
      ]);
    });

    it("a holder whose only licence ended gets not-current", async () => {
      const record = await w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: OTHER_COMPANY, fields: { ...BUSINESS_FIELDS, name: OTHER_COMPANY.name } });
      await w.issuer.revoke(record.id, { reason: "吊销" });
      const { materials } = await w.consumer.matterMaterials(FOOD.code, OTHER_COMPANY, causeOf(FOOD));
      expect(materials[0]!.unavailable).toBe("not-current");
    });

    it("every read is logged with the matter as its cause, and the check itself once", async () => {
      const before = Number((await w.registry.database.get<{ n: number }>("SELECT value AS n FROM counters WHERE name = 'log.size'"))!.n);
      await w.consumer.matterMaterials(FOOD.code, COMPANY, causeOf(FOOD));
      await w.registry.readLog.idle();
      const rows = await w.registry.database.all<{ kind: string; entry: string }>("SELECT kind, entry FROM log_entries WHERE idx >= ? ORDER BY idx", [before]);
      const entries = rows.map((r) => JSON.parse(r.entry) as Record<string, unknown>);
      const read = entries.find((e) => e.kind === "read")!;
      expect(read).toMatchObject({ department: CONSUMER, matter: FOOD.code, reason: reasonHash(causeOf(FOOD).reason) });
      expect(read.disclosed).toEqual(expect.arrayContaining(["name", "address"]));
      expect(read.disclosed).not.toContain("registeredCapital");
      const check = entries.find((e) => e.kind === "materials")!;
      expect(check).toMatchObject({ department: CONSUMER, matter: FOOD.code, complete: true, types: [BUSINESS_LICENCE.code] });
      expect(JSON.stringify(entries)).not.toContain(COMPANY.idNumber);
    });

    it("the cause must be the matter; unknown matters and bad holders are refused, logging nothing", async () => {
      const before = Number((await w.registry.database.get<{ n: number }>("SELECT value AS n FROM counters WHERE name = 'log.size'"))!.n);
      expect(await code(w.consumer.matterMaterials(FOOD.code, COMPANY, { matter: BOTH.code, reason: "x" }))).toBe("ERR_VALIDATION");
      expect(await code(w.consumer.matterMaterials(FOOD.code, COMPANY, undefined as never))).toBe("ERR_CAUSE_REQUIRED");
      expect(await code(w.consumer.matterMaterials("330100-NONE-9999", COMPANY, { matter: "330100-NONE-9999", reason: "x" }))).toBe("ERR_NOT_FOUND");
      expect(await code(w.consumer.matterMaterials(FOOD.code, { idType: "001", idNumber: "91330100MA2B3C4D1B" }, causeOf(FOOD)))).toBe("ERR_IDENTIFIER_INVALID");
      await w.registry.readLog.idle();
      const after = Number((await w.registry.database.get<{ n: number }>("SELECT value AS n FROM counters WHERE name = 'log.size'"))!.n);
      expect(after).toBe(before);
    });
  });

  describe("stats per matter", () => {
    it("the no-longer-needs-the-original rate per matter, over the last 30 days by default", async () => {
      const stats = await w.auditor.stats();
      expect(Date.parse(stats.to) - Date.parse(stats.from)).toBe(30 * 24 * 3600 * 1000);
      expect(Math.abs(Date.parse(stats.to) - Date.now())).toBeLessThan(60_000);
      const food = stats.matters!.find((m) => m.matter === FOOD.code)!;
      const both = stats.matters!.find((m) => m.matter === BOTH.code)!;
      // FOOD: 2 complete checks of COMPANY + 1 of the revoked holder + 1 in the log test.
      expect(food).toEqual({ matter: FOOD.code, department: CONSUMER, checks: 4, servedElectronically: 3, noOriginalRate: 0.75 });
      expect(both).toMatchObject({ checks: 1, servedElectronically: 0, noOriginalRate: 0 });
      const past = await w.auditor.stats({ from: "2020-01-01T00:00:00Z", to: "2020-02-01T00:00:00Z" });
      expect(past.matters!.find((m) => m.matter === FOOD.code)).toMatchObject({ checks: 0, noOriginalRate: 0 });
      expect(await code(w.auditor.stats({ from: "2020-02-01T00:00:00Z" }))).toBe("accepted");
      expect(await code(w.consumer.stats())).toBe("ERR_FORBIDDEN");
    });
  });
});
