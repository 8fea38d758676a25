/**
 * Signed tree heads: the log's commitment to its size and root at a time, and the exact bytes the
 * registry's log key signs. Signing and signature checks live with the other signing code.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { LicenceError, type ValidationIssue } from "../errors/errors.js";
import { HASH_SIZE } from "./hash.js";

/** A tree head before signing. */
export interface TreeHead {
  /**
   * Which log this head belongs to, e.g. `"registry.example.gov.cn/log"`: 1–255 visible ASCII
   * characters. Signed, so a head from one log cannot be replayed as another's.
   */
  readonly logId: string;
  /** Number of leaves. */
  readonly treeSize: number;
  /** `MTH(D[0:treeSize])`, base64url without padding (32 bytes). */
  readonly rootHash: string;
  /** When the head was produced, in milliseconds since the Unix epoch. */
  readonly timestamp: number;
}

/** A tree head with the log key's signature over {@link encodeTreeHeadForSigning}. */
export interface SignedTreeHead extends TreeHead {
  /** The signature, base64url; the algorithm is the log key's, named by the trust list. */
  readonly signature: string;
}

/** Domain-separation prefix of {@link encodeTreeHeadForSigning}: no other signed object starts with it. */
export const TREE_HEAD_SIGNING_CONTEXT = "elicence/tree-head/v1";

const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;

function isTimeOrSize(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

function writeUint64(view: DataView, offset: number, value: number): void {
  // value is a safe integer (< 2^53), so the high word fits in 21 bits.
  view.setUint32(offset, Math.floor(value / 2 ** 32));
  view.setUint32(offset + 4, value % 2 ** 32);
}

/**
 * Encodes a tree head as the bytes to sign: deterministic, one encoding per head.
 *
 * Layout, modelled on RFC 9162 §4.10 `TreeHeadSignature` (big-endian integers):
 * ```
 * "elicence/tree-head/v1" 0x00        context (22 bytes)
 * uint8  length ‖ logId (ASCII)       1–255 bytes
 * uint64 timestamp                    ms since the epoch
 * uint64 tree_size
 * uint8  32 ‖ root_hash               RFC 9162 NodeHash
 * ```
 * A {@link SignedTreeHead} may be passed as is; its `signature` is ignored.
 *
 * @param head - the tree head (possibly received from a server)
 * @returns the signing input
 * @throws LicenceError `ERR_INPUT_MALFORMED` listing every invalid member
 * @example
 * ```ts
 * const bytes = encodeTreeHeadForSigning({ logId, treeSize: tree.size, rootHash, timestamp: Date.now() });
 * const ok = await backend.verify(logKey, bytes, signature);
 * ```
 */
export function encodeTreeHeadForSigning(head: TreeHead): Uint8Array {
  const issues: ValidationIssue[] = [];
  const h = (typeof head === "object" && head !== null ? head : {}) as Partial<Record<keyof TreeHead, unknown>>;
  if (typeof h.logId !== "string" || !VISIBLE_ASCII.test(h.logId)) {
    issues.push({ path: ["logId"], message: "must be 1 to 255 visible ASCII characters" });
  }
  if (!isTimeOrSize(h.treeSize)) issues.push({ path: ["treeSize"], message: "must be a non-negative safe integer" });
  if (!isTimeOrSize(h.timestamp)) issues.push({ path: ["timestamp"], message: "must be a non-negative safe integer" });
  const root = typeof h.rootHash === "string" ? backend.base64urlDecode(h.rootHash) : null;
  if (root === null || root.length !== HASH_SIZE) {
    issues.push({ path: ["rootHash"], message: "must be base64url of 32 bytes" });
  }
  if (issues.length > 0 || root === null) {
    throw new LicenceError("ERR_INPUT_MALFORMED", "The tree head is malformed.", { issues });
  }
  const logId = h.logId as string;
  const context = TREE_HEAD_SIGNING_CONTEXT;
  const out = new Uint8Array(context.length + 1 + 1 + logId.length + 8 + 8 + 1 + HASH_SIZE);
  const view = new DataView(out.buffer);
  let at = 0;
  for (let i = 0; i < context.length; i++) out[at++] = context.charCodeAt(i);
  out[at++] = 0x00;
  out[at++] = logId.length;
  for (let i = 0; i < logId.length; i++) out[at++] = logId.charCodeAt(i);
  writeUint64(view, at, h.timestamp as number);
  at += 8;
  writeUint64(view, at, h.treeSize as number);
  at += 8;
  out[at++] = HASH_SIZE;
  out.set(root, at);
  return out;
}
