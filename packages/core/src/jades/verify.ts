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
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import { isLicenceError } from "../errors/errors.js";
import { isoFromMillis } from "../licence/model.js";
import type { SignerInfo } from "../licence/report.js";
import { CertificateCache } from "../x509/cache.js";
import { isCertificate, type Certificate } from "../x509/certificate.js";
import { validateCertificatePath, type CertificateInput } from "../x509/path-validation.js";
import {
  archiveTimestampData,
  checkTimestamps,
  combineTimestampOutcomes,
  signatureTimestampData,
  type JadesRevocationChecker,
  type TimestampOutcome,
  type JadesTimestampVerifier,
} from "./evidence.js";
import { SIGD_HTTP_HEADERS, SIGD_OBJECT_ID_BY_URI_HASH, checkCritical, readAlgorithm, readProtectedHeader, type JadesProtectedHeader } from "./header.js";
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
import { readJwsDocument, type JwsDocument, type JwsSignatureParts } from "./serialisation.js";
import { signedDocuments, signedPayload, type JadesDetachedContent } from "./signed-data.js";
import { pathFailureCheck, verifyJadesSigner } from "./signer.js";
import { readUnsignedProperties, type JadesUnsignedProperties, type TimestampContainer } from "./unsigned.js";
import { checkPathRevocation } from "../revocation/check.js";
import { verifyTimestampToken } from "../timestamp/verify.js";

/** The default time-stamp verifier: core's RFC 3161 token verification (`@elicence/core/timestamp`). */
const CORE_TIMESTAMPS: JadesTimestampVerifier = { verify: (token, options) => verifyTimestampToken(token, options) };

/**
 * The default revocation checker for `rVals`: core's CRL and OCSP verification over the path,
 * fail closed (every certificate but the anchor needs current evidence among the values).
 */
const CORE_REVOCATION: JadesRevocationChecker = {
  check: async ({ path, crls, ocspResponses, at, pastValidation }) => {
    const failure = await checkPathRevocation(path, { crls, ocspResponses, policy: "require", ...(pastValidation ? { acceptLaterEvidence: true } : {}) }, at);
    if (failure === undefined) return { ok: true };
    return { ok: false, code: failure.code, reason: failure.reason, ...(failure.revocationTime ? { revocationTime: failure.revocationTime } : {}) };
  },
};

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

