/**
 * Proof of existence from the time-stamps in `etsiU` (ETSI EN 319 102-1 §5.6.2, past signature
 * validation): every token of the signature time-stamps (`sigTst`, TS 119 182-1 clause 5.3.4) and
 * archive time-stamps (`arcTst`, clause 5.3.6) is verified on its own, newest first — an archive
 * time-stamp proves that every element before it existed at its time, so an older token (whose
 * TSA certificate may have expired since) is judged at that time rather than at the validation
 * time. The earliest time a verified token proves is the signature's proof of existence. The one
 * implementation of this step, for `verifyJades` and `verifyLicence` alike.
 *
 * @module
 */
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import type { Certificate } from "../x509/certificate.js";
import type { CertificateInput } from "../x509/path-validation.js";
import type { JadesTimestampVerification, JadesTimestampVerifier } from "./evidence.js";
import { failed, undetermined, type JadesCheckFailure, type JadesLevel, type JadesSubIndication } from "./report.js";
import { archiveTimestampImprint, signatureTimestampData } from "./timestamp-properties.js";
import type { JadesUnsignedProperties } from "./unsigned.js";

/** What one time-stamp token came to. */
export interface TimestampOutcome {
  /** `signature` for a `sigTst` token, `archive` for an `arcTst` token. */
  readonly kind: "signature" | "archive";
  /** Index of the `etsiU` element that carries it. */
  readonly element: number;
  /** Its index among the tokens of that element. */
  readonly index: number;
  /** The time the TSA's path was judged at: the validation time, or the time a later archive time-stamp proves. */
  readonly judgedAt: Date;
  /** `passed` when the token verified and proves its time; else why not. */
  readonly result: "passed" | "failed" | "indeterminate";
  readonly subIndication?: JadesSubIndication;
  /** The verifier's code, or this module's (`arcTst-clear-etsiU`, …). */
  readonly code?: string;
  /** For a TSA whose path does not validate: the path validation's code. */
  readonly pathCode?: string;
  /** When it verified: the time it proves the covered data existed at, and the TSA's certificate. */
  readonly genTime?: Date;
  readonly tsa?: Certificate;
  /** A verified signature time-stamp older than the signature's claimed signing time. */
  readonly beforeClaimedSigningTime?: boolean;
}

/** What the time-stamps of a signature proved. */
export interface ProofOfExistence {
  /** One outcome per token, in `etsiU` order. */
  readonly timestamps: readonly TimestampOutcome[];
  /** The earliest time a verified token proves the signature existed at. */
  readonly signatureExisted?: Date;
  /** How many signature and archive time-stamp tokens verified. */
  readonly signatureTimestamps: number;
  readonly archiveTimestamps: number;
  /** True when the claimed signing time is after a time a verified signature time-stamp proves. */
  readonly claimedSigningTimeAfterProof: boolean;
}

/** Input of {@link establishProofOfExistence}. */
export interface ProofOfExistenceInput {
  readonly unsigned: JadesUnsignedProperties;
  /** The encoded protected header and signature value, as in the JWS. */
  readonly protectedB64: string;
  readonly signatureB64: string;
  /** The signed data octets an archive time-stamp covers first; `undefined` when they are not available. */
  readonly signedData: Uint8Array | undefined;
  readonly verifier: JadesTimestampVerifier;
  /** Anchors for the TSAs (a verifier's own `trustAnchors` take precedence). */
  readonly trustAnchors: readonly CertificateInput[];
  /** Certificates that may help build a TSA's path. */
  readonly intermediates: readonly CertificateInput[];
  /** The validation time. */
  readonly at: Date;
  /** The claimed signing time (`iat` or `sigT`), when the signature has one. */
  readonly claimedSigningTime?: Date;
  /** The signature algorithms accepted from a TSA (absent: any the verifier implements). */
  readonly algorithms?: readonly SignatureAlgorithm[];
  /**
   * The caller's own acceptance of a TSA whose token verified (a trust list's time-stamping
   * services, say): a failure to refuse it, `undefined` to accept it.
   */
  readonly acceptTsa?: (tsa: Certificate) => JadesCheckFailure | undefined;
}

/**
 * Failure codes that say a token could not be judged, rather than that it is bad: its TSA's path
 * cannot be built or is out of its validity at the time it is judged (EN 319 102-1 §5.4: the
 * time-stamp validation is then INDETERMINATE, and the token proves nothing).
 */
