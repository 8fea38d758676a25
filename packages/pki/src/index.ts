/**
 * `@elicence/pki`, the development PKI: root and issuing CAs, department signing certificates and registry service
 * certificates, so that every job can run on a fresh machine with no outside CA.
 *
 * Importing it loads the `reflect-metadata` polyfill (a global `Reflect` extension that
 * `@peculiar/x509` needs): keep it out of verifiers and browser bundles.
 *
 * @packageDocumentation
 */
export { createDepartmentCertificate, createIssuingCa, createRootCa, createServiceCertificate, createTsaCertificate } from "./dev-pki.js";
export type {
  CreateDepartmentCertificateOptions,
  CreateIssuingCaOptions,
  CreateRootCaOptions,
  CreateServiceCertificateOptions,
  CreateTsaCertificateOptions,
  DepartmentIdentity,
  DevPkiCertificate,
  DevPkiIssuer,
  DevPkiRevocationUrls,
  DevPkiValidity,
  ServicePurpose,
} from "./dev-pki.js";
export { createCrl, createOcspErrorResponse, createOcspResponderCertificate, createOcspResponse } from "./revocation.js";
export type {
  CreateCrlOptions,
  CreateOcspResponderCertificateOptions,
  CreateOcspResponseOptions,
  OcspCertificateStatus,
  OcspErrorStatus,
  RawExtension,
  RevokedCertificateEntry,
} from "./revocation.js";
export { ELICENCE_KEY_PURPOSES, ELICENCE_OID_ARC, OID_ORGANIZATION_IDENTIFIER } from "./oids.js";
export { createTimestampAuthority, DEV_TSA_POLICY, MAX_TIMESTAMP_REQUEST_BYTES } from "./tsa.js";
export type { TimestampAuthority, TimestampAuthorityOptions } from "./tsa.js";
