/**
 * A naive reference for the tests, written straight from the RFC 9162 definitions with array slices
 * and node:crypto (independent of the code under test): MTH (§2.1.1), PATH (§2.1.3.1) and
 * PROOF/SUBPROOF (§2.1.4.1), with k the largest power of two smaller than n.
 */
import { createHash } from "node:crypto";

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export const refLeafHash = (data: Uint8Array): Uint8Array => sha256(Uint8Array.of(0), data);
const node = (l: Uint8Array, r: Uint8Array): Uint8Array => sha256(Uint8Array.of(1), l, r);

function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/** MTH over leaf hashes D[0:n]. */
export function refMth(d: readonly Uint8Array[]): Uint8Array {
  const n = d.length;
  if (n === 0) return sha256();
  if (n === 1) return d[0]!;
  const s = k(n);
  return node(refMth(d.slice(0, s)), refMth(d.slice(s)));
}

/** PATH(m, D[n]). */
export function refPath(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  const n = d.length;
  if (n === 1) return [];
  const s = k(n);
  if (m < s) return [...refPath(m, d.slice(0, s)), refMth(d.slice(s))];
  return [...refPath(m - s, d.slice(s)), refMth(d.slice(0, s))];
}

function refSubproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = d.length;
  if (m === n) return b ? [] : [refMth(d)];
  const s = k(n);
  if (m <= s) return [...refSubproof(m, d.slice(0, s), b), refMth(d.slice(s))];
  return [...refSubproof(m - s, d.slice(s), false), refMth(d.slice(0, s))];
}

/** PROOF(m, D[n]) for 0 < m ≤ n. */
export function refProof(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  return refSubproof(m, d, true);
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));

/** Leaf hashes of `n` distinct synthetic entries. */
export function syntheticLeaves(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => refLeafHash(new TextEncoder().encode(`entry-${i}`)));
}
