/**
 * `elicence lookup|get|check-data`: the sharing-interface reads. Every read names its cause
 * (`--matter`, `--reason`) and is recorded in the registry's log.
 * @module
 */
import type { Command } from "commander";
import type { HolderIdType, SharedLicence } from "@elicence/core";
import { withApi, type ApiOptions } from "../api.js";
import { guessHolderIdType, holderIdType } from "../io/fields.js";
import { checkWritable, licenceFile, shownFields, writeOutput } from "../io/files.js";
import { EXIT } from "../output.js";
import { formatOption, parseLimit, where, withCause, withWhere, type SetExitCode } from "../flags.js";

/** The cause flags every read takes. */
export interface CauseOptions {
  readonly matter: string;
  readonly reason: string;
}

function sharedJson(s: SharedLicence) {
  return { ...s, fields: shownFields(s.licence) };
}

function sharedText(s: SharedLicence): string {
  const lines = [`${s.id}  ${s.status}${s.supersededBy ? ` (superseded by ${s.supersededBy})` : ""}`];
  const fields = shownFields(s.licence);
  const width = Math.max(8, ...Object.keys(fields).map((k) => k.length));
  for (const [k, v] of Object.entries(fields)) lines.push(`  ${k.padEnd(width)} ${typeof v === "string" ? v : JSON.stringify(v)}`);
  if (s.withheld.length) lines.push(`  withheld: ${s.withheld.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

/** Runs `lookup --holder-id … --matter … --reason …`. */
export async function runLookup(
  options: ApiOptions & CauseOptions & { holderId: string; holderIdType?: string; type?: string; limit?: number; after?: string; json: boolean },
): Promise<number> {
  const idType: HolderIdType = options.holderIdType ? holderIdType(undefined, options.holderIdType) : guessHolderIdType(options.holderId);
  const limit = options.limit ?? 100;
  return withApi(options, async (api) => {
    const page = { limit, ...(options.after !== undefined ? { after: options.after } : {}) };
    const found = await api.findByHolder({ idType, idNumber: options.holderId }, { matter: options.matter, reason: options.reason }, options.type, page);
    if (options.json) process.stdout.write(`${JSON.stringify(found.map(sharedJson), null, 2)}\n`);
    else if (found.length === 0) process.stdout.write("No licences found for this holder.\n");
    else for (const s of found) process.stdout.write(sharedText(s));
    // A full page may have a next one: say how to read it (on stderr, so --json stays one document).
    if (found.length === limit) process.stderr.write(`More may follow: add --after ${found.at(-1)!.id} for the next page.\n`);
    return 0;
  });
}

/** Runs `get ID --matter --reason [--out]`. */
export async function runGet(options: ApiOptions & CauseOptions & { id: string; out?: string; format: "archive" | "compact"; json: boolean }): Promise<number> {
  if (options.out) await checkWritable(options.out);
  return withApi(options, async (api) => {
    const shared = await api.get(options.id, { matter: options.matter, reason: options.reason });
    if (options.out) await writeOutput(options.out, licenceFile(shared.licence, options.format, undefined, shared.cosigned));
    if (options.json) process.stdout.write(`${JSON.stringify({ ...sharedJson(shared), ...(options.out ? { file: options.out } : {}) }, null, 2)}\n`);
    else {
      process.stdout.write(sharedText(shared));
      if (options.out) process.stderr.write(`Written to ${options.out}\n`);
    }
    return 0;
  });
}

/** Runs `check-data`: exit 0 when the holder's licence says so, 1 when it does not. */
export async function runCheckData(
  options: ApiOptions & CauseOptions & { holderId: string; holderIdType?: string; type: string; field: string; value: string; json: boolean },
): Promise<number> {
  const idType: HolderIdType = options.holderIdType ? holderIdType(undefined, options.holderIdType) : guessHolderIdType(options.holderId);
  return withApi(options, async (api) => {
    const type = await api.getLicenceType(options.type);
    const def = type.fields.find((f) => f.name === options.field);
    const value = def?.type === "integer" && /^-?\d+$/.test(options.value) ? Number(options.value) : def?.type === "boolean" && /^(true|false)$/.test(options.value) ? options.value === "true" : options.value;
    const { match } = await api.verifyData({ holder: { idType, idNumber: options.holderId }, type: type.code, field: options.field, value }, { matter: options.matter, reason: options.reason });
    if (options.json) process.stdout.write(`${JSON.stringify({ match })}\n`);
    else process.stdout.write(match ? "yes: an active licence of the holder says so\n" : "no: no active licence of the holder says so\n");
    return match ? EXIT.ok : EXIT.failed;
  });
}

/** Registers `elicence lookup|get|check-data`. */
export function registerReads(program: Command, setExitCode: SetExitCode): void {
  withWhere(
    withCause(
      program
        .command("lookup")
        .description("find a holder's licences; shows only the fields you are entitled to")
        .requiredOption("--holder-id <id>", "holder code")
        .option("--holder-id-type <code>", "111 citizen ID, 001 USCC, … (default: guessed from the code)")
        .option("--type <code>", "only this licence type")
        .option("--limit <n>", "licences per page, 1 to 1000", parseLimit, 100)
        .option("--after <id>", "the last licence identifier of the previous page"),
    ),
  ).action(async (o) => {
    setExitCode(
      await runLookup({ ...where(o), holderId: o.holderId, holderIdType: o.holderIdType, type: o.type, limit: o.limit, after: o.after, matter: o.matter, reason: o.reason, json: o.json }),
    );
  });

  withWhere(
    withCause(
      program
        .command("get")
        .description("fetch one licence by identifier; shows only the fields you are entitled to")
        .argument("<id>", "licence identifier")
        .option("--out <file>", "write the licence (entitled disclosures only) to FILE")
        .addOption(formatOption()),
    ),
  ).action(async (id, o) => {
    setExitCode(await runGet({ ...where(o), id, out: o.out, format: o.format, matter: o.matter, reason: o.reason, json: o.json }));
  });

  withWhere(
    withCause(
      program
        .command("check-data")
        .description("does the holder's active licence say FIELD=VALUE? yes (exit 0) or no (exit 1), without handing the data over")
        .requiredOption("--holder-id <id>", "holder code")
        .option("--holder-id-type <code>", "111 citizen ID, 001 USCC, … (default: guessed from the code)")
        .requiredOption("--type <code>", "licence type code")
        .requiredOption("--field <name>", "field name")
        .requiredOption("--value <value>", "value to compare"),
    ),
  ).action(async (o) => {
    setExitCode(await runCheckData({ ...where(o), holderId: o.holderId, holderIdType: o.holderIdType, type: o.type, field: o.field, value: o.value, matter: o.matter, reason: o.reason, json: o.json }));
  });
}
