import { describe, expect, it } from "vitest";

import { rewritePlaceholders } from "../../src/storage/placeholders.js";

describe("rewritePlaceholders", () => {
  it.each([
    ["SELECT 1", "SELECT 1", 0],
    ["SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2", 2],
    ["SELECT '?', ? FROM t", "SELECT '?', $1 FROM t", 1],
    ["SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1", 1],
    [`SELECT "col?" FROM "t""?" WHERE x = ?`, `SELECT "col?" FROM "t""?" WHERE x = $1`, 1],
    ["SELECT E'\\' ?', ?", "SELECT E'\\' ?', $1", 1],
    ["SELECT e'\\\\', ?", "SELECT e'\\\\', $1", 1],
    ["SELECT '\\', ?", "SELECT '\\', $1", 1],
    ["SELECT $$ ? $$, $tag$ '?' $tag$, ?", "SELECT $$ ? $$, $tag$ '?' $tag$, $1", 1],
    ["SELECT a$b, ? -- what?\n, ?", "SELECT a$b, $1 -- what?\n, $2", 2],
    ["SELECT /* ? /* nested ? */ ? */ ?", "SELECT /* ? /* nested ? */ ? */ $1", 1],
    ["SELECT $1, ?", "SELECT $1, $1", 1],
    ["SELECT '营业执照?', ?", "SELECT '营业执照?', $1", 1],
    ["SELECT 'unterminated ?", "SELECT 'unterminated ?", 0],
  ])("%j", (sql, text, count) => {
    expect(rewritePlaceholders(sql)).toEqual({ text, count });
  });
});
