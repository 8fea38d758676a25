/**
 * A licence's lifecycle (`elicence amend|renew|suspend|resume|revoke|cancel`,
 * `POST /v1/licences/{id}/…`): a new version that supersedes the old one (amend, renew), or a
 * status change. Only the issuing department may change its licences; every change is one
 * transaction with its status history, status list bits and log event.
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { LicenceError, type HolderPublicJwk, type IssuedRecord, type IssueItem, type LicenceRecord, type LicenceStatus, type Principal, type StatusChangeRequest } from "@elicence/core";
import { decodeUtf8 } from "@elicence/core/encoding";
import type { Queryable } from "../../storage/database.js";
import { requireRole } from "../access.js";
import { reasonHash } from "../cause.js";
import { checkReason, checkRequestId } from "../checks.js";
import type { Caller, RegistryContext } from "../context.js";
import { issueItems } from "../issue-items.js";
import { appendLogEvents } from "../log.js";
import { claimRequest, issuedRecords, onceOnly, remember, requestDigest } from "../replay.js";
import { licenceFields, lockLicenceRow, recordOf, type LicenceRow } from "../rows.js";
import { setStatusValues } from "../status-lists.js";

/** The status changes, each from the statuses it applies to. */
const TRANSITIONS: Record<"suspend" | "resume" | "revoke" | "cancel", { from: readonly LicenceStatus[]; to: LicenceStatus }> = {
  suspend: { from: ["active"], to: "suspended" },
  resume: { from: ["suspended"], to: "active" },
  revoke: { from: ["active", "suspended"], to: "revoked" },
  cancel: { from: ["active", "suspended"], to: "cancelled" },
};

/** A status change's name. */
export type StatusChange = keyof typeof TRANSITIONS;

/** Amends a licence: a new version with changed fields (see `RegistryApi.amend`). */
export async function amend(ctx: RegistryContext, caller: Caller, id: string, request: { requestId: string; fields: Readonly<Record<string, unknown>>; reason: string }): Promise<IssuedRecord> {
  checkRequestId(request?.requestId);
  checkReason(request.reason);
  return onceOnly(() => supersede(ctx, caller, id, request.requestId, requestDigest({ id, fields: request.fields, reason: request.reason }), "amend", request.reason, (old) => ({ fields: { ...old.fields, ...(request.fields ?? {}) } })));
}

/** Renews a licence: a new version with a new end of validity (see `RegistryApi.renew`). */
export async function renew(ctx: RegistryContext, caller: Caller, id: string, request: { requestId: string; validUntil: string | null; reason: string }): Promise<IssuedRecord> {
  checkRequestId(request?.requestId);
  checkReason(request.reason);
  return onceOnly(() => supersede(ctx, caller, id, request.requestId, requestDigest({ id, validUntil: request.validUntil, reason: request.reason }), "renew", request.reason, () => ({ validUntil: request.validUntil })));
}

