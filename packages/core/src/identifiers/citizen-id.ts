/**
 * Citizen identity numbers, GB 11643-1999 《公民身份号码》.
 *
 * 18 characters: a 6-digit address code, an 8-digit birth date `YYYYMMDD`, a 3-digit sequence code
 * and an ISO/IEC 7064 MOD 11-2 check character (`0`–`9` or `X`). The same layout and check serve the
 * residence permits for Hong Kong, Macao and Taiwan residents and the 2023 Foreign Permanent
 * Resident ID Card.
 *
 * Policy, shared by every function here:
 * - The check character `X` must be upper case, as the standard prints it; a lower-case `x` is
 *   rejected (reason `charset`), never silently upper-cased. Normalise input before calling if you
 *   want to accept it.
 * - No whitespace or separators are stripped.
 * - The birth date must exist in the Gregorian calendar. No minimum or maximum age and no "not in
 *   the future" rule are applied: those need a reference time, which belongs to the caller.
 * - The address code is not looked up in the GB/T 2260 division table (it changes over time).
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import { isAsciiDigit as isDigit } from "./ascii.js";
import { MOD_11_2, computeCheckCharacters } from "./iso7064.js";

/** Why a citizen identity number was rejected, in the order the checks run. */
export type CitizenIdInvalidReason = "length" | "charset" | "birth-date" | "check-character";

/** The outcome of {@link validateCitizenId}. */
export type CitizenIdValidation = { readonly ok: true } | { readonly ok: false; readonly reason: CitizenIdInvalidReason };

const LENGTH = 18;

function allDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** True when `yyyymmdd` (8 digits) names a day of the Gregorian calendar. */
function isCalendarDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/**
 * Computes the check character of a citizen identity number from its first 17 digits.
 *
 * @param body17 - the 17 digits before the check character
 * @returns `"0"`–`"9"` or `"X"`
 * @throws LicenceError `ERR_IDENTIFIER_INVALID` (`details.reason`: `length` or `charset`) unless `body17` is 17 digits
 * @example
 * ```ts
 * computeCitizenIdCheck("11010519491231002"); // "X"
 * ```
 */
export function computeCitizenIdCheck(body17: string): string {
  if (typeof body17 !== "string") throw new TypeError("The body must be a string.");
  if (body17.length !== LENGTH - 1) {
    throw new LicenceError("ERR_IDENTIFIER_INVALID", "A citizen identity number body has 17 digits.", { details: { reason: "length" } });
  }
  if (!allDigits(body17, 0, LENGTH - 1)) {
    throw new LicenceError("ERR_IDENTIFIER_INVALID", "A citizen identity number body has only digits.", { details: { reason: "charset" } });
  }
  return computeCheckCharacters(MOD_11_2, body17);
}

/**
 * Tells whether a citizen identity number's check character is right, and nothing more.
 *
 * Only the check is judged: the birth date is not (see {@link validateCitizenId} for the full rules).
 * The shape must still allow a check: 18 characters, 17 digits, then a digit or upper-case `X`.
 *
 * @param text - the candidate number
 * @returns `true` when the MOD 11-2 check character matches
 * @example
 * ```ts
 * hasValidCitizenIdCheck("11010519491231002X"); // true
 * hasValidCitizenIdCheck("11010519491231002x"); // false: lower case is not accepted
 * ```
 */
export function hasValidCitizenIdCheck(text: unknown): boolean {
  if (typeof text !== "string" || text.length !== LENGTH || !allDigits(text, 0, LENGTH - 1)) return false;
  return computeCheckCharacters(MOD_11_2, text.slice(0, LENGTH - 1)) === text.charAt(LENGTH - 1);
}

/**
 * Validates a citizen identity number and says why it fails.
 *
 * Checks, in order: `length` (18 characters), `charset` (17 digits then a digit or upper-case `X`),
 * `birth-date` (a real calendar date), `check-character` (ISO/IEC 7064 MOD 11-2).
 *
 * @param text - the candidate number, exactly as received (nothing is trimmed or upper-cased)
 * @returns `{ ok: true }` or `{ ok: false, reason }`
 * @example
 * ```ts
 * validateCitizenId("11010519491231002X"); // { ok: true }
 * validateCitizenId("360426199113010079"); // { ok: false, reason: "birth-date" }
 * ```
 */
export function validateCitizenId(text: string): CitizenIdValidation {
  if (typeof text !== "string") throw new TypeError("The citizen identity number must be a string.");
  if (text.length !== LENGTH) return { ok: false, reason: "length" };
  const last = text.charCodeAt(LENGTH - 1);
  if (!allDigits(text, 0, LENGTH - 1) || !(isDigit(last) || last === 88 /* X */)) return { ok: false, reason: "charset" };
  if (!isCalendarDate(text.slice(6, 14))) return { ok: false, reason: "birth-date" };
  if (computeCheckCharacters(MOD_11_2, text.slice(0, LENGTH - 1)) !== text.charAt(LENGTH - 1)) {
    return { ok: false, reason: "check-character" };
  }
  return { ok: true };
}

/**
 * Tells whether `text` is a valid citizen identity number (see {@link validateCitizenId}).
 *
 * @param text - the candidate; a non-string gives `false`
 * @returns `true` when every rule holds
 * @example
 * ```ts
 * isValidCitizenId("440524188001010014"); // true
 * ```
 */
export function isValidCitizenId(text: unknown): boolean {
  return typeof text === "string" && validateCitizenId(text).ok;
}
