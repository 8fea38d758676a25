/**
 * Building RFC 9162 roots and proofs: over any source of leaf hashes, and with {@link MerkleTree}, an
 * append-only tree that stores every perfect subtree so roots and proofs cost O(log n).
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import { emptyRoot, HASH_SIZE, hashChildren, hashLeaf } from "./hash.js";
import {
  foldSubtreeHashes,
  planConsistencyProof,
  planInclusionProof,
  planRoot,
  type SubtreeRef,
} from "./plan.js";

/** Read access to the leaf hashes of a log, in append order. */
export interface LeafHashSource {
  /** Number of leaves. */
  readonly size: number;
  /** Hash of leaf `index` (`0 ≤ index < size`): `hashLeaf(entry)`, 32 bytes. */
  leafHash(index: number): Uint8Array;
}

/**
 * Where {@link MerkleTree} keeps the hashes of perfect subtrees, so a database can persist them.
 *
 * Layout: the key is `(level, index)`; the value is the 32-byte hash of the `2^level` leaves starting
 * at leaf `index · 2^level`. Level 0 holds the leaf hashes. For `n` leaves, level `l` holds entries
 * `0 … floor(n / 2^l) − 1` — about `2n` hashes in all. Entries are written once, never changed.
 * A table `(level INTEGER, idx INTEGER, hash BLOB, PRIMARY KEY (level, idx))` is enough; write the
 * entries of one {@link MerkleTree.append} in the same transaction as the log entry.
 */
export interface SubtreeHashStore {
  /** The hash at `(level, index)`, or `undefined` when it is not stored. */
  get(level: number, index: number): Uint8Array | undefined;
  /** Records the hash at `(level, index)`; called once per key, in append order within a level. */
  set(level: number, index: number, hash: Uint8Array): void;
}

interface LevelBuffer {
  bytes: Uint8Array;
  count: number;
}

/**
 * The in-memory {@link SubtreeHashStore}: one flat, growing byte buffer per level (32 bytes a hash).
 *
 * @example
 * ```ts
 * const tree = new MerkleTree({ store: new MemorySubtreeHashStore() });
 * ```
 */
export class MemorySubtreeHashStore implements SubtreeHashStore {
  readonly #levels: LevelBuffer[] = [];

