/**
 * The SQLite adapter (better-sqlite3): one connection, WAL, `synchronous = FULL`, foreign keys on.
 *
 * better-sqlite3 is synchronous, so each statement runs to completion when called; what needs care
 * is a transaction whose body awaits between statements. An async mutex makes the connection
 * exclusive for the whole of a transaction: other transactions and plain queries wait their turn, so
 * nothing interleaves with an open transaction.
 *
 * @module
 */
import { closeSync, constants, openSync } from "node:fs";
import { resolve } from "node:path";

import { LicenceError } from "@elicence/core";
import BetterSqlite3 from "better-sqlite3";

import type { Database, Migration, OpenDatabaseOptions, Queryable, SqlValue } from "./database.js";
import { appliedMap, CREATE_MIGRATIONS_TABLE, INSERT_APPLIED, isPending, SELECT_APPLIED, sortMigrations } from "./migrations.js";
import { Mutex } from "./mutex.js";
import { assertOutsideTransaction, DEFAULT_MAX_ATTEMPTS, enterTransaction, retryDelayMs, sleep } from "./transaction.js";
import { normaliseRow, normaliseRows, toDriverParams } from "./values.js";

type Connection = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement<unknown[], Record<string, unknown>>;

/**
 * Opens (creating if needed, mode 0600) a SQLite database file, or `:memory:`.
 *
 * @internal use {@link openDatabase} with a `sqlite:` URL
 */
export function openSqlite(path: string, options: OpenDatabaseOptions): Database {
  const memory = path === ":memory:";
  const file = memory ? path : resolve(path);
  if (!memory) createPrivateFile(file);
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  let connection: Connection | undefined;
  try {
    connection = new BetterSqlite3(file, { timeout: busyTimeoutMs });
    connection.pragma("journal_mode = WAL");
    connection.pragma("synchronous = FULL");
    connection.pragma("foreign_keys = ON");
    connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
    connection.defaultSafeIntegers(true);
  } catch (err) {
    connection?.close();
    throw new LicenceError("ERR_UNAVAILABLE", "The SQLite database cannot be opened.", { cause: err });
  }
  return new SqliteDatabase(connection, options);
}

/** Creates the file with mode 0600 so the database (and its -wal/-shm files, which copy the mode) is private; an existing file is left as it is. */
function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return;
    throw new LicenceError("ERR_UNAVAILABLE", "The SQLite database file cannot be created.", { cause: err });
  }
}

/** Maps the SQLite errors callers act on to coded errors; others (SQL mistakes) pass through. */
function mapError(err: unknown): unknown {
  if (!(err instanceof BetterSqlite3.SqliteError)) return err;
  const code = err.code;
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    // The message names the columns ("UNIQUE constraint failed: t.a, t.b"), never the values.
    const constraint = err.message.slice(err.message.indexOf(":") + 1).trim();
    return new LicenceError("ERR_CONFLICT", "A row with the same unique key already exists.", { details: { constraint } });
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new LicenceError("ERR_UNAVAILABLE", "The database is busy; try again.", { cause: err, details: { retryable: true } });
  }
  if (code === "SQLITE_FULL" || code === "SQLITE_IOERR_WRITE" && /disk is full/i.test(err.message)) {
    // The disk (or the file's size limit) is full: the transaction was rolled back whole.
    return new LicenceError("ERR_STORAGE_FULL", "The database's storage is full; nothing was written.", { cause: err });
  }
  if (/^SQLITE_(?:IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB|NOMEM)/.test(code)) {
    return new LicenceError("ERR_UNAVAILABLE", "The SQLite database cannot be used.", { cause: err });
  }
  return err;
}

function isRetryable(err: unknown): boolean {
  return err instanceof LicenceError && err.details.retryable === true;
}

class SqliteDatabase implements Database {
  readonly dialect = "sqlite" as const;
  readonly #db: Connection;
  readonly #mutex = new Mutex();
  readonly #statements = new Map<string, Statement>();
  readonly #cacheSize: number;
  readonly #maxAttempts: number;
  #closed = false;

  constructor(db: Connection, options: OpenDatabaseOptions) {
    this.#db = db;
    this.#cacheSize = options.statementCacheSize ?? 500;
    this.#maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.#exclusive(() => this.#all<T>(sql, params));
  }

  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.#exclusive(() => this.#get<T>(sql, params));
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.#exclusive(() => this.#run(sql, params));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (typeof fn !== "function") throw new TypeError("transaction() needs a function.");
    assertOutsideTransaction(this);
    for (let attempt = 1; ; attempt++) {
      await this.#mutex.lock();
      try {
        return await this.#attempt(fn);
      } catch (err) {
        if (!isRetryable(err) || attempt >= this.#maxAttempts) throw err;
      } finally {
        this.#mutex.unlock();
      }
      await sleep(retryDelayMs(attempt));
    }
  }

