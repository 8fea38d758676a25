/**
 * `elicence issue`: issue one licence through the registry, or a batch from a CSV or JSON Lines file.
 * @module
 */
import { randomUUID } from "node:crypto";
import { Option, type Command } from "commander";
import type { IssueItem } from "@elicence/core";
import { withApi, type ApiOptions } from "../api.js";
import { holderIdType, parseFieldPairs, typeFields } from "../io/fields.js";
import { checkWritable, licenceFile, writeOutput } from "../io/files.js";
import { CliError } from "../output.js";
import { runIssueBatch } from "./batch.js";
import { readHolderPublicKey } from "./holder.js";
import { collect, formatOption, parseChunk, parseTime, where, withWhere, type SetExitCode } from "../flags.js";

/** Options of the issue command. */
export interface IssueCommandOptions extends ApiOptions {
  readonly type: string;
  readonly holderId: string;
  readonly holderName: string;
  readonly holderIdType?: string;
  readonly field: readonly string[];
  readonly requestId?: string;
  readonly out?: string;
  readonly format: "archive" | "compact";
  readonly json: boolean;
  readonly validUntil?: Date;
  /** A JWK file: the holder's public key, for a licence type with holder binding. */
  readonly holderKey?: string;
}

/** Runs `issue` for one licence; prints its identifier. */
export async function runIssue(options: IssueCommandOptions): Promise<number> {
  const raw = parseFieldPairs(options.field);
  if (options.out) await checkWritable(options.out);
  return withApi(options, async (api) => {
    const type = await api.getLicenceType(options.type);
    const idType = holderIdType(type, options.holderIdType);
    const item: IssueItem = {
      type: type.code,
      holder: { name: options.holderName, idType, idNumber: options.holderId },
      fields: typeFields(type, raw),
      ...(options.validUntil ? { validUntil: options.validUntil.toISOString() } : {}),
      ...(options.holderKey !== undefined ? { holderKey: await readHolderPublicKey(options.holderKey) } : {}),
    };
    const record = await api.issue({ requestId: options.requestId ?? `cli-${randomUUID()}`, ...item });
    if (options.out) await writeOutput(options.out, licenceFile(record.licence, options.format, record.signatureTimestamp, record.cosigned));
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ id: record.id, status: record.status, ...(options.out ? { file: options.out, format: options.format } : {}) })}\n`);
    } else {
      process.stdout.write(`${record.id}\n`);
      process.stderr.write(`Issued ${type.name} to ${options.holderName}${options.out ? `; written to ${options.out}` : ""}\n`);
    }
    return 0;
  });
}


/** Registers `elicence issue` (one licence, or `--batch FILE`). */
export function registerIssue(program: Command, setExitCode: SetExitCode): void {
  withWhere(
    program
      .command("issue")
      .description("issue one licence (prints its identifier), or a batch with --batch FILE")
      .option("--type <code>", "licence type code (see `elicence type list`); with --batch, for rows that name none")
      .option("--holder-id <id>", "holder code: citizen ID number or unified social credit code")
      .option("--holder-name <name>", "holder name")
      .option("--holder-id-type <code>", "holder code type: 111 citizen ID, 001 USCC, 414 passport, 990 other (default by holder kind)")
      .option("--field <key=value>", "a surface field (repeat)", collect, [])
      .option("--valid-until <time>", "end of validity (default: the type's validity term)", parseTime)
      .option("--holder-key <file>", "the holder's public key (JWK, from `elicence holder key`), for a licence type with holder binding")
      .option("--request-id <id>", "idempotency key: the same id never issues twice (default: a new one)")
      .option("--out <file>", "also write the licence to FILE")
      .addOption(formatOption())
      .option("--batch <file>", "issue every row of a CSV (header: type,holderName,holderIdType,holderId,<field>…) or JSON Lines file")
      .addOption(new Option("--input-format <format>", "format of --batch (default: by extension)").choices(["csv", "jsonl"]))
      .option("--chunk-size <n>", "rows per registry call with --batch", parseChunk, 500),
  )
    .addHelpText(
      "after",
      `\nBatch files: CSV with a header row; columns type, holderName, holderIdType, holderId, number, validFrom, validUntil are the\nlicence's own, every other column is a field; empty cells are left out. JSON Lines: one IssueItem object per line.\nFailed rows are reported by line and never stop the good ones (exit 65 when any failed). Running the same file\nagain issues nothing twice: each chunk's request id comes from the file's SHA-256, --chunk-size and the chunk index.`,
    )
    .action(async (o) => {
      if (o.batch !== undefined) {
        for (const flag of ["holderId", "holderName", "holderIdType", "validUntil", "requestId", "out", "holderKey"] as const) {
          if (o[flag] !== undefined) throw new CliError("usage", `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not go with --batch: put it in the file.`);
        }
        if (o.field.length) throw new CliError("usage", "--field does not go with --batch: put fields in the file's columns.");
        setExitCode(await runIssueBatch({ ...where(o), batch: o.batch, type: o.type, inputFormat: o.inputFormat, chunkSize: o.chunkSize, json: o.json }));
        return;
      }
      for (const flag of ["type", "holderId", "holderName"] as const) {
        if (o[flag] === undefined) throw new CliError("usage", `issue needs --${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} (or --batch FILE).`);
      }
      setExitCode(
        await runIssue({
          ...where(o),
          type: o.type,
          holderId: o.holderId,
          holderName: o.holderName,
          holderIdType: o.holderIdType,
          field: o.field,
          requestId: o.requestId,
          out: o.out,
          format: o.format,
          json: o.json,
          ...(o.validUntil ? { validUntil: o.validUntil } : {}),
          ...(o.holderKey !== undefined ? { holderKey: o.holderKey } : {}),
        }),
      );
    });
}
