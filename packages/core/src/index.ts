/**
 * `@elicence/core`: the licence model, identifiers, signing and offline verification of electronic
 * licences (电子证照). No I/O of its own: the same code runs in Node, a CLI, a server and a browser.
 *
 * @packageDocumentation
 */
// Errors
export { LicenceError, isLicenceError, formatIssues } from "./errors/errors.js";
export type { LicenceErrorCode, LicenceErrorOptions, ValidationIssue } from "./errors/errors.js";

// Algorithms and signing primitives
export { DEFAULT_ALGORITHMS, isJwsAlgorithm } from "./crypto/algorithms.js";
export type { JwsAlgorithm, SignatureAlgorithm } from "./crypto/algorithms.js";
export { createKeySigner, parseCompactJws, parseFlattenedJws, signJws, toCompact, verifySignature } from "./jws/jws.js";
export type { JwsHeader, JwsParseOptions, ParsedJws, SignedJws, Signer } from "./jws/jws.js";
export { parseStrictJson, decodeUtf8 } from "./encoding/json.js";
export { canonicalJson } from "./encoding/jcs.js";
export type { StrictJsonLimits } from "./encoding/json.js";

// Identifiers
export {
  buildLicenceId,
  parseLicenceId,
  validateLicenceId,
  isValidLicenceId,
  validateCitizenId,
  isValidCitizenId,
  computeCitizenIdCheck,
  validateUscc,
  isValidUscc,
  USCC_CHARSET,
  computeUsccCheck,
  validateHolderId,
  HOLDER_ID_TYPES,
} from "./identifiers/index.js";
export type {
  LicenceId,
  LicenceIdParts,
  HolderIdType,
  CitizenIdValidation,
  CitizenIdInvalidReason,
  HolderIdValidation,
  HolderIdInvalidReason,
  LicenceIdValidation,
  LicenceIdInvalidReason,
  UsccValidation,
  UsccInvalidReason,
} from "./identifiers/index.js";

// Catalogue and model
export { LICENCE_TYPE_CODE_PATTERN, licenceTypeSchema, parseLicenceType, safeParseLicenceType, checkLicenceFields } from "./catalogue/licence-type.js";
export type { FieldDefinition, FieldType, HolderKind, LicenceType, SafeResult, ShareClass, ValidityTerm } from "./catalogue/licence-type.js";
export { LICENCE_TYP } from "./licence/model.js";
export type { Holder, Licence, LicenceIssuerInfo, LicenceStatus, StatusReference } from "./licence/model.js";

// Issue and verify
export { addValidityTerm, createIssuingContext, encodeLicenceHeader, issueLicence } from "./licence/issue.js";
export type { ArchiveLicence, IssuedDisclosure, IssuedLicence, IssuingContext, IssuingContextOptions, LicenceInput } from "./licence/issue.js";
export { verifyLicence } from "./licence/verify.js";
export type { StatusListResolver, VerifyLicenceOptions } from "./licence/verify.js";
export { CHECK_ORDER } from "./licence/report.js";
export type { CheckName, CheckResult, Indication, ReportCheck, SignerInfo, SubIndication, VerificationReport } from "./licence/report.js";
export { createDisclosure, disclosureDigest, resolveDisclosures } from "./sdjwt/disclosure.js";
export type { Disclosure, ResolvedClaims } from "./sdjwt/disclosure.js";

// Trust
export { TRUST_LIST_TYP, TrustList, decodeStandardBase64, encodeStandardBase64, signTrustList, trustListSchema, verifyTrustList } from "./trust/trust-list.js";
export type { TrustListDocument, TrustedDepartment, TrustedService, VerifyTrustListOptions } from "./trust/trust-list.js";

// X.509
export { parseCertificate, validateCertificatePath } from "./x509/index.js";
export type { Certificate } from "./x509/index.js";

// Keys at rest (the development PKI is the separate entry point `@elicence/core/pki`, so that
// verifiers do not load a certificate generator)
export { decryptPrivateKey, encryptPrivateKey, isEncryptedPrivateKeyPem } from "./keys/index.js";
export type { EncryptPrivateKeyOptions } from "./keys/index.js";

// Registry operations, shared by the in-process registry and the HTTP client
export type {
  RegistryApi,
  ReadCause,
  Role,
  Principal,
  HolderCode,
  IssueItem,
  IssueRequest,
  IssueBatchRequest,
  IssuedRecord,
  IssueBatchResult,
  BatchItemError,
  StatusChangeRequest,
  AmendRequest,
  RenewRequest,
  SharedLicence,
  LicenceRecord,
  StatusHistoryEntry,
  SharingAgreement,
  HolderAuthorisation,
  VerifyDataRequest,
  InclusionProof,
  ConsistencyProof,
  LogEntry,
  DepartmentStats,
  RegistryStats,
  ApiKeyInfo,
  ApiKeyRequest,
  NewApiKeyResult,
} from "./registry/api.js";

// Status lists
export { STATUS_LIST_TYP, signStatusListToken, verifyStatusListToken } from "./status/token.js";
export type { SignStatusListOptions, VerifiedStatusList, VerifyStatusListOptions } from "./status/token.js";
export {
  DEFAULT_MAX_STATUS_LIST_BYTES,
  StatusList,
  LICENCE_STATUS_BITS,
  LICENCE_STATUS_VALUES,
  statusFromValue,
  buildStatusListPayload,
  parseStatusListPayload,
  safeParseStatusListPayload,
} from "./status/index.js";
export type {
  StatusListBits,
  StatusListJSON,
  StatusListDecodeOptions,
  PublishedLicenceStatus,
  StatusListPayload,
  StatusListPayloadResult,
  BuildStatusListPayloadOptions,
} from "./status/index.js";

// Tamper-evident log (RFC 9162)
export {
  hashLeaf,
  hashChildren,
  emptyRoot,
  MerkleTree,
  MemorySubtreeHashStore,
  computeRoot,
  buildInclusionProof,
  buildConsistencyProof,
  planRoot,
  planInclusionProof,
  planConsistencyProof,
  foldSubtreeHashes,
  subtreesOfRange,
  verifyInclusion,
  verifyConsistency,
  assertInclusion,
  assertConsistency,
  encodeTreeHeadForSigning,
  signTreeHead,
  verifyTreeHead,
} from "./log/index.js";
export type {
  LeafHashSource,
  SubtreeHashStore,
  SubtreeRef,
  InclusionProofInput,
  ConsistencyProofInput,
  TreeHead,
  SignedTreeHead,
  MerkleTreeOptions,
  ProofFailureReason,
} from "./log/index.js";

// X.509 extras
export { pathValidityWindow, PATH_VALIDATION_CODES, CertificateCache, DistinguishedName, decodePem, decodePemBundle, encodePem } from "./x509/index.js";
export type {
  PathValidationCode,
  PathValidationOptions,
  PathValidationResult,
  PathValidationSuccess,
  PathValidationFailure,
  CertificateInput,
  KeyUsageName,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificateExtension,
  PublicKeyInfo,
  SignatureAlgorithmIdentifier,
  NameAttribute,
  CertificateCacheOptions,
  PemOptions,
} from "./x509/index.js";
