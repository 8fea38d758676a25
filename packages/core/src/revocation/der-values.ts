/**
 * Small DER value readers shared by the CRL, OCSP and CertID code (internal).
 *
 * @module
 */
import { toHex } from "../encoding/bytes.js";
import { type DerNode, DerError, TAG, isUniversal, readSmallInteger } from "../encoding/der.js";

const TAG_ENUMERATED = 10;

/** A serial number's INTEGER content as lowercase hex without the sign octet, as `Certificate.serialNumber` gives it. */
export function serialHex(content: Uint8Array): string {
  return toHex(content.length > 1 && content[0] === 0 ? content.subarray(1) : content);
}

/** Reads a small non-negative ENUMERATED (CRLReason, OCSPResponseStatus). */
export function readEnumerated(node: DerNode | undefined): number {
  if (!isUniversal(node, TAG_ENUMERATED)) throw new DerError("expected an ENUMERATED", "DER_UNEXPECTED_TYPE");
  return readSmallInteger({ ...node!, tag: TAG.INTEGER });
}
