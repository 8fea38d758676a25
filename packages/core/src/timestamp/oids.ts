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
});

/** Hash functions a time-stamp may use, by their NIST OIDs (RFC 5754 §2). */
export type TimestampHash = "SHA-256" | "SHA-384" | "SHA-512";

/** Hash OIDs (RFC 5754 §2). */
export const HASH_OIDS: Readonly<Record<string, TimestampHash>> = Object.freeze({
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
});

/** The OID of each hash. */
export const HASH_OID: Readonly<Record<TimestampHash, string>> = Object.freeze({
  "SHA-256": "2.16.840.1.101.3.4.2.1",
  "SHA-384": "2.16.840.1.101.3.4.2.2",
  "SHA-512": "2.16.840.1.101.3.4.2.3",
});
