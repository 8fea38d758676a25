/**
 * Request checks shared by the registry's jobs: request ids, reasons, holder and department
 * codes, times and the conditional fields an agreement or authorisation names. Each throws a
 * coded error with the path of the problem.
 *
 * @module
 */
import { LicenceError, validateHolderId, type HolderCode, type LicenceType } from "@elicence/core";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A request id: 1 to 128 of `A-Z a-z 0-9 . _ : -`. @throws LicenceError `ERR_VALIDATION` */
export function checkRequestId(id: unknown): asserts id is string {
  if (typeof id !== "string" || !REQUEST_ID.test(id)) {
    throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["requestId"], message: "must be 1 to 128 of A-Z a-z 0-9 . _ : -" }] });
  }
}

/** A change's reason: 1 to 256 characters, not blank. @throws LicenceError `ERR_VALIDATION` */
export function checkReason(reason: unknown): void {
  if (typeof reason !== "string" || reason.trim() === "" || reason.length > 256) {
    throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["reason"], message: "must be 1 to 256 characters" }] });
  }
}

/** A holder code whose number is valid for its type. @throws LicenceError `ERR_IDENTIFIER_INVALID` */
export function checkHolder(holder: unknown): asserts holder is HolderCode {
  const h = holder as Partial<HolderCode> | undefined;
  const result = h && typeof h === "object" ? validateHolderId(String(h.idType), String(h.idNumber)) : { ok: false as const, reason: "missing" };
  if (!result.ok) throw new LicenceError("ERR_IDENTIFIER_INVALID", "The holder code is not valid.", { details: { reason: String(result.reason) } });
}

/** A department's unified social credit code. @throws LicenceError `ERR_IDENTIFIER_INVALID` */
export function checkDepartment(code: unknown): void {
  if (typeof code !== "string" || !validateHolderId("001", code).ok) {
    throw new LicenceError("ERR_IDENTIFIER_INVALID", "The department code is not a valid unified social credit code.");
  }
}

/** At least one field, each a conditional field of the type. @throws LicenceError `ERR_VALIDATION` */
export function checkConditionalFields(type: LicenceType, fields: unknown): void {
  if (!Array.isArray(fields) || fields.length === 0) throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["fields"], message: "must list at least one field" }] });
  const issues = fields.flatMap((f, i) => {
    const def = type.fields.find((d) => d.name === f);
    if (!def) return [{ path: ["fields", i], message: "is not a field of this licence type" }];
    if (def.share !== "conditional") return [{ path: ["fields", i], message: "is not a conditional field" }];
    return [];
  });
  if (issues.length) throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues });
}

/** An ISO 8601 time of a request (`null` and `undefined` pass through). @throws LicenceError `ERR_VALIDATION` */
export function parseTime(value: string | null | undefined, path: string): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const d = new Date(value);
  if (typeof value !== "string" || Number.isNaN(d.getTime())) {
    throw new LicenceError("ERR_VALIDATION", "The licence is not valid.", { issues: [{ path: [path], message: "must be an ISO 8601 time" }] });
  }
  return d;
}
