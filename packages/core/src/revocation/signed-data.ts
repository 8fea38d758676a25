/**
 * Checks the signature of signed revocation data (a CRL's TBSCertList, an OCSP ResponseData) with a
 * certificate's key, through the same algorithm mapping as certificate signatures (internal).
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { type DerNode, DerError, readBitString, readOid, readSequence } from "../encoding/der.js";
import type { Certificate } from "../x509/certificate.js";
import { backendSignature, parseSignatureAlgorithm, verificationAlgorithm } from "../x509/signature.js";

/** The outcome of a signature check. */
export type SignedDataResult = "ok" | "bad" | "unsupported";

/** Reads an AlgorithmIdentifier and a signature BIT STRING (no unused bits) without judging them. */
export function readSignatureParts(algorithm: DerNode, value: DerNode): { readonly algorithm: DerNode; readonly signature: Uint8Array } {
  const [oid] = readSequence(algorithm, 1, 2);
  readOid(oid);
  const bits = readBitString(value);
  if (bits.unusedBits !== 0) throw new DerError("signature BIT STRING has unused bits");
  return { algorithm, signature: bits.bytes };
}

/**
 * Verifies `signature` over `tbs` with the key of `signer`, for the algorithm `algorithm` names.
 *
 * @param algorithm - the AlgorithmIdentifier node
 * @param tbs - the signed bytes
 * @param signature - the signature as carried (ECDSA and SM2: DER ECDSA-Sig-Value)
 * @param signer - the certificate whose key should have signed
 */
export async function verifySignedData(algorithm: DerNode, tbs: Uint8Array, signature: Uint8Array, signer: Certificate): Promise<SignedDataResult> {
  const [oidNode, params] = readSequence(algorithm, 1, 2);
  const scheme = parseSignatureAlgorithm(readOid(oidNode), params);
  if (scheme === undefined) return "unsupported";
  const alg = verificationAlgorithm(scheme, signer.publicKeyInfo);
  if (alg === undefined) return "unsupported";
  let key;
  try {
    key = await backend.importPublicKey(signer.spki, alg);
  } catch {
    return "unsupported";
  }
  // SM3withSM2 (GM/T 0015-2012 §7.2, the CRL and OCSP signatures of an SM2 CA) is checked under the
  // default distinguishing identifier 1234567812345678 (GM/T 0009-2012 §10), as certificates are.
  const value = backendSignature(signature, alg);
  if (value === undefined) return "bad";
  try {
    return (await backend.verify(key, tbs, value)) ? "ok" : "bad";
  } catch {
    return "bad";
  }
}
