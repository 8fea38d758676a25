import { describe, expect, it } from "vitest";
import {
  assertConsistency,
  assertInclusion,
  consistencyProofLength,
  emptyRoot,
  inclusionProofLength,
  hashLeaf,
  MAX_PROOF_HASHES,
  MerkleTree,
  verifyConsistency,
  verifyInclusion,
  type ConsistencyProofInput,
  type InclusionProofInput,
} from "../../src/log/index.js";
import { LicenceError } from "../../src/errors/errors.js";
import { hex, refMth, refPath, refProof, syntheticLeaves, unhex } from "./reference.js";
import { ctTree } from "./vectors.js";

const N = 64;
const leaves = syntheticLeaves(N);
const roots = Array.from({ length: N + 1 }, (_, n) => refMth(leaves.slice(0, n)));
const someHash = unhex("abacaba000000000000000000000000000000000000000000060061e00123456");

/** Every tampering of a proof we try: each element with one bit flipped, each dropped, one added at each place, neighbours swapped. */
function tamperings(proof: readonly Uint8Array[], salt: number): { what: string; proof: Uint8Array[] }[] {
  const out: { what: string; proof: Uint8Array[] }[] = [];
  proof.forEach((_, i) => {
    const bit = (salt * 31 + i * 97) % 256;
    const flipped = proof.map((p) => p.slice());
    flipped[i]![bit >> 3] ^= 1 << (bit & 7);
    out.push({ what: `bit ${bit} of [${i}] flipped`, proof: flipped });
    out.push({ what: `[${i}] dropped`, proof: proof.filter((__, j) => j !== i) });
    if (i + 1 < proof.length && hex(proof[i]!) !== hex(proof[i + 1]!)) {
      const swapped = [...proof];
      [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
      out.push({ what: `[${i}] and [${i + 1}] swapped`, proof: swapped });
    }
  });
  for (let i = 0; i <= proof.length; i++) {
    out.push({ what: `hash added at ${i}`, proof: [...proof.slice(0, i), someHash, ...proof.slice(i)] });
  }
  return out;
}

describe("verifyInclusion (RFC 9162 §2.1.3.2)", () => {
  it("accepts the reference PATH for every leaf of every tree of 1..64 leaves, and refuses every tampering", () => {
    let refused = 0;
    for (let n = 1; n <= N; n++) {
      for (let i = 0; i < n; i++) {
        const input: InclusionProofInput = { leafHash: leaves[i]!, index: i, treeSize: n, proof: refPath(i, leaves.slice(0, n)), root: roots[n]! };
        expect(verifyInclusion(input), `i=${i} n=${n}`).toBe(true);
        for (const t of tamperings(input.proof, i + n)) {
          expect(verifyInclusion({ ...input, proof: t.proof }), `i=${i} n=${n}: ${t.what}`).toBe(false);
          refused++;
        }
        const wrong: Partial<InclusionProofInput>[] = [
          { index: i + 1 },
          { index: i - 1 },
          { index: i ^ 2 },
          { leafHash: leaves[(i + 1) % N]! },
          { root: roots[n - 1]! },
          { root: emptyRoot() },
        ];
        for (const w of wrong) {
          expect(verifyInclusion({ ...input, ...w }), `i=${i} n=${n}: ${Object.keys(w).join()}`).toBe(false);
        }
        // The proof does not bind the size on its own (the signed tree head does): another size may
        // pass only when its path has the same shape, the right edge node standing for a subtree.
        for (const other of [n - 1, n + 1, n * 2, Math.floor(n / 2)]) {
          if (verifyInclusion({ ...input, treeSize: other })) {
            expect(other > i && inclusionProofLength(i, other) === input.proof.length, `i=${i} n=${n} as ${other}`).toBe(true);
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(10_000);
  });

  it("accepts the certificate-transparency reference proofs", () => {
    const leafHashes = ctTree.leafInputs.map((h) => hashLeaf(unhex(h)));
    for (const v of ctTree.inclusion) {
      const input = {
        leafHash: leafHashes[v.index]!,
        index: v.index,
        treeSize: v.treeSize,
        proof: v.proof.map(unhex),
        root: unhex(ctTree.rootsBySize[v.treeSize]!),
      };
      expect(verifyInclusion(input)).toBe(true);
      expect(verifyInclusion({ ...input, index: v.index + 1 })).toBe(false);
    }
  });

  it("sizes are bound by the signed tree head, not by the proof (why callers take size and root from one STH)", () => {
    // PATH(0, D[3]) = [l1, l2]; read as a tree of 4 leaves, l2 stands for MTH(D[2:4]) and the
    // 3-leaf root is recomputed. Only a head signed for (4, that root) could make this matter.
    const proof = refPath(0, leaves.slice(0, 3));
    expect(verifyInclusion({ leafHash: leaves[0]!, index: 0, treeSize: 3, proof, root: roots[3]! })).toBe(true);
    expect(verifyInclusion({ leafHash: leaves[0]!, index: 0, treeSize: 4, proof, root: roots[3]! })).toBe(true);
    expect(verifyInclusion({ leafHash: leaves[0]!, index: 0, treeSize: 4, proof, root: roots[4]! })).toBe(false);
  });

  it("a one-leaf tree: empty proof, root = leaf hash", () => {
    const leaf = hashLeaf(new TextEncoder().encode("data"));
    expect(verifyInclusion({ leafHash: leaf, index: 0, treeSize: 1, proof: [], root: leaf })).toBe(true);
    expect(verifyInclusion({ leafHash: leaf, index: 0, treeSize: 1, proof: [], root: someHash })).toBe(false);
    expect(verifyInclusion({ leafHash: leaf, index: 0, treeSize: 1, proof: [leaf], root: leaf })).toBe(false);
  });

  it("refuses bad sizes, indices, hash lengths and oversized proofs", () => {
    const good: InclusionProofInput = { leafHash: leaves[3]!, index: 3, treeSize: 8, proof: refPath(3, leaves.slice(0, 8)), root: roots[8]! };
    const bad: [string, Partial<InclusionProofInput>][] = [
      ["index = size", { index: 8 }],
      ["empty tree", { index: 0, treeSize: 0, proof: [] }],
      ["negative index", { index: -1 }],
      ["fractional index", { index: 2.5 }],
      ["unsafe size", { treeSize: 2 ** 53 }],
      ["string index", { index: "3" as unknown as number }],
      ["short leaf hash", { leafHash: leaves[3]!.subarray(0, 31) }],
      ["long root", { root: new Uint8Array(33) }],
      ["short proof hash", { proof: [...good.proof.slice(0, 2), good.proof[2]!.subarray(1)] }],
      ["proof not an array", { proof: "x" as unknown as Uint8Array[] }],
      ["proof of non-bytes", { proof: [[1, 2]] as unknown as Uint8Array[] }],
      ["65 hashes", { proof: Array.from({ length: MAX_PROOF_HASHES + 1 }, () => someHash) }],
    ];
    expect(verifyInclusion(good)).toBe(true);
    for (const [what, change] of bad) expect(verifyInclusion({ ...good, ...change }), what).toBe(false);
    expect(verifyInclusion(null as unknown as InclusionProofInput)).toBe(false);
  });

  it("assertInclusion throws ERR_LOG_PROOF_INVALID with a reason", () => {
    const good: InclusionProofInput = { leafHash: leaves[3]!, index: 3, treeSize: 8, proof: refPath(3, leaves.slice(0, 8)), root: roots[8]! };
    expect(() => assertInclusion(good)).not.toThrow();
    const cases: [Partial<InclusionProofInput>, string][] = [
      [{ index: 9 }, "index-out-of-range"],
      [{ root: roots[7]! }, "root-mismatch"],
      [{ proof: good.proof.slice(1) }, "proof-length"],
      [{ root: new Uint8Array(1) }, "hash-size"],
      [{ proof: Array.from({ length: 65 }, () => someHash) }, "proof-too-long"],
    ];
    for (const [change, reason] of cases) {
      try {
        assertInclusion({ ...good, ...change });
        expect.unreachable(reason);
      } catch (err) {
        expect(err).toBeInstanceOf(LicenceError);
        expect((err as LicenceError).code).toBe("ERR_LOG_PROOF_INVALID");
        expect((err as LicenceError).details.reason).toBe(reason);
      }
    }
  });
});

describe("verifyConsistency (RFC 9162 §2.1.4.2)", () => {
  it("accepts the reference PROOF for all 1 ≤ m ≤ n ≤ 64, and refuses every tampering", () => {
    let refused = 0;
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        const input: ConsistencyProofInput = { oldSize: m, newSize: n, oldRoot: roots[m]!, newRoot: roots[n]!, proof: refProof(m, leaves.slice(0, n)) };
        expect(verifyConsistency(input), `m=${m} n=${n}`).toBe(true);
        if (m === n) {
          expect(verifyConsistency({ ...input, proof: [someHash] })).toBe(false);
          expect(verifyConsistency({ ...input, newRoot: someHash })).toBe(false);
          continue;
        }
        for (const t of tamperings(input.proof, m * 67 + n)) {
          expect(verifyConsistency({ ...input, proof: t.proof }), `m=${m} n=${n}: ${t.what}`).toBe(false);
          refused++;
        }
        const wrong: [string, Partial<ConsistencyProofInput>][] = [
          ["old root", { oldRoot: roots[m - 1]! }],
          ["new root", { newRoot: roots[n - 1]! }],
          ["roots swapped", { oldRoot: roots[n]!, newRoot: roots[m]! }],
          ["sizes swapped", { oldSize: n, newSize: m }],
          ["empty proof", { proof: [] }],
          ["preceded by old root", { proof: [roots[m]!, ...input.proof] }],
        ];
        for (const [what, change] of wrong) {
          expect(verifyConsistency({ ...input, ...change }), `m=${m} n=${n}: ${what}`).toBe(false);
        }
        for (const [oldSize, newSize] of [[m + 1, n], [m - 1, n], [m, n + 1], [m, n * 2]] as const) {
          if (oldSize < 1 || oldSize > newSize) continue;
          if (verifyConsistency({ ...input, oldSize, newSize })) {
            expect(consistencyProofLength(oldSize, newSize), `m=${m} n=${n} as ${oldSize}→${newSize}`).toBe(input.proof.length);
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(10_000);
  });

  it("old sizes that are powers of two: the old root is implied, never sent", () => {
    // @transmute/rfc9162 0.0.5 gets this case wrong (LIBRARIES.md); check it on its own.
    for (const [m, n] of [
      [1, 2],
      [1, 5],
      [2, 3],
      [4, 5],
      [4, 8],
      [8, 9],
      [8, 64],
      [16, 17],
      [32, 33],
      [32, 64],
    ] as const) {
      const proof = refProof(m, leaves.slice(0, n));
      const input = { oldSize: m, newSize: n, oldRoot: roots[m]!, newRoot: roots[n]!, proof };
      expect(proof.map(hex), `m=${m} n=${n}`).not.toContain(hex(roots[m]!));
      expect(verifyConsistency(input), `m=${m} n=${n}`).toBe(true);
      expect(verifyConsistency({ ...input, proof: [roots[m]!, ...proof] }), `m=${m} n=${n} with old root`).toBe(false);
      expect(verifyConsistency({ ...input, oldRoot: someHash }), `m=${m} n=${n} wrong old root`).toBe(false);
    }
  });

  it("accepts the certificate-transparency reference proofs", () => {
    for (const v of ctTree.consistency) {
      const input = {
        oldSize: v.oldSize,
        newSize: v.newSize,
        oldRoot: unhex(ctTree.rootsBySize[v.oldSize]!),
        newRoot: unhex(ctTree.rootsBySize[v.newSize]!),
        proof: v.proof.map(unhex),
      };
      expect(verifyConsistency(input), `${v.oldSize}→${v.newSize}`).toBe(true);
      expect(verifyConsistency({ ...input, oldSize: v.oldSize - 1 })).toBe(false);
    }
  });

  it("trivial cases: from the empty tree, and between equal sizes", () => {
    const e = emptyRoot();
    expect(verifyConsistency({ oldSize: 0, newSize: 0, oldRoot: e, newRoot: e, proof: [] })).toBe(true);
    expect(verifyConsistency({ oldSize: 0, newSize: 5, oldRoot: e, newRoot: roots[5]!, proof: [] })).toBe(true);
    expect(verifyConsistency({ oldSize: 0, newSize: 5, oldRoot: someHash, newRoot: roots[5]!, proof: [] })).toBe(false);
    expect(verifyConsistency({ oldSize: 0, newSize: 1, oldRoot: e, newRoot: e, proof: [e] })).toBe(false);
    expect(verifyConsistency({ oldSize: 1, newSize: 1, oldRoot: roots[1]!, newRoot: roots[1]!, proof: [] })).toBe(true);
    expect(verifyConsistency({ oldSize: 1, newSize: 1, oldRoot: roots[1]!, newRoot: someHash, proof: [] })).toBe(false);
    expect(verifyConsistency({ oldSize: 2, newSize: 1, oldRoot: roots[2]!, newRoot: roots[1]!, proof: [] })).toBe(false);
    expect(verifyConsistency({ oldSize: 1, newSize: 2, oldRoot: roots[1]!, newRoot: roots[2]!, proof: [] })).toBe(false);
  });

  it("refuses bad sizes and hash lengths, and assertConsistency throws ERR_LOG_PROOF_INVALID", () => {
    const good: ConsistencyProofInput = { oldSize: 3, newSize: 7, oldRoot: roots[3]!, newRoot: roots[7]!, proof: refProof(3, leaves.slice(0, 7)) };
    expect(verifyConsistency(good)).toBe(true);
    expect(verifyConsistency({ ...good, oldSize: -1 })).toBe(false);
    expect(verifyConsistency({ ...good, newSize: Number.NaN })).toBe(false);
    expect(verifyConsistency({ ...good, oldRoot: roots[3]!.subarray(0, 16) })).toBe(false);
    expect(verifyConsistency({ ...good, proof: [...good.proof.slice(1), new Uint8Array(32 + 1)] })).toBe(false);
    expect(verifyConsistency({ ...good, proof: Array.from({ length: 65 }, () => someHash) })).toBe(false);
    expect(verifyConsistency(undefined as unknown as ConsistencyProofInput)).toBe(false);
    expect(() => assertConsistency(good)).not.toThrow();
    try {
      assertConsistency({ ...good, newRoot: roots[6]! });
      expect.unreachable();
    } catch (err) {
      expect((err as LicenceError).code).toBe("ERR_LOG_PROOF_INVALID");
      expect((err as LicenceError).details.reason).toBe("root-mismatch");
      expect((err as LicenceError).message).toBe("The log consistency proof does not verify.");
    }
  });

  it("proofs built by MerkleTree verify end to end as the tree grows", () => {
    const tree = new MerkleTree();
    const heads: { size: number; root: Uint8Array }[] = [];
    for (let i = 0; i < 300; i++) {
      tree.appendEntry(new TextEncoder().encode(`event ${i}`));
      if (i % 37 === 0) heads.push({ size: tree.size, root: tree.root() });
    }
    for (const old of heads) {
      const proof = tree.consistencyProof(old.size);
      expect(verifyConsistency({ oldSize: old.size, newSize: tree.size, oldRoot: old.root, newRoot: tree.root(), proof })).toBe(true);
      const index = old.size - 1;
      expect(
        verifyInclusion({ leafHash: tree.leafHash(index), index, treeSize: old.size, proof: tree.inclusionProof(index, old.size), root: old.root }),
      ).toBe(true);
    }
  });
});
