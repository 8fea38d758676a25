/**
 * The log as C2SP `tlog-tiles`: static, cacheable tiles of Merkle tree hashes from which a monitor
 * or an auditor computes any root, inclusion proof or consistency proof offline.
 *
 * A tile at level `L`, index `N` lists the hashes `MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L])`
 * for `i` from 0 to `W − 1` (C2SP tlog-tiles, "Merkle Tree"): level 0 holds leaf hashes, level `L`
 * the roots of full tiles of level `L − 1`, i.e. the perfect subtrees of height `8L` that the
 * registry stores anyway. A full tile is 256 hashes (8,192 bytes); the rightmost tile of a level
 * is partial, of width `floor(s / 256^L) mod 256` for a tree of size `s`. A partial tile of width
 * `W` is the first `W` hashes of its full tile, so every tile — partial ones included — is
 * immutable once the log has reached a size that needs it.
 *
 * Every hash a proof needs is a perfect subtree (see `plan.ts`); a perfect subtree of height `h`
 * is one hash of the tile at level `floor(h / 8)`, or the Merkle root of `2^(h mod 8)` consecutive
 * hashes of it. No I/O here: {@link tilesForInclusion} and friends say which tiles to fetch, the
 * caller fetches them, and {@link inclusionProofFromTiles} and friends compute from the bytes.
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import { HASH_SIZE, hashChildren } from "./hash.js";
import type { ProofFailureReason } from "./verify.js";
import { foldSubtreeHashes, planConsistencyProof, planInclusionProof, planRoot, type SubtreeRef } from "./plan.js";

/** Tree levels one tile spans (C2SP tlog-tiles: tiles are subtrees of height 8). */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile. */
export const TILE_WIDTH = 256;
/** Highest tile level a path may name (C2SP: 0 to 63). */
const MAX_TILE_LEVEL = 63;

/** One tile: `width` is 256 for a full tile, 1–255 for a partial one. */
export interface TileRef {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** Tiles by their path ({@link tilePath}), as the caller fetched them. */
export type TileBytes = ReadonlyMap<string, Uint8Array>;

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function malformed(reason: string): LicenceError {
  return new LicenceError("ERR_INPUT_MALFORMED", "The tile path is malformed.", { details: { reason } });
}

/**
 * The path of a tile below the log's prefix: `tile/<L>/<N>[.p/<W>]`, with `<N>` in zero-padded
 * 3-digit elements, all but the last prefixed with `x` (index 1234067 → `x001/x234/067`).
 *
 * @param tile - the tile
 * @returns the path, e.g. `tile/0/x001/x234/067.p/12`
 * @example
 * ```ts
 * tilePath({ level: 1, index: 3, width: 256 }); // "tile/1/003"
 * ```
 */
export function tilePath(tile: TileRef): string {
  const { level, index, width } = tile;
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) throw new TypeError("A tile level is an integer from 0 to 63.");
  if (!isSize(index)) throw new TypeError("A tile index is a non-negative safe integer.");
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new TypeError("A tile width is an integer from 1 to 256.");
  return `tile/${level}/${encodeIndex(index)}${width < TILE_WIDTH ? `.p/${width}` : ""}`;
}

function encodeIndex(index: number): string {
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, "0"));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join("/");
}

const LEVEL = /^(0|[1-9][0-9]?)$/;
const WIDTH = /^([1-9][0-9]{0,2})$/;

/**
 * Reads a tile path (`tile/<L>/<N>[.p/<W>]`, without the log's prefix) strictly: one spelling per
 * tile (no extra leading zeroes, no `x` on the last element, width 1–255 only when partial).
 *
 * @param path - the path
 * @returns the tile
 * @throws LicenceError `ERR_INPUT_MALFORMED` with `details.reason`
 * @example
 * ```ts
 * parseTilePath("tile/0/x001/x234/067.p/12"); // { level: 0, index: 1234067, width: 12 }
 * ```
 */
