/**
 * Two registries on one PostgreSQL database (two processes behind a load balancer, here two
 * `Registry` instances in one process, each with its own pool), sent the same request ids at the
 * same moment — issues, batches, amendments and renewals. The second of each pair waits for the
 * first's answer instead of doing the work again: every licence is signed and time-stamped once
 * (the TSA is asked once per licence), there is one request row per id, and both answer the same.
 * And writers that take the same rows take them in one order, so they never deadlock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IssuedRecord, RegistryApi } from "@elicence/core";
import type { TimestampHash } from "@elicence/core/timestamp";
import { Registry, type Timestamper } from "../../src/index.js";
import { STATUS_LIST_SIZE } from "../../src/registry/status-lists.js";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY, PASSPHRASE, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

/** The world's built-in TSA behind a round trip of `delayMs` (as a remote TSA), counting what it stamps. */
function countingTsa(inner: Timestamper, delayMs: number): Timestamper & { stamped: number } {
  const tsa = {
    stamped: 0,
    async stamp(data: readonly Uint8Array[], hashes?: readonly TimestampHash[]): Promise<Uint8Array[]> {
      tsa.stamped += data.length;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return inner.stamp(data, hashes);
    },
    // The world's registry owns the TSA and closes it.
    close: async () => {},
  };
  return tsa;
}

describe("two registries on one PostgreSQL database", () => {
  let w: RegistryWorld;
  let tsa: ReturnType<typeof countingTsa>;
  const registries: Registry[] = [];
  let twins: RegistryApi[];

  beforeAll(async () => {
    w = await registryWorld("postgres");
    tsa = countingTsa(w.registry.timestamper!, 25);
    for (let i = 0; i < 2; i++) registries.push(await Registry.open({ home: w.home, db: w.dbUrl, passphrase: PASSPHRASE, timestamper: tsa }));
    twins = await Promise.all(registries.map((r) => r.session(w.keys.issuer)));
  });
  afterAll(async () => {
    for (const r of registries) await r.close();
    await w?.registry.close();
  });

  /** Sends `call` to both registries at once; both must answer the same records. */
  async function both<T extends IssuedRecord | readonly IssuedRecord[]>(call: (api: RegistryApi) => Promise<T>): Promise<T> {
    const [a, b] = await Promise.all(twins.map(call));
    const ids = (r: T) => ((Array.isArray(r) ? r : [r]) as readonly IssuedRecord[]).map((x) => [x.id, x.licence, x.signatureTimestamp]);
    expect(ids(b!)).toEqual(ids(a!));
    return a!;
  }

  const item = (name: string) => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name } });

  it("issues, batches, amends and renews each request id once, signing and time-stamping each licence once", async () => {
    const ISSUES = 24;
    const BATCHES = 6;
    const BATCH = 4;
    const [issued, batches] = await Promise.all([
      Promise.all(Array.from({ length: ISSUES }, (_, i) => both((api) => api.issue({ requestId: `twin-issue-${i}`, ...item(`单个 ${i}`) })))),
      Promise.all(
        Array.from({ length: BATCHES }, (_, i) =>
          both(async (api) => {
            const result = await api.issueBatch({ requestId: `twin-batch-${i}`, items: Array.from({ length: BATCH }, (_, k) => item(`批量 ${i}-${k}`)) });
            expect(result.errors).toEqual([]);
            return result.issued;
          }),
        ),
      ),
    ]);
    const versions = await Promise.all(
      issued.slice(0, 12).map((old, i) =>
        both((api) =>
          i % 2 === 0
            ? api.amend(old.id, { requestId: `twin-amend-${i}`, fields: { address: `新路${i}号` }, reason: "住所变更" })
            : api.renew(old.id, { requestId: `twin-renew-${i}`, validUntil: "2040-01-01T00:00:00Z", reason: "换证" }),
        ),
      ),
    );
    const licences = ISSUES + BATCHES * BATCH + versions.length;
    expect(new Set([...issued, ...batches.flat(), ...versions].map((r) => r.id)).size).toBe(licences);
    for (const r of [...issued, ...batches.flat(), ...versions]) expect(r.signatureTimestamp).toMatch(/^MI/);

    // Each licence was time-stamped once: no twin redid the work behind the first.
    expect(tsa.stamped).toBe(licences);
    const db = w.registry.database;
    expect(await db.get("SELECT count(*) AS n FROM licences")).toEqual({ n: licences });
    expect(await db.get("SELECT count(*) AS n FROM requests")).toEqual({ n: ISSUES + BATCHES + versions.length });
    expect(await db.get("SELECT count(*) AS n FROM requests WHERE result = 'null'")).toEqual({ n: 0 });
    expect(await db.get("SELECT count(*) AS n FROM licences WHERE status = 'superseded'")).toEqual({ n: versions.length });
    expect((await w.registry.audit()).problems).toEqual([]);
  });

  it("keeps a twin's refusals: another kind or another body under a used id", async () => {
    const first = await twins[0]!.issue({ requestId: "twin-used", ...item("已用") });
    const [kind, body] = await Promise.all([
      twins[1]!.issueBatch({ requestId: "twin-used", items: [item("已用")] }).catch((e: { code?: string }) => e.code),
      twins[1]!.issue({ requestId: "twin-used", ...item("另一个") }).catch((e: { code?: string }) => e.code),
    ]);
    expect({ kind, body }).toEqual({ kind: "ERR_CONFLICT", body: "ERR_IDEMPOTENCY_MISMATCH" });
    expect((await twins[1]!.issue({ requestId: "twin-used", ...item("已用") })).id).toBe(first.id);
  });

  it("takes the status list rows and the log counter in one order: amendments and status changes across two lists never deadlock", async () => {
    const PAIRS = 30;
    // One attempt per transaction: a deadlock PostgreSQL breaks (40P01) reaches the caller instead of being retried.
    const registry = await Registry.open({ home: w.home, db: w.dbUrl, passphrase: PASSPHRASE, timestamper: null, database: { maxAttempts: 1 } });
    try {
      const api = await registry.session(w.keys.issuer);
      const old = await api.issueBatch({ requestId: "lists-old", items: Array.from({ length: 2 * PAIRS }, (_, i) => item(`旧 ${i}`)) });
      const [{ list }] = await w.registry.database.all<{ list: number }>("SELECT MAX(status_list) AS list FROM licences");
      // New versions take their slots from the next list; the old licences stay in this one.
      await w.registry.database.run("UPDATE counters SET value = ? WHERE name = 'status.next'", [(list + 1) * STATUS_LIST_SIZE]);
      const failed: string[] = [];
      await Promise.all(
        Array.from({ length: PAIRS }, async (_, i) => {
          const [amended] = await Promise.all([
            api.amend(old.issued[2 * i]!.id, { requestId: `lists-amend-${i}`, fields: { address: `新路${i}号` }, reason: "住所变更" }).catch((e: { code?: string }) => void failed.push(`amend ${e.code}`)),
            api.suspend(old.issued[2 * i + 1]!.id, { reason: "暂停" }).catch((e: { code?: string }) => void failed.push(`suspend ${e.code}`)),
          ]);
          if (amended) expect(amended.statusList.uri).toMatch(new RegExp(`/${list + 1}$`));
        }),
      );
      expect(failed).toEqual([]);
      expect((await w.registry.audit()).problems).toEqual([]);
    } finally {
      await registry.close();
    }
  });
});
