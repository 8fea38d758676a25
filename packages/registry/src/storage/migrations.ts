/**
 * Migration bookkeeping shared by both adapters: checking the list and the `schema_migrations` table.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";

import type { Migration } from "./database.js";

/** The bookkeeping table, the same on both engines. `applied_at` is an RFC 3339 UTC timestamp. */
export const CREATE_MIGRATIONS_TABLE =
  "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

export const SELECT_APPLIED = "SELECT version, name FROM schema_migrations";

export const INSERT_APPLIED = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)";

/**
 * Checks a migration list and returns it sorted by version.
 *
 * @throws TypeError when a version is not a positive safe integer, repeats, or a name or SQL text is missing
 */
export function sortMigrations(migrations: readonly Migration[]): Migration[] {
  if (!Array.isArray(migrations)) throw new TypeError("Migrations must be an array.");
  const seen = new Set<number>();
  for (const m of migrations) {
    if (typeof m !== "object" || m === null) throw new TypeError("Each migration must be an object.");
    if (!Number.isSafeInteger(m.version) || m.version < 1) throw new TypeError("A migration version must be a positive integer.");
    if (seen.has(m.version)) throw new TypeError(`Migration version ${m.version} appears twice.`);
    seen.add(m.version);
    if (typeof m.name !== "string" || m.name === "") throw new TypeError(`Migration ${m.version} needs a name.`);
    if (typeof m.sqlite !== "string" || typeof m.postgres !== "string") {
      throw new TypeError(`Migration ${m.version} needs SQL text for both engines.`);
    }
  }
  return [...migrations].sort((a, b) => a.version - b.version);
}

/**
 * True when `m` still has to run, given the rows of `schema_migrations`.
 *
 * @throws LicenceError `ERR_STATE_INVALID` when the database applied this version under another name
 */
export function isPending(m: Migration, applied: ReadonlyMap<number, string>): boolean {
  const name = applied.get(m.version);
  if (name === undefined) return true;
  if (name !== m.name) {
    throw new LicenceError("ERR_STATE_INVALID", "The database applied a migration with this version under another name.", {
      details: { version: m.version },
    });
  }
  return false;
}

/** Reads `schema_migrations` rows into a version → name map. */
export function appliedMap(rows: readonly { version: unknown; name: unknown }[]): Map<number, string> {
  return new Map(rows.map((r) => [Number(r.version), String(r.name)]));
}
