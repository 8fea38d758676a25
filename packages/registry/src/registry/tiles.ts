/**
 * The log as C2SP `tlog-tiles`, read from what the log stores anyway: level-0 tiles are runs of
 * `log_entries.leaf_hash`, level-`L` tiles runs of the perfect subtree hashes of height `8L` in
 * `log_nodes`. A tile is served only when the committed log has reached a size that needs it,
 * so every tile — a partial one of width `W` is the first `W` hashes of its full tile — is
 * immutable and may be cached for ever.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import { TILE_HEIGHT, TILE_WIDTH, type TileRef } from "@elicence/core/log";
import type { Queryable } from "../storage/database.js";
import { logSize } from "./log.js";

/**
 * The bytes of one tile: `width` hashes of 32 bytes.
 *
 * @param db - the registry database
 * @param tile - the tile (from `parseTilePath`)
 * @throws LicenceError `ERR_NOT_FOUND` when the log has not reached a size that needs the tile
 */
export async function readLogTile(db: Queryable, tile: TileRef): Promise<Uint8Array> {
  const size = await logSize(db);
  const available = Math.floor(size / TILE_WIDTH ** tile.level);
  const first = tile.index * TILE_WIDTH;
  if (first + tile.width > available) throw new LicenceError("ERR_NOT_FOUND", "The log has no such tile yet.");
  const rows =
    tile.level === 0
      ? await db.all<{ hash: Uint8Array }>("SELECT leaf_hash AS hash FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx", [first, first + tile.width])
      : await db.all<{ hash: Uint8Array }>("SELECT hash FROM log_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx", [
          tile.level * TILE_HEIGHT,
          first,
          first + tile.width,
        ]);
  // Every hash below the committed size is stored (the log's own invariant); a gap is a fault.
  if (rows.length !== tile.width) throw new LicenceError("ERR_UNAVAILABLE", "The log's stored hashes are incomplete.");
  const out = new Uint8Array(tile.width * 32);
  rows.forEach((row, i) => out.set(row.hash, i * 32));
  return out;
}
