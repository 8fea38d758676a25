/**
 * `@elicence/core/issue`: what an issuer and a registry need — the licence-type catalogue, issuing
 * licences (SD-JWT + JAdES), creating disclosures, signing trust lists and status list tokens, and
 * building status lists.
 *
 * @example
 * ```ts
 * import { createIssuingContext, issueLicence } from "@elicence/core/issue";
 * const issued = await issueLicence(await createIssuingContext({ signer, chain, licenceType }), input);
 * ```
 *
 * @module
 */
// Catalogue
export { LICENCE_TYPE_CODE_PATTERN, licenceTypeSchema, parseLicenceType, safeParseLicenceType, checkLicenceFields } from "./catalogue/licence-type.js";
export type { SafeResult } from "./catalogue/licence-type.js";

// Issuing
export { addValidityTerm, createIssuingContext, encodeLicenceHeader, issueLicence } from "./licence/issue.js";
export { issueMultiSignedLicence } from "./licence/multi-signed.js";
export type { MultiSignedLicence } from "./licence/multi-signed.js";
export type { ArchiveLicence, IssuedDisclosure, IssuedLicence, IssuingContext, IssuingContextOptions, LicenceInput } from "./licence/issue.js";
export { createDisclosure, disclosureDigest } from "./sdjwt/disclosure.js";

// Wallets: the licence as an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc)
export { SD_JWT_VC_TYP, defaultVct, exportSdJwtVc } from "./licence/sd-jwt-vc.js";
export type { ExportSdJwtVcOptions } from "./licence/sd-jwt-vc.js";
export type { HolderPublicJwk } from "./licence/holder-key.js";

// Signing the documents verifiers check
export { signTrustList } from "./trust/trust-list.js";
export { signStatusListToken } from "./status/token.js";
export type { SignStatusListOptions } from "./status/token.js";
export { buildStatusListPayload } from "./status/index.js";
export type { BuildStatusListPayloadOptions } from "./status/index.js";
