/**
 * The SQLite writer thread's job timings on `node:diagnostics_channel`: one event per job with its
 * time and outcome (committed, moved, failed) while someone subscribes, none after.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WRITER_JOB_CHANNEL, type WriterJobEvent } from "../../src/index.js";
import { SqliteWriter } from "../../src/storage/sqlite-writer.js";

let dir: string;
let writer: SqliteWriter;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "elicence-writer-"));
  const file = join(dir, "w.db");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  db.close();
  writer = new SqliteWriter(file);
});
afterAll(async () => {
  await writer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("WRITER_JOB_CHANNEL", () => {
  it("publishes each job's time, statement count and outcome while subscribed, and nothing after", async () => {
    const events: WriterJobEvent[] = [];
    const onJob = (e: unknown) => events.push(e as WriterJobEvent);
    subscribe(WRITER_JOB_CHANNEL, onJob);
    try {
      expect(await writer.run([{ sql: "INSERT INTO t (k, v) VALUES (?, ?)", params: [1, "a"] }, { sql: "INSERT INTO t (k, v) VALUES (?, ?)", params: [2, "b"] }])).toBe("committed");
      expect(await writer.run([{ sql: "INSERT INTO t (k, v) VALUES (?, ?)", params: [3, "c"] }], { sql: "SELECT 1 FROM t WHERE k = ?", params: [99] })).toBe("moved");
      await expect(writer.run([{ sql: "INSERT INTO t (k, v) VALUES (?, ?)", params: [1, "duplicate"] }])).rejects.toMatchObject({ code: "ERR_UNAVAILABLE" });
      // The channel's subscriber runs after the caller's own continuation: let it.
      await new Promise((r) => setImmediate(r));
    } finally {
      unsubscribe(WRITER_JOB_CHANNEL, onJob);
    }
    expect(events.map((e) => [e.statements, e.outcome])).toEqual([
      [2, "committed"],
      [1, "moved"],
      [1, "failed"],
    ]);
    for (const e of events) expect(e.ms).toBeGreaterThan(0);
    await writer.run([{ sql: "INSERT INTO t (k, v) VALUES (?, ?)", params: [4, "d"] }]);
    await new Promise((r) => setImmediate(r));
    expect(events).toHaveLength(3);
  });
});
