/**
 * ISO/IEC 7064 check character systems (adopted in China as GB/T 17710-2008, identical text).
 *
 * Both families of the standard are here: the pure systems (`MOD 11-2`, `MOD 37-2`, `MOD 97-10`,
 * `MOD 661-26`, `MOD 1271-36`) and the hybrid systems (`MOD 11,10`, `MOD 27,26`, `MOD 37,36`).
 * eLicence uses `MOD 11-2` (citizen identity numbers, GB 11643) and `MOD 37,36` (licence identifiers).
 *
 * Character sets are case-sensitive: only the upper-case letters of a system's alphabet count.
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";

const DIGITS = "0123456789";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALPHANUMERIC = DIGITS + LETTERS;

/** One ISO/IEC 7064 check character system. */
export interface CheckCharacterSystem {
  /** The designation used by the standard, for example `"MOD 37,36"`. */
  readonly designation: string;
  /** `pure` systems compute with one modulus and a radix; `hybrid` systems with M and M+1. */
  readonly kind: "pure" | "hybrid";
  /** M: the modulus of a pure system, or the smaller modulus of a hybrid system (36 for MOD 37,36). */
  readonly modulus: number;
  /** r: the radix of a pure system (2 for the hybrid systems, which double at each step). */
  readonly radix: number;
  /** The characters the data may use; each is worth its index. */
  readonly alphabet: string;
  /** The characters a check may use; each is worth its index. */
  readonly checkAlphabet: string;
  /** How many check characters the system appends. */
  readonly checkLength: 1 | 2;
}

function pure(designation: string, modulus: number, radix: number, alphabet: string, checkAlphabet: string, checkLength: 1 | 2): CheckCharacterSystem {
  return Object.freeze({ designation, kind: "pure", modulus, radix, alphabet, checkAlphabet, checkLength });
}

function hybrid(designation: string, alphabet: string): CheckCharacterSystem {
  return Object.freeze({ designation, kind: "hybrid", modulus: alphabet.length, radix: 2, alphabet, checkAlphabet: alphabet, checkLength: 1 });
}

/** ISO/IEC 7064 MOD 11-2: digits, one check digit or `X` (GB 11643 citizen identity numbers, ISNI, ORCID). */
export const MOD_11_2: CheckCharacterSystem = pure("MOD 11-2", 11, 2, DIGITS, DIGITS + "X", 1);
/** ISO/IEC 7064 MOD 37-2: digits and letters, one check character or `*`. */
export const MOD_37_2: CheckCharacterSystem = pure("MOD 37-2", 37, 2, ALPHANUMERIC, ALPHANUMERIC + "*", 1);
/** ISO/IEC 7064 MOD 97-10: digits, two check digits. */
export const MOD_97_10: CheckCharacterSystem = pure("MOD 97-10", 97, 10, DIGITS, DIGITS, 2);
/** ISO/IEC 7064 MOD 661-26: letters, two check letters. */
export const MOD_661_26: CheckCharacterSystem = pure("MOD 661-26", 661, 26, LETTERS, LETTERS, 2);
/** ISO/IEC 7064 MOD 1271-36: digits and letters, two check characters. */
export const MOD_1271_36: CheckCharacterSystem = pure("MOD 1271-36", 1271, 36, ALPHANUMERIC, ALPHANUMERIC, 2);
/** ISO/IEC 7064 MOD 11,10: digits, one check digit. */
export const MOD_11_10: CheckCharacterSystem = hybrid("MOD 11,10", DIGITS);
/** ISO/IEC 7064 MOD 27,26: letters, one check letter. */
export const MOD_27_26: CheckCharacterSystem = hybrid("MOD 27,26", LETTERS);
/** ISO/IEC 7064 MOD 37,36: digits and letters, one check character (GB/T 36904 licence identifiers, GRid, ISAN). */
export const MOD_37_36: CheckCharacterSystem = hybrid("MOD 37,36", ALPHANUMERIC);

/** Each ASCII character's value in an alphabet (-1: not in it), made once per alphabet. */
const valueTables = new Map<string, Int16Array>();

