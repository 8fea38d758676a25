/**
 * Unified social credit codes, GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》.
 *
 * 18 characters from the 31-character set `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, S, V, Z):
 * position 1 the registration authority, 2 the organisation type, 3–8 the administrative division
 * code of the registering authority (6 digits, GB/T 2260), 9–17 the subject identifier (a GB 11714
 * organisation code), 18 the check character.
 *
 * Check: each character is worth its index in the set; with weights `3^(i−1) mod 31` for
 * i = 1…17, `C18 = (31 − Σ Cᵢ·Wᵢ mod 31) mod 31`, written back through the set.
 *
 * Policy:
 * - Positions 1–2 may be any character of the set (the standard's wording and hutool allow
 *   letters; python-stdnum requires digits). Neither is looked up in the standard's code table.
 * - Upper case only; no whitespace or separators are stripped.
 * - The embedded GB 11714 check (position 17) is not verified: GB 32100 does not require it.
 * - Early pilot-region codes (Fujian, Xiamen) whose check fails are rejected, as GB 32100 says;
 *   an application that must accept them needs its own allow-list.
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import { isAsciiDigit } from "./ascii.js";

/** The 31 characters a unified social credit code may use, in value order. */
export const USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/** Why a unified social credit code was rejected, in the order the checks run. */
export type UsccInvalidReason = "length" | "charset" | "division-code" | "check-character";

/** The outcome of {@link validateUscc}. */
export type UsccValidation = { readonly ok: true } | { readonly ok: false; readonly reason: UsccInvalidReason };

const LENGTH = 18;
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Each ASCII character's value in {@link USCC_CHARSET}, -1 outside it. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_CHARSET.length; i++) VALUE[USCC_CHARSET.charCodeAt(i)] = i;

/** A character's value in {@link USCC_CHARSET}, or -1 (a table look-up: this runs for every licence). */
function valueAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? VALUE[code]! : -1;
}

/** The check character for 17 characters of the set, or `undefined` if one is outside it. */
function checkOf(body: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < LENGTH - 1; i++) {
    const value = valueAt(body, i);
    if (value < 0) return undefined;
    sum += value * WEIGHTS[i]!;
  }
  return USCC_CHARSET.charAt((31 - (sum % 31)) % 31);
}

/**
 * Computes the check character of a unified social credit code from its first 17 characters.
 *
 * @param body17 - the 17 characters before the check character, all from {@link USCC_CHARSET}
 * @returns one character of {@link USCC_CHARSET}
 * @throws LicenceError `ERR_IDENTIFIER_INVALID` (`details.reason`: `length` or `charset`) for any other input
 * @example
 * ```ts
 * computeUsccCheck("91350100M000100Y4"); // "3" (the standard's worked example)
 * ```
 */
export function computeUsccCheck(body17: string): string {
  if (typeof body17 !== "string") throw new TypeError("The body must be a string.");
  if (body17.length !== LENGTH - 1) {
    throw new LicenceError("ERR_IDENTIFIER_INVALID", "A unified social credit code body has 17 characters.", { details: { reason: "length" } });
  }
  const check = checkOf(body17);
  if (check === undefined) {
    throw new LicenceError("ERR_IDENTIFIER_INVALID", "A unified social credit code uses only its 31-character set.", { details: { reason: "charset" } });
  }
  return check;
}

/**
 * Tells whether a unified social credit code's check character is right, and nothing more.
 *
 * The shape must still allow a check: 18 characters, all from {@link USCC_CHARSET}. The division
 * code is not judged (see {@link validateUscc} for the full rules).
 *
 * @param text - the candidate code
 * @returns `true` when the GB 32100 check character matches
 * @example
 * ```ts
 * hasValidUsccCheck("91350100M000100Y43"); // true
 * hasValidUsccCheck("91350100M000100Y4Z"); // false
 * ```
 */
export function hasValidUsccCheck(text: unknown): boolean {
  if (typeof text !== "string" || text.length !== LENGTH) return false;
  const check = text.charAt(LENGTH - 1);
  return valueAt(text, LENGTH - 1) >= 0 && checkOf(text) === check;
}

/**
 * Validates a unified social credit code and says why it fails.
 *
 * Checks, in order: `length` (18), `charset` (all from {@link USCC_CHARSET}, upper case),
 * `division-code` (positions 3–8 are digits), `check-character` (GB 32100).
 *
 * @param text - the candidate code, exactly as received (nothing is trimmed or upper-cased)
 * @returns `{ ok: true }` or `{ ok: false, reason }`
 * @example
 * ```ts
 * validateUscc("91110000600037341L"); // { ok: true }
 * validateUscc("91110000600037341N"); // { ok: false, reason: "check-character" }
 * ```
 */
export function validateUscc(text: string): UsccValidation {
  if (typeof text !== "string") throw new TypeError("The unified social credit code must be a string.");
  if (text.length !== LENGTH) return { ok: false, reason: "length" };
  for (let i = 0; i < LENGTH; i++) if (valueAt(text, i) < 0) return { ok: false, reason: "charset" };
  for (let i = 2; i < 8; i++) if (!isAsciiDigit(text.charCodeAt(i))) return { ok: false, reason: "division-code" };
  if (checkOf(text) !== text.charAt(LENGTH - 1)) return { ok: false, reason: "check-character" };
  return { ok: true };
}

/**
 * Tells whether `text` is a valid unified social credit code (see {@link validateUscc}).
 *
 * @param text - the candidate; a non-string gives `false`
 * @returns `true` when every rule holds
 * @example
 * ```ts
 * isValidUscc("91350100M000100Y43"); // true
 * ```
 */
export function isValidUscc(text: unknown): boolean {
  return typeof text === "string" && validateUscc(text).ok;
}
