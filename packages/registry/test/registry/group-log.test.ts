/**
 * Group commit of read events and the in-memory right edge of the log, on both adapters: every
 * concurrent read is logged before it is answered, a failing group commit answers none of its
 * reads, and the edge kept in memory always equals the stored one (also after a rollback).
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LicenceError } from "@elicence/core";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { appendLogEvents, readFrontier, logSize } from "../../src/registry/log.js";
import { GroupCommitLog, READ_LOG_COMMIT_CHANNEL, type ReadLogCommitEvent } from "../../src/registry/group-log.js";
import { ADAPTERS, BUSINESS_FIELDS, CAUSE, COMPANY, CONSUMER, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe.each(ADAPTERS)("group commit and log frontier on %s", (adapter) => {
  let w: RegistryWorld;
  let seq = 0;
  const rid = () => `group-${adapter}-${++seq}`;

  beforeAll(async () => {
    w = await registryWorld(adapter);
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  async function readEvents(): Promise<{ department: string; matter?: string; licence?: string; reason?: string }[]> {
    const rows = await w.registry.database.all<{ entry: string }>("SELECT entry FROM log_entries WHERE kind = 'read' ORDER BY idx");
    return rows.map((r) => JSON.parse(r.entry));
  }

  async function expectFrontierMatchesDatabase(): Promise<void> {
    const size = await logSize(w.registry.database);
    const stored = await readFrontier(w.registry.database, size);
    const kept = w.registry.logFrontier.committed;
    expect(kept?.size).toBe(size);
    expect(kept!.hashes.map(hex)).toEqual(stored.nodes.map((n) => hex(n.hash)));
  }

  it("concurrent reads are all logged with their cause, share commits, and each answer comes after its commit", async () => {
    const records = await Promise.all(Array.from({ length: 3 }, () => w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })));
    const before = (await readEvents()).length;
    const commitsBefore = w.registry.readLog.stats.commits;
    const oneStatementBefore = w.registry.logFrontier.oneStatementAppends;
    const sizes: number[] = [];
    const reads = Array.from({ length: 40 }, (_, i) => {
      const cause = { matter: `330100-GROUP-${i}`, reason: CAUSE.reason };
      const p = i % 2 ? w.consumer.findByHolder(COMPANY, cause) : w.consumer.get(records[i % 3]!.id, cause);
      // Once a read is answered, its event is in the committed log.
      return p.then(async (answer) => {
        const logged = await readEvents();
        sizes.push(logged.filter((e) => e.matter === cause.matter).length);
        return answer;
      });
    });
    const answers = await Promise.all(reads);
    expect(answers).toHaveLength(40);
    expect(sizes.every((n) => n >= 1)).toBe(true);
    const after = await readEvents();
    // findByHolder logs one event per licence found, get one.
    const found = (answers[1] as unknown[]).length;
    expect(after.length - before).toBe(20 * found + 20);
    for (let i = 0; i < 40; i++) expect(after.some((e) => e.matter === `330100-GROUP-${i}` && e.department === CONSUMER)).toBe(true);
    const commits = w.registry.readLog.stats.commits - commitsBefore;
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(40);
    // PostgreSQL: the group's events went in one autocommitted statement (the kept edge was current).
    if (adapter === "postgres") expect(w.registry.logFrontier.oneStatementAppends - oneStatementBefore).toBe(commits);
    else expect(w.registry.logFrontier.oneStatementAppends).toBe(0);
    expect((await w.registry.audit()).problems).toEqual([]);
    await expectFrontierMatchesDatabase();
  });

  it("a failing group commit fails every read of the group and answers none", async () => {
    const record = await w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
    const db = w.registry.database;
    const size = await logSize(db);
    if (adapter === "sqlite") {
      await db.run("CREATE TRIGGER refuse_reads BEFORE INSERT ON log_entries WHEN NEW.kind = 'read' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    } else {
      await db.run("CREATE FUNCTION refuse_reads() RETURNS trigger AS $$ BEGIN IF NEW.kind = 'read' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
      await db.run("CREATE TRIGGER refuse_reads BEFORE INSERT ON log_entries FOR EACH ROW EXECUTE FUNCTION refuse_reads()");
    }
    try {
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => (i % 2 ? w.consumer.get(record.id, CAUSE) : w.consumer.findByHolder(COMPANY, CAUSE))));
      expect(results.every((r) => r.status === "rejected")).toBe(true);
      expect(await logSize(db)).toBe(size);
    } finally {
      if (adapter === "sqlite") await db.run("DROP TRIGGER refuse_reads");
      else {
        await db.run("DROP TRIGGER refuse_reads ON log_entries");
        await db.run("DROP FUNCTION refuse_reads()");
      }
    }
    // The kept edge was not advanced by the failed commits; reads work again and the log is whole.
    await expectFrontierMatchesDatabase();
    await w.consumer.get(record.id, CAUSE);
    expect((await w.registry.audit()).problems).toEqual([]);
    await expectFrontierMatchesDatabase();
  });

  it("a rolled-back append leaves the kept edge at the committed log; the next append builds on the stored tree", async () => {
    await w.consumer.get((await w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })).id, CAUSE);
    await expectFrontierMatchesDatabase();
    const size = await logSize(w.registry.database);
    for (const n of [1, 3, 8]) {
      await expect(
        w.registry.transaction(async (tx) => {
          await appendLogEvents(tx, Array.from({ length: n }, (_, i) => ({ kind: "read" as const, at: i, department: CONSUMER, matter: "rolled-back" })), w.registry.logFrontier);
          throw new LicenceError("ERR_CONFLICT", "roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(await logSize(w.registry.database)).toBe(size);
      await expectFrontierMatchesDatabase();
    }
    // Another writer (another process, here the database directly) appends: the kept edge is
    // then for an older size and the next append rebuilds it from the stored hashes.
    await w.registry.database.transaction((tx) => appendLogEvents(tx, [{ kind: "read", at: 1, department: CONSUMER, matter: "elsewhere" }]));
    const rebuilds = w.registry.logFrontier.rebuilds;
    await w.consumer.findByHolder(COMPANY, CAUSE);
    expect(w.registry.logFrontier.rebuilds).toBe(rebuilds + 1);
    await expectFrontierMatchesDatabase();
    expect((await w.registry.audit()).problems).toEqual([]);
    expect((await readEvents()).some((e) => e.matter === "rolled-back")).toBe(false);
  });

  it("batches of many sizes keep the stored subtree hashes right", async () => {
    for (const n of [1, 2, 5, 17, 64, 3]) {
      const items = Array.from({ length: n }, () => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS }));
      const result = await w.issuer.issueBatch({ requestId: rid(), items });
      expect(result.issued).toHaveLength(n);
    }
    expect((await w.registry.audit()).problems).toEqual([]);
    await expectFrontierMatchesDatabase();
  });
});

describe("GroupCommitLog", () => {
  it("commits whoever is queued when the previous commit ends, and rejects a whole group on failure", async () => {
    const groups: number[] = [];
    let fail = false;
    let release: (() => void) | undefined;
    const log = new GroupCommitLog(async (events) => {
      groups.push(events.length);
      await new Promise<void>((r) => (release = r));
      if (fail) throw new Error("disk full");
    });
    const event = { kind: "read" as const, at: 0, department: CONSUMER };
    const first = log.append([event]);
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 5 }, () => log.append([event, event]));
    let settled = false;
    void Promise.all(rest).then(
      () => (settled = true),
      () => (settled = true),
    );
    release!();
    await first;
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    fail = true;
    release!();
    const results = await Promise.allSettled(rest);
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(groups).toEqual([1, 10]);
    await log.idle();
  });

  it("publishes each group's commit time, reads, events and outcome on READ_LOG_COMMIT_CHANNEL while subscribed", async () => {
    const seen: ReadLogCommitEvent[] = [];
    const onCommit = (e: unknown) => seen.push(e as ReadLogCommitEvent);
    let fail = false;
    const log = new GroupCommitLog(async () => {
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error("disk full");
    });
    const event = { kind: "read" as const, at: 0, department: CONSUMER };
    await log.append([event]);
    expect(seen).toEqual([]);
    subscribe(READ_LOG_COMMIT_CHANNEL, onCommit);
    try {
      await Promise.all([log.append([event]), log.append([event, event])]);
      fail = true;
      await expect(log.append([event])).rejects.toThrow("disk full");
    } finally {
      unsubscribe(READ_LOG_COMMIT_CHANNEL, onCommit);
    }
    expect(seen.map((e) => [e.reads, e.events, e.ok])).toEqual([
      [2, 3, true],
      [1, 1, false],
    ]);
    for (const e of seen) expect(e.ms).toBeGreaterThanOrEqual(4);
  });
});
