/**
 * The registry's tamper-evident log (RFC 9162 hashing) on top of the database: appends happen in
 * the caller's transaction (so an event is logged exactly when its change commits), perfect
 * subtree hashes are stored as they complete, and roots and proofs read O(log n) stored hashes.
 * Entries hold no clear personal data: holders appear only as keyed hashes.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import { canonicalJson } from "@elicence/core/encoding";
import {
  foldSubtreeHashes,
  hashChildren,
  hashLeaf,
  planConsistencyProof,
  planInclusionProof,
  planRoot,
  emptyRoot,
  type SubtreeRef,
} from "@elicence/core/log";
import type { Queryable } from "../storage/database.js";

/** One logged event. Values are codes, identifiers, field names and hashes, never personal data. */
export interface LogEvent {
  readonly kind:
    | "issue"
    | "amend"
    | "renew"
    | "status"
    | "read"
    | "verify-data"
    | "agreement"
    | "authorisation"
    | "licence-type"
    | "api-key"
    | "department"
    | "matter"
    | "materials"
    | "augment"
    | "consent"
    | "consent-withdrawal";
  readonly at: number;
  readonly department: string;
  readonly [member: string]: string | number | boolean | readonly string[] | undefined;
}

const encoder = new TextEncoder();

/** The bytes of a log entry: its RFC 8785 canonical JSON. */
export function encodeLogEvent(event: LogEvent): Uint8Array {
  return encoder.encode(canonicalJson(event));
}

/** One perfect subtree on the log's right edge. */
interface EdgeNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Uint8Array;
}

/** The right edge (frontier) of the tree of `size` leaves: its perfect subtrees, highest first. */
interface Frontier {
  readonly size: number;
  readonly nodes: readonly EdgeNode[];
}

/** Rows per multi-row INSERT (6 parameters each: far below SQLite's and PostgreSQL's limits). */
const INSERT_CHUNK = 400;

/**
 * Keeps the log's right edge in memory so an append reads nothing back. Only the edge of a
 * **committed** size is kept (a committed prefix of the log never changes, so the edge of size n
 * is fixed forever, even with other processes appending): an append inside a transaction leaves
 * its new edge as pending for that transaction, and {@link confirm} installs it once the
 * transaction has committed. An append that finds the log at another size than the kept edge
 * (a rollback, another process, a restart) rebuilds the edge from the stored hashes.
 */
export class LogFrontier {
  #committed: Frontier | undefined;
  readonly #pending = new WeakMap<Queryable, Frontier>();
  /** How many times the edge was rebuilt from the database (tests and the bench read it). */
  rebuilds = 0;
  /** How many appends went in one autocommitted statement (PostgreSQL; tests read it). */
  oneStatementAppends = 0;

  /** The edge after the appends of `tx`, if it appended. @internal */
  pendingOf(tx: Queryable): Frontier | undefined {
    return this.#pending.get(tx);
  }

