/**
 * The shape of RFC 9162 trees and proofs in terms of perfect subtrees, with no hashing and no I/O.
 *
 * Every hash a root or a proof needs is `MTH(D[start:start+size])` for a range the RFC recursion
 * (§2.1.1, §2.1.3.1, §2.1.4.1) visits. Such a range always starts at a multiple of the smallest power
 * of two ≥ its size, so it splits into the perfect subtrees given by the binary digits of `size`,
 * largest first, and its hash is the right fold `H(p0, H(p1, … H(pk-1, pk)))` of theirs. A perfect
 * subtree never changes once its last leaf is appended, which is what makes it safe to store.
 *
 * A store that can only be read asynchronously (a database) plans a proof here, fetches the
 * listed subtree hashes in one query, then folds each element with {@link foldSubtreeHashes}.
 *
 * Sizes are plain numbers: safe integers up to 2^53 − 1, so the arithmetic avoids 32-bit bit operators.
 *
 * @module
 */
import { hashChildren } from "./hash.js";

/**
 * A perfect subtree: the `2^level` leaves starting at leaf `index · 2^level`.
 * Level 0 holds the leaf hashes themselves; `(level, index)` is the layout a store persists.
 */
export interface SubtreeRef {
  readonly level: number;
  readonly index: number;
}

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Largest power of two strictly below `n` (n ≥ 2): the RFC's split point `k`. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function largestPowerOfTwoAtMost(n: number): { size: number; level: number } {
  let size = 1;
  let level = 0;
  while (size * 2 <= n) {
    size *= 2;
    level++;
  }
  return { size, level };
}

/** True when `n` is 2^k for some k ≥ 0. */
export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/**
 * Lists the perfect subtrees whose right fold is `MTH(D[start:start+size])`.
 *
 * @param start - first leaf of the range; must be aligned as the RFC recursion aligns it
 * @param size - number of leaves (≥ 1)
 * @returns the subtrees, left to right
 * @example
 * ```ts
 * subtreesOfRange(0, 7); // [{ level: 2, index: 0 }, { level: 1, index: 2 }, { level: 0, index: 6 }]
 * ```
 */
export function subtreesOfRange(start: number, size: number): SubtreeRef[] {
  if (!isSize(start) || !isSize(size) || size < 1) throw new TypeError("A range needs a start ≥ 0 and a size ≥ 1.");
  const out: SubtreeRef[] = [];
  let at = start;
  let remaining = size;
  while (remaining > 0) {
    const part = largestPowerOfTwoAtMost(remaining);
    if (at % part.size !== 0) throw new TypeError("The range is not aligned as an RFC 9162 subtree.");
    out.push({ level: part.level, index: at / part.size });
    at += part.size;
    remaining -= part.size;
  }
  return out;
}

/**
 * Plans `MTH(D[0:treeSize])`: the perfect subtrees to fold into the root.
 *
 * @param treeSize - the tree size (≥ 1; the empty tree's root is `emptyRoot()`)
 * @returns the subtrees, left to right
 * @example
 * ```ts
 * const root = foldSubtreeHashes(planRoot(n).map((s) => store.get(s.level, s.index)!));
 * ```
 */
export function planRoot(treeSize: number): SubtreeRef[] {
  return subtreesOfRange(0, treeSize);
}

/** Receives one proof element: the range `[start, start + size)` whose MTH it is. */
type VisitRange = (start: number, size: number) => void;

/**
 * Walks `PATH(m, D[n])` (RFC 9162 §2.1.3.1) from the root down, calling `visit` once per proof
 * element (root level first), and returns how many there are.
 */
function walkPath(index: number, treeSize: number, visit?: VisitRange): number {
  let count = 0;
  let m = index;
  let start = 0;
  let n = treeSize;
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      visit?.(start + k, n - k);
      n = k;
    } else {
      visit?.(start, k);
      m -= k;
      start += k;
      n -= k;
    }
    count++;
  }
  return count;
}

