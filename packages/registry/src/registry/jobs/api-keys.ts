/**
 * API key administration (`elicence key create|list|revoke`, `/v1/api-keys`): create (the secret
 * is shown once), list (never a secret), revoke. Admins only; each change is one transaction
 * with its log event.
 *
 * @module
 */
import { LicenceError, isValidUscc, type ApiKeyInfo, type ApiKeyRequest, type Principal, type Role, type ValidationIssue } from "@elicence/core";
import { LICENCE_TYPE_CODE_PATTERN } from "@elicence/core/issue";
import type { Queryable } from "../../storage/database.js";
import { CONTROL, insertApiKey, isRole, requireRole, type NewApiKey } from "../access.js";
import type { RegistryContext } from "../context.js";
import { appendLogEvents, type LogFrontier } from "../log.js";

const KEY_ID = /^[0-9a-f]{16}$/;

interface ApiKeyRow {
  id: string;
  department: string;
  roles: string;
  licence_types: string;
  label: string;
  created_at: number;
  revoked_at: number | null;
}

function info(row: ApiKeyRow): ApiKeyInfo {
  return {
    id: row.id,
    department: row.department,
    roles: JSON.parse(row.roles) as Role[],
    licenceTypes: JSON.parse(row.licence_types) as string[],
    label: row.label,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    ...(row.revoked_at !== null ? { revokedAt: new Date(Number(row.revoked_at)).toISOString() } : {}),
  };
}

/**
 * Checks a request for a new key, reporting every problem: a valid USCC, known roles without
 * repeats, licence types only for issuers (and required for them), a short printable label.
 *
 * @throws LicenceError `ERR_VALIDATION`
 */
export function checkApiKeyRequest(request: ApiKeyRequest): { department: string; roles: Role[]; licenceTypes: string[]; label: string } {
  const issues: ValidationIssue[] = [];
  const r = (request ?? {}) as Partial<ApiKeyRequest>;
  if (typeof r.department !== "string" || !isValidUscc(r.department)) issues.push({ path: ["department"], message: "must be a valid unified social credit code" });
  const roles = Array.isArray(r.roles) ? r.roles : [];
  if (roles.length === 0 || roles.length > 4 || !roles.every(isRole) || new Set(roles).size !== roles.length) {
    issues.push({ path: ["roles"], message: "must list 1 to 4 distinct roles of issuer, consumer, auditor, admin" });
  }
  const types = r.licenceTypes === undefined ? [] : r.licenceTypes;
  if (!Array.isArray(types) || types.length > 256 || !types.every((t) => typeof t === "string" && LICENCE_TYPE_CODE_PATTERN.test(t) && isValidUscc(t.slice(0, 18))) || new Set(types).size !== types.length) {
    issues.push({ path: ["licenceTypes"], message: "must be distinct licence type codes" });
  } else if (roles.includes("issuer") && types.length === 0) {
    issues.push({ path: ["licenceTypes"], message: "must name the licence types an issuer key may issue" });
  } else if (!roles.includes("issuer") && types.length > 0) {
    issues.push({ path: ["licenceTypes"], message: "only issuer keys name licence types" });
  }
  const label = r.label ?? "";
  if (typeof label !== "string" || label.length > 128 || CONTROL.test(label)) issues.push({ path: ["label"], message: "must be at most 128 characters without control characters" });
  if (issues.length > 0) throw new LicenceError("ERR_VALIDATION", "The API key request is not valid.", { issues });
  return { department: r.department!, roles: [...(roles as Role[])], licenceTypes: [...(types as string[])], label: label as string };
}

/** Creates a key and logs it (the log names the key id and roles, never the secret). */
export async function createApiKeyIn(tx: Queryable, request: ApiKeyRequest, now: number, by: string, frontier?: LogFrontier): Promise<NewApiKey> {
  const checked = checkApiKeyRequest(request);
  const key = await insertApiKey(tx, { ...checked, now });
  await appendLogEvents(tx, [{ kind: "api-key", at: now, department: by, key: key.id, for: checked.department, roles: checked.roles, action: "create" }], frontier);
  return key;
}

/** Every key, oldest first, without secrets. */
export async function listApiKeysIn(db: Queryable): Promise<ApiKeyInfo[]> {
  const rows = await db.all<ApiKeyRow>("SELECT id, department, roles, licence_types, label, created_at, revoked_at FROM api_keys ORDER BY created_at, id");
  return rows.map(info);
}

/** Revokes a key (idempotent) and logs the first revocation. */
export async function revokeApiKeyIn(tx: Queryable, id: string, now: number, by: string, frontier?: LogFrontier): Promise<ApiKeyInfo> {
  if (typeof id !== "string" || !KEY_ID.test(id)) throw new LicenceError("ERR_NOT_FOUND", "There is no API key with this id.");
  const row = await tx.get<ApiKeyRow>("SELECT id, department, roles, licence_types, label, created_at, revoked_at FROM api_keys WHERE id = ?", [id]);
  if (!row) throw new LicenceError("ERR_NOT_FOUND", "There is no API key with this id.");
  if (row.revoked_at !== null) return info(row);
  await tx.run("UPDATE api_keys SET revoked_at = ? WHERE id = ?", [now, id]);
  await appendLogEvents(tx, [{ kind: "api-key", at: now, department: by, key: id, for: row.department, action: "revoke" }], frontier);
  return info({ ...row, revoked_at: now });
}

/** Creates an API key for a department (admins; see `RegistryApi.createApiKey`). */
export async function createApiKey(ctx: RegistryContext, principal: Principal, request: ApiKeyRequest): Promise<NewApiKey> {
  requireRole(principal, "admin");
  const now = ctx.now();
  return ctx.transaction((tx) => createApiKeyIn(tx, request, now, principal.department, ctx.logFrontier));
}

/** Every API key, without secrets (admins). */
export async function listApiKeys(ctx: RegistryContext, principal: Principal): Promise<ApiKeyInfo[]> {
  requireRole(principal, "admin");
  return listApiKeysIn(ctx.db);
}

/** Revokes an API key (admins; idempotent). */
export async function revokeApiKey(ctx: RegistryContext, principal: Principal, id: string): Promise<ApiKeyInfo> {
  requireRole(principal, "admin");
  const now = ctx.now();
  return ctx.transaction((tx) => revokeApiKeyIn(tx, id, now, principal.department, ctx.logFrontier));
}