export function parseTilePath(path: string): TileRef {
  if (typeof path !== "string" || path.length > 128) throw malformed("length");
  const parts = path.split("/");
  if (parts.length < 3 || parts[0] !== "tile") throw malformed("shape");
  if (!LEVEL.test(parts[1]!) || Number(parts[1]) > MAX_TILE_LEVEL) throw malformed("level");
  const level = Number(parts[1]);
  let elements = parts.slice(2);
  let width = TILE_WIDTH;
  // A partial tile: the last element ends in `.p`, and the width follows as one more element.
  const last = elements[elements.length - 2];
  if (last !== undefined && last.endsWith(".p")) {
    const w = elements[elements.length - 1]!;
    if (!WIDTH.test(w) || Number(w) >= TILE_WIDTH) throw malformed("width");
    width = Number(w);
    elements = [...elements.slice(0, -2), last.slice(0, -2)];
  }
  if (elements.length > 6) throw malformed("index");
  let index = 0;
  elements.forEach((element, i) => {
    const isLast = i === elements.length - 1;
    const digits = isLast ? element : element.startsWith("x") ? element.slice(1) : "";
    if (!/^[0-9]{3}$/.test(digits)) throw malformed("index");
    index = index * 1000 + Number(digits);
  });
  // One spelling per index: no leading all-zero element.
  if (elements.length > 1 && elements[0] === "x000") throw malformed("index");
  if (!Number.isSafeInteger(index)) throw malformed("index");
  return { level, index, width };
}

/**
 * How many hashes the tree of `treeSize` leaves has at tile level `level` (`floor(s / 256^L)`).
 *
 * @param level - the tile level
 * @param treeSize - the tree size
 * @returns the number of hashes at that level
 */
export function hashesAtTileLevel(level: number, treeSize: number): number {
  return Math.floor(treeSize / TILE_WIDTH ** level);
}

/**
 * The tile that holds (or is the base of) a perfect subtree in the tree of `treeSize`: the full
 * tile when the tree has reached it, else the partial tile of the tree's width.
 *
 * @param ref - a perfect subtree of the tree
 * @param treeSize - the tree size (a checkpoint's)
 */
export function tileOfSubtree(ref: SubtreeRef, treeSize: number): TileRef {
  const level = Math.floor(ref.level / TILE_HEIGHT);
  const span = 2 ** (ref.level - level * TILE_HEIGHT);
  const first = ref.index * span;
  const index = Math.floor(first / TILE_WIDTH);
  const available = hashesAtTileLevel(level, treeSize);
  if (first + span > available) throw new TypeError("The subtree is not in a tree of this size.");
  const width = Math.min(TILE_WIDTH, available - index * TILE_WIDTH);
  return { level, index, width };
}

function uniqueTiles(refs: readonly SubtreeRef[], treeSize: number): TileRef[] {
  const seen = new Map<string, TileRef>();
  for (const ref of refs) {
    const tile = tileOfSubtree(ref, treeSize);
    seen.set(tilePath(tile), tile);
  }
  return [...seen.values()];
}

/**
 * The tiles from which the root of the tree of `treeSize` is computed.
 *
 * @param treeSize - the tree size (≥ 1)
 * @example
 * ```ts
 * const tiles = tilesForRoot(checkpoint.treeSize).map(tilePath);
 * ```
 */
export function tilesForRoot(treeSize: number): TileRef[] {
  return uniqueTiles(planRoot(treeSize), treeSize);
}

/**
 * The tiles from which the inclusion proof of leaf `index` in the tree of `treeSize` is computed
 * (the leaf's own level-0 tile included, for its leaf hash).
 *
 * @param index - the leaf index
 * @param treeSize - the tree size
 */
export function tilesForInclusion(index: number, treeSize: number): TileRef[] {
  return uniqueTiles([{ level: 0, index }, ...planInclusionProof(index, treeSize).flat()], treeSize);
}

/**
 * The tiles from which the consistency proof from `oldSize` to `newSize` is computed.
 *
 * @param oldSize - the earlier size
 * @param newSize - the later size
 */
