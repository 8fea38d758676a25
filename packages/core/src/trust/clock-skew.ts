/**
 * The clock leeway for the registry's signed documents.
 *
 * @module
 */

/**
 * How far a trust list's `issuedAt` or a status list's `iat` may be after the verification time and
 * the document still be current: the registry's and the verifier's clocks differ a little, and a
 * document is often signed the moment it is fetched (a status list, with `iat` in whole seconds), so
 * without it a verifier a second behind would find it "issued in the future". One minute, the leeway
 * JWT libraries give `iat` and `nbf`. An expiry (`exp`, `nextUpdate`) gets none.
 */
export const DOCUMENT_CLOCK_SKEW_MS = 60_000;
