/**
 * Proof of existence for a licence's signature (ETSI EN 319 102-1 §5.6.2, past signature validation,
 * in the shape a licence needs): the time-stamps in `etsiU` are verified newest first — an archive
 * time-stamp is judged at the verification time, and every time-stamp it covers at the time it
 * proves — and the earliest verified time is a proof that the signature existed then. The signing
 * certificate's path is judged at the verification time; when it has expired (or been revoked)
 * since, it is judged at that proof instead.
 *
 * @module
 */
import type { RevocationOptions } from "../revocation/check.js";
import type { ChainResult, TrustList } from "../trust/trust-list.js";
import type { JadesUnsignedProperties } from "../jades/unsigned.js";
import { archiveTimestampData, signatureTimestampData, type TimestampedParts } from "../jades/timestamp-properties.js";
import { type TimestampFailureCode, type TimestampVerification, verifyTimestampToken } from "../timestamp/verify.js";
import { isoFromMillis } from "./model.js";
import type { CheckResult, ReportCheck, ReportCheckCode, SignatureLevel, SubIndication } from "./report.js";

/** The trust-list service role whose certificates may time-stamp licences. */
export const TIME_STAMPING_ROLE = "time-stamping" as const;

/** A time-stamp token found in `etsiU`, with where it stands. */
export interface UnsignedTimestamp {
  /** `signature` for `sigTst` (clause 5.3.4), `archive` for `arcTst` (clause 5.3.6). */
  readonly kind: "signature" | "archive";
  /** The TimeStampToken, DER. */
  readonly token: Uint8Array;
  /** Index of its `etsiU` element. */
  readonly element: number;
  /**
   * For an `arcTst`: the bytes its message imprint covers after the signature part — the
   * base64url-encoded `etsiU` elements before it, concatenated (clause 5.3.6.3.1.1); absent when
   * they are in the clear JSON form, whose canonicalisation this verifier does not implement.
   */
  readonly precedingElements?: string;
}

/**
 * The time-stamp tokens of `etsiU` (as the JAdES reader found them), in document order.
 *
 * @param unsigned - the unsigned properties read by `readUnsignedProperties`
 */
export function timestampsOf(unsigned: JadesUnsignedProperties): UnsignedTimestamp[] {
  const out: UnsignedTimestamp[] = [];
  for (const c of unsigned.signatureTimestamps) for (const token of c.tokens) out.push({ kind: "signature", token, element: c.position });
  for (const c of unsigned.archiveTimestamps) {
    const before = unsigned.components.slice(0, c.position);
    const precedingElements = before.every((e) => e.encoded !== undefined) ? before.map((e) => e.encoded).join("") : undefined;
    for (const token of c.tokens) out.push({ kind: "archive", token, element: c.position, ...(precedingElements !== undefined ? { precedingElements } : {}) });
  }
  return out.sort((a, b) => a.element - b.element);
}

/** What the time-stamps of a licence proved. */
export interface ProofOfExistence {
  /** One check entry per time-stamp token, in `etsiU` order. */
  readonly checks: readonly ReportCheck[];
  /** The earliest time (epoch ms) a verified time-stamp proves the signature existed at. */
  readonly signatureExisted?: number;
  readonly validSignatureTimestamps: number;
  readonly validArchiveTimestamps: number;
}

/** Sub-indication of a time-stamp that does not verify. */
const SUB: Partial<Record<TimestampFailureCode, SubIndication>> = {
  TOO_LARGE: "FORMAT_FAILURE",
  MALFORMED: "FORMAT_FAILURE",
  IMPRINT_MISMATCH: "HASH_FAILURE",
  MESSAGE_DIGEST_MISMATCH: "HASH_FAILURE",
  SIGNATURE_INVALID: "SIG_CRYPTO_FAILURE",
  ALGORITHM_UNSUPPORTED: "CRYPTO_CONSTRAINTS_FAILURE",
  TSA_CERTIFICATE_NOT_FOUND: "NO_SIGNING_CERTIFICATE_FOUND",
};

