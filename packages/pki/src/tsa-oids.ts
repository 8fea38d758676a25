/**
 * Object identifiers the development TSA writes (RFC 3161, RFC 5652, RFC 5035, RFC 5758, RFC 8410,
 * GM/T 0006-2012).
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
  /** The hash OIDs a request may name: SHA-2 (RFC 5754 §2) and SM3 (GM/T 0006-2012). */
  hash: { "SHA-256": "2.16.840.1.101.3.4.2.1", "SHA-384": "2.16.840.1.101.3.4.2.2", "SHA-512": "2.16.840.1.101.3.4.2.3", SM3: "1.2.156.10197.1.401" },
  /**
   * The digest algorithm of each key's SignerInfo (digestAlgorithm and the message-digest attribute):
   * the signature's own hash for ECDSA (RFC 5753 §2.1.1, as OpenSSL verifies it), SHA-512 for
   * Ed25519 (RFC 8419 §3.1, signed attributes present), SM3 for SM2: GM/T 0010-2012 §8.2 gives
   * SM3 as the digestAlgorithm of an SM2 SignerInfo, it is the hash SM2 signs with anyway (e =
   * SM3(ZA ‖ M), GB/T 32918.2 §6.1), and OpenSSL's CMS writes the same pairing for SM2 keys.
   */
  digest: { ES256: "SHA-256", ES384: "SHA-384", EdDSA: "SHA-512", SM2SM3: "SM3" } as Partial<Record<JwsAlgorithm, "SHA-256" | "SHA-384" | "SHA-512" | "SM3">>,
  /**
   * The signature algorithm of each key the TSA may hold (RFC 5758 §3.2, RFC 8410 §3; for SM2,
   * SM3withSM2 with absent parameters as in our certificates, GM/T 0015-2012 §7.2, and as OpenSSL's
   * CMS names SM2 signer infos — rather than GM/T 0010's sm2-1, which names no hash).
   */
  signature: { ES256: "1.2.840.10045.4.3.2", ES384: "1.2.840.10045.4.3.3", EdDSA: "1.3.101.112", SM2SM3: "1.2.156.10197.1.501" } as Partial<Record<JwsAlgorithm, string>>,
} as const;
