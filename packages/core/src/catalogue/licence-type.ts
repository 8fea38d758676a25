/**
 * Licence types (证照目录 entries) as data: a schema, validation that reports every problem with
 * its path, and validation of a licence's surface fields against its type.
 *
 * @module
 */
import { z } from "zod";
import { LicenceError, type ValidationIssue } from "../errors/errors.js";
import { isValidUscc } from "../identifiers/index.js";

/** Who can hold a licence of a type. */
export type HolderKind = "natural-person" | "legal-person" | "other";

/** How a field is shared (以共享为原则、不共享为例外). */
export type ShareClass = "unconditional" | "conditional" | "none";

/** Value types a field may have. */
export type FieldType = "string" | "date" | "integer" | "decimal" | "boolean" | "enum";

/** One field of a licence type (照面信息项). */
export interface FieldDefinition {
  /** Machine name: lower camel case ASCII, unique within the type. */
  readonly name: string;
  /** Human label, e.g. 注册资本. */
  readonly label: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly share: ShareClass;
  /** Allowed values, for `enum`. */
  readonly values?: readonly string[];
  /** Maximum length in characters, for `string` (default 1024). */
  readonly maxLength?: number;
}

/** A default validity term; a type without one issues licences with no end date. */
export interface ValidityTerm {
  readonly years?: number;
  readonly months?: number;
  readonly days?: number;
}

/** A licence type (证照类型), as the catalogue holds it. */
export interface LicenceType {
  /** 证照类型代码: the defining authority's USCC followed by three digits. */
  readonly code: string;
  /** 证照名称 */
  readonly name: string;
  readonly holderKind: HolderKind;
  /** USCCs of the departments allowed to issue it (一数一源). */
  readonly issuers: readonly string[];
  readonly fields: readonly FieldDefinition[];
  readonly validityTerm?: ValidityTerm;
  /** Version of this type definition, from 1. */
  readonly version: number;
  /**
   * Whether licences of this type are bound to their holder's key: each carries the holder's public
   * key in `cnf` (RFC 7800), so the holder can present it with a key-binding JWT (RFC 9901 §4.3).
   */
  readonly holderBinding?: boolean;
}

const MAX_FIELDS = 200;
const DEFAULT_MAX_LENGTH = 1024;
const FIELD_NAME = /^[a-z][A-Za-z0-9]{0,63}$/;
/** The form of a licence type code: the defining department's USCC and three digits (its check character is checked apart). */
export const LICENCE_TYPE_CODE_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{18}[0-9]{3}$/;
const TYPE_CODE = LICENCE_TYPE_CODE_PATTERN;

const fieldSchema = z
  .strictObject({
    name: z.string().regex(FIELD_NAME, "must be lower camel case ASCII, 1 to 64 characters"),
    label: z.string().min(1).max(128),
    type: z.enum(["string", "date", "integer", "decimal", "boolean", "enum"]),
    required: z.boolean(),
    share: z.enum(["unconditional", "conditional", "none"]),
    values: z.array(z.string().min(1).max(256)).min(1).max(256).optional(),
    maxLength: z.number().int().min(1).max(65536).optional(),
  })
  .superRefine((field, ctx) => {
    if (field.type === "enum" && !field.values) ctx.addIssue({ code: "custom", path: ["values"], message: "is required for an enum field" });
    if (field.type !== "enum" && field.values) ctx.addIssue({ code: "custom", path: ["values"], message: "is only allowed for an enum field" });
    if (field.values && new Set(field.values).size !== field.values.length) ctx.addIssue({ code: "custom", path: ["values"], message: "must not repeat a value" });
    if (field.type !== "string" && field.maxLength !== undefined) ctx.addIssue({ code: "custom", path: ["maxLength"], message: "is only allowed for a string field" });
  });

const usccSchema = z.string().refine(isValidUscc, "must be a valid unified social credit code (GB 32100)");