function entry(
  t: UnsignedTimestamp,
  judgedAt: number,
  result: Exclude<CheckResult, "skipped">,
  message: string,
  extra: { sub?: SubIndication; code?: ReportCheckCode; genTime?: number; tsa?: string } = {},
): ReportCheck {
  return {
    check: "timestamp",
    result,
    message,
    ...(extra.sub ? { subIndication: extra.sub } : {}),
    ...(extra.code ? { code: extra.code } : {}),
    timestamp: {
      kind: t.kind,
      element: t.element,
      ...(extra.genTime !== undefined ? { genTime: isoFromMillis(extra.genTime) } : {}),
      ...(extra.tsa ? { tsa: extra.tsa } : {}),
      judgedAt: isoFromMillis(judgedAt),
    },
  };
}

function judge(t: UnsignedTimestamp, result: TimestampVerification, judgedAt: number, trustList: TrustList, signingTime: number): ReportCheck {
  if (!result.ok) {
    // A TSA certificate that is out of its validity when judged, with no later archive time-stamp
    // to prove the token older: not proven either way.
    if (result.code === "TSA_PATH_INVALID" && (result.pathCode === "EXPIRED" || result.pathCode === "NOT_YET_VALID")) {
      return entry(t, judgedAt, "indeterminate", "The time-stamp's TSA certificate is out of its validity, and nothing proves the time-stamp older.", {
        sub: "NO_POE",
        code: result.code,
      });
    }
    const sub = result.code === "TSA_PATH_INVALID" && result.pathCode === "PATH_NOT_FOUND" ? "NO_CERTIFICATE_CHAIN_FOUND" : (SUB[result.code] ?? "SIG_CONSTRAINTS_FAILURE");
    return entry(t, judgedAt, "failed", "The time-stamp does not verify.", { sub, code: result.code });
  }
  if (!trustList.serviceCertificate(TIME_STAMPING_ROLE, result.tsa.sha256)) {
    return entry(t, judgedAt, "failed", "The trust list does not list the time-stamp's TSA.", { sub: "SIG_CONSTRAINTS_FAILURE", code: "tsa-not-listed" });
  }
  const genTime = result.genTime.getTime();
  // The claimed signing time (iat, whole seconds) cannot be after a time-stamp over the signature.
  if (t.kind === "signature" && genTime < signingTime) {
    return entry(t, judgedAt, "failed", "The time-stamp is older than the signing time the licence claims.", {
      sub: "SIG_CONSTRAINTS_FAILURE",
      code: "timestamp-before-signing-time",
    });
  }
  const message = t.kind === "signature" ? "A time-stamp proves the signature existed at its time." : "An archive time-stamp proves the signature and its evidence existed at its time.";
  return entry(t, judgedAt, "passed", message, { genTime, tsa: result.tsa.subject });
}

/**
 * Verifies every time-stamp of a licence, newest first, and returns what they proved.
 *
 * @param parts - the encoded JWS parts the time-stamps cover
 * @param timestamps - the time-stamps read from `etsiU`
 * @param trustList - anchors, certificates, and the TSAs listed for time-stamping
 * @param at - the verification time
 * @param signingTime - the claimed signing time (epoch ms)
 */
