/**
 * Revocation checking of a certification path (RFC 5280 §6.1.3 (a)(3)), from evidence the caller
 * gives (DER CRLs, OCSP responses) or fetches through its own fetcher: core does no I/O.
 *
 * Fail closed: every certificate of the path but the trust anchor needs current, valid evidence
 * from its issuer, else the path fails with `REVOCATION_UNKNOWN`. Evidence that says the
 * certificate is revoked fails the path with `REVOKED`, whatever the revocation time: the failure
 * carries `revocationTime`, so that a caller holding proof that a signature existed before it
 * (ETSI EN 319 102-1 §5.6.2.4) may still accept the signature. When several pieces of evidence
 * apply, a revocation wins over a good status.
 *
 * @module
 */
import type { Certificate } from "../x509/certificate.js";
import type { PathValidationFailure } from "../x509/path-validation.js";
import { type CertificateRevocationList, MAX_CRL_BYTES, parseCrl, verifyCrl } from "./crl.js";
import { readCrlDistributionPoints, readOcspUrls } from "./distribution-points.js";
import { type RevocationEvidenceProblem, type RevocationEvidenceResult, type RevocationStatusRevoked, evidenceProblem } from "./evidence.js";
import { MAX_OCSP_RESPONSE_BYTES, parseOcspResponse, verifyOcspResponse, type OcspResponse } from "./ocsp.js";
import { buildOcspRequest } from "./ocsp-request.js";

/** What the caller's fetcher is asked for: a CRL by URL, or an OCSP response for a DER request. */
export type RevocationFetchRequest =
  | { readonly kind: "crl"; readonly url: string }
  | { readonly kind: "ocsp"; readonly url: string; readonly request: Uint8Array };

/**
 * Fetches revocation evidence (the caller's I/O): the CRL at `url` (`GET`), or the OCSP response
 * to `request` (`POST application/ocsp-request`). Returns the DER body, or `undefined` when there
 * is none; may throw (treated as unavailable evidence).
 */
export type RevocationFetcher = (request: RevocationFetchRequest) => Promise<Uint8Array | undefined>;

/** Revocation options of path validation. */
export interface RevocationOptions {
  /** DER CRLs the caller holds (e.g. from an archive's `rVals`). */
  readonly crls?: readonly Uint8Array[];
  /** DER OCSP responses the caller holds. */
  readonly ocspResponses?: readonly Uint8Array[];
  /**
   * Called for a certificate that the given evidence does not settle: OCSP at the certificate's
   * AIA URLs first (with a fresh nonce), then its CRL distribution points.
   */
  readonly fetch?: RevocationFetcher;
  /** `"require"` (the only policy, the default): no current, valid evidence → `REVOCATION_UNKNOWN`. */
  readonly policy?: "require";
  /**
   * The time evidence must be current at; default: the path validation's `at`. A verifier that
   * validates a signature at its signing time but checks revocation now passes the current time.
   */
  readonly at?: Date;
  /** How long evidence without `nextUpdate` stays current after `thisUpdate`, in seconds (default 0). */
  readonly maxAgeSeconds?: number;
  /**
   * Past validation (EN 319 102-1 §5.6.2.4): evidence issued after the time it is judged at, while
   * the certificate was valid, also settles its status then (e.g. an archive's `rVals`, gathered
   * after the signature time-stamp). Default `false`.
   */
  readonly acceptLaterEvidence?: boolean;
}

/** Most pieces of evidence given in one call. */
const MAX_EVIDENCE = 64;
const MAX_URLS = 4;

interface ParsedEvidence {
  readonly crls: readonly CertificateRevocationList[];
  readonly ocsp: readonly OcspResponse[];
  readonly problems: RevocationEvidenceProblem[];
}

function parseGiven(options: RevocationOptions): ParsedEvidence {
  const problems: RevocationEvidenceProblem[] = [];
  const crls: CertificateRevocationList[] = [];
  const ocsp: OcspResponse[] = [];
  for (const der of options.crls ?? []) {
    try {
      crls.push(parseCrl(der));
    } catch {
      problems.push(evidenceProblem("crl", "EVIDENCE_MALFORMED", "A CRL cannot be parsed."));
    }
  }
  for (const der of options.ocspResponses ?? []) {
    try {
      ocsp.push(parseOcspResponse(der));
    } catch {
      problems.push(evidenceProblem("ocsp", "EVIDENCE_MALFORMED", "An OCSP response cannot be parsed."));
    }
  }
  return { crls, ocsp, problems };
}

