/**
 * The registry's self-check (`Registry.audit`): the licence table, the status lists and the log
 * must agree. Operators run it after a crash or a restore; tests run it after killing the process.
 *
 * @module
 */
import { type LicenceStatus } from "@elicence/core";
import { computeRoot, hashLeaf } from "@elicence/core/log";
import type { Queryable } from "../storage/database.js";
import { logRoot, logSize } from "./log.js";
import { readStatusList, statusListValue } from "./status-lists.js";

/** What `Registry.audit` found: the counts it checked and every disagreement, in words. */
export interface AuditResult {
  licences: number;
  logSize: number;
  problems: string[];
}

/**
 * Checks that every licence has its issue event in the log, every status list slot shows its
 * licence's status, no two licences share a slot, and the stored subtree hashes give the same
 * root as hashing every leaf anew.
 *
 * @param db - the registry's database
 */
export async function auditRegistry(db: Queryable): Promise<AuditResult> {
  const problems: string[] = [];
  const licences = await db.all<{ id: string; status: LicenceStatus; status_list: number; status_idx: number }>("SELECT id, status, status_list, status_idx FROM licences");
  const issued = await db.all<{ entry: string }>("SELECT entry FROM log_entries WHERE kind IN ('issue', 'amend', 'renew')");
  const logged = new Map<string, number>();
  for (const row of issued) {
    const id = (JSON.parse(row.entry) as { licence: string }).licence;
    logged.set(id, (logged.get(id) ?? 0) + 1);
  }
  for (const l of licences) if (logged.get(l.id) !== 1) problems.push(`licence ${l.id} has ${logged.get(l.id) ?? 0} issue events`);
  if (logged.size !== licences.length) problems.push(`the log has ${logged.size} issued licences, the table ${licences.length}`);
  const lists = new Map<number, Awaited<ReturnType<typeof readStatusList>>["list"]>();
  const slots = new Set<string>();
  for (const l of licences) {
    const slot = `${l.status_list}:${l.status_idx}`;
    if (slots.has(slot)) problems.push(`status slot ${slot} is shared`);
    slots.add(slot);
    let list = lists.get(l.status_list);
    if (!list) {
      list = (await readStatusList(db, l.status_list)).list;
      lists.set(l.status_list, list);
    }
    if (list.get(l.status_idx) !== statusListValue(l.status)) problems.push(`licence ${l.id} is ${l.status} but its status list says ${list.get(l.status_idx)}`);
  }
  const size = await logSize(db);
  const leaves = await db.all<{ idx: number; leaf_hash: Uint8Array; entry: string }>("SELECT idx, leaf_hash, entry FROM log_entries ORDER BY idx");
  if (leaves.length !== size) problems.push(`the log counter says ${size}, the table holds ${leaves.length} entries`);
  leaves.forEach((leaf, i) => {
    if (leaf.idx !== i) problems.push(`log entry ${i} is missing`);
    if (Buffer.compare(Buffer.from(hashLeaf(new TextEncoder().encode(leaf.entry))), Buffer.from(leaf.leaf_hash)) !== 0) problems.push(`log entry ${i} does not match its hash`);
  });
  if (leaves.length === size && size > 0) {
    const fresh = computeRoot({ size, leafHash: (i) => new Uint8Array(leaves[i]!.leaf_hash) });
    if (Buffer.compare(Buffer.from(fresh), Buffer.from(await logRoot(db, size))) !== 0) problems.push("the stored subtree hashes do not give the log's root");
  }
  return { licences: licences.length, logSize: size, problems };
}