function valueTable(alphabet: string): Int16Array {
  let table = valueTables.get(alphabet);
  if (table === undefined) {
    table = new Int16Array(128).fill(-1);
    // The first occurrence wins, as `indexOf` would have it.
    for (let i = alphabet.length - 1; i >= 0; i--) {
      const code = alphabet.charCodeAt(i);
      if (code < 128) table[code] = i;
    }
    if (valueTables.size < 64) valueTables.set(alphabet, table);
  }
  return table;
}

/** A character's value in the alphabet, or -1: a table look-up for ASCII (this runs for every licence). */
function valueOf(table: Int16Array, alphabet: string, data: string, i: number): number {
  const code = data.charCodeAt(i);
  return code < 128 ? table[code]! : alphabet.indexOf(data.charAt(i));
}

/** The check value (0 ≤ value < M), or -1 when `data` is empty or has a character outside the alphabet. */
function checkValue(system: CheckCharacterSystem, data: string): number {
  if (data.length === 0) return -1;
  const { modulus: m, radix: r, alphabet } = system;
  const table = valueTable(alphabet);
  if (system.kind === "hybrid") {
    let p = m;
    for (let i = 0; i < data.length; i++) {
      const a = valueOf(table, alphabet, data, i);
      if (a < 0) return -1;
      const s = (p + a) % m || m;
      p = (s * 2) % (m + 1);
    }
    return (m + 1 - p) % m;
  }
  let p = 0;
  for (let i = 0; i < data.length; i++) {
    const a = valueOf(table, alphabet, data, i);
    if (a < 0) return -1;
    p = ((p + a) * r) % m;
  }
  if (system.checkLength === 2) p = (p * r) % m;
  return (m + 1 - p) % m;
}

function checkCharacters(system: CheckCharacterSystem, value: number): string {
  const { checkAlphabet, radix } = system;
  return system.checkLength === 1
    ? checkAlphabet.charAt(value)
    : checkAlphabet.charAt(Math.floor(value / radix)) + checkAlphabet.charAt(value % radix);
}

/**
 * Computes the check character(s) that a system appends to `data`.
 *
 * @param system - the check character system, for example {@link MOD_37_36}
 * @param data - the characters to protect (at least one, all from `system.alphabet`)
 * @returns the check character, or the two check characters of a double-check system
 * @throws LicenceError `ERR_IDENTIFIER_INVALID` (`details.reason`: `length` or `charset`) for data the system cannot protect
 * @example
 * ```ts
 * computeCheckCharacters(MOD_11_2, "0794"); // "0"
 * computeCheckCharacters(MOD_37_36, "A12425GABC1234002"); // "M"
 * ```
 */
export function computeCheckCharacters(system: CheckCharacterSystem, data: string): string {
  if (typeof data !== "string") throw new TypeError("The data must be a string.");
  if (data.length === 0) {
    throw new LicenceError("ERR_IDENTIFIER_INVALID", "There is nothing to compute a check character over.", { details: { reason: "length" } });
  }
  const value = checkValue(system, data);
  if (value < 0) {
    throw new LicenceError("ERR_IDENTIFIER_INVALID", "The data has a character outside the check system's alphabet.", { details: { reason: "charset" } });
  }
  return checkCharacters(system, value);
}

/**
 * Tells whether `text` ends with the correct check character(s) for the data before them.
 *
 * @param system - the check character system, for example {@link MOD_11_2}
 * @param text - data followed by its check character(s); anything else (including a non-string) gives `false`
 * @returns `true` when the check matches
 * @example
 * ```ts
 * verifyCheckCharacters(MOD_11_2, "07940"); // true
 * verifyCheckCharacters(MOD_37_36, "A12425GABC1234002N"); // false
 * ```
 */
export function verifyCheckCharacters(system: CheckCharacterSystem, text: unknown): boolean {
  if (typeof text !== "string" || text.length <= system.checkLength) return false;
  const cut = text.length - system.checkLength;
  const value = checkValue(system, text.slice(0, cut));
  return value >= 0 && checkCharacters(system, value) === text.slice(cut);
}
