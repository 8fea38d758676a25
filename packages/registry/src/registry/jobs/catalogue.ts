/**
 * The catalogue of licence types (`elicence type list|show|add`, `/v1/licence-types`): anyone
 * authenticated reads it; admins register a type or a later version of one, which re-signs the
 * trust list. Versions never change once registered.
 *
 * @module
 */
import { LicenceError, type LicenceType, type Principal } from "@elicence/core";
import { parseLicenceType } from "@elicence/core/issue";
import { requireRole } from "../access.js";
import type { RegistryContext } from "../context.js";
import { appendLogEvents } from "../log.js";
import { readLatestLicenceTypes, readLicenceType } from "../rows.js";

/** The latest version of every licence type. */
export async function listLicenceTypes(ctx: RegistryContext): Promise<LicenceType[]> {
  return readLatestLicenceTypes(ctx.db);
}

/** A licence type's latest version. @throws LicenceError `ERR_LICENCE_TYPE_UNKNOWN` */
export async function getLicenceType(ctx: RegistryContext, code: string): Promise<LicenceType> {
  return readLicenceType(ctx.db, code);
}

/**
 * Registers a licence type, or a later version of one (admins), and re-signs the trust list.
 *
 * @throws LicenceError `ERR_CATALOGUE_INVALID`, `ERR_CONFLICT` (an equal or later version exists)
 */
export async function registerLicenceType(ctx: RegistryContext, principal: Principal, input: LicenceType): Promise<LicenceType> {
  requireRole(principal, "admin");
  const type = parseLicenceType(input);
  const now = ctx.now();
  const registered = await ctx.transaction(async (tx) => {
    const latest = await tx.get<{ version: number }>("SELECT MAX(version) AS version FROM licence_types WHERE code = ?", [type.code]);
    if (latest?.version != null && type.version <= latest.version) {
      throw new LicenceError("ERR_CONFLICT", "A licence type with this code and an equal or later version exists.");
    }
    await tx.run("INSERT INTO licence_types (code, version, definition, created_at) VALUES (?, ?, ?, ?)", [type.code, type.version, JSON.stringify(type), now]);
    await appendLogEvents(tx, [{ kind: "licence-type", at: now, department: principal.department, type: type.code, version: type.version }], ctx.logFrontier);
    return type;
  });
  await ctx.trustList.refresh(new Date(ctx.now()));
  return registered;
}

/**
 * Loads the workspace's catalogue into the database when the registry opens: each type version
 * not there yet goes in with its log event, in the operator's name.
 */
export async function loadCatalogue(ctx: RegistryContext, types: readonly LicenceType[], operator: string): Promise<void> {
  const now = ctx.now();
  for (const type of types) {
    await ctx.transaction(async (tx) => {
      const exists = await tx.get("SELECT 1 AS one FROM licence_types WHERE code = ? AND version = ?", [type.code, type.version]);
      if (exists) return;
      await tx.run("INSERT INTO licence_types (code, version, definition, created_at) VALUES (?, ?, ?, ?)", [type.code, type.version, JSON.stringify(type), now]);
      await appendLogEvents(tx, [{ kind: "licence-type", at: now, department: operator, type: type.code, version: type.version }], ctx.logFrontier);
    });
  }
}
