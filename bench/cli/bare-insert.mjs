// The batch bench's reference: SQLite inserting the very rows `elicence issue --batch` wrote, with
// nothing else — no CSV, no validation, no signing, no JSON. The rows are read out of the batch's
// own registry first (not timed), then written into a new file with the same schema, WAL and
// `synchronous = FULL` as the registry's, one transaction per chunk of `chunkSize` licences holding
// that chunk's licences and status history, its share of the log's entries and nodes and of the
// idempotency records, and one write of each status list the chunk touched (the slot). What the
// batch costs beyond this is ours.
import { createRequire } from "node:module";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const require = createRequire(fileURLToPath(new URL("../../packages/registry/package.json", import.meta.url)));
const Database = require("better-sqlite3");

/** The tables a batch writes, and how each chunk's share is chosen. */
const PROPORTIONAL = ["log_entries", "log_nodes", "requests"];

/**
 * @param {string} source - the batch's registry.db
 * @param {string} target - a new file
 * @param {number} chunkSize - licences per transaction (the batch's --chunk-size)
 * @returns {{ licences: number, rows: number, seconds: number }}
 */
export function bareInsert(source, target, chunkSize) {
  const src = new Database(source, { readonly: true });
  const schema = src.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all();
  const licences = src.prepare("SELECT * FROM licences ORDER BY rowid").all();
  const history = new Map();
  for (const h of src.prepare("SELECT * FROM status_history ORDER BY rowid").all()) {
    const list = history.get(h.licence_id) ?? [];
    list.push(h);
    history.set(h.licence_id, list);
  }
  const lists = new Map(src.prepare("SELECT * FROM status_lists").all().map((l) => [l.id, l]));
  const others = Object.fromEntries(PROPORTIONAL.map((t) => [t, src.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()]));
  const counters = src.prepare("SELECT * FROM counters").all();
  // What the workspace held before the batch (types, keys, signer chains, …): copied untimed.
  const batchTables = new Set(["licences", "status_history", "status_lists", "counters", ...PROPORTIONAL]);
  const tables = src.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all().map((t) => t.name);
  const setup = tables.filter((t) => !batchTables.has(t)).map((t) => [t, src.prepare(`SELECT * FROM ${t}`).all()]);
  src.close();

  rmSync(target, { force: true });
  const db = new Database(target);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  for (const { sql } of schema) db.exec(sql);
  const insert = (table, row) => {
    const cols = Object.keys(row);
    return db.prepare(`INSERT OR REPLACE INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`);
  };
  const statements = new Map();
  const put = (table, row) => {
    let s = statements.get(table);
    if (!s) statements.set(table, (s = insert(table, row)));
    s.run(Object.values(row));
  };
  db.transaction(() => {
    db.exec("DELETE FROM counters");
    for (const c of counters) put("counters", c);
    for (const [t, all] of setup) {
      db.exec(`DELETE FROM ${t}`);
      for (const row of all) put(t, row);
    }
  })();
  const chunks = Math.ceil(licences.length / chunkSize);
  let rows = 0;
  const started = performance.now();
  for (let c = 0; c < chunks; c++) {
    const part = licences.slice(c * chunkSize, (c + 1) * chunkSize);
    db.transaction(() => {
      const touched = new Set();
      for (const l of part) {
        put("licences", l);
        touched.add(l.status_list);
        for (const h of history.get(l.id) ?? []) {
          put("status_history", h);
          rows++;
        }
      }
      rows += part.length;
      for (const id of touched) {
        put("status_lists", lists.get(id));
        rows++;
      }
      // The log size and next status slot, as each chunk moves them.
      for (const c of counters) put("counters", c);
      rows += counters.length;
      for (const t of PROPORTIONAL) {
        const all = others[t];
        const from = Math.floor((all.length * c) / chunks);
        const to = Math.floor((all.length * (c + 1)) / chunks);
        for (let i = from; i < to; i++) put(t, all[i]);
        rows += to - from;
      }
    })();
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { licences: licences.length, rows, seconds };
}
