/**
 * Object identifiers the x509 module knows (internal).
 *
 * @module
 */

/** Certificate extensions. */
export const OID_EXT = Object.freeze({
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  issuerAltName: "2.5.29.18",
  basicConstraints: "2.5.29.19",
  nameConstraints: "2.5.29.30",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  authorityKeyIdentifier: "2.5.29.35",
  policyConstraints: "2.5.29.36",
  extendedKeyUsage: "2.5.29.37",
  inhibitAnyPolicy: "2.5.29.54",
});

/** Public key algorithms and curves. */
export const OID_KEY = Object.freeze({
  ecPublicKey: "1.2.840.10045.2.1",
  p256: "1.2.840.10045.3.1.7",
  p384: "1.3.132.0.34",
  p521: "1.3.132.0.35",
  ed25519: "1.3.101.112",
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  /** sm2p256v1 (GM/T 0006-2012), a named curve under id-ecPublicKey. */
  sm2: "1.2.156.10197.1.301",
});

/** Signature algorithms. */
export const OID_SIG = Object.freeze({
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  ed25519: "1.3.101.112",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  sha384WithRsa: "1.2.840.113549.1.1.12",
  sha512WithRsa: "1.2.840.113549.1.1.13",
  rsassaPss: "1.2.840.113549.1.1.10",
  mgf1: "1.2.840.113549.1.1.8",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
  /** SM3withSM2 (GM/T 0006-2012). */
  sm3WithSm2: "1.2.156.10197.1.501",
});

/** Readable names of the signature algorithms above. */
export const SIGNATURE_ALGORITHM_NAMES: Readonly<Record<string, string>> = Object.freeze({
  [OID_SIG.ecdsaWithSha256]: "ecdsa-with-SHA256",
  [OID_SIG.ecdsaWithSha384]: "ecdsa-with-SHA384",
  [OID_SIG.ecdsaWithSha512]: "ecdsa-with-SHA512",
  [OID_SIG.ed25519]: "Ed25519",
  [OID_SIG.sha256WithRsa]: "sha256WithRSAEncryption",
  [OID_SIG.sha384WithRsa]: "sha384WithRSAEncryption",
  [OID_SIG.sha512WithRsa]: "sha512WithRSAEncryption",
  [OID_SIG.rsassaPss]: "RSASSA-PSS",
  [OID_SIG.sm3WithSm2]: "SM3withSM2",
});

/** Name attribute types. */
export const OID_ATTR = Object.freeze({
  commonName: "2.5.4.3",
  organizationName: "2.5.4.10",
  organizationIdentifier: "2.5.4.97",
});

/**
 * Short names for RFC 4514 strings: the RFC's own table (CN, L, ST, O, OU, C, STREET, DC, UID) and
 * the names OpenSSL prints for other common attributes. Others are written as dotted OIDs.
 */
export const ATTRIBUTE_SHORT_NAMES: Readonly<Record<string, string>> = Object.freeze({
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.42": "GN",
  "2.5.4.43": "initials",
  "2.5.4.44": "generationQualifier",
  "2.5.4.46": "dnQualifier",
  "2.5.4.65": "pseudonym",
  "2.5.4.97": "organizationIdentifier",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.2.840.113549.1.9.1": "emailAddress",
});
