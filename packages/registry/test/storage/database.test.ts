/**
 * One suite, run against both storage adapters: whatever passes here behaves the same on SQLite and
 * PostgreSQL.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { isLicenceError, LicenceError } from "@elicence/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";

import { openDatabase, type Database, type Migration, type OpenDatabaseOptions, type Queryable } from "../../src/storage/database.js";
import { createTestDatabase, createTestSchemaUrl } from "@elicence/test-support/postgres";

const same = (sql: string): { sqlite: string; postgres: string } => ({ sqlite: sql, postgres: sql });

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "vals",
    sqlite: "CREATE TABLE vals (id BIGINT PRIMARY KEY, t TEXT, i BIGINT, b BLOB, f DOUBLE PRECISION)",
    postgres: "CREATE TABLE vals (id BIGINT PRIMARY KEY, t TEXT, i BIGINT, b BYTEA, f DOUBLE PRECISION)",
  },
  {
    version: 2,
    name: "counter",
    ...same("CREATE TABLE counter (k TEXT PRIMARY KEY, v BIGINT NOT NULL); INSERT INTO counter (k, v) VALUES ('c', 0)"),
  },
  {
    version: 3,
    name: "items",
    ...same("CREATE TABLE items (id TEXT PRIMARY KEY, n BIGINT NOT NULL, tag TEXT); CREATE UNIQUE INDEX items_tag ON items (tag)"),
  },
];

const opened: Database[] = [];
let postgres: Promise<{ readonly url: string; drop(): Promise<void> }> | undefined;

/** Each test gets a fresh store: a new SQLite file, or a new schema in this file's PostgreSQL database. */
const ADAPTERS: [Database["dialect"], () => Promise<string>][] = [
  ["sqlite", async () => `sqlite:${join(mkdtempSync(join(tmpdir(), "elicence-storage-")), "test.db")}`],
  ["postgres", async () => createTestSchemaUrl((await (postgres ??= createTestDatabase())).url)],
];

