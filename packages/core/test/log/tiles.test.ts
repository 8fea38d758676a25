import { describe, expect, it } from "vitest";
import {
  MemorySubtreeHashStore,
  MerkleTree,
  consistencyProofFromTiles,
  hashesAtTileLevel,
  inclusionProofFromTiles,
  parseTilePath,
  rootFromTiles,
  tilePath,
  tilesForConsistency,
  tilesForInclusion,
  tilesForRoot,
  verifyConsistency,
  verifyInclusion,
  type TileRef,
} from "../../src/log/index.js";
import { errorCode } from "../support/error-code.js";
import type { LicenceError } from "../../src/errors/errors.js";
import { hex, syntheticLeaves } from "./reference.js";

// 70,000 leaves: the example of C2SP tlog-tiles ("273 full level 0 tiles, one partial level 0 tile
// of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one partial
// level 2 tile of width 1").
const SIZE = 70_000;
const store = new MemorySubtreeHashStore();
const tree = new MerkleTree({ store });
for (const leaf of syntheticLeaves(SIZE)) tree.append(leaf);

/** A tile as the registry serves it: the stored perfect subtrees of height 8L, first `width`. */
function tileBytes(tile: TileRef): Uint8Array {
  const out = new Uint8Array(tile.width * 32);
  for (let i = 0; i < tile.width; i++) {
    const index = tile.index * 256 + i;
    out.set(tile.level === 0 ? tree.leafHash(index) : store.get(8 * tile.level, index)!, i * 32);
  }
  return out;
}

function fetchAll(tiles: readonly TileRef[]): Map<string, Uint8Array> {
  return new Map(tiles.map((t) => [tilePath(t), tileBytes(t)]));
}

describe("tile paths (C2SP tlog-tiles)", () => {
  it("encodes the index in 3-digit elements, all but the last prefixed with x", () => {
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe("tile/0/x001/x234/067");
    expect(tilePath({ level: 2, index: 0, width: 1 })).toBe("tile/2/000.p/1");
    expect(tilePath({ level: 1, index: 999, width: 17 })).toBe("tile/1/999.p/17");
    expect(tilePath({ level: 0, index: 1000, width: 256 })).toBe("tile/0/x001/000");
  });

  it("reads back every path it writes", () => {
    for (const t of [
      { level: 0, index: 0, width: 256 },
      { level: 0, index: 1234067, width: 12 },
      { level: 63, index: 2 ** 40, width: 255 },
      { level: 5, index: 1000000, width: 1 },
    ]) {
      expect(parseTilePath(tilePath(t))).toEqual(t);
    }
  });

  it.each([
    ["tile/0/1", "index"],
    ["tile/0/0001", "index"],
    ["tile/0/x000/001", "index"],
    ["tile/0/001/x002", "index"],
    ["tile/00/001", "level"],
    ["tile/64/001", "level"],
    ["tile/0/001.p/0", "width"],
    ["tile/0/001.p/256", "width"],
    ["tile/0/001.p/012", "width"],
    ["tile/0/001.p", "index"],
    ["tiles/0/001", "shape"],
    ["tile/0", "shape"],
    ["tile/0/x001/x002/x003/x004/x005/x006/007", "index"],
    ["tile/0/-01", "index"],
    [`tile/0/${"x001/".repeat(40)}001`, "length"],
  ])("refuses %s (%s)", (path, reason) => {
    expect(errorCode(() => parseTilePath(path))).toBe("ERR_INPUT_MALFORMED");
    try {
      parseTilePath(path);
    } catch (err) {
      expect((err as LicenceError).details).toEqual({ reason });
    }
  });
});

