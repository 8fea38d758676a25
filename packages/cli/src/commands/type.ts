/**
 * `elicence type list|show|add`: the catalogue.
 * @module
 */
import type { Command } from "commander";
import type { LicenceType } from "@elicence/core";
import { openWorkspace } from "@elicence/registry";
import { API_KEY_ENV, withApi, type ApiOptions } from "../api.js";
import { readJson } from "../io/files.js";
import { CliError } from "../output.js";
import { where, withWhere, type SetExitCode } from "../flags.js";

/**
 * The catalogue as the registry has it (types added with `type add` included); without an API key,
 * a workspace's catalogue files are read directly.
 */
async function catalogue(options: ApiOptions): Promise<LicenceType[]> {
  if (options.home !== undefined && options.registry === undefined && !process.env[API_KEY_ENV]) return (await openWorkspace(options.home)).catalogue();
  return withApi(options, (api) => api.listLicenceTypes());
}

function typeJson(t: LicenceType) {
  return {
    code: t.code,
    name: t.name,
    holderKind: t.holderKind,
    version: t.version,
    issuers: t.issuers,
    ...(t.validityTerm ? { validityTerm: t.validityTerm } : {}),
    fields: t.fields.map((f) => ({ name: f.name, label: f.label, type: f.type, required: f.required, share: f.share, ...(f.values ? { values: f.values } : {}) })),
  };
}

function typeText(t: LicenceType): string {
  const lines = [`${t.code}  ${t.name}  (${t.holderKind}, v${t.version})`];
  for (const f of t.fields) lines.push(`    ${f.name.padEnd(30)} ${f.type.padEnd(8)} ${f.required ? "required" : "optional"}  ${f.share.padEnd(13)} ${f.label}`);
  return `${lines.join("\n")}\n`;
}

/** Runs `type list`. */
export async function runTypeList(options: ApiOptions & { json: boolean }): Promise<number> {
  const types = await catalogue(options);
  if (options.json) process.stdout.write(`${JSON.stringify(types.map(typeJson), null, 2)}\n`);
  else for (const t of types) process.stdout.write(typeText(t));
  return 0;
}

/** Runs `type show CODE`. */
export async function runTypeShow(options: ApiOptions & { code: string; json: boolean }): Promise<number> {
  const type = (await catalogue(options)).find((t) => t.code === options.code);
  if (!type) throw new CliError("data", `The catalogue has no licence type ${options.code.slice(0, 40)}.`, "See `elicence type list` for the codes.");
  if (options.json) process.stdout.write(`${JSON.stringify(typeJson(type), null, 2)}\n`);
  else {
    process.stdout.write(typeText(type));
    process.stdout.write(`    issuers: ${type.issuers.join(", ")}${type.validityTerm ? `; validity ${JSON.stringify(type.validityTerm)}` : ""}\n`);
  }
  return 0;
}

/** Runs `type add FILE` (admin): registers a licence type, or a new version of one. */
export async function runTypeAdd(options: ApiOptions & { file: string; json: boolean }): Promise<number> {
  const input = await readJson(options.file, "the licence type");
  return withApi(options, async (api) => {
    const type = await api.registerLicenceType(input as LicenceType);
    if (options.json) process.stdout.write(`${JSON.stringify(typeJson(type))}\n`);
    else process.stdout.write(`Registered ${type.code} ${type.name} v${type.version}\n`);
    return 0;
  });
}

/** Registers `elicence type list|show|add`. */
export function registerType(program: Command, setExitCode: SetExitCode): void {
  const type = program.command("type").description("the licence type catalogue");
  withWhere(type.command("list").description("list licence types with their fields (without ELICENCE_API_KEY: the workspace's catalogue files)")).action(async (o) => {
    setExitCode(await runTypeList({ ...where(o), json: o.json }));
  });
  withWhere(type.command("show").description("show one licence type").argument("<code>", "licence type code")).action(async (c, o) => {
    setExitCode(await runTypeShow({ ...where(o), code: c, json: o.json }));
  });
  withWhere(type.command("add").description("register a licence type, or a new version of one, from a JSON file (admin)").argument("<file>", "the licence type as JSON")).action(async (file, o) => {
    setExitCode(await runTypeAdd({ ...where(o), file, json: o.json }));
  });
}
