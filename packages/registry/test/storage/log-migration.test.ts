/**
 * Migration 2 (log entries by licence) on a database that already holds log entries: the new
 * column is filled from each entry's `licence` member, on both engines.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalJson } from "@elicence/core/encoding";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/database.js";
import { MIGRATIONS } from "../../src/storage/schema.js";
import { ADAPTERS } from "@elicence/test-support/registry-world";
import { createTestDatabaseUrl } from "@elicence/test-support/postgres";

describe.each(ADAPTERS)("migration 2 on %s", (adapter) => {
  it("backfills the licence column of existing entries", async () => {
    const url = adapter === "sqlite" ? `sqlite:${join(mkdtempSync(join(tmpdir(), "elicence-mig-")), "r.db")}` : await createTestDatabaseUrl();
    const db = await openDatabase(url);
    try {
      await db.migrate(MIGRATIONS.slice(0, 1));
      const entries = [
        { kind: "issue", at: 1, department: "D", licence: "L-1" },
        { kind: "api-key", at: 2, department: "D", key: "k" },
        { kind: "read", at: 3, department: "E", licence: "L-1", matter: "M" },
      ];
      for (const [i, e] of entries.entries()) {
        await db.run("INSERT INTO log_entries (idx, leaf_hash, kind, entry, at) VALUES (?, ?, ?, ?, ?)", [i, new Uint8Array(32), e.kind, canonicalJson(e), e.at]);
      }
      await db.migrate(MIGRATIONS);
      const rows = await db.all<{ idx: number; licence: string | null }>("SELECT idx, licence FROM log_entries ORDER BY idx");
      expect(rows.map((r) => [Number(r.idx), r.licence])).toEqual([
        [0, "L-1"],
        [1, null],
        [2, "L-1"],
      ]);
    } finally {
      await db.close();
    }
  });
});
