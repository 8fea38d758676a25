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
import type { ReadCause } from "@elicence/core";
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
    if (reason === undefined) ctx.addIssue({ code: "custom", message: "must be UTF-8, percent-encoded" });
    else if (reason.trim() === "" || reason.length > MAX_REASON || CONTROL.test(reason)) {
      ctx.addIssue({ code: "custom", message: "must be 1 to 256 characters without control characters, once decoded" });
    }
  });

/** The cause headers, validated (other headers pass through untouched). */
export const CauseHeaders = z.object({
  [MATTER_HEADER]: z
    .string()
    .regex(MATTER_PATTERN, "must be 1 to 64 of A-Z a-z 0-9 . _ : -")
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
 * The cause of a read, from its validated headers.
 *
 * @param headers - what {@link CauseHeaders} accepted
 */
export function causeOf(headers: z.infer<typeof CauseHeaders>): ReadCause {
  // The schema accepted the reason, so it decodes.
  return { matter: headers[MATTER_HEADER], reason: decodeReason(headers[REASON_HEADER]) ?? "" };
}