export async function establishProofOfExistence(
  parts: TimestampedParts,
  timestamps: readonly UnsignedTimestamp[],
  trustList: TrustList,
  at: Date,
  signingTime: number,
): Promise<ProofOfExistence> {
  const intermediates = (trustList.document.certificates ?? []).map((c) => trustList.certificateFromX5c(c)).filter((c) => c !== null);
  const anchors = trustList.anchors;
  // For each etsiU element, the earliest verified archive time-stamp after it proves it existed then.
  const provenAt = new Map<number, number>();
  const checks: ReportCheck[] = [];
  let signatureExisted: number | undefined;
  let validSignatureTimestamps = 0;
  let validArchiveTimestamps = 0;
  for (let i = timestamps.length - 1; i >= 0; i--) {
    const t = timestamps[i]!;
    const judgedAt = provenAt.get(t.element) ?? at.getTime();
    if (t.kind === "archive" && t.precedingElements === undefined) {
      checks.unshift(
        entry(t, judgedAt, "indeterminate", "The archive time-stamp covers clear etsiU elements, whose canonicalisation is not supported.", { sub: "NO_POE", code: "arcTst-clear-etsiU" }),
      );
      continue;
    }
    const data = t.kind === "signature" ? signatureTimestampData(parts.signatureB64) : archiveTimestampData(parts, t.precedingElements!);
    const result = await verifyTimestampToken(t.token, { data, trustAnchors: anchors, intermediates, at: new Date(judgedAt) });
    const check = judge(t, result, judgedAt, trustList, signingTime);
    checks.unshift(check);
    if (check.result !== "passed" || !result.ok) continue;
    const genTime = result.genTime.getTime();
    signatureExisted = Math.min(signatureExisted ?? genTime, genTime);
    if (t.kind === "signature") validSignatureTimestamps++;
    else {
      validArchiveTimestamps++;
      for (let e = 0; e < t.element; e++) provenAt.set(e, Math.min(provenAt.get(e) ?? genTime, genTime));
    }
  }
  return { checks, ...(signatureExisted !== undefined ? { signatureExisted } : {}), validSignatureTimestamps, validArchiveTimestamps };
}

/**
 * The level a licence reached (ETSI TS 119 182-1 clause 6): B-T with a verified signature
 * time-stamp; B-LT when the chain (`xVals`) and revocation values (`rVals`) are carried too, and
 * the revocation values verified; B-LTA with a verified archive time-stamp over all of it (an
 * archive time-stamp over a B-T signature leaves it B-T: there is no evidence for it to preserve).
 */
export function signatureLevel(poe: ProofOfExistence | undefined, carriesChain: boolean, revocationValuesVerified: boolean): SignatureLevel {
  if (!poe || poe.validSignatureTimestamps === 0) return "B-B";
  if (!carriesChain || !revocationValuesVerified) return "B-T";
  return poe.validArchiveTimestamps > 0 ? "B-LTA" : "B-LT";
}

/** How the signing certificate's path was judged. */
export type PathJudgement =
  | { readonly ok: true; readonly atProof: boolean }
  | { readonly ok: false; readonly result: "failed" | "indeterminate"; readonly sub: SubIndication; readonly code: ReportCheckCode; readonly message: string };

/** The revocation time a REVOKED path failure carries (the revocation seam), if it is one. */
function revocationTimeOf(result: ChainResult | undefined): number | undefined | null {
  if (result === undefined || result.ok || result.code !== "REVOKED") return null;
  return (result as { readonly revocationTime?: Date }).revocationTime?.getTime();
}

/**
 * Judges the signing certificate's path at the verification time, falling back on the proof of
 * existence when the certificate has expired since, or been revoked after it: EN 319 102-1 §5.6.2
 * (past signature validation). Revocation evidence says when a certificate was revoked, whatever
 * the time a path is judged at; so a path that fails only for REVOKED is judged on the times.
 *
 * @param chainAt - the path judged at the verification time
 * @param chainAtProof - the path judged at the proof of existence, when there is one
 * @param proof - the proof of existence (epoch ms)
 * @param claimedSigningTime - the signing time the licence claims (epoch ms): a signature it dates
 *   after its certificate's revocation is FAILED even without proof
 */
