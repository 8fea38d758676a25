/**
 * `@elicence/sdk`: the client for approval systems and auditors — the registry over HTTP
 * ({@link RegistryClient}), a caching, fail-closed verifier ({@link LicenceVerifier}), the
 * materials check of an approval matter ({@link checkMaterials}) and offline audit bundles
 * ({@link exportAuditBundle}, {@link verifyAuditBundle}). Depends on `@elicence/core` only.
 *
 * @packageDocumentation
 */
export { LicenceError, isLicenceError } from "@elicence/core";

// The registry over HTTP
export { RegistryClient } from "./client/registry-client.js";
export type { RegistryClientOptions, RegistryCallOptions } from "./client/registry-client.js";

// Verification with cached, refreshed trust and status lists
export { LicenceVerifier, statusListIdOf } from "./verifier/licence-verifier.js";
export type { DocumentSource, LicenceVerifierOptions, VerifyOptions } from "./verifier/licence-verifier.js";
export { parseVerifierCache } from "./verifier/cache.js";
export type { CachedDocument, VerifierCache } from "./verifier/cache.js";

// Materials check of an approval matter
export { DEFAULT_MATERIALS_REASON, checkMaterials } from "./materials/check-materials.js";
export type {
  CheckMaterialsOptions,
  CheckMatterOptions,
  MaterialCandidate,
  MaterialResult,
  MaterialsReport,
  MaterialsVerifier,
  MaterialUnavailableReason,
} from "./materials/check-materials.js";

// Offline audit bundles
export { exportAuditBundle, parseAuditBundle, verifyAuditBundle } from "./audit/bundle.js";
export type {
  AuditBundle,
  AuditBundleReport,
  AuditLogEntry,
  AuditSource,
  EvidenceResult,
  ExportAuditBundleOptions,
  KnownLogEntry,
  VerifyAuditBundleOptions,
} from "./audit/bundle.js";

// What a printed licence's QR code holds, verified
export { verifyQrText } from "./qr/verify-qr.js";

// Presentations (SD-JWT key binding): the holder presents, the approval system verifies
export { createPresentation, generateHolderKey, holderKeyThumbprint, parseHolderJwk, verifyPresentation } from "@elicence/core/presentation";
export type {
  CreatePresentationOptions,
  GeneratedHolderKey,
  HolderKeyAlgorithm,
  HolderPublicJwk,
  KeyBindingCheck,
  KeyBindingCheckCode,
  KeyBindingCheckName,
  KeyBindingReport,
  PresentationReport,
  VerifyPresentationOptions,
} from "@elicence/core/presentation";
export type { QrVerification, VerifyQrOptions } from "./qr/verify-qr.js";
export { decodeQr, parseQrContent } from "@elicence/print/qr";
export type { QrContent, QrReference, RgbaImage } from "@elicence/print/qr";
export { HolderClient } from "./client/holder-client.js";
export type { HolderClientOptions } from "./client/holder-client.js";
export { HolderWallet } from "./holder/holder-wallet.js";
export type { ConsentRequest, HolderWalletOptions } from "./holder/holder-wallet.js";
