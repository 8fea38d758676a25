/**
 * Object identifiers of RFC 3161 time-stamping, CMS (RFC 5652) and ESS (RFC 2634, RFC 5035).
 *
 * @internal
 * @module
 */

/** What the time-stamping module names by OID. */
export const OID_TSP = Object.freeze({
  /** RFC 5652 §5.1 id-signedData. */
  signedData: "1.2.840.113549.1.7.2",
  /** RFC 3161 §2.4.2 id-ct-TSTInfo. */
  tstInfo: "1.2.840.113549.1.9.16.1.4",
  /** RFC 5652 §11.1 id-contentType. */
  contentType: "1.2.840.113549.1.9.3",
  /** RFC 5652 §11.2 id-messageDigest. */
  messageDigest: "1.2.840.113549.1.9.4",
  /** RFC 5035 §3 id-aa-signingCertificateV2 (RFC 5816 for time-stamp tokens). */
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  /** RFC 5280 §4.2.1.12 id-kp-timeStamping. */
  timeStamping: "1.3.6.1.5.5.7.3.8",
  /** RFC 5280 extendedKeyUsage. */
  extendedKeyUsage: "2.5.29.37",
  rsaEncryption: "1.2.840.113549.1.1.1",
  /**
   * sm2-1, the SM2 signature (GM/T 0006-2012): GM/T 0010-2012 §6.4 names it as a SignerInfo's
   * digestEncryptionAlgorithm, with SM3 as its digestAlgorithm.
   */
  sm2Signature: "1.2.156.10197.1.301.1",
});

/**
 * Hash functions a time-stamp may use: SHA-2 by their NIST OIDs (RFC 5754 §2), and SM3
 * (GB/T 32905-2016; OID 1.2.156.10197.1.401 of GM/T 0006-2012), the digest algorithm of SM2
 * signed messages (GM/T 0010-2012 §6.3) — for message imprints, message-digest attributes and
 * ESS certificate identifiers alike.
 */
export type TimestampHash = "SHA-256" | "SHA-384" | "SHA-512" | "SM3";

/** Hash OIDs (RFC 5754 §2; GM/T 0006-2012 for SM3). */
export const HASH_OIDS: Readonly<Record<string, TimestampHash>> = Object.freeze({
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
  "1.2.156.10197.1.401": "SM3",
});

/** The OID of each hash. */
export const HASH_OID: Readonly<Record<TimestampHash, string>> = Object.freeze({
  "SHA-256": "2.16.840.1.101.3.4.2.1",
  "SHA-384": "2.16.840.1.101.3.4.2.2",
  "SHA-512": "2.16.840.1.101.3.4.2.3",
  SM3: "1.2.156.10197.1.401",
});
