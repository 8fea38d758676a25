/**
 * `elicence verify --presentation FILE --nonce N --audience A`: verify a holder's presentation (a
 * licence with the fields they chose and a key-binding JWT) against this verifier's challenge, with
 * the same trust list and status lists as `verify`; the report adds the key-binding checks.
 * @module
 */
import { verifyPresentation } from "@elicence/core/presentation";
import { parseAlgorithmList } from "../algorithms.js";
import { readInput } from "../io/files.js";
import { exitOfIndication, formatReport } from "../report.js";
import { loadStatusLists, loadTrustList } from "../trust-material.js";
import { registryBaseUrl } from "../api.js";
import { CliError } from "../output.js";

/** Options of `verify --presentation`. */
export interface VerifyPresentationCommandOptions {
  readonly presentation: string;
  readonly nonce?: string;
  readonly audience?: string;
  /** Oldest acceptable presentation, in seconds (default 300). */
  readonly maxAge?: number;
  readonly home?: string;
  readonly registry?: string;
  readonly trust?: string;
  readonly operatorCert?: string;
  readonly statusList: readonly string[];
  readonly at?: Date;
  readonly algorithms?: string;
  readonly offline?: boolean;
  readonly json: boolean;
}

const MARK = { passed: "✓", failed: "✗", indeterminate: "?", skipped: "-" } as const;

/** Runs `verify --presentation`; exit 0 only when the licence and its key binding PASSED. */
export async function runVerifyPresentation(options: VerifyPresentationCommandOptions): Promise<number> {
  if (options.nonce === undefined || options.audience === undefined) throw new CliError("usage", "verify --presentation needs --nonce N and --audience NAME (the challenge you gave the holder).");
  if ((options.home === undefined) === (options.trust === undefined)) throw new CliError("usage", "verify needs exactly one of --home DIR or --trust FILE (the trust list to check against).");
  const text = (await readInput(options.presentation, "the presentation")).trim();
  const trustList = await loadTrustList(options, options.at ?? new Date());
  const registry = options.registry !== undefined ? registryBaseUrl(options.registry) : undefined;
  // The status list named by the licence part (everything up to the key-binding JWT).
  const licencePart = text.slice(0, text.lastIndexOf("~") + 1);
  const statusLists = await loadStatusLists(
    { statusList: options.statusList, offline: options.offline === true, ...(registry !== undefined ? { registry } : {}), ...(options.home !== undefined ? { home: options.home } : {}) },
    licencePart,
  );
  // Now, after any status list was fetched (a list made just now is not from the future).
  const report = await verifyPresentation(text, {
    trustList,
    at: options.at ?? new Date(),
    algorithms: parseAlgorithmList(options.algorithms),
    statusLists,
    nonce: options.nonce,
    audience: options.audience,
    ...(options.maxAge !== undefined ? { maxAge: options.maxAge * 1000 } : {}),
  });
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const kb = report.keyBinding.checks.map((c) => `  ${MARK[c.result]} ${c.check.padEnd(18)} ${c.message}${c.code && c.result !== "passed" ? ` [${c.code}]` : ""}`);
    process.stdout.write(`${formatReport(report)}Key binding${report.keyBinding.holderKeyThumbprint ? ` (holder key ${report.keyBinding.holderKeyThumbprint.slice(0, 16)}…)` : ""}\n${kb.join("\n")}\n`);
  }
  return exitOfIndication(report.indication);
}
