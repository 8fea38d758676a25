/**
 * `elicence amend|renew|suspend|resume|revoke|cancel ID`: a licence's lifecycle.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Command } from "commander";
import type { IssuedRecord, LicenceRecord, LicenceType } from "@elicence/core";
import { withApi, type ApiOptions } from "../api.js";
import { parseFieldPairs, typeCodeOf, typeFields } from "../io/fields.js";
import { checkWritable, licenceFile, writeOutput } from "../io/files.js";
import { CliError } from "../output.js";
import { collect, formatOption, parseValidUntil, where, withWhere, type SetExitCode } from "../flags.js";

/** Options shared by the commands that make a new version. */
interface NewVersionOptions extends ApiOptions {
  readonly id: string;
  readonly reason: string;
  readonly requestId?: string;
  readonly out?: string;
  readonly format: "archive" | "compact";
  readonly json: boolean;
}

async function printNewVersion(record: IssuedRecord, from: string, what: string, options: NewVersionOptions): Promise<number> {
  if (options.out) await writeOutput(options.out, licenceFile(record.licence, options.format, record.signatureTimestamp, record.cosigned));
  if (options.json) process.stdout.write(`${JSON.stringify({ id: record.id, supersedes: from, status: record.status, ...(options.out ? { file: options.out } : {}) })}\n`);
  else {
    process.stdout.write(`${record.id}\n`);
    process.stderr.write(`${what}: the new version supersedes ${from}${options.out ? `; written to ${options.out}` : ""}\n`);
  }
  return 0;
}

/** Runs `amend ID --field k=v… --reason`. */
export async function runAmend(options: NewVersionOptions & { readonly field: readonly string[] }): Promise<number> {
  const raw = parseFieldPairs(options.field);
  if (Object.keys(raw).length === 0) throw new CliError("usage", "amend needs at least one --field KEY=VALUE to change.");
  if (options.out) await checkWritable(options.out);
  return withApi(options, async (api) => {
    const code = typeCodeOf(options.id);
    let type: LicenceType | undefined;
    if (code) type = await api.getLicenceType(code).catch(() => undefined);
    const record = await api.amend(options.id, { requestId: options.requestId ?? `cli-${randomUUID()}`, fields: typeFields(type, raw), reason: options.reason });
    return printNewVersion(record, options.id, "Amended", options);
  });
}

/** Runs `renew ID --valid-until T|none --reason`. */
export async function runRenew(options: NewVersionOptions & { readonly validUntil: Date | null }): Promise<number> {
  if (options.out) await checkWritable(options.out);
  return withApi(options, async (api) => {
    const record = await api.renew(options.id, {
      requestId: options.requestId ?? `cli-${randomUUID()}`,
      validUntil: options.validUntil ? options.validUntil.toISOString() : null,
      reason: options.reason,
    });
    return printNewVersion(record, options.id, "Renewed", options);
  });
}

/** The status changes. */
export type StatusAction = "suspend" | "resume" | "revoke" | "cancel";

/** Runs `suspend|resume|revoke|cancel ID --reason [--officer]`. */
export async function runStatusChange(action: StatusAction, options: ApiOptions & { id: string; reason: string; officer?: string; json: boolean }): Promise<number> {
  return withApi(options, async (api) => {
    const change = { reason: options.reason, ...(options.officer ? { officer: options.officer } : {}) };
    const record: LicenceRecord = await api[action](options.id, change);
    if (options.json) process.stdout.write(`${JSON.stringify(record)}\n`);
    else process.stdout.write(`${record.id} ${record.status}\n`);
    return 0;
  });
}

/** Registers `elicence amend|renew|suspend|resume|revoke|cancel`. */
export function registerLifecycle(program: Command, setExitCode: SetExitCode): void {
  withWhere(
    program
      .command("amend")
      .description("amend fields: a new version supersedes the licence; prints the new identifier")
      .argument("<id>", "licence identifier")
      .option("--field <key=value>", "a changed field (repeat)", collect, [])
      .requiredOption("--reason <text>", "why, recorded in the log")
      .option("--request-id <id>", "idempotency key")
      .option("--out <file>", "also write the new version to FILE")
      .addOption(formatOption()),
  ).action(async (id, o) => {
    setExitCode(await runAmend({ ...where(o), id, field: o.field, reason: o.reason, requestId: o.requestId, out: o.out, format: o.format, json: o.json }));
  });

  withWhere(
    program
      .command("renew")
      .description("renew: a new version with a new end of validity; prints the new identifier")
      .argument("<id>", "licence identifier")
      .requiredOption("--valid-until <time>", "new end of validity (ISO 8601), or none", parseValidUntil)
      .requiredOption("--reason <text>", "why, recorded in the log")
      .option("--request-id <id>", "idempotency key")
      .option("--out <file>", "also write the new version to FILE")
      .addOption(formatOption()),
  ).action(async (id, o) => {
    setExitCode(await runRenew({ ...where(o), id, validUntil: o.validUntil, reason: o.reason, requestId: o.requestId, out: o.out, format: o.format, json: o.json }));
  });

  const STATUS: Record<StatusAction, string> = { suspend: "suspend a licence", resume: "resume a suspended licence", revoke: "revoke a licence (吊销)", cancel: "cancel a licence (注销)" };
  for (const action of Object.keys(STATUS) as StatusAction[]) {
    withWhere(
      program
        .command(action)
        .description(`${STATUS[action]}; the status list changes at once`)
        .argument("<id>", "licence identifier")
        .requiredOption("--reason <text>", "why, recorded in the log")
        .option("--officer <id>", "officer identifier within the department (hashed in the log)"),
    ).action(async (id, o) => {
      setExitCode(await runStatusChange(action, { ...where(o), id, reason: o.reason, officer: o.officer, json: o.json }));
    });
  }
}
