/**
 * Object identifiers the development TSA writes (RFC 3161, RFC 5652, RFC 5035, RFC 5758, RFC 8410).
 *
 * @internal
 * @module
 */
import type { JwsAlgorithm } from "@elicence/core";

/** The TSA's OIDs. */
export const TSA_OID = {
  /** RFC 5652 §5.1 id-signedData. */
  signedData: "1.2.840.113549.1.7.2",
  /** RFC 3161 §2.4.2 id-ct-TSTInfo. */
  tstInfo: "1.2.840.113549.1.9.16.1.4",
  /** RFC 5652 §11.1 id-contentType. */
  contentType: "1.2.840.113549.1.9.3",
  /** RFC 5652 §11.2 id-messageDigest. */
  messageDigest: "1.2.840.113549.1.9.4",
  /** RFC 5035 §3 id-aa-signingCertificateV2. */
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  /** RFC 5754 §2: the hash OIDs a request may name. */
  hash: { "SHA-256": "2.16.840.1.101.3.4.2.1", "SHA-384": "2.16.840.1.101.3.4.2.2", "SHA-512": "2.16.840.1.101.3.4.2.3" },
  /**
   * The digest algorithm of each key's SignerInfo (digestAlgorithm and the message-digest attribute):
   * the signature's own hash for ECDSA (RFC 5753 §2.1.1, as OpenSSL verifies it), SHA-512 for
   * Ed25519 (RFC 8419 §3.1, signed attributes present).
   */
  digest: { ES256: "SHA-256", ES384: "SHA-384", EdDSA: "SHA-512" } as Partial<Record<JwsAlgorithm, "SHA-256" | "SHA-384" | "SHA-512">>,
  /** The signature algorithm of each key the TSA may hold (RFC 5758 §3.2, RFC 8410 §3). */
  signature: { ES256: "1.2.840.10045.4.3.2", ES384: "1.2.840.10045.4.3.3", EdDSA: "1.3.101.112" } as Partial<Record<JwsAlgorithm, string>>,
} as const;