describe("proofs from tiles", () => {
  it("needs the tiles the specification's example lists for the root of 70,000 leaves", () => {
    expect(hashesAtTileLevel(0, SIZE) % 256).toBe(112);
    expect(hashesAtTileLevel(1, SIZE) % 256).toBe(17);
    expect(hashesAtTileLevel(2, SIZE)).toBe(1);
    const paths = tilesForRoot(SIZE).map(tilePath).sort();
    // 70,000 = 65,536 + 4,096 + 256 + 112: the first 65,536 leaves are the one hash of the partial
    // level-2 tile; the next 4,096 are hashes 0–15 and the next 256 hash 16 of the partial
    // level-1 tile 1 (width 17); the last 112 leaves are the partial level-0 tile.
    expect(paths).toEqual(["tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1"]);
    expect(hex(rootFromTiles(SIZE, fetchAll(tilesForRoot(SIZE))))).toBe(hex(tree.root()));
  });

  it("computes the same roots as the tree for sizes around tile boundaries", () => {
    for (const size of [1, 2, 255, 256, 257, 511, 512, 513, 65535, 65536, 65537, SIZE]) {
      expect(hex(rootFromTiles(size, fetchAll(tilesForRoot(size)))), `size ${size}`).toBe(hex(tree.root(size)));
    }
  });

  it("computes the same inclusion proofs as the tree, which verify against its root", () => {
    const cases: [number, number][] = [
      [0, 1],
      [0, 256],
      [255, 256],
      [256, 257],
      [300, 65536],
      [65535, 65537],
      [65536, 65537],
      [69_999, SIZE],
      [12345, SIZE],
      [0, SIZE],
    ];
    for (let i = 0; i < 40; i++) {
      const size = 1 + ((i * 7919 * 13) % SIZE);
      cases.push([(i * 104729) % size, size]);
    }
    for (const [index, size] of cases) {
      const tiles = fetchAll(tilesForInclusion(index, size));
      const { leafHash, proof } = inclusionProofFromTiles(index, size, tiles);
      expect(proof.map(hex), `${index}/${size}`).toEqual(tree.inclusionProof(index, size).map(hex));
      expect(verifyInclusion({ leafHash, index, treeSize: size, proof, root: tree.root(size) })).toBe(true);
    }
  });

  it("computes the same consistency proofs as the tree, which verify between its roots", () => {
    const cases: [number, number][] = [
      [1, 2],
      [255, 256],
      [256, 257],
      [256, 65536],
      [1000, 65537],
      [65536, SIZE],
      [12345, 67890],
      [SIZE, SIZE],
    ];
    for (const [oldSize, newSize] of cases) {
      const proof = consistencyProofFromTiles(oldSize, newSize, fetchAll(tilesForConsistency(oldSize, newSize)));
      expect(proof.map(hex), `${oldSize}→${newSize}`).toEqual(tree.consistencyProof(oldSize, newSize).map(hex));
      expect(verifyConsistency({ oldSize, newSize, oldRoot: tree.root(oldSize), newRoot: tree.root(newSize), proof })).toBe(true);
    }
  });

  it("refuses a missing tile and a tile of the wrong length", () => {
    const tiles = fetchAll(tilesForInclusion(5, SIZE));
    const first = [...tiles.keys()][0]!;
    const missing = new Map(tiles);
    missing.delete(first);
    expect(errorCode(() => inclusionProofFromTiles(5, SIZE, missing))).toBe("ERR_LOG_PROOF_INVALID");
    const short = new Map(tiles);
    short.set(first, tiles.get(first)!.subarray(32));
    expect(errorCode(() => inclusionProofFromTiles(5, SIZE, short))).toBe("ERR_LOG_PROOF_INVALID");
  });

  it("needs every tile it lists: forging any one hash the proof reads makes verification fail", () => {
    const tiles = fetchAll(tilesForInclusion(12345, SIZE));
    for (const [path, bytes] of tiles) {
      let broken = 0;
      for (let entry = 0; entry < bytes.length / 32; entry++) {
        const copy = bytes.slice();
        copy[entry * 32]! ^= 1;
        const { leafHash, proof } = inclusionProofFromTiles(12345, SIZE, new Map(tiles).set(path, copy));
        if (!verifyInclusion({ leafHash, index: 12345, treeSize: SIZE, proof, root: tree.root() })) broken++;
      }
      expect(broken, path).toBeGreaterThan(0);
    }
  });
});