/** @internal Checks revocation options; TypeError on misuse. */
export function checkRevocationOptions(options: RevocationOptions): void {
  if (typeof options !== "object" || options === null) throw new TypeError("options.revocation must be an object.");
  for (const key of ["crls", "ocspResponses"] as const) {
    const list = options[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((d) => !(d instanceof Uint8Array)))) throw new TypeError(`options.revocation.${key} must list DER bytes.`);
    if ((list?.length ?? 0) > MAX_EVIDENCE) throw new TypeError(`options.revocation.${key} holds more than ${MAX_EVIDENCE} items.`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== "function") throw new TypeError("options.revocation.fetch must be a function.");
  if (options.acceptLaterEvidence !== undefined && typeof options.acceptLaterEvidence !== "boolean") throw new TypeError("options.revocation.acceptLaterEvidence must be a boolean.");
  if (options.policy !== undefined && options.policy !== "require") throw new TypeError('options.revocation.policy must be "require".');
  if (options.at !== undefined && (!(options.at instanceof Date) || Number.isNaN(options.at.getTime()))) throw new TypeError("options.revocation.at must be a valid Date.");
  const age = options.maxAgeSeconds;
  if (age !== undefined && (!Number.isInteger(age) || age < 0 || age > 366 * 86400)) throw new TypeError("options.revocation.maxAgeSeconds must be an integer from 0 to 31622400.");
}

/** Judges every piece of evidence for one certificate; the settled status, or the problems. */
async function judge(
  certificate: Certificate,
  issuer: Certificate,
  evidence: { crls: readonly CertificateRevocationList[]; ocsp: readonly OcspResponse[]; nonce?: Uint8Array },
  options: RevocationOptions,
  at: Date,
): Promise<{ revoked?: RevocationStatusRevoked; good: boolean; problems: RevocationEvidenceProblem[] }> {
  const target = {
    certificate,
    issuer,
    at: options.at ?? at,
    ...(options.maxAgeSeconds !== undefined ? { maxAgeSeconds: options.maxAgeSeconds } : {}),
    ...(options.acceptLaterEvidence ? { acceptLaterEvidence: true } : {}),
  };
  const results: RevocationEvidenceResult[] = [];
  // Evidence about other certificates is expected in a shared pool: only count what names this one.
  for (const crl of evidence.crls) if (crl.issuer.equals(certificate.issuerName)) results.push(await verifyCrl(crl, target));
  for (const response of evidence.ocsp) {
    const result = await verifyOcspResponse(response, { ...target, ...(evidence.nonce ? { nonce: evidence.nonce } : {}) });
    if (!(result.ok === false && result.code === "EVIDENCE_NOT_APPLICABLE" && evidence.nonce === undefined)) results.push(result);
  }
  let revoked: RevocationStatusRevoked | undefined;
  let good = false;
  const problems: RevocationEvidenceProblem[] = [];
  for (const r of results) {
    if (!r.ok) problems.push(r);
    else if (r.status === "good") good = true;
    else if (revoked === undefined || r.revocationTime < revoked.revocationTime) revoked = r;
  }
  return { ...(revoked ? { revoked } : {}), good, problems };
}

/** What fetching settled for one certificate, with the DER of the evidence that settled it. */
export interface FetchedEvidence {
  readonly revoked?: RevocationStatusRevoked;
  readonly good: boolean;
  readonly problems: RevocationEvidenceProblem[];
  readonly evidence?: { readonly kind: "crl" | "ocsp"; readonly der: Uint8Array };
}

/**
 * Fetches evidence for one certificate through the caller's fetcher: OCSP at its AIA URLs (with a
 * fresh nonce), then its CRL distribution points; stops at the first that settles its status.
 *
 * @internal shared by the path check and the `rVals` collector
 */
