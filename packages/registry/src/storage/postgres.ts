/**
 * The PostgreSQL adapter (`pg` Pool).
 *
 * Type parsing is set per pool (never on pg's global registry) so rows read like SQLite's: BIGINT and
 * NUMERIC integers → number (beyond the safe range → refused), booleans → 1/0, dates, times and
 * JSON → their text. Statements always use the extended protocol, so one call runs one statement on
 * both engines; only migrations run multi-statement scripts.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import pg from "pg";

import type { Database, Migration, OpenDatabaseOptions, Queryable, SqlValue } from "./database.js";
import { appliedMap, CREATE_MIGRATIONS_TABLE, INSERT_APPLIED, isPending, SELECT_APPLIED, sortMigrations } from "./migrations.js";
import { rewritePlaceholders, type RewrittenSql } from "./placeholders.js";
import { assertOutsideTransaction, DEFAULT_MAX_ATTEMPTS, enterTransaction, retryDelayMs, sleep } from "./transaction.js";
import { normaliseRows, toDriverParams } from "./values.js";

/** The advisory lock that serialises migrations across processes: "elicence" as a 64-bit integer. */
const MIGRATION_LOCK = "7308332170939884389";

const SQL_CACHE_SIZE = 500;

/** An integer as a number when exact, else as a bigint (which {@link normaliseRows} refuses with a coded error). */
function parseInteger(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

function parseNumeric(text: string): number | bigint {
  return /^-?\d+$/.test(text) ? parseInteger(text) : Number(text);
}

const asText = (text: string): string => text;

const OVERRIDES = new Map<number, (text: string) => unknown>([
  [16, (text) => (text === "t" ? 1 : 0)], // bool
  [20, parseInteger], // int8
  [1700, parseNumeric], // numeric (count/sum results, NUMERIC columns)
  [114, asText], // json
  [3802, asText], // jsonb
  [1082, asText], // date
  [1083, asText], // time
  [1114, asText], // timestamp
  [1184, asText], // timestamptz
  [1186, asText], // interval
  [1266, asText], // timetz
]);

const TYPES = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    (format ?? "text") === "text" ? (OVERRIDES.get(oid) ?? pg.types.getTypeParser(oid, "text")) : pg.types.getTypeParser(oid, "binary"),
} as pg.CustomTypesConfig;

/** SQLSTATE classes that mean the server is out of reach or refusing work, not that the SQL is wrong. */
const UNAVAILABLE_SQLSTATE = /^(?:08|53|28|57P|3D000|57014)/;

/** Maps the driver errors callers act on to coded errors; SQL mistakes pass through. */
function mapError(err: unknown): unknown {
  if (err instanceof LicenceError) return err;
  if (err instanceof pg.DatabaseError) {
    const code = err.code ?? "";
    if (code === "23505") {
      // err.detail repeats the duplicate values: it is deliberately not carried along.
      return new LicenceError("ERR_CONFLICT", "A row with the same unique key already exists.", {
        details: { constraint: err.constraint ?? "" },
      });
    }
    if (code === "40001" || code === "40P01") {
      return new LicenceError("ERR_UNAVAILABLE", "The transaction lost a race with another one; try again.", {
        cause: err,
        details: { retryable: true, sqlState: code },
      });
    }
    if (code === "53100") {
      // disk_full: the statement failed and its transaction rolls back whole.
      return new LicenceError("ERR_STORAGE_FULL", "The database's storage is full; nothing was written.", { cause: err, details: { sqlState: code } });
    }
    if (UNAVAILABLE_SQLSTATE.test(code)) {
      return new LicenceError("ERR_UNAVAILABLE", "The PostgreSQL server cannot serve the request.", { cause: err, details: { sqlState: code } });
    }
    return err;
  }
  // Anything else the driver throws is about the connection: refused, reset, timed out, terminated.
  return new LicenceError("ERR_UNAVAILABLE", "The PostgreSQL server cannot be reached.", { cause: err });
}

/** Connections per pool and the longest wait for one, when the options do not say (HikariCP's wait). */
const DEFAULT_POOL_SIZE = 10;
const DEFAULT_POOL_WAIT_MS = 30_000;

/** What pg-pool rejects `connect()` with when no client came free within its `connectionTimeoutMillis`. */
const POOL_WAIT_TIMEOUT = "timeout exceeded when trying to connect";

