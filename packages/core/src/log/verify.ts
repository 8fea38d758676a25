/**
 * Offline verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs.
 *
 * The two loops follow the RFC's numbered steps literally. Before them, every input is checked:
 * sizes are safe integers, every hash is 32 bytes, a proof holds at most {@link MAX_PROOF_HASHES}
 * hashes and exactly as many as the sizes require. Anything that fails gives `false` (or, from the
 * `assert…` forms, a {@link LicenceError} `ERR_LOG_PROOF_INVALID` whose `details.reason` says why);
 * nothing here throws on malformed input.
 *
 * A proof binds a leaf to a root, not to a size: the proof for leaf 0 of a 3-leaf tree also passes
 * as "leaf 0 of a 4-leaf tree" against the same root, its last hash standing for a subtree. Take the
 * size and the root from one verified signed tree head, never one from the proof's sender and the
 * other from elsewhere.
 *
 * @module
 */
import type { CheckpointFailureReason } from "./checkpoint.js";
import { LicenceError } from "../errors/errors.js";
import { emptyRoot, equalBytes, HASH_SIZE, hashChildren } from "./hash.js";
import { consistencyProofLength, inclusionProofLength, isPowerOfTwo } from "./plan.js";

/**
 * Most hashes a proof may hold. A tree of up to 2^53 leaves needs at most 54 (a consistency proof's
 * extra element included); the cap bounds the work an untrusted proof can cause.
 */
export const MAX_PROOF_HASHES = 64;

/** What {@link verifyInclusion} checks: that `leafHash` is leaf `index` of the tree `(treeSize, root)`. */
export interface InclusionProofInput {
  /** `hashLeaf(entry)` of the entry whose inclusion is claimed. */
  readonly leafHash: Uint8Array;
  readonly index: number;
  readonly treeSize: number;
  /** The RFC 9162 `inclusion_path`, nearest the leaf first. */
  readonly proof: readonly Uint8Array[];
  /** The root hash of the tree of `treeSize` leaves, normally from a verified signed tree head. */
  readonly root: Uint8Array;
}

/** What {@link verifyConsistency} checks: that the tree `(newSize, newRoot)` extends `(oldSize, oldRoot)`. */
export interface ConsistencyProofInput {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRoot: Uint8Array;
  readonly newRoot: Uint8Array;
  /** The RFC 9162 `consistency_path`. */
  readonly proof: readonly Uint8Array[];
}

/** Why a proof was refused (the `details.reason` of the error the `assert…` forms throw). */
export type ProofFailureReason =
  | "size-invalid"
  | "index-out-of-range"
  | "size-order"
  | "hash-size"
  | "proof-malformed"
  | "proof-too-long"
  | "proof-length"
  | "root-mismatch"
  | "tile-missing"
  | "tile-length"
  | CheckpointFailureReason;

