/**
 * `verifyJades`: a stand-alone JAdES validator (ETSI TS 119 182-1 signatures, judged as ETSI
 * EN 319 102-1 describes) for signatures that are not eLicence licences — a department's signed
 * decision, a licence from another platform. Every serialisation, every signature of a general
 * JSON document, counter-signatures recursively; the trust anchors, the time, the algorithm
 * allow-list and any detached content are the caller's. Each signature runs one pipeline of named
 * steps, each producing one entry of its report; what cannot be established is INDETERMINATE.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { checkTimestampAlgorithms, type SignatureAlgorithm } from "../crypto/algorithms.js";
import { isLicenceError } from "../errors/errors.js";
import { isoFromMillis } from "../licence/model.js";
import { CertificateCache } from "../x509/cache.js";
import { isCertificate, type Certificate } from "../x509/certificate.js";
import type { CertificateInput } from "../x509/path-validation.js";
import type { JadesRevocationChecker, JadesTimestampVerifier } from "./evidence.js";
import { SIGD_HTTP_HEADERS, SIGD_OBJECT_ID_BY_URI_HASH, checkCritical, readAlgorithm, readProtectedHeader, type JadesProtectedHeader } from "./header.js";
import type { ProofOfExistence } from "./proof-of-existence.js";
import {
  JADES_CHECK_ORDER,
  JadesCheckFailure,
  failed,
  malformed,
  undetermined,
  worst,
  type JadesCheck,
  type JadesCheckName,
  type JadesLevel,
  type JadesReport,
  type JadesSignatureReport,
} from "./report.js";
import type { RevocationJudgement } from "./revocation-status.js";
import { signerInfo } from "./signer.js";
import { readJwsDocument, type JwsDocument, type JwsSignatureParts } from "./serialisation.js";
import { signedDocuments, signedPayload, type JadesDetachedContent } from "./signed-data.js";
import { readUnsignedProperties, type JadesUnsignedProperties } from "./unsigned.js";
import { validateJadesSignature } from "./validate-signature.js";

/** Options of {@link verifyJades}. The trust anchors, the time and the allow-list are the caller's. */
export interface VerifyJadesOptions {
  /** The only certificates a signer's path may end at. */
  readonly trustAnchors: readonly CertificateInput[];
  /** The validation time. */
  readonly at: Date;
  /** Signature algorithms accepted (a subset of `JADES_ALGORITHMS`, and `SM2SM3` when listed; `none` and HMAC never are). */
  readonly algorithms: readonly SignatureAlgorithm[];
  /** Further certificates: signing certificates referenced by digest, and intermediates. */
  readonly certificates?: readonly CertificateInput[];
  /** The signing certificate, when the caller knows it (EN 319 102-1 clause 5.2.3). */
  readonly signingCertificate?: CertificateInput;
  /** Detached content: the payload, data objects by URI, or HTTP header fields. */
  readonly detached?: JadesDetachedContent;
  /** Verifies RFC 3161 tokens of `sigTst` and `arcTst`; default core's `verifyTimestampToken` (TSAs under `trustAnchors`). */
  readonly timestamps?: JadesTimestampVerifier;
  /**
   * Signature algorithms accepted from a TSA (a time-stamp signed otherwise proves nothing:
   * `CRYPTO_CONSTRAINTS_FAILURE`, code `ALGORITHM_NOT_ALLOWED`). Separate from `algorithms`, as a
   * TSA chooses its own key; default any algorithm core implements.
   */
  readonly timestampAlgorithms?: readonly SignatureAlgorithm[];
  /** Checks revocation with `rVals`; default core's CRL/OCSP checks over the path, fail closed. */
  readonly revocation?: JadesRevocationChecker;
  /** Signature policy identifiers (`sigPId`) the caller accepts; any other policy is INDETERMINATE. */
  readonly signaturePolicies?: readonly string[];
  /** Further `crit` names the caller's application understands (and checks itself). */
  readonly understoodCritical?: readonly string[];
  /** Unprotected header members besides `etsiU` the caller's application handles (e.g. `disclosures`). */
  readonly unprotectedMembers?: readonly string[];
  /** Most characters of the input. Default 1 MiB. */
  readonly maxLength?: number;
  /**
   * Parses certificates through this cache: a verifier that keeps one across calls parses each
   * certificate, and imports each key, once. Default: a cache for this call only.
   */
  readonly cache?: CertificateCache;
}

