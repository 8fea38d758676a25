/**
 * How licence statuses (DESIGN §3) are published in a 2-bit Token Status List, and read back.
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import type { LicenceStatus } from "../licence/model.js";
import type { StatusListBits } from "./status-list.js";

/** The Status Type values the draft registers (draft-ietf-oauth-status-list §7). */
export const STATUS_TYPE = Object.freeze({
  /** 0x00: valid, correct or legal. */
  VALID: 0x00,
  /** 0x01: revoked, annulled, taken back, recalled or cancelled. */
  INVALID: 0x01,
  /** 0x02: temporarily invalid; usually temporary. */
  SUSPENDED: 0x02,
  /** 0x03: application-specific (the draft also reserves 0x0C–0x0F); unused by eLicence. */
  APPLICATION_SPECIFIC: 0x03,
} as const);

/** Bits per licence in eLicence status lists. */
export const LICENCE_STATUS_BITS: StatusListBits = 2;

/**
 * The list value published for each licence status.
 *
 * | status       | value            |
 * |--------------|------------------|
 * | `active`     | 0x00 VALID       |
 * | `suspended`  | 0x02 SUSPENDED   |
 * | `revoked`    | 0x01 INVALID     |
 * | `cancelled`  | 0x01 INVALID     |
 * | `superseded` | 0x01 INVALID     |
 *
 * Why:
 * - The draft's registered values already mean what we need (its INVALID is "revoked, annulled,
 *   taken back, recalled or cancelled"), so any Token Status List verifier reads our lists right
 *   without our code, and everything fits in the 2 bits DESIGN §3 budgets.
 * - Which kind of end it was (revoked, cancelled, superseded) is published beside the list, in the
 *   same signed token (see {@link LICENCE_END_REASON_VALUES}), so generic readers of this list keep
 *   reading INVALID for all three.
 * - A superseded version is no longer the licence (the amendment has its own entry), so a verifier
 *   must not accept it: INVALID.
 * - SUSPENDED stays distinct: it is reversible (suspend/resume) and approval systems act on it
 *   differently from a permanent end.
 * - 0x03 is left unused, so a list that shows it is read as an error (fail closed).
 */
export const LICENCE_STATUS_VALUES: Readonly<Record<LicenceStatus, number>> = Object.freeze({
  active: STATUS_TYPE.VALID,
  suspended: STATUS_TYPE.SUSPENDED,
  revoked: STATUS_TYPE.INVALID,
  cancelled: STATUS_TYPE.INVALID,
  superseded: STATUS_TYPE.INVALID,
});

/**
 * What a status list can say about a licence, in the draft's terms: `valid` (active — the licence
 * may still have expired, which its `validUntil` decides), `suspended`, or `invalid` (revoked,
 * cancelled or superseded; ask the registry which).
 */
export type PublishedLicenceStatus = "valid" | "suspended" | "invalid";

/**
 * Reads a status list value back as a published licence status.
 *
 * @param value - a value read from an eLicence status list
 * @returns `valid`, `suspended` or `invalid`
 * @throws LicenceError `ERR_STATUS_LIST_INVALID` (`details.reason` `status-value`) for a value eLicence
 *   never publishes (0x03 and up), so an unknown value can never read as active
 * @throws TypeError when `value` is not an integer from 0 to 255
 * @example
 * ```ts
 * const status = statusFromValue(list.get(licence.status.idx)); // "valid" | "suspended" | "invalid"
 * ```
 */
export function statusFromValue(value: number): PublishedLicenceStatus {
  if (!Number.isInteger(value) || value < 0 || value > 255) throw new TypeError("A status value is an integer from 0 to 255.");
  switch (value) {
    case STATUS_TYPE.VALID:
      return "valid";
    case STATUS_TYPE.INVALID:
      return "invalid";
    case STATUS_TYPE.SUSPENDED:
      return "suspended";
    default:
      throw new LicenceError("ERR_STATUS_LIST_INVALID", "The status list holds a value eLicence does not publish.", {
        details: { reason: "status-value", value },
      });
  }
}

/**
 * Why a licence the status list marks INVALID ended, as the status list token's second list
 * (`elicence_reasons`, 2 bits per licence, the same indices) publishes it.
 *
 * | value | reason       |
 * |-------|--------------|
 * | 0     | none (the main list's value stands alone) |
 * | 1     | `revoked` (吊销) |
 * | 2     | `cancelled` (注销) |
 * | 3     | `superseded` (amended or renewed: a newer version replaces it) |
 *
 * Why a second list in the same token rather than application-specific values in the main one:
 * - a 2-bit list has one application-specific value (0x03) and we need three; widening the list to
 *   4 bits would put the reasons at 0x0C–0x0E, which a generic Token Status List reader does not
 *   know and may read as "not invalid" (fail open), and would double every list;
 * - beside the list, every generic reader still reads INVALID for all three (the registered
 *   meaning: "revoked, annulled, taken back, recalled or cancelled"), and eLicence verifiers read
 *   the reason from the same signed, cached token: no second fetch, no change to the licence;
 * - privacy: revocation (吊销) is a sanction that China already publishes (the enterprise credit
 *   publicity system lists revoked business licences), and a reader needs the licence (its index)
 *   to look an entry up; the approval system needs the difference to act (a superseded licence
 *   means "ask for the newer version", a revoked one "refuse").
 */
export const LICENCE_END_REASON_VALUES: Readonly<Record<LicenceEndReason, number>> = Object.freeze({
  revoked: 1,
  cancelled: 2,
  superseded: 3,
});

/** Why a licence ended: the statuses the main list publishes as INVALID. */
export type LicenceEndReason = "revoked" | "cancelled" | "superseded";

/**
 * Reads a value of the reason list back.
 *
 * @param value - a value of a 2-bit reason list (0–3)
 * @returns the reason, or `undefined` for 0 (none published)
 * @throws TypeError when `value` is not an integer from 0 to 3
 * @example
 * ```ts
 * endReasonFromValue(verified.reasons.get(idx)); // "revoked" | "cancelled" | "superseded" | undefined
 * ```
 */
export function endReasonFromValue(value: number): LicenceEndReason | undefined {
  if (!Number.isInteger(value) || value < 0 || value > 3) throw new TypeError("A reason value is an integer from 0 to 3.");
  return value === 1 ? "revoked" : value === 2 ? "cancelled" : value === 3 ? "superseded" : undefined;
}