/**
 * Walks `SUBPROOF(m, D[n], true)` (RFC 9162 §2.1.4.1) the same way; `complete` is the RFC's flag b.
 * Requires 1 ≤ m ≤ n.
 */
function walkSubproof(oldSize: number, newSize: number, visit?: VisitRange): number {
  let count = 0;
  let m = oldSize;
  let start = 0;
  let n = newSize;
  let complete = true;
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      visit?.(start + k, n - k);
      n = k;
    } else {
      visit?.(start, k);
      m -= k;
      start += k;
      n -= k;
      complete = false;
    }
    count++;
  }
  if (complete) return count;
  visit?.(start, n);
  return count + 1;
}

/**
 * Plans the RFC 9162 §2.1.3.1 inclusion proof `PATH(index, D[0:treeSize])`.
 *
 * @param index - the leaf index (< treeSize)
 * @param treeSize - the tree size
 * @returns one list of subtrees per proof element, in proof order (nearest the leaf first)
 * @example
 * ```ts
 * const proof = planInclusionProof(5, 8).map((el) => foldSubtreeHashes(el.map(fetch)));
 * ```
 */
export function planInclusionProof(index: number, treeSize: number): SubtreeRef[][] {
  if (!isSize(treeSize) || !isSize(index) || index >= treeSize) {
    throw new TypeError("An inclusion proof needs 0 ≤ index < treeSize.");
  }
  const out: SubtreeRef[][] = [];
  walkPath(index, treeSize, (start, size) => out.push(subtreesOfRange(start, size)));
  // The walk goes root first; the proof lists the element nearest the leaf first.
  return out.reverse();
}

/**
 * Plans the RFC 9162 §2.1.4.1 consistency proof `PROOF(oldSize, D[0:newSize])`.
 *
 * @param oldSize - the earlier tree size (0 ≤ oldSize ≤ newSize; 0 and newSize give an empty proof)
 * @param newSize - the later tree size
 * @returns one list of subtrees per proof element, in proof order
 * @example
 * ```ts
 * const proof = planConsistencyProof(3, 7).map((el) => foldSubtreeHashes(el.map(fetch)));
 * ```
 */
export function planConsistencyProof(oldSize: number, newSize: number): SubtreeRef[][] {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) {
    throw new TypeError("A consistency proof needs 0 ≤ oldSize ≤ newSize.");
  }
  if (oldSize === 0) return [];
  const out: SubtreeRef[][] = [];
  walkSubproof(oldSize, newSize, (start, size) => out.push(subtreesOfRange(start, size)));
  return out.reverse();
}

/**
 * Number of hashes in a correct inclusion proof for `index` in a tree of `treeSize` leaves.
 *
 * @param index - the leaf index (< treeSize)
 * @param treeSize - the tree size
 * @returns the proof length
 * @example
 * ```ts
 * inclusionProofLength(5, 8); // 3
 * ```
 */
export function inclusionProofLength(index: number, treeSize: number): number {
  return walkPath(index, treeSize);
}

/**
 * Number of hashes in a correct consistency proof from `oldSize` to `newSize` (1 ≤ oldSize ≤ newSize).
 *
 * @param oldSize - the earlier tree size
 * @param newSize - the later tree size
 * @returns the proof length
 * @example
 * ```ts
 * consistencyProofLength(4, 8); // 1: the old root is the new tree's left subtree
 * ```
 */
export function consistencyProofLength(oldSize: number, newSize: number): number {
  return walkSubproof(oldSize, newSize);
}

/**
 * Folds the hashes of consecutive perfect subtrees into the hash of their range (right fold).
 *
 * @param hashes - the subtree hashes, left to right, as {@link subtreesOfRange} lists them
 * @returns the range's hash (a copy when there is only one subtree)
 * @example
 * ```ts
 * const root = foldSubtreeHashes(planRoot(tree.size).map((s) => store.get(s.level, s.index)!));
 * ```
 */
export function foldSubtreeHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) throw new TypeError("Nothing to fold: a range holds at least one subtree.");
  let acc: Uint8Array = hashes[hashes.length - 1]!.slice();
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i]!, acc);
  return acc;
}
