/**
 * Object identifiers of CRLs (RFC 5280 §5) and OCSP (RFC 6960) (internal).
 *
 * @module
 */

/** CRL and CRL entry extensions (RFC 5280 §5.2, §5.3), and the certificate extensions that point at evidence. */
export const OID_REVOCATION_EXT = Object.freeze({
  authorityKeyIdentifier: "2.5.29.35",
  issuerAltName: "2.5.29.18",
  cRLNumber: "2.5.29.20",
  reasonCode: "2.5.29.21",
  invalidityDate: "2.5.29.24",
  deltaCRLIndicator: "2.5.29.27",
  issuingDistributionPoint: "2.5.29.28",
  certificateIssuer: "2.5.29.29",
  cRLDistributionPoints: "2.5.29.31",
  freshestCRL: "2.5.29.46",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
});

/** OCSP (RFC 6960 §4.2.1, Appendix B; nonce RFC 8954). */
export const OID_OCSP = Object.freeze({
  basic: "1.3.6.1.5.5.7.48.1.1",
  nonce: "1.3.6.1.5.5.7.48.1.2",
  noCheck: "1.3.6.1.5.5.7.48.1.5",
  accessMethod: "1.3.6.1.5.5.7.48.1",
  ocspSigning: "1.3.6.1.5.5.7.3.9",
});

/** Hash algorithms a CertID may use. */
export const OID_HASH = Object.freeze({
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
});
