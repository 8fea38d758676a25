/**
 * `elicence verify FILE`: verify a licence offline and print the report.
 * @module
 */
import { DEFAULT_ALGORITHMS, isJwsAlgorithm, verifyLicence, verifyTrustList, type JwsAlgorithm, type TrustList, type VerificationReport } from "@elicence/core";
import { Registry, openWorkspace } from "@elicence/registry";
import { statusListIdOf } from "@elicence/sdk";
import { readInput } from "../io/files.js";
import { PASSPHRASE_ENV } from "../io/passphrase.js";
import { CliError, EXIT } from "../output.js";

/** Options of the verify command. */
export interface VerifyCommandOptions {
  readonly file: string;
  readonly home?: string;
  readonly trust?: string;
  readonly operatorCert?: string;
  readonly statusList: readonly string[];
  /** Verification time; now (after any status list was fetched) when omitted. */
  readonly at?: Date;
  readonly algorithms?: string;
  readonly json: boolean;
  /** Never contact a registry (no status list from the workspace's registry). */
  readonly offline?: boolean;
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
    trustList = await (await openWorkspace(options.home)).trustList(options.at ?? new Date(), algorithms);
  } else {
    const token = await readInput(options.trust!, "the trust list");
    const pinned = options.operatorCert ? [await readInput(options.operatorCert, "the operator certificate")] : undefined;
    trustList = await verifyTrustList(token, { at: options.at ?? new Date(), algorithms, ...(pinned ? { operatorCertificates: pinned } : {}) });
  }
  const statusLists: string[] = [];
  for (const path of options.statusList) statusLists.push((await readInput(path, "the status list")).trim());
  if (statusLists.length === 0 && options.home !== undefined && !options.offline) {
    const fromWorkspace = await workspaceStatusList(options.home, input);
    if (fromWorkspace) statusLists.push(fromWorkspace);
  }
  const report = await verifyLicence(input.trim(), { trustList, at: options.at ?? new Date(), algorithms, statusLists });
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatReport(report));
  return report.indication === "PASSED" ? EXIT.ok : report.indication === "FAILED" ? EXIT.failed : EXIT.indeterminate;
}

/**
 * The licence's current status list from the workspace's own registry, when the passphrase is in
 * the environment (no prompt: verification stays non-interactive). Without it, status is
 * INDETERMINATE unless `--status-list` is given.
 */
async function workspaceStatusList(home: string, licence: string): Promise<string | undefined> {
  const passphrase = process.env[PASSPHRASE_ENV];
  const id = statusListIdOf(licence);
  if (!passphrase || id === undefined) return undefined;
  const registry = await Registry.open({ home, passphrase });
  try {
    return await registry.public.statusList(id);
  } catch {
    return undefined;
  } finally {
    await registry.close();
  }
}
