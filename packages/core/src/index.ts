/**
 * `@elicence/core`: what a verifier needs — verify a licence and read its report, verify a trust
 * list and status lists, identifiers, errors, the algorithm allow-list, base64url, and the registry
 * API types. No I/O of its own: the same code runs in Node, a CLI, a server and a browser.
 *
 * The rest is behind subpaths, so approval systems and browser bundles see a small API:
 * `@elicence/core/issue` (issuing and signing), `@elicence/core/jws`, `@elicence/core/log` (the
 * Merkle log), `@elicence/core/x509` (certificates and path validation), `@elicence/core/keys`
 * (private keys at rest) and `@elicence/core/encoding` (base64, PEM, strict JSON). The development
 * PKI is its own package, `@elicence/pki`.
 *
 * @packageDocumentation
 */
// Errors
export { LicenceError, isLicenceError, formatIssues } from "./errors/errors.js";
export type { LicenceErrorCode, LicenceErrorDetails, LicenceErrorOptions, ValidationIssue } from "./errors/errors.js";

// Algorithm allow-list
export { DEFAULT_ALGORITHMS, isJwsAlgorithm } from "./crypto/algorithms.js";
export type { JwsAlgorithm, SignatureAlgorithm } from "./crypto/algorithms.js";

// base64url, as a namespace (`base64url.encode`, `base64url.decode`)
export * as base64url from "./encoding/base64url.js";

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

// The licence model and its catalogue types
export { LICENCE_TYP } from "./licence/model.js";
export type { HolderPublicJwk } from "./licence/holder-key.js";
export type { Holder, Licence, LicenceIssuerInfo, LicenceStatus, StatusReference } from "./licence/model.js";
export type { FieldDefinition, FieldType, HolderKind, LicenceType, ShareClass, ValidityTerm } from "./catalogue/licence-type.js";
export { MATTER_CODE_PATTERN, approvalMatterSchema, parseApprovalMatter, safeParseApprovalMatter } from "./catalogue/approval-matter.js";
export type { ApprovalMatter, MatterRequirement } from "./catalogue/approval-matter.js";

// Verify and report
export { verifyLicence } from "./licence/verify.js";
export { MAX_LICENCE_SIGNATURES, readMultiSignedArchive, verifyMultiSignedLicence } from "./licence/multi-signed-verify.js";
export type { ArchiveSignature, MultiSignatureReport, MultiSignedArchive, SignatureVerdict } from "./licence/multi-signed-verify.js";
export { archiveOfCompacts, isMultiSignatureReport } from "./licence/multi-signed-forms.js";
export type { CompactSignatureForm } from "./licence/multi-signed-forms.js";
export type { StatusListResolver, VerifyLicenceOptions } from "./licence/verify.js";
export { CHECK_ORDER } from "./licence/report.js";
export type {
  CheckName,
  CheckResult,
  FormatFailureCode,
  Indication,
  IssuerFailureCode,
  ReportCheck,
  ReportCheckCode,
  RevocationValueDetails,
  SignatureFailureCode,
  SignerInfo,
  StatusFailureCode,
  SignatureLevel,
  SubIndication,
  TimestampCheckCode,
  TimestampCheckDetails,
  ValidityFailureCode,
  VerificationReport,
} from "./licence/report.js";
export { resolveDisclosures } from "./sdjwt/disclosure.js";
export type { Disclosure, DisclosureFailureReason, ResolvedClaims } from "./sdjwt/disclosure.js";

// Trust list
export { DOCUMENT_CLOCK_SKEW_MS } from "./trust/clock-skew.js";
export { TRUST_LIST_TYP, TrustList, trustListSchema, verifyTrustList } from "./trust/trust-list.js";
export type { TrustListDocument, TrustedDepartment, TrustedService, VerifyTrustListOptions } from "./trust/trust-list.js";
export type { TrustedLicenceType } from "./trust/trust-list.js";

// Status lists: verification and decoding
export { STATUS_LIST_TYP, verifyStatusListToken } from "./status/token.js";
export type { StatusListTokenFailureReason, VerifiedStatusList, VerifyStatusListOptions } from "./status/token.js";
export {
  DEFAULT_MAX_STATUS_LIST_BYTES,
  StatusList,
  LICENCE_STATUS_BITS,
  LICENCE_STATUS_VALUES,
  statusFromValue,
  parseStatusListPayload,
  safeParseStatusListPayload,
} from "./status/index.js";
export { LICENCE_END_REASON_VALUES, endReasonFromValue } from "./status/index.js";
export type { LicenceEndReason } from "./status/index.js";
export type {
  StatusListBits,
  StatusListJSON,
  StatusListDecodeOptions,
  StatusListFailureReason,
  PublishedLicenceStatus,
  StatusListPayload,
  StatusListPayloadResult,
  ZlibFailureReason,
} from "./status/index.js";

// Registry operations, shared by the in-process registry and the HTTP client
export type {
  RegistryApi,
  PublicRegistryApi,
  ReadCause,
  Role,
  Principal,
  HolderCode,
  IssueItem,
  IssueRequest,
  IssueBatchRequest,
  IssuedRecord,
  CosignedForm,
  IssueBatchResult,
  BatchItemError,
  StatusChangeRequest,
  AmendRequest,
  RenewRequest,
  SharedLicence,
  AugmentRequest,
  AugmentResult,
  DepartmentAugmentRequest,
  DepartmentAugmentResult,
  HolderLicencesPage,
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
  MatterStats,
  MatterMaterial,
  MatterMaterials,
  ApiKeyInfo,
  ApiKeyRequest,
  NewApiKeyResult,
} from "./api/api.js";
export {
  HOLDER_ASSERTION_TYP,
  HOLDER_TOKEN_LIMITS,
  HOLDER_TOKEN_TYPS,
  createHolderAssertion,
  createHolderToken,
  verifyHolderToken,
} from "./holder/holder-token.js";
export type {
  ConsentClaims,
  HolderAssertionOptions,
  HolderRequestScope,
  HolderSigningKey,
  HolderTokenClaims,
  HolderTokenFailureReason,
  HolderTokenKind,
  HolderTokenOptions,
  VerifiedHolderToken,
  VerifyHolderTokenOptions,
} from "./holder/holder-token.js";
export { verifyAccessRecord } from "./holder/access-record.js";
export type { AccessEvent, AccessRecordEntry, AccessRecordPage, AccessRecordQuery, VerifiedAccessRecord } from "./holder/access-record.js";
export type { HolderApi, HolderConsent, HolderVouchRequest } from "./holder/consent.js";
export { generateHolderKey, holderKeyThumbprint, parseHolderJwk } from "./licence/holder-key.js";
export type { GeneratedHolderKey, HolderKeyAlgorithm } from "./licence/holder-key.js";