export async function fetchEvidence(
  certificate: Certificate,
  issuer: Certificate,
  fetcher: RevocationFetcher,
  options: RevocationOptions,
  at: Date,
): Promise<FetchedEvidence> {
  const problems: RevocationEvidenceProblem[] = [];
  let ocspUrls: readonly string[] = [];
  let crlUrls: readonly string[] = [];
  try {
    ocspUrls = readOcspUrls(certificate).slice(0, MAX_URLS);
    crlUrls = readCrlDistributionPoints(certificate)
      .flatMap((p) => p.urls)
      .slice(0, MAX_URLS);
  } catch {
    problems.push(evidenceProblem("fetch", "EVIDENCE_UNAVAILABLE", "The certificate's evidence locations cannot be read."));
  }
  for (const url of ocspUrls) {
    const request = buildOcspRequest({ certificate, issuer });
    const body = await callFetcher(fetcher, { kind: "ocsp", url, request: request.der }, MAX_OCSP_RESPONSE_BYTES);
    if (!(body instanceof Uint8Array)) {
      problems.push(body);
      continue;
    }
    let response: OcspResponse;
    try {
      response = parseOcspResponse(body);
    } catch {
      problems.push(evidenceProblem("ocsp", "EVIDENCE_MALFORMED", "An OCSP response cannot be parsed."));
      continue;
    }
    const judged = await judge(certificate, issuer, { crls: [], ocsp: [response], ...(request.nonce ? { nonce: request.nonce } : {}) }, options, at);
    if (judged.revoked || judged.good) return { ...judged, evidence: { kind: "ocsp", der: body } };
    problems.push(...judged.problems);
  }
  for (const url of crlUrls) {
    const body = await callFetcher(fetcher, { kind: "crl", url }, MAX_CRL_BYTES);
    if (!(body instanceof Uint8Array)) {
      problems.push(body);
      continue;
    }
    let crl: CertificateRevocationList;
    try {
      crl = parseCrl(body);
    } catch {
      problems.push(evidenceProblem("crl", "EVIDENCE_MALFORMED", "A CRL cannot be parsed."));
      continue;
    }
    const judged = await judge(certificate, issuer, { crls: [crl], ocsp: [] }, options, at);
    if (judged.revoked || judged.good) return { ...judged, evidence: { kind: "crl", der: body } };
    problems.push(...(judged.problems.length ? judged.problems : [evidenceProblem("crl", "EVIDENCE_WRONG_ISSUER", "The CRL is issued by another CA than the certificate's issuer.")]));
  }
  if (ocspUrls.length + crlUrls.length === 0) problems.push(evidenceProblem("fetch", "EVIDENCE_UNAVAILABLE", "The certificate names no CRL distribution point or OCSP responder."));
  return { good: false, problems };
}

async function callFetcher(fetcher: RevocationFetcher, request: RevocationFetchRequest, limit: number): Promise<Uint8Array | RevocationEvidenceProblem> {
  try {
    const body = await fetcher(request);
    if (body instanceof Uint8Array && body.length > 0 && body.length <= limit) return body;
  } catch {
    // A failed fetch is unavailable evidence, never an exception out of path validation.
  }
  return evidenceProblem("fetch", "EVIDENCE_UNAVAILABLE", "The revocation evidence could not be fetched.");
}

/**
 * Checks the revocation status of every certificate of a validated path but its trust anchor.
 *
 * @param path - leaf first, trust anchor last (as path validation builds it)
 * @param options - the evidence, the fetcher and the policy
 * @param at - the path validation time (evidence must be current at `options.at`, default this)
 * @returns `undefined` when every certificate has current evidence that it is not revoked, else the failure
 * @throws TypeError when the options are misused
 * @example
 * ```ts
 * const failure = await checkPathRevocation(result.path, { crls: [crlDer] }, new Date());
 * if (failure?.code === "REVOKED") console.log(failure.revocationTime);
 * ```
 */
export async function checkPathRevocation(path: readonly Certificate[], options: RevocationOptions, at: Date): Promise<PathValidationFailure | undefined> {
  checkRevocationOptions(options);
  const given = parseGiven(options);
  for (let index = 0; index < path.length - 1; index++) {
    const certificate = path[index]!;
    const issuer = path[index + 1]!;
    let judged: FetchedEvidence = await judge(certificate, issuer, given, options, at);
    if (!judged.revoked && !judged.good && options.fetch !== undefined) {
      const fetched = await fetchEvidence(certificate, issuer, options.fetch, options, at);
      judged = { ...fetched, problems: [...judged.problems, ...fetched.problems] };
    }
    if (judged.revoked) {
      return Object.freeze({
        ok: false as const,
        code: "REVOKED" as const,
        reason: index === 0 ? "The certificate is revoked." : "A CA certificate in the path is revoked.",
        certificate,
        index,
        revocationTime: judged.revoked.revocationTime,
        ...(judged.revoked.reason !== undefined ? { revocationReason: judged.revoked.reason } : {}),
      });
    }
    if (!judged.good) {
      const problems = [...given.problems, ...judged.problems];
      return Object.freeze({
        ok: false as const,
        code: "REVOCATION_UNKNOWN" as const,
        reason: "No current, valid revocation evidence was found for a certificate in the path.",
        certificate,
        index,
        revocationProblems: Object.freeze(problems.length ? problems : [evidenceProblem("fetch", "EVIDENCE_UNAVAILABLE", "No revocation evidence was given for the certificate.")]),
      });
    }
  }
  return undefined;
}