  /** Installs the edge of a transaction that has committed. */
  confirm(frontier: Frontier | undefined): void {
    if (frontier && (!this.#committed || frontier.size >= this.#committed.size)) this.#committed = frontier;
  }

  /** The edge kept for `size`, if any. @internal */
  edgeFor(tx: Queryable, size: number): Frontier | undefined {
    const own = this.#pending.get(tx);
    if (own?.size === size) return own;
    return this.#committed?.size === size ? this.#committed : undefined;
  }

  /** @internal */
  setPending(tx: Queryable, frontier: Frontier): void {
    this.#pending.set(tx, frontier);
  }

  /** The committed edge kept in memory, if any. @internal */
  get committedEdge(): Frontier | undefined {
    return this.#committed;
  }

  /** The edge kept in memory (for tests). */
  get committed(): { size: number; hashes: Uint8Array[] } | undefined {
    return this.#committed && { size: this.#committed.size, hashes: this.#committed.nodes.map((n) => n.hash) };
  }
}

/** Reads the right edge of the tree of `size` leaves from the stored hashes. */
export async function readFrontier(db: Queryable, size: number): Promise<Frontier> {
  const nodes: EdgeNode[] = [];
  let start = 0;
  for (let level = 52; level >= 0; level--) {
    const width = 2 ** level;
    if (Math.floor(size / width) % 2 === 1) {
      const index = start / width;
      const row =
        level === 0
          ? await db.get<{ hash: Uint8Array }>("SELECT leaf_hash AS hash FROM log_entries WHERE idx = ?", [index])
          : await db.get<{ hash: Uint8Array }>("SELECT hash FROM log_nodes WHERE level = ? AND idx = ?", [level, index]);
      if (!row) throw new LicenceError("ERR_UNAVAILABLE", "The log is missing a node it needs.");
      nodes.push({ level, index, hash: new Uint8Array(row.hash) });
      start += width;
    }
  }
  return { size, nodes };
}

/**
 * Appends events to the log inside the caller's transaction; returns the index of the first.
 * Three statements whatever the number of events (the counter, the entries, the subtree hashes),
 * plus a rebuild of the right edge when `frontier` does not hold the edge of the current size.
 *
 * @param tx - the open transaction
 * @param events - events to append, in order
 * @param frontier - the registry's kept right edge; the caller confirms the pending edge after COMMIT
 */
export async function appendLogEvents(tx: Queryable, events: readonly LogEvent[], frontier?: LogFrontier): Promise<number> {
  if (events.length === 0) return -1;
  // The counter row serialises appenders: its lock is held until the transaction ends.
  const row = await tx.get<{ value: number }>("UPDATE counters SET value = value + ? WHERE name = 'log.size' RETURNING value", [events.length]);
  if (!row) throw new LicenceError("ERR_UNAVAILABLE", "The log is not initialised.");
  const first = row.value - events.length;
  let edge = frontier?.edgeFor(tx, first);
  if (!edge) {
    if (frontier) frontier.rebuilds++;
    edge = await readFrontier(tx, first);
  }
  const { entryRows, nodeRows, stack } = computeAppend(edge, events);
  await insertRows(tx, "INSERT INTO log_entries (idx, leaf_hash, kind, entry, at, licence) VALUES ", "(?, ?, ?, ?, ?, ?)", entryRows);
  await insertRows(tx, "INSERT INTO log_nodes (level, idx, hash) VALUES ", "(?, ?, ?)", nodeRows);
  frontier?.setPending(tx, { size: first + events.length, nodes: stack });
  return first;
}

/** The rows an append writes and the right edge after it. */
function computeAppend(edge: Frontier, events: readonly LogEvent[]): { entryRows: (string | number | Uint8Array | null)[][]; nodeRows: (number | Uint8Array)[][]; stack: EdgeNode[] } {
  const first = edge.size;
  const stack = [...edge.nodes];
  const entryRows: (string | number | Uint8Array | null)[][] = [];
  const nodeRows: (number | Uint8Array)[][] = [];
  for (let k = 0; k < events.length; k++) {
    const event = events[k]!;
    const idx = first + k;
    const json = canonicalJson(event);
    const leaf = hashLeaf(encoder.encode(json));
    const licence = typeof event.licence === "string" ? event.licence : null;
    entryRows.push([idx, leaf, event.kind, json, event.at, licence]);
    // Each completed perfect subtree is hashed once, when its last leaf arrives.
    let node: EdgeNode = { level: 0, index: idx, hash: leaf };
    while (stack.length > 0 && stack[stack.length - 1]!.level === node.level) {
      const left = stack.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: hashChildren(left.hash, node.hash) };
      nodeRows.push([node.level, node.index, node.hash]);
    }
    stack.push(node);
  }
  return { entryRows, nodeRows, stack };
}

/**
 * PostgreSQL only: appends events in **one autocommitted statement** when the log is still at
 * the size of the committed edge kept in `frontier` (a data-modifying CTE: the counter moves
 * only if it still holds that size, and the rows are inserted only if it moved). Resolves true
 * when the events are committed; false when nothing was written (no kept edge, the log has
 * moved on, or too many rows for one statement), and the caller appends in a transaction.
 */
export async function appendLogEventsInOneStatement(db: Queryable, events: readonly LogEvent[], frontier: LogFrontier): Promise<boolean> {
  const edge = frontier.committedEdge;
  if (!edge || events.length === 0) return false;
  const { entryRows, nodeRows, stack } = computeAppend(edge, events);
  if (entryRows.length > INSERT_CHUNK || nodeRows.length > INSERT_CHUNK) return false;
  const entryTuple = "(CAST(? AS BIGINT), CAST(? AS BYTEA), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT))";
  const nodeTuple = "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BYTEA))";
  let sql =
    "WITH c AS (UPDATE counters SET value = value + CAST(? AS BIGINT) WHERE name = 'log.size' AND value = CAST(? AS BIGINT) RETURNING value), " +
    "e AS (INSERT INTO log_entries (idx, leaf_hash, kind, entry, at, licence) SELECT v.idx, v.leaf_hash, v.kind, v.entry, v.at, v.licence FROM (VALUES " +
    Array(entryRows.length).fill(entryTuple).join(", ") +
    ") AS v (idx, leaf_hash, kind, entry, at, licence) WHERE EXISTS (SELECT 1 FROM c))";
  if (nodeRows.length > 0) {
    sql +=
      ", n AS (INSERT INTO log_nodes (level, idx, hash) SELECT v.level, v.idx, v.hash FROM (VALUES " +
      Array(nodeRows.length).fill(nodeTuple).join(", ") +
      ") AS v (level, idx, hash) WHERE EXISTS (SELECT 1 FROM c))";
  }
  sql += " SELECT value FROM c";
  const row = await db.get<{ value: number }>(sql, [events.length, edge.size, ...entryRows.flat(), ...nodeRows.flat()]);
  if (!row) return false;
  frontier.oneStatementAppends++;
  frontier.confirm({ size: edge.size + events.length, nodes: stack });
  return true;
}

/**
 * SQLite's log writer thread (see `storage/sqlite-writer.ts`): the statements that append
 * `events` after the committed edge kept in `frontier`, planned on this thread — a guard that
 * moves the counter only if it still holds the edge's size (`RETURNING`: no row means the log
 * moved on and the writer rolls back), then the entries and the subtree hashes. `undefined` when
 * no edge is kept. The caller confirms `next` once the writer has committed.
 */
export function planAppendAfterEdge(
  events: readonly LogEvent[],
  frontier: LogFrontier,
): { guard: { sql: string; params: number[] }; statements: { sql: string; params: (string | number | Uint8Array | null)[] }[]; next: Frontier } | undefined {
  const edge = frontier.committedEdge;
  if (!edge || events.length === 0) return undefined;
  const { entryRows, nodeRows, stack } = computeAppend(edge, events);
  const statements: { sql: string; params: (string | number | Uint8Array | null)[] }[] = [];
  const plan = (head: string, tuple: string, rows: readonly (readonly (string | number | Uint8Array | null)[])[]): void => {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const part = rows.slice(i, i + INSERT_CHUNK);
      statements.push({ sql: head + Array(part.length).fill(tuple).join(", "), params: part.flat() });
    }
  };
  plan("INSERT INTO log_entries (idx, leaf_hash, kind, entry, at, licence) VALUES ", "(?, ?, ?, ?, ?, ?)", entryRows);
  plan("INSERT INTO log_nodes (level, idx, hash) VALUES ", "(?, ?, ?)", nodeRows);
  return {
    guard: { sql: "UPDATE counters SET value = value + ? WHERE name = 'log.size' AND value = ? RETURNING value", params: [events.length, edge.size] },
    statements,
    next: { size: edge.size + events.length, nodes: stack },
  };
}

