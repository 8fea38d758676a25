/**
 * `elicence verify --qr IMAGE|PDF`: read a printed licence's QR code — from a PNG or JPEG, or the
 * first page of a PDF — and verify what it holds: the licence itself offline (with the trust list
 * and a status list), or a reference online, fetched from the user's own registry (`--registry`
 * or `--home`, never the URL in the QR: an API key goes only where the user sends it) and checked
 * against the reference's digest.
 * @module
 */
import { readFile } from "node:fs/promises";
import { LicenceVerifier, verifyQrText, type QrVerification } from "@elicence/sdk";
import { imageKind, readQrFromImage } from "@elicence/sdk/print";
import { DEFAULT_ALGORITHMS } from "@elicence/core";
import { registryBaseUrl, withApi } from "../api.js";
import { renderFirstPage } from "../io/pdf-page.js";
import { CliError } from "../output.js";
import { exitOfIndication, formatReport } from "../report.js";
import { loadStatusLists, readTrustList } from "../trust-material.js";

/** The largest picture or PDF read. */
const MAX_QR_FILE = 32 * 1024 * 1024;
const RUN_STALENESS_MS = 60 * 60 * 1000;

/** Options of `verify --qr`. */
export interface VerifyQrCommandOptions {
  readonly file: string;
  readonly home?: string;
  readonly registry?: string;
  readonly trust?: string;
  readonly operatorCert?: string;
  readonly statusList: readonly string[];
  readonly at?: Date;
  readonly offline?: boolean;
  readonly matter?: string;
  readonly reason?: string;
  readonly json: boolean;
}

/** The QR text of a picture or a PDF's first page. */
async function qrText(file: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch {
    throw new CliError("noInput", `Cannot read the picture ${file}.`, "Check the path and the file's permissions.");
  }
  if (bytes.length > MAX_QR_FILE) throw new CliError("data", `The picture is larger than ${MAX_QR_FILE} bytes.`);
  return readQrFromImage(imageKind(bytes) === "pdf" ? await renderFirstPage(bytes) : bytes);
}

/** Formats a QR verification for a person. */
function formatQr(result: QrVerification): string {
  const lines: string[] = [];
  if (result.content === "licence") lines.push("QR code: holds the licence (verified offline)");
  else {
    const r = result.reference!;
    lines.push(`QR code: a reference to ${r.id} at ${r.registry} (verified online)`);
    if (result.reason === "reference-not-resolved") lines.push("  not resolved: give --registry URL (or --home DIR) with --matter and --reason to fetch it");
    if (result.reason === "reference-digest-mismatch") lines.push("  ✗ the registry's licence is not the one the QR code names (digest differs)");
    if (result.reason === "reference-id-mismatch") lines.push("  ✗ the registry answered a different licence");
  }
  if (!result.report || result.indication !== result.report.indication) lines.push(result.indication);
  return `${lines.join("\n")}\n${result.report ? formatReport(result.report) : ""}`;
}

/** Runs `verify --qr`; the exit code says PASSED (0), FAILED (1) or INDETERMINATE (2). */
export async function runVerifyQr(options: VerifyQrCommandOptions): Promise<number> {
  if ((options.home === undefined) === (options.trust === undefined)) {
    throw new CliError("usage", "verify --qr needs exactly one of --home DIR or --trust FILE (the trust list to check against).");
  }
  if (options.home !== undefined && options.registry !== undefined) throw new CliError("usage", "Give --home DIR or --registry URL, not both.");
  if (options.offline && options.registry !== undefined) throw new CliError("usage", "--offline does not go with --registry.");
  const registry = options.registry !== undefined ? registryBaseUrl(options.registry) : undefined;
  const text = await qrText(options.file);
  const trust = await readTrustList(options);
  const verifier = new LicenceVerifier({
    offline: true,
    algorithms: [...DEFAULT_ALGORITHMS],
    maxStaleness: RUN_STALENESS_MS,
    operatorCertificates: trust.operatorCertificates,
  });
  await verifier.addTrustList(trust.token, options.at ? { at: options.at } : {});
  const where = { ...(registry !== undefined ? { registry } : {}), ...(options.home !== undefined ? { home: options.home } : {}) };
  const online = !options.offline && (registry !== undefined || options.home !== undefined);
  const result = await verifyQrText(text, {
    verify: async (licence) => {
      const statusLists = await loadStatusLists({ statusList: options.statusList, offline: options.offline === true, ...where }, licence);
      return verifier.verify(licence, { statusLists, ...(options.at ? { at: options.at } : {}) });
    },
    ...(online
      ? {
          resolve: async (reference) => {
            if (options.matter === undefined || options.reason === undefined) {
              throw new CliError("usage", "The QR code is a reference: fetching the licence is a read, give its cause with --matter CODE and --reason TEXT.");
            }
            const cause = { matter: options.matter, reason: options.reason };
            return (await withApi(where, (api) => api.get(reference.id, cause))).licence;
          },
        }
      : {}),
  });
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(formatQr(result));
  return exitOfIndication(result.indication);
}
