/**
 * Idempotent writes: each issue, batch, amendment and renewal carries a request id; its result is
 * stored with the change, and a repeat of the id answers the stored result instead of writing again.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { LicenceError, isLicenceError, type IssuedRecord } from "@elicence/core";
import { canonicalJson } from "@elicence/core/encoding";
import type { Queryable } from "../storage/database.js";
import type { RegistryContext } from "./context.js";
import { readLicenceRow } from "./rows.js";
import { storedCosignatures } from "./cosignatures.js";

/**
 * Runs an idempotent write; on `ERR_CONFLICT` (a unique key another write took first) it runs once
 * more, to replay or redo against what that write committed.
 */
export async function onceOnly<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isLicenceError(err, "ERR_CONFLICT")) throw err;
    return fn();
  }
}

/**
 * The digest a request is remembered by: SHA-256 of its canonical JSON (RFC 8785), so the same
 * members in another order, or another serialisation, are the same request.
 *
 * @param body - what the request asks (its request id left out or in: it is the same either way)
 */
export function requestDigest(body: unknown): string {
  // Through JSON first: members whose value is undefined are absent, as on the wire.
  return createHash("sha256").update(canonicalJson(JSON.parse(JSON.stringify(body ?? null)))).digest("base64url");
}

/**
 * The stored result of a department's request id, if it was used.
 *
 * @param digest - the request's {@link requestDigest}
 * @throws LicenceError `ERR_CONFLICT` when it was used for another kind of request,
 *   `ERR_IDEMPOTENCY_MISMATCH` when it was used with another body
 */
export async function replay(tx: Queryable, department: string, requestId: string, kind: string, digest: string): Promise<string[] | undefined> {
  const row = await tx.get<{ kind: string; result: string; body_hash: string | null }>("SELECT kind, result, body_hash FROM requests WHERE department = ? AND request_id = ?", [department, requestId]);
  if (!row) return undefined;
  if (row.kind !== kind) throw new LicenceError("ERR_CONFLICT", "This request id was used for another kind of request.");
  if (row.body_hash !== null && row.body_hash !== digest) {
    throw new LicenceError("ERR_IDEMPOTENCY_MISMATCH", "This request id was used with a different request body; use a new request id for a new request.");
  }
  return JSON.parse(row.result) as string[];
}

/** What a claimed request row holds until its job stores the result in the same transaction (never seen committed). */
const PENDING = "null";

/**
 * Claims a department's request id for this transaction, as its first write, before any work: a
 * row with a placeholder result that {@link remember} fills in. A twin (the same id sent to two
 * processes at once) that claims second waits on the key (PostgreSQL's unique index; SQLite's one
 * writer) until the first commits, then answers its stored result without redoing the work, so it
 * never waits on the locks the work takes (the status slot counter) nor holds a connection for a
 * second run. If the first rolls back, the claim goes through and this one does the work.
 *
 * @param digest - the request's {@link requestDigest}
 * @returns the stored result when the id was used (this transaction then writes nothing), or
 *   `undefined` when it is now claimed for this transaction
 * @throws LicenceError `ERR_CONFLICT` when it was used for another kind of request,
 *   `ERR_IDEMPOTENCY_MISMATCH` when it was used with another body (as {@link replay})
 */
export async function claimRequest(tx: Queryable, department: string, requestId: string, kind: string, digest: string, now: number): Promise<string[] | undefined> {
  const claimed = await tx.run(
    "INSERT INTO requests (department, request_id, kind, result, created_at, body_hash) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (department, request_id) DO NOTHING",
    [department, requestId, kind, PENDING, now, digest],
  );
  if (claimed.changes === 1) return undefined;
  const stored = await replay(tx, department, requestId, kind, digest);
  // The key is taken but its row is not visible (a snapshot older than the twin's commit): run again.
  if (!stored) throw new LicenceError("ERR_UNAVAILABLE", "The request id was claimed concurrently; try again.", { details: { retryable: true } });
  return stored;
}

/** Stores a request's result in the row {@link claimRequest} claimed in the same transaction. */
export async function remember(tx: Queryable, department: string, requestId: string, kind: string, result: readonly string[], digest: string): Promise<void> {
  const { changes } = await tx.run("UPDATE requests SET result = ? WHERE department = ? AND request_id = ? AND kind = ? AND body_hash = ? AND result = ?", [
    JSON.stringify(result),
    department,
    requestId,
    kind,
    digest,
    PENDING,
  ]);
  if (changes !== 1) throw new Error("remember() needs the request claimed by claimRequest() in the same transaction.");
}

/** The issued records of stored licences, as their first answer gave them (every disclosure). */
export async function issuedRecords(ctx: RegistryContext, tx: Queryable, ids: readonly string[]): Promise<IssuedRecord[]> {
  const out: IssuedRecord[] = [];
  for (const id of ids) {
    const row = await readLicenceRow(tx, id);
    const names = Object.keys(await ctx.disclosures(tx, row));
    // The signature's time-stamp, as the first answer carried it (JAdES B-T).
    const sigTst = (row as { sig_tst?: Uint8Array | null }).sig_tst;
    out.push({
      id,
      licence: await ctx.compact(tx, row, names),
      status: row.status,
      statusList: { uri: ctx.statusListUri(row.status_list), idx: row.status_idx },
      ...(sigTst ? { signatureTimestamp: Buffer.from(sigTst).toString("base64") } : {}),
    });
    const cosigned = await storedCosignatures(tx, row, await ctx.disclosures(tx, row), names);
    if (cosigned) out[out.length - 1] = { ...out[out.length - 1]!, cosigned };
  }
  return out;
}
