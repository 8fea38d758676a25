/**
 * What a licence's claims must be, beyond their shape: date claims within the range an ISO 8601
 * date can name, and selective disclosure confined to `fields` — the registered claims (`iss`,
 * `iat`, `nbf`, `exp`, `jti`), `status`, `cnf`, `vct`, the holder and the licence's identity are
 * never selectively disclosable (a verifier must see them to judge the licence at all: a withheld
 * status reference would skip the status check, a disclosed `exp` would be one the holder picks).
 *
 * @module
 */

/** 9999-12-31T23:59:59Z: the last second a four-digit year names (and well inside `Date`'s range). */
export const MAX_EPOCH_SECONDS = 253_402_300_799;

/** Why a date claim is out of range, or undefined when the three are in range and in order. */
export function dateClaimsOutOfRange(iat: number, nbf: number, exp: number | undefined): "iat-range" | "nbf-range" | "exp-range" | undefined {
  if (iat > MAX_EPOCH_SECONDS) return "iat-range";
  if (nbf > MAX_EPOCH_SECONDS) return "nbf-range";
  if (exp !== undefined && (exp > MAX_EPOCH_SECONDS || exp < nbf)) return "exp-range";
  return undefined;
}

const MAX_DEPTH = 32;

/**
 * True when a disclosure resolved outside `fields` (checked after resolving, for digests nested
 * in what a disclosure revealed).
 *
 * @param disclosedPaths - the paths of the claims the disclosures resolved to
 */
export function disclosedOutsideFields(disclosedPaths: readonly string[]): boolean {
  return disclosedPaths.some((path) => !path.startsWith("fields."));
}

/**
 * True when the signed payload holds a digest (`_sd`, an array's `...`) anywhere outside `fields`
 * — a withheld one included, since what it hides cannot be known. Checked before resolving, so a
 * disclosure of a registered claim is reported as such, not as a clash with the claim.
 *
 * @param payload - the signed payload
 */
export function digestsOutsideFields(payload: Record<string, unknown>): boolean {
  for (const key of Object.keys(payload)) {
    if (key === "fields" || key === "_sd_alg") continue;
    if (key === "_sd" || key === "...") return true;
    if (hasDigests(payload[key], 0)) return true;
  }
  return false;
}

function hasDigests(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(value)) return value.some((v) => (typeof v === "object" && v !== null && !Array.isArray(v) && "..." in v) || hasDigests(v, depth + 1));
  for (const key of Object.keys(value)) {
    if (key === "_sd" || key === "_sd_alg" || key === "...") return true;
    if (hasDigests((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}
