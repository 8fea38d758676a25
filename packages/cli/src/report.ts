/**
 * A verification report as `verify` and `verify --bundle` print it for a person, and the exit
 * code of an indication: 0 PASSED, 1 FAILED, 2 INDETERMINATE.
 *
 * @module
 */
import { isMultiSignatureReport, type VerificationReport } from "@elicence/core";
import { EXIT } from "./output.js";

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
  if (isMultiSignatureReport(report)) {
    // A dual-signed licence: every signature is verified; one the --alg list lacks counts only if it is invalid.
    lines.push(`Signatures (${report.signatures.length}): PASSED needs every one valid and one in the allowed algorithms`);
    for (const s of report.signatures) {
      const signer = s.report.signer ? `  ${s.report.signer.subject}` : "";
      lines.push(`  ${s.index + 1}. ${(s.algorithm ?? "?").padEnd(7)} ${s.indication}${s.subIndication ? ` (${s.subIndication})` : ""}${s.allowed ? "" : "  [not in the allowed algorithms]"}${signer}`);
    }
  }
  if (report.signer) lines.push(`Signed by ${report.signer.subject} (certificate ${report.signer.certificateSha256.slice(0, 16)}…) with ${report.algorithm}`);
  lines.push(`Level ${report.level}${report.proofOfExistence ? `: a time-stamp proves the signature existed at ${report.proofOfExistence}` : ""}`);
  lines.push(`Verified for ${report.verificationTime}`);
  return `${lines.join("\n")}\n`;
}

/** The exit code of an indication: PASSED 0, FAILED 1, anything else (INDETERMINATE) 2. */
export function exitOfIndication(indication: string): number {
  return indication === "PASSED" ? EXIT.ok : indication === "FAILED" ? EXIT.failed : EXIT.indeterminate;
}