const UNDECIDED: ReadonlySet<string> = new Set(["PATH_NOT_FOUND", "EXPIRED", "NOT_YET_VALID", "REVOCATION_UNKNOWN", "WORK_LIMIT_EXCEEDED"]);

/** The sub-indication of a token that does not verify (EN 319 102-1 Table 5), by the verifier's code. */
const FAILED_SUB: Partial<Record<string, JadesSubIndication>> = {
  TOO_LARGE: "FORMAT_FAILURE",
  MALFORMED: "FORMAT_FAILURE",
  IMPRINT_MISMATCH: "HASH_FAILURE",
  MESSAGE_DIGEST_MISMATCH: "HASH_FAILURE",
  SIGNATURE_INVALID: "SIG_CRYPTO_FAILURE",
  ALGORITHM_UNSUPPORTED: "CRYPTO_CONSTRAINTS_FAILURE",
  ALGORITHM_NOT_ALLOWED: "CRYPTO_CONSTRAINTS_FAILURE",
  TSA_CERTIFICATE_NOT_FOUND: "NO_SIGNING_CERTIFICATE_FOUND",
};

/** Judges a verifier's answer: a refused token is FAILED, an undecidable one INDETERMINATE (NO_POE). */
function judgeVerification(result: Extract<JadesTimestampVerification, { ok: false }>): JadesCheckFailure {
  const code = String(result.code).slice(0, 64);
  const undecided = UNDECIDED.has(code) || (code === "TSA_PATH_INVALID" && result.pathCode !== undefined && UNDECIDED.has(result.pathCode));
  if (undecided) return undetermined("NO_POE", code, "The time-stamp's TSA cannot be validated at the time it is judged at, and nothing proves the time-stamp older.");
  return failed(FAILED_SUB[code] ?? "SIG_CONSTRAINTS_FAILURE", code, "The time-stamp does not verify.");
}

function outcome(
  base: Pick<TimestampOutcome, "kind" | "element" | "index" | "judgedAt">,
  verdict: JadesCheckFailure | { readonly genTime: Date; readonly tsa: Certificate; readonly beforeClaimedSigningTime: boolean },
): TimestampOutcome {
  if ("genTime" in verdict) {
    return { ...base, result: "passed", genTime: verdict.genTime, tsa: verdict.tsa, ...(verdict.beforeClaimedSigningTime ? { beforeClaimedSigningTime: true } : {}) };
  }
  return { ...base, result: verdict.result, subIndication: verdict.subIndication, code: verdict.code };
}

/**
 * Verifies every time-stamp token of `etsiU`, newest first, each at the time the archive
 * time-stamps after it prove (the validation time when none does), and returns what they proved.
 *
 * @param input - the unsigned properties, the encoded JWS parts, the verifier and its anchors
 * @returns one outcome per token and the proof of existence
 */
