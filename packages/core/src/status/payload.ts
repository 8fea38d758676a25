/**
 * The claims of a Status List Token in JWT form (draft-ietf-oauth-status-list §5.1). Signing and
 * verifying the JWT (`typ: statuslist+jwt`) is done by the token module.
 *
 * @module
 */
import { LicenceError, type ValidationIssue } from "../errors/errors.js";
import { StatusList, type StatusListBits, type StatusListJSON } from "./status-list.js";

/** The JWT claims set of a Status List Token. */
export interface StatusListPayload {
  /** URI of this Status List Token; equals the `uri` in the licences that point here. */
  readonly sub: string;
  /** Issued at, seconds since the epoch (NumericDate). */
  readonly iat: number;
  /** Expires at, seconds since the epoch (recommended by the draft). */
  readonly exp?: number;
  /** Seconds a consumer may cache the token before fetching a fresh one (positive). */
  readonly ttl?: number;
  readonly status_list: StatusListJSON;
  /**
   * eLicence's reason list: why each licence the main list marks INVALID ended (2 bits, the same
   * indices; see `LICENCE_END_REASON_VALUES`). A private claim generic readers ignore.
   */
  readonly elicence_reasons?: StatusListJSON;
}

/** Options of {@link buildStatusListPayload}. */
export interface BuildStatusListPayloadOptions {
  /** URI of the token (`sub`): an absolute URI. */
  readonly uri: string;
  readonly list: StatusList;
  readonly issuedAt: Date;
  /** Must be after `issuedAt`. */
  readonly expiresAt?: Date;
  /** Cache lifetime in seconds (a positive integer). */
  readonly ttl?: number;
  /** The reason list (2 bits, as many entries as `list`). */
  readonly reasons?: StatusList;
}

/** Result of {@link safeParseStatusListPayload}. */
export type StatusListPayloadResult =
  | { readonly ok: true; readonly value: StatusListPayload }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

