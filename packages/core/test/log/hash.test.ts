import { describe, expect, it } from "vitest";
import { emptyRoot, hashChildren, hashLeaf, MerkleTree } from "../../src/log/index.js";
import { hex, unhex } from "./reference.js";
import { ctTree } from "./vectors.js";

describe("RFC 9162 §2.1.1 hashing", () => {
  it("empty root is SHA-256 of the empty string", () => {
    expect(hex(emptyRoot())).toBe(ctTree.rootsBySize[0]);
  });

  it("a leaf is SHA-256(0x00 ‖ data), a node SHA-256(0x01 ‖ l ‖ r)", () => {
    const leaves = ctTree.leafInputs.map((h) => hashLeaf(unhex(h)));
    expect(leaves.map(hex)).toEqual(ctTree.nodeHashesByLevel[0]);
    expect(hex(hashChildren(leaves[0]!, leaves[1]!))).toBe(ctTree.nodeHashesByLevel[1]![0]);
  });

  it("matches the certificate-transparency reference roots for every size 0..8", () => {
    const tree = new MerkleTree();
    expect(hex(tree.root())).toBe(ctTree.rootsBySize[0]);
    for (const input of ctTree.leafInputs) {
      tree.appendEntry(unhex(input));
      expect(hex(tree.root())).toBe(ctTree.rootsBySize[tree.size]);
    }
    for (let n = 0; n <= 8; n++) expect(hex(tree.root(n))).toBe(ctTree.rootsBySize[n]);
  });
});
