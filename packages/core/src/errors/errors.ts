/**
 * The eLicence error family.
 *
 * Untrusted input that fails gives a {@link LicenceError} with a stable `code`; a caller that misuses
 * the API gets a plain `TypeError`. Messages are fixed sentences: details travel on typed properties
 * and never contain a token, a key, an identity number or a hidden field.
 *
 * @module
 */

/** Every stable error code eLicence produces. */
export type LicenceErrorCode =
  | "ERR_INPUT_MALFORMED"
  | "ERR_INPUT_TOO_LARGE"
  | "ERR_JSON_DUPLICATE_MEMBER"
  | "ERR_VALIDATION"
  | "ERR_IDENTIFIER_INVALID"
  | "ERR_ALGORITHM_NOT_ALLOWED"
  | "ERR_ALGORITHM_UNSUPPORTED"
  | "ERR_JWS_INVALID"
  | "ERR_HEADER_INVALID"
  | "ERR_SIGNATURE_INVALID"
  | "ERR_CERTIFICATE_INVALID"
  | "ERR_ISSUER_NOT_AUTHORISED"
  | "ERR_DISCLOSURE_INVALID"
  | "ERR_TRUST_LIST_INVALID"
  | "ERR_STATUS_LIST_INVALID"
  | "ERR_KEY_INVALID"
  | "ERR_PASSPHRASE_INCORRECT"
  | "ERR_CATALOGUE_INVALID"
  | "ERR_LICENCE_TYPE_UNKNOWN"
  | "ERR_LOG_PROOF_INVALID"
  | "ERR_NOT_FOUND"
  | "ERR_CONFLICT"
  | "ERR_FORBIDDEN"
  | "ERR_UNAUTHENTICATED"
  | "ERR_CAUSE_REQUIRED"
  | "ERR_STATE_INVALID"
  | "ERR_UNAVAILABLE"
  | "ERR_FONT_INVALID"
  | "ERR_QR_UNREADABLE"
  | "ERR_QR_INVALID"
  | "ERR_RATE_LIMITED"
  | "ERR_IDEMPOTENCY_MISMATCH"
  | "ERR_TIMESTAMP_INVALID"
  | "ERR_STORAGE_FULL"
  | "ERR_DATA_KEY_INVALID"
  | "ERR_SEALED_DATA_INVALID"
  | "ERR_PRESENTATION_INVALID"
  | "ERR_HOLDER_TOKEN_INVALID"
  | "ERR_HOLDER_KEY_MISMATCH"
  | "ERR_CONSENT_EXPIRED"
  | "ERR_CONSENT_WITHDRAWN"
  | "ERR_REPLAYED";

/** One problem found by validation, with the path to the offending value (zod-style). */
export interface ValidationIssue {
  /** Path from the root of the validated value, e.g. `["fields", "capital"]`. */
  readonly path: readonly (string | number)[];
  /** A fixed sentence that says what is wrong. */
  readonly message: string;
}

/**
 * The non-secret details of a {@link LicenceError}: named members a program may act on, and further
 * scalar members some codes add (a database constraint, a retry hint).
 *
 * Which code carries which member: `reason` (a fixed kebab-case phrase, typed per code where it
 * has a union: `JwsFailureReason` for `ERR_JWS_INVALID`, `DisclosureFailureReason` for
 * `ERR_DISCLOSURE_INVALID`, `StatusListFailureReason` / `ZlibFailureReason` /
 * `StatusListTokenFailureReason` for `ERR_STATUS_LIST_INVALID`, `ProofFailureReason` for
 * `ERR_LOG_PROOF_INVALID`, `LicenceIdInvalidReason` for `ERR_IDENTIFIER_INVALID`); `limit` for
 * `ERR_INPUT_TOO_LARGE`; `member` for `ERR_HEADER_INVALID` and `ERR_JSON_DUPLICATE_MEMBER`; `alg`
 * for the algorithm errors; `oid` for `ERR_ALGORITHM_UNSUPPORTED`.
 */
export interface LicenceErrorDetails {
  /** Why, as a fixed kebab-case phrase (never input content). */
  readonly reason?: string;
  /** The limit that was exceeded. */
  readonly limit?: number;
  /** The JSON or header member at fault. */
  readonly member?: string;
  /** The algorithm named (truncated). */
  readonly alg?: string;
  /** The object identifier of an unsupported scheme (truncated). */
  readonly oid?: string;
  /** An index into a list (e.g. a batch item). */
  readonly index?: number;
  /** Further scalar details some codes add. */
  readonly [key: string]: string | number | boolean | undefined;
}

/** Options common to every {@link LicenceError}. */
export interface LicenceErrorOptions {
  /** The underlying error, if any. */
  readonly cause?: unknown;
  /** Problems found, each with its path. */
  readonly issues?: readonly ValidationIssue[];
  /** Non-secret details a program may act on (limits, names of members, indices). */
  readonly details?: LicenceErrorDetails;
}

/**
 * Base class of every coded eLicence error.
 *
 * @example
 * ```ts
 * try { parseLicenceId(text); } catch (err) {
 *   if (err instanceof LicenceError && err.code === "ERR_IDENTIFIER_INVALID") { … }
 * }
 * ```
 */
export class LicenceError extends Error {
  /** The stable error code. */
  readonly code: LicenceErrorCode;
  /** Problems found, each with its path (empty unless validation failed). */
  readonly issues: readonly ValidationIssue[];
  /** Non-secret details. */
  readonly details: LicenceErrorDetails;

  /**
   * @param code - the stable code
   * @param message - a fixed sentence (never untrusted content)
   * @param options - cause, issues and details
   */
  constructor(code: LicenceErrorCode, message: string, options: LicenceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LicenceError";
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }

  /** A JSON form that carries no cause chain (safe to log). */
  toJSON(): { name: string; code: LicenceErrorCode; message: string; issues: readonly ValidationIssue[]; details: LicenceErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, issues: this.issues, details: this.details };
  }
}

/** True when `err` is a {@link LicenceError}, optionally with the given code. */
export function isLicenceError(err: unknown, code?: LicenceErrorCode): err is LicenceError {
  return err instanceof LicenceError && (code === undefined || err.code === code);
}

/** Formats issues as `path: message` lines. */
export function formatIssues(issues: readonly ValidationIssue[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`);
}
