/**
 * The value mapping both adapters share, so a row reads the same from SQLite and PostgreSQL.
 *
 * Parameters: strings, numbers, safe bigints, booleans (stored as the integers 1 and 0), byte arrays
 * and null. Results: TEXT → string, integers → number (never bigint; an integer beyond
 * `Number.MAX_SAFE_INTEGER` is refused rather than rounded), BLOB/BYTEA → `Uint8Array` (a Node
 * `Buffer`), NULL → null.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";

import type { SqlValue } from "./database.js";

const MIN = BigInt(Number.MIN_SAFE_INTEGER);
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Checks and converts parameters for the drivers: booleans become 1/0, a plain `Uint8Array` becomes
 * a `Buffer` view (no copy), unsafe integers are refused.
 *
 * @throws TypeError for a value outside {@link SqlValue}; RangeError for an integer outside the safe range
 */
export function toDriverParams(params: readonly SqlValue[] | undefined): unknown[] {
  if (params === undefined) return [];
  if (!Array.isArray(params)) throw new TypeError("SQL parameters must be an array.");
  const out = new Array<unknown>(params.length);
  for (let i = 0; i < params.length; i++) {
    const v: unknown = params[i];
    switch (typeof v) {
      case "string":
        out[i] = v;
        break;
      case "number":
        if (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) {
          throw new RangeError(`SQL parameter ${i + 1} is not finite or not a safe integer.`);
        }
        out[i] = v;
        break;
      case "bigint":
        if (v < MIN || v > MAX) throw new RangeError(`SQL parameter ${i + 1} is outside the safe integer range.`);
        out[i] = v;
        break;
      case "boolean":
        out[i] = v ? 1 : 0;
        break;
      case "object":
        if (v === null || Buffer.isBuffer(v)) out[i] = v;
        else if (v instanceof Uint8Array) out[i] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        else throw new TypeError(`SQL parameter ${i + 1} has an unsupported type.`);
        break;
      default:
        throw new TypeError(`SQL parameter ${i + 1} has an unsupported type.`);
    }
  }
  return out;
}

/** Turns a bigint cell into a number, or refuses it when precision would be lost. */
export function toSafeNumber(value: bigint, column: string): number {
  if (value < MIN || value > MAX) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "An integer read from the database is outside the safe integer range.", {
      details: { column },
    });
  }
  return Number(value);
}

/** Converts bigint cells (as the drivers hand out for 64-bit integers) to numbers, in place. */
export function normaliseRows<T>(rows: Record<string, unknown>[]): T[] {
  for (const row of rows) normaliseRow(row);
  return rows as T[];
}

/** {@link normaliseRows} for one row. */
export function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const v = row[key];
    if (typeof v === "bigint") row[key] = toSafeNumber(v, key);
  }
  return row;
}
