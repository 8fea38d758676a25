/**
 * How a group of read events is committed, per engine:
 *
 * - **SQLite on a file**: on the log writer thread (`storage/sqlite-writer.ts`), planned here
 *   against the log edge this process keeps (a guarded counter move, the entries, the subtree
 *   hashes), so the commit's fsync never holds the event loop. When the guard finds the log moved
 *   on (this process's own write transactions or another process appended since the kept edge),
 *   the group is appended in a transaction on the main connection instead, which rebuilds the edge.
 * - **PostgreSQL**: one autocommitted statement when the kept edge is current, else a transaction
 *   (the driver is asynchronous: nothing blocks the event loop).
 * - **SQLite in memory**: a transaction on the one connection there is.
 *
 * In every case the promise resolves only after the events' commit is durable, and the edge is
 * confirmed only after that commit.
 *
 * @module
 */
import { resolve } from "node:path";
import type { Database, Queryable } from "../storage/database.js";
import { SqliteWriter } from "../storage/sqlite-writer.js";
import { appendLogEvents, appendLogEventsInOneStatement, planAppendAfterEdge, type LogEvent, type LogFrontier } from "./log.js";

/** Commits groups of read events; {@link close} stops the writer thread, if any. */
export interface ReadLogCommitter {
  commit(events: readonly LogEvent[]): Promise<void>;
  /** The writer thread (SQLite on a file), for tests. */
  readonly writer: SqliteWriter | undefined;
  /** Groups committed on the writer thread, and groups that fell back to the main connection. */
  readonly stats: { offThread: number; fallback: number };
  close(): Promise<void>;
}

/**
 * Makes the committer for a database.
 *
 * @param db - the registry's database
 * @param url - its URL (`sqlite:PATH` opens the writer thread on the same file)
 * @param transaction - the registry's transaction (keeps the log edge after COMMIT)
 * @param frontier - the registry's kept log edge
 */
export function readLogCommitter(db: Database, url: string, transaction: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>, frontier: LogFrontier): ReadLogCommitter {
  const path = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : undefined;
  const writer = db.dialect === "sqlite" && path !== undefined && path !== ":memory:" ? new SqliteWriter(resolve(path)) : undefined;
  const stats = { offThread: 0, fallback: 0 };
  const inTransaction = async (events: readonly LogEvent[]): Promise<void> => {
    await transaction((tx) => appendLogEvents(tx, events, frontier));
  };
  return {
    writer,
    stats,
    async commit(events) {
      if (writer) {
        const plan = planAppendAfterEdge(events, frontier);
        if (plan && (await writer.run(plan.statements, plan.guard)) === "committed") {
          stats.offThread++;
          frontier.confirm(plan.next);
          return;
        }
        stats.fallback++;
        return inTransaction(events);
      }
      // PostgreSQL: one autocommitted statement when the kept edge is current (1 round trip instead
      // of BEGIN, counter, entries, nodes, COMMIT); otherwise, and on SQLite in memory, a transaction.
      if (db.dialect === "postgres" && (await appendLogEventsInOneStatement(db, events, frontier))) return;
      return inTransaction(events);
    },
    close: async () => writer?.close(),
  };
}
