/**
 * The JAdES validator's outcome (`jades/validate-signature.ts`) in the licence report's vocabulary:
 * the signature check (signing certificate and signature value), the certificate-path check (the
 * validator's path and revocation steps, and the licence's own claim that it was issued while its
 * certificate was valid and not revoked), one entry per time-stamp token and per revocation value.
 * Messages and codes are the licence report's; the verdicts are the validator's.
 *
 * @module
 */
import { isoFromMillis } from "./model.js";
import type { JadesCheck } from "../jades/report.js";
import type { TimestampOutcome } from "../jades/proof-of-existence.js";
import type { RevocationJudgement, RevocationValueOutcome } from "../jades/revocation-status.js";
import type { SignatureValidation } from "../jades/validate-signature.js";
import type { ChainResult } from "../trust/trust-list.js";
import type { CheckResult, ReportCheck, ReportCheckCode, SubIndication } from "./report.js";

/** A check that did not pass, thrown inside the licence pipeline and recorded as its report entry. */
export class CheckFailure extends Error {
  constructor(
    readonly result: Exclude<CheckResult, "passed" | "skipped">,
    readonly subIndication: SubIndication,
    readonly code: ReportCheckCode,
    message: string,
  ) {
    super(message);
  }
}

/** A FAILED check. */
export const fail = (sub: SubIndication, code: ReportCheckCode, message: string) => new CheckFailure("failed", sub, code, message);
/** An INDETERMINATE check. */
export const indeterminate = (sub: SubIndication, code: ReportCheckCode, message: string) => new CheckFailure("indeterminate", sub, code, message);

/** The signer steps' codes, in the licence report's vocabulary. */
const SIGNER_CODES: Partial<Record<string, ReportCheckCode>> = {
  "x5c-mismatch": "x5t#S256",
  "kid-mismatch": "kid",
  "key-algorithm": "key-algorithm",
  key: "key",
  "weak-key": "key",
  "signature-invalid": "ERR_SIGNATURE_INVALID",
  x5c: "x5c",
};
const SIGNER_MESSAGES: Partial<Record<string, string>> = {
  "x5c-mismatch": "The certificate digest in the header is not the signing certificate's.",
  "kid-mismatch": "The kid header parameter names another certificate than the signing certificate.",
  "key-algorithm": "The signing certificate's key does not fit the algorithm.",
  key: "The signing certificate's key cannot be used.",
  "weak-key": "The signing certificate's key is shorter than the cryptographic constraints allow.",
  "signature-invalid": "The signature is not valid.",
  x5c: "A certificate in x5c cannot be parsed.",
};

/** Why the signature check did not pass (the validator's signing-certificate or signature step), if it did not. */
export function signerFailure(validation: SignatureValidation): CheckFailure | undefined {
  const { signingCertificate, signature } = validation.signer.checks;
  const step: JadesCheck | undefined = signingCertificate.result !== "passed" ? signingCertificate : signature?.result !== "passed" ? signature : undefined;
  if (!step) return undefined;
  const code = step.code ?? "";
  const known = SIGNER_CODES[code];
  if (!known) {
    return indeterminate("NO_SIGNING_CERTIFICATE_FOUND", "signing-certificate-not-found", "Neither the trust list nor the licence holds the certificate the licence names.");
  }
  return new CheckFailure(step.result as "failed" | "indeterminate", step.subIndication as SubIndication, known, SIGNER_MESSAGES[code]!);
}

/** The certificate-path message when the path holds at the proof of existence. */
export const PATH_AT_PROOF = "The signing certificate's path was valid when a time-stamp proves the signature existed.";

/**
 * The certificate-path entry when it does not pass: the validator's path and revocation steps,
 * and the licence's claim that it was issued while its certificate was valid and not revoked.
 */
export function pathCheck(validation: SignatureValidation, atIssue: ChainResult, signingTime: Date): CheckFailure | undefined {
  const path = validation.certificatePath;
  const outOfBounds = (code: string | undefined) => code === "EXPIRED" || code === "NOT_YET_VALID";
  if (path && path.result !== "passed" && !outOfBounds(path.code)) {
    const message = path.code === "PATH_NOT_FOUND" ? "The signing certificate does not chain to a trusted root." : "The signing certificate's path is not valid at the signing time.";
    return new CheckFailure(path.result as "failed" | "indeterminate", path.subIndication as SubIndication, path.code as ReportCheckCode, message);
  }
  if (!atIssue.ok && outOfBounds(atIssue.code)) return indeterminate("OUT_OF_BOUNDS_NO_POE", atIssue.code, "The signing certificate's path is not valid at the signing time.");
  if (path && path.result !== "passed") {
    const message =
      path.code === "EXPIRED"
        ? "The signing certificate has expired and nothing proves the signature was made while it was valid."
        : "The signing certificate's path is not valid at the verification time.";
    return indeterminate("OUT_OF_BOUNDS_NO_POE", path.code as ReportCheckCode, message);
  }
  return revocationFailure(validation.revocation, signingTime);
}

