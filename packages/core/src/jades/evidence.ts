/**
 * Evidence in `etsiU` — time-stamp tokens and revocation values — checked through verifiers the
 * caller injects (the RFC 3161 token verifier and the revocation checker live in their own
 * modules). Without a verifier, evidence makes the step INDETERMINATE: it is never ignored, and
 * never counted as proof. The message-imprint inputs follow ETSI TS 119 182-1 clause 5.3.4
 * (`sigTst`) and 5.3.6.3.1 (`arcTst`).
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import type { Certificate } from "../x509/certificate.js";
import type { CertificateInput } from "../x509/path-validation.js";
import { failed, undetermined, type JadesCheck, type JadesCheckName } from "./report.js";
import type { TimestampContainer, UnsignedComponent } from "./unsigned.js";

/** What a time-stamp token verifier answers (the shape of `verifyTimestampToken`'s result). */
export type JadesTimestampVerification =
  | { readonly ok: true; readonly genTime: Date; readonly tsa: Certificate; readonly path: readonly Certificate[] }
  | { readonly ok: false; readonly code: string; readonly reason: string; readonly pathCode?: string };

/** What a time-stamp token verifier is given (the options of `verifyTimestampToken`). */
export interface JadesTimestampVerifyOptions {
  /** The bytes the token's message imprint must be the digest of. */
  readonly data: Uint8Array;
  readonly trustAnchors: readonly CertificateInput[];
  readonly intermediates?: readonly CertificateInput[];
  readonly at: Date;
}

/**
 * An RFC 3161 time-stamp token verifier: wire `{ verify: verifyTimestampToken }` from the
 * timestamp module here.
 */
export interface JadesTimestampVerifier {
  readonly verify: (token: Uint8Array, options: JadesTimestampVerifyOptions) => Promise<JadesTimestampVerification>;
  /** Anchors for time-stamping authorities; default: the signature's trust anchors. */
  readonly trustAnchors?: readonly CertificateInput[];
}

/** What a revocation checker is asked: is any certificate of this path revoked at `at`? */
export interface JadesRevocationRequest {
  /** The validated path, leaf first, anchor last. */
  readonly path: readonly Certificate[];
  /** CRLs from `rVals` (DER). */
  readonly crls: readonly Uint8Array[];
  /** OCSP responses from `rVals` (DER). */
  readonly ocspResponses: readonly Uint8Array[];
  readonly at: Date;
  /**
   * Past validation (EN 319 102-1 §5.6.2.4): evidence issued after `at`, while the certificate
   * was valid, also settles its status at `at` (the validator asks this at a proven time).
   */
  readonly pastValidation?: boolean;
}

/** A revocation checker's answer; `code` `REVOKED` carries the revocation time. */
export type JadesRevocationResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly reason: string; readonly revocationTime?: Date };

/**
 * A revocation checker: wire the revocation module's path validation with evidence (e.g. a
 * function calling `validateCertificatePath` with `revocation: { crls, ocspResponses, policy: "require" }`).
 */
export interface JadesRevocationChecker {
  readonly check: (request: JadesRevocationRequest) => Promise<JadesRevocationResult>;
}

/** The outcome of checking the time-stamp tokens of one kind. */
export interface TimestampOutcome {
  readonly check: JadesCheck;
  /** Generation times of the tokens that verified. */
  readonly times: readonly Date[];
}

/** Codes of a verifier's failure that say the token could not be judged, rather than that it is bad. */
const UNDECIDED_CODES: ReadonlySet<string> = new Set(["PATH_NOT_FOUND", "EXPIRED", "NOT_YET_VALID", "REVOCATION_UNKNOWN", "WORK_LIMIT_EXCEEDED"]);

function entry(check: JadesCheckName, failure: ReturnType<typeof failed>): JadesCheck {
  return { check, result: failure.result, message: failure.message, subIndication: failure.subIndication, code: failure.code.slice(0, 64) };
}

/**
 * Verifies every token of the given containers over `data(container)`.
 *
 * @param data - the message-imprint input of a container, or a failure when it cannot be computed
 */
