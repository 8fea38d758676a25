/**
 * The read cause (申请事由) over HTTP: two request headers on every read.
 *
 * - `X-Approval-Matter`: the approval-matter code, 1–64 of `A-Z a-z 0-9 . _ : -`;
 * - `X-Read-Reason`: the reason, UTF-8 percent-encoded (as `encodeURIComponent` writes it), because
 *   header values are Latin-1 and a reason is usually Chinese. 1–256 characters once decoded.
 *
 * Headers rather than query parameters: a query string lands in access logs and browser history,
 * and a cause belongs to the request, not to the resource.
 *
 * @module
 */
import { LicenceError, type ReadCause, type ValidationIssue } from "@elicence/core";
import { z } from "@hono/zod-openapi";
import { MATTER_PATTERN } from "./schemas/common.js";

/** Header carrying the approval-matter code. */
export const MATTER_HEADER = "x-approval-matter";
/** Header carrying the percent-encoded reason. */
export const REASON_HEADER = "x-read-reason";

const MAX_REASON = 256;
// Every character of a 256-character reason can take 4 UTF-8 bytes, each written %XX.
const MAX_ENCODED_REASON = MAX_REASON * 12;
const VISIBLE_ASCII = /^[\x20-\x7e]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const MATTER_MESSAGE = "must be 1 to 64 of A-Z a-z 0-9 . _ : -";
const ENCODING_MESSAGE = "must be UTF-8, percent-encoded";
const DECODED_MESSAGE = "must be 1 to 256 characters without control characters, once decoded";
// zod's own message for `.max(MAX_ENCODED_REASON)` (the agreement test holds the two together).
const TOO_LONG_MESSAGE = `Too big: expected string to have <=${MAX_ENCODED_REASON} characters`;
const REQUIRED_MESSAGE = "is required";
const MATTER_PATH = ["headers", "X-Approval-Matter"] as const;
const REASON_PATH = ["headers", "X-Read-Reason"] as const;

/** Decodes a reason header; `undefined` when it is not valid percent-encoded UTF-8. */
function decodeReason(encoded: string): string | undefined {
  if (!VISIBLE_ASCII.test(encoded)) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

const Reason = z
  .string()
  .max(MAX_ENCODED_REASON)
  .superRefine((encoded, ctx) => {
    const reason = decodeReason(encoded);
    if (reason === undefined) ctx.addIssue({ code: "custom", message: ENCODING_MESSAGE });
    else if (reason.trim() === "" || reason.length > MAX_REASON || CONTROL.test(reason)) ctx.addIssue({ code: "custom", message: DECODED_MESSAGE });
  });

/** The cause headers, validated (other headers pass through untouched). */
export const CauseHeaders = z.object({
  [MATTER_HEADER]: z
    .string()
    .regex(MATTER_PATTERN, MATTER_MESSAGE)
    .openapi({
      param: { in: "header", required: true },
      description: "Approval-matter code (事项编码) this read is for.",
      example: "330100-ZZ-0001",
    }),
  [REASON_HEADER]: Reason.openapi({
    param: { in: "header", required: true },
    description: "Why the licence is read (申请事由), UTF-8 percent-encoded as encodeURIComponent writes it; 1–256 characters once decoded.",
    example: "%E5%8A%9E%E7%90%86%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%E5%8F%98%E6%9B%B4",
  }),
});


/**
 * The error of a read whose cause headers were refused.
 *
 * @param issues - every problem, at `headers.<Header-Name>`
 */
export function causeRequired(issues: readonly ValidationIssue[]): LicenceError {
  return new LicenceError("ERR_CAUSE_REQUIRED", "A read must name its cause: an approval-matter code and a reason.", { issues });
}

/**
 * The cause of a read from its two header values, checked by hand: the same acceptance, issues
 * (paths, messages, order) and error as {@link CauseHeaders} through the app's validation hook,
 * without building a record of every header and running zod on it for each read. The schema stays
 * the one the OpenAPI document shows; a test runs both over the same inputs.
 *
 * @param matter - the `X-Approval-Matter` value, `undefined` when absent
 * @param reason - the `X-Read-Reason` value, `undefined` when absent
 * @returns the cause, or every problem found
 */
export function parseCause(matter: string | undefined, reason: string | undefined): { ok: true; value: ReadCause } | { ok: false; issues: ValidationIssue[] } {
  let issues: ValidationIssue[] | undefined;
  if (matter === undefined) (issues ??= []).push({ path: [...MATTER_PATH], message: REQUIRED_MESSAGE });
  else if (!MATTER_PATTERN.test(matter)) (issues ??= []).push({ path: [...MATTER_PATH], message: MATTER_MESSAGE });
  let decoded: string | undefined;
  if (reason === undefined) (issues ??= []).push({ path: [...REASON_PATH], message: REQUIRED_MESSAGE });
  else {
    // Both checks run, as zod runs every check of a string: an over-long reason can fail both.
    if (reason.length > MAX_ENCODED_REASON) (issues ??= []).push({ path: [...REASON_PATH], message: TOO_LONG_MESSAGE });
    decoded = decodeReason(reason);
    if (decoded === undefined) (issues ??= []).push({ path: [...REASON_PATH], message: ENCODING_MESSAGE });
    else if (decoded.trim() === "" || decoded.length > MAX_REASON || CONTROL.test(decoded)) (issues ??= []).push({ path: [...REASON_PATH], message: DECODED_MESSAGE });
  }
  if (issues !== undefined) return { ok: false, issues };
  return { ok: true, value: { matter: matter!, reason: decoded! } };
}