export async function establishProofOfExistence(input: ProofOfExistenceInput): Promise<ProofOfExistence> {
  const { unsigned, verifier } = input;
  const tokens: { kind: "signature" | "archive"; element: number; index: number; token: Uint8Array }[] = [];
  for (const c of unsigned.signatureTimestamps) c.tokens.forEach((token, index) => tokens.push({ kind: "signature", element: c.position, index, token }));
  for (const c of unsigned.archiveTimestamps) c.tokens.forEach((token, index) => tokens.push({ kind: "archive", element: c.position, index, token }));
  tokens.sort((a, b) => a.element - b.element || a.index - b.index);
  // For each etsiU element, the earliest verified archive time-stamp after it proves it existed then
  // (clause 5.3.6.3.1: an arcTst covers the signature and every element before it; a sigTst covers
  // the signature value only, so it proves nothing about other elements).
  const provenAt = new Map<number, number>();
  const outcomes: TimestampOutcome[] = [];
  let signatureExisted: number | undefined;
  let signatureTimestamps = 0;
  let archiveTimestamps = 0;
  let claimedSigningTimeAfterProof = false;
  const claimed = input.claimedSigningTime?.getTime();
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    const judgedAt = new Date(provenAt.get(t.element) ?? input.at.getTime());
    const base = { kind: t.kind, element: t.element, index: t.index, judgedAt };
    const data =
      t.kind === "signature"
        ? signatureTimestampData(input.signatureB64)
        : archiveTimestampData(input.signedData, input.protectedB64, input.signatureB64, unsigned, t.element);
    if (!(data instanceof Uint8Array)) {
      outcomes.unshift(outcome(base, data));
      continue;
    }
    const result = await verifier.verify(t.token, {
      data,
      trustAnchors: verifier.trustAnchors ?? input.trustAnchors,
      intermediates: input.intermediates,
      at: judgedAt,
      ...(input.algorithms ? { algorithms: input.algorithms } : {}),
    });
    if (!result.ok) {
      outcomes.unshift({ ...outcome(base, judgeVerification(result)), ...(result.pathCode !== undefined ? { pathCode: result.pathCode } : {}) });
      continue;
    }
    const refused = input.acceptTsa?.(result.tsa);
    if (refused) {
      outcomes.unshift(outcome(base, refused));
      continue;
    }
    const genTime = result.genTime.getTime();
    // The claimed signing time cannot be after a time-stamp over the signature value: the token
    // still proves what it proves; the claim is what is wrong.
    const before = t.kind === "signature" && claimed !== undefined && genTime < claimed;
    if (before) claimedSigningTimeAfterProof = true;
    outcomes.unshift(outcome(base, { genTime: result.genTime, tsa: result.tsa, beforeClaimedSigningTime: before }));
    signatureExisted = Math.min(signatureExisted ?? genTime, genTime);
    if (t.kind === "signature") signatureTimestamps++;
    else {
      archiveTimestamps++;
      for (let e = 0; e < t.element; e++) provenAt.set(e, Math.min(provenAt.get(e) ?? genTime, genTime));
    }
  }
  return {
    timestamps: outcomes,
    ...(signatureExisted !== undefined ? { signatureExisted: new Date(signatureExisted) } : {}),
    signatureTimestamps,
    archiveTimestamps,
    claimedSigningTimeAfterProof,
  };
}

/**
 * TS 119 182-1 clause 5.3.6.3.1: the `arcTst` imprint input over the signed data and every `etsiU`
 * element before the archive time-stamp, as it appears (base64url form only: clear elements would
 * need the canonicalisation `canonAlg` names, which is not implemented).
 */
function archiveTimestampData(
  signedData: Uint8Array | undefined,
  protectedB64: string,
  signatureB64: string,
  unsigned: JadesUnsignedProperties,
  element: number,
): Uint8Array | JadesCheckFailure {
  if (!signedData) return undetermined("SIGNED_DATA_NOT_FOUND", "arcTst-signed-data", "The archive time-stamp covers signed data that was not supplied.");
  const before = unsigned.components.slice(0, element);
  if (before.some((c) => c.encoded === undefined)) {
    return undetermined("NO_POE", "arcTst-clear-etsiU", "The archive time-stamp covers clear etsiU elements, whose canonicalisation is not supported.");
  }
  return archiveTimestampImprint(signedData, protectedB64, signatureB64, before.map((c) => c.encoded).join(""));
}

/** What {@link signatureLevel} weighs. */
export interface LevelEvidence {
  /** The signed header references the signing certificate and claims a signing time (B-B, clause 6). */
  readonly baseline: boolean;
  readonly proof: ProofOfExistence | undefined;
  /** `etsiU` carries certificate values (`xVals`). */
  readonly certificateValues: boolean;
  /** `etsiU` carries revocation values (`rVals`) and the revocation step passed with them. */
  readonly revocationValuesChecked: boolean;
}

/**
 * The baseline level reached (ETSI TS 119 182-1 clause 6): B-T with a verified signature
 * time-stamp; B-LT when `xVals` and `rVals` are carried too and the revocation step passed; B-LTA
 * with a verified archive time-stamp over all of it (an archive time-stamp over a B-T signature
 * leaves it B-T: there is no validation material for it to preserve). `undefined` below B-B.
 */
export function signatureLevel(evidence: LevelEvidence): JadesLevel | undefined {
  if (!evidence.baseline) return undefined;
  const proof = evidence.proof;
  if (!proof || proof.signatureTimestamps === 0) return "B-B";
  if (!evidence.certificateValues || !evidence.revocationValuesChecked) return "B-T";
  return proof.archiveTimestamps > 0 ? "B-LTA" : "B-LT";
}
