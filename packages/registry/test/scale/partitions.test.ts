/**
 * Migration 19: on PostgreSQL the log's entries become a table partitioned by index range, with
 * every existing entry kept and queries unchanged; on SQLite nothing changes.
 */
import { describe, expect, it } from "vitest";
import { MIGRATIONS, openDatabase } from "@elicence/registry";
import { createTestDatabase } from "@elicence/test-support/postgres";

const BEFORE = MIGRATIONS.filter((m) => m.version < 19);
const PART = 2 ** 26;

describe("migration 19: the log partitioned by index (PostgreSQL)", () => {
  it("keeps every entry, routes new ones by index and leaves the queries as they were", async () => {
    const test = await createTestDatabase();
    const db = await openDatabase(test.url);
    try {
      await db.migrate(BEFORE);
      const leaf = new Uint8Array(32).fill(7);
      for (let i = 0; i < 3; i++) {
        await db.run("INSERT INTO log_entries (idx, leaf_hash, kind, entry, at, licence) VALUES (?, ?, ?, ?, ?, ?)", [i, leaf, "issue", `{"n":${i}}`, 1000 + i, `L${i}`]);
      }
      await db.migrate(MIGRATIONS);
      const kind = await db.get<{ kind: string }>("SELECT relkind::text AS kind FROM pg_class WHERE relname = 'log_entries' AND relnamespace = current_schema()::regnamespace");
      expect(kind?.kind).toBe("p");
      const parts = await db.all<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'log_entries' ORDER BY c.relname");
      expect(parts).toHaveLength(17);
      // The old entries, unchanged, in the first range.
      const rows = await db.all<{ idx: number; entry: string; licence: string }>("SELECT idx, entry, licence FROM log_entries ORDER BY idx");
      expect(rows).toEqual([0, 1, 2].map((i) => ({ idx: i, entry: `{"n":${i}}`, licence: `L${i}` })));
      const where = async (idx: number) =>
        (await db.get<{ part: string }>("SELECT tableoid::regclass::text AS part FROM log_entries WHERE idx = ?", [idx]))?.part;
      expect(await where(1)).toMatch(/log_entries_p0$/);
      // New entries go to the range of their index; past the ranges, to the default partition.
      await db.run("INSERT INTO log_entries (idx, leaf_hash, kind, entry, at, licence) VALUES (?, ?, ?, ?, ?, ?)", [PART, leaf, "read", "{}", 5, null]);
      await db.run("INSERT INTO log_entries (idx, leaf_hash, kind, entry, at, licence) VALUES (?, ?, ?, ?, ?, ?)", [16 * PART + 1, leaf, "read", "{}", 6, null]);
      expect(await where(PART)).toMatch(/log_entries_p1$/);
      expect(await where(16 * PART + 1)).toMatch(/log_entries_beyond$/);
      // The primary key still holds across partitions.
      await expect(db.run("INSERT INTO log_entries (idx, leaf_hash, kind, entry, at) VALUES (?, ?, ?, ?, ?)", [PART, leaf, "read", "{}", 7])).rejects.toMatchObject({ code: "ERR_CONFLICT" });
      // Migrating again changes nothing.
      await db.migrate(MIGRATIONS);
      expect(await db.get<{ n: number }>("SELECT count(*) AS n FROM log_entries")).toEqual({ n: 5 });
    } finally {
      await db.close();
      await test.drop();
    }
  });

  it("leaves the SQLite schema as it was", async () => {
    const db = await openDatabase("sqlite::memory:");
    try {
      await db.migrate(MIGRATIONS);
      const before = await openDatabase("sqlite::memory:");
      await before.migrate(BEFORE);
      const schema = (d: typeof db) => d.all<{ sql: string }>("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name");
      expect(await schema(db)).toEqual(await schema(before));
      await before.close();
    } finally {
      await db.close();
    }
  });
});
