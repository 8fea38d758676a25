/**
 * `elicence verify FILE`: verify a licence offline and print the report.
 * @module
 */
import { readFile } from "node:fs/promises";
import { DEFAULT_ALGORITHMS, isJwsAlgorithm, verifyLicence, verifyTrustList, type JwsAlgorithm, type TrustList, type VerificationReport } from "@elicence/core";
import { openWorkspace } from "@elicence/registry";
import { CliError, EXIT } from "../output.js";

/** Options of the verify command. */
export interface VerifyCommandOptions {
  readonly file: string;
  readonly home?: string;
  readonly trust?: string;
  readonly operatorCert?: string;
  readonly statusList: readonly string[];
  readonly at: Date;
  readonly algorithms?: string;
  readonly json: boolean;
}

const MAX_INPUT = 1024 * 1024;

async function readInput(path: string, what: string): Promise<string> {
  try {
    const text = path === "-" ? await readStdin() : await readFile(path, "utf8");
    if (text.length > MAX_INPUT) throw new CliError("data", `${what} is larger than ${MAX_INPUT} bytes.`);
    return text;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError("noInput", `Cannot read ${what} ${path}.`, "Check the path and the file's permissions.");
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_INPUT) throw new CliError("data", `The input is larger than ${MAX_INPUT} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseAlgorithms(list: string | undefined): JwsAlgorithm[] {
  if (!list) return [...DEFAULT_ALGORITHMS];
  const algs = list.split(",").map((a) => a.trim());
  for (const a of algs) if (!isJwsAlgorithm(a)) throw new CliError("usage", `--alg: "${a.slice(0, 20)}" is not a supported algorithm (ES256, ES384, EdDSA, PS256).`);
  return algs as JwsAlgorithm[];
}

const MARK: Record<string, string> = { passed: "✓", failed: "✗", indeterminate: "?", skipped: "-" };

/** Formats a report for a person. */
export function formatReport(report: VerificationReport): string {
  const lines: string[] = [];
  const l = report.licence;
  lines.push(`${report.indication}${report.subIndication ? ` (${report.subIndication})` : ""}${l ? `  ${l.type.name}  ${l.id}` : ""}`);
  for (const c of report.checks) lines.push(`  ${MARK[c.result]} ${c.check.padEnd(18)} ${c.message}${c.code && c.result !== "passed" ? ` [${c.code}]` : ""}`);
  if (l) {
    const width = Math.max(13, ...Object.keys(l.fields).map((k) => k.length));
    lines.push("Licence");
    lines.push(`  ${"number".padEnd(width)} ${l.number}`);
    lines.push(`  ${"holder".padEnd(width)} ${l.holder.name} (${l.holder.idType} ${l.holder.idNumber})`);
    lines.push(`  ${"issuer".padEnd(width)} ${l.issuer.name} (${l.issuer.code})`);
    lines.push(`  ${"issued".padEnd(width)} ${l.issuedAt}`);
    lines.push(`  ${"valid".padEnd(width)} ${l.validFrom} – ${l.validUntil ?? "no end date"}`);
    for (const [k, v] of Object.entries(l.fields)) lines.push(`  ${k.padEnd(width)} ${typeof v === "string" ? v : JSON.stringify(v)}`);
  }
  if (report.signer) lines.push(`Signed by ${report.signer.subject} (certificate ${report.signer.certificateSha256.slice(0, 16)}…) with ${report.algorithm}`);
  lines.push(`Verified for ${report.verificationTime}`);
  return `${lines.join("\n")}\n`;
}

/** Runs `verify`; the exit code says PASSED (0), FAILED (1) or INDETERMINATE (2). */
export async function runVerify(options: VerifyCommandOptions): Promise<number> {
  if ((options.home === undefined) === (options.trust === undefined)) {
    throw new CliError("usage", "verify needs exactly one of --home DIR or --trust FILE.");
  }
  const algorithms = parseAlgorithms(options.algorithms);
  const input = await readInput(options.file, "the licence");
  let trustList: TrustList;
  if (options.home !== undefined) {
    trustList = await (await openWorkspace(options.home)).trustList(options.at, algorithms);
  } else {
    const token = await readInput(options.trust!, "the trust list");
    const pinned = options.operatorCert ? [await readInput(options.operatorCert, "the operator certificate")] : undefined;
    trustList = await verifyTrustList(token, { at: options.at, algorithms, ...(pinned ? { operatorCertificates: pinned } : {}) });
  }
  const statusLists: string[] = [];
  for (const path of options.statusList) statusLists.push((await readInput(path, "the status list")).trim());
  const report = await verifyLicence(input.trim(), { trustList, at: options.at, algorithms, statusLists });
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatReport(report));
  return report.indication === "PASSED" ? EXIT.ok : report.indication === "FAILED" ? EXIT.failed : EXIT.indeterminate;
}
