/**
 * `elicence print ID|FILE`: a licence as a PDF with a QR code that verifies it. An identifier is
 * read from the registry (`--home` or `--registry`, with its cause: the read is logged); a file is
 * printed as it is, after its status is checked. The PDF is written to a temporary file and
 * renamed, so a failure leaves no partial file.
 * @module
 */
import type { Command } from "commander";
import { DEFAULT_ALGORITHMS, verifyTrustList } from "@elicence/core";
import { printLicenceFromRegistry, printLicencePdf, writeFileAtomically } from "@elicence/sdk/print";
import { registryBaseUrl, withApi } from "../api.js";
import type { SetExitCode } from "../flags.js";
import { checkWritable, readInput } from "../io/files.js";
import { CliError } from "../output.js";
import { loadStatusLists, readTrustList } from "../trust-material.js";
import { licenceArgumentKind } from "./verify.js";

/** Options of the print command. */
export interface PrintCommandOptions {
  /** A licence identifier, or a licence file (compact or archive form). */
  readonly licence: string;
  readonly out: string;
  readonly home?: string;
  readonly registry?: string;
  readonly trust?: string;
  readonly operatorCert?: string;
  readonly statusList: readonly string[];
  readonly matter?: string;
  readonly reason?: string;
  readonly json: boolean;
}

/** The compact form of a licence file: compact text, or an archive (flattened JSON) turned back into `<jws>~<d>~…~`. */
function compactOf(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return trimmed;
  try {
    const a = JSON.parse(trimmed) as { protected?: unknown; payload?: unknown; signature?: unknown; header?: { disclosures?: unknown } };
    const disclosures = Array.isArray(a.header?.disclosures) ? a.header.disclosures.filter((d): d is string => typeof d === "string") : [];
    if (typeof a.protected === "string" && typeof a.payload === "string" && typeof a.signature === "string") return `${a.protected}.${a.payload}.${a.signature}~${disclosures.map((d) => `${d}~`).join("")}`;
  } catch {
    // fall through
  }
  throw new CliError("data", "The licence file is neither a compact licence nor an archive-form licence.");
}

/** Runs `print`; exit 0 once the PDF is written. */
export async function runPrint(options: PrintCommandOptions): Promise<number> {
  if (options.home !== undefined && options.registry !== undefined) throw new CliError("usage", "Give --home DIR or --registry URL, not both.");
  if (options.registry !== undefined && options.trust === undefined) throw new CliError("usage", "With --registry, give the trust list to check the licence against with --trust FILE.");
  await checkWritable(options.out);
  const registry = options.registry !== undefined ? registryBaseUrl(options.registry) : undefined;
  const material = await readTrustList({ ...(options.home !== undefined ? { home: options.home } : {}), ...(options.trust !== undefined ? { trust: options.trust } : {}), ...(options.operatorCert !== undefined ? { operatorCert: options.operatorCert } : {}) });
  const at = new Date();
  const trustList = await verifyTrustList(material.token, { at, algorithms: [...DEFAULT_ALGORITHMS], operatorCertificates: material.operatorCertificates });
  let printed;
  if (licenceArgumentKind(options.licence) === "id") {
    if (options.home === undefined && registry === undefined) throw new CliError("usage", "To print a licence by identifier, give --registry URL (or --home DIR).");
    if (options.matter === undefined || options.reason === undefined) throw new CliError("usage", "Printing a licence by identifier is a read: give its cause with --matter CODE and --reason TEXT.");
    const cause = { matter: options.matter, reason: options.reason };
    printed = await withApi({ ...(options.home !== undefined ? { home: options.home } : { registry: registry! }) }, (api) =>
      printLicenceFromRegistry(options.licence, { source: api, cause, trustList, at, ...(registry !== undefined ? { registry } : {}) }),
    );
  } else {
    if (options.matter !== undefined || options.reason !== undefined) throw new CliError("usage", "--matter and --reason are for printing a licence by identifier.");
    const compact = compactOf(await readInput(options.licence, "the licence"));
    const statusLists = await loadStatusLists({ statusList: options.statusList, ...(registry !== undefined ? { registry } : {}), ...(options.home !== undefined ? { home: options.home } : {}) }, compact);
    printed = await printLicencePdf(compact, { trustList, statusLists, at, ...(registry !== undefined ? { registry } : {}) });
  }
  try {
    await writeFileAtomically(options.out, printed.pdf);
  } catch {
    throw new CliError("cantCreate", `Cannot write ${options.out}.`, "Check that the directory exists and is writable; no file was left behind.");
  }
  const licence = printed.report.licence!;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ file: options.out, id: licence.id, bytes: printed.pdf.length, qr: { content: printed.qr.kind, version: printed.qr.version } }, null, 2)}\n`);
  } else {
    process.stdout.write(`Printed ${licence.type.name} ${licence.id} to ${options.out} (${printed.pdf.length} bytes; QR version ${printed.qr.version}, ${printed.qr.kind === "licence" ? "holds the licence: verifies offline" : "a reference: verifies online"})\n`);
  }
  return 0;
}

/** Registers `elicence print`. */
export function registerPrint(program: Command, setExitCode: SetExitCode): void {
  program
    .command("print")
    .description("print a licence as a PDF (Chinese, with a QR code that verifies it and the archive form embedded)")
    .argument("<licence>", "a licence identifier (read from --home/--registry) or a licence file (compact or archive form)")
    .option("--out <file>", "the PDF to write", "licence.pdf")
    .option("--home <dir>", "the workspace: its trust list, and its registry for reading by identifier and status")
    .option("--registry <url>", "a registry server (ELICENCE_API_KEY): read by identifier, status lists; needs --trust")
    .option("--trust <file>", "the signed trust list to check the licence against")
    .option("--operator-cert <pem>", "pin the trust list's signer to this certificate")
    .option("--status-list <file>", "a licence file: the status list token to check its status against (repeat)", (v: string, p: string[] = []) => [...p, v], [])
    .option("--matter <code>", "by identifier: approval matter code (事项编码) the read is for")
    .option("--reason <text>", "by identifier: a short reason, recorded in the log")
    .option("--json", "print what was written as JSON", false)
    .addHelpText(
      "after",
      `\nExamples:\n  elicence print 1.2.156.3005.2.… --home ws --matter M --reason R --out licence.pdf\n  elicence print licence.json --home ws --out licence.pdf\nThe QR code holds the licence (offline verification) when it fits QR version 25, else an elicence: reference (online).`,
    )
    .action(async (licence, o) => {
      setExitCode(
        await runPrint({ licence, out: o.out, home: o.home, registry: o.registry, trust: o.trust, operatorCert: o.operatorCert, statusList: o.statusList, matter: o.matter, reason: o.reason, json: o.json }),
      );
    });
}
