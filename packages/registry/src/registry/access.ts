/**
 * Access: API keys (stored hashed, shown once), roles, read causes, and which disclosures a caller
 * is entitled to (以共享为原则、不共享为例外).
 *
 * @module
 */
import { LicenceError, type Principal, type ReadCause, type Role } from "@elicence/core";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Queryable } from "../storage/database.js";

const ROLES: ReadonlySet<Role> = new Set<Role>(["issuer", "consumer", "auditor", "admin"]);
/** An API key: `elk_<16 hex id>_<43 base64url secret>`. */
export const KEY_FORMAT = /^elk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** True for a known role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && ROLES.has(value as Role);
}

/** A new API key: the secret is returned once and never stored. */
export interface NewApiKey {
  readonly id: string;
  readonly key: string;
}

function hashSecret(secret: string): Uint8Array {
  return createHash("sha256").update(secret).digest();
}

/** Creates an API key row inside a transaction and returns the key (shown once). */
export async function insertApiKey(
  tx: Queryable,
  options: { department: string; roles: readonly Role[]; licenceTypes: readonly string[]; label: string; now: number },
): Promise<NewApiKey> {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  await tx.run("INSERT INTO api_keys (id, secret_hash, department, roles, licence_types, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [
    id,
    hashSecret(secret),
    options.department,
    JSON.stringify(options.roles),
    JSON.stringify(options.licenceTypes),
    options.label,
    options.now,
  ]);
  return { id, key: `elk_${id}_${secret}` };
}

/**
 * Authenticates an API key. Keys are random 256-bit secrets, so one SHA-256 is enough to store
 * them (no password-style stretching is needed); comparison is constant-time.
 */
export async function authenticate(db: Queryable, key: unknown): Promise<Principal> {
  const unauthenticated = () => new LicenceError("ERR_UNAUTHENTICATED", "The API key is not valid.");
  if (typeof key !== "string") throw unauthenticated();
  const m = KEY_FORMAT.exec(key);
  if (!m) throw unauthenticated();
  return authenticatedRow(db, m[1]!, hashSecret(m[2]!));
}

/**
 * The principal of key `id` when its stored hash equals `presented` (constant-time) and it is not
 * revoked; else `ERR_UNAUTHENTICATED`.
 */
export async function authenticatedRow(db: Queryable, id: string, presented: Uint8Array): Promise<Principal> {
  const row = await db.get<{ secret_hash: Uint8Array; department: string; roles: string; licence_types: string; revoked_at: number | null }>(
    "SELECT secret_hash, department, roles, licence_types, revoked_at FROM api_keys WHERE id = ?",
    [id],
  );
  if (!row || row.revoked_at !== null || !timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(presented))) {
    throw new LicenceError("ERR_UNAUTHENTICATED", "The API key is not valid.");
  }
  return { department: row.department, roles: JSON.parse(row.roles) as Role[], licenceTypes: JSON.parse(row.licence_types) as string[], keyId: id };
}

/** Throws ERR_FORBIDDEN unless the principal holds one of the roles. */
export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!roles.some((r) => principal.roles.includes(r))) {
    throw new LicenceError("ERR_FORBIDDEN", "The caller's role does not allow this operation.", { details: { needs: roles.join("|") } });
  }
}

/**
 * True when an issuer key may act for a licence type: the key is limited to that type and the
 * catalogue names the key's department among the type's issuers (一数一源). Departments and
 * roles alone are not enough: a key limited to some types sees and grants only those types.
 */
export function issuesType(principal: Principal, type: { readonly code: string; readonly issuers: readonly string[] }): boolean {
  return principal.roles.includes("issuer") && principal.licenceTypes.includes(type.code) && type.issuers.includes(principal.department);
}

/**
 * Throws ERR_FORBIDDEN unless the principal may grant access to a licence type's conditional
 * fields: admins for any type, an issuer key only for a type it issues (see {@link issuesType}).
 */
export function requireGrantor(principal: Principal, type: { readonly code: string; readonly issuers: readonly string[] }): void {
  if (principal.roles.includes("admin") || issuesType(principal, type)) return;
  throw new LicenceError("ERR_FORBIDDEN", "The caller may not grant access to this licence type.", { details: { needs: "admin|issuer of the type" } });
}

const MATTER = /^[A-Za-z0-9._:-]{1,64}$/;
/** ASCII control characters, refused in free text (read reasons, key labels). */
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u001f\u007f]/;

/** Validates a read cause; a read without one is refused. */
export function requireCause(cause: unknown): ReadCause {
  const c = cause as Partial<ReadCause> | undefined;
  if (!c || typeof c !== "object" || typeof c.matter !== "string" || typeof c.reason !== "string" || c.matter === "" || c.reason.trim() === "") {
    throw new LicenceError("ERR_CAUSE_REQUIRED", "A read must name its cause: an approval-matter code and a reason.");
  }
  if (!MATTER.test(c.matter) || c.reason.length > 256 || CONTROL.test(c.reason)) {
    throw new LicenceError("ERR_VALIDATION", "The read cause is not valid.", {
      issues: [
        ...(MATTER.test(c.matter) ? [] : [{ path: ["cause", "matter"], message: "must be 1 to 64 of A-Z a-z 0-9 . _ : -" }]),
        ...(c.reason.length > 256 || CONTROL.test(c.reason) ? [{ path: ["cause", "reason"], message: "must be 1 to 256 characters without control characters" }] : []),
      ],
    });
  }
  return { matter: c.matter, reason: c.reason };
}

/** The conditional fields a consumer may see for a holder's licence of a type, at `now`. */
export async function entitledConditionalFields(
  db: Queryable,
  consumer: string,
  typeCode: string,
  holderKey: Uint8Array,
  now: number,
): Promise<Set<string>> {
  const fields = new Set<string>();
  // Agreements with the consumer and the holder's own authorisations, in one statement.
  const rows = await db.all<{ fields: string }>(
    "SELECT fields FROM agreements WHERE consumer = ? AND type_code = ? AND expires_at > ? UNION ALL SELECT fields FROM authorisations WHERE holder_key = ? AND consumer = ? AND type_code = ? AND expires_at > ?",
    [consumer, typeCode, now, holderKey, consumer, typeCode, now],
  );
  for (const row of rows) for (const f of JSON.parse(row.fields) as string[]) fields.add(f);
  return fields;
}
