/**
 * Licences signed by one department with several keys — an SM2SM3 and an ES256 signature, so the
 * licence is accepted at home and by any JAdES verifier abroad. One payload (the same SD-JWT claims
 * and disclosures), one protected header per key. Two serialisations:
 *
 * - compact: one ordinary compact licence per signature (`<jws>~<disclosures>~`), each verifiable
 *   on its own by any eLicence verifier that allows its algorithm;
 * - archive: the JWS JSON general serialisation (RFC 7515 §7.2.1): `payload` and `signatures`, each
 *   signature with its protected header and the complete unprotected header of the single-signature
 *   archive form (`disclosures`, identical in every signature, and its own `etsiU` chain).
 *
 * Verification (ETSI EN 319 102-1 vocabulary): every signature present is verified, including
 * those whose algorithm the caller did not list (an invalid one must not hide behind the allow-list);
 * the licence PASSES only when every signature verifies and at least one is in the caller's
 * allow-list and PASSES all checks; any invalid signature FAILS it.
 *
 * The verifying half (`multi-signed.ts` issues); `verifyLicence` hands a general-serialisation
 * input to {@link verifyMultiSignedLicence}.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { isJwsAlgorithm, type JwsAlgorithm } from "../crypto/algorithms.js";
import { LicenceError } from "../errors/errors.js";
import { isJsonObject, parseStrictJson } from "../encoding/json.js";
import { verifyLicence, type VerifyLicenceOptions } from "./verify.js";
import type { Indication, SubIndication, VerificationReport } from "./report.js";

/** Most signatures a licence may carry. */
export const MAX_LICENCE_SIGNATURES = 4;

/** One signature of the general-serialisation archive form. */
export interface ArchiveSignature {
  readonly protected: string;
  readonly signature: string;
  readonly header: { readonly disclosures: readonly string[]; readonly etsiU?: readonly unknown[] };
}

/** The archive form of a multi-signed licence: JWS JSON general serialisation. */
export interface MultiSignedArchive {
  readonly payload: string;
  readonly signatures: readonly ArchiveSignature[];
}

/** What one signature of a multi-signed licence came to. */
export interface SignatureVerdict {
  readonly index: number;
  /** The `alg` of its protected header (`undefined` when unreadable). */
  readonly algorithm?: string;
  /** Whether the caller's allow-list has its algorithm. */
  readonly allowed: boolean;
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  /** The full report of this signature (checked with its own algorithm when not allowed). */
  readonly report: VerificationReport;
}

/** The report of a multi-signed licence: the combined verdict, and one entry per signature. */
export interface MultiSignatureReport extends VerificationReport {
  readonly signatures: readonly SignatureVerdict[];
}

function malformed(reason: string): LicenceError {
  return new LicenceError("ERR_JWS_INVALID", "The multi-signed licence is malformed.", { details: { reason } });
}

/** Reads the general serialisation strictly; `null` when the input is not one (no `signatures`). */
export function readMultiSignedArchive(input: string | Record<string, unknown>): MultiSignedArchive | null {
  let value: unknown = input;
  if (typeof input === "string") {
    if (!input.trimStart().startsWith("{") || !input.includes('"signatures"')) return null;
    value = parseStrictJson(input, { maxLength: 1024 * 1024 });
  }
  if (!isJsonObject(value) || !("signatures" in value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 2 || !keys.includes("payload")) throw malformed("members");
  const { payload, signatures } = value as { payload: unknown; signatures: unknown };
  if (typeof payload !== "string" || !Array.isArray(signatures) || signatures.length < 1 || signatures.length > MAX_LICENCE_SIGNATURES) throw malformed("signatures");
  const out: ArchiveSignature[] = [];
  for (const s of signatures) {
    if (!isJsonObject(s) || Object.keys(s).some((k) => k !== "protected" && k !== "signature" && k !== "header")) throw malformed("signature-members");
    if (typeof s.protected !== "string" || typeof s.signature !== "string" || !isJsonObject(s.header)) throw malformed("signature-members");
    out.push(s as unknown as ArchiveSignature);
  }
  const disclosures = JSON.stringify(out[0]!.header.disclosures);
  if (out.some((s) => JSON.stringify(s.header.disclosures) !== disclosures)) throw malformed("disclosures");
  return { payload, signatures: out };
}

function algorithmOf(protectedB64: string): string | undefined {
  try {
    const bytes = backend.base64urlDecode(protectedB64);
    const header = bytes && parseStrictJson(new TextDecoder().decode(bytes), { maxLength: 65_536 });
    return isJsonObject(header) && typeof header.alg === "string" ? header.alg.slice(0, 32) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a multi-signed licence (archive form): each signature with the caller's options; one
 * whose algorithm the caller did not list is still verified (with its own algorithm) and must pass.
 *
 * @param input - the general-serialisation archive, as text or object
 * @param options - as for `verifyLicence`
 * @example
 * ```ts
 * const report = await verifyMultiSignedLicence(archive, { trustList, at: new Date(), algorithms: ["ES256"] });
 * ```
 */
export async function verifyMultiSignedLicence(input: string | Record<string, unknown> | MultiSignedArchive, options: VerifyLicenceOptions): Promise<MultiSignatureReport> {
  const archive = readMultiSignedArchive(input as string | Record<string, unknown>);
  if (!archive) throw malformed("members");
  const verdicts: SignatureVerdict[] = [];
  for (const [index, s] of archive.signatures.entries()) {
    const algorithm = algorithmOf(s.protected);
    const allowed = algorithm !== undefined && (options.algorithms as readonly string[]).includes(algorithm);
    // A signature the caller did not allow is still verified, with its own algorithm added (the
    // caller's list stays for the status lists it verifies); it counts only if it is invalid.
    const own: readonly JwsAlgorithm[] = allowed ? options.algorithms : algorithm !== undefined && isJwsAlgorithm(algorithm) ? [...options.algorithms, algorithm] : options.algorithms;
    const report = await verifyLicence({ protected: s.protected, payload: archive.payload, signature: s.signature, header: s.header }, { ...options, algorithms: own });
    verdicts.push({ index, ...(algorithm !== undefined ? { algorithm } : {}), allowed, indication: report.indication, ...(report.subIndication ? { subIndication: report.subIndication } : {}), report });
  }
  const failed = verdicts.find((v) => v.indication === "FAILED");
  const accepted = verdicts.find((v) => v.allowed && v.indication === "PASSED");
  const undetermined = verdicts.find((v) => v.indication === "INDETERMINATE");
  const main = (failed ?? accepted ?? undetermined ?? verdicts[0]!).report;
  let indication: Indication;
  let subIndication: SubIndication | undefined;
  if (failed) [indication, subIndication] = ["FAILED", failed.subIndication];
  else if (!verdicts.some((v) => v.allowed)) [indication, subIndication] = ["FAILED", "CRYPTO_CONSTRAINTS_FAILURE"];
  else if (undetermined || !accepted) [indication, subIndication] = ["INDETERMINATE", (undetermined ?? verdicts[0]!).subIndication];
  else indication = "PASSED";
  const { subIndication: _ignored, ...rest } = main;
  void _ignored;
  return { ...rest, indication, ...(subIndication ? { subIndication } : {}), signatures: verdicts };
}

/**
 * The general-serialisation archive `input` is, or `null` (not one, or malformed: `verifyLicence`
 * then reports the format failure).
 */
export function multiSignedInput(input: unknown): MultiSignedArchive | null {
  if (typeof input !== "string" && (typeof input !== "object" || input === null)) return null;
  try {
    return readMultiSignedArchive(input as string | Record<string, unknown>);
  } catch {
    return null;
  }
}