/** Multi-row INSERTs, {@link INSERT_CHUNK} rows per statement. */
export async function insertRows(tx: Queryable, head: string, tuple: string, rows: readonly (readonly (string | number | Uint8Array | null)[])[], chunk = INSERT_CHUNK): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await tx.run(head + Array(part.length).fill(tuple).join(", "), part.flat());
  }
}

/** Every entry about a licence (`licence` member), oldest first. */
export async function logEntriesOf(db: Queryable, licence: string): Promise<{ index: number; entry: string }[]> {
  const rows = await db.all<{ idx: number; entry: string }>("SELECT idx, entry FROM log_entries WHERE licence = ? ORDER BY idx", [licence]);
  return rows.map((r) => ({ index: Number(r.idx), entry: r.entry }));
}

/** Current size of the log. */
export async function logSize(db: Queryable): Promise<number> {
  const row = await db.get<{ value: number }>("SELECT value FROM counters WHERE name = 'log.size'");
  return row?.value ?? 0;
}

async function fetchSubtrees(db: Queryable, refs: readonly SubtreeRef[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const ref of refs) {
    const row =
      ref.level === 0
        ? await db.get<{ hash: Uint8Array }>("SELECT leaf_hash AS hash FROM log_entries WHERE idx = ?", [ref.index])
        : await db.get<{ hash: Uint8Array }>("SELECT hash FROM log_nodes WHERE level = ? AND idx = ?", [ref.level, ref.index]);
    if (!row) throw new LicenceError("ERR_UNAVAILABLE", "The log is missing a node it needs.");
    out.push(row.hash);
  }
  return out;
}

/** The root hash of the first `treeSize` entries. */
export async function logRoot(db: Queryable, treeSize: number): Promise<Uint8Array> {
  if (treeSize === 0) return emptyRoot();
  return foldSubtreeHashes(await fetchSubtrees(db, planRoot(treeSize)));
}

function checkSizes(a: number, b: number, size: number): void {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < 0 || b > size || a > b) {
    throw new LicenceError("ERR_VALIDATION", "The log positions are out of range.", { issues: [{ path: [], message: "must satisfy 0 ≤ first ≤ second ≤ log size" }] });
  }
}

/** An inclusion proof for entry `index` in the tree of `treeSize` entries. */
export async function logInclusionProof(db: Queryable, index: number, treeSize: number): Promise<{ leafHash: Uint8Array; proof: Uint8Array[] }> {
  checkSizes(index, treeSize, await logSize(db));
  if (index >= treeSize) checkSizes(1, 0, 0);
  const leaf = await fetchSubtrees(db, [{ level: 0, index }]);
  const proof: Uint8Array[] = [];
  for (const refs of planInclusionProof(index, treeSize)) proof.push(foldSubtreeHashes(await fetchSubtrees(db, refs)));
  return { leafHash: leaf[0]!, proof };
}

/** A consistency proof between two tree sizes. */
export async function logConsistencyProof(db: Queryable, oldSize: number, newSize: number): Promise<Uint8Array[]> {
  checkSizes(oldSize, newSize, await logSize(db));
  const proof: Uint8Array[] = [];
  for (const refs of planConsistencyProof(oldSize, newSize)) proof.push(foldSubtreeHashes(await fetchSubtrees(db, refs)));
  return proof;
}