async function open(url: string, options?: OpenDatabaseOptions): Promise<Database> {
  const db = await openDatabase(url, options);
  opened.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

afterAll(async () => {
  await (await postgres)?.drop();
});

/** Resolves when `promise` rejects with a LicenceError of `code`, and returns it. */
async function rejectsWith(promise: Promise<unknown>, code: LicenceError["code"]): Promise<LicenceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isLicenceError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
  return err as LicenceError;
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Starts a transaction that inserts items a and b, and pauses it between the two until `proceed()`. */
async function pausedTransaction(db: Database): Promise<{ tx: Promise<void>; proceed(): void }> {
  const midway = deferred();
  const proceed = deferred();
  const tx = db.transaction(async (t) => {
    await t.run("INSERT INTO items (id, n) VALUES (?, ?)", ["a", 1]);
    midway.resolve();
    await proceed.promise;
    await t.run("INSERT INTO items (id, n) VALUES (?, ?)", ["b", 2]);
  });
  await midway.promise;
  return { tx, proceed: proceed.resolve };
}

describe.each(ADAPTERS)("storage on %s", (dialect, fresh) => {
  async function migrated(options?: OpenDatabaseOptions): Promise<Database> {
    const db = await open(await fresh(), options);
    await db.migrate(MIGRATIONS);
    return db;
  }

  it("names its dialect", async () => {
    expect((await migrated()).dialect).toBe(dialect);
  });

  it("round-trips text, integers, blobs, floats, booleans and null with the same JS types", async () => {
    const db = await migrated();
    const blob = new Uint8Array([0, 1, 0, 255, 0]);
    const rows: [number, string | null, number | bigint | boolean | null, Uint8Array | null, number | null][] = [
      [1, "营业执照 — 示例科技有限公司 🏛️", Number.MAX_SAFE_INTEGER, blob, 1.5],
      [2, "", -Number.MAX_SAFE_INTEGER, new Uint8Array(0), -0.25],
      [3, null, null, null, null],
      [4, "it's a \"quote\" and a \\ backslash", 9007199254740991n, Buffer.from([0, 0, 0]), 0],
      [5, "bool", true, null, null],
      [6, "bool", false, null, null],
    ];
    for (const row of rows) await db.run("INSERT INTO vals (id, t, i, b, f) VALUES (?, ?, ?, ?, ?)", row);
    const back = await db.all<{ id: number; t: string | null; i: number | null; b: Uint8Array | null; f: number | null }>(
      "SELECT id, t, i, b, f FROM vals ORDER BY id",
    );
    expect(back.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(back[0]).toMatchObject({ t: rows[0]![1], i: Number.MAX_SAFE_INTEGER, f: 1.5 });
    expect(back[1]).toMatchObject({ t: "", i: -Number.MAX_SAFE_INTEGER, f: -0.25 });
    expect(back[2]).toEqual({ id: 3, t: null, i: null, b: null, f: null });
    expect(back[3]!.t).toBe(rows[3]![1]);
    expect(back[3]!.i).toBe(Number.MAX_SAFE_INTEGER);
    expect([back[4]!.i, back[5]!.i]).toEqual([1, 0]);
    for (const r of back) {
      expect(typeof r.id).toBe("number");
      if (r.i !== null) expect(typeof r.i).toBe("number");
      if (r.b !== null) expect(r.b).toBeInstanceOf(Uint8Array);
    }
    expect([...back[0]!.b!]).toEqual([0, 1, 0, 255, 0]);
    expect(back[1]!.b!.length).toBe(0);
    expect([...back[3]!.b!]).toEqual([0, 0, 0]);
  });

  it("reads counts, sums and comparisons as numbers (booleans as 0/1)", async () => {
    const db = await migrated();
    await db.run("INSERT INTO vals (id, i) VALUES (1, 40), (2, 2)");
    const row = await db.get("SELECT count(*) AS n, sum(i) AS s, max(i) AS m, CAST(? AS BIGINT) AS p, (1 = 1) AS yes, (1 = 2) AS no FROM vals", [7]);
    expect(row).toEqual({ n: 2, s: 42, m: 40, p: 7, yes: 1, no: 0 });
  });

  it("refuses integers beyond Number.MAX_SAFE_INTEGER both ways", async () => {
    const db = await migrated();
    await expect(db.run("INSERT INTO vals (id, i) VALUES (?, ?)", [1, 2n ** 53n])).rejects.toThrow(RangeError);
    await expect(db.run("INSERT INTO vals (id, i) VALUES (?, ?)", [1, 2 ** 60])).rejects.toThrow(RangeError);
    await db.run("INSERT INTO vals (id, i) VALUES (?, ?)", [1, Number.MAX_SAFE_INTEGER]);
    await db.run("UPDATE vals SET i = i + 1 WHERE id = ?", [1]);
    const err = await rejectsWith(db.get("SELECT i FROM vals WHERE id = ?", [1]), "ERR_INPUT_TOO_LARGE");
    expect(err.details).toEqual({ column: "i" });
    await expect(db.run("INSERT INTO vals (id, t) VALUES (?, ?)", [2, undefined as unknown as null])).rejects.toThrow(TypeError);
  });

  it("leaves ? inside string literals, quoted identifiers and comments alone", async () => {
    const db = await migrated();
    await db.run("INSERT INTO vals (id, t) VALUES (?, 'why?') -- trailing comment?", [1]);
    const row = await db.get(
      `SELECT t AS "what?", '?' AS q, 'it''s ?' AS s, /* ? */ id FROM vals WHERE t = 'why?' AND id = ?`,
      [1],
    );
    expect(row).toEqual({ "what?": "why?", q: "?", s: "it's ?", id: 1 });
    await expect(db.get("SELECT id FROM vals WHERE id = ? AND t = ?", [1])).rejects.toThrow(RangeError);
  });

  it("supports RETURNING on INSERT, UPDATE and DELETE, and counts changes", async () => {
    const db = await migrated();
    expect(await db.get("INSERT INTO items (id, n) VALUES (?, ?) RETURNING id, n", ["a", 1])).toEqual({ id: "a", n: 1 });
    expect(await db.run("INSERT INTO items (id, n) VALUES (?, ?), (?, ?) RETURNING id", ["b", 2, "c", 3])).toEqual({ changes: 2 });
    const updated = await db.all<{ id: string; n: number }>("UPDATE items SET n = n * 10 WHERE n >= ? RETURNING id, n", [2]);
    expect(updated.sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: "b", n: 20 },
      { id: "c", n: 30 },
    ]);
    expect(await db.run("UPDATE items SET n = 0 WHERE n < ?", [100])).toEqual({ changes: 3 });
    expect(await db.all("DELETE FROM items WHERE id = ? RETURNING id", ["a"])).toEqual([{ id: "a" }]);
    expect(await db.run("DELETE FROM items WHERE id = ?", ["nope"])).toEqual({ changes: 0 });
    expect(await db.get("SELECT id FROM items WHERE id = ?", ["nope"])).toBeUndefined();
    expect(await db.all("INSERT INTO items (id, n) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", ["b", 9])).toEqual([]);
  });

  it("refuses a second statement in one call", async () => {
    const db = await migrated();
    await expect(db.run("DELETE FROM items; DELETE FROM vals")).rejects.toThrow();
  });

  it("commits a transaction and returns its result", async () => {
    const db = await migrated();
    const result = await db.transaction(async (tx) => {
      await tx.run("INSERT INTO items (id, n) VALUES (?, ?)", ["a", 1]);
      await tx.run("INSERT INTO items (id, n) VALUES (?, ?)", ["b", 2]);
      return tx.get<{ n: number }>("SELECT count(*) AS n FROM items");
    });
    expect(result).toEqual({ n: 2 });
    expect(await db.get("SELECT sum(n) AS s FROM items")).toEqual({ s: 3 });
  });

  it("rolls back everything when the function throws, and rethrows the same error", async () => {
    const db = await migrated();
    const boom = new Error("boom");
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO items (id, n) VALUES (?, ?)", ["a", 1]);
        await tx.run("UPDATE counter SET v = 99");
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await db.get("SELECT count(*) AS n FROM items")).toEqual({ n: 0 });
    expect(await db.get("SELECT v FROM counter")).toEqual({ v: 0 });
  });

  it("maps a unique violation to ERR_CONFLICT without the values, and rolls the transaction back", async () => {
    const db = await migrated();
    await db.run("INSERT INTO items (id, n, tag) VALUES (?, ?, ?)", ["a", 1, "secret-91330100MA2B3C4D1A"]);
    const direct = await rejectsWith(db.run("INSERT INTO items (id, n) VALUES (?, ?)", ["a", 2]), "ERR_CONFLICT");
    expect(direct.message).toBe("A row with the same unique key already exists.");
    const viaIndex = await rejectsWith(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO items (id, n) VALUES (?, ?)", ["b", 2]);
        await tx.run("INSERT INTO items (id, n, tag) VALUES (?, ?, ?)", ["c", 3, "secret-91330100MA2B3C4D1A"]);
      }),
      "ERR_CONFLICT",
    );
    expect(JSON.stringify(viaIndex)).not.toContain("91330100MA2B3C4D1A");
    expect(String(viaIndex.cause ?? "")).not.toContain("91330100MA2B3C4D1A");
    expect(await db.all("SELECT id FROM items ORDER BY id")).toEqual([{ id: "a" }]);
  });

  it("gives 50 concurrent transactions distinct counter values and the exact total", async () => {
    const db = await migrated();
    const values = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        db.transaction(async (tx) => {
          const row = await tx.get<{ v: number }>("UPDATE counter SET v = v + 1 WHERE k = ? RETURNING v", ["c"]);
          await tx.run("INSERT INTO items (id, n) VALUES (?, ?)", [`item-${i}`, row!.v]);
          return row!.v;
        }),
      ),
    );
    expect(new Set(values).size).toBe(50);
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await db.get("SELECT v FROM counter WHERE k = ?", ["c"])).toEqual({ v: 50 });
    expect(await db.get("SELECT count(*) AS n, count(DISTINCT n) AS d FROM items")).toEqual({ n: 50, d: 50 });
  });

  it("keeps read-modify-write transactions serialisable (PostgreSQL at isolation serializable, with retries)", async () => {
    const db = await migrated({ isolation: "serializable", maxAttempts: 100 });
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction(async (tx) => {
          const { v } = (await tx.get<{ v: number }>("SELECT v FROM counter WHERE k = ?", ["c"]))!;
          await new Promise((r) => setImmediate(r));
          await tx.run("UPDATE counter SET v = ? WHERE k = ?", [v + 1, "c"]);
        }),
      ),
    );
    expect(await db.get("SELECT v FROM counter")).toEqual({ v: 20 });
  });

  it("never shows a half-done transaction to queries outside it", async () => {
    const db = await migrated();
    const { tx, proceed } = await pausedTransaction(db);
    const outside = db.get<{ n: number }>("SELECT count(*) AS n FROM items");
    const plainWrite = db.run("UPDATE counter SET v = v + 1");
    await new Promise((r) => setTimeout(r, 20));
    proceed();
    await tx;
    expect([0, 2]).toContain((await outside)!.n);
    await plainWrite;
    expect(await db.get("SELECT v FROM counter")).toEqual({ v: 1 });
  });

  it("refuses the database's own methods and nested transactions inside a transaction, and a transaction used after its end", async () => {
    const db = await migrated();
    let leaked: Queryable | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
      await expect(db.get("SELECT 1 AS one")).rejects.toThrow(TypeError);
      await expect(db.transaction(async () => 1)).rejects.toThrow(TypeError);
      await expect(db.migrate(MIGRATIONS)).rejects.toThrow(TypeError);
    });
    await expect(leaked!.get("SELECT 1 AS one")).rejects.toThrow(TypeError);
    expect(await db.get("SELECT count(*) AS n FROM items")).toEqual({ n: 0 });
  });

  it("migrates idempotently: twice, and from two databases at once", async () => {
    const url = await fresh();
    const [a, b] = await Promise.all([open(url), open(url)]);
    await Promise.all([a.migrate(MIGRATIONS), b.migrate(MIGRATIONS)]);
    await a.migrate(MIGRATIONS);
    await b.migrate(MIGRATIONS.slice(0, 2));
    expect(await a.all("SELECT version, name FROM schema_migrations ORDER BY version")).toEqual([
      { version: 1, name: "vals" },
      { version: 2, name: "counter" },
      { version: 3, name: "items" },
    ]);
    expect(await b.get("SELECT count(*) AS n FROM counter")).toEqual({ n: 1 });
    const later: Migration = { version: 4, name: "later", ...same("ALTER TABLE items ADD COLUMN note TEXT") };
    await Promise.all([a.migrate([...MIGRATIONS, later]), b.migrate([later, ...MIGRATIONS])]);
    await b.run("INSERT INTO items (id, n, note) VALUES (?, ?, ?)", ["x", 1, "ok"]);
    expect(await a.get("SELECT note FROM items WHERE id = ?", ["x"])).toEqual({ note: "ok" });
  });

  it("rolls back a failing migration and records nothing for it", async () => {
    const db = await migrated();
    const bad: Migration = { version: 4, name: "bad", ...same("CREATE TABLE half (x TEXT); SELECT no_such_column FROM items") };
    await expect(db.migrate([...MIGRATIONS, bad])).rejects.toThrow();
    expect(await db.get("SELECT max(version) AS v FROM schema_migrations")).toEqual({ v: 3 });
    await expect(db.get("SELECT count(*) AS n FROM half")).rejects.toThrow();
  });

  it("refuses a migration list that contradicts the database or itself", async () => {
    const db = await migrated();
    await rejectsWith(db.migrate([{ ...MIGRATIONS[0]!, name: "renamed" }]), "ERR_STATE_INVALID");
    await expect(db.migrate([MIGRATIONS[0]!, MIGRATIONS[0]!])).rejects.toThrow(TypeError);
    await expect(db.migrate([{ ...MIGRATIONS[0]!, version: 0 }])).rejects.toThrow(TypeError);
  });

  it("lets a running transaction finish when closed", async () => {
    const url = await fresh();
    const db = await open(url);
    await db.migrate(MIGRATIONS);
    const { tx, proceed } = await pausedTransaction(db);
    const closing = db.close();
    proceed();
    await Promise.all([tx, closing]);
    expect(await (await open(url)).get("SELECT count(*) AS n FROM items")).toEqual({ n: 2 });
  });

  it("fails with ERR_UNAVAILABLE once closed", async () => {
    const db = await migrated();
    await db.close();
    await rejectsWith(db.get("SELECT 1 AS one"), "ERR_UNAVAILABLE");
    await rejectsWith(db.transaction(async () => 1), "ERR_UNAVAILABLE");
    await db.close();
  });
});

