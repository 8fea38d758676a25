/**
 * `elicence verify LICENCE`: verify a licence (a file, standard input, a compact string, or one
 * fetched from the registry by identifier) and print the report. The SDK's {@link LicenceVerifier}
 * verifies; the trust list and status lists come from the CLI's one loader (`trust-material.ts`),
 * which reads and fetches them once, before verifying: a registry that cannot be reached is then
 * exit 69, not an INDETERMINATE answer, and the verifier itself never fetches.
 * @module
 */
import type { Command } from "commander";
import type { JwsAlgorithm } from "@elicence/core";
import { parseAlgorithmList, parseTimestampAlgorithmList, withAlgorithmsOf } from "../algorithms.js";
import { LicenceVerifier } from "@elicence/sdk";
import { registryBaseUrl, withApi } from "../api.js";
import { collect, parseTime, type SetExitCode } from "../flags.js";
import { joinCompactLines, licenceFile, readInput } from "../io/files.js";
import { CliError } from "../output.js";
import { exitOfIndication, formatReport } from "../report.js";
import { loadStatusLists, readTrustList } from "../trust-material.js";
import { runVerifyFromBundle } from "./bundle.js";
import { runVerifyJades } from "./verify-jades.js";
import { runVerifyQr } from "./verify-qr.js";
import { runVerifyPresentation } from "./verify-presentation.js";

/** How long the verifier may use what the loader gave it: far longer than one run. */
const RUN_STALENESS_MS = 60 * 60 * 1000;

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
  /** `--tsa-alg`: the algorithms accepted from a TSA (comma separated). */
  readonly timestampAlgorithms?: string;
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
  return parseAlgorithmList(list);
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
  const timestampAlgorithms = parseTimestampAlgorithmList(options.timestampAlgorithms);
  const registry = options.registry !== undefined ? registryBaseUrl(options.registry) : undefined;
  const input = (await licenceInput(options, registry)).trim();
  const trust = await readTrustList(options);
  const verifier = new LicenceVerifier({
    offline: true,
    algorithms,
    // The trust list is pinned (its signer's algorithm is accepted) and signs the status list key.
    documentAlgorithms: [...new Set([...algorithms, ...withAlgorithmsOf(trust.operatorCertificates)])],
    ...(timestampAlgorithms ? { timestampAlgorithms } : {}),
    maxStaleness: RUN_STALENESS_MS,
    operatorCertificates: trust.operatorCertificates,
  });
  // A trust list the user gave that does not verify is bad input (exit 65), not INDETERMINATE.
  await verifier.addTrustList(trust.token, options.at ? { at: options.at } : {});
  const statusLists = await loadStatusLists(
    { statusList: options.statusList, offline: options.offline === true, ...(registry !== undefined ? { registry } : {}), ...(options.home !== undefined ? { home: options.home } : {}) },
    input,
  );
  const report = await verifier.verify(input, { statusLists, ...(options.at ? { at: options.at } : {}) });
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatReport(report));
  return exitOfIndication(report.indication);
}

