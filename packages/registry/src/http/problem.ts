/**
 * Errors as RFC 9457 problem details (`application/problem+json`), each with a stable `code`.
 *
 * A {@link LicenceError} keeps its code and its fixed-sentence message; its status comes from one
 * table over every code, so adding a code to core is a type error here until it is mapped. Anything
 * else is a bug: the client gets a generic 500 and the error goes to the log, never to the wire.
 *
 * @module
 */
import { LicenceError, type LicenceErrorCode, type LicenceErrorDetails, type ValidationIssue } from "@elicence/core";
import { HTTPException } from "hono/http-exception";

/** Codes only the HTTP layer produces, beside every {@link LicenceErrorCode}. */
export type HttpOnlyCode = "ERR_MEDIA_TYPE_UNSUPPORTED" | "ERR_INTERNAL";

/** Every `code` a problem document can carry. */
export type ProblemCode = LicenceErrorCode | HttpOnlyCode;

/** An RFC 9457 problem document as this API writes it. */
export interface Problem {
  /** `urn:elicence:problem:<code>`: one type per code. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  /** A fixed sentence; never untrusted content, a key, an identity number or a hidden field. */
  readonly detail: string;
  readonly code: ProblemCode;
  readonly requestId: string;
  /** Every problem found, each with its path (validation failures only). */
  readonly issues?: readonly ValidationIssue[];
  /** Non-secret details a program may act on (limits, reasons). */
  readonly details?: LicenceErrorDetails;
}

/** The media type of problem documents. */
export const PROBLEM_MEDIA_TYPE = "application/problem+json";

/**
 * HTTP status per code: 400 for a request that is wrong in itself (syntax, formats, values, a
 * missing cause), 404 for something named that does not exist (a licence, a licence type), 422 for
 * a well-formed input the registry cannot accept (a bad signature or catalogue entry). Codes keep
 * their meaning across transports: the SDK turns a problem back into the same LicenceError the
 * in-process registry throws. Codes that mean the server itself is misconfigured map to 500 and
 * are reported generically.
 */
const STATUS: Readonly<Record<ProblemCode, number>> = {
  ERR_INPUT_MALFORMED: 400,
  ERR_JSON_DUPLICATE_MEMBER: 400,
  ERR_IDENTIFIER_INVALID: 400,
  ERR_CAUSE_REQUIRED: 400,
  ERR_VALIDATION: 400,
  ERR_CATALOGUE_INVALID: 422,
  ERR_ALGORITHM_NOT_ALLOWED: 422,
  ERR_ALGORITHM_UNSUPPORTED: 422,
  ERR_JWS_INVALID: 422,
  ERR_HEADER_INVALID: 422,
  ERR_SIGNATURE_INVALID: 422,
  ERR_CERTIFICATE_INVALID: 422,
  ERR_DISCLOSURE_INVALID: 422,
  ERR_TRUST_LIST_INVALID: 422,
  ERR_STATUS_LIST_INVALID: 422,
  ERR_LOG_PROOF_INVALID: 422,
  ERR_INPUT_TOO_LARGE: 413,
  ERR_MEDIA_TYPE_UNSUPPORTED: 415,
  ERR_UNAUTHENTICATED: 401,
  ERR_FORBIDDEN: 403,
  ERR_ISSUER_NOT_AUTHORISED: 403,
  ERR_NOT_FOUND: 404,
  ERR_LICENCE_TYPE_UNKNOWN: 404,
  ERR_CONFLICT: 409,
  ERR_STATE_INVALID: 409,
  ERR_UNAVAILABLE: 503,
  ERR_RATE_LIMITED: 429,
  ERR_IDEMPOTENCY_MISMATCH: 422,
  ERR_TIMESTAMP_INVALID: 502,
  ERR_PRESENTATION_INVALID: 422,
  ERR_HOLDER_TOKEN_INVALID: 401,
  ERR_HOLDER_KEY_MISMATCH: 403,
  ERR_CONSENT_EXPIRED: 422,
  ERR_CONSENT_WITHDRAWN: 409,
  ERR_REPLAYED: 409,
  ERR_KEY_INVALID: 500,
  ERR_PASSPHRASE_INCORRECT: 500,
  ERR_INTERNAL: 500,
  // The server's own font is unusable: a misconfiguration, reported generically.
  ERR_FONT_INVALID: 500,
  ERR_QR_UNREADABLE: 422,
  ERR_QR_INVALID: 422,
  // The database's disk is full: nothing was written; reads that need no write still answer.
  ERR_STORAGE_FULL: 507,
  // The registry cannot open its own sealed data (wrong workspace key, a row moved or altered): a fault.
  ERR_DATA_KEY_INVALID: 500,
  ERR_SEALED_DATA_INVALID: 500,
};

const TITLES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  422: "Unprocessable Content",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  507: "Insufficient Storage",
};

/** Most issues one problem reports: enough to fix a request, bounded so a hostile one stays small. */
const MAX_ISSUES = 100;

const INTERNAL_DETAIL = "The server could not complete the request.";

/** The HTTP status for a code. */
export function statusOf(code: ProblemCode): number {
  return STATUS[code];
}

/**
 * Builds a problem document.
 *
 * @param code - the stable code
 * @param detail - a fixed sentence
 * @param requestId - the request's id
 * @param extra - issues and details
 */
export function problem(
  code: ProblemCode,
  detail: string,
  requestId: string,
  extra: { issues?: readonly ValidationIssue[]; details?: LicenceErrorDetails } = {},
): Problem {
  const status = statusOf(code);
  return {
    type: `urn:elicence:problem:${code}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    code,
    requestId,
    ...(extra.issues && extra.issues.length > 0 ? { issues: extra.issues.slice(0, MAX_ISSUES) } : {}),
    ...(extra.details && Object.keys(extra.details).length > 0 ? { details: extra.details } : {}),
  };
}

/** What {@link problemFromError} gives: the document, and whether the error is a fault to log. */
export interface ErrorOutcome {
  readonly problem: Problem;
  /** True for a server fault: the client saw a generic 500, the error belongs in the log. */
  readonly internal: boolean;
}

/**
 * The problem for an error. A LicenceError keeps its code; Hono's own 4xx (a media type its
 * validator refused) get the matching code; anything else becomes a generic 500.
 *
 * @param err - what was thrown
 * @param requestId - the request's id
 */
export function problemFromError(err: unknown, requestId: string): ErrorOutcome {
  if (err instanceof LicenceError && (statusOf(err.code) < 500 || err.code === "ERR_UNAVAILABLE" || err.code === "ERR_STORAGE_FULL")) {
    return { problem: problem(err.code, err.message, requestId, { issues: err.issues, details: err.details }), internal: false };
  }
  if (err instanceof UnsupportedMediaTypeError || (err instanceof HTTPException && err.status === 415)) {
    return { problem: problem("ERR_MEDIA_TYPE_UNSUPPORTED", "The request body must be application/json.", requestId), internal: false };
  }
  if (err instanceof HTTPException && err.status === 400) {
    return { problem: problem("ERR_INPUT_MALFORMED", "The request is malformed.", requestId), internal: false };
  }
  return { problem: problem("ERR_INTERNAL", INTERNAL_DETAIL, requestId), internal: true };
}

/** Thrown by the body reader for a body that is not `application/json`. */
export class UnsupportedMediaTypeError extends Error {
  constructor() {
    super("The request body must be application/json.");
    this.name = "UnsupportedMediaTypeError";
  }
}
