/**
 * Issuing (`elicence issue`, `POST /v1/licences` and `/v1/licences/batch`): one licence, or a
 * batch whose good items all commit together while each bad one is reported by its index. Both
 * are idempotent by request id.
 *
 * @module
 */
import { LicenceError, isLicenceError, type IssueBatchRequest, type IssueBatchResult, type IssuedRecord, type IssueItem, type IssueRequest, type Principal } from "@elicence/core";
import { requireRole } from "../access.js";
import { checkRequestId } from "../checks.js";
import type { Caller, RegistryContext } from "../context.js";
import { issueItems } from "../issue-items.js";
import { claimRequest, issuedRecords, onceOnly, remember, requestDigest } from "../replay.js";

const MAX_BATCH = 10_000;

/** Throws ERR_FORBIDDEN unless the principal is an issuer of the licence type. */
function requireIssuer(principal: Principal, typeCode: string): void {
  requireRole(principal, "issuer");
  if (!principal.licenceTypes.includes(typeCode)) {
    throw new LicenceError("ERR_FORBIDDEN", "This API key may not issue this licence type.");
  }
}

function batchError(index: number, err: unknown): IssueBatchResult["errors"][number] {
  if (isLicenceError(err)) return { index, code: err.code, message: err.message, ...(err.issues.length ? { issues: err.issues } : {}) };
  throw err;
}

/** Issues one licence (see `RegistryApi.issue`). */
export async function issue(ctx: RegistryContext, caller: Caller, request: IssueRequest): Promise<IssuedRecord> {
  checkRequestId(request?.requestId);
  const { requestId, ...item } = request;
  requireIssuer(caller.principal, item.type);
  const digest = requestDigest(item);
  return onceOnly(() => issueOnce(ctx, caller, requestId, item, digest));
}

async function issueOnce(ctx: RegistryContext, caller: Caller, requestId: string, item: IssueItem, digest: string): Promise<IssuedRecord> {
  const department = caller.principal.department;
  return ctx.transaction(async (tx) => {
    // The claim is the first write: a twin of this request id waits here, not on the status slot counter.
    const replayed = await claimRequest(tx, department, requestId, "issue", digest, ctx.now());
    if (replayed) return (await issuedRecords(ctx, tx, replayed))[0]!;
    const [record] = await issueItems(ctx, caller, tx, [item], "issue");
    await remember(tx, department, requestId, "issue", [record!.id], digest);
    return record!;
  });
}

/** Issues a batch (see `RegistryApi.issueBatch`). */
export async function issueBatch(ctx: RegistryContext, caller: Caller, request: IssueBatchRequest): Promise<IssueBatchResult> {
  checkRequestId(request?.requestId);
  if (!Array.isArray(request.items) || request.items.length === 0 || request.items.length > MAX_BATCH) {
    throw new LicenceError("ERR_VALIDATION", "The batch is not valid.", { issues: [{ path: ["items"], message: `must hold 1 to ${MAX_BATCH} licences` }] });
  }
  requireRole(caller.principal, "issuer");
  const digest = requestDigest(request.items);
  return onceOnly(() => issueBatchOnce(ctx, caller, request, digest));
}

async function issueBatchOnce(ctx: RegistryContext, caller: Caller, request: IssueBatchRequest, digest: string): Promise<IssueBatchResult> {
  const department = caller.principal.department;
  return ctx.transaction(async (tx) => {
    const replayed = await claimRequest(tx, department, request.requestId, "batch", digest, ctx.now());
    if (replayed) {
      const stored = JSON.parse(replayed[0]!) as { ids: (string | null)[]; errors: IssueBatchResult["errors"] };
      const ids = stored.ids.filter((id): id is string => id !== null);
      const records = await issuedRecords(ctx, tx, ids);
      let k = 0;
      const issued = stored.ids.flatMap((id, index) => (id === null ? [] : [{ ...records[k++]!, index }]));
      return { issued, errors: stored.errors };
    }
    const good: { index: number; item: IssueItem }[] = [];
    const errors: IssueBatchResult["errors"][number][] = [];
    request.items.forEach((item, index) => {
      try {
        requireIssuer(caller.principal, item?.type);
        good.push({ index, item });
      } catch (err) {
        errors.push(batchError(index, err));
      }
    });
    const issued: (IssuedRecord & { index: number })[] = [];
    // Each item is validated and signed on its own, so a bad row never stops the good ones;
    // all good ones commit together in this one transaction.
    const records = await issueItems(ctx, caller, tx, good.map((g) => g.item), "issue", (k, err) => errors.push(batchError(good[k]!.index, err)));
    for (const [k, record] of records.entries()) if (record) issued.push({ ...record, index: good[k]!.index });
    errors.sort((a, b) => a.index - b.index);
    const ids: (string | null)[] = request.items.map(() => null);
    for (const r of issued) ids[r.index] = r.id;
    await remember(tx, department, request.requestId, "batch", [JSON.stringify({ ids, errors })], digest);
    return { issued, errors };
  });
}