describe("openDatabase", () => {
  it.each(["", "mysql://localhost/db", "sqlite:", "file:/tmp/x.db", "postgres://[::1", "SQLITE:/tmp/x.db"])(
    "refuses %j with ERR_INPUT_MALFORMED",
    async (url) => {
      await rejectsWith(openDatabase(url), "ERR_INPUT_MALFORMED");
    },
  );

  it("fails fast with ERR_UNAVAILABLE when PostgreSQL is unreachable", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const started = performance.now();
    const err = await rejectsWith(openDatabase(`postgres://nobody:hunter2@127.0.0.1:${port}/none`), "ERR_UNAVAILABLE");
    expect(performance.now() - started).toBeLessThan(10_000); // fails fast rather than waiting on TCP timeouts
    expect(err.message).not.toContain("hunter2");
  });

  it("fails with ERR_UNAVAILABLE when the SQLite directory does not exist", async () => {
    await rejectsWith(openDatabase(`sqlite:${join(tmpdir(), "elicence-no-such-dir", "x", "db.sqlite")}`), "ERR_UNAVAILABLE");
  });

  it("opens an in-memory SQLite database", async () => {
    const db = await open("sqlite::memory:");
    await db.migrate(MIGRATIONS);
    expect(await db.get("SELECT v FROM counter")).toEqual({ v: 0 });
  });
});