export async function checkTimestamps(
  check: JadesCheckName,
  containers: readonly TimestampContainer[],
  data: (container: TimestampContainer) => Uint8Array | ReturnType<typeof failed>,
  verifier: JadesTimestampVerifier | undefined,
  context: { readonly trustAnchors: readonly CertificateInput[]; readonly intermediates: readonly Certificate[]; readonly at: Date },
): Promise<TimestampOutcome> {
  const what = check === "signature-timestamp" ? "signature time-stamp" : "archive time-stamp";
  if (containers.length === 0) return { check: { check, result: "skipped", message: `The signature has no ${what}.` }, times: [] };
  if (!verifier) {
    return { check: entry(check, undetermined("NO_POE", "timestamp-verifier-missing", `The signature carries a ${what}, and no time-stamp verifier was given.`)), times: [] };
  }
  const times: Date[] = [];
  for (const container of containers) {
    const input = data(container);
    if (!(input instanceof Uint8Array)) return { check: entry(check, input), times: [] };
    for (const token of container.tokens) {
      const result = await verifier.verify(token, {
        data: input,
        trustAnchors: verifier.trustAnchors ?? context.trustAnchors,
        intermediates: context.intermediates,
        at: context.at,
      });
      if (!result.ok) {
        const code = String(result.code).slice(0, 64);
        // A TSA path that cannot be judged now (expired, say) leaves the token unproven, not bad.
        const undecided = UNDECIDED_CODES.has(code) || (code === "TSA_PATH_INVALID" && result.pathCode !== undefined && UNDECIDED_CODES.has(result.pathCode));
        const failure = undecided
          ? undetermined("NO_POE", code, `A ${what} could not be verified.`)
          : failed("SIG_CONSTRAINTS_FAILURE", code, `A ${what} does not verify.`);
        return { check: entry(check, failure), times: [] };
      }
      times.push(result.genTime);
    }
  }
  return { check: { check, result: "passed", message: `Every ${what} verifies.` }, times };
}

/** TS 119 182-1 clause 5.3.4: the `sigTst` imprint input is the base64url-encoded JWS Signature Value. */
export function signatureTimestampData(signatureB64: string): Uint8Array {
  return backend.asciiBytes(signatureB64);
}

/**
 * TS 119 182-1 clause 5.3.6.3.1: the `arcTst` imprint input — the signed data octets, '.', the
 * encoded protected header, '.', the encoded signature value, '.', then every `etsiU` element
 * before the archive time-stamp, as it appears (base64url form only: clear elements would need the
 * canonicalisation `canonAlg` names, which this validator does not implement).
 */
export function archiveTimestampData(
  signedData: Uint8Array | undefined,
  protectedB64: string,
  signatureB64: string,
  components: readonly UnsignedComponent[],
  container: TimestampContainer,
): Uint8Array | ReturnType<typeof failed> {
  if (!signedData) return undetermined("SIGNED_DATA_NOT_FOUND", "arcTst-signed-data", "The archive time-stamp covers signed data that was not supplied.");
  const before = components.slice(0, container.position);
  if (before.some((c) => c.encoded === undefined)) {
    return undetermined("NO_POE", "arcTst-clear-etsiU", "The archive time-stamp covers clear etsiU elements, whose canonicalisation is not supported.");
  }
  const text = `.${protectedB64}.${signatureB64}.${before.map((c) => c.encoded).join("")}`;
  const tail = backend.asciiBytes(text);
  const out = new Uint8Array(signedData.length + tail.length);
  out.set(signedData, 0);
  out.set(tail, signedData.length);
  return out;
}

/**
 * One report entry for the time-stamps of one kind, from the outcome of each container: the first
 * that did not pass, else passed; the times of every verified token.
 */
export function combineTimestampOutcomes(check: JadesCheckName, outcomes: readonly TimestampOutcome[]): TimestampOutcome {
  const what = check === "signature-timestamp" ? "signature time-stamp" : "archive time-stamp";
  if (outcomes.length === 0) return { check: { check, result: "skipped", message: `The signature has no ${what}.` }, times: [] };
  const bad = outcomes.find((o) => o.check.result !== "passed");
  return { check: bad ? bad.check : { check, result: "passed", message: `Every ${what} verifies.` }, times: outcomes.flatMap((o) => o.times) };
}