/**
 * A wait for a pooled connection that ran out: the server is up but every connection stayed busy
 * (long transactions, or more concurrent work than the pool holds). Not retried here: the caller's
 * client may retry later (HTTP 503 with Retry-After).
 */
function poolBusy(err: unknown, poolSize: number, poolWaitMs: number): LicenceError | undefined {
  if (!(err instanceof Error) || err instanceof pg.DatabaseError || err.message !== POOL_WAIT_TIMEOUT) return undefined;
  return new LicenceError("ERR_UNAVAILABLE", `All ${poolSize} PostgreSQL connections stayed busy for ${poolWaitMs} ms; try again.`, {
    cause: err,
    details: { reason: "pool-busy", poolSize, poolWaitMs },
  });
}

function isRetryable(err: unknown): boolean {
  return err instanceof LicenceError && err.details.retryable === true;
}

/** A connection-level failure leaves the session in an unknown state: such a client is destroyed, not pooled. */
function isConnectionFailure(err: unknown): boolean {
  return err instanceof LicenceError && err.code === "ERR_UNAVAILABLE" && !isRetryable(err);
}

/**
 * Opens a pool and checks that the server answers.
 *
 * @internal use {@link openDatabase} with a `postgres://` URL
 */
export async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  // pg-pool uses its connectionTimeoutMillis both for a wait in its queue and for opening a
  // connection, and hands its options to each client: the pool gets the (long) wait bound, and each
  // client its own (short) bound on reaching the server, so a busy pool is told apart from a dead
  // server and neither waits on the other's bound.
  class BoundedClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis: connectTimeoutMs });
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: options.poolWaitMs ?? DEFAULT_POOL_WAIT_MS,
    idleTimeoutMillis: 30_000,
    application_name: "elicence-registry",
    types: TYPES,
    Client: BoundedClient,
  });
  // An idle client that loses its connection is dropped by the pool; the next query opens another.
  pool.on("error", () => {});
  // A checked-out client has no pool listener: when the server drops the connection (a failover,
  // `pg_ctl stop -m immediate`) pg emits `error` on the client itself, and an `error` event with
  // no listener ends the process. Every client gets one for its whole life; the query in flight
  // fails on its own (→ ERR_UNAVAILABLE), and a broken client is destroyed when released.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  const db = new PostgresDatabase(pool, options);
  try {
    await db.get("SELECT 1 AS ok");
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return db;
}

type Client = pg.Pool | pg.PoolClient;

class PostgresDatabase implements Database {
  readonly dialect = "postgres" as const;
  readonly #pool: pg.Pool;
  readonly #maxAttempts: number;
  readonly #begin: string;
  readonly #poolSize: number;
  readonly #poolWaitMs: number;
  readonly #sql = new Map<string, RewrittenSql & { name: string }>();
  #names = 0;
  #closed = false;

  constructor(pool: pg.Pool, options: OpenDatabaseOptions) {
    this.#pool = pool;
    this.#maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.#poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
    this.#poolWaitMs = options.poolWaitMs ?? DEFAULT_POOL_WAIT_MS;
    this.#begin = options.isolation === "serializable" ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN";
  }

