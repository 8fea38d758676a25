/**
 * The revocation step of a JAdES validation (ETSI EN 319 102-1 §5.2.6, and §5.6.2.4 for past
 * validation): is a certificate of the signer's validated path revoked, judged with the
 * revocation values the signature carries (`rVals`, TS 119 182-1 clause 5.3.5.2) and whatever the
 * caller's checker adds? Evidence current at the time the path is judged at decides; failing that,
 * evidence gathered after a proof of existence, while the certificates were valid, settles their
 * status at that proof. A revocation after the proof of existence does not invalidate the
 * signature. The one implementation of this step, for `verifyJades` and `verifyLicence` alike;
 * {@link describeRevocationValues} says what each value showed.
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import { parseCrl, verifyCrl, type CertificateRevocationList } from "../revocation/crl.js";
import type { RevocationEvidenceResult } from "../revocation/evidence.js";
import { parseOcspResponse, verifyOcspResponse, type OcspResponse } from "../revocation/ocsp.js";
import type { Certificate } from "../x509/certificate.js";
import { CORE_REVOCATION, type JadesRevocationChecker } from "./evidence.js";
import { failed, undetermined, type JadesCheckFailure, type JadesSubIndication } from "./report.js";

/** Revocation values (`rVals`), DER. */
export interface RevocationValues {
  readonly crls: readonly Uint8Array[];
  readonly ocspResponses: readonly Uint8Array[];
}

/** Input of {@link judgeRevocation}. */
export interface RevocationStepInput {
  /** The caller's checker; without one, core's CRL and OCSP checks judge the `rVals` (if any). */
  readonly checker?: JadesRevocationChecker | undefined;
  /** The signature's `rVals`, when it carries them. */
  readonly values?: RevocationValues | undefined;
  /** The validated path, leaf first, anchor last. */
  readonly path: readonly Certificate[];
  /** The time the path was validated at (the validation time, or the proof of existence). */
  readonly at: Date;
  /** The proof of existence of the signature, when a time-stamp gives one. */
  readonly proof?: Date | undefined;
}

/** What the revocation step came to. */
export type RevocationJudgement =
  /** Neither `rVals` nor a checker: revocation was not checked. */
  | { readonly checked: false }
  | {
      readonly checked: true;
      /** `undefined` when no certificate of the path is revoked before the proof of existence. */
      readonly failure?: JadesCheckFailure;
      /** A certificate of the path was revoked, at this time (known even when the signature stands). */
      readonly revocationTime?: Date;
      /** The time the deciding evidence was judged at. */
      readonly judgedAt: Date;
      /** The deciding evidence was judged in past validation (gathered after `judgedAt`). */
      readonly pastValidation: boolean;
    };

/**
 * Judges the revocation status of the signer's path.
 *
 * @param input - the checker, the `rVals`, the path, the time it was validated at and the proof of existence
 * @returns whether it was checked, and the failure when a certificate is revoked or its status unknown
 */
export async function judgeRevocation(input: RevocationStepInput): Promise<RevocationJudgement> {
  const { values, proof } = input;
  if (!input.checker && !values) return { checked: false };
  const checker = input.checker ?? CORE_REVOCATION;
  const request = { path: input.path, crls: values?.crls ?? [], ocspResponses: values?.ocspResponses ?? [] };
  let judgedAt = input.at;
  let pastValidation = false;
  let result = await checker.check({ ...request, at: judgedAt });
  // Past validation (EN 319 102-1 §5.6.2.4): the rVals, gathered after the time-stamp while the
  // certificates were valid, settle their status at the proven time.
  if (!result.ok && result.code !== "REVOKED" && proof && values) {
    const past = await checker.check({ ...request, at: proof, pastValidation: true });
    if (past.ok || past.code === "REVOKED") [result, judgedAt, pastValidation] = [past, proof, true];
  }
  const base = { checked: true as const, judgedAt, pastValidation };
  if (result.ok) return base;
  const revocationTime = result.revocationTime;
  if (result.code === "REVOKED") {
    const withTime = { ...base, ...(revocationTime ? { revocationTime } : {}) };
    // Revoked after the signature is proven to exist: the signature stands (EN 319 102-1 §5.6.2.4).
    if (revocationTime && proof && proof.getTime() < revocationTime.getTime()) return withTime;
    const proven = proof !== undefined && revocationTime !== undefined;
    return { ...withTime, failure: proven ? failed("REVOKED", "REVOKED", result.reason) : undetermined("REVOKED_NO_POE", "REVOKED", result.reason) };
  }
  return { ...base, failure: undetermined("TRY_LATER", String(result.code).slice(0, 64), result.reason) };
}

