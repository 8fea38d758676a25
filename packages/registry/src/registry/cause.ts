/**
 * The causes log entries carry (谁使用谁负责: who used or changed a licence, for which matter and
 * why). Reasons are free text and may hold personal data, so the log keeps only a hash of each:
 * anyone who holds the reason (the department, an auditor with its case file, the holder told
 * the reason) can recompute it and match the entry; the log itself discloses nothing.
 *
 * @module
 */
import { createHmac } from "node:crypto";

/**
 * The hash of a reason as log entries carry it: HMAC-SHA-256 keyed with the fixed label
 * `elicence/reason`, base64url.
 *
 * @param reason - the reason as the caller gave it
 * @example
 * ```ts
 * entry.reason === reasonHash("办理食品经营许可");
 * ```
 */
export function reasonHash(reason: string): string {
  return createHmac("sha256", "elicence/reason").update(reason).digest("base64url");
}
