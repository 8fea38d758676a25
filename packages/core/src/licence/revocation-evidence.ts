/**
 * The revocation values an archive licence carries (`etsiU` → `rVals`, ETSI TS 119 182-1 clause
 * 5.3.5.2), each judged on its own against the signing certificate's path: one report entry per
 * CRL and per OCSP response. A value is judged at the time the signature is proven to exist (past
 * validation, EN 319 102-1 §5.6.2.4): evidence gathered after that time, while the certificate
 * was still valid, settles its status then. A value that cannot be parsed, is signed by someone
 * else, or says a certificate was revoked before the signature is proven to exist, FAILS the
 * licence; evidence about certificates outside the path (a TSA's, say) is listed as not checked.
 *
 * @module
 */
import type { Certificate } from "../x509/certificate.js";
import { LicenceError } from "../errors/errors.js";
import { parseCrl, verifyCrl, type CertificateRevocationList } from "../revocation/crl.js";
import { parseOcspResponse, verifyOcspResponse, type OcspResponse } from "../revocation/ocsp.js";
import type { RevocationEvidenceResult } from "../revocation/evidence.js";
import { isoFromMillis } from "./model.js";
import type { ReportCheck, RevocationValueDetails, SubIndication } from "./report.js";

/** The `rVals` of an archive licence, DER. */
export interface CarriedRevocationValues {
  readonly crls: readonly Uint8Array[];
  readonly ocspResponses: readonly Uint8Array[];
}

type Parsed = { readonly source: "crl"; readonly value: CertificateRevocationList } | { readonly source: "ocsp"; readonly value: OcspResponse };

/** Evidence problems that say the value is bad, rather than that it does not apply or is not current. */
const NOT_APPLICABLE = new Set(["EVIDENCE_NOT_APPLICABLE", "EVIDENCE_WRONG_ISSUER"]);
const NOT_CURRENT = new Set(["EVIDENCE_STALE", "EVIDENCE_NOT_YET_VALID", "EVIDENCE_STATUS_UNKNOWN", "EVIDENCE_RESPONDER_ERROR"]);

function entry(
  details: RevocationValueDetails,
  result: ReportCheck["result"],
  message: string,
  extra: { sub?: SubIndication; code?: ReportCheck["code"] } = {},
): ReportCheck {
  return {
    check: "revocation-value",
    result,
    message,
    ...(extra.sub ? { subIndication: extra.sub } : {}),
    ...(extra.code ? { code: extra.code } : {}),
    revocation: details,
  };
}

function parse(source: "crl" | "ocsp", der: Uint8Array): Parsed | undefined {
  try {
    return source === "crl" ? { source, value: parseCrl(der) } : { source, value: parseOcspResponse(der) };
  } catch (err) {
    if (err instanceof LicenceError) return undefined;
    throw err;
  }
}

async function judgeFor(parsed: Parsed, certificate: Certificate, issuer: Certificate, at: Date): Promise<RevocationEvidenceResult> {
  const target = { certificate, issuer, at, acceptLaterEvidence: true };
  return parsed.source === "crl" ? verifyCrl(parsed.value, target) : verifyOcspResponse(parsed.value, target);
}

/**
 * Judges every revocation value against the signing certificate's path.
 *
 * @param values - the `rVals` CRLs and OCSP responses, DER
 * @param path - the validated path, leaf first, trust anchor last
 * @param judgedAt - the time the signature is proven to exist (epoch ms), or the verification time without proof
 * @returns one report entry per value, CRLs first, in document order
 */
export async function checkRevocationValues(values: CarriedRevocationValues, path: readonly Certificate[], judgedAt: number): Promise<ReportCheck[]> {
  const at = new Date(judgedAt);
  const checks: ReportCheck[] = [];
  const all = [...values.crls.map((der) => ["crl", der] as const), ...values.ocspResponses.map((der) => ["ocsp", der] as const)];
  for (const [index, [source, der]] of all.entries()) {
    const base = { source, index: source === "crl" ? index : index - values.crls.length, judgedAt: isoFromMillis(judgedAt) } as const;
    const parsed = parse(source, der);
    if (!parsed) {
      checks.push(entry(base, "failed", "A revocation value cannot be parsed.", { sub: "FORMAT_FAILURE", code: "EVIDENCE_MALFORMED" }));
      continue;
    }
    let settled: { result: RevocationEvidenceResult; certificate: Certificate } | undefined;
    let problem: RevocationEvidenceResult | undefined;
    // Every certificate of the path but the anchor, with its issuer.
    for (let i = 0; i + 1 < path.length && !settled; i++) {
      const result = await judgeFor(parsed, path[i]!, path[i + 1]!, at);
      if (result.ok) settled = { result, certificate: path[i]! };
      else if (!NOT_APPLICABLE.has(result.code) || problem === undefined) problem = result;
    }
    if (!settled) {
      const code = problem && !problem.ok ? problem.code : "EVIDENCE_NOT_APPLICABLE";
      if (NOT_APPLICABLE.has(code)) {
        checks.push(entry(base, "skipped", "A revocation value is about a certificate outside the signing certificate's path.", { code }));
      } else if (NOT_CURRENT.has(code)) {
        checks.push(entry(base, "indeterminate", "A revocation value does not settle its certificate's status at the time it is judged at.", { sub: "TRY_LATER", code }));
      } else {
        checks.push(entry(base, "failed", "A revocation value does not verify.", { sub: code === "EVIDENCE_MALFORMED" ? "FORMAT_FAILURE" : "SIG_CONSTRAINTS_FAILURE", code }));
      }
      continue;
    }
    const { result, certificate } = settled;
    if (!result.ok) continue;
    const details: RevocationValueDetails = { ...base, certificate: certificate.subject, status: result.status, thisUpdate: isoFromMillis(result.thisUpdate.getTime()) };
    if (result.status === "good") {
      checks.push(entry(details, "passed", "A revocation value shows a certificate of the path was not revoked."));
      continue;
    }
    const revoked = result.revocationTime.getTime();
    const withTime = { ...details, revocationTime: isoFromMillis(revoked) };
    if (revoked > judgedAt) checks.push(entry(withTime, "passed", "A revocation value shows a certificate of the path was revoked only after the signature is proven to exist."));
    else checks.push(entry(withTime, "failed", "A revocation value shows a certificate of the path was revoked before the signature is proven to exist.", { sub: "REVOKED", code: "REVOKED" }));
  }
  return checks;
}