/** The zod schema of a licence type, exported for registries that generate OpenAPI from it. */
export const licenceTypeSchema = z
  .strictObject({
    code: z
      .string()
      .regex(TYPE_CODE, "must be a USCC followed by three digits")
      .refine((code) => isValidUscc(code.slice(0, 18)), "must start with a valid unified social credit code"),
    name: z.string().min(1).max(128),
    holderKind: z.enum(["natural-person", "legal-person", "other"]),
    issuers: z.array(usccSchema).min(1).max(1000),
    fields: z.array(fieldSchema).min(1).max(MAX_FIELDS),
    validityTerm: z
      .strictObject({
        years: z.number().int().min(0).max(100).optional(),
        months: z.number().int().min(0).max(1200).optional(),
        days: z.number().int().min(0).max(36600).optional(),
      })
      .optional(),
    version: z.number().int().min(1).max(999),
    holderBinding: z.boolean().optional(),
  })
  .superRefine((type, ctx) => {
    const seen = new Set<string>();
    type.fields.forEach((field, index) => {
      if (seen.has(field.name)) ctx.addIssue({ code: "custom", path: ["fields", index, "name"], message: "must be unique within the type" });
      seen.add(field.name);
    });
    if (new Set(type.issuers).size !== type.issuers.length) ctx.addIssue({ code: "custom", path: ["issuers"], message: "must not repeat a department" });
  });

/** A validation result, zod-style. */
export type SafeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: issue.message }));
}

/**
 * Validates a licence type, reporting every problem with its path.
 *
 * @param input - untrusted data
 * @example
 * ```ts
 * const result = safeParseLicenceType(json);
 * if (!result.ok) console.log(formatIssues(result.issues));
 * ```
 */
export function safeParseLicenceType(input: unknown): SafeResult<LicenceType> {
  const result = licenceTypeSchema.safeParse(input);
  return result.success ? { ok: true, value: result.data as LicenceType } : { ok: false, issues: toIssues(result.error) };
}

/**
 * Validates a licence type; throws `ERR_CATALOGUE_INVALID` with every issue when it is not valid.
 *
 * @param input - untrusted data
 * @example
 * ```ts
 * const type = parseLicenceType(JSON.parse(text));
 * ```
 */
export function parseLicenceType(input: unknown): LicenceType {
  const result = safeParseLicenceType(input);
  if (!result.ok) throw new LicenceError("ERR_CATALOGUE_INVALID", "The licence type is not valid.", { issues: result.issues });
  return result.value;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DECIMAL = /^-?(0|[1-9]\d{0,30})(\.\d{1,10})?$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

function checkFieldValue(field: FieldDefinition, value: unknown): string | null {
  switch (field.type) {
    case "string":
      if (typeof value !== "string") return "must be a string";
      if (value.length === 0) return "must not be empty";
      if (value.length > (field.maxLength ?? DEFAULT_MAX_LENGTH)) return "is longer than allowed";
      return null;
    case "date":
      return typeof value === "string" && isCalendarDate(value) ? null : "must be a date written YYYY-MM-DD";
    case "integer":
      return typeof value === "number" && Number.isSafeInteger(value) ? null : "must be an integer";
    case "decimal":
      return typeof value === "string" && DECIMAL.test(value) ? null : "must be a decimal number written as a string";
    case "boolean":
      return typeof value === "boolean" ? null : "must be true or false";
    case "enum":
      return typeof value === "string" && (field.values ?? []).includes(value) ? null : "must be one of the listed values";
  }
}

/**
 * Checks a licence's surface fields against its type: every required field present, no unknown
 * field, every value of its declared type.
 *
 * @param type - the licence type
 * @param fields - the surface fields
 * @returns every problem found, with paths under `fields`
 * @example
 * ```ts
 * const issues = checkLicenceFields(type, { name: "某某有限公司" });
 * ```
 */
export function checkLicenceFields(type: LicenceType, fields: unknown): ValidationIssue[] {
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) return [{ path: ["fields"], message: "must be an object" }];
  const issues: ValidationIssue[] = [];
  const record = fields as Record<string, unknown>;
  const defs = type.fields;
  for (const name of Object.keys(record)) {
    // A linear scan: types have tens of fields, and this runs for every licence issued.
    let known = false;
    for (let i = 0; i < defs.length && !known; i++) known = defs[i]!.name === name;
    if (!known) issues.push({ path: ["fields", name], message: "is not a field of this licence type" });
  }
  for (const field of type.fields) {
    const value = record[field.name];
    if (value === undefined || value === null) {
      if (field.required) issues.push({ path: ["fields", field.name], message: "is required" });
      continue;
    }
    const problem = checkFieldValue(field, value);
    if (problem) issues.push({ path: ["fields", field.name], message: problem });
  }
  return issues;
}
