/**
 * `elicence stats [--from T] [--to T]`: sharing figures per department and per approval matter (admins and auditors); the last 30 days by default.
 * @module
 */
import type { Command } from "commander";
import { withApi, type ApiOptions } from "../api.js";
import { CliError, EXIT } from "../output.js";
import { parseTime, where, withWhere, type SetExitCode } from "../flags.js";

/** Options of `stats`. */
export interface StatsOptions extends ApiOptions {
  readonly from?: Date;
  readonly to?: Date;
  readonly json: boolean;
}

/** Runs `stats`: one row per department. */
export async function runStats(options: StatsOptions): Promise<number> {
  const stats = await withApi(options, (api) => api.stats({ ...(options.from ? { from: options.from.toISOString() } : {}), ...(options.to ? { to: options.to.toISOString() } : {}) }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(stats)}\n`);
    return EXIT.ok;
  }
  const lines = [`Sharing figures from ${stats.from} to ${stats.to}`];
  if (stats.departments.length === 0) lines.push("  (no departments)");
  for (const d of stats.departments) {
    lines.push(d.department);
    lines.push(`  types provided electronically  ${d.typesProvided} of ${d.typesCatalogued} catalogued (${(d.provisionRate * 100).toFixed(1)}%)`);
    lines.push(`  licences issued                ${d.licencesIssued}`);
    lines.push(`  reads by other departments     ${d.readsByOthers}`);
    const matters = Object.entries(d.servedByMatter).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    lines.push(`  licences served to it          ${matters.reduce((n, [, k]) => n + k, 0)}`);
    for (const [matter, n] of matters) lines.push(`    ${matter.padEnd(28)} ${n}`);
  }
  if (stats.matters && stats.matters.length > 0) {
    lines.push("Approval matters: checks whose every required licence was served electronically (no original needed)");
    for (const m of stats.matters) lines.push(`  ${m.matter.padEnd(28)} ${m.servedElectronically} of ${m.checks} (${(m.noOriginalRate * 100).toFixed(1)}%)  handled by ${m.department}`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  return EXIT.ok;
}

/** Registers `elicence stats`. */
export function registerStats(program: Command, setExitCode: SetExitCode): void {
  withWhere(
    program
      .command("stats")
      .description("sharing figures per department over a period: types provided electronically, reads by others, licences served per matter (admin, auditor)")
      .option("--from <time>", "start of the period (ISO 8601, inclusive; default 30 days before --to)", parseTime)
      .option("--to <time>", "end of the period (ISO 8601, exclusive; default now)", parseTime),
  ).action(async (o) => {
    if (o.from && o.to && o.from.getTime() >= o.to.getTime()) throw new CliError("usage", "--from must be before --to.");
    setExitCode(await runStats({ ...where(o), ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}), json: o.json }));
  });
}
