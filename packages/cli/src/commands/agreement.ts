/**
 * `elicence agreement add|list`: sharing agreements (admin).
 * @module
 */
import type { Command } from "commander";
import type { SharingAgreement } from "@elicence/core";
import { withApi, type ApiOptions } from "../api.js";
import { CliError } from "../output.js";
import { collect, parseTime, where, withWhere, type SetExitCode } from "../flags.js";

/** Runs `agreement add --consumer USCC --type CODE --field NAME… --expires T`. */
export async function runAgreementAdd(options: ApiOptions & { consumer: string; type: string; field: readonly string[]; expires: Date; json: boolean }): Promise<number> {
  if (options.field.length === 0) throw new CliError("usage", "agreement add needs at least one --field NAME (a conditional field of the type).");
  return withApi(options, async (api) => {
    const a = await api.createAgreement({ consumer: options.consumer, type: options.type, fields: [...options.field], expiresAt: options.expires.toISOString() });
    if (options.json) process.stdout.write(`${JSON.stringify(a)}\n`);
    else process.stdout.write(`${a.id}\n`);
    return 0;
  });
}

function line(a: SharingAgreement): string {
  return `${a.id}  ${a.consumer}  ${a.type}  ${a.fields.join(",")}  until ${a.expiresAt}\n`;
}

/** Runs `agreement list`. */
export async function runAgreementList(options: ApiOptions & { json: boolean }): Promise<number> {
  return withApi(options, async (api) => {
    const list = await api.listAgreements();
    if (options.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    else if (list.length === 0) process.stdout.write("No sharing agreements.\n");
    else for (const a of list) process.stdout.write(line(a));
    return 0;
  });
}

/** Registers `elicence agreement add|list`. */
export function registerAgreement(program: Command, setExitCode: SetExitCode): void {
  const agreement = program.command("agreement").description("sharing agreements: a consumer department may see conditional fields of a type");
  withWhere(
    agreement
      .command("add")
      .description("create a sharing agreement (admin); prints its id")
      .requiredOption("--consumer <uscc>", "the consumer department's unified social credit code")
      .requiredOption("--type <code>", "licence type code")
      .option("--field <name>", "a conditional field it may see (repeat)", collect, [])
      .requiredOption("--expires <time>", "end of the agreement (ISO 8601)", parseTime),
  ).action(async (o) => {
    setExitCode(await runAgreementAdd({ ...where(o), consumer: o.consumer, type: o.type, field: o.field, expires: o.expires, json: o.json }));
  });
  withWhere(agreement.command("list").description("list sharing agreements")).action(async (o) => {
    setExitCode(await runAgreementList({ ...where(o), json: o.json }));
  });
}
