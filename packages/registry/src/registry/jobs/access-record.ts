/**
 * A holder's access record (`elicence access-record`, `GET /v1/holder/access-record`): every read and
 * comparison of the holder's licences — which department, when, for which matter, the hash of its
 * reason, which fields, which consents opened them — straight from the log, each entry with its
 * inclusion proof against one signed checkpoint.
 *
 * @module
 */
import { LicenceError, type AccessRecordPage, type AccessRecordQuery } from "@elicence/core";
import { logInclusionProof } from "../log.js";
import { b64u } from "../rows.js";
import { acceptHolderToken, type HolderContext } from "./consent.js";

/** Entries one page holds by default, and at most. */
export const ACCESS_RECORD_PAGE = { default: 100, max: 500 } as const;

/** The log entry kinds a holder's record shows: the uses of their licences. */
const USES = ["read", "verify-data", "materials"] as const;

function checkQuery(query: AccessRecordQuery | undefined): { limit: number; after: number } {
  const limit = query?.limit ?? ACCESS_RECORD_PAGE.default;
  const after = query?.after ?? -1;
  const issues = [];
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > ACCESS_RECORD_PAGE.max) issues.push({ path: ["limit"], message: `must be a whole number from 1 to ${ACCESS_RECORD_PAGE.max}` });
  if (!Number.isSafeInteger(after) || after < -1) issues.push({ path: ["after"], message: "must be a log index" });
  if (issues.length > 0) throw new LicenceError("ERR_VALIDATION", "The page is not valid.", { issues });
  return { limit, after };
}

/**
 * One page of the token's holder's access record, in log order after `query.after`.
 *
 * @param ctx - the holder context
 * @param token - a holder request token with scope `access-record`
 * @param query - the page
 * @param checkpoint - the log's signed checkpoint now (the proofs lead to it)
 */
export async function accessRecord(ctx: HolderContext, token: unknown, query: AccessRecordQuery | undefined, checkpoint: () => Promise<string>): Promise<AccessRecordPage> {
  const { limit, after } = checkQuery(query);
  const now = ctx.now();
  const holderKey = await ctx.transaction(async (tx) => {
    const v = await acceptHolderToken(ctx, tx, token, "request", now);
    if (v.claims.scope !== "access-record") throw new LicenceError("ERR_HOLDER_TOKEN_INVALID", "The holder token is not valid.", { details: { reason: "claims" } });
    return ctx.holderKey(v.holder);
  });
  // The checkpoint first: every entry read after it that it does not cover waits for the next page.
  const note = await checkpoint();
  const treeSize = Number(note.split("\n")[1]);
  const rows = await ctx.db.all<{ idx: number; entry: string }>(
    `SELECT e.idx, e.entry FROM log_entries e JOIN licences l ON l.id = e.licence WHERE l.holder_key = ? AND e.kind IN (${USES.map(() => "?").join(", ")}) AND e.idx > ? AND e.idx < ? ORDER BY e.idx LIMIT ${limit + 1}`,
    [holderKey, ...USES, after, treeSize],
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const entries = [];
  for (const r of page) {
    const index = Number(r.idx);
    const { proof } = await logInclusionProof(ctx.db, index, treeSize);
    entries.push({ index, entry: r.entry, proof: proof.map(b64u) });
  }
  return { checkpoint: note, entries, ...(more ? { next: entries[entries.length - 1]!.index } : {}) };
}
