/**
 * JSON Canonicalization Scheme (RFC 8785) for the values eLicence canonicalises (log entries):
 * object members sorted by UTF-16 code units, ECMAScript number and string serialisation.
 *
 * @module
 */

/**
 * Serialises a JSON value canonically (RFC 8785).
 *
 * @param value - a JSON value (no undefined, functions, NaN or infinities)
 * @throws TypeError for values JSON cannot represent
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError("JSON cannot represent NaN or infinities.");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(",")}]`;
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
  }
  throw new TypeError("The value cannot be represented in JSON.");
}
