/**
 * Keep attacking ourselves: the batch file readers (CSV and JSON Lines, files a department uploads)
 * given random and mutated text only ever answer rows, row errors by line, or a BatchFileError —
 * never another exception — and every row they return names a line of the file. Seeded.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BatchFileError, parseCsvBatch, parseJsonLinesBatch } from "../src/io/batch-file.js";

const SEED = 20261204;
const GOOD_CSV = 'type,holderName,holderIdType,holderId,name\n11330100MB0000019K001,"示例, 公司",001,91330100MA2B3C4D1A,"a ""quoted"" name"\n';
const GOOD_JSONL = '{"type":"11330100MB0000019K001","holder":{"name":"x"}}\n{"type":"x"}\n';

function typed(fn: () => { line: number }[] | { rows: { line: number }[] }, text: string): void {
  try {
    const out = fn();
    const rows = Array.isArray(out) ? out : out.rows;
    const lines = text.split("\n").length;
    for (const r of rows) expect(r.line >= 1 && r.line <= lines).toBe(true);
  } catch (err) {
    if (!(err instanceof BatchFileError)) throw err;
  }
}

/** Text near a valid file: pieces of it, quotes, separators, line ends and random characters. */
const nearly = (good: string) =>
  fc.array(fc.oneof(fc.constantFrom(...good.split(/(?=[,\n"{}:])/)), fc.constantFrom('"', ",", "\n", "\r\n", "\r", "\uFEFF", "{", "}", "\\"), fc.string({ maxLength: 6 })), { maxLength: 40 }).map((parts) => parts.join(""));

describe("batch files", () => {
  it("CSV: random and near-valid text gives rows or a BatchFileError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), nearly(GOOD_CSV)), (text) => typed(() => parseCsvBatch(text), text)),
      { seed: SEED, numRuns: 600 },
    );
  });

  it("JSON Lines: random and near-valid text gives rows or a BatchFileError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), nearly(GOOD_JSONL)), (text) => typed(() => parseJsonLinesBatch(text), text)),
      { seed: SEED, numRuns: 600 },
    );
  });
});
