/**
 * Rewrites the portable `?` placeholders to PostgreSQL's `$1 … $n`.
 *
 * A `?` is a placeholder only outside string literals (`'…'`, `E'…'` with backslash escapes,
 * dollar-quoted `$tag$…$tag$`), quoted identifiers (`"…"`) and comments (`-- …`, nested `/* … *\/`).
 * PostgreSQL's jsonb operators `?`, `?|` and `?&` are therefore not usable in portable SQL (use the
 * `jsonb_exists*` functions).
 *
 * @module
 */

/** The rewritten text and the number of placeholders found. */
export interface RewrittenSql {
  readonly text: string;
  readonly count: number;
}

const QUOTE = 0x27; // '
const DQUOTE = 0x22; // "
const QMARK = 0x3f; // ?
const DOLLAR = 0x24; // $
const DASH = 0x2d; // -
const SLASH = 0x2f; // /
const STAR = 0x2a; // *
const BACKSLASH = 0x5c; // \

const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

function isIdentChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === DOLLAR || c >= 0x80;
}

/** Index just past a quoted run starting at `start` (which holds the quote); a doubled quote is an escaped quote. */
function skipQuoted(sql: string, start: number, quote: number, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (backslashEscapes && c === BACKSLASH) i += 2;
    else if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (c === SLASH && sql.charCodeAt(i + 1) === STAR) {
      depth++;
      i += 2;
    } else if (c === STAR && sql.charCodeAt(i + 1) === SLASH) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/**
 * Rewrites `?` placeholders to `$1 … $n`, leaving literals, quoted identifiers and comments untouched.
 *
 * @param sql - SQL in the portable subset
 * @returns the PostgreSQL text and the placeholder count
 * @example
 * ```ts
 * rewritePlaceholders("SELECT '?' AS q, v FROM t WHERE k = ?"); // { text: "SELECT '?' AS q, v FROM t WHERE k = $1", count: 1 }
 * ```
 */
export function rewritePlaceholders(sql: string): RewrittenSql {
  let text = "";
  let count = 0;
  let last = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    const prev = i > 0 ? sql.charCodeAt(i - 1) : 0;
    if (c === QMARK) {
      text += sql.slice(last, i) + "$" + ++count;
      last = ++i;
    } else if (c === QUOTE) {
      // E'…' (escape string syntax) honours backslash escapes; the E must start a token.
      const escape = (prev === 0x45 || prev === 0x65) && (i < 2 || !isIdentChar(sql.charCodeAt(i - 2)));
      i = skipQuoted(sql, i, QUOTE, escape);
    } else if (c === DQUOTE) {
      i = skipQuoted(sql, i, DQUOTE, false);
    } else if (c === DASH && sql.charCodeAt(i + 1) === DASH) {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === SLASH && sql.charCodeAt(i + 1) === STAR) {
      i = skipBlockComment(sql, i);
    } else if (c === DOLLAR && !isIdentChar(prev)) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql);
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? sql.length : end + tag[0].length;
      } else i++;
    } else i++;
  }
  return { text: last === 0 ? sql : text + sql.slice(last), count };
}
