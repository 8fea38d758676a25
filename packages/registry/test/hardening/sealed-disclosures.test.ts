/**
 * Hardening defect 9: the hidden (`conditional` and `none`) fields are sealed at rest. A copy of
 * the SQLite files, and every table of the PostgreSQL schema read back through SQL, hold none of
 * their values nor their disclosures; a sealed value moved onto another row, a row naming an
 * unknown key and another workspace's key all fail with typed errors instead of serving anything;
 * a rotation re-seals every row (old keys stay readable meanwhile) and seals rows left in clear by
 * a database from before migration 17, which the registry refuses to open until then.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { initWorkspace, Registry, rotateDataKey } from "@elicence/registry";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_DEPARTMENT, SAMPLE_OPERATOR } from "../../src/workspace/samples.js";
import { ADAPTERS, BUSINESS_FIELDS, CAUSE, COMPANY, PASSPHRASE, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { code } from "@elicence/test-support/error-code";

/** Distinct hidden values (nothing else in the database could contain them by chance). */
function hiddenFields(): { capital: string; address: string; idNumber: string } {
  const n = randomBytes(6).readUIntBE(0, 6);
  return { capital: `${n % 1_000_000_000}.${String(n % 97).padStart(2, "0")}`, address: `秘密住所-${randomBytes(8).toString("hex")}`, idNumber: `HID${randomBytes(9).toString("hex")}` };
}

/** The disclosures (base64url segments) of a compact SD-JWT: what the column held in clear before. */
function disclosuresOf(compact: string): string[] {
  return compact.split("~").slice(1).filter((d) => d.length > 0);
}

/** Every needle that must not be found: each value (UTF-8 and hex) and each whole disclosure. */
function needlesOf(values: readonly string[], disclosures: readonly string[]): string[] {
  return [...values, ...values.map((v) => Buffer.from(v, "utf8").toString("hex")), ...disclosures];
}

