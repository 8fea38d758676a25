/**
 * Turning `key=value` text into typed licence fields, by the licence type's field definitions.
 * @module
 */
import { HOLDER_ID_TYPES, type HolderIdType, type LicenceType } from "@elicence/core";
import { CliError } from "../output.js";

/** Parses `--field key=value` pairs. */
export function parseFieldPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new CliError("usage", `--field expects KEY=VALUE, got "${pair.slice(0, 40)}".`, "Example: --field name=示例科技有限公司");
    const key = pair.slice(0, eq);
    if (key in out) throw new CliError("usage", `--field ${key} is given twice.`);
    out[key] = pair.slice(eq + 1);
  }
  return out;
}

/** Types text values: integers and booleans by the licence type's field; everything else stays text. */
export function typeFields(type: LicenceType | undefined, raw: Readonly<Record<string, string>>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) fields[key] = typeValue(type, key, value);
  return fields;
}

/** One value typed by its field definition. */
export function typeValue(type: LicenceType | undefined, key: string, value: string): unknown {
  const def = type?.fields.find((f) => f.name === key);
  if (def?.type === "integer") return /^-?\d+$/.test(value) ? Number(value) : value;
  if (def?.type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}

/** The holder code type: as given, or the default for the type's holder kind. */
export function holderIdType(type: LicenceType | undefined, given: string | undefined, flag = "--holder-id-type"): HolderIdType {
  const idType = given || (type?.holderKind === "natural-person" ? "111" : "001");
  if (!(HOLDER_ID_TYPES as readonly string[]).includes(idType)) throw new CliError("usage", `${flag} must be one of ${HOLDER_ID_TYPES.join(", ")}.`);
  return idType as HolderIdType;
}

/** A guess of the holder code type from the code itself: 18 characters ending in a digit or X with digits before is a citizen ID. */
export function guessHolderIdType(id: string): HolderIdType {
  return /^\d{17}[\dX]$/.test(id) ? "111" : "001";
}

/** The licence type code inside a licence identifier (`1.2.156.3005.2.{type}.{issuer}.{serial}.{version}.{check}`). */
export function typeCodeOf(id: string): string | undefined {
  const parts = id.split(".");
  return parts.length === 10 ? parts[5] : undefined;
}