/** Counter-signatures nest at most this deep (a counter-signature of a counter-signature). */
const MAX_DEPTH = 2;

interface Context {
  readonly options: VerifyJadesOptions;
  readonly cache: CertificateCache;
  readonly certificates: readonly Certificate[];
  readonly signingCertificate?: Certificate;
}

const ascii = (text: string) => backend.asciiBytes(text);

function toCheck(check: JadesCheckName, f: JadesCheckFailure): JadesCheck {
  return { check, result: f.result, message: f.message, subIndication: f.subIndication, code: f.code };
}

function parseWith(cache: CertificateCache) {
  return (der: Uint8Array): Certificate | undefined => {
    try {
      return cache.parse(der);
    } catch (err) {
      if (isLicenceError(err)) return undefined;
      throw err;
    }
  };
}

function toCertificate(input: CertificateInput, cache: CertificateCache): Certificate {
  return isCertificate(input) ? input : cache.parse(input);
}

/** Messages of a time-stamp entry, by what went wrong. */
const TIMESTAMP_MESSAGES: Partial<Record<string, string>> = {
  "arcTst-clear-etsiU": "The archive time-stamp covers clear etsiU elements, whose canonicalisation is not supported.",
  "arcTst-signed-data": "The archive time-stamp covers signed data that was not supplied.",
};

/**
 * The entry for the time-stamps of one kind: skipped without any, else the first token that did
 * not pass (newest element first, each element's tokens in order), else passed.
 */
function timestampCheck(check: "signature-timestamp" | "archive-timestamp", containers: number, proof: ProofOfExistence | undefined): JadesCheck {
  const what = check === "signature-timestamp" ? "signature time-stamp" : "archive time-stamp";
  if (containers === 0 || !proof) return { check, result: "skipped", message: `The signature has no ${what}.` };
  const kind = check === "signature-timestamp" ? "signature" : "archive";
  const bad = proof.timestamps
    .filter((t) => t.kind === kind && t.result !== "passed")
    .sort((a, b) => b.element - a.element || a.index - b.index)[0];
  if (!bad) return { check, result: "passed", message: `Every ${what} verifies.` };
  const article = kind === "signature" ? "A" : "An";
  const message = TIMESTAMP_MESSAGES[bad.code ?? ""] ?? (bad.result === "failed" ? `${article} ${what} does not verify.` : `${article} ${what} could not be verified.`);
  return { check, result: bad.result, message, ...(bad.subIndication ? { subIndication: bad.subIndication } : {}), ...(bad.code ? { code: bad.code } : {}) };
}

/** The revocation entry. */
function revocationCheck(judgement: RevocationJudgement | undefined): JadesCheck {
  const check = "revocation" as const;
  if (!judgement) return { check, result: "skipped", message: "Not checked: the signing certificate has no valid path." };
  if (!judgement.checked) return { check, result: "skipped", message: "The signature carries no revocation values, and no revocation checker was given." };
  if (judgement.failure) return toCheck(check, judgement.failure);
  if (judgement.revocationTime) {
    return { check, result: "passed", message: "A certificate of the path was revoked after the time a signature time-stamp proves the signature existed.", code: "REVOKED_AFTER_POE" };
  }
  return { check, result: "passed", message: "No certificate of the path is revoked." };
}

/**
 * Validates every signature of a JAdES (JWS) document and reports, per signature, an ETSI
 * EN 319 102-1 indication, a sub-indication, one entry per step and the baseline level reached.
 *
 * @param input - compact JWS, JSON text (flattened or general serialisation) or a parsed JSON object
 * @param options - trust anchors, validation time, algorithm allow-list, detached content, verifiers
 * @returns the report; bad input gives a FAILED or INDETERMINATE report, never an exception
 * @throws TypeError when the options are misused; LicenceError `ERR_CERTIFICATE_INVALID` for an unreadable certificate in the options
 * @example
 * ```ts
 * const report = await verifyJades(text, { trustAnchors: [rootPem], at: new Date(), algorithms: ["ES256", "PS256"] });
 * if (report.indication === "PASSED") accept(report.signatures[0].signer);
 * ```
 */
