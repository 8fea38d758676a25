/**
 * The licence model (证照), aligned with GB/T 36901–36906 metadata, and the claims it is signed as.
 *
 * @module
 */
import type { HolderKind } from "../catalogue/licence-type.js";
import type { HolderIdType } from "../identifiers/index.js";

/** Lifecycle status of a licence; `expired` is derived from `validUntil`, never stored. */
export type LicenceStatus = "active" | "suspended" | "revoked" | "cancelled" | "superseded";

/** The holder (持证主体), identified by one of the base codes (三码). */
export interface Holder {
  readonly kind: HolderKind;
  readonly name: string;
  /** Holder code type: `111` citizen ID number, `001` unified social credit code, … */
  readonly idType: HolderIdType;
  readonly idNumber: string;
}

/** The issuing department (发证机构). */
export interface LicenceIssuerInfo {
  readonly name: string;
  /** The department's unified social credit code. */
  readonly code: string;
}

/** Where a licence's status is published (IETF Token Status List reference). */
export interface StatusReference {
  /** URI of the status list token. */
  readonly uri: string;
  /** Index of this licence in the list. */
  readonly idx: number;
}

/** A licence as its holder, issuer and verifier see it. */
export interface Licence {
  /** 电子证照标识 (see `buildLicenceId`). */
  readonly id: string;
  /** 证照编号 as printed. */
  readonly number: string;
  readonly type: { readonly code: string; readonly version: number; readonly name: string };
  readonly holder: Holder;
  readonly issuer: LicenceIssuerInfo;
  /** ISO 8601 UTC date-time of issue (the claimed signing time). */
  readonly issuedAt: string;
  readonly validFrom: string;
  readonly validUntil?: string;
  /** Surface data (照面信息): on a verified licence, only the fields that were disclosed. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly version: number;
  /** Identifier of the licence this version replaces. */
  readonly supersedes?: string;
  readonly status?: StatusReference;
}

/** The JWS `typ` of a licence: explicit typing (RFC 8725 §3.11) so no other JWT passes as one. */
export const LICENCE_TYP = "elicence+sd-jwt";

/** The JWS `typ` of a licence, as licences carry it. */
export type LicenceTyp = typeof LICENCE_TYP;

/** Converts a `Date` to whole seconds since the epoch. */
export function toEpochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** Converts seconds since the epoch to an ISO 8601 UTC string. */
export function fromEpochSeconds(seconds: number): string {
  return isoFromMillis(seconds * 1000);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * The same string as `new Date(ms).toISOString()` (`YYYY-MM-DDTHH:mm:ss.sssZ`), computed with
 * integer arithmetic: `toISOString` costs about 2 µs here, a noticeable share of verifying a licence.
 * Years outside 0000–9999 (expanded years) and invalid times go to `toISOString` itself.
 *
 * @param ms - milliseconds since the epoch
 */
export function isoFromMillis(ms: number): string {
  // -62167219200000 is 0000-01-01T00:00:00Z, 253402300800000 is 10000-01-01T00:00:00Z.
  if (!Number.isSafeInteger(ms) || ms < -62167219200000 || ms >= 253402300800000) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86400000);
  let rest = ms - days * 86400000;
  const hh = Math.floor(rest / 3600000);
  rest -= hh * 3600000;
  const mi = Math.floor(rest / 60000);
  rest -= mi * 60000;
  const ss = Math.floor(rest / 1000);
  const milli = rest - ss * 1000;
  // Civil date from days since 1970-01-01 (H. Hinnant, "chrono-compatible low-level date algorithms").
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const year = y < 1000 ? String(y).padStart(4, "0") : String(y);
  const msText = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`;
  return `${year}-${pad2(m)}-${pad2(d)}T${pad2(hh)}:${pad2(mi)}:${pad2(ss)}.${msText}Z`;
}