export function tilesForConsistency(oldSize: number, newSize: number): TileRef[] {
  return uniqueTiles(planConsistencyProof(oldSize, newSize).flat(), newSize);
}

function tileHashes(tile: TileRef, tiles: TileBytes): Uint8Array {
  const bytes = tiles.get(tilePath(tile));
  if (!bytes) {
    throw new LicenceError("ERR_LOG_PROOF_INVALID", "A tile the proof needs is missing.", { details: { reason: "tile-missing" satisfies ProofFailureReason } });
  }
  if (bytes.length !== tile.width * HASH_SIZE) {
    throw new LicenceError("ERR_LOG_PROOF_INVALID", "A tile has the wrong length for its width.", { details: { reason: "tile-length" satisfies ProofFailureReason } });
  }
  return bytes;
}

/** The Merkle root of `count` (a power of two) consecutive hashes of a tile, from `offset`. */
function perfectRoot(hashes: Uint8Array, offset: number, count: number): Uint8Array {
  if (count === 1) return hashes.slice(offset * HASH_SIZE, (offset + 1) * HASH_SIZE);
  const half = count / 2;
  return hashChildren(perfectRoot(hashes, offset, half), perfectRoot(hashes, offset + half, half));
}

/**
 * The hash of a perfect subtree of the tree of `treeSize`, from the tiles.
 *
 * @param ref - the subtree
 * @param treeSize - the tree size the tiles were chosen for
 * @param tiles - the fetched tiles by path
 * @throws LicenceError `ERR_LOG_PROOF_INVALID` (`tile-missing`, `tile-length`)
 */
export function subtreeHashFromTiles(ref: SubtreeRef, treeSize: number, tiles: TileBytes): Uint8Array {
  const tile = tileOfSubtree(ref, treeSize);
  const span = 2 ** (ref.level - tile.level * TILE_HEIGHT);
  return perfectRoot(tileHashes(tile, tiles), ref.index * span - tile.index * TILE_WIDTH, span);
}

const fold = (treeSize: number, tiles: TileBytes) => (element: readonly SubtreeRef[]) =>
  foldSubtreeHashes(element.map((ref) => subtreeHashFromTiles(ref, treeSize, tiles)));

/**
 * The root of the tree of `treeSize` (≥ 1), from the tiles {@link tilesForRoot} lists.
 *
 * @param treeSize - the tree size
 * @param tiles - the fetched tiles
 * @example
 * ```ts
 * equalBytes(rootFromTiles(cp.treeSize, tiles), cp.rootHash); // the tiles are the checkpoint's tree
 * ```
 */
export function rootFromTiles(treeSize: number, tiles: TileBytes): Uint8Array {
  return fold(treeSize, tiles)(planRoot(treeSize));
}

/**
 * The leaf hash and RFC 9162 inclusion proof of leaf `index` in the tree of `treeSize`, from the
 * tiles {@link tilesForInclusion} lists. Check it with `verifyInclusion` against a verified
 * checkpoint's root: the tiles themselves are not trusted.
 *
 * @param index - the leaf index
 * @param treeSize - the tree size
 * @param tiles - the fetched tiles
 */
export function inclusionProofFromTiles(index: number, treeSize: number, tiles: TileBytes): { leafHash: Uint8Array; proof: Uint8Array[] } {
  const proof = planInclusionProof(index, treeSize).map(fold(treeSize, tiles));
  return { leafHash: subtreeHashFromTiles({ level: 0, index }, treeSize, tiles), proof };
}

/**
 * The RFC 9162 consistency proof from `oldSize` to `newSize`, from the tiles
 * {@link tilesForConsistency} lists. Check it with `verifyConsistency` against both verified roots.
 *
 * @param oldSize - the earlier size
 * @param newSize - the later size
 * @param tiles - the fetched tiles (chosen for `newSize`)
 */
export function consistencyProofFromTiles(oldSize: number, newSize: number, tiles: TileBytes): Uint8Array[] {
  return planConsistencyProof(oldSize, newSize).map(fold(newSize, tiles));
}
