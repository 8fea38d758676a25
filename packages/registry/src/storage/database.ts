/**
 * The registry's storage interface: one async API over SQLite (the embedded default) and PostgreSQL.
 *
 * SQL is written once, in a portable subset:
 * - `?` placeholders (the PostgreSQL adapter rewrites them to `$1 … $n` outside literals and quoted names);
 * - column types `TEXT`, `BIGINT` (64-bit integers; PostgreSQL's `INTEGER` is 32-bit), `DOUBLE PRECISION`;
 *   byte strings are `BLOB` on SQLite and `BYTEA` on PostgreSQL, so DDL lives in {@link Migration}s that
 *   carry one text per engine;
 * - booleans are stored as the integers 0 and 1 (a `true` parameter is sent as 1) and comparisons read
 *   back as 0/1 on both engines;
 * - timestamps are stored as RFC 3339 `TEXT` or integer milliseconds, never as engine date types;
 * - result columns are always aliased in lower case (`SELECT count(*) AS n`): PostgreSQL folds unquoted
 *   names to lower case and names unaliased expressions differently from SQLite;
 * - a bare parameter has no type on PostgreSQL (`SELECT ?` reads back as text): compare it with a
 *   column or write `CAST(? AS BIGINT)`;
 * - `INSERT … RETURNING`, `UPDATE … RETURNING`, `ON CONFLICT (…) DO NOTHING / DO UPDATE` work on both.
 *
 * Values read back: TEXT → string, integers → number (an integer beyond `Number.MAX_SAFE_INTEGER`
 * is refused with `ERR_INPUT_TOO_LARGE`, never rounded), BLOB/BYTEA → `Uint8Array` (a Node `Buffer`),
 * floating point → number, NULL → null.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";

/** A value that can be bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | boolean | Uint8Array | null;

/** The query methods a database and a transaction share. */
export interface Queryable {
  /**
   * Runs one statement and returns every row.
   *
   * @param sql - one statement in the portable subset, with `?` placeholders
   * @param params - one value per placeholder
   */
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs one statement and returns its first row, or `undefined`. */
  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs one statement for its effect; `changes` is the number of rows inserted, updated or deleted. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

/** One schema change, with its DDL for each engine. */
export interface Migration {
  /** Positive integer; migrations apply in ascending order and each version applies once. */
  readonly version: number;
  /** A short name, recorded with the version (a different name for an applied version is an error). */
  readonly name: string;
  /** The SQLite script (one or more statements; no BEGIN/COMMIT). */
  readonly sqlite: string;
  /** The PostgreSQL script (one or more statements; no BEGIN/COMMIT). */
  readonly postgres: string;
}

/** An open database. Errors: a unique or primary-key violation → `ERR_CONFLICT`; the engine out of reach → `ERR_UNAVAILABLE`. */
export interface Database extends Queryable {
  readonly dialect: "sqlite" | "postgres";
  /**
   * Runs `fn` in one transaction: all or nothing. Commits when `fn` resolves, rolls back when it
   * throws (and rethrows). Inside `fn`, query through `tx` only: using the database itself throws a
   * `TypeError`; transactions do not nest.
   *
   * SQLite: transactions are serialised (`BEGIN IMMEDIATE` behind an async mutex), so they are
   * serializable. PostgreSQL: they run on one pooled connection at the isolation level chosen in
   * {@link OpenDatabaseOptions.isolation} (READ COMMITTED by default), so portable code writes a
   * read-modify-write as one conditional statement (`UPDATE … SET state = ? WHERE id = ? AND state = ?
   * RETURNING …`) or relies on a unique constraint.
   *
   * A transaction that loses a race (SQLite busy, PostgreSQL serialization failure or deadlock) is
   * rolled back and `fn` runs again, a bounded number of times with jittered backoff; so `fn` must have
   * no effects outside the database. When the attempts run out: `ERR_UNAVAILABLE`.
   *
   * @example
   * ```ts
   * const row = await db.transaction(async (tx) => {
   *   await tx.run("INSERT INTO licence (id, holder) VALUES (?, ?)", [id, holder]);
   *   return tx.get<{ n: number }>("SELECT count(*) AS n FROM licence WHERE holder = ?", [holder]);
   * });
   * ```
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Applies the migrations not yet applied, in version order, each in its own transaction and
   * recorded in `schema_migrations`. Safe to run twice and from two processes at once (PostgreSQL:
   * an advisory lock; SQLite: `BEGIN IMMEDIATE`).
   */
  migrate(migrations: readonly Migration[]): Promise<void>;
  /** Waits for the running transaction, then closes; later calls fail with `ERR_UNAVAILABLE`. */
  close(): Promise<void>;
}

/** Options for {@link openDatabase}; each applies to the engine named in its description. */
export interface OpenDatabaseOptions {
  /** SQLite: how long a statement waits for another process's write lock (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /** SQLite: how many prepared statements to keep (least recently used go first; default 500). */
  readonly statementCacheSize?: number;
  /** Both: how many times a transaction runs at most when it loses a race (default 10). */
  readonly maxAttempts?: number;
  /** PostgreSQL: the pool size (default 10). */
  readonly poolSize?: number;
  /**
   * PostgreSQL: how long opening a connection to the server (TCP, TLS and authentication) may take
   * before `ERR_UNAVAILABLE` "cannot be reached" (default 5000 ms). A server that is down or hung is
   * reported within this bound, whatever {@link OpenDatabaseOptions.poolWaitMs} is.
   */
  readonly connectTimeoutMs?: number;
  /**
   * PostgreSQL: how long a query or transaction waits for one of the pool's connections to come
   * free when all {@link OpenDatabaseOptions.poolSize} are in use (default 30 000 ms, as HikariCP's
   * `connectionTimeout`). When it runs out: `ERR_UNAVAILABLE` with `details.reason` `"pool-busy"`
   * (HTTP 503) — the server is up but the pool stayed busy (long transactions, or more concurrent
   * work than the pool holds). Keep it above the longest expected transaction times the queue
   * depth; a short bound turns a burst into 503s.
   */
  readonly poolWaitMs?: number;
  /** PostgreSQL: the isolation level of {@link Database.transaction} (default "read committed"). */
  readonly isolation?: "read committed" | "serializable";
}

/**
 * Opens a database from a URL: `sqlite:/path/to/file.db` (a relative path is resolved against the
 * working directory; a new file is created with mode 0600), `sqlite::memory:`, or
 * `postgres://user@host:port/db` / `postgresql://…`. PostgreSQL is contacted once before this resolves.
 *
 * @param url - where the database is (never echoed in errors: it may hold a password)
 * @param options - engine settings
 * @returns the open database
 * @throws LicenceError `ERR_INPUT_MALFORMED` for any other URL; `ERR_UNAVAILABLE` when the database cannot be reached or opened
 * @example
 * ```ts
 * const db = await openDatabase("sqlite:/var/lib/elicence/registry.db");
 * await db.migrate(migrations);
 * ```
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  if (typeof url !== "string") throw new TypeError("The database URL must be a string.");
  checkOptions(options);
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length);
    if (path === "") throw new LicenceError("ERR_INPUT_MALFORMED", "The SQLite URL names no file.");
    const { openSqlite } = await import("./sqlite.js");
    return openSqlite(path, options);
  }
  if (/^postgres(?:ql)?:\/\//.test(url)) {
    if (!URL.canParse(url)) throw new LicenceError("ERR_INPUT_MALFORMED", "The PostgreSQL URL is not a valid URL.");
    const { openPostgres } = await import("./postgres.js");
    return openPostgres(url, options);
  }
  throw new LicenceError("ERR_INPUT_MALFORMED", "The database URL must start with sqlite: or postgres://.");
}

function checkOptions(options: OpenDatabaseOptions): void {
  const positive = (name: keyof OpenDatabaseOptions, min: number): void => {
    const v = options[name];
    if (v !== undefined && (!Number.isSafeInteger(v) || (v as number) < min)) {
      throw new TypeError(`Option ${name} must be an integer of at least ${min}.`);
    }
  };
  positive("busyTimeoutMs", 0);
  positive("statementCacheSize", 1);
  positive("maxAttempts", 1);
  positive("poolSize", 1);
  positive("connectTimeoutMs", 1);
  positive("poolWaitMs", 1);
  if (options.isolation !== undefined && options.isolation !== "read committed" && options.isolation !== "serializable") {
    throw new TypeError('Option isolation must be "read committed" or "serializable".');
  }
}
