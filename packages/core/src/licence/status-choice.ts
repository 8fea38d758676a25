/**
 * Which of the status lists a caller supplied decides a licence's status: of those about the URI
 * the licence names that verify and are fresh at the verification time, the newest (the latest
 * `iat`). A list with no `exp` is fresh only up to a maximum age, so no list is fresh forever.
 *
 * @module
 */
import { isLicenceError, type LicenceError } from "../errors/errors.js";
import { verifyStatusListToken, type VerifiedStatusList } from "../status/token.js";
import { DOCUMENT_CLOCK_SKEW_MS } from "../trust/clock-skew.js";
import type { JwsAlgorithm } from "../crypto/algorithms.js";
import type { TrustList } from "../trust/trust-list.js";

/** How old a status list without `exp` may be (since its `iat`) and still decide: one day. */
export const DEFAULT_MAX_STATUS_LIST_AGE_MS = 86_400_000;

/** What {@link chooseStatusList} found. */
export type StatusListChoice =
  | { readonly ok: true; readonly list: VerifiedStatusList }
  | { readonly ok: false; readonly reason: "stale" | "not-yet-valid" | "status-list-missing"; readonly error?: LicenceError };

/**
 * Chooses the newest fresh, valid list about `uri` among the candidates.
 *
 * @param candidates - verified lists and tokens (tokens are verified against the trust list here)
 * @param uri - the URI the licence names
 * @param options - trust list, time, algorithms and the maximum age of a list without `exp`
 */
export async function chooseStatusList(
  candidates: readonly (VerifiedStatusList | string | undefined)[],
  uri: string,
  options: { readonly trustList: TrustList; readonly at: Date; readonly algorithms: readonly JwsAlgorithm[]; readonly maxStatusListAge?: number },
): Promise<StatusListChoice> {
  const t = options.at.getTime();
  const maxAge = options.maxStatusListAge ?? DEFAULT_MAX_STATUS_LIST_AGE_MS;
  let best: VerifiedStatusList | undefined;
  let stale = false;
  let future = false;
  let error: LicenceError | undefined;
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    let list: VerifiedStatusList;
    if (typeof candidate === "string") {
      try {
        list = await verifyStatusListToken(candidate, { trustList: options.trustList, at: options.at, algorithms: options.algorithms });
      } catch (err) {
        // One list that does not verify does not hide another that does; its error is kept to report.
        if (!isLicenceError(err)) throw err;
        error ??= err;
        if (err.details.reason === "stale") stale = true;
        if (err.details.reason === "not-yet-valid") future = true;
        continue;
      }
    } else list = candidate;
    if (list.uri !== uri) continue;
    // Issued a little after `t` (the clocks differ; the list was signed as it was fetched) still
    // decides; much later, it says nothing about the status at `t`.
    if (list.issuedAt.getTime() > t + DOCUMENT_CLOCK_SKEW_MS) {
      future = true;
      continue;
    }
    const expired = list.expiresAt ? list.expiresAt.getTime() < t : t - list.issuedAt.getTime() > maxAge;
    if (expired) {
      stale = true;
      continue;
    }
    if (!best || list.issuedAt.getTime() > best.issuedAt.getTime()) best = list;
  }
  if (best) return { ok: true, list: best };
  return { ok: false, reason: stale ? "stale" : future ? "not-yet-valid" : "status-list-missing", ...(error ? { error } : {}) };
}
