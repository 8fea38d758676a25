/**
 * `elicence verify LICENCE`: verify a licence (a file, standard input, a compact string, or one
 * fetched from the registry by identifier) and print the report.
 * @module
 */
import { DEFAULT_ALGORITHMS, isJwsAlgorithm, verifyLicence, verifyTrustList, type JwsAlgorithm, type TrustList, type VerificationReport } from "@elicence/core";
import { Registry, openWorkspace } from "@elicence/registry";
import { RegistryClient, statusListIdOf } from "@elicence/sdk";
import { registryBaseUrl, withApi } from "../api.js";
import { readInput } from "../io/files.js";
import { PASSPHRASE_ENV } from "../io/passphrase.js";
import { CliError, EXIT } from "../output.js";

/** Options of the verify command. */
export interface VerifyCommandOptions {
  /** A licence file, `-` for standard input, a compact licence, or a licence identifier to fetch. */
  readonly licence: string;
  /** The workspace: its trust list, and its registry (in process) for status lists and fetching. */
  readonly home?: string;
  /** A registry server: status lists and fetching by identifier over HTTP. */
  readonly registry?: string;
  readonly trust?: string;
  readonly operatorCert?: string;
  readonly statusList: readonly string[];
  /** Verification time; now (after any status list was fetched) when omitted. */
  readonly at?: Date;
  readonly algorithms?: string;
  readonly json: boolean;
  /** Never contact a registry (no status list from the workspace's registry). */
  readonly offline?: boolean;
  /** The cause of a read, when the licence is fetched by identifier. */
  readonly matter?: string;
  readonly reason?: string;
}

/** A compact SD-JWT given on the command line: a JWS whose header starts `{"` (base64url `eyJ`). */
const COMPACT = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(~[A-Za-z0-9_-]*)*$/;
/** A licence identifier (GB/T 36903 style); parsing and the check character are the registry's job. */
const LICENCE_ID = /^1\.2\.156\.3005\.2\./;

/** What the `verify` argument is. */
export function licenceArgumentKind(argument: string): "stdin" | "compact" | "id" | "file" {
  if (argument === "-") return "stdin";
  if (COMPACT.test(argument.trim())) return "compact";
  if (LICENCE_ID.test(argument)) return "id";
  return "file";
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
    throw new CliError("usage", "verify needs exactly one of --home DIR or --trust FILE (the trust list to check against).");
  }
  if (options.home !== undefined && options.registry !== undefined) {
    throw new CliError("usage", "Give --home DIR or --registry URL, not both.", "With --registry, give the trust list with --trust FILE.");
  }
  if (options.offline && options.registry !== undefined) throw new CliError("usage", "--offline does not go with --registry.");
  const algorithms = parseAlgorithms(options.algorithms);
  const registry = options.registry !== undefined ? registryBaseUrl(options.registry) : undefined;
  const input = await licenceInput(options, registry);
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
  if (statusLists.length === 0 && !options.offline) {
    const fetched = registry !== undefined ? await remoteStatusList(registry, input) : options.home !== undefined ? await workspaceStatusList(options.home, input) : undefined;
    if (fetched) statusLists.push(fetched);
  }
  const report = await verifyLicence(input.trim(), { trustList, at: options.at ?? new Date(), algorithms, statusLists });
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatReport(report));
  return report.indication === "PASSED" ? EXIT.ok : report.indication === "FAILED" ? EXIT.failed : EXIT.indeterminate;
}

/** The licence to verify: read from a file or standard input, given inline, or fetched by identifier. */
async function licenceInput(options: VerifyCommandOptions, registry: string | undefined): Promise<string> {
  const kind = licenceArgumentKind(options.licence);
  if (kind === "compact") return options.licence.trim();
  if (kind !== "id") {
    if (options.matter !== undefined || options.reason !== undefined) throw new CliError("usage", "--matter and --reason are for fetching a licence by identifier.");
    return readInput(options.licence, "the licence");
  }
  if (options.offline) throw new CliError("usage", "--offline cannot fetch a licence by identifier.", "Verify a licence file, or a licence of an audit bundle with --bundle FILE.");
  if (options.home === undefined && registry === undefined) {
    throw new CliError("usage", "To fetch a licence by identifier, give --registry URL (or --home DIR).", "Or give a licence file, - for standard input, or a compact licence.");
  }
  if (options.matter === undefined || options.reason === undefined) {
    throw new CliError("usage", "Fetching a licence is a read: give its cause with --matter CODE and --reason TEXT.");
  }
  const cause = { matter: options.matter, reason: options.reason };
  const shared = await withApi({ ...(options.home !== undefined ? { home: options.home } : { registry: registry! }) }, (api) => api.get(options.licence, cause));
  return shared.licence;
}

/** The licence's current status list from a registry server (a public document: no API key). */
async function remoteStatusList(registry: string, licence: string): Promise<string | undefined> {
  const id = statusListIdOf(licence);
  if (id === undefined) return undefined;
  return new RegistryClient({ baseUrl: registry }).statusList(id);
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
