/**
 * The two serialisations of a dual-signed licence, one from the other: a registry hands out one
 * compact licence per signature (`<jws>~<disclosures>~`, each verifiable on its own), and the
 * archive form an auditor files is the JWS JSON general serialisation (RFC 7515 §7.2.1) joining
 * them — one `payload`, one entry of `signatures` per compact form, each with its unprotected
 * header (`disclosures`, and its own `etsiU` with its `sigTst` when the signature was time-stamped,
 * ETSI TS 119 182-1 clause 5.3.4).
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import { MAX_LICENCE_SIGNATURES, type ArchiveSignature, type MultiSignatureReport, type MultiSignedArchive } from "./multi-signed-verify.js";
import type { VerificationReport } from "./report.js";

/** One compact form and the time-stamp token over its signature (standard base64 DER), if any. */
export interface CompactSignatureForm {
  readonly licence: string;
  readonly signatureTimestamp?: string;
}

const MAX_COMPACT = 1024 * 1024;

function malformed(reason: string): LicenceError {
  return new LicenceError("ERR_JWS_INVALID", "The multi-signed licence is malformed.", { details: { reason } });
}

/**
 * Joins the compact forms of one licence's signatures into its archive form (general
 * serialisation). Every form must carry the same payload and the same disclosures.
 *
 * @param forms - one to four compact forms (the first is the licence's first signature)
 * @throws LicenceError `ERR_JWS_INVALID` when a form is not a compact JWS, or the forms differ in payload or disclosures
 * @example
 * ```ts
 * const archive = archiveOfCompacts([{ licence: record.licence }, ...(record.cosigned ?? [])]);
 * ```
 */
export function archiveOfCompacts(forms: readonly CompactSignatureForm[]): MultiSignedArchive {
  if (!Array.isArray(forms) || forms.length < 1 || forms.length > MAX_LICENCE_SIGNATURES) throw malformed("signatures");
  let payload: string | undefined;
  let disclosures: string | undefined;
  const signatures: ArchiveSignature[] = [];
  for (const form of forms as readonly CompactSignatureForm[]) {
    if (typeof form?.licence !== "string" || form.licence.length > MAX_COMPACT) throw malformed("compact");
    const [jws = "", ...rest] = form.licence.trim().split("~");
    const parts = jws.split(".");
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) throw malformed("compact");
    const [protectedB64, body, signature] = parts as [string, string, string];
    const shown = rest.filter((d) => d.length > 0);
    if (payload === undefined) [payload, disclosures] = [body, shown.join("~")];
    else if (payload !== body) throw malformed("payload");
    else if (disclosures !== shown.join("~")) throw malformed("disclosures");
    const tst = form.signatureTimestamp;
    if (tst !== undefined && (typeof tst !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(tst))) throw malformed("signature-timestamp");
    signatures.push({ protected: protectedB64, signature, header: { disclosures: shown, ...(tst ? { etsiU: [{ sigTst: { tstTokens: [{ val: tst }] } }] } : {}) } });
  }
  return { payload: payload!, signatures };
}

/** Whether a verification report is a multi-signed licence's (it has one verdict per signature). */
export function isMultiSignatureReport(report: VerificationReport): report is MultiSignatureReport {
  return Array.isArray((report as Partial<MultiSignatureReport>).signatures);
}
