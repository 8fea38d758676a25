/**
 * `elicence matter add|list|show` (the catalogue of approval matters, 事项目录) and
 * `elicence materials --matter CODE --holder-id …` (the materials check by matter code).
 * @module
 */
import type { Command } from "commander";
import { DEFAULT_ALGORITHMS, verifyLicence, verifyTrustList, type ApprovalMatter, type HolderIdType } from "@elicence/core";
import { checkMaterials, statusListIdOf, type MaterialsReport } from "@elicence/sdk";
import { withApi, type ApiOptions } from "../api.js";
import { guessHolderIdType, holderIdType } from "../io/fields.js";
import { readJson } from "../io/files.js";
import { EXIT } from "../output.js";
import { readTrustList, type TrustListOptions } from "../trust-material.js";
import { where, withWhere, type SetExitCode } from "../flags.js";

function matterText(m: ApprovalMatter): string {
  const lines = [`${m.code}  ${m.name}  (handled by ${m.department})`];
  for (const r of m.requires) lines.push(`    ${r.type}  ${r.fields.length > 0 ? r.fields.join(", ") : "(the licence itself)"}`);
  return `${lines.join("\n")}\n`;
}

/** Runs `matter add FILE` (admin). */
export async function runMatterAdd(options: ApiOptions & { file: string; json: boolean }): Promise<number> {
  const input = await readJson(options.file, "the approval matter");
  return withApi(options, async (api) => {
    const matter = await api.addMatter(input as ApprovalMatter);
    process.stdout.write(options.json ? `${JSON.stringify(matter)}\n` : `Added matter ${matter.code} ${matter.name}\n`);
    return EXIT.ok;
  });
}

/** Runs `matter list`. */
export async function runMatterList(options: ApiOptions & { json: boolean }): Promise<number> {
  return withApi(options, async (api) => {
    const matters = await api.listMatters();
    if (options.json) process.stdout.write(`${JSON.stringify(matters, null, 2)}\n`);
    else if (matters.length === 0) process.stdout.write("No approval matters yet (elicence matter add FILE).\n");
    else for (const m of matters) process.stdout.write(matterText(m));
    return EXIT.ok;
  });
}

/** Runs `matter show CODE`. */
export async function runMatterShow(options: ApiOptions & { code: string; json: boolean }): Promise<number> {
  return withApi(options, async (api) => {
    const matter = await api.getMatter(options.code);
    process.stdout.write(options.json ? `${JSON.stringify(matter, null, 2)}\n` : matterText(matter));
    return EXIT.ok;
  });
}

/** Options of `materials`. */
export interface MaterialsCommandOptions extends ApiOptions, TrustListOptions {
  readonly matter: string;
  readonly holderId: string;
  readonly holderIdType?: string;
  readonly reason?: string;
  readonly json: boolean;
}

/**
 * Runs `materials`: the registry serves each required licence with only the fields the matter
 * needs; each is verified here against the trust list (the workspace's, or `--trust` pinned with
 * `--operator-cert`) and its current status list. Exit 0 only when every required type is
 * available electronically, 1 otherwise.
 */
export async function runMaterials(options: MaterialsCommandOptions): Promise<number> {
  const idType: HolderIdType = options.holderIdType ? holderIdType(undefined, options.holderIdType) : guessHolderIdType(options.holderId);
  const at = new Date();
  const material = await readTrustList(options);
  const trustList = await verifyTrustList(material.token, { at, algorithms: [...DEFAULT_ALGORITHMS], operatorCertificates: material.operatorCertificates });
  return withApi(options, async (api) => {
    const verifier = {
      verify: (licence: string) =>
        verifyLicence(licence, {
          trustList,
          at,
          algorithms: DEFAULT_ALGORITHMS,
          statusLists: async () => {
            const id = statusListIdOf(licence);
            return id === undefined ? undefined : api.statusList(id);
          },
        }),
    };
    const report = await checkMaterials(api, verifier, { matter: options.matter, holder: { idType, idNumber: options.holderId }, ...(options.reason !== undefined ? { reason: options.reason } : {}), at });
    process.stdout.write(options.json ? `${JSON.stringify(materialsJson(report), null, 2)}\n` : materialsText(report));
    return report.complete ? EXIT.ok : EXIT.failed;
  });
}

function materialsJson(report: MaterialsReport) {
  return {
    matter: report.matter?.code,
    complete: report.complete,
    results: report.results.map((r) =>
      r.available
        ? { type: r.type, available: true, licence: r.licence.id, indication: r.report.indication, fields: r.report.licence?.fields ?? {} }
        : { type: r.type, available: false, reason: r.reason, candidates: r.candidates.map((c) => ({ licence: c.licence.id, status: c.licence.status, ...(c.report ? { indication: c.report.indication, subIndication: c.report.subIndication } : {}) })) },
    ),
  };
}

function materialsText(report: MaterialsReport): string {
  const lines = [`${report.matter?.code ?? ""} ${report.matter?.name ?? ""}: ${report.complete ? "every required licence is available electronically (no original needed)" : "not every required licence is available electronically"}`];
  for (const r of report.results) {
    if (r.available) {
      lines.push(`  ${r.type}  available  ${r.licence.id}  ${r.report.indication}`);
      for (const [k, v] of Object.entries(r.report.licence?.fields ?? {})) lines.push(`    ${k.padEnd(28)} ${String(v)}`);
    } else lines.push(`  ${r.type}  not available: ${r.reason}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Registers `elicence matter add|list|show` and `elicence materials`. */
export function registerMatter(program: Command, setExitCode: SetExitCode): void {
  const matter = program.command("matter").description("the catalogue of approval matters (事项目录): code, name, handling department, the licence types and fields each needs");
  withWhere(matter.command("list").description("list approval matters")).action(async (o) => {
    setExitCode(await runMatterList({ ...where(o), json: o.json }));
  });
  withWhere(matter.command("show").description("show one approval matter").argument("<code>", "matter code")).action(async (code, o) => {
    setExitCode(await runMatterShow({ ...where(o), code, json: o.json }));
  });
  withWhere(matter.command("add").description("add an approval matter from a JSON file (admin)").argument("<file>", "the matter as JSON")).action(async (file, o) => {
    setExitCode(await runMatterAdd({ ...where(o), file, json: o.json }));
  });
  withWhere(
    program
      .command("materials")
      .description("for each licence type a matter needs: is a valid licence available electronically? exit 0 when all are (the read is logged with the matter as its cause)")
      .requiredOption("--matter <code>", "the approval matter's code")
      .requiredOption("--holder-id <id>", "holder code")
      .option("--holder-id-type <code>", "111 citizen ID, 001 USCC, … (default: guessed from the code)")
      .option("--reason <text>", "why (e.g. the application's number); default 材料核验")
      .option("--trust <file>", "with --registry: the trust list to verify against")
      .option("--operator-cert <file>", "with --trust: the operator certificate to pin"),
  ).action(async (o) => {
    setExitCode(
      await runMaterials({ ...where(o), matter: o.matter, holderId: o.holderId, holderIdType: o.holderIdType, reason: o.reason, json: o.json, ...(o.trust ? { trust: o.trust } : {}), ...(o.operatorCert ? { operatorCert: o.operatorCert } : {}) }),
    );
  });
}