async function supersede(
  ctx: RegistryContext,
  caller: Caller,
  id: string,
  requestId: string,
  digest: string,
  kind: "amend" | "renew",
  reason: string,
  change: (old: { fields: Record<string, unknown> }) => { fields?: Record<string, unknown>; validUntil?: string | null },
): Promise<IssuedRecord> {
  const department = caller.principal.department;
  return ctx.transaction(async (tx) => {
    // The claim comes before the licence's row lock and the status slot counter (see claimRequest).
    const replayed = await claimRequest(tx, department, requestId, kind, digest, ctx.now());
    if (replayed) return (await issuedRecords(ctx, tx, replayed))[0]!;
    const old = await ownLicence(tx, caller.principal, id);
    if (old.status !== "active" && old.status !== "suspended") throw new LicenceError("ERR_STATE_INVALID", "Only an active or suspended licence can be amended or renewed.");
    const fields = licenceFields(old, await ctx.disclosures(tx, old));
    const payload = JSON.parse(decodeUtf8(old.payload)) as { licence: { holder: { name: string; idType: string; idNumber: string }; number: string }; cnf?: { jwk: HolderPublicJwk } };
    const changed = change({ fields });
    const item: IssueItem = {
      type: old.type_code,
      holder: payload.licence.holder as IssueItem["holder"],
      fields: Object.fromEntries(Object.entries(changed.fields ?? fields).filter(([, v]) => v !== null)),
      number: payload.licence.number,
      validFrom: new Date(old.valid_from * 1000).toISOString(),
      validUntil: changed.validUntil !== undefined ? changed.validUntil : old.valid_until === null ? null : new Date(old.valid_until * 1000).toISOString(),
      // A new version stays bound to the same holder key.
      ...(payload.cnf ? { holderKey: payload.cnf.jwk } : {}),
    };
    const [record] = await issueItems(ctx, caller, tx, [item], kind, undefined, { supersedes: old, serial: old.serial, reason: reasonHash(reason) });
    const now = ctx.now();
    await tx.run("UPDATE licences SET status = 'superseded', superseded_by = ? WHERE id = ?", [record!.id, old.id]);
    await addHistory(tx, department, old.id, "superseded", now, reason);
    // (issueItems set the old slot's status value, before the log append.)
    await appendLogEvents(tx, [{ kind: "status", at: now, department, licence: old.id, status: "superseded", by: record!.id, reason: reasonHash(reason) }], ctx.logFrontier);
    await remember(tx, department, requestId, kind, [record!.id], digest);
    return record!;
  });
}

/**
 * Changes a licence's status (see `RegistryApi.suspend`, `resume`, `revoke`, `cancel`).
 *
 * @throws LicenceError `ERR_STATE_INVALID` when its status does not allow the change
 */
export async function changeStatus(ctx: RegistryContext, caller: Caller, id: string, action: StatusChange, change: StatusChangeRequest): Promise<LicenceRecord> {
  checkReason(change?.reason);
  if (change.officer !== undefined && (typeof change.officer !== "string" || change.officer.length > 64)) {
    throw new LicenceError("ERR_VALIDATION", "The status change is not valid.", { issues: [{ path: ["officer"], message: "must be at most 64 characters" }] });
  }
  const rule = TRANSITIONS[action];
  const department = caller.principal.department;
  return ctx.transaction(async (tx) => {
    const row = await ownLicence(tx, caller.principal, id);
    if (!rule.from.includes(row.status)) {
      throw new LicenceError("ERR_STATE_INVALID", "The licence's status does not allow this change.", { details: { status: row.status, action } });
    }
    const now = ctx.now();
    await tx.run("UPDATE licences SET status = ? WHERE id = ?", [rule.to, id]);
    await addHistory(tx, department, id, rule.to, now, change.reason, change.officer);
    await setStatusValues(tx, [{ list: row.status_list, idx: row.status_idx, status: rule.to }]);
    const officer = change.officer ? createHmac("sha256", "elicence/officer").update(`${department}:${change.officer}`).digest("base64url") : undefined;
    await appendLogEvents(tx, [{ kind: "status", at: now, department, licence: id, status: rule.to, reason: reasonHash(change.reason), ...(officer ? { officer } : {}) }], ctx.logFrontier);
    return recordOf({ ...row, status: rule.to });
  });
}

/** Locks a licence of the caller's own department. @throws LicenceError `ERR_FORBIDDEN` for anyone else's */
async function ownLicence(tx: Queryable, principal: Principal, id: string): Promise<LicenceRow> {
  const row = await lockLicenceRow(tx, id);
  requireRole(principal, "issuer");
  if (row.issuer !== principal.department || !principal.licenceTypes.includes(row.type_code)) {
    throw new LicenceError("ERR_FORBIDDEN", "Only the issuing department may change this licence.");
  }
  return row;
}

async function addHistory(tx: Queryable, department: string, id: string, status: LicenceStatus, at: number, reason: string, officer?: string): Promise<void> {
  const seq = await tx.get<{ seq: number }>("SELECT MAX(seq) AS seq FROM status_history WHERE licence_id = ?", [id]);
  await tx.run("INSERT INTO status_history (licence_id, seq, status, at, reason, department, officer) VALUES (?, ?, ?, ?, ?, ?, ?)", [
    id,
    (seq?.seq ?? 0) + 1,
    status,
    at,
    reason,
    department,
    officer ?? null,
  ]);
}
