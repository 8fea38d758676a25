/**
 * `elicence bundle export|verify` and `verify --bundle FILE ID`: offline audit bundles (the SDK's
 * `exportAuditBundle` / `verifyAuditBundle`). An export reads each licence with a cause and proves
 * every log entry of it against a signed tree head; verification needs no registry at all.
 * @module
 */
import type { Command } from "commander";
import type { VerificationReport } from "@elicence/core";
import { exportAuditBundle, parseAuditBundle, verifyAuditBundle, type AuditBundle, type AuditBundleReport, type EvidenceResult } from "@elicence/sdk";
import { withApi, type ApiOptions } from "../api.js";
import { checkWritable, readInput, writeOutput } from "../io/files.js";
import { readOperatorCertificate } from "../trust-material.js";
import { CliError, EXIT } from "../output.js";
import { exitOfIndication, formatReport } from "../report.js";
import { collect, parseTime, where, withCause, withWhere, type SetExitCode } from "../flags.js";
import { parseAlgorithmList } from "../algorithms.js";

/** The largest bundle the CLI reads. */
const MAX_BUNDLE = 256 * 1024 * 1024;

/** Options of `bundle export`. */
export interface BundleExportOptions extends ApiOptions {
  readonly ids: readonly string[];
  readonly out: string;
  readonly matter: string;
  readonly reason: string;
  readonly json: boolean;
}

/** Runs `bundle export`: reads the licences (each read logged with the cause) and writes the bundle. */
export async function runBundleExport(options: BundleExportOptions): Promise<number> {
  const ids = [...new Set(options.ids.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== ""))];
  if (ids.length === 0) throw new CliError("usage", "bundle export needs --ids ID[,ID…] (repeat or separate with commas).");
  await checkWritable(options.out);
  const bundle = await withApi(options, (api) => exportAuditBundle(api, { ids, cause: { matter: options.matter, reason: options.reason } }));
  await writeOutput(options.out, `${JSON.stringify(bundle, null, 2)}\n`);
  const summary = { out: options.out, licences: bundle.licences.length, logEntries: bundle.log.entries.length, treeSize: bundle.log.treeHead.treeSize, createdAt: bundle.createdAt };
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(
      `Wrote ${options.out}: ${summary.licences} licence(s), ${summary.logEntries} log entries with inclusion proofs to the tree head of size ${summary.treeSize}, made ${summary.createdAt}.\n`,
    );
  }
  return EXIT.ok;
}

/** Options of `bundle verify` and `verify --bundle`. */
export interface BundleVerifyOptions {
  readonly file: string;
  readonly operatorCert?: string;
  /** Default: the bundle's `createdAt`. */
  readonly at?: Date;
  readonly json: boolean;
  /** `--alg`: the allowed algorithms, comma separated (default: core's default allow-list). */
  readonly algorithms?: string;
}

async function readBundle(file: string): Promise<AuditBundle> {
  const text = await readInput(file, "the audit bundle", MAX_BUNDLE);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError("data", `The audit bundle ${file} is not valid JSON.`, "Check the file: it should be what `elicence bundle export` wrote.");
  }
  return parseAuditBundle(value);
}

/** The pinned operator certificate, read before the bundle: without it nothing in the bundle is checked. */
function pinnedOperator(options: BundleVerifyOptions): Promise<string> {
  return readOperatorCertificate(options.operatorCert, "Verifying an audit bundle");
}

async function verifyBundle(bundle: AuditBundle, options: BundleVerifyOptions, pinned: readonly string[]): Promise<AuditBundleReport> {
  const algorithms = options.algorithms === undefined ? {} : { algorithms: parseAlgorithmList(options.algorithms) };
  return verifyAuditBundle(bundle, { at: options.at ?? new Date(bundle.createdAt), ...algorithms, operatorCertificates: pinned });
}

const mark = (r: EvidenceResult) => (r.ok ? "✓" : "✗");
const why = (r: EvidenceResult) => (r.ok ? "" : ` [${r.code ?? "?"}${r.reason ? `: ${r.reason}` : ""}]`);