describe("PostgreSQL adapter", () => {
  it("reports a lost serialization race as retryable ERR_UNAVAILABLE once the attempts run out", async () => {
    const url = await ADAPTERS[1]![1]();
    const db = await open(url, { isolation: "serializable", maxAttempts: 1 });
    await db.migrate(MIGRATIONS);
    const bothRead = { a: deferred(), b: deferred() };
    const aDone = deferred();
    let attempts = 0;
    const a = db.transaction(async (tx) => {
      await tx.get("SELECT v FROM counter");
      bothRead.a.resolve();
      await bothRead.b.promise;
      await tx.run("UPDATE counter SET v = v + 1");
    });
    const b = db.transaction(async (tx) => {
      attempts++;
      await tx.get("SELECT v FROM counter");
      bothRead.b.resolve();
      await aDone.promise;
      await tx.run("UPDATE counter SET v = v + 1");
    });
    await bothRead.a.promise;
    await a;
    aDone.resolve();
    const err = await rejectsWith(b, "ERR_UNAVAILABLE");
    expect(err.details).toMatchObject({ retryable: true, sqlState: "40001" });
    expect(attempts).toBe(1);
    expect(await db.get("SELECT v FROM counter")).toEqual({ v: 1 });
  });

  it("answers a wait for a busy pool beyond poolWaitMs with ERR_UNAVAILABLE reason pool-busy, and waits that long, not the connect bound", async () => {
    const url = await ADAPTERS[1]![1]();
    // The connect bound is far shorter than the wait: a wait that outlives it still gets its client.
    const db = await open(url, { poolSize: 1, poolWaitMs: 1500, connectTimeoutMs: 200 });
    await db.migrate(MIGRATIONS);
    let held = await pausedTransaction(db);
    let started = performance.now();
    setTimeout(() => held.proceed(), 600);
    expect(await db.get("SELECT count(*) AS n FROM items")).toEqual({ n: 2 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(550);
    await held.tx;

    await db.run("DELETE FROM items");
    held = await pausedTransaction(db);
    for (const waiting of [() => db.get("SELECT 1 AS one"), () => db.transaction(async (tx) => tx.get("SELECT 1 AS one"))]) {
      started = performance.now();
      const err = await rejectsWith(waiting(), "ERR_UNAVAILABLE");
      const waited = performance.now() - started;
      expect(err.details).toMatchObject({ reason: "pool-busy", poolSize: 1, poolWaitMs: 1500 });
      expect(err.message).toMatch(/busy/);
      expect(waited).toBeGreaterThanOrEqual(1400);
      expect(waited).toBeLessThan(5000);
    }
    held.proceed();
    await held.tx;
    expect(await db.get("SELECT count(*) AS n FROM items")).toEqual({ n: 2 });
  });

  it("gives up on a server that accepts and never answers within connectTimeoutMs, not the pool wait", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const server = createServer((socket) => void sockets.add(socket));
    const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
    try {
      const started = performance.now();
      const err = await rejectsWith(openDatabase(`postgres://nobody@127.0.0.1:${port}/none`, { connectTimeoutMs: 300, poolWaitMs: 30_000 }), "ERR_UNAVAILABLE");
      expect(performance.now() - started).toBeLessThan(3000);
      expect(err.message).toMatch(/cannot be reached/);
      expect(err.details.reason).toBeUndefined();
      expect(sockets.size).toBe(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
