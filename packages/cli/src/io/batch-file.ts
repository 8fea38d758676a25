/**
 * Batch files for `issue --batch`: CSV or JSON Lines, each row with the line it starts on so errors
 * can point at it.
 *
 * CSV (RFC 4180, UTF-8, a header row): the columns `type`, `holderName`, `holderIdType`, `holderId`,
 * `number`, `validFrom`, `validUntil` are the licence's own; every other column is a surface field
 * of that name. `type` may be left out when `--type` is given; `holderIdType` defaults by the
 * type's holder kind; an empty cell leaves that value out.
 *
 * JSON Lines: one object per line shaped like the API's `IssueItem`:
 * `{"type":…, "holder":{"name":…, "idType":…, "idNumber":…}, "fields":{…}, "validUntil":…}`.
 *
 * @module
 */

/** A row read from the file: its cells by column name, or what is wrong with it. */
export type BatchRow = { readonly line: number; readonly values: Record<string, string> } | { readonly line: number; readonly json: unknown } | { readonly line: number; readonly error: string };

/** The columns that are not surface fields. */
export const RESERVED_COLUMNS = ["type", "holderName", "holderIdType", "holderId", "number", "validFrom", "validUntil"] as const;

/** Thrown when the file as a whole cannot be used (no header, a duplicate column). */
export class BatchFileError extends Error {}

interface Record_ {
  line: number;
  cells: string[];
  error?: string;
}

/** Splits CSV text into records, each with the line it starts on. */
export function splitCsv(text: string): Record_[] {
  const records: Record_[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const cells: string[] = [];
    let cell = "";
    let error: string | undefined;
    let quoted = false;
    let wasQuoted = false;
    let done = false;
    while (!done) {
      if (i >= text.length) {
        if (quoted) error = "a quoted value is not closed";
        cells.push(cell);
        break;
      }
      const ch = text[i]!;
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (ch === "\n") line++;
          cell += ch;
          i++;
        }
        continue;
      }
      if (ch === ",") {
        cells.push(cell);
        cell = "";
        wasQuoted = false;
        i++;
      } else if (ch === "\n" || (ch === "\r" && text[i + 1] === "\n")) {
        cells.push(cell);
        i += ch === "\r" ? 2 : 1;
        line++;
        done = true;
      } else if (ch === '"') {
        if (cell.length > 0 || wasQuoted) error ??= "a quote inside an unquoted value (quote the whole value and double inner quotes)";
        quoted = true;
        wasQuoted = true;
        i++;
      } else {
        if (wasQuoted) error ??= "text after a closing quote";
        cell += ch;
        i++;
      }
    }
    if (cells.length === 1 && cells[0] === "" && !error) continue; // a blank line
    records.push({ line: start, cells, ...(error ? { error } : {}) });
  }
  return records;
}

/** Reads a CSV batch: the header's columns, then one row per record. */
export function parseCsvBatch(text: string): { columns: string[]; rows: BatchRow[] } {
  const records = splitCsv(text);
  const header = records.shift();
  if (!header) throw new BatchFileError("The CSV file is empty: it needs a header row.");
  if (header.error) throw new BatchFileError(`The CSV header (line ${header.line}) is malformed: ${header.error}.`);
  const columns = header.cells.map((c) => c.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === "") throw new BatchFileError("The CSV header has an empty column name.");
    if (seen.has(c)) throw new BatchFileError(`The CSV header names column "${c.slice(0, 40)}" twice.`);
    seen.add(c);
  }
  for (const required of ["holderName", "holderId"]) {
    if (!seen.has(required)) throw new BatchFileError(`The CSV header has no "${required}" column.`);
  }
  const rows: BatchRow[] = records.map((r) => {
    if (r.error) return { line: r.line, error: `malformed CSV: ${r.error}` };
    if (r.cells.length !== columns.length) return { line: r.line, error: `has ${r.cells.length} values, the header has ${columns.length} columns` };
    const values: Record<string, string> = {};
    columns.forEach((c, k) => {
      if (r.cells[k] !== "") values[c] = r.cells[k]!;
    });
    return { line: r.line, values };
  });
  return { columns, rows };
}

/** Reads a JSON Lines batch: one object per non-blank line. */
export function parseJsonLinesBatch(text: string): BatchRow[] {
  const rows: BatchRow[] = [];
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  lines.forEach((raw, k) => {
    const lineText = raw.replace(/\r$/, "");
    if (lineText.trim() === "") return;
    try {
      const json = JSON.parse(lineText) as unknown;
      if (typeof json !== "object" || json === null || Array.isArray(json)) rows.push({ line: k + 1, error: "is not a JSON object" });
      else rows.push({ line: k + 1, json });
    } catch {
      rows.push({ line: k + 1, error: "is not valid JSON" });
    }
  });
  return rows;
}
