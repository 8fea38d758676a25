/**
 * Approval matters (`elicence matter add|list|show`, `elicence materials`, `/v1/matters…`): the
 * catalogue of matters as data, and the materials check by matter code — for each licence type a
 * matter requires, the holder's current licences with only the fields the matter needs (and the
 * caller is entitled to), every read logged with the matter as its cause.
 *
 * @module
 */
import { LicenceError, parseApprovalMatter, type ApprovalMatter, type HolderCode, type MatterMaterial, type MatterMaterials, type Principal, type ReadCause, type ValidationIssue } from "@elicence/core";
import type { Queryable } from "../../storage/database.js";
import { requireCause, requireRole } from "../access.js";
import { reasonHash } from "../cause.js";
import { checkHolder } from "../checks.js";
import type { RegistryContext } from "../context.js";
import { appendLogEvents, type LogEvent } from "../log.js";
import { b64u, readLatestLicenceTypes, type LicenceRow } from "../rows.js";
import { loggedRead, share } from "./read.js";

/** Why a matter names something the catalogue does not have: every problem, with its path. */
async function checkAgainstCatalogue(db: Queryable, matter: ApprovalMatter): Promise<void> {
  const types = new Map((await readLatestLicenceTypes(db)).map((t) => [t.code, t]));
  const issues: ValidationIssue[] = [];
  matter.requires.forEach((r, i) => {
    const type = types.get(r.type);
    if (!type) return void issues.push({ path: ["requires", i, "type"], message: "is not a licence type of the catalogue" });
    r.fields.forEach((name, j) => {
      const field = type.fields.find((f) => f.name === name);
      if (!field) issues.push({ path: ["requires", i, "fields", j], message: "is not a field of this licence type" });
      else if (field.share === "none") issues.push({ path: ["requires", i, "fields", j], message: "is shared with no one, so no matter can need it" });
    });
  });
  if (issues.length > 0) throw new LicenceError("ERR_VALIDATION", "The approval matter is not valid.", { issues });
}

/** Adds an approval matter (admins; see `RegistryApi.addMatter`). @throws LicenceError `ERR_VALIDATION`, `ERR_CONFLICT` */
export async function addMatter(ctx: RegistryContext, principal: Principal, input: ApprovalMatter): Promise<ApprovalMatter> {
  requireRole(principal, "admin");
  const matter = parseApprovalMatter(input);
  const now = ctx.now();
  return ctx.transaction(async (tx) => {
    await checkAgainstCatalogue(tx, matter);
    if (await tx.get("SELECT 1 AS one FROM approval_matters WHERE code = ?", [matter.code])) {
      throw new LicenceError("ERR_CONFLICT", "An approval matter with this code exists.");
    }
    await tx.run("INSERT INTO approval_matters (code, definition, created_at, created_by) VALUES (?, ?, ?, ?)", [matter.code, JSON.stringify(matter), now, principal.department]);
    await appendLogEvents(
      tx,
      [{ kind: "matter", at: now, department: principal.department, matter: matter.code, handler: matter.department, types: matter.requires.map((r) => r.type) }],
      ctx.logFrontier,
    );
    return matter;
  });
}

/** Every approval matter, by code (any authenticated department). */
export async function listMatters(ctx: RegistryContext): Promise<ApprovalMatter[]> {
  const rows = await ctx.db.all<{ definition: string }>("SELECT definition FROM approval_matters ORDER BY code");
  return rows.map((r) => JSON.parse(r.definition) as ApprovalMatter);
}

/** One approval matter. @throws LicenceError `ERR_NOT_FOUND` */
export async function getMatter(ctx: RegistryContext, code: unknown): Promise<ApprovalMatter> {
  return readMatter(ctx.db, code);
}

async function readMatter(db: Queryable, code: unknown): Promise<ApprovalMatter> {
  const row = typeof code === "string" && code.length <= 64 ? await db.get<{ definition: string }>("SELECT definition FROM approval_matters WHERE code = ?", [code]) : undefined;
  if (!row) throw new LicenceError("ERR_NOT_FOUND", "There is no such approval matter.");
  return JSON.parse(row.definition) as ApprovalMatter;
}

/**
 * The materials of a matter for a holder (see `RegistryApi.matterMaterials`): per required type,
 * the current licences (active, not expired) with at most the needed disclosures, or why there is
 * none. One read event per licence served and one `materials` event per check, whose `complete`
 * says whether every required type was served electronically (the per-matter figure of `stats`).
 *
 * @throws LicenceError `ERR_CAUSE_REQUIRED`, `ERR_VALIDATION` (cause of another matter, bad holder), `ERR_NOT_FOUND`
 */
export async function matterMaterials(ctx: RegistryContext, principal: Principal, code: string, holder: HolderCode, cause: ReadCause): Promise<MatterMaterials> {
  requireRole(principal, "consumer", "auditor", "admin", "issuer");
  const c = requireCause(cause);
  if (c.matter !== code) {
    throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["cause", "matter"], message: "must be the code of the matter checked" }] });
  }
  checkHolder(holder);
  const matter = await readMatter(ctx.db, code);
  const key = ctx.holderKey(holder);
  const now = ctx.now();
  return loggedRead(ctx, async (db) => {
    const events: LogEvent[] = [];
    const materials: MatterMaterial[] = [];
    const entitlements = new Map<string, Promise<Set<string>>>();
    const reason = reasonHash(c.reason);
    for (const required of matter.requires) {
      const rows = await db.all<LicenceRow>("SELECT * FROM licences WHERE holder_key = ? AND type_code = ? ORDER BY issued_at, id", [key, required.type]);
      const current = rows.filter((r) => r.status === "active" && (r.valid_until === null || r.valid_until * 1000 > now));
      const licences = [];
      for (const row of current) {
        const { shared, event } = await share(ctx, principal, db, row, c, now, entitlements, reason, undefined, new Set(required.fields));
        licences.push(shared);
        events.push(event);
      }
      const unavailable = rows.length === 0 ? "none-found" : current.length === 0 ? "not-current" : undefined;
      materials.push({ type: required.type, fields: [...required.fields], licences, ...(unavailable ? { unavailable } : {}) });
    }
    const served = materials.filter((m) => m.licences.length > 0).map((m) => m.type);
    events.push({
      kind: "materials",
      at: now,
      department: principal.department,
      holder: b64u(key),
      matter: matter.code,
      reason,
      types: matter.requires.map((r) => r.type),
      served,
      complete: served.length === matter.requires.length,
    });
    return { result: { matter, materials }, events };
  });
}
