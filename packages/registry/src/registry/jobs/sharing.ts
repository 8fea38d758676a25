/**
 * Sharing by class (`elicence agreement add|list`, `/v1/agreements`, `/v1/authorisations`):
 * agreements between departments and holders' own authorisations, each naming the conditional
 * fields of one licence type a consumer may see until it expires.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { LicenceError, type HolderAuthorisation, type HolderCode, type Principal, type SharingAgreement } from "@elicence/core";
import { issuesType, requireGrantor, requireRole } from "../access.js";
import { checkConditionalFields, checkDepartment, checkHolder, parseTime } from "../checks.js";
import type { RegistryContext } from "../context.js";
import { appendLogEvents } from "../log.js";
import { b64u, readLicenceType } from "../rows.js";

/** Lets a consumer department see conditional fields of a licence type until a time (admins; see `RegistryApi.createAgreement`). */
export async function createAgreement(ctx: RegistryContext, principal: Principal, input: Omit<SharingAgreement, "id" | "createdAt">): Promise<SharingAgreement> {
  requireRole(principal, "admin");
  const now = ctx.now();
  const expires = parseTime(input?.expiresAt, "expiresAt");
  return ctx.transaction(async (tx) => {
    const type = await readLicenceType(tx, input.type);
    checkConditionalFields(type, input.fields);
    if (!expires || expires.getTime() <= now) throw new LicenceError("ERR_VALIDATION", "The agreement is not valid.", { issues: [{ path: ["expiresAt"], message: "must be in the future" }] });
    checkDepartment(input.consumer);
    const agreement: SharingAgreement = { id: randomUUID(), consumer: input.consumer, type: type.code, fields: [...input.fields], expiresAt: expires.toISOString(), createdAt: new Date(now).toISOString() };
    await tx.run("INSERT INTO agreements (id, consumer, type_code, fields, expires_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)", [
      agreement.id,
      agreement.consumer,
      agreement.type,
      JSON.stringify(agreement.fields),
      expires.getTime(),
      now,
      principal.department,
    ]);
    await appendLogEvents(tx, [{ kind: "agreement", at: now, department: principal.department, agreement: agreement.id, consumer: agreement.consumer, type: agreement.type, fields: agreement.fields, expires: expires.getTime() }], ctx.logFrontier);
    return agreement;
  });
}

/** The agreements the caller may see: all for admins and auditors, its own for a consumer. */
export async function listAgreements(ctx: RegistryContext, principal: Principal): Promise<SharingAgreement[]> {
  requireRole(principal, "admin", "auditor", "consumer");
  const admin = principal.roles.includes("admin") || principal.roles.includes("auditor");
  const rows = await ctx.db.all<{ id: string; consumer: string; type_code: string; fields: string; expires_at: number; created_at: number }>(
    admin ? "SELECT * FROM agreements ORDER BY created_at" : "SELECT * FROM agreements WHERE consumer = ? ORDER BY created_at",
    admin ? [] : [principal.department],
  );
  return rows.map((r) => ({ id: r.id, consumer: r.consumer, type: r.type_code, fields: JSON.parse(r.fields) as string[], expiresAt: new Date(r.expires_at).toISOString(), createdAt: new Date(r.created_at).toISOString() }));
}

/** Records a holder's authorisation of a consumer to see conditional fields (see `RegistryApi.createAuthorisation`). */
export async function createAuthorisation(ctx: RegistryContext, principal: Principal, input: Omit<HolderAuthorisation, "id">): Promise<HolderAuthorisation> {
  // The holder authorises through a channel the registry trusts (the admin or the issuing department acts for them).
  requireRole(principal, "admin", "issuer");
  checkHolder(input?.holder);
  const now = ctx.now();
  const expires = parseTime(input.expiresAt, "expiresAt");
  return ctx.transaction(async (tx) => {
    const type = await readLicenceType(tx, input.type);
    requireGrantor(principal, type);
    checkConditionalFields(type, input.fields);
    checkDepartment(input.consumer);
    if (!expires || expires.getTime() <= now) throw new LicenceError("ERR_VALIDATION", "The authorisation is not valid.", { issues: [{ path: ["expiresAt"], message: "must be in the future" }] });
    const key = ctx.holderKey(input.holder);
    const auth: HolderAuthorisation = { id: randomUUID(), holder: { ...input.holder }, consumer: input.consumer, type: type.code, fields: [...input.fields], expiresAt: expires.toISOString() };
    await tx.run("INSERT INTO authorisations (id, holder_key, holder_id_type, consumer, type_code, fields, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
      auth.id,
      key,
      input.holder.idType,
      auth.consumer,
      auth.type,
      JSON.stringify(auth.fields),
      expires.getTime(),
      now,
    ]);
    await appendLogEvents(tx, [{ kind: "authorisation", at: now, department: principal.department, authorisation: auth.id, holder: b64u(key), consumer: auth.consumer, type: auth.type, fields: auth.fields }], ctx.logFrontier);
    return auth;
  });
}

/** A holder's authorisations, oldest first: all of them for admins and auditors, those of its own types for an issuer key. */
export async function listAuthorisations(ctx: RegistryContext, principal: Principal, holder?: HolderCode): Promise<HolderAuthorisation[]> {
  requireRole(principal, "admin", "issuer", "auditor");
  if (holder === undefined) throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["holder"], message: "is required" }] });
  checkHolder(holder);
  const rows = await ctx.db.all<{ id: string; consumer: string; type_code: string; fields: string; expires_at: number }>(
    "SELECT id, consumer, type_code, fields, expires_at FROM authorisations WHERE holder_key = ? ORDER BY created_at",
    [ctx.holderKey(holder)],
  );
  const overseer = principal.roles.includes("admin") || principal.roles.includes("auditor");
  const visible: typeof rows = [];
  for (const r of rows) {
    if (overseer || (principal.licenceTypes.includes(r.type_code) && issuesType(principal, await readLicenceType(ctx.db, r.type_code)))) visible.push(r);
  }
  return visible.map((r) => ({ id: r.id, holder: { ...holder }, consumer: r.consumer, type: r.type_code, fields: JSON.parse(r.fields) as string[], expiresAt: new Date(r.expires_at).toISOString() }));
}