  /**
   * Returns a read-only view of the stored hash (do not modify it).
   *
   * @param level - the subtree level (0 = leaves)
   * @param index - the subtree index within its level
   */
  get(level: number, index: number): Uint8Array | undefined {
    const buffer = this.#levels[level];
    if (buffer === undefined || !Number.isInteger(index) || index < 0 || index >= buffer.count) return undefined;
    return buffer.bytes.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  /**
   * Stores a hash; within a level, indices must arrive in order 0, 1, 2, …
   *
   * @param level - the subtree level (0 = leaves)
   * @param index - the subtree index within its level
   * @param hash - the 32-byte hash (copied)
   */
  set(level: number, index: number, hash: Uint8Array): void {
    if (hash.length !== HASH_SIZE) throw new TypeError("A subtree hash is 32 bytes.");
    if (!Number.isInteger(level) || level < 0 || level > this.#levels.length) {
      throw new TypeError("Levels are filled from 0 upwards.");
    }
    const buffer = (this.#levels[level] ??= { bytes: new Uint8Array(64 * HASH_SIZE), count: 0 });
    if (index !== buffer.count) throw new TypeError("The in-memory store takes each level's hashes in order.");
    if ((index + 1) * HASH_SIZE > buffer.bytes.length) {
      const grown = new Uint8Array(buffer.bytes.length * 2);
      grown.set(buffer.bytes);
      buffer.bytes = grown;
    }
    buffer.bytes.set(hash, index * HASH_SIZE);
    buffer.count++;
  }
}

function checkSize(size: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError(`${what} must be a non-negative safe integer.`);
}

function checkTreeSize(treeSize: number, available: number): void {
  checkSize(treeSize, "treeSize");
  if (treeSize > available) throw new TypeError("treeSize is larger than the tree.");
}

/** Hash of a perfect subtree computed from the leaves: O(2^level) hashing. */
function subtreeFromLeaves(source: LeafHashSource, ref: SubtreeRef): Uint8Array {
  const width = 2 ** ref.level;
  const first = ref.index * width;
  if (ref.level === 0) return source.leafHash(first);
  // Iterative pairwise reduction keeps the stack flat and holds at most `level` pending hashes.
  const stack: { level: number; hash: Uint8Array }[] = [];
  for (let i = 0; i < width; i++) {
    let node = { level: 0, hash: source.leafHash(first + i) };
    while (stack.length > 0 && stack[stack.length - 1]!.level === node.level) {
      const left = stack.pop()!;
      node = { level: node.level + 1, hash: hashChildren(left.hash, node.hash) };
    }
    stack.push(node);
  }
  return stack[0]!.hash;
}

function assemble(plan: SubtreeRef[][], node: (ref: SubtreeRef) => Uint8Array): Uint8Array[] {
  return plan.map((element) => foldSubtreeHashes(element.map(node)));
}

/**
 * Computes `MTH(D[0:treeSize])` from any leaf source, hashing every leaf (O(n)); use
 * {@link MerkleTree.root} for large logs.
 *
 * @param source - the leaf hashes
 * @param treeSize - the tree size (default: all leaves)
 * @returns the 32-byte root hash
 * @example
 * ```ts
 * const root = computeRoot({ size: leaves.length, leafHash: (i) => leaves[i]! });
 * ```
 */
export function computeRoot(source: LeafHashSource, treeSize: number = source.size): Uint8Array {
  checkTreeSize(treeSize, source.size);
  if (treeSize === 0) return emptyRoot();
  return foldSubtreeHashes(planRoot(treeSize).map((ref) => subtreeFromLeaves(source, ref)));
}

/**
 * Builds the RFC 9162 §2.1.3.1 inclusion proof of leaf `index` from any leaf source (O(n) hashing).
 *
 * @param source - the leaf hashes
 * @param index - the leaf index
 * @param treeSize - the tree size the proof is for (default: all leaves)
 * @returns the proof hashes, nearest the leaf first
 * @example
 * ```ts
 * const proof = buildInclusionProof(source, 5, 8);
 * ```
 */
export function buildInclusionProof(source: LeafHashSource, index: number, treeSize: number = source.size): Uint8Array[] {
  checkTreeSize(treeSize, source.size);
  return assemble(planInclusionProof(index, treeSize), (ref) => subtreeFromLeaves(source, ref));
}

/**
 * Builds the RFC 9162 §2.1.4.1 consistency proof between two sizes from any leaf source (O(n) hashing).
 *
 * @param source - the leaf hashes
 * @param oldSize - the earlier tree size
 * @param newSize - the later tree size (default: all leaves)
 * @returns the proof hashes (empty when `oldSize` is 0 or equals `newSize`)
 * @example
 * ```ts
 * const proof = buildConsistencyProof(source, 3, 7);
 * ```
 */
export function buildConsistencyProof(
  source: LeafHashSource,
  oldSize: number,
  newSize: number = source.size,
): Uint8Array[] {
  checkTreeSize(newSize, source.size);
  return assemble(planConsistencyProof(oldSize, newSize), (ref) => subtreeFromLeaves(source, ref));
}

/** Options for {@link MerkleTree}. */
export interface MerkleTreeOptions {
  /** Where subtree hashes live (default: a new {@link MemorySubtreeHashStore}). */
  readonly store?: SubtreeHashStore;
  /** Number of leaves the store already holds, when reopening a persisted tree (default 0). */
  readonly size?: number;
}

/**
 * An append-only RFC 9162 Merkle tree that stores the hash of every perfect subtree.
 *
 * Appending hashes the subtrees the new leaf completes: amortised one hash per append. A root or a
 * proof for any size up to the current one then reads O(log n) stored hashes and hashes only the
 * O(log n) ranges on the right edge that are not perfect.
 *
 * @example
 * ```ts
 * const tree = new MerkleTree();
 * const index = tree.appendEntry(new TextEncoder().encode("event"));
 * const proof = tree.inclusionProof(index);
 * verifyInclusion({ leafHash: tree.leafHash(index), index, treeSize: tree.size, proof, root: tree.root() }); // true
 * ```
 */
export class MerkleTree implements LeafHashSource {
  readonly #store: SubtreeHashStore;
  #size: number;

  /**
   * @param options - the store to use and, when reopening it, how many leaves it holds
   */
  constructor(options: MerkleTreeOptions = {}) {
    this.#store = options.store ?? new MemorySubtreeHashStore();
    const size = options.size ?? 0;
    checkSize(size, "size");
    if (size > 0 && this.#store.get(0, size - 1) === undefined) {
      throw new TypeError("The store holds fewer leaves than the size given.");
    }
    this.#size = size;
  }

  /** Number of leaves. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends a leaf hash and the hashes of the perfect subtrees it completes.
   *
   * @param leafHash - `hashLeaf(entry)`, 32 bytes
   * @returns the new leaf's index
   * @example
   * ```ts
   * const index = tree.append(hashLeaf(entry));
   * ```
   */
  append(leafHash: Uint8Array): number {
    if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_SIZE) {
      throw new TypeError("A leaf hash is 32 bytes.");
    }
    const leafIndex = this.#size;
    if (leafIndex + 1 > Number.MAX_SAFE_INTEGER) throw new TypeError("The tree is full.");
    this.#store.set(0, leafIndex, leafHash.slice());
    // Leaf i completes one perfect subtree per trailing 1 bit of i (i odd → its pair, and so on up).
    let level = 0;
    let index = leafIndex;
    let hash = leafHash;
    while (index % 2 === 1) {
      hash = hashChildren(this.#node(level, index - 1), hash);
      level++;
      index = (index - 1) / 2;
      this.#store.set(level, index, hash);
    }
    this.#size = leafIndex + 1;
    return leafIndex;
  }

  /**
   * Hashes an entry as a leaf ({@link hashLeaf}) and appends it.
   *
   * @param entry - the entry's bytes
   * @returns the new leaf's index
   * @example
   * ```ts
   * tree.appendEntry(new TextEncoder().encode(JSON.stringify(event)));
   * ```
   */
  appendEntry(entry: Uint8Array): number {
    return this.append(hashLeaf(entry));
  }

  /**
   * Returns a copy of the hash of leaf `index`.
   *
   * @param index - the leaf index (< size)
   * @example
   * ```ts
   * const leaf = tree.leafHash(0);
   * ```
   */
  leafHash(index: number): Uint8Array {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#size) throw new TypeError("No leaf at that index.");
    return this.#node(0, index).slice();
  }

  /**
   * Returns `MTH(D[0:treeSize])`.
   *
   * @param treeSize - the tree size (default: the current size)
   * @example
   * ```ts
   * const root = tree.root();
   * ```
   */
  root(treeSize: number = this.#size): Uint8Array {
    checkTreeSize(treeSize, this.#size);
    if (treeSize === 0) return emptyRoot();
    return foldSubtreeHashes(planRoot(treeSize).map((ref) => this.#node(ref.level, ref.index)));
  }

  /**
   * Builds the RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `treeSize` leaves.
   *
   * @param index - the leaf index (< treeSize)
   * @param treeSize - the tree size (default: the current size)
   * @returns the proof hashes, nearest the leaf first
   * @example
   * ```ts
   * const proof = tree.inclusionProof(5, 8);
   * ```
   */
  inclusionProof(index: number, treeSize: number = this.#size): Uint8Array[] {
    checkTreeSize(treeSize, this.#size);
    return assemble(planInclusionProof(index, treeSize), (ref) => this.#node(ref.level, ref.index));
  }

  /**
   * Builds the RFC 9162 §2.1.4.1 consistency proof from `oldSize` to `newSize`.
   *
   * @param oldSize - the earlier tree size
   * @param newSize - the later tree size (default: the current size)
   * @returns the proof hashes (empty when `oldSize` is 0 or equals `newSize`)
   * @example
   * ```ts
   * const proof = tree.consistencyProof(3, 7);
   * ```
   */
  consistencyProof(oldSize: number, newSize: number = this.#size): Uint8Array[] {
    checkTreeSize(newSize, this.#size);
    return assemble(planConsistencyProof(oldSize, newSize), (ref) => this.#node(ref.level, ref.index));
  }

  #node(level: number, index: number): Uint8Array {
    const hash = this.#store.get(level, index);
    if (hash === undefined || hash.length !== HASH_SIZE) {
      // Only a store that lost or damaged entries gets here: the tree never asks for a subtree it did not complete.
      throw new LicenceError("ERR_STATE_INVALID", "The subtree hash store is missing a hash the tree needs.", {
        details: { level, index },
      });
    }
    return hash;
  }
}
