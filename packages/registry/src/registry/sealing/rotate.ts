/**
 * `elicence workspace rotate-data-key`: adds a data key and re-seals every licence row under it,
 * in small transactions, while registries keep serving (every older key stays readable; they
 * follow the new key within 30 s). Rows from before migration 17, still in clear, are sealed by
 * the same pass: this is the command that migration needs, since SQL has no key.
 *
 * On SQLite the freed bytes are zeroed (`secure_delete`) and the WAL emptied, so the file keeps no
 * clear copy. PostgreSQL keeps the old row versions until they are vacuumed: after sealing clear
 * rows, run `VACUUM FULL licences` so the data files hold none either.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import { openDatabase, type Queryable } from "../../storage/database.js";
import { MIGRATIONS } from "../../storage/schema.js";
import { openWorkspace } from "../../workspace/workspace.js";
import { addDataKey, DATA_KEK_FILE, DataKeys, loadKeyEncryptionKey } from "./data-keys.js";
import { openDisclosures, sealDisclosures } from "./disclosures.js";

/** Options of {@link rotateDataKey}. */
export interface RotateDataKeyOptions {
  /** The workspace directory. */
  readonly home: string;
  /** `sqlite:PATH` or `postgres://…`; the workspace's `registry.db` when omitted. */
  readonly db?: string;
  /** The workspace passphrase (opens the key that wraps the data keys). */
  readonly passphrase: string;
  /** Rows re-sealed per transaction (default 500). */
  readonly batch?: number;
  /** The clock (tests pass a fixed one). */
  readonly now?: () => Date;
}

/** What a rotation did. */
export interface RotatedDataKey {
  /** The new data key's id: every row is sealed under it now. */
  readonly keyId: string;
  /** Rows re-sealed (from an older key, or sealed for the first time). */
  readonly resealed: number;
  /** Of those, rows that were in clear (from before migration 17). */
  readonly wereClear: number;
}

interface RowToSeal {
  id: string;
  disclosures: string;
  disclosures_key: string | null;
}

/**
 * Adds a data key and re-seals every licence row under it.
 *
 * @param options - workspace, database, passphrase
 * @throws LicenceError `ERR_PASSPHRASE_INCORRECT`, `ERR_DATA_KEY_INVALID` (the workspace key does not
 *   open the database's keys), `ERR_SEALED_DATA_INVALID` (a row's seal is not its own: nothing is changed for it)
 * @example
 * ```ts
 * const { keyId, resealed } = await rotateDataKey({ home: "./ws", passphrase });
 * ```
 */
export async function rotateDataKey(options: RotateDataKeyOptions): Promise<RotatedDataKey> {
  const batch = options.batch ?? 500;
  if (!Number.isSafeInteger(batch) || batch < 1 || batch > 10_000) throw new TypeError("batch must be an integer from 1 to 10000.");
  const ws = await openWorkspace(options.home);
  const kek = await loadKeyEncryptionKey(ws.path(...DATA_KEK_FILE), options.passphrase);
  const db = await openDatabase(options.db ?? `sqlite:${ws.path("registry.db")}`);
  const keys = new DataKeys(kek);
  try {
    await db.migrate(MIGRATIONS);
    // SQLite keeps a rewritten record's old bytes in the page's free space and in the WAL: zero
    // them as rows are re-sealed, and empty the WAL at the end, so no clear copy stays in the file.
    if (db.dialect === "sqlite") await db.get("PRAGMA secure_delete = ON");
    const now = (options.now ?? (() => new Date()))().getTime();
    // The old keys must open with this workspace key before anything is written.
    for (const { id } of await db.all<{ id: string }>("SELECT id FROM data_keys")) await keys.key(db, id);
    const keyId = await db.transaction((tx) => addDataKey(tx, kek, now));
    const key = { id: keyId, key: await keys.key(db, keyId) };
    let resealed = 0;
    let wereClear = 0;
    let after = "";
    for (;;) {
      const done = await db.transaction(async (tx: Queryable) => {
        const rows = await tx.all<RowToSeal>("SELECT id, disclosures, disclosures_key FROM licences WHERE id > ? ORDER BY id LIMIT ?", [after, batch]);
        for (const row of rows) {
          if (row.disclosures_key === keyId) continue;
          const sealed = sealDisclosures(key, row.id, await openDisclosures(keys, tx, row));
          // Only if the row is still as read (a registry may not write it meanwhile, but say so).
          const changed = await tx.run("UPDATE licences SET disclosures = ?, disclosures_key = ? WHERE id = ? AND disclosures = ?", [sealed.disclosures, sealed.disclosures_key, row.id, row.disclosures]);
          if (changed.changes !== 1) throw new LicenceError("ERR_CONFLICT", "A licence row changed during rotation; run the rotation again.");
          resealed++;
          if (row.disclosures_key === null) wereClear++;
        }
        if (rows.length > 0) after = rows[rows.length - 1]!.id;
        return rows.length < batch;
      });
      if (done) break;
    }
    if (db.dialect === "sqlite") await db.get("PRAGMA wal_checkpoint(TRUNCATE)");
    return { keyId, resealed, wereClear };
  } finally {
    await db.close();
  }
}
