/**
 * Building blocks of the HTTP schemas: identifiers checked the way core checks them (check
 * characters included), bounded strings and instants. The same zod schemas validate requests and
 * generate the OpenAPI document.
 *
 * @module
 */
import { HOLDER_ID_TYPES, isValidLicenceId, isValidUscc, validateHolderId } from "@elicence/core";
import { LICENCE_TYPE_CODE_PATTERN } from "@elicence/core/issue";
import { z } from "@hono/zod-openapi";

const USCC_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const FIELD_NAME_PATTERN = /^[a-z][A-Za-z0-9]{0,63}$/;
/** The registry's own rule for approval-matter codes (`requireCause`). */
export const MATTER_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** Caller-chosen idempotency keys: a UUID, a ULID or an approval system's own number fit. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A unified social credit code (GB 32100), check character included. */
export const Uscc = z
  .string()
  .regex(USCC_PATTERN, "must be 18 characters of a unified social credit code")
  .refine(isValidUscc, "must be a valid unified social credit code (GB 32100)")
  .openapi({ example: "11330100MB0000019K", description: "Unified social credit code (统一社会信用代码), GB 32100." });

/** A licence type code: the defining authority's USCC and three digits. */
export const TypeCode = z
  .string()
  .regex(LICENCE_TYPE_CODE_PATTERN, "must be a unified social credit code followed by three digits")
  .refine((code) => isValidUscc(code.slice(0, 18)), "must start with a valid unified social credit code")
  .openapi({ example: "11330100MB0000019K001", description: "Licence type code (证照类型代码)." });

/** A licence identifier (GB/T 36904), check character included. */
export const LicenceId = z
  .string()
  .max(128, "is longer than a licence identifier")
  .refine(isValidLicenceId, "must be a valid licence identifier (GB/T 36904)")
  .openapi({ example: "1.2.156.3005.2.11330100MB0000019K001.11330100MB0000019K.202600000001.001.X", description: "Licence identifier (电子证照标识)." });

/** A field name of a licence type. */
export const FieldName = z.string().regex(FIELD_NAME_PATTERN, "must be lower camel case ASCII, 1 to 64 characters");

/** A holder identifier type code. */
export const HolderIdType = z.enum(HOLDER_ID_TYPES).openapi({ description: "Holder code type: 111 citizen ID, 001 USCC, 414 passport, 990 other." });

/** A holder identifier number, checked against its type by {@link refineHolder}. */
export const HolderIdNumber = z.string().min(1).max(64).openapi({ example: "91330100MA2B3C4D1A" });

/** Adds the check of `idNumber` against `idType` (check characters included) to an object schema. */
export function refineHolder(value: { idType?: string | undefined; idNumber?: string | undefined }, ctx: z.RefinementCtx): void {
  if (value.idType === undefined || value.idNumber === undefined) return;
  const result = validateHolderId(value.idType, value.idNumber);
  if (!result.ok) ctx.addIssue({ code: "custom", path: ["idNumber"], message: `is not a valid holder identifier of this type (${result.reason})` });
}

/** A holder's code. */
export const HolderCode = z.strictObject({ idType: HolderIdType, idNumber: HolderIdNumber }).superRefine(refineHolder).openapi("HolderCode");

/** A caller-chosen idempotency key. */
export const RequestKey = z.string().regex(REQUEST_ID_PATTERN, "must be 1 to 128 of A-Z a-z 0-9 . _ : -").openapi({ example: "6f1c2d9e-4b1a-4c3e-9a51-2f0e7b9d8c11" });

/** A bounded line of text without control characters. */
export function text(max: number): z.ZodString {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL.test(s), "must not contain control characters");
}

/** An instant: RFC 3339 date-time with an offset (`Z` or `±hh:mm`). */
export const Instant = z.iso.datetime({ offset: true }).openapi({ example: "2026-05-01T00:00:00Z" });

/** A non-negative integer written in a query string, without signs, exponents or leading zeros. */
export const QueryInteger = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,14})$/, "must be a non-negative integer")
  .openapi({ example: "0" });

/** A value of a licence field, as JSON carries it. */
export const FieldValue = z.union([z.string().max(65536), z.number(), z.boolean(), z.null()]);

/** Surface fields (照面信息): names to values, checked against the licence type by the registry. */
export const Fields = z
  .record(FieldName, FieldValue)
  .refine((record) => Object.keys(record).length <= 200, "must have at most 200 fields")
  .openapi({ description: "Surface fields by name; checked against the licence type.", example: { name: "示例科技有限公司" } });
