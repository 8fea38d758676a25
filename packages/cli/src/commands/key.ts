/**
 * `elicence key create|list|revoke`: departments' API keys (admin).
 * @module
 */
import { Argument, type Command } from "commander";
import type { ApiKeyInfo, Role } from "@elicence/core";
import { withApi, type ApiOptions } from "../api.js";
import { CliError } from "../output.js";
import { collect, where, withWhere, type SetExitCode } from "../flags.js";

const ROLES: readonly Role[] = ["issuer", "consumer", "auditor", "admin"];

/** Runs `key create --department USCC --role R… [--type CODE…] [--label TEXT]`; prints the key once. */
export async function runKeyCreate(options: ApiOptions & { department: string; role: readonly string[]; type: readonly string[]; label?: string; json: boolean }): Promise<number> {
  if (options.role.length === 0) throw new CliError("usage", "key create needs at least one --role (issuer, consumer, auditor or admin).");
  const unknown = options.role.filter((r) => !ROLES.includes(r as Role));
  if (unknown.length > 0) throw new CliError("usage", `Unknown role "${unknown[0]!.slice(0, 32)}": use issuer, consumer, auditor or admin.`);
  if (options.role.includes("issuer") && options.type.length === 0) throw new CliError("usage", "An issuer key needs --type CODE for each licence type it may issue.");
  return withApi(options, async (api) => {
    const made = await api.createApiKey({
      department: options.department,
      roles: options.role as Role[],
      ...(options.type.length > 0 ? { licenceTypes: [...options.type] } : {}),
      ...(options.label !== undefined ? { label: options.label } : {}),
    });
    if (options.json) process.stdout.write(`${JSON.stringify(made)}\n`);
    else {
      process.stdout.write(`${made.key}\n`);
      process.stderr.write(`API key ${made.id} for ${options.department} (${options.role.join(", ")}). This is the only time the key is shown: hand it over securely.\n`);
    }
    return 0;
  });
}

function line(k: ApiKeyInfo): string {
  const types = k.licenceTypes.length > 0 ? `  types ${k.licenceTypes.join(",")}` : "";
  const state = k.revokedAt ? `revoked ${k.revokedAt}` : "active";
  return `${k.id}  ${k.department}  ${k.roles.join(",")}${types}  ${state}${k.label ? `  ${k.label}` : ""}\n`;
}

/** Runs `key list`. */
export async function runKeyList(options: ApiOptions & { json: boolean }): Promise<number> {
  return withApi(options, async (api) => {
    const keys = await api.listApiKeys();
    if (options.json) process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
    else for (const k of keys) process.stdout.write(line(k));
    return 0;
  });
}

/** Runs `key revoke ID`. */
export async function runKeyRevoke(options: ApiOptions & { id: string; json: boolean }): Promise<number> {
  return withApi(options, async (api) => {
    const k = await api.revokeApiKey(options.id);
    if (options.json) process.stdout.write(`${JSON.stringify(k)}\n`);
    else process.stdout.write(`API key ${k.id} revoked at ${k.revokedAt}.\n`);
    return 0;
  });
}

/** Registers `elicence key create|list|revoke`. */
export function registerKey(program: Command, setExitCode: SetExitCode): void {
  const key = program.command("key").description("departments' API keys (admin): create, list, revoke");
  withWhere(
    key
      .command("create")
      .description("create an API key for a department (admin); prints the key once")
      .requiredOption("--department <uscc>", "the department's unified social credit code")
      .option("--role <role>", "issuer, consumer, auditor or admin (repeat)", collect, [])
      .option("--type <code>", "for an issuer: a licence type it may issue (repeat)", collect, [])
      .option("--label <text>", "what the key is for, e.g. the approval system's name"),
  ).action(async (o) => {
    setExitCode(await runKeyCreate({ ...where(o), department: o.department, role: o.role, type: o.type, label: o.label, json: o.json }));
  });
  withWhere(key.command("list").description("list API keys, without secrets (admin)")).action(async (o) => {
    setExitCode(await runKeyList({ ...where(o), json: o.json }));
  });
  withWhere(key.command("revoke").description("revoke an API key at once (admin)").addArgument(new Argument("<id>", "the key id: the 16 hex digits after elk_"))).action(async (id, o) => {
    setExitCode(await runKeyRevoke({ ...where(o), id, json: o.json }));
  });
}