describe.each(ADAPTERS)("sealed disclosures (%s)", (adapter) => {
  let w: RegistryWorld;
  const issued: { id: string; values: string[]; disclosures: string[] }[] = [];

  beforeAll(async () => {
    w = await registryWorld(adapter);
    for (let i = 0; i < 5; i++) {
      const h = hiddenFields();
      const record = await w.issuer.issue({
        requestId: `seal-${i}`,
        type: BUSINESS_LICENCE.code,
        holder: COMPANY,
        fields: { ...BUSINESS_FIELDS, registeredCapital: h.capital, address: h.address, legalRepresentativeIdNumber: h.idNumber },
      });
      issued.push({ id: record.id, values: [h.capital, h.address, h.idNumber], disclosures: disclosuresOf(record.licence) });
    }
  }, 60_000);
  afterAll(async () => {
    await w?.registry.close();
  });

  /** Every needle found anywhere in the stored database (empty: nothing leaks). */
  async function leaks(needles: readonly string[]): Promise<string[]> {
    if (adapter === "sqlite") {
      // The database file and its WAL, as a copy of them would hold them.
      const files = readdirSync(w.home).filter((f) => f.startsWith("registry.db"));
      expect(files).toContain("registry.db");
      const bytes = Buffer.concat(files.map((f) => readFileSync(join(w.home, f))));
      return needles.filter((n) => bytes.includes(Buffer.from(n, "utf8")));
    }
    const client = new pg.Client({ connectionString: w.dbUrl });
    await client.connect();
    try {
      const tables = (await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).rows;
      expect(tables.map((t) => t.table_name)).toContain("licences");
      let text = "";
      for (const { table_name } of tables) text += (await client.query<{ t: string }>(`SELECT t::text AS t FROM "${table_name}" t`)).rows.map((r) => r.t).join("\n");
      return needles.filter((n) => text.includes(n));
    } finally {
      await client.end();
    }
  }

  it("stores no hidden value and no disclosure in clear, and still serves them to whom may see them", async () => {
    const needles = needlesOf(issued.flatMap((i) => i.values), issued.flatMap((i) => i.disclosures));
    expect(needles.length).toBe(5 * (3 + 3 + 3));
    expect(await leaks(needles)).toEqual([]);
    // The issuing department sees its own conditional fields again, opened from the seal.
    const own = await w.issuer.get(issued[0]!.id, CAUSE);
    expect(disclosuresOf(own.licence).sort()).toEqual(issued[0]!.disclosures.filter((d) => !Buffer.from(d, "base64url").toString("utf8").includes("legalRepresentativeIdNumber")).sort());
    // A consumer with no agreement gets none of them.
    expect([...(await w.consumer.get(issued[0]!.id, CAUSE)).withheld].sort()).toEqual(["address", "legalRepresentativeIdNumber", "registeredCapital"]);
  });

  it("refuses a sealed value moved onto another row, and a row naming an unknown key, with typed errors", async () => {
    const [a, b] = issued;
    const db = w.registry.database;
    const rowA = (await db.get<{ disclosures: string; disclosures_key: string }>("SELECT disclosures, disclosures_key FROM licences WHERE id = ?", [a!.id]))!;
    const rowB = (await db.get<{ disclosures: string; disclosures_key: string }>("SELECT disclosures, disclosures_key FROM licences WHERE id = ?", [b!.id]))!;
    await db.run("UPDATE licences SET disclosures = ? WHERE id = ?", [rowA.disclosures, b!.id]);
    expect(await code(w.issuer.get(b!.id, CAUSE))).toBe("ERR_SEALED_DATA_INVALID");
    expect(await code(w.consumer.get(b!.id, CAUSE))).toBe("ERR_SEALED_DATA_INVALID");
    await db.run("UPDATE licences SET disclosures = ?, disclosures_key = ? WHERE id = ?", [rowB.disclosures, "dk-00000000-000000000000", b!.id]);
    expect(await code(w.issuer.get(b!.id, CAUSE))).toBe("ERR_DATA_KEY_INVALID");
    await db.run("UPDATE licences SET disclosures = ?, disclosures_key = ? WHERE id = ?", [rowB.disclosures, rowB.disclosures_key, b!.id]);
    expect((await w.issuer.get(b!.id, CAUSE)).id).toBe(b!.id);
  });

  it("refuses to open with another workspace's key", async () => {
    const other = mkdtempSync(join(tmpdir(), "elicence-otherws-"));
    await initWorkspace(other, { passphrase: PASSPHRASE, now: new Date(), operator: SAMPLE_OPERATOR, departments: [SAMPLE_DEPARTMENT], licenceTypes: [BUSINESS_LICENCE, OPERATOR_CERTIFICATE], iterations: 1000 });
    expect(await code(Registry.open({ home: other, db: w.dbUrl, passphrase: PASSPHRASE }))).toBe("ERR_DATA_KEY_INVALID");
    expect(await code(rotateDataKey({ home: other, db: w.dbUrl, passphrase: PASSPHRASE }))).toBe("ERR_DATA_KEY_INVALID");
  }, 60_000);

  it("rotates: every row re-sealed under a new key, readable throughout, a clear row refused until sealed", async () => {
    const db = w.registry.database;
    const before = (await db.get<{ k: string }>("SELECT disclosures_key AS k FROM licences WHERE id = ?", [issued[0]!.id]))!.k;
    const rotated = await rotateDataKey({ home: w.home, db: w.dbUrl, passphrase: PASSPHRASE, batch: 2 });
    expect(rotated.keyId).not.toBe(before);
    expect(rotated.resealed).toBe(issued.length);
    const keys = await db.all<{ k: string }>("SELECT DISTINCT disclosures_key AS k FROM licences");
    expect(keys.map((k) => k.k)).toEqual([rotated.keyId]);
    // This process still seals new rows with the key it knew, and reads rows under the new one.
    expect((await w.issuer.get(issued[1]!.id, CAUSE)).id).toBe(issued[1]!.id);
    const h = hiddenFields();
    const later = await w.issuer.issue({ requestId: "seal-after", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, registeredCapital: h.capital, address: h.address } });
    expect((await w.issuer.get(later.id, CAUSE)).licence).toBe(later.licence.split("~").filter((s) => !Buffer.from(s, "base64url").toString("utf8").includes("legalRepresentativeIdNumber")).join("~"));
    expect(await leaks(needlesOf([h.capital, h.address], disclosuresOf(later.licence)))).toEqual([]);

    // A row from before migration 17: its disclosures in clear, no key.
    const target = issued[2]!;
    const clear = JSON.stringify(Object.fromEntries(target.disclosures.map((d) => [JSON.parse(Buffer.from(d, "base64url").toString("utf8"))[1], d])));
    await db.run("UPDATE licences SET disclosures = ?, disclosures_key = NULL WHERE id = ?", [clear, target.id]);
    expect(await code(Registry.open({ home: w.home, db: w.dbUrl, passphrase: PASSPHRASE }))).toBe("ERR_STATE_INVALID");
    const sealed = await rotateDataKey({ home: w.home, db: w.dbUrl, passphrase: PASSPHRASE });
    expect(sealed.wereClear).toBe(1);
    expect(await leaks(needlesOf(target.values, target.disclosures))).toEqual([]);
    const reopened = await Registry.open({ home: w.home, db: w.dbUrl, passphrase: PASSPHRASE });
    try {
      const got = await (await reopened.session(w.keys.issuer)).get(target.id, CAUSE);
      expect(disclosuresOf(got.licence).length).toBe(2);
    } finally {
      await reopened.close();
    }
  }, 60_000);
});