function revocationFailure(judgement: RevocationJudgement | undefined, signingTime: Date): CheckFailure | undefined {
  const failure = judgement?.checked ? judgement.failure : undefined;
  if (!judgement?.checked || !failure) return undefined;
  if (failure.subIndication === "REVOKED") return fail("REVOKED", "REVOKED", "The signing certificate was revoked before the signature is proven to exist.");
  if (failure.subIndication === "REVOKED_NO_POE") {
    // A licence that dates its own issue after its certificate's revocation says it was signed by a revoked certificate.
    if (judgement.revocationTime && signingTime.getTime() >= judgement.revocationTime.getTime()) {
      return fail("REVOKED", "REVOKED", "The licence claims a signing time after its signing certificate was revoked.");
    }
    return indeterminate("REVOKED_NO_POE", "REVOKED", "The signing certificate is revoked and nothing proves the signature older.");
  }
  return indeterminate("TRY_LATER", "REVOCATION_UNKNOWN", "No current, valid revocation evidence was found for the signing certificate's path.");
}

/** The report entry of one time-stamp token. */
export function timestampEntry(t: TimestampOutcome): ReportCheck {
  const timestamp = {
    kind: t.kind,
    element: t.element,
    ...(t.genTime ? { genTime: isoFromMillis(t.genTime.getTime()) } : {}),
    ...(t.tsa ? { tsa: t.tsa.subject } : {}),
    judgedAt: isoFromMillis(t.judgedAt.getTime()),
  };
  if (t.result === "passed" && t.beforeClaimedSigningTime) {
    // The claimed signing time (iat, whole seconds) cannot be after a time-stamp over the signature.
    const { genTime: _g, tsa: _t, ...unproven } = timestamp;
    return {
      check: "timestamp",
      result: "failed",
      message: "The time-stamp is older than the signing time the licence claims.",
      subIndication: "SIG_CONSTRAINTS_FAILURE",
      code: "timestamp-before-signing-time",
      timestamp: unproven,
    };
  }
  if (t.result === "passed") {
    const message = t.kind === "signature" ? "A time-stamp proves the signature existed at its time." : "An archive time-stamp proves the signature and its evidence existed at its time.";
    return { check: "timestamp", result: "passed", message, timestamp };
  }
  return { check: "timestamp", result: t.result, message: timestampMessage(t), subIndication: t.subIndication as SubIndication, code: t.code as ReportCheckCode, timestamp };
}

function timestampMessage(t: TimestampOutcome): string {
  if (t.code === "tsa-not-listed") return "The trust list does not list the time-stamp's TSA.";
  if (t.code === "arcTst-clear-etsiU") return "The archive time-stamp covers clear etsiU elements, whose canonicalisation is not supported.";
  if (t.result === "failed") return "The time-stamp does not verify.";
  if (t.pathCode === "EXPIRED" || t.pathCode === "NOT_YET_VALID") return "The time-stamp's TSA certificate is out of its validity, and nothing proves the time-stamp older.";
  return "The time-stamp's TSA cannot be validated, and nothing proves the time-stamp older.";
}

const VALUE_MESSAGES: Record<RevocationValueOutcome["result"], string> = {
  passed: "A revocation value shows a certificate of the path was not revoked.",
  failed: "A revocation value shows a certificate of the path was revoked before the signature is proven to exist.",
  indeterminate: "A revocation value does not settle its certificate's status at the time it is judged at.",
  skipped: "A revocation value is about a certificate outside the signing certificate's path.",
};

/** The report entry of one revocation value. */
export function revocationValueEntry(v: RevocationValueOutcome): ReportCheck {
  const revocation = {
    source: v.source,
    index: v.index,
    ...(v.certificate ? { certificate: v.certificate.subject } : {}),
    ...(v.status ? { status: v.status } : {}),
    ...(v.thisUpdate ? { thisUpdate: isoFromMillis(v.thisUpdate.getTime()) } : {}),
    ...(v.revocationTime ? { revocationTime: isoFromMillis(v.revocationTime.getTime()) } : {}),
    judgedAt: isoFromMillis(v.judgedAt.getTime()),
  };
  let message = VALUE_MESSAGES[v.result];
  if (v.result === "passed" && v.status === "revoked") message = "A revocation value shows a certificate of the path was revoked only after the signature is proven to exist.";
  if (v.result === "skipped" && v.code !== "EVIDENCE_NOT_APPLICABLE" && v.code !== "EVIDENCE_WRONG_ISSUER") message = "A revocation value settles nothing; other evidence settles the path's status.";
  return {
    check: "revocation-value",
    result: v.result,
    message,
    ...(v.subIndication ? { subIndication: v.subIndication as SubIndication } : {}),
    ...(v.code ? { code: v.code as ReportCheckCode } : {}),
    revocation,
  };
}