function isAbsoluteUri(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function numericDate(date: Date, what: string): number {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError(`${what} must be a valid Date.`);
  return Math.floor(date.getTime() / 1000);
}

/**
 * Builds the claims of a Status List Token, members in a fixed order (`sub`, `iat`, `exp`, `ttl`,
 * `status_list`).
 *
 * @param options - the token's URI, the list and its times
 * @returns the payload to sign
 * @throws TypeError for a relative URI, an invalid date, `expiresAt` not after `issuedAt` or a bad `ttl`
 * @example
 * ```ts
 * const payload = buildStatusListPayload({ uri: "https://registry.example/v1/status/3", list, issuedAt: new Date(), ttl: 3600 });
 * ```
 */
export function buildStatusListPayload(options: BuildStatusListPayloadOptions): StatusListPayload {
  const { uri, list, issuedAt, expiresAt, ttl, reasons } = options;
  if (typeof uri !== "string" || !isAbsoluteUri(uri)) throw new TypeError("uri must be an absolute URI.");
  if (!(list instanceof StatusList)) throw new TypeError("list must be a StatusList.");
  const iat = numericDate(issuedAt, "issuedAt");
  const exp = expiresAt === undefined ? undefined : numericDate(expiresAt, "expiresAt");
  if (exp !== undefined && exp <= iat) throw new TypeError("expiresAt must be at least a second after issuedAt.");
  if (ttl !== undefined && (!Number.isSafeInteger(ttl) || ttl < 1)) throw new TypeError("ttl must be a positive integer.");
  if (reasons !== undefined && (!(reasons instanceof StatusList) || reasons.bits !== 2 || reasons.size !== list.size)) {
    throw new TypeError("reasons must be a 2-bit StatusList as long as list.");
  }
  return {
    sub: uri,
    iat,
    ...(exp !== undefined ? { exp } : {}),
    ...(ttl !== undefined ? { ttl } : {}),
    status_list: list.toJSON(),
    ...(reasons !== undefined ? { elicence_reasons: reasons.toJSON() } : {}),
  };
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/**
 * Validates Status List Token claims, reporting every problem with its path. The `lst` is checked
 * for its alphabet only: {@link StatusList.fromJSON} decodes it, under a size limit.
 *
 * @param json - the decoded JWT payload (untrusted)
 * @returns `{ ok: true, value }` with only the members above, or `{ ok: false, issues }`
 * @example
 * ```ts
 * const result = safeParseStatusListPayload(JSON.parse(text));
 * if (!result.ok) console.log(formatIssues(result.issues));
 * ```
 */
export function safeParseStatusListPayload(json: unknown): StatusListPayloadResult {
  const issues: ValidationIssue[] = [];
  const issue = (path: (string | number)[], message: string): void => {
    issues.push({ path, message });
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, issues: [{ path: [], message: "must be a JSON object" }] };
  }
  const claims = json as Record<string, unknown>;
  const { sub, iat, exp, ttl, status_list: statusList, elicence_reasons: reasonList } = claims;

  if (sub === undefined) issue(["sub"], "required");
  else if (typeof sub !== "string" || !isAbsoluteUri(sub)) issue(["sub"], "must be an absolute URI");
  if (iat === undefined) issue(["iat"], "required");
  else if (!isTime(iat)) issue(["iat"], "must be a non-negative number of seconds");
  if (exp !== undefined) {
    if (!isTime(exp)) issue(["exp"], "must be a non-negative number of seconds");
    else if (isTime(iat) && exp <= iat) issue(["exp"], "must be after iat");
  }
  if (ttl !== undefined && !(typeof ttl === "number" && Number.isFinite(ttl) && ttl > 0)) {
    issue(["ttl"], "must be a positive number of seconds");
  }

  let list: StatusListJSON | undefined;
  if (statusList === undefined) issue(["status_list"], "required");
  else if (typeof statusList !== "object" || statusList === null || Array.isArray(statusList)) {
    issue(["status_list"], "must be an object");
  } else {
    const { bits, lst, aggregation_uri: aggregationUri } = statusList as Record<string, unknown>;
    const before = issues.length;
    if (bits === undefined) issue(["status_list", "bits"], "required");
    else if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8) issue(["status_list", "bits"], "must be 1, 2, 4 or 8");
    if (lst === undefined) issue(["status_list", "lst"], "required");
    else if (typeof lst !== "string" || !BASE64URL.test(lst)) issue(["status_list", "lst"], "must be a non-empty base64url string");
    if (aggregationUri !== undefined && (typeof aggregationUri !== "string" || !isAbsoluteUri(aggregationUri))) {
      issue(["status_list", "aggregation_uri"], "must be an absolute URI");
    }
    if (issues.length === before) {
      list = {
        bits: bits as StatusListBits,
        lst: lst as string,
        ...(aggregationUri !== undefined ? { aggregation_uri: aggregationUri as string } : {}),
      };
    }
  }

  let reasons: StatusListJSON | undefined;
  if (reasonList !== undefined) {
    const r = typeof reasonList === "object" && reasonList !== null && !Array.isArray(reasonList) ? (reasonList as Record<string, unknown>) : undefined;
    if (!r) issue(["elicence_reasons"], "must be an object");
    else {
      if (r.bits !== 2) issue(["elicence_reasons", "bits"], "must be 2");
      if (typeof r.lst !== "string" || !BASE64URL.test(r.lst)) issue(["elicence_reasons", "lst"], "must be a non-empty base64url string");
      for (const member of Object.keys(r)) if (member !== "bits" && member !== "lst") issue(["elicence_reasons", member], "is not allowed");
      if (r.bits === 2 && typeof r.lst === "string") reasons = { bits: 2, lst: r.lst };
    }
  }

  if (issues.length > 0 || list === undefined) return { ok: false, issues };
  return {
    ok: true,
    value: {
      sub: sub as string,
      iat: iat as number,
      ...(exp !== undefined ? { exp: exp as number } : {}),
      ...(ttl !== undefined ? { ttl: ttl as number } : {}),
      status_list: list,
      ...(reasons !== undefined ? { elicence_reasons: reasons } : {}),
    },
  };
}

/**
 * Validates Status List Token claims (see {@link safeParseStatusListPayload}); throws on failure.
 *
 * @param json - the decoded JWT payload (untrusted)
 * @returns the validated claims (other claims, such as `iss`, are dropped)
 * @throws LicenceError `ERR_STATUS_LIST_INVALID` with every issue and its path
 * @example
 * ```ts
 * const payload = parseStatusListPayload(claims);
 * const list = StatusList.fromJSON(payload.status_list);
 * ```
 */
export function parseStatusListPayload(json: unknown): StatusListPayload {
  const result = safeParseStatusListPayload(json);
  if (!result.ok) {
    throw new LicenceError("ERR_STATUS_LIST_INVALID", "The status list token payload is not valid.", {
      issues: result.issues,
      details: { reason: "payload" },
    });
  }
  return result.value;
}
