/**
 * RFC 9162 §2.1.1 hashing for the registry's Merkle log: SHA-256 with domain separation between
 * leaves (prefix 0x00) and interior nodes (prefix 0x01), so a leaf can never pass for a node.
 *
 * @module
 */
import { backend } from "../crypto/index.js";

/** Length in bytes of every hash in the log (SHA-256). */
export const HASH_SIZE = 32;

/**
 * Hashes one log entry as a leaf: `SHA-256(0x00 ‖ data)`.
 *
 * @param data - the entry's bytes, exactly as logged
 * @returns the 32-byte leaf hash
 * @example
 * ```ts
 * const leaf = hashLeaf(new TextEncoder().encode(JSON.stringify(event)));
 * ```
 */
export function hashLeaf(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length);
  input[0] = 0x00;
  input.set(data, 1);
  return backend.sha256(input);
}

/**
 * Hashes two child hashes into their parent: `SHA-256(0x01 ‖ left ‖ right)`.
 *
 * @param left - the left child's hash (32 bytes)
 * @param right - the right child's hash (32 bytes)
 * @returns the 32-byte parent hash
 * @example
 * ```ts
 * const parent = hashChildren(hashLeaf(a), hashLeaf(b));
 * ```
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return backend.sha256(input);
}

/**
 * The root hash of the empty tree, `SHA-256("")` (RFC 9162 §2.1.1).
 *
 * @returns a fresh copy of the 32-byte empty root
 * @example
 * ```ts
 * const root = tree.size === 0 ? emptyRoot() : tree.root();
 * ```
 */
export function emptyRoot(): Uint8Array {
  return backend.sha256(new Uint8Array(0));
}

/** True when `a` and `b` hold the same bytes (not constant-time: hashes here are public). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