/** Formats a bundle report for a person. */
export function formatBundleReport(bundle: AuditBundle, report: AuditBundleReport): string {
  const lines: string[] = [];
  lines.push(`${report.indication}  audit bundle of ${bundle.licences.length} licence(s), matter ${bundle.matter}, made ${bundle.createdAt}`);
  lines.push(`  ${mark(report.trustList)} trust list${why(report.trustList)}`);
  for (const s of report.statusLists) lines.push(`  ${mark(s)} status list ${s.id}${why(s)}`);
  const head = report.log.treeHead;
  lines.push(`  ${mark(head)} log tree head${head.treeSize !== undefined ? ` size ${head.treeSize}` : ""}${head.timestamp ? `, ${head.timestamp}` : ""}${why(head)}`);
  const good = report.log.entries.filter((e) => e.ok).length;
  lines.push(`  ${good === report.log.entries.length ? "✓" : "✗"} log entries: ${good} of ${report.log.entries.length} inclusion proofs verify`);
  for (const e of report.log.entries.filter((x) => !x.ok)) lines.push(`      ✗ entry ${e.index} (${e.licence})${why(e)}`);
  if (report.log.licencesWithoutProof.length) lines.push(`  ! licences without a proven log entry: ${report.log.licencesWithoutProof.join(", ")}`);
  for (const l of report.licences) {
    lines.push(`  ${l.report.indication === "PASSED" ? "✓" : "✗"} licence ${l.id}: ${l.report.indication}${l.report.subIndication ? ` (${l.report.subIndication})` : ""}`);
    for (const c of l.report.checks.filter((x) => x.result !== "passed" && x.result !== "skipped")) lines.push(`      ${c.check}: ${c.message}${c.code ? ` [${c.code}]` : ""}`);
  }
  lines.push(`Verified for ${report.verificationTime}`);
  return `${lines.join("\n")}\n`;
}

/** Runs `bundle verify FILE`: exit 0 only when every piece of evidence PASSED; no network. */
export async function runBundleVerify(options: BundleVerifyOptions): Promise<number> {
  const pinned = await pinnedOperator(options);
  const bundle = await readBundle(options.file);
  const report = await verifyBundle(bundle, options, [pinned]);
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatBundleReport(bundle, report));
  return exitOfIndication(report.indication);
}

/**
 * Runs `verify --offline --bundle FILE ID`: one licence of a bundle, with the bundle's trust list,
 * status lists, tree head and that licence's inclusion proofs.
 */
export async function runVerifyFromBundle(options: BundleVerifyOptions & { id: string }): Promise<number> {
  const pinned = await pinnedOperator(options);
  const bundle = await readBundle(options.file);
  const licence = bundle.licences.find((l) => l.id === options.id);
  if (!licence) throw new CliError("data", `The bundle holds no licence ${options.id.slice(0, 80)}.`, "`elicence bundle verify FILE` lists its licences.");
  const one: AuditBundle = { ...bundle, licences: [licence], log: { ...bundle.log, entries: bundle.log.entries.filter((e) => e.licence === options.id) } };
  const report = await verifyBundle(one, options, [pinned]);
  const licenceReport: VerificationReport = report.licences[0]!.report;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ indication: report.indication, licence: licenceReport, trustList: report.trustList, statusLists: report.statusLists, log: report.log }, null, 2)}\n`);
  } else {
    process.stdout.write(formatReport(licenceReport));
    const proofs = report.log.entries;
    process.stdout.write(
      `Log: tree head ${report.log.treeHead.ok ? "verified" : "NOT verified"}; ${proofs.filter((e) => e.ok).length} of ${proofs.length} inclusion proofs verify${proofs.length === 0 ? " (the bundle proves no entry of this licence)" : ""}\n`,
    );
    if (report.indication !== licenceReport.indication) process.stdout.write(`Overall: ${report.indication} (trust list, status list or log evidence did not pass)\n`);
  }
  return exitOfIndication(report.indication);
}

/** Registers `elicence bundle export|verify`. */
export function registerBundle(program: Command, setExitCode: SetExitCode): void {
  const bundle = program.command("bundle").description("offline audit bundles: licences, trust list, status lists, a signed tree head and inclusion proofs");
  withWhere(
    withCause(
      bundle
        .command("export")
        .description("read licences (each read logged) and write an audit bundle proving every log entry of them (auditor, admin or the issuing department)")
        .requiredOption("--ids <id,…>", "licence identifiers, comma separated (repeat)", collect, [])
        .requiredOption("--out <file>", "write the bundle to FILE"),
    ),
  ).action(async (o) => {
    setExitCode(await runBundleExport({ ...where(o), ids: o.ids, out: o.out, matter: o.matter, reason: o.reason, json: o.json }));
  });
  bundle
    .command("verify")
    .description("verify an audit bundle with no network; exit 0 only when everything PASSED")
    .argument("<file>", "the bundle, or - for standard input")
    .option("--operator-cert <pem>", "the registry operator's certificate (required): the bundle's trust list must be signed by it")
    .option("--at <time>", "verification time (default: when the bundle was made)", parseTime)
    .option("--alg <list>", "allowed algorithms, comma separated (default: ES256,EdDSA,PS256; SM2 only when listed)")
    .option("--json", "print the report as JSON", false)
    .action(async (file, o) => {
      setExitCode(await runBundleVerify({ file, operatorCert: o.operatorCert, at: o.at, json: o.json, ...(o.alg !== undefined ? { algorithms: o.alg } : {}) }));
    });
}
