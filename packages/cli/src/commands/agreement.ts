/**
 * `elicence agreement add|list`: sharing agreements (admin).
 * @module
 */
import type { SharingAgreement } from "@elicence/core";
import { withApi, type ApiOptions } from "../api.js";
import { CliError } from "../output.js";

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