  async migrate(migrations: readonly Migration[]): Promise<void> {
    const sorted = sortMigrations(migrations);
    assertOutsideTransaction(this);
    // Most opens find nothing to do: find that out without taking the write lock.
    const pending = await this.#exclusive(() => {
      const exists = this.#get("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
      const applied = appliedMap(exists ? this.#all<{ version: number; name: string }>(SELECT_APPLIED) : []);
      return sorted.filter((m) => isPending(m, applied));
    });
    for (const m of pending) {
      for (let attempt = 1; ; attempt++) {
        await this.#mutex.lock();
        try {
          this.#applyMigration(m);
          break;
        } catch (err) {
          if (!isRetryable(err) || attempt >= this.#maxAttempts) throw err;
        } finally {
          this.#mutex.unlock();
        }
        await sleep(retryDelayMs(attempt));
      }
    }
    if (pending.length) this.#statements.clear();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#mutex.lock();
    try {
      if (this.#closed) return;
      this.#closed = true;
      this.#statements.clear();
      this.#db.close();
    } finally {
      this.#mutex.unlock();
    }
  }

  /** One try of a transaction; the caller holds the mutex. */
  async #attempt<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#statement("BEGIN IMMEDIATE");
    let open = true;
    const guard = <R>(f: () => R): Promise<R> => {
      if (!open) return Promise.reject(new TypeError("The transaction has ended; its queries can no longer run."));
      try {
        return Promise.resolve(f());
      } catch (err) {
        return Promise.reject(err);
      }
    };
    const tx: Queryable = {
      all: <R>(sql: string, params?: readonly SqlValue[]) => guard(() => this.#all<R>(sql, params)),
      get: <R>(sql: string, params?: readonly SqlValue[]) => guard(() => this.#get<R>(sql, params)),
      run: (sql: string, params?: readonly SqlValue[]) => guard(() => this.#run(sql, params)),
    };
    const scope = enterTransaction(this, () => fn(tx));
    try {
      const result = await scope.result;
      this.#statement("COMMIT");
      return result;
    } catch (err) {
      this.#rollback();
      throw err;
    } finally {
      open = false;
      scope.end();
    }
  }

  /** Applies one migration inside BEGIN IMMEDIATE, synchronously (no await while the write lock is held). */
  #applyMigration(m: Migration): void {
    this.#statement("BEGIN IMMEDIATE");
    try {
      this.#db.exec(CREATE_MIGRATIONS_TABLE);
      if (isPending(m, appliedMap(this.#all<{ version: number; name: string }>(SELECT_APPLIED)))) {
        this.#db.exec(m.sqlite);
        this.#run(INSERT_APPLIED, [m.version, m.name, new Date().toISOString()]);
      }
      this.#statement("COMMIT");
    } catch (err) {
      this.#rollback();
      throw mapError(err);
    }
  }

  #rollback(): void {
    // SQLite may already have rolled back (e.g. after SQLITE_FULL); then there is nothing to undo.
    // A failing ROLLBACK must not hide the error that caused it.
    try {
      if (this.#db.open && this.#db.inTransaction) this.#db.exec("ROLLBACK");
    } catch {
      /* the connection reports its own failure on the next statement */
    }
  }

  /** Runs `f` now when no transaction holds the connection, else once it is released. */
  #exclusive<R>(f: () => R): Promise<R> {
    try {
      assertOutsideTransaction(this);
      if (!this.#mutex.locked) return Promise.resolve(f());
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#mutex.lock().then(() => {
      try {
        return f();
      } finally {
        this.#mutex.unlock();
      }
    });
  }

  #prepare(sql: string): Statement {
    if (this.#closed) throw new LicenceError("ERR_UNAVAILABLE", "The database is closed.");
    if (typeof sql !== "string") throw new TypeError("SQL must be a string.");
    const cached = this.#statements.get(sql);
    if (cached) {
      // Map order is the LRU order: move the hit to the young end.
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const stmt = this.#db.prepare<unknown[], Record<string, unknown>>(sql);
    this.#statements.set(sql, stmt);
    if (this.#statements.size > this.#cacheSize) this.#statements.delete(this.#statements.keys().next().value!);
    return stmt;
  }

  #statement(sql: string): void {
    try {
      this.#prepare(sql).run();
    } catch (err) {
      throw mapError(err);
    }
  }

  #all<T>(sql: string, params?: readonly SqlValue[]): T[] {
    const values = toDriverParams(params);
    try {
      const stmt = this.#prepare(sql);
      if (!stmt.reader) {
        stmt.run(...values);
        return [];
      }
      return normaliseRows<T>(stmt.all(...values));
    } catch (err) {
      throw mapError(err);
    }
  }

  #get<T>(sql: string, params?: readonly SqlValue[]): T | undefined {
    const values = toDriverParams(params);
    try {
      const stmt = this.#prepare(sql);
      if (!stmt.reader) {
        stmt.run(...values);
        return undefined;
      }
      const row = stmt.get(...values);
      return row === undefined ? undefined : (normaliseRow(row) as T);
    } catch (err) {
      throw mapError(err);
    }
  }

  #run(sql: string, params?: readonly SqlValue[]): { changes: number } {
    const values = toDriverParams(params);
    try {
      return { changes: this.#prepare(sql).run(...values).changes };
    } catch (err) {
      throw mapError(err);
    }
  }
}
