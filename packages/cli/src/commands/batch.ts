/**
 * `elicence issue --batch FILE`: issue many licences from a CSV or JSON Lines file.
 *
 * Rows are submitted in chunks through `issueBatch`; each chunk's request id is derived from the
 * file's SHA-256, the chunk size and the chunk's index, so running the same file again replays the
 * first results instead of issuing duplicates. A row that fails is reported with its line number and
 * never stops the good ones.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { extname } from "node:path";
import cliProgress from "cli-progress";
import { formatIssues, isLicenceError, type BatchItemError, type IssueBatchResult, type IssueItem, type LicenceErrorCode, type LicenceType, type RegistryApi, type ValidationIssue } from "@elicence/core";
import { withApi, type ApiOptions } from "../api.js";
import { BatchFileError, parseCsvBatch, parseJsonLinesBatch, RESERVED_COLUMNS, type BatchRow } from "../io/batch-file.js";
import { holderIdType, typeValue } from "../io/fields.js";
import { readInput } from "../io/files.js";
import { CliError, EXIT } from "../output.js";

/** The largest batch file read. */
export const MAX_BATCH_FILE = 512 * 1024 * 1024;

/** Errors that are about the call, not the row: they stop the batch. */
const STOP_BATCH: ReadonlySet<LicenceErrorCode> = new Set(["ERR_UNAVAILABLE", "ERR_UNAUTHENTICATED", "ERR_FORBIDDEN"]);

/** Options of `issue --batch`. */
export interface IssueBatchCommandOptions extends ApiOptions {
  readonly batch: string;
  /** Default licence type for rows that name none. */
  readonly type?: string;
  readonly inputFormat?: "csv" | "jsonl";
  readonly chunkSize: number;
  readonly json: boolean;
}

interface RowError {
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

function describe(err: { message: string; code?: string; issues?: readonly { path: readonly (string | number)[]; message: string }[] }): string {
  const issues = err.issues ? formatIssues(err.issues as never).slice(0, 4) : [];
  return issues.length ? `${err.message} ${issues.join("; ")}` : err.message;
}

async function typeResolver(api: RegistryApi): Promise<(code: string) => Promise<LicenceType | Error>> {
  const cache = new Map<string, LicenceType | Error>();
  return async (code) => {
    let t = cache.get(code);
    if (!t) {
      try {
        t = await api.getLicenceType(code);
      } catch (err) {
        // Only an answer about this type is a row error; a registry that is down or refuses the
        // key stops the whole batch (exit 69 or 77), not every row one by one.
        if (!isLicenceError(err) || STOP_BATCH.has(err.code)) throw err;
        t = new Error(`${err.message} (${err.code})`);
      }
      cache.set(code, t);
    }
    return t;
  };
}

/** Turns a parsed row into an IssueItem, or says what is wrong with it. */
async function toItem(row: BatchRow, defaultType: string | undefined, typeOf: (code: string) => Promise<LicenceType | Error>): Promise<IssueItem | string> {
  if ("error" in row) return row.error;
  if ("values" in row) {
    const v = row.values;
    const code = v.type ?? defaultType;
    if (!code) return "names no licence type (add a type column or give --type)";
    const type = await typeOf(code);
    if (type instanceof Error) return type.message;
    let idType;
    try {
      idType = holderIdType(type, v.holderIdType, "holderIdType");
    } catch (err) {
      return (err as Error).message;
    }
    const fields: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(v)) if (!(RESERVED_COLUMNS as readonly string[]).includes(k)) fields[k] = typeValue(type, k, value);
    return {
      type: type.code,
      holder: { name: v.holderName ?? "", idType, idNumber: v.holderId ?? "" },
      fields,
      ...(v.number ? { number: v.number } : {}),
      ...(v.validFrom ? { validFrom: v.validFrom } : {}),
      ...(v.validUntil ? { validUntil: v.validUntil } : {}),
    };
  }
  const j = row.json as Partial<IssueItem> & { holder?: Partial<IssueItem["holder"]> };
  const code = typeof j.type === "string" ? j.type : defaultType;
  if (!code) return "names no licence type (add \"type\" or give --type)";
  const type = await typeOf(code);
  if (type instanceof Error) return type.message;
  if (typeof j.holder !== "object" || j.holder === null) return "has no \"holder\" object";
  let idType;
  try {
    idType = holderIdType(type, typeof j.holder.idType === "string" ? j.holder.idType : undefined, "holder.idType");
  } catch (err) {
    return (err as Error).message;
  }
  return { ...(j as IssueItem), type: type.code, holder: { ...(j.holder as IssueItem["holder"]), idType }, fields: j.fields ?? {} };
}

function progressBar(total: number, enabled: boolean) {
  if (!enabled) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      format: "issuing |{bar}| {percentage}% {value}/{total} rows | {rate}/s | ETA {eta_formatted}",
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: "0" });
  return bar;
}

/**
 * Issues one chunk. A registry server checks the shape of every item before the batch is taken
 * (a bad holder code rejects the whole request with issues at `items.N…`): those rows are reported
 * with the registry's own messages and the rest of the chunk is sent again, under a request id
 * derived from the first, so re-running the same file still issues nothing twice.
 */
