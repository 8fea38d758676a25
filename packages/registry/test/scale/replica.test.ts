/**
 * Replica reads: a real PostgreSQL primary and a hot standby made from it with `pg_basebackup -R`,
 * both on loopback. Holder lookups are served by the standby while it is provably fresh within the
 * bound (see replica.ts), their log records are written on the primary (a standby refuses writes),
 * a revocation is seen by replica-served lookups within the bound, a standby that stops replaying
 * takes no lookup beyond the bound, and a standby that is down leaves lookups to the primary.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { computeUsccCheck, type RegistryApi, type SharedLicence } from "@elicence/core";
import { initWorkspace, openDatabase, parseLsn, Registry, ReplicaReads } from "@elicence/registry";
import { BUSINESS_LICENCE, SAMPLE_DEPARTMENT, SAMPLE_OPERATOR } from "@elicence/registry/samples";
import { BUSINESS_FIELDS, CAUSE, CONSUMER, PASSPHRASE } from "@elicence/test-support/registry-world";
import { code as errorCode } from "@elicence/test-support/error-code";
import { pgCtl, startPostgres, startStandby, stopPostgres, type PostgresTestState } from "../../../../scripts/postgres-test.mjs";

const BOUND_MS = 1000;
/** Scheduling slack on a shared 2-core machine: the timer, one lookup and one poll. */
const SLACK_MS = 400;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("replica reads on a PostgreSQL hot standby", () => {
  let primary: PostgresTestState;
  let standby: PostgresTestState;
  let registry: Registry;
  let issuer: RegistryApi;
  let consumer: RegistryApi;
  let holderSerial = 0;

  /** A licence for a holder of its own (so each test's lookups see only its licence). */
  async function issueForNewHolder(): Promise<{ id: string; holder: { name: string; idType: "001"; idNumber: string } }> {
    const body = `91330100MA2B3C${String(++holderSerial).padStart(3, "0")}`;
    const idNumber = body + computeUsccCheck(body);
    const holder = { name: "示例科技有限公司", idType: "001" as const, idNumber };
    const record = await issuer.issue({ requestId: crypto.randomUUID(), type: BUSINESS_LICENCE.code, holder, fields: BUSINESS_FIELDS });
    return { id: record.id, holder };
  }

  async function lookup(holder: { name: string; idType: "001"; idNumber: string }, id: string): Promise<SharedLicence | undefined> {
    return (await consumer.findByHolder(holder, CAUSE)).find((l) => l.id === id);
  }

  beforeAll(async () => {
    primary = await startPostgres();
    standby = await startStandby(primary);
    const home = mkdtempSync(join(tmpdir(), "elicence-replica-"));
    await initWorkspace(home, {
      passphrase: PASSPHRASE,
      now: new Date(),
      operator: SAMPLE_OPERATOR,
      departments: [SAMPLE_DEPARTMENT],
      licenceTypes: [BUSINESS_LICENCE],
      iterations: 1000,
    });
    registry = await Registry.open({ home, db: primary.url, passphrase: PASSPHRASE, replica: { url: standby.url, maxStalenessMs: BOUND_MS, pollMs: 50 } });
    issuer = await registry.session((await registry.createApiKey({ department: SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: [BUSINESS_LICENCE.code] })).key);
    consumer = await registry.session((await registry.createApiKey({ department: CONSUMER, roles: ["consumer"] })).key);
  });

  afterAll(async () => {
    await registry?.close();
    if (standby) stopPostgres(standby);
    if (primary) stopPostgres(primary);
  });

  it("the standby is a streaming replica of the primary", async () => {
    const [s] = await query<{ standby: boolean }>(standby.url, "SELECT pg_is_in_recovery() AS standby");
    expect(s!.standby).toBe(true);
    const senders = await query<{ state: string }>(primary.url, "SELECT state FROM pg_stat_replication");
    expect(senders.map((r) => r.state)).toContain("streaming");
  });

  it("serves holder lookups from the replica and writes their log records on the primary", async () => {
    const { id, holder } = await issueForNewHolder();
    await sleep(BOUND_MS); // the issue is replayed, and a poll has proved it
    const reads = registry.replicaReads!;
    expect(reads.fresh()).toBe(true);
    const before = { ...reads.stats };
    const [{ n: logBefore }] = (await query<{ n: string }>(primary.url, "SELECT count(*) AS n FROM log_entries")) as [{ n: string }];
    for (let i = 0; i < 5; i++) expect((await lookup(holder, id))?.status).toBe("active");
    expect(reads.stats.replica - before.replica).toBe(5);
    expect(reads.stats.primary - before.primary).toBe(0);
    // Five read records, on the primary (a hot standby refuses every write).
    const [{ n: logAfter }] = (await query<{ n: string }>(primary.url, "SELECT count(*) AS n FROM log_entries")) as [{ n: string }];
    expect(Number(logAfter) - Number(logBefore)).toBe(5);
    const refused = await query(standby.url, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'x', 'x')").catch((e: unknown) => e as Error);
    expect(String(refused)).toMatch(/read-only transaction/);
  });

  it("a revocation is seen by replica-served lookups within the bound", async () => {
    const { id, holder } = await issueForNewHolder();
    await sleep(BOUND_MS);
    await issuer.revoke(id, { reason: "吊销：虚假材料" });
    const revokedAt = Date.now();
    const reads = registry.replicaReads!;
    const before = { ...reads.stats };
    let seenAfter = -1;
    while (Date.now() - revokedAt < BOUND_MS + SLACK_MS) {
      if ((await lookup(holder, id))?.status === "revoked") {
        seenAfter = Date.now() - revokedAt;
        break;
      }
      await sleep(10);
    }
    expect(seenAfter).toBeGreaterThanOrEqual(0);
    expect(seenAfter).toBeLessThanOrEqual(BOUND_MS + SLACK_MS);
    // Loopback replication is fast: the replica itself showed the revocation.
    expect(reads.stats.replica).toBeGreaterThan(before.replica);
    expect(reads.stats.primary).toBe(before.primary);
  });

  it("a standby that stops replaying takes no lookup beyond the bound, and takes lookups again once caught up", async () => {
    const { id, holder } = await issueForNewHolder();
    await sleep(BOUND_MS);
    const reads = registry.replicaReads!;
    await query(standby.url, "SELECT pg_wal_replay_pause()");
    try {
      await issuer.revoke(id, { reason: "吊销" });
      const revokedAt = Date.now();
      // Within the bound the paused replica may still answer, with the licence active (stale, allowed).
      const early = await lookup(holder, id);
      const earlyServed = { ...reads.stats };
      expect(["active", "revoked"]).toContain(early?.status);
      await sleep(Math.max(0, revokedAt + BOUND_MS + 1 - Date.now()));
      // Past the bound: no lookup sees the licence active; the primary answers.
      const late = await lookup(holder, id);
      expect(late?.status).toBe("revoked");
      expect(reads.fresh()).toBe(false);
      expect(reads.stats.primary).toBe(earlyServed.primary + 1);
      // The replica really holds the stale row: proof the early answer could come from it.
      const onStandby = await query<{ status: string }>(standby.url, `SELECT status FROM licences WHERE id = '${id}'`);
      expect(onStandby[0]?.status).toBe("active");
    } finally {
      await query(standby.url, "SELECT pg_wal_replay_resume()");
    }
    const resumed = Date.now();
    while (!reads.fresh() && Date.now() - resumed < 10_000) await sleep(20);
    expect(reads.fresh()).toBe(true);
    const before = reads.stats.replica;
    expect((await lookup(holder, id))?.status).toBe("revoked");
    expect(reads.stats.replica).toBe(before + 1);
  });

  it("falls back to the primary when the replica is down", async () => {
    const { id, holder } = await issueForNewHolder();
    await sleep(BOUND_MS);
    const reads = registry.replicaReads!;
    expect(reads.fresh()).toBe(true);
    pgCtl(standby, ["-m", "immediate", "-w", "stop"]);
    const before = { ...reads.stats };
    for (let i = 0; i < 3; i++) expect((await lookup(holder, id))?.status).toBe("active");
    // The first lookup found the replica gone and was answered by the primary; so were the next.
    expect(reads.stats.fallbacks).toBeGreaterThanOrEqual(before.fallbacks + 1);
    expect(reads.stats.primary).toBe(before.primary + 3);
    expect(reads.stats.replica).toBe(before.replica);
    await sleep(200);
    expect(reads.fresh()).toBe(false);
  });
});

describe("replica routing refuses what it cannot bound", () => {
  it("needs a PostgreSQL primary and a postgres:// replica", async () => {
    const db = await openDatabase("sqlite::memory:");
    try {
      expect(await errorCode(ReplicaReads.open(db, { url: "postgres://127.0.0.1:1/x" }))).toBe("ERR_INPUT_MALFORMED");
    } finally {
      await db.close();
    }
  });

  it("reads WAL positions exactly and refuses malformed ones", () => {
    expect(parseLsn("16/B374D848")).toBe((0x16n << 32n) | 0xb374d848n);
    expect(parseLsn("0/0")).toBe(0n);
    for (const bad of ["", "16", "16/", "/1", "G/1", "123456789/0", "1/2/3", "1/2 "]) {
      expect(() => parseLsn(bad)).toThrow(expect.objectContaining({ code: "ERR_UNAVAILABLE" }));
    }
  });
});
