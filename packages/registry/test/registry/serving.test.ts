/**
 * The serving paths in process: SQLite's read-log commits on the writer thread (and what happens
 * when that thread dies or the log moved on), and the API key cache (hits, and a revocation
 * dropping it), on a real SQLite file and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LicenceError } from "@elicence/core";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { ADAPTERS, BUSINESS_FIELDS, CAUSE, COMPANY, CONSUMER, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

describe.each(ADAPTERS)("serving paths on %s", (adapter) => {
  let w: RegistryWorld;
  beforeAll(async () => {
    w = await registryWorld(adapter);
    await w.issuer.issue({ requestId: "serving-0001", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  const readCount = async (matter: string): Promise<number> =>
    (await w.registry.database.all<{ entry: string }>("SELECT entry FROM log_entries WHERE kind = 'read'")).filter((r) => (JSON.parse(r.entry) as { matter: string }).matter === matter).length;

  it("commits read groups on the SQLite writer thread (PostgreSQL: none), each read logged once", async () => {
    const committer = w.registry.readLogCommitter;
    expect(committer.writer !== undefined).toBe(adapter === "sqlite");
    const before = { ...committer.stats };
    const cause = { ...CAUSE, matter: "SERVE-THREAD" };
    await Promise.all(Array.from({ length: 24 }, () => w.consumer.findByHolder(COMPANY, cause)));
    expect(await readCount("SERVE-THREAD")).toBe(24);
    if (adapter === "sqlite") expect(committer.stats.offThread).toBeGreaterThan(before.offThread);
    expect((await w.registry.audit()).problems).toEqual([]);
  });

  it("a log moved on by a write transaction sends the next group to the main connection, which rebuilds the edge", async () => {
    const committer = w.registry.readLogCommitter;
    await w.consumer.findByHolder(COMPANY, { ...CAUSE, matter: "SERVE-WARM" });
    // Another process's append: the counter moves behind this process's kept edge.
    await w.registry.database.transaction(async (tx) => {
      const { appendLogEvents } = await import("../../src/registry/log.js");
      await appendLogEvents(tx, [{ kind: "read", at: Date.now(), department: CONSUMER, matter: "FOREIGN", reason: "x" }]);
    });
    const before = { ...committer.stats };
    await w.consumer.findByHolder(COMPANY, { ...CAUSE, matter: "SERVE-MOVED" });
    expect(await readCount("SERVE-MOVED")).toBe(1);
    if (adapter === "sqlite") expect(committer.stats.fallback).toBe(before.fallback + 1);
    expect((await w.registry.audit()).problems).toEqual([]);
  });

  it("keeps checked keys in memory and drops them when any key row changes", async () => {
    const cache = w.registry.keyCache;
    const created = await w.admin.createApiKey({ department: CONSUMER, roles: ["consumer"], label: "cache" });
    await w.registry.session(created.key);
    const hits = cache.stats.hits;
    await w.registry.session(created.key);
    await w.registry.session(created.key);
    expect(cache.stats.hits).toBe(hits + 2);
    // A wrong secret for a cached id is refused (constant-time compare against the kept hash).
    const wrong = created.key.slice(0, -1) + (created.key.endsWith("A") ? "B" : "A");
    await expect(w.registry.session(wrong)).rejects.toMatchObject({ code: "ERR_UNAUTHENTICATED" });
    // Revoked by hand, as another process or an operator would: the trigger moves the counter.
    await w.registry.database.run("UPDATE api_keys SET revoked_at = ? WHERE id = ?", [Date.now(), created.id]);
    await expect(w.registry.session(created.key)).rejects.toMatchObject({ code: "ERR_UNAUTHENTICATED" });
    expect(cache.stats.drops).toBeGreaterThan(0);
    // Garbage never reaches the database.
    for (const bad of ["", "elk_", "x".repeat(10_000), `elk_${"0".repeat(16)}_${"a".repeat(44)}`]) await expect(w.registry.session(bad)).rejects.toMatchObject({ code: "ERR_UNAUTHENTICATED" });
  });
});

describe("the SQLite log writer thread", () => {
  let w: RegistryWorld;
  beforeAll(async () => {
    w = await registryWorld("sqlite");
    await w.issuer.issue({ requestId: "serving-0002", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  });
  afterAll(async () => {
    await w?.registry.close();
  });
  const readCount = async (matter: string): Promise<number> =>
    (await w.registry.database.all<{ entry: string }>("SELECT entry FROM log_entries WHERE kind = 'read'")).filter((r) => (JSON.parse(r.entry) as { matter: string }).matter === matter).length;

  it("a writer thread that dies fails its group's reads (unknown outcome), and the next group gets a new thread", async () => {
    const writer = w.registry.readLogCommitter.writer!;
    await w.consumer.findByHolder(COMPANY, { ...CAUSE, matter: "SERVE-BEFORE-CRASH" });
    const started = writer.started;
    writer.crashNextJob();
    const failed = await w.consumer.findByHolder(COMPANY, { ...CAUSE, matter: "SERVE-CRASH" }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(LicenceError);
    expect((failed as LicenceError).code).toBe("ERR_UNAVAILABLE");
    await w.consumer.findByHolder(COMPANY, { ...CAUSE, matter: "SERVE-AFTER-CRASH" });
    expect(writer.started).toBe(started + 1);
    expect(await readCount("SERVE-AFTER-CRASH")).toBe(1);
    expect((await w.registry.audit()).problems).toEqual([]);
  });

});
