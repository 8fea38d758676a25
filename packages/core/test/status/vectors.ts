import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The draft's examples and test vectors (see vectors/draft-ietf-oauth-status-list.json for the source). */
export interface StatusListVectors {
  byteArrayExamples: { section: string; bits: 1 | 2 | 4 | 8; bytes: string; lst: string; statuses: number[] }[];
  testVectors: { size: number; lists: { bits: 1 | 2 | 4 | 8; lst: string; entries: [number, number][] }[] };
}

export const draftVectors = JSON.parse(
  readFileSync(fileURLToPath(new URL("./vectors/draft-ietf-oauth-status-list.json", import.meta.url)), "utf8"),
) as StatusListVectors;

/** A small seeded PRNG (mulberry32), so random tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