function describe(cert: Certificate): SignerInfo {
  return {
    subject: cert.subject,
    ...(cert.organizationIdentifier ? { organizationIdentifier: cert.organizationIdentifier } : {}),
    serialNumber: cert.serialNumber,
    certificateSha256: backend.base64urlEncode(cert.sha256),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
  };
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

  // 5–7. Signing certificate, signature value, certificate path at `at`.
  const xVals: Certificate[] = [];
  for (const der of unsigned?.certificates ?? []) {
    const cert = parseWith(context.cache)(der);
    if (!cert) {
      set(toCheck("format", malformed("xVals")));
      return finish();
    }
    xVals.push(cert);
  }
  const signerResult = await verifyJadesSigner({
    header,
    signingInput,
    signature: parts.signature,
    certificates: [...context.certificates, ...xVals],
    trustAnchors: options.trustAnchors,
    at: options.at,
    ...(context.signingCertificate && depth === 0 ? { signingCertificate: context.signingCertificate } : {}),
    cache: context.cache,
    parse: parseWith(context.cache),
  });
  set(signerResult.checks.signingCertificate);
  if (signerResult.checks.signature) set(signerResult.checks.signature);
  if (signerResult.checks.certificatePath) set(signerResult.checks.certificatePath);
  if (!signerResult.signer || signerResult.checks.signature?.result !== "passed") return finish();
  const signer = signerResult.signer;
  extra.signer = describe(signer);

  // 8–9. Claimed signing time; signature policy.
  if (header.signingTime) pass("signing-time", `The signature claims a signing time (${header.signingTime.member}).`, header.signingTime.member);
  else set({ check: "signing-time", result: "skipped", message: "The signature claims no signing time (iat or sigT)." });
  if (!header.policy) pass("signature-policy", "The signature names no signature policy.");
  else if ((options.signaturePolicies ?? []).includes(header.policy.id)) pass("signature-policy", "The signature policy is one the caller accepts.");
  else set(toCheck("signature-policy", undetermined("SIGNATURE_POLICY_NOT_AVAILABLE", "policy-not-accepted", "The signature names a signature policy the caller did not accept.")));

  // 10. Signature time-stamps: proof that the signature existed at their time.
  // Archive time-stamps are verified first, newest first: each proves the elements before it
  // existed at its time, so an older time-stamp (whose TSA certificate may have expired since) is
  // judged at that time, not at the validation time (EN 319 102-1 §5.6.3, past validation).
  const evidenceContext = { trustAnchors: options.trustAnchors, intermediates: [signer, ...signerResult.intermediates], at: options.at };
  const arcData = archiveSignedData(header, data.payload, detached);
  const proven: { position: number; time: number }[] = [];
  const provenAt = (position: number) => {
    const times = proven.filter((p) => p.position > position).map((p) => p.time);
    return times.length > 0 ? new Date(Math.min(...times)) : options.at;
  };
  const judgeNewestFirst = async (check: "signature-timestamp" | "archive-timestamp", containers: readonly TimestampContainer[], data: Parameters<typeof checkTimestamps>[2]) => {
    const outcomes: TimestampOutcome[] = [];
    for (const container of [...containers].reverse()) {
      const outcome = await checkTimestamps(check, [container], data, options.timestamps ?? CORE_TIMESTAMPS, { ...evidenceContext, at: provenAt(container.position) });
      outcomes.push(outcome);
      for (const time of outcome.times) proven.push({ position: container.position, time: time.getTime() });
    }
    return combineTimestampOutcomes(check, outcomes);
  };
  const arcTst = await judgeNewestFirst("archive-timestamp", unsigned?.archiveTimestamps ?? [], (container) =>
    archiveTimestampData(arcData, parts.protectedB64, parts.signatureB64, unsigned!.components, container),
  );
  const sigTst = await judgeNewestFirst("signature-timestamp", unsigned?.signatureTimestamps ?? [], () => signatureTimestampData(parts.signatureB64));
  set(sigTst.check);
  const poe = sigTst.times.length ? new Date(Math.min(...sigTst.times.map((t) => t.getTime()))) : undefined;
  if (poe) {
    extra.proofOfExistence = poe.toISOString();
    if (header.signingTime && header.signingTime.time.getTime() > poe.getTime()) {
      set(toCheck("signing-time", failed("SIG_CONSTRAINTS_FAILURE", "signing-time-after-timestamp", "The claimed signing time is after the time a signature time-stamp proves.")));
    }
  }

  // 7'. A path that is out of its validity at `at` may be valid when the time-stamp proves the signature existed.
  let path = signerResult.path;
  let pathTime = options.at;
  const outOfBounds = signerResult.pathFailure && ["EXPIRED", "NOT_YET_VALID"].includes(signerResult.pathFailure.code);
  if (!path && outOfBounds && poe) {
    const again = await validateCertificatePath({ leaf: signer, intermediates: signerResult.intermediates, trustAnchors: options.trustAnchors, at: poe, cache: context.cache });
    if (again.ok) {
      path = again.path;
      pathTime = poe;
      pass("certificate-path", "The signing certificate chains to a trust anchor and was valid when a signature time-stamp proves the signature existed.", "POE");
    } else set(pathFailureCheck(again));
  }

  // 11. Revocation, with the evidence in rVals, through the caller's checker.
  const evidence = unsigned?.revocation;
  let revocationChecked = false;
  if (!path) set({ check: "revocation", result: "skipped", message: "Not checked: the signing certificate has no valid path." });
  else if (options.revocation ?? evidence) {
    const checker = options.revocation ?? CORE_REVOCATION;
    const request = { path, crls: evidence?.crls ?? [], ocspResponses: evidence?.ocspResponses ?? [] };
    let result = await checker.check({ ...request, at: pathTime });
    // Past validation (EN 319 102-1 §5.6.2.4): evidence carried in rVals, gathered after the
    // time-stamp while the certificates were valid, settles their status at the proven time.
    if (!result.ok && result.code !== "REVOKED" && poe && evidence) {
      const past = await checker.check({ ...request, at: poe, pastValidation: true });
      if (past.ok || past.code === "REVOKED") result = past;
    }
    if (result.ok) {
      revocationChecked = true;
      pass("revocation", "No certificate of the path is revoked.");
    } else if (result.code === "REVOKED" && result.revocationTime && poe && poe.getTime() < result.revocationTime.getTime()) {
      revocationChecked = true;
      pass("revocation", "A certificate of the path was revoked after the time a signature time-stamp proves the signature existed.", "REVOKED_AFTER_POE");
    } else if (result.code === "REVOKED") {
      const proven = poe !== undefined && result.revocationTime !== undefined;
      set(toCheck("revocation", proven ? failed("REVOKED", "REVOKED", result.reason) : undetermined("REVOKED_NO_POE", "REVOKED", result.reason)));
    } else set(toCheck("revocation", undetermined("TRY_LATER", String(result.code).slice(0, 64), result.reason)));
  } else if (evidence) {
    set(toCheck("revocation", undetermined("TRY_LATER", "revocation-checker-missing", "The signature carries revocation values, and no revocation checker was given.")));
  } else set({ check: "revocation", result: "skipped", message: "The signature carries no revocation values, and no revocation checker was given." });

  // 12. Archive time-stamps over the signature and the evidence before them (verified above).
  set(arcTst.check);

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

  // The level reached (TS 119 182-1 clause 6): B-B needs a signed certificate reference and a claimed signing time.
  const baseline = (header.reference !== undefined || header.x5c !== undefined) && header.signingTime !== undefined;
  if (baseline) {
    level = "B-B";
    if (sigTst.times.length > 0) {
      level = "B-T";
      if (xVals.length > 0 && evidence && revocationChecked) {
        level = "B-LT";
        if (arcTst.times.length > 0) level = "B-LTA";
      }
    }
  }
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
