/**
 * Status lists in the database: every licence gets an index in a 2-bit IETF Token Status List;
 * the list bytes change in the same transaction as the licence's status; signed tokens are made
 * on demand and cached per list revision.
 *
 * @module
 */
import { LICENCE_END_REASON_VALUES, LICENCE_STATUS_VALUES, LicenceError, StatusList, type LicenceStatus } from "@elicence/core";
import type { Queryable } from "../storage/database.js";

/** Entries per list: 65 536 × 2 bits = 16 KiB per list. */
export const STATUS_LIST_SIZE = 65536;
const BITS = 2;
const BYTES = (STATUS_LIST_SIZE * BITS) / 8;

/** The list value a licence status is published as. */
export function statusListValue(status: LicenceStatus): number {
  return (LICENCE_STATUS_VALUES as Readonly<Record<LicenceStatus, number>>)[status];
}

/** Allocates `count` consecutive status slots; returns their (list, idx) pairs. */
export async function allocateStatusSlots(tx: Queryable, count: number): Promise<{ list: number; idx: number }[]> {
  const row = await tx.get<{ value: number }>("UPDATE counters SET value = value + ? WHERE name = 'status.next' RETURNING value", [count]);
  if (!row) throw new LicenceError("ERR_UNAVAILABLE", "The status lists are not initialised.");
  const first = row.value - count;
  const slots: { list: number; idx: number }[] = [];
  const lists = new Set<number>();
  for (let g = first; g < row.value; g++) {
    const list = Math.floor(g / STATUS_LIST_SIZE);
    slots.push({ list, idx: g % STATUS_LIST_SIZE });
    lists.add(list);
  }
  for (const list of lists) {
    await tx.run("INSERT INTO status_lists (id, bits, size, used, bytes, revision) VALUES (?, ?, ?, 0, ?, 0) ON CONFLICT (id) DO NOTHING", [
      list,
      BITS,
      STATUS_LIST_SIZE,
      new Uint8Array(BYTES),
    ]);
  }
  for (const list of lists) {
    const used = slots.filter((s) => s.list === list).reduce((m, s) => Math.max(m, s.idx + 1), 0);
    await tx.run("UPDATE status_lists SET used = CASE WHEN used > ? THEN used ELSE ? END WHERE id = ?", [used, used, list]);
  }
  return slots;
}

/** Sets the published value of slots inside the caller's transaction. */
export async function setStatusValues(tx: Queryable, changes: readonly { list: number; idx: number; status: LicenceStatus }[]): Promise<void> {
  const byList = new Map<number, { idx: number; value: number }[]>();
  for (const c of changes) {
    const entries = byList.get(c.list) ?? [];
    entries.push({ idx: c.idx, value: statusListValue(c.status) });
    byList.set(c.list, entries);
  }
  for (const [list, entries] of byList) {
    // Lock the row before reading it (an UPDATE takes the lock on both engines; on PostgreSQL a
    // plain SELECT would let two transactions read the same bytes and lose one change).
    const row = await tx.get<{ bytes: Uint8Array }>("UPDATE status_lists SET revision = revision + 1 WHERE id = ? RETURNING bytes", [list]);
    if (!row) throw new LicenceError("ERR_UNAVAILABLE", "A status list is missing.");
    const statusList = StatusList.fromBytes(new Uint8Array(row.bytes), BITS);
    for (const e of entries) statusList.set(e.idx, e.value);
    await tx.run("UPDATE status_lists SET bytes = ? WHERE id = ?", [statusList.toBytes(), list]);
  }
}

/** Reads a list as it is now, with its revision. */
export async function readStatusList(db: Queryable, id: number): Promise<{ list: StatusList; revision: number }> {
  const row = await db.get<{ bytes: Uint8Array; revision: number }>("SELECT bytes, revision FROM status_lists WHERE id = ?", [id]);
  if (!row) throw new LicenceError("ERR_NOT_FOUND", "There is no such status list.");
  return { list: StatusList.fromBytes(new Uint8Array(row.bytes), BITS), revision: row.revision };
}

/**
 * The reason list published beside list `id` (see `LICENCE_END_REASON_VALUES`): why each licence
 * it marks INVALID ended, read from the licences' own statuses when the token is signed (a token
 * is signed once per list revision, and every status change moves the revision).
 */
export async function readEndReasons(db: Queryable, id: number, size: number): Promise<StatusList> {
  const reasons = new StatusList(size, 2);
  const rows = await db.all<{ status_idx: number; status: "revoked" | "cancelled" | "superseded" }>(
    "SELECT status_idx, status FROM licences WHERE status_list = ? AND status IN ('revoked', 'cancelled', 'superseded')",
    [id],
  );
  for (const row of rows) reasons.set(Number(row.status_idx), LICENCE_END_REASON_VALUES[row.status]);
  return reasons;
}
