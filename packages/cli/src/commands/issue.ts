/**
 * `elicence issue`: issue one licence from the workspace's department.
 * @module
 */
import { writeFile } from "node:fs/promises";
import { HOLDER_ID_TYPES } from "@elicence/core";
import { openWorkspace } from "@elicence/registry";
import { readPassphrase } from "../io/passphrase.js";
import { CliError } from "../output.js";

/** Options of the issue command. */
export interface IssueCommandOptions {
  readonly home: string;
  readonly type: string;
  readonly holderId: string;
  readonly holderName: string;
  readonly holderIdType?: string;
  readonly field: readonly string[];
  readonly out?: string;
  readonly format: "archive" | "compact";
  readonly json: boolean;
  readonly now: Date;
  readonly validUntil?: Date;
}

/** Parses `--field key=value` pairs; numbers and booleans are typed by the licence type's field. */
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

/** Runs `issue`. */
export async function runIssue(options: IssueCommandOptions): Promise<number> {
  const ws = await openWorkspace(options.home);
  const type = await ws.licenceType(options.type);
  const raw = parseFieldPairs(options.field);
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const def = type.fields.find((f) => f.name === key);
    if (def?.type === "integer") fields[key] = /^-?\d+$/.test(value) ? Number(value) : value;
    else if (def?.type === "boolean") fields[key] = value === "true" ? true : value === "false" ? false : value;
    else fields[key] = value;
  }
  const idType = options.holderIdType ?? (type.holderKind === "natural-person" ? "111" : "001");
  if (!(HOLDER_ID_TYPES as readonly string[]).includes(idType)) {
    throw new CliError("usage", `--holder-id-type must be one of ${HOLDER_ID_TYPES.join(", ")}.`);
  }
  const passphrase = await readPassphrase("Passphrase for the signing key: ");
  const { issued, file } = await ws.issue({
    typeCode: type.code,
    holder: { name: options.holderName, idType, idNumber: options.holderId },
    fields,
    passphrase,
    now: options.now,
    ...(options.validUntil ? { validUntil: options.validUntil } : {}),
  });
  let written = file;
  if (options.out) {
    const body = options.format === "compact" ? `${issued.compact}\n` : `${JSON.stringify(issued.archive, null, 2)}\n`;
    try {
      await writeFile(options.out, body, { mode: 0o600 });
    } catch {
      throw new CliError("cantCreate", `Cannot write ${options.out}.`, "Check that the directory exists and is writable.");
    }
    written = options.out;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ id: issued.id, file: written, format: options.out ? options.format : "archive" })}\n`);
  } else {
    process.stdout.write(`${issued.id}\n`);
    process.stderr.write(`Issued ${type.name} to ${options.holderName}; written to ${written}\n`);
  }
  return 0;
}
