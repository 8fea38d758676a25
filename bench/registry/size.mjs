// Bytes per licence. SQLite: the database file plus its WAL after a checkpoint, with a per-table
// split from the `dbstat` table when the build has it. PostgreSQL: pg_total_relation_size (heap,
// TOAST and indexes) of every table of the schema.
import { existsSync, statSync } from "node:fs";

const GROUPS = {
  licences: ["licences", "licences_by_holder", "licences_by_status", "licences_by_issuer"],
  status_history: ["status_history"],
  status_lists: ["status_lists"],
  log: ["log_entries", "log_nodes"],
};

function groupOf(name) {
  for (const [group, names] of Object.entries(GROUPS)) if (names.some((n) => name === n || name.startsWith(`sqlite_autoindex_${n}_`) || name.startsWith(`${n}_`))) return group;
  return "other";
}

/** `{ licences, logEntries, totalBytes, perLicence, tables: { group: bytes } }` */
export async function measureSize(world) {
  const db = world.registry.database;
  const licences = (await db.get("SELECT count(*) AS n FROM licences")).n;
  const logEntries = (await db.get("SELECT count(*) AS n FROM log_entries")).n;
  const tables = {};
  let totalBytes;
  if (db.dialect === "sqlite") {
    await db.get("PRAGMA wal_checkpoint(TRUNCATE)");
    const file = world.sqliteFile;
    totalBytes = statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
    try {
      for (const r of await db.all("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name")) tables[groupOf(r.name)] = (tables[groupOf(r.name)] ?? 0) + r.bytes;
    } catch {
      // No dbstat in this build: the total stands alone.
    }
  } else {
    const rows = await db.all("SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'");
    totalBytes = 0;
    for (const r of rows) {
      tables[groupOf(r.name)] = (tables[groupOf(r.name)] ?? 0) + r.bytes;
      totalBytes += r.bytes;
    }
  }
  const perLicence = Object.fromEntries(Object.entries(tables).map(([k, v]) => [k, v / licences]));
  // The status lists a relying party fetches: how many, and the size of each one's bit string.
  const lists = await db.get("SELECT count(*) AS n, SUM(length(bytes)) AS bytes, MAX(length(bytes)) AS largest, SUM(used) AS used FROM status_lists");
  const statusLists = { count: Number(lists.n), bytes: Number(lists.bytes ?? 0), largestBytes: Number(lists.largest ?? 0), slotsUsed: Number(lists.used ?? 0) };
  return { licences, logEntries, logBytes: tables.log ?? 0, statusLists, totalBytes, bytesPerLicence: totalBytes / licences, tables, perLicence };
}
