/**
 * Identifiers: citizen identity numbers (GB 11643), unified social credit codes (GB 32100),
 * licence identifiers (GB/T 36904) and holder identifiers, with the ISO/IEC 7064 check systems
 * underneath.
 *
 * @module
 */
export {
  MOD_11_2,
  MOD_37_2,
  MOD_97_10,
  MOD_661_26,
  MOD_1271_36,
  MOD_11_10,
  MOD_27_26,
  MOD_37_36,
  computeCheckCharacters,
  verifyCheckCharacters,
} from "./iso7064.js";
export type { CheckCharacterSystem } from "./iso7064.js";
export { computeCitizenIdCheck, hasValidCitizenIdCheck, validateCitizenId, isValidCitizenId } from "./citizen-id.js";
export type { CitizenIdInvalidReason, CitizenIdValidation } from "./citizen-id.js";
export { USCC_CHARSET, computeUsccCheck, hasValidUsccCheck, validateUscc, isValidUscc } from "./uscc.js";
export type { UsccInvalidReason, UsccValidation } from "./uscc.js";
export {
  LICENCE_ID_ROOT,
  LICENCE_ID_MAX_LENGTH,
  LICENCE_SERIAL_MAX_LENGTH,
  buildLicenceId,
  parseLicenceId,
  validateLicenceId,
  isValidLicenceId,
} from "./licence-id.js";
export type { LicenceId, LicenceIdParts, LicenceIdInvalidReason, LicenceIdValidation } from "./licence-id.js";
export { HOLDER_ID_TYPES, isHolderIdType, validateHolderId } from "./holder-id.js";
export type { HolderIdType, HolderIdInvalidReason, HolderIdValidation } from "./holder-id.js";
