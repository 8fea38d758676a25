/** Character-class tests on UTF-16 code units, shared by the identifier parsers (internal). */

/** True for `0`–`9`. */
export function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** True for `0`–`9` and `A`–`Z`. */
export function isUpperAlphanumeric(code: number): boolean {
  return isAsciiDigit(code) || (code >= 65 && code <= 90);
}
