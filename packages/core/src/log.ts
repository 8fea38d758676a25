/**
 * `@elicence/core/log`: the registry's tamper-evident log (RFC 9162 Merkle tree) — leaf and node
 * hashes, trees and proof plans for a store, inclusion and consistency proofs and their
 * verification, and signed tree heads.
 *
 * @example
 * ```ts
 * import { verifyInclusion } from "@elicence/core/log";
 * const ok = verifyInclusion({ leafHash, index, treeSize, proof, rootHash });
 * ```
 *
 * @module
 */
export {
  hashLeaf,
  hashChildren,
  emptyRoot,
  MerkleTree,
  MemorySubtreeHashStore,
  computeRoot,
  buildInclusionProof,
  buildConsistencyProof,
  planRoot,
  planInclusionProof,
  planConsistencyProof,
  foldSubtreeHashes,
  subtreesOfRange,
  verifyInclusion,
  verifyConsistency,
  assertInclusion,
  assertConsistency,
  encodeTreeHeadForSigning,
  signTreeHead,
  verifyTreeHead,
  TILE_HEIGHT,
  TILE_WIDTH,
  tilePath,
  parseTilePath,
  tilesForRoot,
  tilesForInclusion,
  tilesForConsistency,
  rootFromTiles,
  inclusionProofFromTiles,
  consistencyProofFromTiles,
  checkpointText,
  checkpointKeyId,
  signCheckpoint,
  verifyCheckpoint,
  verifyNote,
} from "./log/index.js";
export type {
  LeafHashSource,
  SubtreeHashStore,
  SubtreeRef,
  InclusionProofInput,
  ConsistencyProofInput,
  TreeHead,
  SignedTreeHead,
  MerkleTreeOptions,
  ProofFailureReason,
  TileRef,
  TileBytes,
  Checkpoint,
  CheckpointKey,
  CheckpointFailureReason,
} from "./log/index.js";