export async function verifyJades(input: string | Record<string, unknown>, options: VerifyJadesOptions): Promise<JadesReport> {
  const { at, algorithms, trustAnchors } = options;
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError("options.at must be a valid Date.");
  if (!Array.isArray(algorithms) || algorithms.length === 0) throw new TypeError("options.algorithms must list at least one algorithm.");
  if (!Array.isArray(trustAnchors)) throw new TypeError("options.trustAnchors must be an array of certificates.");
  checkTimestampAlgorithms(options.timestampAlgorithms);
  const cache = options.cache ?? new CertificateCache();
  const context: Context = {
    options,
    cache,
    certificates: (options.certificates ?? []).map((c) => toCertificate(c, cache)),
    ...(options.signingCertificate !== undefined ? { signingCertificate: toCertificate(options.signingCertificate, cache) } : {}),
  };
  const verificationTime = isoFromMillis(at.getTime());
  let document: JwsDocument;
  try {
    document = readJwsDocument(input, options.maxLength !== undefined ? { maxLength: options.maxLength } : {});
  } catch (err) {
    const failure = err instanceof JadesCheckFailure ? err : isLicenceError(err) ? malformed(err.code) : undefined;
    if (!failure) throw err;
    const format = toCheck("format", failure);
    return { indication: "FAILED", subIndication: "FORMAT_FAILURE", serialisation: "none", signatures: [], format, verificationTime };
  }
  const signatures: JadesSignatureReport[] = [];
  for (const parts of document.signatures) signatures.push(await verifyOne(document.payload, parts, context, 0, undefined));
  return { ...worst(signatures), serialisation: document.serialisation, signatures, verificationTime };
}