/** What one revocation value showed. */
export interface RevocationValueOutcome {
  /** `crl` (`crlVals`) or `ocsp` (`ocspVals`), and its index there. */
  readonly source: "crl" | "ocsp";
  readonly index: number;
  /** `passed`: it settles a certificate of the path; `failed`: it shows one revoked before the proof of existence. */
  readonly result: "passed" | "failed" | "indeterminate" | "skipped";
  readonly subIndication?: JadesSubIndication;
  /** A `RevocationEvidenceCode` when it settles nothing, `REVOKED` when it shows a revocation before the proof. */
  readonly code?: string;
  /** The certificate of the path it is about, and what it says of it. */
  readonly certificate?: Certificate;
  readonly status?: "good" | "revoked";
  readonly thisUpdate?: Date;
  readonly revocationTime?: Date;
  /** The time it was judged at. */
  readonly judgedAt: Date;
}

type Parsed = { readonly source: "crl"; readonly value: CertificateRevocationList } | { readonly source: "ocsp"; readonly value: OcspResponse };

/** Evidence codes that say the value is about another certificate than the path's. */
const NOT_APPLICABLE = new Set(["EVIDENCE_NOT_APPLICABLE", "EVIDENCE_WRONG_ISSUER"]);

function parse(source: "crl" | "ocsp", der: Uint8Array): Parsed | undefined {
  try {
    return source === "crl" ? { source, value: parseCrl(der) } : { source, value: parseOcspResponse(der) };
  } catch (err) {
    if (err instanceof LicenceError) return undefined;
    throw err;
  }
}

/**
 * What each revocation value shows about the path, judged at the time (and by the rule, current or
 * past validation) the revocation step decided at. A value that settles nothing — not current,
 * unusable, signed by someone else — is INDETERMINATE (TRY_LATER) with its reason, or skipped when
 * other evidence settled the path: revocation information that cannot be validated is not used
 * (EN 319 102-1 §5.2.6), so it never counts as proof, and decides no more than the path's status.
 *
 * @param values - the `rVals` CRLs and OCSP responses, DER
 * @param path - the validated path, leaf first, trust anchor last
 * @param judgedAt - the time to judge at
 * @param proof - the proof of existence: a revocation before it is FAILED, after it passes
 * @param pastValidation - accept evidence issued after `judgedAt` while the certificate was valid
 * @param settled - the revocation step passed: values that settle nothing are skipped
 * @returns one outcome per value, CRLs first, in document order
 */
export async function describeRevocationValues(
  values: RevocationValues,
  path: readonly Certificate[],
  judgedAt: Date,
  proof: Date | undefined,
  pastValidation: boolean,
  settled: boolean,
): Promise<RevocationValueOutcome[]> {
  const out: RevocationValueOutcome[] = [];
  const unsettled = settled ? ({ result: "skipped" } as const) : ({ result: "indeterminate", subIndication: "TRY_LATER" } as const);
  const all = [...values.crls.map((der) => ["crl", der] as const), ...values.ocspResponses.map((der) => ["ocsp", der] as const)];
  for (const [position, [source, der]] of all.entries()) {
    const base = { source, index: source === "crl" ? position : position - values.crls.length, judgedAt } as const;
    const parsed = parse(source, der);
    if (!parsed) {
      out.push({ ...base, ...unsettled, code: "EVIDENCE_MALFORMED" });
      continue;
    }
    let applies: { result: Extract<RevocationEvidenceResult, { ok: true }>; certificate: Certificate } | undefined;
    let problem: Extract<RevocationEvidenceResult, { ok: false }> | undefined;
    // Every certificate of the path but the anchor, with its issuer.
    for (let i = 0; i + 1 < path.length && !applies; i++) {
      const target = { certificate: path[i]!, issuer: path[i + 1]!, at: judgedAt, ...(pastValidation ? { acceptLaterEvidence: true } : {}) };
      const result = parsed.source === "crl" ? await verifyCrl(parsed.value, target) : await verifyOcspResponse(parsed.value, target);
      if (result.ok) applies = { result, certificate: path[i]! };
      else if (!NOT_APPLICABLE.has(result.code) || problem === undefined) problem = result;
    }
    if (!applies) {
      const code = problem?.code ?? "EVIDENCE_NOT_APPLICABLE";
      out.push(NOT_APPLICABLE.has(code) ? { ...base, result: "skipped", code } : { ...base, ...unsettled, code });
      continue;
    }
    const { result, certificate } = applies;
    const shown = { ...base, certificate, status: result.status, thisUpdate: result.thisUpdate };
    if (result.status === "good") {
      out.push({ ...shown, result: "passed" });
      continue;
    }
    const revocationTime = result.revocationTime;
    // A revocation after the proof of existence (or, without one, after the time judged at) leaves the signature standing.
    const before = revocationTime.getTime() <= (proof ?? judgedAt).getTime();
    out.push(before ? { ...shown, revocationTime, result: "failed", subIndication: "REVOKED", code: "REVOKED" } : { ...shown, revocationTime, result: "passed" });
  }
  return out;
}