/** The licence to verify: read from a file or standard input, given inline, or fetched by identifier. */
async function licenceInput(options: VerifyCommandOptions, registry: string | undefined): Promise<string> {
  const kind = licenceArgumentKind(options.licence);
  if (kind === "compact") return options.licence.trim();
  if (kind !== "id") {
    if (options.matter !== undefined || options.reason !== undefined) throw new CliError("usage", "--matter and --reason are for fetching a licence by identifier.");
    return joinCompactLines(await readInput(options.licence, "the licence"));
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
  // A dual-signed licence: every signature is verified (its archive form).
  return shared.cosigned?.length ? licenceFile(shared.licence, "archive", undefined, shared.cosigned) : shared.licence;
}

/** Registers `elicence verify` (a licence, or one of an audit bundle with `--bundle`). */
export function registerVerify(program: Command, setExitCode: SetExitCode): void {
  program
    .command("verify")
    .description("verify a licence — a file, - for standard input, a compact licence, or an identifier fetched from --registry/--home — or one of an audit bundle with --bundle; exit 0 only when PASSED")
    .argument("[licence]", "a licence file (archive or compact form), - for standard input, a compact licence (eyJ…~…~), or a licence identifier (1.2.156.3005.2.…) to fetch; with --bundle, the identifier")
    .option("--home <dir>", "use the workspace's trust list, and its registry for status lists and fetching")
    .option("--registry <url>", "a registry server: status lists (public) and fetching by identifier (ELICENCE_API_KEY) over HTTP; needs --trust")
    .option("--trust <file>", "use this signed trust list")
    .option("--operator-cert <pem>", "pin the trust list's signer to this certificate")
    .option("--matter <code>", "fetching by identifier: approval matter code (事项编码) the read is for")
    .option("--reason <text>", "fetching by identifier: a short reason, recorded in the log")
    .option("--status-list <file>", "a status list token to check status against (repeat)", collect, [])
    .option("--at <time>", "verification time (default: now)", parseTime)
    .option("--alg <list>", "allowed algorithms, comma separated (default: ES256,EdDSA,PS256; SM2 only when listed)")
    .option("--tsa-alg <list>", "algorithms accepted from a time-stamping authority for an archive's time-stamps, comma separated (default: any supported, e.g. ES256,RS256,SM2)")
    .option("--offline", "never contact a registry (with --home: no status list from the workspace's registry)", false)
    .option("--bundle <file>", "verify licence ID (the argument) from this audit bundle, with its evidence")
    .option("--json", "print the report as JSON", false)
    .option("--jades <file>", "validate any JAdES signature in this file (compact, flattened or general JSON; - for standard input) instead of a licence")
    .option("--trust-anchor <pem>", "with --jades: a PEM file of trust anchors (repeat)", collect, [])
    .option("--cert <pem>", "with --jades: a PEM file of further certificates — signing certificates referenced by digest, intermediates (repeat)", collect, [])
    .option("--detached <file>", "with --jades: the detached payload FILE, or URI=FILE for a data object the signature's sigD names (repeat)", collect, [])
    .option("--presentation <file>", "verify a holder's presentation (a licence with key binding) from FILE, - for standard input; needs --nonce and --audience")
    .option("--nonce <nonce>", "with --presentation: the challenge you gave the holder")
    .option("--audience <name>", "with --presentation: your name, as the holder addressed it")
    .option("--max-age <seconds>", "with --presentation: the oldest presentation accepted (default 300)", (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 86400) throw new CliError("usage", "--max-age is a number of seconds from 1 to 86400.");
      return n;
    })
    .option("--qr <file>", "read the QR code of a printed licence (PNG, JPEG, or a PDF's first page) and verify what it holds")
    .addHelpText(
      "after",
      `\nExamples:\n  elicence verify licence.json --home ws                      a file; status from the workspace's registry\n  elicence verify "$(cat licence.txt)" --trust trust-list.jwt --operator-cert operator.pem --registry URL\n  elicence verify 1.2.156.3005.2.… --registry URL --trust trust-list.jwt --matter M --reason R\n  elicence verify --offline --bundle audit.json 1.2.156.3005.2.… --operator-cert operator.pem\n  elicence verify --jades decision.json --detached decision.pdf --trust-anchor root.pem   any JAdES signature\nExit codes: 0 PASSED, 1 FAILED, 2 INDETERMINATE (e.g. no status list: give --status-list, --registry or --home).`,
    )
    .action(async (licence: string | undefined, o) => {
      if (o.jades !== undefined) {
        if (licence !== undefined || o.qr !== undefined) throw new CliError("usage", "Give the JAdES file with --jades FILE, and no licence argument or --qr.");
        for (const flag of ["home", "registry", "trust", "operatorCert", "matter", "reason", "bundle"] as const) {
          if (o[flag] !== undefined) throw new CliError("usage", `--${flag.replace(/[A-Z]/g, (c: string) => `-${c.toLowerCase()}`)} does not go with --jades: give the trust anchors with --trust-anchor PEM.`);
        }
        if (o.statusList.length) throw new CliError("usage", "--status-list does not go with --jades.");
        setExitCode(
          await runVerifyJades({ file: o.jades, trustAnchors: o.trustAnchor, certificates: o.cert, detached: o.detached, at: o.at, algorithms: o.alg, timestampAlgorithms: o.tsaAlg, json: o.json }),
        );
        return;
      }
      if (o.trustAnchor.length || o.cert.length || o.detached.length) throw new CliError("usage", "--trust-anchor, --cert and --detached go with --jades FILE.");
      if (o.tsaAlg !== undefined && (o.presentation !== undefined || o.qr !== undefined || o.bundle !== undefined)) {
        throw new CliError("usage", "--tsa-alg goes with a licence in the archive form or --jades: presentations, QR codes and bundles carry compact licences without time-stamps.");
      }
      if (o.presentation !== undefined) {
        if (licence !== undefined || o.qr !== undefined || o.bundle !== undefined) throw new CliError("usage", "Give the presentation with --presentation FILE, and no licence argument, --qr or --bundle.");
        setExitCode(
          await runVerifyPresentation({
            presentation: o.presentation,
            nonce: o.nonce,
            audience: o.audience,
            maxAge: o.maxAge,
            home: o.home,
            registry: o.registry,
            trust: o.trust,
            operatorCert: o.operatorCert,
            statusList: o.statusList,
            at: o.at,
            algorithms: o.alg,
            offline: o.offline,
            json: o.json,
          }),
        );
        return;
      }
      if (o.nonce !== undefined || o.audience !== undefined || o.maxAge !== undefined) throw new CliError("usage", "--nonce, --audience and --max-age go with --presentation FILE.");
      if (licence !== undefined && o.qr !== undefined) throw new CliError("usage", "Give the licence to verify, or --qr FILE (a picture of its QR code), not both.");
      if (o.qr !== undefined) {
        if (o.bundle !== undefined || o.alg !== undefined) throw new CliError("usage", "--bundle and --alg do not go with --qr.");
        setExitCode(await runVerifyQr({ file: o.qr, home: o.home, registry: o.registry, trust: o.trust, operatorCert: o.operatorCert, statusList: o.statusList, at: o.at, offline: o.offline, matter: o.matter, reason: o.reason, json: o.json }));
        return;
      }
      if (licence === undefined) throw new CliError("usage", "verify needs a licence (a file, -, a compact licence or an identifier), --qr FILE or --jades FILE.");
      if (o.bundle !== undefined) {
        for (const flag of ["home", "registry", "trust", "matter", "reason"] as const) {
          if (o[flag] !== undefined) throw new CliError("usage", `--${flag} does not go with --bundle: the bundle carries its trust list and licences.`);
        }
        if (o.statusList.length) throw new CliError("usage", "--status-list does not go with --bundle: the bundle carries its status lists.");
        setExitCode(await runVerifyFromBundle({ file: o.bundle, id: licence, operatorCert: o.operatorCert, at: o.at, json: o.json, ...(o.alg !== undefined ? { algorithms: o.alg } : {}) }));
        return;
      }
      setExitCode(
        await runVerify({
          offline: o.offline,
          licence,
          home: o.home,
          registry: o.registry,
          trust: o.trust,
          operatorCert: o.operatorCert,
          statusList: o.statusList,
          at: o.at,
          algorithms: o.alg,
          timestampAlgorithms: o.tsaAlg,
          matter: o.matter,
          reason: o.reason,
          json: o.json,
        }),
      );
    });
}
