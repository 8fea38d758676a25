/**
 * Licence status publication: the IETF Token Status List (draft-ietf-oauth-status-list), how
 * licence statuses map onto it, and the claims of a Status List Token.
 *
 * @module
 */
export { DEFAULT_MAX_STATUS_LIST_BYTES, StatusList } from "./status-list.js";
export type {
  StatusListBits,
  StatusListDecodeOptions,
  StatusListFailureReason,
  StatusListJSON,
} from "./status-list.js";
export { LICENCE_STATUS_BITS, LICENCE_STATUS_VALUES, STATUS_TYPE, statusFromValue } from "./licence-status.js";
export type { PublishedLicenceStatus } from "./licence-status.js";
export { LICENCE_END_REASON_VALUES, endReasonFromValue } from "./licence-status.js";
export type { LicenceEndReason } from "./licence-status.js";
export { buildStatusListPayload, parseStatusListPayload, safeParseStatusListPayload } from "./payload.js";
export type { BuildStatusListPayloadOptions, StatusListPayload, StatusListPayloadResult } from "./payload.js";
export { deflateZlib, inflateZlib } from "./zlib.js";
export type { ZlibFailureReason } from "./zlib.js";
