/**
 * The registry's tamper-evident log (RFC 9162 hashing) on top of the database: appends happen in
 * the caller's transaction (so an event is logged exactly when its change commits), perfect
 * subtree hashes are stored as they complete, and roots and proofs read O(log n) stored hashes.
 * Entries hold no clear personal data: holders appear only as keyed hashes.
 *
 * @module
 */
import {
  LicenceError,
  canonicalJson,
  foldSubtreeHashes,
  hashChildren,
  hashLeaf,
  planConsistencyProof,
  planInclusionProof,
  planRoot,
  emptyRoot,
  type SubtreeRef,
} from "@elicence/core";
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
    | "department";
  readonly at: number;
  readonly department: string;
  readonly [member: string]: string | number | boolean | readonly string[] | undefined;
}

const encoder = new TextEncoder();

/** The bytes of a log entry: its RFC 8785 canonical JSON. */
export function encodeLogEvent(event: LogEvent): Uint8Array {
  return encoder.encode(canonicalJson(event));
}

/**
 * Appends events to the log inside the caller's transaction; returns the index of the first.
 *
 * @param tx - the open transaction
 * @param events - events to append, in order
 */
export async function appendLogEvents(tx: Queryable, events: readonly LogEvent[]): Promise<number> {
  if (events.length === 0) return -1;
  // The counter row serialises appenders: its lock is held until the transaction ends.
  const row = await tx.get<{ value: number }>("UPDATE counters SET value = value + ? WHERE name = 'log.size' RETURNING value", [events.length]);
  if (!row) throw new LicenceError("ERR_UNAVAILABLE", "The log is not initialised.");
  const first = row.value - events.length;
  const local = new Map<string, Uint8Array>();
  const nodeHash = async (level: number, index: number): Promise<Uint8Array> => {
    const cached = local.get(`${level}:${index}`);
    if (cached) return cached;
    const found =
      level === 0
        ? await tx.get<{ hash: Uint8Array }>("SELECT leaf_hash AS hash FROM log_entries WHERE idx = ?", [index])
        : await tx.get<{ hash: Uint8Array }>("SELECT hash FROM log_nodes WHERE level = ? AND idx = ?", [level, index]);
    if (!found) throw new LicenceError("ERR_UNAVAILABLE", "The log is missing a node it needs.");
    return found.hash;
  };
  for (let k = 0; k < events.length; k++) {
    const event = events[k]!;
    const idx = first + k;
    const leaf = hashLeaf(encodeLogEvent(event));
    const licence = typeof event.licence === "string" ? event.licence : null;
    await tx.run("INSERT INTO log_entries (idx, leaf_hash, kind, entry, at, licence) VALUES (?, ?, ?, ?, ?, ?)", [idx, leaf, event.kind, canonicalJson(event), event.at, licence]);
    local.set(`0:${idx}`, leaf);
    // Each completed perfect subtree is hashed once, when its last leaf arrives.
    let hash = leaf;
    let index = idx;
    let level = 0;
    while (index % 2 === 1) {
      const left = await nodeHash(level, index - 1);
      hash = hashChildren(left, hash);
      level++;
      index = (index - 1) / 2;
      await tx.run("INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)", [level, index, hash]);
      local.set(`${level}:${index}`, hash);
    }
  }
  return first;
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
