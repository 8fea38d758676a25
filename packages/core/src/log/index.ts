/**
 * The registry's tamper-evident log: RFC 9162 Merkle tree hashing, proof building (in memory or over
 * a persistent subtree store), offline proof verification and the signing input of tree heads.
 *
 * @module
 */
export { HASH_SIZE, emptyRoot, hashChildren, hashLeaf } from "./hash.js";
export {
  consistencyProofLength,
  foldSubtreeHashes,
  inclusionProofLength,
  planConsistencyProof,
  planInclusionProof,
  planRoot,
  subtreesOfRange,
} from "./plan.js";
export type { SubtreeRef } from "./plan.js";
export {
  MemorySubtreeHashStore,
  MerkleTree,
  buildConsistencyProof,
  buildInclusionProof,
  computeRoot,
} from "./tree.js";
export type { LeafHashSource, MerkleTreeOptions, SubtreeHashStore } from "./tree.js";
export {
  MAX_PROOF_HASHES,
  assertConsistency,
  assertInclusion,
  verifyConsistency,
  verifyInclusion,
} from "./verify.js";
export type { ConsistencyProofInput, InclusionProofInput, ProofFailureReason } from "./verify.js";
export { TREE_HEAD_SIGNING_CONTEXT, encodeTreeHeadForSigning } from "./tree-head.js";
export type { SignedTreeHead, TreeHead } from "./tree-head.js";
export { signTreeHead, verifyTreeHead } from "./signed-tree-head.js";
export {
  TILE_HEIGHT,
  TILE_WIDTH,
  consistencyProofFromTiles,
  hashesAtTileLevel,
  inclusionProofFromTiles,
  parseTilePath,
  rootFromTiles,
  subtreeHashFromTiles,
  tileOfSubtree,
  tilePath,
  tilesForConsistency,
  tilesForInclusion,
  tilesForRoot,
} from "./tiles.js";
export type { TileBytes, TileRef } from "./tiles.js";
export { checkpointKeyId, checkpointText, signCheckpoint, verifyCheckpoint, verifyNote } from "./checkpoint.js";
export type { Checkpoint, CheckpointFailureReason, CheckpointKey } from "./checkpoint.js";
