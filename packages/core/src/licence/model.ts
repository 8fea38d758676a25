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
  return new Date(seconds * 1000).toISOString();
}
