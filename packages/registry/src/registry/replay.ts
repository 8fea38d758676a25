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

/** Runs an idempotent write; if a concurrent call with the same request id won, retries to replay its result. */
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

/** Stores a request's result and body digest in the caller's transaction (a concurrent twin fails on the key). */
export async function remember(tx: Queryable, department: string, requestId: string, kind: string, result: readonly string[], now: number, digest: string): Promise<void> {
  await tx.run("INSERT INTO requests (department, request_id, kind, result, created_at, body_hash) VALUES (?, ?, ?, ?, ?, ?)", [department, requestId, kind, JSON.stringify(result), now, digest]);
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
