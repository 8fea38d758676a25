import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The CT reference tree (see vectors/ct-reference-tree.json for its source). */
export interface CtReferenceTree {
  leafInputs: string[];
  rootsBySize: string[];
  nodeHashesByLevel: string[][];
  inclusion: { index: number; treeSize: number; proof: string[] }[];
  consistency: { oldSize: number; newSize: number; proof: string[] }[];
}

export const ctTree = JSON.parse(
  readFileSync(fileURLToPath(new URL("./vectors/ct-reference-tree.json", import.meta.url)), "utf8"),
) as CtReferenceTree;
