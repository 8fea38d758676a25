/**
 * Approval matters (事项目录 entries) as data, like licence types: the matter's code and name, the
 * department that handles it, and the licence types it needs with, for each, the fields it needs
 * (minimum necessary: a materials check discloses no other selectively disclosable field).
 *
 * @module
 */
import { z } from "zod";
import { LicenceError, type ValidationIssue } from "../errors/errors.js";
import { isValidUscc } from "../identifiers/index.js";
import { LICENCE_TYPE_CODE_PATTERN, type SafeResult } from "./licence-type.js";

/** What an approval matter needs of one licence type. */
export interface MatterRequirement {
  /** The licence type code. */
  readonly type: string;
  /** The fields of that type the matter needs (field names; may be empty: the licence itself). */
  readonly fields: readonly string[];
}

/** An approval matter (审批事项) of the catalogue. */
export interface ApprovalMatter {
  /** The matter code, as read causes name it (1–64 of `A-Z a-z 0-9 . _ : -`). */
  readonly code: string;
  /** The matter's name, e.g. 食品经营许可. */
  readonly name: string;
  /** The USCC of the department that handles it. */
  readonly department: string;
  /** The licence types it needs, each once. */
  readonly requires: readonly MatterRequirement[];
}

/** The pattern of a matter code (the same as a read cause's matter). */
export const MATTER_CODE_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

const FIELD_NAME = /^[a-z][A-Za-z0-9]{0,63}$/;

/** The zod schema of an approval matter. */
export const approvalMatterSchema = z
  .strictObject({
    code: z.string().regex(MATTER_CODE_PATTERN, "must be 1 to 64 of A-Z a-z 0-9 . _ : -"),
    name: z.string().min(1).max(128),
    department: z.string().refine(isValidUscc, "must be a valid unified social credit code (GB 32100)"),
    requires: z
      .array(
        z.strictObject({
          type: z.string().regex(LICENCE_TYPE_CODE_PATTERN, "must be a licence type code"),
          fields: z
            .array(z.string().regex(FIELD_NAME, "must be a field name"))
            .max(100)
            .refine((f) => new Set(f).size === f.length, "must not repeat a field"),
        }),
      )
      .min(1)
      .max(50),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.requires.forEach((r, i) => {
      if (seen.has(r.type)) ctx.addIssue({ code: "custom", path: ["requires", i, "type"], message: "must not repeat a licence type" });
      seen.add(r.type);
    });
  });

function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: issue.message }));
}

/**
 * Validates an approval matter, reporting every problem with its path.
 *
 * @param input - untrusted data
 * @example
 * ```ts
 * const result = safeParseApprovalMatter(json);
 * if (!result.ok) console.log(result.issues);
 * ```
 */
export function safeParseApprovalMatter(input: unknown): SafeResult<ApprovalMatter> {
  const result = approvalMatterSchema.safeParse(input);
  return result.success ? { ok: true, value: result.data as ApprovalMatter } : { ok: false, issues: toIssues(result.error) };
}

/**
 * Validates an approval matter; throws `ERR_VALIDATION` with every issue when it is not valid.
 *
 * @param input - untrusted data
 * @example
 * ```ts
 * const matter = parseApprovalMatter(JSON.parse(text));
 * ```
 */
export function parseApprovalMatter(input: unknown): ApprovalMatter {
  const result = safeParseApprovalMatter(input);
  if (!result.ok) throw new LicenceError("ERR_VALIDATION", "The approval matter is not valid.", { issues: result.issues });
  return result.value;
}
