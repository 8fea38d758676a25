/**
 * Licence holder identifiers (持证主体代码) and their types (持证主体代码类型).
 *
 * The type codes are those of the GB/T 36903-2018 licence metadata, whose own examples are
 * `111` (citizen identity number) and `001` (unified social credit code). `111` belongs to the
 * three-digit document-type code family used across Chinese government systems, from which the
 * other two codes here are taken: `414` (ordinary passport, 普通护照) and `990` (other document, 其他).
 *
 * | code  | holder document | checks |
 * |-------|-----------------|--------|
 * | `111` | citizen identity number, GB 11643 | full: length, charset, birth date, MOD 11-2 check ({@link validateCitizenId}) |
 * | `001` | unified social credit code, GB 32100 | full: length, charset, division code, check ({@link validateUscc}) |
 * | `414` | passport | format only: 5–20 upper-case letters or digits (ICAO 9303 document numbers; the machine-readable field holds 9, longer numbers exist) |
 * | `990` | any other document, of a person or an organisation | format only: 1–64 characters, no control characters, no unpaired surrogates, no leading or trailing white space |
 *
 * @module
 */
import { isUpperAlphanumeric } from "./ascii.js";
import { validateCitizenId, type CitizenIdInvalidReason } from "./citizen-id.js";
import { validateUscc, type UsccInvalidReason } from "./uscc.js";

/** The holder identifier types eLicence knows (see the module documentation for their rules). */
export type HolderIdType = "111" | "001" | "414" | "990";

/** Every {@link HolderIdType}, in the order of the module's table. */
export const HOLDER_ID_TYPES: readonly HolderIdType[] = Object.freeze(["111", "001", "414", "990"] as const);

/** Why a holder identifier was rejected; `id-type` means the type code itself is unknown. */
export type HolderIdInvalidReason = "id-type" | CitizenIdInvalidReason | UsccInvalidReason;

/** The outcome of {@link validateHolderId}. */
export type HolderIdValidation = { readonly ok: true } | { readonly ok: false; readonly reason: HolderIdInvalidReason };

const PASSPORT_MIN = 5;
const PASSPORT_MAX = 20;
const OTHER_MAX = 64;

/**
 * Tells whether `value` is one of the {@link HOLDER_ID_TYPES}.
 *
 * @param value - the candidate type code
 * @returns `true` for `"111"`, `"001"`, `"414"` or `"990"`
 * @example
 * ```ts
 * isHolderIdType("111"); // true
 * isHolderIdType("112"); // false
 * ```
 */
export function isHolderIdType(value: unknown): value is HolderIdType {
  return typeof value === "string" && (HOLDER_ID_TYPES as readonly string[]).includes(value);
}

function validatePassport(text: string): HolderIdValidation {
  if (text.length < PASSPORT_MIN || text.length > PASSPORT_MAX) return { ok: false, reason: "length" };
  for (let i = 0; i < text.length; i++) if (!isUpperAlphanumeric(text.charCodeAt(i))) return { ok: false, reason: "charset" };
  return { ok: true };
}

function isWhiteSpace(ch: string): boolean {
  return ch.trim() === "";
}

function validateOther(text: string): HolderIdValidation {
  // Count code points, not UTF-16 units, so the limit means the same for every script.
  let count = 0;
  for (const ch of text) {
    count++;
    if (count > OTHER_MAX) return { ok: false, reason: "length" };
    const code = ch.codePointAt(0)!;
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
    const loneSurrogate = code >= 0xd800 && code <= 0xdfff;
    if (control || loneSurrogate) return { ok: false, reason: "charset" };
  }
  if (count === 0) return { ok: false, reason: "length" };
  if (isWhiteSpace(text.charAt(0)) || isWhiteSpace(text.charAt(text.length - 1))) return { ok: false, reason: "charset" };
  return { ok: true };
}

/**
 * Validates a holder identifier against the rules of its type and says why it fails.
 *
 * @param idType - the holder identifier type code, for example `"111"`; an unknown code gives reason `id-type`
 * @param idNumber - the identifier, exactly as received (nothing is trimmed or upper-cased)
 * @returns `{ ok: true }` or `{ ok: false, reason }`
 * @example
 * ```ts
 * validateHolderId("111", "11010519491231002X"); // { ok: true }
 * validateHolderId("001", "91110000600037341N"); // { ok: false, reason: "check-character" }
 * validateHolderId("414", "E1234567");           // { ok: true }
 * ```
 */
export function validateHolderId(idType: string, idNumber: string): HolderIdValidation {
  if (typeof idType !== "string" || typeof idNumber !== "string") throw new TypeError("The holder identifier type and number must be strings.");
  switch (idType) {
    case "111":
      return validateCitizenId(idNumber);
    case "001":
      return validateUscc(idNumber);
    case "414":
      return validatePassport(idNumber);
    case "990":
      return validateOther(idNumber);
    default:
      return { ok: false, reason: "id-type" };
  }
}
