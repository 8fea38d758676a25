/**
 * `elicence verify --jades FILE --trust-anchor PEM [--detached FILE] [--cert PEM] [--json]`: validate
 * any JAdES signature (not only a licence) with core's `verifyJades`, and print one report per
 * signature. Exit 0 only when every signature PASSED.
 * @module
 */
import { readFile, stat } from "node:fs/promises";
import { isLicenceError } from "@elicence/core";
import { decodePemBundle } from "@elicence/core/encoding";
import { JADES_ALGORITHMS, isJadesAlgorithm, verifyJades, type JadesReport, type JadesSignatureReport, type JadesDetachedContent } from "@elicence/core/jades";
import type { SignatureAlgorithm } from "@elicence/core";
import { parseTimestampAlgorithmList } from "../algorithms.js";
import { readInput } from "../io/files.js";
import { CliError, fromLicenceError } from "../output.js";
import { exitOfIndication } from "../report.js";

/** Options of `verify --jades`. */
export interface VerifyJadesCommandOptions {
  /** The JAdES document (compact, flattened or general JSON), or `-` for standard input. */
  readonly file: string;
  /** PEM files of trust anchors (each may hold several certificates). */
  readonly trustAnchors: readonly string[];
  /** PEM files of further certificates (signing certificates referenced by digest, intermediates). */
  readonly certificates: readonly string[];
  /** Detached content: `FILE` (the detached payload) or `URI=FILE` (a data object `sigD` names). */
  readonly detached: readonly string[];
  readonly at?: Date;
  readonly algorithms?: string;
  /** `--tsa-alg`: the algorithms accepted from a TSA (comma separated). */
  readonly timestampAlgorithms?: string;
  readonly json: boolean;
}

/** The largest detached file read (64 MiB). */
const MAX_DETACHED = 64 * 1024 * 1024;
const MARK: Record<string, string> = { passed: "✓", failed: "✗", indeterminate: "?", skipped: "-" };

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    if ((await stat(path)).size > MAX_DETACHED) throw new CliError("data", `${what} is larger than ${MAX_DETACHED} bytes.`);
    return new Uint8Array(await readFile(path));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError("noInput", `Cannot read ${what} ${path}.`, "Check the path and the file's permissions.");
  }
}

async function readCertificates(paths: readonly string[], what: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const path of paths) {
    try {
      out.push(...decodePemBundle(await readInput(path, what)));
    } catch (err) {
      if (isLicenceError(err)) throw new CliError("data", `${what} ${path} holds no readable PEM certificate.`, "Give a PEM file with -----BEGIN CERTIFICATE----- blocks.");
      throw err;
    }
  }
  return out;
}

function parseAlgorithms(list: string | undefined): SignatureAlgorithm[] {
  if (!list) return [...JADES_ALGORITHMS];
  const algs = list.split(",").map((a) => a.trim());
  for (const a of algs) if (!isJadesAlgorithm(a)) throw new CliError("usage", `--alg: "${a.slice(0, 20)}" is not a JAdES algorithm (${JADES_ALGORITHMS.join(", ")}).`);
  return algs as SignatureAlgorithm[];
}

async function readDetached(entries: readonly string[]): Promise<JadesDetachedContent | undefined> {
  if (entries.length === 0) return undefined;
  let content: Uint8Array | undefined;
  const documents: { uri: string; content: Uint8Array }[] = [];
  for (const entry of entries) {
    // `URI=FILE` names a data object of sigD; a URI has a scheme, so "C:\x" or "a=b.txt" without one stays a file.
    const m = /^([A-Za-z][A-Za-z0-9+.-]*:[^=]*)=(.+)$/.exec(entry);
    if (m) documents.push({ uri: m[1]!, content: await readBytes(m[2]!, "the detached content") });
    else if (content) throw new CliError("usage", "Give one detached payload (FILE); name further objects as URI=FILE.");
    else content = await readBytes(entry, "the detached content");
  }
  return { ...(content ? { content } : {}), ...(documents.length ? { documents } : {}) };
}

/** Formats a JAdES report for a person: one block per signature, counter-signatures indented. */
export function formatJadesReport(report: JadesReport): string {
  const lines = [`${report.indication}${report.subIndication ? ` (${report.subIndication})` : ""}  ${report.signatures.length} signature(s), ${report.serialisation} serialisation`];
  if (report.format) lines.push(`  ${MARK[report.format.result]} ${report.format.check.padEnd(20)} ${report.format.message} [${report.format.code}]`);
  const block = (s: JadesSignatureReport, indent: string, label: string) => {
    lines.push(`${indent}${label} ${s.index}: ${s.indication}${s.subIndication ? ` (${s.subIndication})` : ""}${s.level ? `  JAdES ${s.level}` : ""}`);
    for (const c of s.checks) lines.push(`${indent}  ${MARK[c.result]} ${c.check.padEnd(20)} ${c.message}${c.code && c.result !== "passed" ? ` [${c.code}]` : ""}`);
    if (s.signer) lines.push(`${indent}  Signed by ${s.signer.subject} (certificate ${s.signer.certificateSha256.slice(0, 16)}…) with ${s.algorithm}`);
    if (s.claimedSigningTime) lines.push(`${indent}  Claimed signing time ${s.claimedSigningTime}${s.proofOfExistence ? `, time-stamped ${s.proofOfExistence}` : ""}`);
    for (const c of s.counterSignatures) block(c, `${indent}  `, "Counter-signature");
  };
  for (const s of report.signatures) block(s, "", "Signature");
  lines.push(`Validated for ${report.verificationTime}`);
  return `${lines.join("\n")}\n`;
}

/** Runs `verify --jades`; the exit code says PASSED (0), FAILED (1) or INDETERMINATE (2). */
export async function runVerifyJades(options: VerifyJadesCommandOptions): Promise<number> {
  if (options.trustAnchors.length === 0) throw new CliError("usage", "verify --jades needs --trust-anchor PEM (the certificates a signer's path may end at).");
  const algorithms = parseAlgorithms(options.algorithms);
  const timestampAlgorithms = parseTimestampAlgorithmList(options.timestampAlgorithms);
  const text = await readInput(options.file, "the JAdES signature");
  const trustAnchors = await readCertificates(options.trustAnchors, "the trust anchor file");
  const certificates = await readCertificates(options.certificates, "the certificate file");
  const detached = await readDetached(options.detached);
  let report: JadesReport;
  try {
    report = await verifyJades(text, {
      trustAnchors,
      certificates,
      at: options.at ?? new Date(),
      algorithms,
      ...(timestampAlgorithms ? { timestampAlgorithms } : {}),
      ...(detached ? { detached } : {}),
      // An eLicence archive carries SD-JWT disclosures beside etsiU; they are not part of the JWS signature.
      unprotectedMembers: ["disclosures"],
    });
  } catch (err) {
    if (isLicenceError(err)) throw fromLicenceError(err);
    throw err;
  }
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatJadesReport(report));
  return exitOfIndication(report.indication);
}
