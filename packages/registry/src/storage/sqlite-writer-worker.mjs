// The SQLite log writer's thread (see sqlite-writer.ts). It owns its own better-sqlite3
// connection to the registry's file, opened exactly as the main connection is (WAL,
// `synchronous = FULL`, foreign keys), and runs one job at a time: a list of statements in one
// `BEGIN IMMEDIATE … COMMIT`. The first statement of a job may be a guard that must return a row
// (the log counter moved from the size the main thread planned for); when it returns none, the
// job is rolled back and answered `moved`, writing nothing. COMMIT returns only after SQLite has
// fsynced the WAL (FULL), and SQLite publishes the new frames to readers (the wal-index header)
// only after that sync, so no connection of any process reads them earlier.
// Plain JavaScript, so the same file runs under the tests (from src/) and from dist/.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("foreign_keys = ON");
db.pragma(`busy_timeout = ${workerData.busyTimeoutMs}`);

/** @type {Map<string, import("better-sqlite3").Statement>} */
const statements = new Map();
function prepare(sql) {
  let stmt = statements.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    // The plans are few (a guard and two INSERT shapes per group size); keep the cache bounded.
    if (statements.size >= 200) statements.delete(statements.keys().next().value);
    statements.set(sql, stmt);
  }
  return stmt;
}

/** Byte strings arrive as plain Uint8Array (postMessage drops Buffer's prototype); the driver binds Buffers. */
function bind(params) {
  return params.map((v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v));
}

const begin = db.prepare("BEGIN IMMEDIATE");
const commit = db.prepare("COMMIT");

parentPort.on("message", (message) => {
  if (message.type === "crash") process.exit(70); // tests only: the thread dies mid-job
  const { id, guard, statements: list } = message;
  try {
    begin.run();
    try {
      if (guard && prepare(guard.sql).get(...bind(guard.params)) === undefined) {
        db.exec("ROLLBACK");
        parentPort.postMessage({ id, moved: true });
        return;
      }
      for (const s of list) prepare(s.sql).run(...bind(s.params));
      commit.run();
    } catch (err) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw err;
    }
    parentPort.postMessage({ id, ok: true });
  } catch (err) {
    parentPort.postMessage({ id, error: { code: typeof err?.code === "string" ? err.code : "", message: String(err?.message ?? err) } });
  }
});
