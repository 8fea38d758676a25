/**
 * Turns schema failures into coded errors: every problem with its path, zod-style, and a code that
 * says which part of the request was wrong.
 *
 * @module
 */
import { LicenceError, type ValidationIssue } from "@elicence/core";
import type { ZodError } from "zod";
import { causeRequired, MATTER_HEADER, REASON_HEADER } from "./cause.js";

/** Where a schema failure was found (Hono's validation targets). */
type Target = "json" | "form" | "query" | "param" | "header" | "cookie";

const HEADER_NAMES: Readonly<Record<string, string>> = { [MATTER_HEADER]: "X-Approval-Matter", [REASON_HEADER]: "X-Read-Reason" };

/** Every issue of a zod error, with an unknown member reported at its own path. */
export function issuesOf(error: ZodError, prefix: readonly (string | number)[] = []): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) issues.push({ path: [...path, key], message: "is not allowed" });
    } else {
      issues.push({ path, message: issue.message });
    }
  }
  return issues;
}

/**
 * The error for a request part that failed its schema: a bad path parameter is a bad identifier,
 * bad cause headers are a missing cause, anything else fails validation.
 *
 * @param target - the part of the request
 * @param error - zod's report
 */
export function validationError(target: Target, error: ZodError): LicenceError {
  switch (target) {
    case "param":
      return new LicenceError("ERR_IDENTIFIER_INVALID", "An identifier in the path is not valid.", { issues: issuesOf(error, ["path"]) });
    case "header":
      // Header values are always strings, so a type failure means the header is absent.
      return causeRequired(
        error.issues.map((i) => ({
          path: ["headers", ...i.path.map((p) => HEADER_NAMES[String(p)] ?? String(p))],
          message: i.code === "invalid_type" ? "is required" : i.message,
        })),
      );
    case "query":
      return new LicenceError("ERR_VALIDATION", "A query parameter is not valid.", { issues: issuesOf(error, ["query"]) });
    default:
      return new LicenceError("ERR_VALIDATION", "The request body is not valid.", { issues: issuesOf(error) });
  }
}