/** The signed data octets an archive time-stamp covers (TS 119 182-1 clause 5.3.6.3.1 items 1–2). */
function archiveSignedData(header: JadesProtectedHeader, payload: Uint8Array, detached: JadesDetachedContent): Uint8Array | undefined {
  const sigD = header.signedData;
  if (!sigD) return payload;
  if (sigD.mechanism === SIGD_HTTP_HEADERS) return undefined;
  if (sigD.mechanism !== SIGD_OBJECT_ID_BY_URI_HASH) return payload;
  const docs = signedDocuments(sigD.references, detached);
  if (docs.some((d) => !d)) return undefined;
  const parts = docs.map((d) => (header.b64 ? ascii(backend.base64urlEncode(d!.content)) : d!.content));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * One signature's pipeline: format → algorithm → crit → signed data → signing certificate →
 * signature value → certificate path → signing time → policy → signature time-stamp → revocation →
 * archive time-stamp → counter-signatures.
 *
 * @param counterSigned - for a counter-signature, the signature value it countersigns (clause 5.3.2)
 */
async function verifyOne(
  documentPayload: string,
  parts: JwsSignatureParts | JadesCheckFailure,
  context: Context,
  depth: number,
  counterSigned: Uint8Array | undefined,
): Promise<JadesSignatureReport> {
  const { options } = context;
  const checks = new Map<JadesCheckName, JadesCheck>();
  const set = (c: JadesCheck) => checks.set(c.check, c);
  const pass = (check: JadesCheckName, message: string, code?: string) => set({ check, result: "passed", message, ...(code ? { code } : {}) });
  const extra: { -readonly [K in keyof JadesSignatureReport]?: JadesSignatureReport[K] } = {};
  const counterSignatures: JadesSignatureReport[] = [];
  const index = parts instanceof JadesCheckFailure ? 0 : parts.index;
  let level: JadesLevel | undefined;

  const finish = (): JadesSignatureReport => {
    const list = JADES_CHECK_ORDER.map((name) => checks.get(name) ?? { check: name, result: "skipped" as const, message: "Not checked: an earlier check did not pass." });
    const verdict = worst(list);
    return {
      index,
      ...verdict,
      checks: list,
      ...(verdict.indication === "PASSED" && level ? { level } : {}),
      ...extra,
      counterSignatures,
    };
  };

  // 1–3. Format, algorithm (before any key is touched), crit.
  if (parts instanceof JadesCheckFailure) {
    set(toCheck("format", parts));
    return finish();
  }
  let header: JadesProtectedHeader;
  let unsigned: JadesUnsignedProperties | undefined;
  let stage: "algorithm" | "critical" | "format" = "algorithm";
  try {
    const alg = readAlgorithm(parts.header, options.algorithms);
    extra.algorithm = alg;
    pass("algorithm", "The signature algorithm is allowed.");
    stage = "critical";
    const crit = checkCritical(parts.header, options.understoodCritical);
    pass("critical", crit.length ? "Every critical header parameter is understood and present." : "No header parameter is marked critical.");
    stage = "format";
    header = readProtectedHeader(parts.header, alg, crit);
    const { etsiU, ...rest } = parts.unprotected;
    const allowed = options.unprotectedMembers ?? [];
    if (Object.keys(rest).some((k) => !allowed.includes(k))) throw malformed("unprotected-member");
    if (etsiU !== undefined) unsigned = readUnsignedProperties(etsiU);
  } catch (err) {
    if (!(err instanceof JadesCheckFailure)) throw err;
    // A refused algorithm or crit is reported as its own step, the header being readable JSON.
    if (stage !== "format") pass("format", "The protected header is readable.");
    set(toCheck(stage, err));
    return finish();
  }
  const unsupported = [...header.unsupported, ...(unsigned?.unsupported ?? [])];
  if (depth > 0 && header.signedData) set(toCheck("format", malformed("counter-signature-sigD")));
  else if (unsupported.length > 0) {
    set(toCheck("format", undetermined("SIG_CONSTRAINTS_FAILURE", `unsupported:${unsupported[0]!.slice(0, 32)}`, "The signature carries a property this validator cannot evaluate.")));
  } else pass("format", "The signature is a well-formed JWS with a readable JAdES header.");
  if (checks.get("format")?.result === "failed") return finish();
  if (header.signingTime) extra.claimedSigningTime = header.signingTime.time.toISOString();
  if (header.signedData) extra.signedData = { mechanism: header.signedData.mechanism, references: header.signedData.references };
  if (header.commitments) extra.commitments = header.commitments;
  if (header.productionPlace) extra.productionPlace = header.productionPlace;
  if (header.policy) extra.policy = header.policy.id;

  // 4. Signed data: attached, detached, or by sigD.
  const detached: JadesDetachedContent = counterSigned ? { content: counterSigned } : (options.detached ?? {});
  const data = signedPayload(documentPayload, header, detached);
  if (counterSigned && documentPayload.length > 0) {
    // Clause 5.3.2: a counter-signature signs the JWS Signature Value of the signature it sits in.
    const expected = header.b64 ? backend.base64urlEncode(counterSigned) : new TextDecoder().decode(counterSigned);
    if (documentPayload !== expected) set(toCheck("signed-data", failed("HASH_FAILURE", "counter-signed-value", "The counter-signature signs another value than this signature's.")));
  }
  if (!checks.has("signed-data")) {
    if (data.failure) set(toCheck("signed-data", data.failure));
    else pass("signed-data", header.signedData ? "Every detached data object the signature references matches it." : "The signed payload is present.");
  }
  if (!data.payload || checks.get("signed-data")!.result === "failed") return finish();
  const head = ascii(`${parts.protectedB64}.`);
  const signingInput = new Uint8Array(head.length + data.payload.length);
  signingInput.set(head, 0);
  signingInput.set(data.payload, head.length);

  // 5–7, 10–12. Signing certificate, signature value, certificate path; time-stamps, the path at
  // the proof of existence, revocation and the level: judged by the shared steps, rendered here.
  const xVals: Certificate[] = [];
  for (const der of unsigned?.certificates ?? []) {
    const cert = parseWith(context.cache)(der);
    if (!cert) {
      set(toCheck("format", malformed("xVals")));
      return finish();
    }
    xVals.push(cert);
  }
  const validation = await validateJadesSignature({
    header,
    signingInput,
    signature: parts.signature,
    protectedB64: parts.protectedB64,
    signatureB64: parts.signatureB64,
    archivedData: archiveSignedData(header, data.payload, detached),
    unsigned,
    certificateValues: xVals,
    certificates: context.certificates,
    ...(context.signingCertificate && depth === 0 ? { signingCertificate: context.signingCertificate } : {}),
    trustAnchors: options.trustAnchors,
    at: options.at,
    cache: context.cache,
    parse: parseWith(context.cache),
    timestamps: { verifier: options.timestamps, algorithms: options.timestampAlgorithms },
    revocation: options.revocation,
  });
  const { signer: signerResult } = validation;
  set(signerResult.checks.signingCertificate);
  if (signerResult.checks.signature) set(signerResult.checks.signature);
  if (validation.certificatePath) set(validation.certificatePath);
  if (!signerResult.signer || signerResult.checks.signature?.result !== "passed") return finish();
  extra.signer = signerInfo(signerResult.signer);

  // 8–9. Claimed signing time; signature policy.
  if (header.signingTime) pass("signing-time", `The signature claims a signing time (${header.signingTime.member}).`, header.signingTime.member);
  else set({ check: "signing-time", result: "skipped", message: "The signature claims no signing time (iat or sigT)." });
  if (validation.proof?.claimedSigningTimeAfterProof) {
    set(toCheck("signing-time", failed("SIG_CONSTRAINTS_FAILURE", "signing-time-after-timestamp", "The claimed signing time is after the time a signature time-stamp proves.")));
  }
  if (!header.policy) pass("signature-policy", "The signature names no signature policy.");
  else if ((options.signaturePolicies ?? []).includes(header.policy.id)) pass("signature-policy", "The signature policy is one the caller accepts.");
  else set(toCheck("signature-policy", undetermined("SIGNATURE_POLICY_NOT_AVAILABLE", "policy-not-accepted", "The signature names a signature policy the caller did not accept.")));

  // 10. Signature time-stamps, 12. archive time-stamps: one entry per kind.
  const poe = validation.proof?.signatureExisted;
  if (poe) extra.proofOfExistence = poe.toISOString();
  set(timestampCheck("signature-timestamp", unsigned?.signatureTimestamps.length ?? 0, validation.proof));
  set(timestampCheck("archive-timestamp", unsigned?.archiveTimestamps.length ?? 0, validation.proof));

  // 11. Revocation, with the evidence in rVals, through the caller's checker or core's.
  set(revocationCheck(validation.revocation));

  // 13. Counter-signatures, each validated as a signature of this signature's value.
  for (const cSig of unsigned?.counterSignatures ?? []) {
    if (depth + 1 > MAX_DEPTH) {
      set(toCheck("counter-signatures", malformed("cSig-depth")));
      break;
    }
    counterSignatures.push(await verifyCounterSignature(cSig, context, depth + 1, parts.signature));
  }
  if (!checks.has("counter-signatures")) {
    if (counterSignatures.length === 0) set({ check: "counter-signatures", result: "skipped", message: "The signature has no counter-signature." });
    else {
      const verdict = worst(counterSignatures);
      if (verdict.indication === "PASSED") pass("counter-signatures", "Every counter-signature is valid.");
      else set({ check: "counter-signatures", result: verdict.indication === "FAILED" ? "failed" : "indeterminate", message: "A counter-signature is not valid.", ...(verdict.subIndication ? { subIndication: verdict.subIndication } : {}), code: "cSig" });
    }
  }

  level = validation.level;
  return finish();
}

async function verifyCounterSignature(cSig: string | Record<string, unknown>, context: Context, depth: number, counterSigned: Uint8Array): Promise<JadesSignatureReport> {
  let document: JwsDocument;
  try {
    document = readJwsDocument(cSig);
  } catch (err) {
    const failure = err instanceof JadesCheckFailure ? err : isLicenceError(err) ? malformed(err.code) : undefined;
    if (!failure) throw err;
    return verifyOne("", failure, context, depth, counterSigned);
  }
  // Clause 5.3.2: one counter-signature per cSig.
  if (document.signatures.length !== 1) return verifyOne("", malformed("cSig"), context, depth, counterSigned);
  return verifyOne(document.payload, document.signatures[0]!, context, depth, counterSigned);
}