  async all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    this.#assertUsable();
    return normaliseRows<T>((await this.#query(this.#pool, sql, params)).rows);
  }

  async get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    this.#assertUsable();
    return { changes: (await this.#query(this.#pool, sql, params)).rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (typeof fn !== "function") throw new TypeError("transaction() needs a function.");
    assertOutsideTransaction(this);
    for (let attempt = 1; ; attempt++) {
      const client = await this.#connect();
      const session = { broken: false };
      try {
        return await this.#attempt(client, session, fn);
      } catch (err) {
        session.broken ||= isConnectionFailure(err);
        if (!isRetryable(err) || attempt >= this.#maxAttempts) throw err;
      } finally {
        client.release(session.broken);
      }
      await sleep(retryDelayMs(attempt));
    }
  }

  async migrate(migrations: readonly Migration[]): Promise<void> {
    const sorted = sortMigrations(migrations);
    assertOutsideTransaction(this);
    const client = await this.#connect();
    let destroy = false;
    const script = async (sql: string): Promise<void> => {
      try {
        await client.query(sql);
      } catch (err) {
        throw mapError(err);
      }
    };
    try {
      // A session lock held across all the steps; it also goes away if the connection dies.
      await script(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
      try {
        await script(CREATE_MIGRATIONS_TABLE);
        const applied = appliedMap((await this.#query(client, SELECT_APPLIED)).rows as { version: number; name: string }[]);
        for (const m of sorted) {
          if (!isPending(m, applied)) continue;
          await script("BEGIN");
          try {
            await script(m.postgres);
            await this.#query(client, INSERT_APPLIED, [m.version, m.name, new Date().toISOString()]);
            await script("COMMIT");
          } catch (err) {
            await client.query("ROLLBACK").catch(() => void (destroy = true));
            throw err;
          }
        }
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => void (destroy = true));
      }
    } catch (err) {
      destroy ||= isConnectionFailure(err);
      throw err;
    } finally {
      client.release(destroy);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  /** One try of a transaction on its own client. */
  async #attempt<T>(client: pg.PoolClient, session: { broken: boolean }, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    await this.#query(client, this.#begin);
    let open = true;
    const ended = (): Promise<never> => Promise.reject(new TypeError("The transaction has ended; its queries can no longer run."));
    const tx: Queryable = {
      all: async <R>(sql: string, params?: readonly SqlValue[]) =>
        open ? normaliseRows<R>((await this.#query(client, sql, params)).rows) : ended(),
      get: async <R>(sql: string, params?: readonly SqlValue[]) =>
        open ? normaliseRows<R>((await this.#query(client, sql, params)).rows)[0] : ended(),
      run: async (sql: string, params?: readonly SqlValue[]) =>
        open ? { changes: (await this.#query(client, sql, params)).rowCount ?? 0 } : ended(),
    };
    const scope = enterTransaction(this, () => fn(tx));
    try {
      const result = await scope.result;
      await this.#query(client, "COMMIT");
      return result;
    } catch (err) {
      // A failed ROLLBACK leaves the session in an unknown state: the client is destroyed, not pooled.
      await client.query("ROLLBACK").catch(() => void (session.broken = true));
      throw err;
    } finally {
      open = false;
      scope.end();
    }
  }

  /** Checks a call on the database itself (a transaction's own queries may finish after close() began). */
  #assertUsable(): void {
    assertOutsideTransaction(this);
    if (this.#closed) throw new LicenceError("ERR_UNAVAILABLE", "The database is closed.");
  }

  async #connect(): Promise<pg.PoolClient> {
    this.#assertUsable();
    try {
      return await this.#pool.connect();
    } catch (err) {
      throw poolBusy(err, this.#poolSize, this.#poolWaitMs) ?? mapError(err);
    }
  }

  async #query(client: Client, sql: string, params?: readonly SqlValue[]): Promise<pg.QueryResult<Record<string, unknown>>> {
    if (typeof sql !== "string") throw new TypeError("SQL must be a string.");
    const values = toDriverParams(params);
    const { text, count, name } = this.#rewrite(sql);
    if (count !== values.length) throw new RangeError(`The SQL has ${count} placeholders but ${values.length} values were given.`);
    // queryMode "extended" (pg ≥ 8.12; not in @types/pg): one statement per call, as on SQLite.
    // A named statement is parsed and planned once per connection, then only bound and run.
    const config = { text, values, name, queryMode: "extended" } as pg.QueryConfig;
    try {
      return await client.query<Record<string, unknown>>(config);
    } catch (err) {
      // Through the pool itself (a query outside a transaction), the wait for a client can run out too.
      throw (client === this.#pool ? poolBusy(err, this.#poolSize, this.#poolWaitMs) : undefined) ?? mapError(err);
    }
  }

  #rewrite(sql: string): RewrittenSql & { name: string } {
    let hit = this.#sql.get(sql);
    if (hit === undefined) {
      // Names are never reused for another text (pg refuses that), even after eviction.
      hit = { ...rewritePlaceholders(sql), name: `elicence_${++this.#names}` };
      if (this.#sql.size >= SQL_CACHE_SIZE) this.#sql.delete(this.#sql.keys().next().value!);
      this.#sql.set(sql, hit);
    }
    return hit;
  }
}
