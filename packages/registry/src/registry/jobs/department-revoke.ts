/**
 * Revoking a department's signing certificate (`elicence department revoke`; the operator's job,
 * in process with the workspace): one transaction records the revocation (what the CRL and OCSP
 * then say) and its log event; the trust list is re-signed with the department valid until the
 * revocation time, so licences claiming a later signing time are not authorised.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import { CRL_REASONS, type CrlReason } from "@elicence/core/revocation";
import { parseCertificate } from "@elicence/core/x509";
import { readFile } from "node:fs/promises";
import type { OperatorContext } from "../context.js";
import { appendLogEvents } from "../log.js";

/** Reasons an operator may give (RFC 5280 §5.3.1; removeFromCRL belongs to delta CRLs only). */
export const DEPARTMENT_REVOCATION_REASONS: readonly CrlReason[] = Object.freeze(
  CRL_REASONS.filter((r): r is CrlReason => r !== undefined && r !== "removeFromCRL" && r !== "certificateHold" && r !== "aACompromise" && r !== "cACompromise"),
);

/** A revoked department certificate. */
export interface RevokedDepartment {
  code: string;
  serial: string;
  thumbprint: string;
  revokedAt: string;
  reason: CrlReason;
}

/**
 * Revokes the current signing certificate of a department (see `Registry.revokeDepartment`).
 *
 * @throws LicenceError `ERR_VALIDATION` (reason), `ERR_NOT_FOUND` (no such department), `ERR_CONFLICT` (already revoked)
 */
export async function revokeDepartment(ctx: OperatorContext, options: { code: string; reason: CrlReason }): Promise<RevokedDepartment> {
  if (!DEPARTMENT_REVOCATION_REASONS.includes(options.reason)) {
    throw new LicenceError("ERR_VALIDATION", "The revocation reason is not valid.", { issues: [{ path: ["reason"], message: `must be one of ${DEPARTMENT_REVOCATION_REASONS.join(", ")}` }] });
  }
  const ws = ctx.workspace;
  if (!ws.config.departments.some((d) => d.code === options.code)) throw new LicenceError("ERR_NOT_FOUND", "The workspace has no such department.");
  const cert = parseCertificate(await readFile(ws.path("departments", options.code, "signing.pem"), "utf8"));
  const thumbprint = Buffer.from(cert.sha256).toString("base64url");
  const now = ctx.now();
  // Whole seconds: CRLs and OCSP carry no fractions, and the log must say what they say.
  const at = Math.floor(now / 1000) * 1000;
  await ctx.transaction(async (tx) => {
    const done = await tx.get("SELECT serial FROM revoked_certificates WHERE serial = ?", [cert.serialNumber]);
    if (done) throw new LicenceError("ERR_CONFLICT", "The department's certificate is already revoked.");
    await tx.run("INSERT INTO revoked_certificates (serial, department, certificate, revoked_at, reason) VALUES (?, ?, ?, ?, ?)", [cert.serialNumber, options.code, thumbprint, at, options.reason]);
    await appendLogEvents(
      tx,
      [{ kind: "department", action: "revoke", at, department: ws.config.operator.code, code: options.code, certificate: thumbprint, reason: options.reason }],
      ctx.logFrontier,
    );
  });
  const listed = (await ctx.trustList.current(new Date(now))).document.departments.find((d) => d.code === options.code);
  if (listed) await ctx.trustList.refresh(new Date(now), { ...listed, validUntil: new Date(at).toISOString() });
  return { code: options.code, serial: cert.serialNumber, thumbprint, revokedAt: new Date(at).toISOString(), reason: options.reason };
}