export function judgeSigningPath(chainAt: ChainResult, chainAtProof: ChainResult | undefined, proof: number | undefined, claimedSigningTime?: number): PathJudgement {
  if (chainAt.ok) return { ok: true, atProof: false };
  const revokedAtNow = revocationTimeOf(chainAt);
  const revokedAtProof = revocationTimeOf(chainAtProof);
  if (revokedAtNow !== null || revokedAtProof !== null) {
    const revokedAt = revokedAtNow ?? revokedAtProof ?? undefined;
    const code = revokedAtNow !== null ? chainAt.code : (chainAtProof as { readonly code: ReportCheckCode }).code;
    if (revokedAt === undefined) {
      return { ok: false, result: "indeterminate", sub: "REVOKED_NO_POE", code, message: "The signing certificate is revoked and nothing proves the signature older." };
    }
    if (proof === undefined) {
      if (claimedSigningTime !== undefined && claimedSigningTime >= revokedAt) {
        return { ok: false, result: "failed", sub: "REVOKED", code, message: "The licence claims a signing time after its signing certificate was revoked." };
      }
      return { ok: false, result: "indeterminate", sub: "REVOKED_NO_POE", code, message: "The signing certificate is revoked and nothing proves the signature older." };
    }
    if (proof >= revokedAt) return { ok: false, result: "failed", sub: "REVOKED", code, message: "The signing certificate was revoked before the signature is proven to exist." };
    // Proven to exist before the revocation: the path must hold at the proof, revocation aside.
    if (chainAtProof !== undefined && (chainAtProof.ok || revokedAtProof !== null)) return { ok: true, atProof: true };
  }
  if (chainAt.code === "EXPIRED") {
    if (proof !== undefined && chainAtProof?.ok) return { ok: true, atProof: true };
    return { ok: false, result: "indeterminate", sub: "OUT_OF_BOUNDS_NO_POE", code: chainAt.code, message: "The signing certificate has expired and nothing proves the signature was made while it was valid." };
  }
  if (chainAt.code === "NOT_YET_VALID") {
    return { ok: false, result: "indeterminate", sub: "OUT_OF_BOUNDS_NO_POE", code: chainAt.code, message: "The signing certificate's path is not valid at the verification time." };
  }
  if (chainAt.code === "PATH_NOT_FOUND") {
    return { ok: false, result: "indeterminate", sub: "NO_CERTIFICATE_CHAIN_FOUND", code: chainAt.code, message: "The signing certificate does not chain to a trusted root." };
  }
  if (chainAt.code === "REVOCATION_UNKNOWN") {
    return { ok: false, result: "indeterminate", sub: "TRY_LATER", code: chainAt.code, message: "No current, valid revocation evidence was found for the signing certificate's path." };
  }
  return { ok: false, result: "failed", sub: "CHAIN_CONSTRAINTS_FAILURE", code: chainAt.code, message: "The signing certificate's path is not valid." };
}

/** What else {@link judgeSigningCertificate} weighs. */
export interface SigningCertificateContext {
  /** Revocation evidence and policy (checked on every call, never from the path cache). */
  readonly revocation?: RevocationOptions | undefined;
  /** The signing time the licence claims (epoch ms). */
  readonly claimedSigningTime?: number;
  /**
   * Revocation evidence for judging the path at the proof of existence (e.g. the archive's
   * `rVals`, in past validation); default `revocation`.
   */
  readonly revocationAtProof?: RevocationOptions | undefined;
}

/**
 * Judges the signing certificate's chain at `at`, and at the proof of existence when that matters.
 *
 * @param trustList - the verified trust list (its path cache makes repeated judgements cheap)
 * @param x5c - the signer's chain, leaf first
 * @param at - the verification time
 * @param proof - the proof of existence of the signature (epoch ms), if any
 * @param context - revocation evidence and the claimed signing time
 */
export async function judgeSigningCertificate(
  trustList: TrustList,
  x5c: readonly string[],
  at: Date,
  proof: number | undefined,
  context: SigningCertificateContext = {},
): Promise<PathJudgement> {
  const { revocation } = context;
  const validate = async (when: Date, evidence: RevocationOptions | undefined) =>
    trustList.validateChainCached(x5c, when, evidence) ?? (await trustList.validateChain(x5c, when, evidence));
  const chainAt = await validate(at, revocation);
  const chainAtProof = !chainAt.ok && proof !== undefined ? await validate(new Date(proof), context.revocationAtProof ?? revocation) : undefined;
  return judgeSigningPath(chainAt, chainAtProof, proof, context.claimedSigningTime);
}
