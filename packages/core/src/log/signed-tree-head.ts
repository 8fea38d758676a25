/**
 * Signing and verifying tree heads with the registry's log key, which the trust list names as the
 * `log` service.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import type { JwsAlgorithm } from "../crypto/algorithms.js";
import { LicenceError } from "../errors/errors.js";
import type { Signer } from "../jws/jws.js";
import type { TrustList } from "../trust/trust-list.js";
import { encodeTreeHeadForSigning, type SignedTreeHead, type TreeHead } from "./tree-head.js";

/**
 * Signs a tree head.
 *
 * @param head - the head to sign
 * @param signer - the log key
 * @example
 * ```ts
 * const sth = await signTreeHead({ logId, treeSize, rootHash, timestamp: Date.now() }, logSigner);
 * ```
 */
export async function signTreeHead(head: TreeHead, signer: Signer): Promise<SignedTreeHead> {
  const signature = await signer.sign(encodeTreeHeadForSigning(head));
  return { logId: head.logId, treeSize: head.treeSize, rootHash: head.rootHash, timestamp: head.timestamp, signature: backend.base64urlEncode(signature) };
}

/**
 * Verifies a signed tree head against the log keys the trust list names.
 *
 * @param head - the signed head
 * @param trustList - the verified trust list
 * @param algorithms - algorithms accepted
 * @throws LicenceError `ERR_LOG_PROOF_INVALID` when no log key of the trust list signed it
 * @example
 * ```ts
 * await verifyTreeHead(sth, trustList, ["ES256"]);
 * ```
 */
export async function verifyTreeHead(head: SignedTreeHead, trustList: TrustList, algorithms: readonly JwsAlgorithm[]): Promise<void> {
  const signature = typeof head.signature === "string" ? backend.base64urlDecode(head.signature) : null;
  if (!signature) throw new LicenceError("ERR_LOG_PROOF_INVALID", "The tree head signature is malformed.", { details: { reason: "signature-encoding" } });
  const message = encodeTreeHeadForSigning(head);
  for (const cert of trustList.serviceCertificates("log")) {
    const alg = cert.publicKeyAlgorithm;
    if (!alg || !(algorithms as readonly string[]).includes(alg)) continue;
    const key = await backend.importPublicKey(cert.spki, alg);
    if (await backend.verify(key, message, signature)) return;
  }
  throw new LicenceError("ERR_LOG_PROOF_INVALID", "No log key of the trust list signed this tree head.", { details: { reason: "signature" } });
}
