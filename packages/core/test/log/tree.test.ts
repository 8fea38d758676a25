import { describe, expect, it } from "vitest";
import {
  buildConsistencyProof,
  buildInclusionProof,
  computeRoot,
  consistencyProofLength,
  foldSubtreeHashes,
  inclusionProofLength,
  MemorySubtreeHashStore,
  MerkleTree,
  planConsistencyProof,
  planInclusionProof,
  planRoot,
  subtreesOfRange,
  type LeafHashSource,
  type SubtreeHashStore,
} from "../../src/log/index.js";
import { isLicenceError } from "../../src/errors/errors.js";
import { hex, refMth, refPath, refProof, syntheticLeaves, unhex } from "./reference.js";
import { ctTree } from "./vectors.js";

const N = 64;
const leaves = syntheticLeaves(N);

function treeOf(hashes: readonly Uint8Array[], store?: SubtreeHashStore): MerkleTree {
  const tree = new MerkleTree(store ? { store } : {});
  for (const h of hashes) tree.append(h);
  return tree;
}

/** A store that counts reads and writes, to check the cost claims. */
class CountingStore implements SubtreeHashStore {
  readonly inner = new MemorySubtreeHashStore();
  gets = 0;
  sets = 0;
  get(level: number, index: number): Uint8Array | undefined {
    this.gets++;
    return this.inner.get(level, index);
  }
  set(level: number, index: number, hash: Uint8Array): void {
    this.sets++;
    this.inner.set(level, index, hash);
  }
}

describe("MerkleTree against the RFC 9162 definitions", () => {
  const tree = treeOf(leaves);

  it("root(n) equals MTH(D[0:n]) for every n in 0..64, from one tree of 64 leaves", () => {
    for (let n = 0; n <= N; n++) expect(hex(tree.root(n)), `n=${n}`).toBe(hex(refMth(leaves.slice(0, n))));
  });

  it("inclusionProof(i, n) equals PATH(i, D[0:n]) for all 0 ≤ i < n ≤ 64", () => {
    for (let n = 1; n <= N; n++) {
      for (let i = 0; i < n; i++) {
        const proof = tree.inclusionProof(i, n);
        expect(proof.map(hex), `i=${i} n=${n}`).toEqual(refPath(i, leaves.slice(0, n)).map(hex));
        expect(proof.length).toBe(inclusionProofLength(i, n));
      }
    }
  });

  it("consistencyProof(m, n) equals PROOF(m, D[0:n]) for all 1 ≤ m ≤ n ≤ 64", () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        expect(proof.map(hex), `m=${m} n=${n}`).toEqual(refProof(m, leaves.slice(0, n)).map(hex));
        expect(proof.length).toBe(m === n ? 0 : consistencyProofLength(m, n));
      }
    }
  });

  it("a consistency proof from a power-of-two size omits the old root (RFC 9162 §2.1.4.1)", () => {
    // PROOF(4, D[8]) = [MTH(D[4:8])]: the old tree is the new tree's left subtree.
    expect(tree.consistencyProof(4, 8).map(hex)).toEqual([hex(refMth(leaves.slice(4, 8)))]);
    expect(tree.consistencyProof(1, 2).map(hex)).toEqual([hex(leaves[1]!)]);
    expect(tree.consistencyProof(16, 64).map(hex)).toEqual(
      [refMth(leaves.slice(16, 32)), refMth(leaves.slice(32, 64))].map(hex),
    );
    expect(tree.consistencyProof(0, 5)).toEqual([]);
  });

  it("the functions over a plain LeafHashSource agree with the tree", () => {
    const source: LeafHashSource = { size: 23, leafHash: (i) => leaves[i]! };
    expect(hex(computeRoot(source))).toBe(hex(tree.root(23)));
    expect(hex(computeRoot(source, 0))).toBe(hex(tree.root(0)));
    for (let i = 0; i < 23; i++) expect(buildInclusionProof(source, i).map(hex)).toEqual(tree.inclusionProof(i, 23).map(hex));
    for (let m = 0; m <= 23; m++) {
      expect(buildConsistencyProof(source, m).map(hex)).toEqual(tree.consistencyProof(m, 23).map(hex));
    }
  });
});

