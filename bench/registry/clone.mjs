// Growing the database to a million licences without signing a million: every new licence is a
// copy of a real issued row (same type, payload, signature and disclosures) under its own
// identifier, serial, holder (the keyed hash of a new, valid holder code, so lookups find it) and
// status slot, its hidden fields sealed again under its own id (they are bound to it), with its status-history row and its `issue` event appended to the Merkle log
// (leaf and subtree hashes computed as the registry computes them). One transaction per chunk.
import { performance } from "node:perf_hooks";
import { core } from "./dist.mjs";
import { holderCode, licencesOf } from "./holders.mjs";
import { DEPARTMENT } from "./world.mjs";

const { buildLicenceId, canonicalJson, hashChildren, hashLeaf } = core;

const STATUS_LIST_SIZE = 65536; // as packages/registry/src/registry/status-lists.ts
const STATUS_LIST_BYTES = (STATUS_LIST_SIZE * 2) / 8;
const ROWS_PER_STATEMENT = 500;

async function insertRows(tx, head, columns, rows) {
  const one = `(${columns.map(() => "?").join(", ")})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const part = rows.slice(i, i + ROWS_PER_STATEMENT);
    await tx.run(`${head} (${columns.join(", ")}) VALUES ${part.map(() => one).join(", ")}`, part.flat());
  }
}

async function templatesByType(db) {
  const rows = await db.all("SELECT id, type_code FROM licences WHERE version = 1 AND status = 'active' AND supersedes IS NULL ORDER BY issued_at, id");
  const out = new Map();
  for (const r of rows) {
    if (!out.has(r.type_code)) out.set(r.type_code, []);
    out.get(r.type_code).push(r.id);
  }
  return out;
}

/** Whether log entries name their licence in a column (schema version 2 and later). */
async function logHasLicenceColumn(db) {
  try {
    await db.all("SELECT licence FROM log_entries WHERE 1 = 0");
    return true;
  } catch {
    return false;
  }
}

/** The registry's log append, for many events at once: leaves, then each perfect subtree as it completes. */
async function appendLog(tx, events, licenceColumn) {
  const row = await tx.get("UPDATE counters SET value = value + ? WHERE name = 'log.size' RETURNING value", [events.length]);
  const first = row.value - events.length;
  const frontier = new Map(); // level → { index, hash }: the newest complete left subtree at each level
  const sibling = async (level, index) => {
    const f = frontier.get(level);
    if (f && f.index === index) return f.hash;
    const found =
      level === 0
        ? await tx.get("SELECT leaf_hash AS hash FROM log_entries WHERE idx = ?", [index])
        : await tx.get("SELECT hash FROM log_nodes WHERE level = ? AND idx = ?", [level, index]);
    if (!found) throw new Error(`log node ${level}:${index} is missing`);
    return found.hash;
  };
  const entries = [];
  const nodes = [];
  for (let k = 0; k < events.length; k++) {
    const text = canonicalJson(events[k]);
    const idx = first + k;
    let hash = hashLeaf(new TextEncoder().encode(text));
    entries.push(licenceColumn ? [idx, hash, events[k].kind, text, events[k].at, events[k].licence] : [idx, hash, events[k].kind, text, events[k].at]);
    let index = idx;
    let level = 0;
    while (index % 2 === 1) {
      hash = hashChildren(await sibling(level, index - 1), hash);
      level++;
      index = (index - 1) / 2;
      nodes.push([level, index, hash]);
    }
    // Only a left child (even index) is ever needed again, as the sibling of a later node.
    frontier.set(level, { index, hash });
  }
  await insertRows(tx, "INSERT INTO log_entries", ["idx", "leaf_hash", "kind", "entry", "at", ...(licenceColumn ? ["licence"] : [])], entries);
  await insertRows(tx, "INSERT INTO log_nodes", ["level", "idx", "hash"], nodes);
}

async function allocateSlots(tx, count) {
  const row = await tx.get("UPDATE counters SET value = value + ? WHERE name = 'status.next' RETURNING value", [count]);
  const first = row.value - count;
  const lists = new Map();
  for (let g = first; g < row.value; g++) {
    const list = Math.floor(g / STATUS_LIST_SIZE);
    lists.set(list, Math.max(lists.get(list) ?? 0, (g % STATUS_LIST_SIZE) + 1));
  }
  for (const [list, used] of lists) {
    // `active` is published as 0, so a zeroed list is already right for the new slots.
    await tx.run("INSERT INTO status_lists (id, bits, size, used, bytes, revision) VALUES (?, 2, ?, 0, ?, 0) ON CONFLICT (id) DO NOTHING", [list, STATUS_LIST_SIZE, new Uint8Array(STATUS_LIST_BYTES)]);
    await tx.run("UPDATE status_lists SET used = CASE WHEN used > ? THEN used ELSE ? END WHERE id = ?", [used, used, list]);
  }
  return (k) => ({ list: Math.floor((first + k) / STATUS_LIST_SIZE), idx: (first + k) % STATUS_LIST_SIZE });
}

/**
 * Adds every licence of holders [from, to) as clones of real rows.
 *
 * @param onProgress called with the number of licences added so far
 * @returns {{ licences: number, ms: number, phases: Record<string, number> }}
 */
export async function cloneHolders(world, from, to, { chunkLicences = 25_000, onProgress } = {}) {
  const { registry } = world;
  const db = registry.database;
  const templates = await templatesByType(db);
  // Each template's hidden fields, opened once; every copy seals them again under its own id.
  const opened = new Map();
  for (const ids of templates.values()) {
    for (const id of ids) opened.set(id, await registry.openDisclosures(await db.get("SELECT id, disclosures, disclosures_key FROM licences WHERE id = ?", [id])));
  }
  const businessType = [...templates.keys()].find((t) => t.endsWith("001"));
  const operatorType = [...templates.keys()].find((t) => t.endsWith("002"));
  if (!businessType || !operatorType) throw new Error("Cloning needs real licences of both types first.");
  const licenceColumn = await logHasLicenceColumn(db);
  const blob = db.dialect === "sqlite" ? "BLOB" : "BYTEA";
  const int = db.dialect === "sqlite" ? "INTEGER" : "BIGINT";
  const year = new Date().getUTCFullYear();
  const started = Date.now();
  const phases = { prepareMs: 0, stageMs: 0, copyMs: 0, logMs: 0, commitMs: 0 };
  const lap = (() => {
    let t = performance.now();
    return (phase) => {
      const now = performance.now();
      phases[phase] += now - t;
      t = now;
    };
  })();
  let done = 0;
  let n = from;
  let turn = 0;
  while (n < to) {
    const chunkHolders = [];
    let count = 0;
    while (n < to && count < chunkLicences) {
      chunkHolders.push(n);
      count += licencesOf(n++);
    }
    lap("commitMs");
    await db.transaction(async (tx) => {
      const now = Date.now();
      const serialRow = await tx.get("UPDATE counters SET value = value + ? WHERE name = ? RETURNING value", [count, `serial.${DEPARTMENT.code}`]);
      const firstSerial = serialRow.value - count + 1;
      const slot = await allocateSlots(tx, count);
      const rows = [];
      const events = [];
      for (const h of chunkHolders) {
        const holder = holderCode(h);
        const key = registry.holderKey(holder);
        const type = holder.idType === "001" ? businessType : operatorType;
        const pool = templates.get(type);
        for (let k = 0; k < licencesOf(h); k++) {
          const j = rows.length;
          const serial = `${year}${String(firstSerial + j).padStart(10, "0")}`;
          const id = buildLicenceId({ typeCode: type, issuerCode: DEPARTMENT.code, serial, version: 1 });
          const s = slot(j);
          const template = pool[turn++ % pool.length];
          const sealed = registry.sealDisclosures(id, opened.get(template));
          rows.push([j, id, template, key, serial, s.list, s.idx, sealed.disclosures, sealed.disclosures_key]);
          events.push({ kind: "issue", at: now, department: DEPARTMENT.code, licence: id, type, holder: key.toString("base64url") });
        }
      }
      lap("prepareMs");
      await tx.run(`CREATE TEMP TABLE bench_clone (seq ${int} NOT NULL, id TEXT NOT NULL, template TEXT NOT NULL, holder_key ${blob} NOT NULL, serial TEXT NOT NULL, status_list ${int} NOT NULL, status_idx ${int} NOT NULL, disclosures TEXT NOT NULL, disclosures_key TEXT NOT NULL)`);
      await insertRows(tx, "INSERT INTO bench_clone", ["seq", "id", "template", "holder_key", "serial", "status_list", "status_idx", "disclosures", "disclosures_key"], rows);
      lap("stageMs");
      await tx.run(
        `INSERT INTO licences (id, type_code, type_version, issuer, holder_key, serial, version, status, status_list, status_idx, issued_at, valid_from, valid_until, supersedes, superseded_by, chain_id, payload, signature, disclosures, disclosures_key)
         SELECT c.id, l.type_code, l.type_version, l.issuer, c.holder_key, c.serial, l.version, l.status, c.status_list, c.status_idx, l.issued_at, l.valid_from, l.valid_until, NULL, NULL, l.chain_id, l.payload, l.signature, c.disclosures, c.disclosures_key
         FROM bench_clone c JOIN licences l ON l.id = c.template ORDER BY c.seq`,
      );
      await tx.run(
        `INSERT INTO status_history (licence_id, seq, status, at, reason, department, officer)
         SELECT c.id, 1, 'active', h.at, h.reason, h.department, NULL FROM bench_clone c JOIN status_history h ON h.licence_id = c.template AND h.seq = 1 ORDER BY c.seq`,
      );
      await tx.run("DROP TABLE bench_clone");
      lap("copyMs");
      await appendLog(tx, events, licenceColumn);
      lap("logMs");
    });
    lap("commitMs");
    done += count;
    onProgress?.(done, Date.now() - started);
  }
  if (db.dialect === "postgres") await db.run("ANALYZE");
  return { licences: done, ms: Date.now() - started, phases };
}