async function issueChunk(
  api: RegistryApi,
  requestId: string,
  rows: readonly { line: number; item: IssueItem }[],
  errors: RowError[],
): Promise<{ sent: readonly { line: number; item: IssueItem }[]; result: IssueBatchResult }> {
  let sent = rows;
  for (let attempt = 0; ; attempt++) {
    try {
      return { sent, result: await api.issueBatch({ requestId: attempt === 0 ? requestId : `${requestId}-r${attempt}`, items: sent.map((s) => s.item) }) };
    } catch (err) {
      if (!isLicenceError(err) || err.code !== "ERR_VALIDATION") throw err;
      const rejected = rejectedItems(err.issues, sent.length);
      if (!rejected) throw err;
      for (const [index, issues] of rejected) errors.push({ line: sent[index]!.line, code: err.code, message: `The licence is not valid. ${formatIssues(issues).slice(0, 4).join("; ")}` });
      sent = sent.filter((_, index) => !rejected.has(index));
      if (sent.length === 0) return { sent, result: { issued: [], errors: [] } };
    }
  }
}

/** The items a validation error names (issues at `items.N…`, paths from the item), or undefined when any issue is about the request itself. */
function rejectedItems(issues: readonly ValidationIssue[] | undefined, count: number): Map<number, ValidationIssue[]> | undefined {
  if (!issues?.length) return undefined;
  const byItem = new Map<number, ValidationIssue[]>();
  for (const issue of issues) {
    const [head, at, ...rest] = issue.path;
    const index = typeof at === "string" && /^\d+$/.test(at) ? Number(at) : at;
    if (head !== "items" || typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= count) return undefined;
    byItem.set(index, [...(byItem.get(index) ?? []), { ...issue, path: rest }]);
  }
  return byItem;
}

/** Runs `issue --batch FILE`. Exit 0 when every row was issued, 65 when some failed. */
export async function runIssueBatch(options: IssueBatchCommandOptions): Promise<number> {
  if (!Number.isSafeInteger(options.chunkSize) || options.chunkSize < 1 || options.chunkSize > 10_000) {
    throw new CliError("usage", "--chunk-size must be an integer from 1 to 10000.");
  }
  const text = await readInput(options.batch, "the batch file", MAX_BATCH_FILE);
  const format = options.inputFormat ?? ([".jsonl", ".ndjson"].includes(extname(options.batch).toLowerCase()) ? "jsonl" : extname(options.batch).toLowerCase() === ".csv" ? "csv" : undefined);
  if (!format) throw new CliError("usage", `Cannot tell the format of ${options.batch}.`, "Name it .csv or .jsonl, or give --input-format csv|jsonl.");
  let rows: BatchRow[];
  try {
    rows = format === "csv" ? parseCsvBatch(text).rows : parseJsonLinesBatch(text);
  } catch (err) {
    if (err instanceof BatchFileError) throw new CliError("data", err.message, "The first row must name the columns: type,holderName,holderIdType,holderId,<field>…");
    throw err;
  }
  if (rows.length === 0) throw new CliError("data", `${options.batch} has no rows to issue.`);
  const digest = createHash("sha256").update(text).update("\0").update(options.type ?? "").digest("hex").slice(0, 40);

  return withApi(options, async (api) => {
    const typeOf = await typeResolver(api);
    const errors: RowError[] = [];
    const bar = progressBar(rows.length, process.stderr.isTTY === true && !options.json);
    const started = Date.now();
    const issued: { line: number; id: string }[] = [];
    try {
      // Chunks are cut from the file's rows (not from the good ones), so a chunk's request id always
      // names the same rows, whatever the catalogue said about other rows.
      for (let start = 0, chunk = 0; start < rows.length; start += options.chunkSize, chunk++) {
        const good: { line: number; item: IssueItem }[] = [];
        for (const row of rows.slice(start, start + options.chunkSize)) {
          const item = await toItem(row, options.type, typeOf);
          if (typeof item === "string") errors.push({ line: row.line, code: "ERR_INPUT_MALFORMED", message: item });
          else good.push({ line: row.line, item });
        }
        if (good.length > 0) {
          const { sent, result } = await issueChunk(api, `batch-${digest}-${options.chunkSize}-${chunk}`, good, errors);
          for (const r of result.issued) issued.push({ line: sent[r.index]!.line, id: r.id });
          for (const e of result.errors as readonly BatchItemError[]) errors.push({ line: sent[e.index]?.line ?? 0, code: e.code, message: describe(e) });
        }
        const done = Math.min(rows.length, start + options.chunkSize);
        const seconds = (Date.now() - started) / 1000;
        bar?.update(done, { rate: seconds > 0 ? (done / seconds).toFixed(0) : "0" });
      }
    } finally {
      bar?.stop();
    }
    errors.sort((a, b) => a.line - b.line);
    issued.sort((a, b) => a.line - b.line);
    const seconds = (Date.now() - started) / 1000;
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ file: options.batch, rows: rows.length, issued: issued.length, failed: errors.length, seconds, licences: issued, errors })}\n`);
    } else {
      process.stdout.write(`Issued ${issued.length} of ${rows.length} rows from ${options.batch} in ${seconds.toFixed(1)} s${errors.length ? `; ${errors.length} failed` : ""}.\n`);
      for (const e of errors.slice(0, 20)) process.stderr.write(`  line ${e.line}: ${e.message}\n`);
      if (errors.length > 20) process.stderr.write(`  … and ${errors.length - 20} more (--json lists them all).\n`);
      if (errors.length) process.stderr.write(`Put the corrected rows in a new file; running this same file again issues nothing twice.\n`);
    }
    return errors.length ? EXIT.data : EXIT.ok;
  });
}