function isSize(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

function checkProofShape(proof: unknown): ProofFailureReason | undefined {
  if (!Array.isArray(proof)) return "proof-malformed";
  if (proof.length > MAX_PROOF_HASHES) return "proof-too-long";
  for (const p of proof) if (!isHash(p)) return "hash-size";
  return undefined;
}

const lsb = (n: number): boolean => n % 2 === 1;

/** The RFC's pair (fn, sn), shifted together; plain division keeps sizes above 2^32 exact. */
interface Position {
  fn: number;
  sn: number;
}

/** Right-shifts fn and sn once. */
function shift(at: Position): void {
  at.fn = Math.floor(at.fn / 2);
  at.sn = Math.floor(at.sn / 2);
}

/** Right-shifts fn and sn until LSB(fn) is set or fn is 0 (§2.1.3.2 step 4.b.ii, §2.1.4.2 step 6.b.iii). */
function shiftUntilOddOrZero(at: Position): void {
  do shift(at);
  while (!lsb(at.fn) && at.fn !== 0);
}

/** Returns why the inclusion proof fails, or `undefined` when it holds. */
function inclusionFailure(input: InclusionProofInput): ProofFailureReason | undefined {
  if (typeof input !== "object" || input === null) return "size-invalid";
  const { leafHash, index, treeSize, proof, root } = input;
  if (!isSize(treeSize) || !isSize(index)) return "size-invalid";
  // Step 1: leaf_index ≥ tree_size fails.
  if (index >= treeSize) return "index-out-of-range";
  if (!isHash(leafHash) || !isHash(root)) return "hash-size";
  const shape = checkProofShape(proof);
  if (shape) return shape;
  if (proof.length !== inclusionProofLength(index, treeSize)) return "proof-length";

  // Step 2.
  const at: Position = { fn: index, sn: treeSize - 1 };
  // Step 3.
  let r = leafHash;
  // Step 4.
  for (const p of proof) {
    // 4a.
    if (at.sn === 0) return "proof-length";
    // 4b.
    if (lsb(at.fn) || at.fn === at.sn) {
      r = hashChildren(p, r);
      if (!lsb(at.fn)) shiftUntilOddOrZero(at);
    } else {
      r = hashChildren(r, p);
    }
    // 4c.
    shift(at);
  }
  // Step 5.
  if (at.sn !== 0) return "proof-length";
  return equalBytes(r, root) ? undefined : "root-mismatch";
}

/** Returns why the consistency proof fails, or `undefined` when it holds. */
function consistencyFailure(input: ConsistencyProofInput): ProofFailureReason | undefined {
  if (typeof input !== "object" || input === null) return "size-invalid";
  const { oldSize, newSize, oldRoot, newRoot, proof } = input;
  if (!isSize(oldSize) || !isSize(newSize)) return "size-invalid";
  if (oldSize > newSize) return "size-order";
  if (!isHash(oldRoot) || !isHash(newRoot)) return "hash-size";
  const shape = checkProofShape(proof);
  if (shape) return shape;

  // Outside the RFC's 0 < first < second: nothing to prove, so the proof must be empty.
  if (oldSize === 0) {
    if (proof.length !== 0) return "proof-length";
    return equalBytes(oldRoot, emptyRoot()) ? undefined : "root-mismatch";
  }
  if (oldSize === newSize) {
    if (proof.length !== 0) return "proof-length";
    return equalBytes(oldRoot, newRoot) ? undefined : "root-mismatch";
  }
  // Step 1 (an empty path fails) is covered: a proof for 0 < first < second is never empty.
  if (proof.length !== consistencyProofLength(oldSize, newSize)) return "proof-length";

  // Step 2: when first is a power of two the old root is a node of the new tree and is not sent.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  // Step 3.
  const at: Position = { fn: oldSize - 1, sn: newSize - 1 };
  // Step 4.
  while (lsb(at.fn)) shift(at);
  // Step 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 6.
  for (const c of path.slice(1)) {
    // 6a.
    if (at.sn === 0) return "proof-length";
    // 6b.
    if (lsb(at.fn) || at.fn === at.sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!lsb(at.fn)) shiftUntilOddOrZero(at);
    } else {
      sr = hashChildren(sr, c);
    }
    // 6c.
    shift(at);
  }
  // Step 7.
  if (at.sn !== 0) return "proof-length";
  if (!equalBytes(fr, oldRoot) || !equalBytes(sr, newRoot)) return "root-mismatch";
  return undefined;
}

/**
 * Verifies an RFC 9162 inclusion proof (§2.1.3.2).
 *
 * @param input - leaf hash, index, tree size, proof and the root to check against
 * @returns `true` only when the proof shows the leaf at `index` in that tree
 * @example
 * ```ts
 * if (!verifyInclusion({ leafHash, index, treeSize: sth.treeSize, proof, root })) reject();
 * ```
 */
export function verifyInclusion(input: InclusionProofInput): boolean {
  return inclusionFailure(input) === undefined;
}

/**
 * Verifies an RFC 9162 consistency proof (§2.1.4.2): the new tree is the old one with leaves appended.
 *
 * An `oldSize` of 0 is consistent with every tree when `oldRoot` is the empty root and the proof is
 * empty; equal sizes need equal roots and an empty proof.
 *
 * @param input - both sizes, both roots and the proof
 * @returns `true` only when the proof holds
 * @example
 * ```ts
 * verifyConsistency({ oldSize: 3, newSize: 7, oldRoot, newRoot, proof });
 * ```
 */
export function verifyConsistency(input: ConsistencyProofInput): boolean {
  return consistencyFailure(input) === undefined;
}

/**
 * Like {@link verifyInclusion}, but throws when the proof fails.
 *
 * @param input - leaf hash, index, tree size, proof and root
 * @throws LicenceError `ERR_LOG_PROOF_INVALID`, with `details.reason` a {@link ProofFailureReason}
 * @example
 * ```ts
 * assertInclusion({ leafHash, index, treeSize, proof, root });
 * ```
 */
export function assertInclusion(input: InclusionProofInput): void {
  const reason = inclusionFailure(input);
  if (reason !== undefined) {
    throw new LicenceError("ERR_LOG_PROOF_INVALID", "The log inclusion proof does not verify.", {
      details: { reason, proof: "inclusion" },
    });
  }
}

/**
 * Like {@link verifyConsistency}, but throws when the proof fails.
 *
 * @param input - both sizes, both roots and the proof
 * @throws LicenceError `ERR_LOG_PROOF_INVALID`, with `details.reason` a {@link ProofFailureReason}
 * @example
 * ```ts
 * assertConsistency({ oldSize, newSize, oldRoot, newRoot, proof });
 * ```
 */
export function assertConsistency(input: ConsistencyProofInput): void {
  const reason = consistencyFailure(input);
  if (reason !== undefined) {
    throw new LicenceError("ERR_LOG_PROOF_INVALID", "The log consistency proof does not verify.", {
      details: { reason, proof: "consistency" },
    });
  }
}