describe("MerkleTree storage", () => {
  it("stores perfect subtrees at (level, index), as the CT reference tree's node hashes", () => {
    const store = new MemorySubtreeHashStore();
    const tree = new MerkleTree({ store });
    for (const input of ctTree.leafInputs) tree.appendEntry(unhex(input));
    ctTree.nodeHashesByLevel.forEach((level, l) =>
      level.forEach((h, i) => expect(hex(store.get(l, i)!), `(${l}, ${i})`).toBe(h)),
    );
    expect(store.get(3, 1)).toBeUndefined();
    expect(store.get(4, 0)).toBeUndefined();
  });

  it("append writes 2n − popcount(n) hashes in all (amortised one hash per append)", () => {
    const store = new CountingStore();
    const n = 1000;
    treeOf(syntheticLeaves(n), store);
    const popcount = n.toString(2).replaceAll("0", "").length;
    expect(store.sets).toBe(2 * n - popcount);
  });

  it("a root or proof in a tree of 100 000 leaves reads O(log n) stored hashes", () => {
    const store = new CountingStore();
    const n = 100_000;
    const tree = new MerkleTree({ store });
    const leaf = new Uint8Array(32);
    for (let i = 0; i < n; i++) {
      leaf[0] = i & 0xff;
      leaf[1] = (i >> 8) & 0xff;
      leaf[2] = i >> 16;
      tree.append(leaf);
    }
    const log2n = Math.ceil(Math.log2(n));
    for (const [what, run] of [
      ["root", () => tree.root()],
      ["inclusion", () => tree.inclusionProof(77_777)],
      ["consistency", () => tree.consistencyProof(65_537, 99_999)],
    ] as const) {
      store.gets = 0;
      run();
      expect(store.gets, what).toBeLessThanOrEqual(2 * log2n);
    }
  });

  it("reopens over a persisted store", () => {
    const store = new MemorySubtreeHashStore();
    const first = treeOf(leaves.slice(0, 37), store);
    const reopened = new MerkleTree({ store, size: 37 });
    expect(hex(reopened.root())).toBe(hex(first.root()));
    for (const h of leaves.slice(37)) reopened.append(h);
    expect(hex(reopened.root())).toBe(hex(refMth(leaves)));
    expect(() => new MerkleTree({ store: new MemorySubtreeHashStore(), size: 3 })).toThrow(TypeError);
  });

  it("a store that lost a hash gives ERR_STATE_INVALID, not a wrong proof", () => {
    const store = new MemorySubtreeHashStore();
    const lossy: SubtreeHashStore = {
      get: (l, i) => (l === 2 && i === 1 ? undefined : store.get(l, i)),
      set: (l, i, h) => store.set(l, i, h),
    };
    const damaged = treeOf(leaves.slice(0, 8), lossy);
    expect(hex(damaged.root())).toBe(hex(refMth(leaves.slice(0, 8))));
    let caught: unknown;
    try {
      damaged.inclusionProof(0); // needs (2, 1), the hash of leaves 4..7

    } catch (err) {
      caught = err;
    }
    expect(isLicenceError(caught, "ERR_STATE_INVALID")).toBe(true);
  });

  it("returns copies: changing a proof or leaf hash does not change the tree", () => {
    const tree = treeOf(leaves.slice(0, 5));
    const root = hex(tree.root());
    tree.leafHash(0)[0] ^= 1;
    tree.inclusionProof(4)[0]![0] ^= 1;
    tree.root()[0] ^= 1;
    expect(hex(tree.root())).toBe(root);
  });

  it("refuses misuse with TypeError", () => {
    const tree = treeOf(leaves.slice(0, 5));
    expect(() => tree.append(new Uint8Array(31))).toThrow(TypeError);
    expect(() => tree.leafHash(5)).toThrow(TypeError);
    expect(() => tree.root(6)).toThrow(TypeError);
    expect(() => tree.root(-1)).toThrow(TypeError);
    expect(() => tree.inclusionProof(5, 5)).toThrow(TypeError);
    expect(() => tree.inclusionProof(0, 0)).toThrow(TypeError);
    expect(() => tree.inclusionProof(0.5, 5)).toThrow(TypeError);
    expect(() => tree.consistencyProof(4, 3)).toThrow(TypeError);
    expect(() => tree.consistencyProof(1, 6)).toThrow(TypeError);
    expect(() => new MemorySubtreeHashStore().set(0, 1, new Uint8Array(32))).toThrow(TypeError);
    expect(() => subtreesOfRange(1, 2)).toThrow(TypeError);
    expect(() => foldSubtreeHashes([])).toThrow(TypeError);
  });
});

describe("proof plans (for stores read asynchronously)", () => {
  it("decomposes ranges into perfect subtrees by the binary digits of their size", () => {
    expect(planRoot(7)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(planRoot(8)).toEqual([{ level: 3, index: 0 }]);
    expect(planInclusionProof(5, 8)).toEqual([[{ level: 0, index: 4 }], [{ level: 1, index: 3 }], [{ level: 2, index: 0 }]]);
    expect(planConsistencyProof(3, 7)).toEqual([
      [{ level: 0, index: 2 }],
      [{ level: 0, index: 3 }],
      [{ level: 1, index: 0 }],
      [{ level: 1, index: 2 }, { level: 0, index: 6 }],
    ]);
  });

  it("plans with sizes near 2^53 stay exact", () => {
    const n = Number.MAX_SAFE_INTEGER;
    expect(planRoot(n)).toHaveLength(53);
    expect(planInclusionProof(n - 1, n)).toHaveLength(inclusionProofLength(n - 1, n));
    expect(inclusionProofLength(0, n)).toBe(53);
    expect(consistencyProofLength(2 ** 52 + 1, n)).toBeLessThanOrEqual(54);
  });
});
