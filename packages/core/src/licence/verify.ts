/**
 * Verifying a licence, offline: a short pipeline of named steps — format, algorithm, signature,
 * certificate path, issuer authorisation, disclosures, validity period, status — each producing one
 * entry of the report. Fails closed: anything that cannot be established is INDETERMINATE or FAILED,
 * never PASSED.
 *
 * A licence is a JAdES signature, and its signature is judged by the JAdES validator's own steps
 * (`jades/validate-signature.ts`: the signing certificate by `x5t#S256` or a legacy `x5c`, the
 * signature value, the certificate path, the time-stamps and the proof of existence they give,
 * the revocation values, the level), with the trust list as its anchors, certificate pool, path
 * cache and list of time-stamping authorities. What this module adds is the licence's own: its
 * claims and their issuance time, the issuing department's authorisation, the SD-JWT disclosures,
 * the validity period and the status list.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { checkTimestampAlgorithms, type JwsAlgorithm, type SignatureAlgorithm } from "../crypto/algorithms.js";
import { LicenceError, isLicenceError } from "../errors/errors.js";
import { isJsonObject, parseStrictJsonUtf8 } from "../encoding/json.js";
import { parseLicenceId, validateHolderId, type HolderIdType } from "../identifiers/index.js";
import { DEFAULT_JWS_LIMITS, parseCompactJws, parseFlattenedJws, type ParsedJws } from "../jws/jws.js";
import { resolveDisclosures, DISCLOSURE_LIMITS } from "../sdjwt/disclosure.js";
import { readUnsignedProperties, type JadesUnsignedProperties } from "../jades/unsigned.js";
import { JadesCheckFailure, failed as jadesFailed } from "../jades/report.js";
import { readProtectedHeader, type JadesProtectedHeader } from "../jades/header.js";
import { pathRevocationChecker } from "../jades/evidence.js";
import { describeRevocationValues } from "../jades/revocation-status.js";
import { validateJadesSignature } from "../jades/validate-signature.js";
import { signerInfo } from "../jades/signer.js";
import { encodeBase64 } from "../encoding/base64.js";
import type { ChainResult, TrustList } from "../trust/trust-list.js";
import type { RevocationOptions } from "../revocation/check.js";
import type { Certificate } from "../x509/index.js";
import type { PathValidationResult } from "../x509/path-validation.js";
import { statusFromValue } from "../status/index.js";
import { readEndReason } from "./status-reason.js";
import type { VerifiedStatusList } from "../status/token.js";
import type { HolderKind } from "../catalogue/licence-type.js";
import { LICENCE_TYP, fromEpochSeconds, isoFromMillis, type Licence } from "./model.js";
import { dateClaimsOutOfRange, digestsOutsideFields, disclosedOutsideFields } from "./claims-policy.js";
import { chooseStatusList } from "./status-choice.js";
import {
  CHECK_ORDER,
  disclosureCode,
  statusCode,
  type CheckName,
  type FormatFailureCode,
  type Indication,
  type ReportCheck,
  type SignatureLevel,
  type SignerInfo,
  type VerificationReport,
} from "./report.js";
import { multiSignedInput, verifyMultiSignedLicence } from "./multi-signed-verify.js";
import { CheckFailure, PATH_AT_PROOF, fail, indeterminate, pathCheck, revocationValueEntry, signerFailure, timestampEntry } from "./signature-checks.js";

/** Options of {@link verifyLicence}. Both the algorithm allow-list and the time are the caller's. */
export interface VerifyLicenceOptions {
  /** The verified trust list (see `verifyTrustList`). */
  readonly trustList: TrustList;
  /** The verification time: validity and status are judged at this instant. */
  readonly at: Date;
  /** Algorithms accepted for the licence signature. */
  readonly algorithms: readonly JwsAlgorithm[];
  /**
   * Signature algorithms accepted from the TSAs of the archive form's time-stamps. A TSA signs with
   * its own key, as a CA does, so this is not `algorithms`; default: any algorithm core implements.
   * A time-stamp signed otherwise proves nothing (its evidence entry says `ALGORITHM_NOT_ALLOWED`).
   */
  readonly timestampAlgorithms?: readonly SignatureAlgorithm[];
  /**
   * Status lists available to the verifier: verified ones, or status list tokens (compact JWTs)
   * that are verified here against the trust list. A licence that names a list not given here is
   * INDETERMINATE.
   *
   * Or a resolver, called with the status reference the licence names once its signature has been
   * verified (so a verifier that fetches or caches lists need not read the licence twice); it
   * returns the list or its token, or `undefined` when it has none (INDETERMINATE).
   */
  readonly statusLists?: readonly (VerifiedStatusList | string)[] | StatusListResolver;
  /**
   * Revocation evidence for the signing certificate's path (CRLs, OCSP responses, a fetcher).
   * When given, every certificate but the anchor needs current evidence (judged at `revocation.at`,
   * default `at`): without it the path is INDETERMINATE (`TRY_LATER`); revoked before the claimed
   * signing time is FAILED (`REVOKED`), after it INDETERMINATE (`REVOKED_NO_POE`) until a proof of
   * existence settles it.
   */
  readonly revocation?: RevocationOptions;
  /**
   * How old (since its `iat`, in milliseconds) a status list without `exp` may be and still decide
   * (default one day): no list is fresh forever. Of several valid lists for the URI, the newest decides.
   */
  readonly maxStatusListAge?: number;
}

/**
 * Finds the status list a licence names: a verified list, a token to verify against the trust
 * list, or `undefined` when none is available.
 */
export type StatusListResolver = (reference: { readonly uri: string; readonly idx: number }) =>
  | VerifiedStatusList
  | string
  | undefined
  | Promise<VerifiedStatusList | string | undefined>;

const HOLDER_KINDS = new Set<HolderKind>(["natural-person", "legal-person", "other"]);

/** The input, split into its JWS, the disclosures that travel with it and the archive's evidence. */
interface Envelope {
  readonly jws: ParsedJws;
  readonly disclosures: readonly string[];
  /** The archive form's unsigned properties (`etsiU`), read by the JAdES validator's reader. */
  readonly unsigned?: JadesUnsignedProperties;
  /** Certificates the archive form carries (`etsiU` → `xVals`), standard base64 DER. */
  readonly certificates: readonly string[];
  /** Unsigned properties the archive carries that this verifier does not evaluate (`cSig`, …). */
  readonly unsupported: readonly string[];
}

const NO_CERTIFICATES: readonly string[] = Object.freeze([]);

function parseEnvelope(input: string | Record<string, unknown>, algorithms: readonly JwsAlgorithm[]): Envelope {
  const options = { algorithms };
  if (typeof input === "string") {
    const text = input.trim();
    if (text.length > DEFAULT_JWS_LIMITS.maxLength) {
      throw new LicenceError("ERR_INPUT_TOO_LARGE", "The licence is larger than allowed.", { details: { limit: DEFAULT_JWS_LIMITS.maxLength } });
    }
    if (text.startsWith("{")) return envelopeFromArchive(parseFlattenedJws(text, options));
    const parts = text.split("~");
    if (parts.length < 2 || parts[parts.length - 1] !== "") {
      throw new LicenceError("ERR_JWS_INVALID", "A compact licence ends with '~' (an SD-JWT without key binding).", { details: { reason: "sd-jwt-shape" } });
    }
    const disclosures = parts.slice(1, -1);
    if (disclosures.length > DISCLOSURE_LIMITS.maxCount) {
      throw new LicenceError("ERR_INPUT_TOO_LARGE", "There are more disclosures than allowed.", { details: { limit: DISCLOSURE_LIMITS.maxCount } });
    }
    return { jws: parseCompactJws(parts[0]!, options), disclosures, certificates: NO_CERTIFICATES, unsupported: NO_CERTIFICATES };
  }
  if (!isJsonObject(input)) throw new TypeError("A licence is a string or an archive object.");
  return envelopeFromArchive(parseFlattenedJws(input, options));
}

function envelopeFromArchive(jws: ParsedJws): Envelope {
  const { disclosures, etsiU, ...rest } = jws.unprotected;
  if (Object.keys(rest).length > 0) {
    throw new LicenceError("ERR_JWS_INVALID", "The archive's unprotected header has an unexpected member.", { details: { reason: "unprotected-member" } });
  }
  const evidence = etsiU === undefined ? undefined : readEtsiU(etsiU);
  if (disclosures !== undefined && (!Array.isArray(disclosures) || disclosures.some((d) => typeof d !== "string"))) {
    throw new LicenceError("ERR_JWS_INVALID", "The archive's disclosures are malformed.", { details: { reason: "disclosures" } });
  }
  const list = (disclosures as string[] | undefined) ?? [];
  if (!evidence) return { jws, disclosures: list, certificates: NO_CERTIFICATES, unsupported: NO_CERTIFICATES };
  return {
    jws,
    disclosures: list,
    unsigned: evidence,
    certificates: evidence.certificates.map(encodeBase64),
    unsupported: [...evidence.unsupported, ...evidence.counterSignatures.map(() => "cSig")],
  };
}

/** `etsiU`, read by the JAdES validator's own reader (`jades/unsigned.ts`): one reader for both. */
function readEtsiU(etsiU: unknown): JadesUnsignedProperties {
  try {
    return readUnsignedProperties(etsiU);
  } catch (err) {
    if (!(err instanceof JadesCheckFailure)) throw err;
    throw new LicenceError("ERR_JWS_INVALID", "The signature's unsigned properties (etsiU) are malformed.", { details: { reason: err.code } });
  }
}

const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The signer's chain, leaf first: the legacy `x5c` header member when the licence has one (its
 * leaf must then be the certificate `x5t#S256` names, which the signer step checks), else the chain
 * the trust list carries for `x5t#S256`, else the archive's certificate values whose leaf is the
 * certificate `x5t#S256` names. `undefined` when no certificate is the one the header names.
 */
function signerChain(header: ParsedJws["header"], envelope: Envelope, trustList: TrustList): readonly string[] | undefined {
  const thumbprint = header["x5t#S256"] as string;
  if (header.x5c !== undefined) return header.x5c as string[];
  const listed = trustList.signerChain(thumbprint);
  if (listed) return listed;
  const carried = envelope.certificates;
  for (let i = 0; i < carried.length; i++) {
    const cert = trustList.certificateFromX5c(carried[i]!);
    if (cert && backend.base64urlEncode(cert.sha256) === thumbprint) return [carried[i]!, ...carried.filter((_, j) => j !== i)];
  }
  return undefined;
}

/** The claims a licence payload must carry, checked by hand (this is the hot path). */
interface LicenceClaims {
  readonly iss: string;
  readonly jti: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp?: number;
  readonly payload: Record<string, unknown>;
  readonly statusRef?: { uri: string; idx: number };
}

function formatError(code: FormatFailureCode): CheckFailure {
  return fail("FORMAT_FAILURE", code, "The licence is not in the expected format.");
}

function isEpoch(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isText(value: unknown, max = 1024): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= max;
}

function readClaims(jws: ParsedJws): LicenceClaims {
  const payload = parseStrictJsonUtf8(jws.payload, { maxLength: DEFAULT_JWS_LIMITS.maxLength });
  if (!isJsonObject(payload)) throw formatError("payload-type");
  const { iss, jti, iat, nbf, exp, licence, fields, status } = payload;
  if (!isText(iss, 18) || !isText(jti, 256) || !isEpoch(iat) || !isEpoch(nbf) || (exp !== undefined && !isEpoch(exp))) throw formatError("registered-claims");
  const range = dateClaimsOutOfRange(iat, nbf, exp as number | undefined);
  if (range) throw formatError(range);
  if (jws.header.iat !== iat) throw formatError("signing-time");
  if (!isJsonObject(licence) || !isJsonObject(fields)) throw formatError("licence-claims");
  const { number, type, holder, issuer, version, supersedes } = licence;
  if (!isText(number, 128) || !isJsonObject(type) || !isJsonObject(holder) || !isJsonObject(issuer)) throw formatError("licence-claims");
  if (!isText(type.code, 21) || !Number.isInteger(type.version) || !isText(type.name, 128)) throw formatError("licence-type");
  if (!HOLDER_KINDS.has(holder.kind as HolderKind) || !isText(holder.name, 256) || !isText(holder.idType, 8) || !isText(holder.idNumber, 64)) throw formatError("holder");
  if (!validateHolderId(holder.idType as HolderIdType, holder.idNumber as string).ok) throw formatError("holder-id");
  if (!isText(issuer.name, 256) || issuer.code !== iss) throw formatError("issuer");
  if (!Number.isInteger(version) || (supersedes !== undefined && !isText(supersedes, 256))) throw formatError("version");
  let id;
  try {
    id = parseLicenceId(jti);
  } catch {
    throw formatError("identifier");
  }
  if (id.issuerCode !== iss || id.typeCode !== type.code || id.version !== version) throw formatError("identifier-mismatch");
  let statusRef: LicenceClaims["statusRef"];
  if (status !== undefined) {
    const list = isJsonObject(status) ? status.status_list : undefined;
    if (!isJsonObject(list) || !isText(list.uri, 2048) || !Number.isSafeInteger(list.idx) || (list.idx as number) < 0) throw formatError("status-reference");
    statusRef = { uri: list.uri as string, idx: list.idx as number };
  }
  return { iss, jti, iat, nbf, ...(exp !== undefined ? { exp } : {}), payload, ...(statusRef ? { statusRef } : {}) };
}

function toLicence(claims: LicenceClaims, resolved: Record<string, unknown>): Licence {
  const l = resolved.licence as Record<string, any>;
  return {
    id: claims.jti,
    number: l.number,
    type: { code: l.type.code, version: l.type.version, name: l.type.name },
    holder: { kind: l.holder.kind, name: l.holder.name, idType: l.holder.idType, idNumber: l.holder.idNumber },
    issuer: { name: l.issuer.name, code: l.issuer.code },
    issuedAt: fromEpochSeconds(claims.iat),
    validFrom: fromEpochSeconds(claims.nbf),
    ...(claims.exp !== undefined ? { validUntil: fromEpochSeconds(claims.exp) } : {}),
    fields: resolved.fields as Record<string, unknown>,
    version: l.version,
    ...(l.supersedes !== undefined ? { supersedes: l.supersedes } : {}),
    ...(claims.statusRef ? { status: claims.statusRef } : {}),
  };
}

const MESSAGES: Record<CheckName, string> = {
  format: "The licence is well formed.",
  algorithm: "The signature algorithm is allowed.",
  signature: "The signature is valid for the signing certificate.",
  "certificate-path": "The signing certificate chains to a trusted root and was valid at signing time.",
  "issuer-authorised": "The trust list lists the signing department for this licence type.",
  disclosures: "Every disclosure matches a digest in the signed licence.",
  "validity-period": "The licence is within its validity period.",
  status: "The licence's status allows it.",
  timestamp: "A time-stamp proves the signature existed at its time.",
  "revocation-value": "A revocation value shows a certificate of the path was not revoked.",
};

/**
 * Verifies a licence in compact (`<jws>~<disclosure>~…~`) or archive (flattened JSON) form, offline,
 * and returns a report with one entry per check.
 *
 * @param input - the licence: compact string, archive JSON text, or archive object
 * @param options - trust list, verification time, algorithm allow-list, status lists
 * @returns the report; never throws for bad input (only for API misuse)
 * @example
 * ```ts
 * const report = await verifyLicence(text, { trustList, at: new Date(), algorithms: DEFAULT_ALGORITHMS });
 * if (report.indication === "PASSED") use(report.licence);
 * ```
 */
export async function verifyLicence(input: string | Record<string, unknown>, options: VerifyLicenceOptions): Promise<VerificationReport> {
  const { trustList, at, algorithms } = options;
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError("options.at must be a valid Date.");
  if (!Array.isArray(algorithms) || algorithms.length === 0) throw new TypeError("options.algorithms must list at least one algorithm.");
  checkTimestampAlgorithms(options.timestampAlgorithms);
  // Several signatures (JWS general serialisation): each verified and reported (multi-signed-verify.ts).
  const multiSigned = multiSignedInput(input);
  if (multiSigned) return verifyMultiSignedLicence(multiSigned, options);
  const checks = new Map<CheckName, ReportCheck>();
  const pass = (check: CheckName, message = MESSAGES[check]) => checks.set(check, { check, result: "passed", message });
  const record = (check: CheckName, failure: CheckFailure) =>
    checks.set(check, { check, result: failure.result, message: failure.message, subIndication: failure.subIndication, code: failure.code });
  let licence: Licence | undefined;
  let disclosed: readonly string[] = [];
  let signer: SignerInfo | undefined;
  let claims: LicenceClaims | undefined;
  let envelope: Envelope | undefined;
  let status: VerificationReport["status"];
  let supersededBy: string | undefined;
  let lastStatusList: VerifiedStatusList | undefined;
  const checkStatus = async (ref: { uri: string; idx: number }, opts: VerifyLicenceOptions) => {
    const found = await findStatusList(ref, opts);
    lastStatusList = found;
    return statusOf(found, ref.idx);
  };
  let evidence: readonly ReportCheck[] = [];
  let level: SignatureLevel = "B-B";
  let proofOfExistence: Date | undefined;

  const finish = (): VerificationReport => {
    const list = CHECK_ORDER.map(
      (name): ReportCheck => checks.get(name) ?? { check: name, result: "skipped" as const, message: "Not checked: an earlier check failed." },
    ).concat(evidence);
    const failed = list.find((c) => c.result === "failed");
    const undetermined = list.find((c) => c.result === "indeterminate");
    const indication: Indication = failed ? "FAILED" : undetermined ? "INDETERMINATE" : "PASSED";
    const sub = (failed ?? undetermined)?.subIndication;
    return {
      indication,
      ...(sub ? { subIndication: sub } : {}),
      checks: list,
      ...(licence ? { licence } : {}),
      disclosed,
      ...(signer ? { signer } : {}),
      ...(envelope ? { algorithm: envelope.jws.header.alg } : {}),
      ...(claims ? { signingTime: fromEpochSeconds(claims.iat) } : {}),
      verificationTime: isoFromMillis(at.getTime()),
      ...(status ? { status } : {}),
      ...(supersededBy ? { supersededBy } : {}),
      level,
      ...(proofOfExistence ? { proofOfExistence: isoFromMillis(proofOfExistence.getTime()) } : {}),
    };
  };

  // 1–2. Format and algorithm: the algorithm is judged while the header is read, before any key.
  let x5c: readonly string[] | undefined;
  let header: JadesProtectedHeader;
  const certificateValues: Certificate[] = [];
  try {
    envelope = parseEnvelope(input, algorithms);
    const raw = envelope.jws.header;
    if (raw.typ !== LICENCE_TYP) throw formatError("typ");
    // Exactly one signing-certificate reference (ETSI TS 119 182-1 clause 5.1.7): x5t#S256.
    if (typeof raw["x5t#S256"] !== "string" || !THUMBPRINT.test(raw["x5t#S256"])) throw formatError("x5t#S256");
    if (raw.x5c !== undefined) {
      if (!Array.isArray(raw.x5c) || raw.x5c.length === 0 || raw.x5c.length > 10 || raw.x5c.some((c) => typeof c !== "string")) throw formatError("x5c");
      if (!trustList.certificateFromX5c(raw.x5c[0] as string)) throw formatError("x5c");
    }
    for (const value of envelope.certificates) {
      const cert = trustList.certificateFromX5c(value);
      if (!cert) throw new LicenceError("ERR_JWS_INVALID", "The signature's unsigned properties (etsiU) are malformed.", { details: { reason: "xVals" } });
      certificateValues.push(cert);
    }
    x5c = signerChain(raw, envelope, trustList);
    claims = readClaims(envelope.jws);
    header = readHeader(raw);
  } catch (err) {
    if (isLicenceError(err, "ERR_ALGORITHM_NOT_ALLOWED")) {
      pass("format", "The licence header is well formed.");
      record("algorithm", fail("CRYPTO_CONSTRAINTS_FAILURE", err.code, "The signature algorithm is not allowed."));
      return finish();
    }
    record("format", err instanceof CheckFailure ? err : fail("FORMAT_FAILURE", isLicenceError(err) ? err.code : "ERR_INPUT_MALFORMED", "The licence is not in the expected format."));
    return finish();
  }
  pass("format");
  pass("algorithm");
  if (envelope.unsupported.length > 0) {
    // Evidence nobody checked never counts; the verdict cannot be PASSED (TS 119 182-1 clause 5.3).
    record("format", indeterminate("SIG_CONSTRAINTS_FAILURE", "etsiU-unsupported", "The archive carries an unsigned property this verifier does not evaluate."));
  }

  // 3–4. The JAdES validator's steps, with the trust list: signing certificate and signature value,
  // certificate path, time-stamps and proof of existence, revocation values, level.
  const jws = envelope.jws;
  const chain = x5c ?? NO_CERTIFICATES;
  const validation = await validateJadesSignature({
    header,
    signingInput: jws.signingInput,
    signature: jws.signature,
    protectedB64: jws.protectedB64,
    signatureB64: jws.signatureB64,
    // What an archive time-stamp covers first: the payload as signed (only built when one is carried).
    archivedData: envelope.unsigned?.archiveTimestamps.length ? backend.asciiBytes(jws.payloadB64) : undefined,
    unsigned: envelope.unsigned,
    certificateValues,
    certificates: signerPool(chain, trustList),
    trustAnchors: trustList.anchors,
    at,
    parse: (der) => trustList.certificateFromX5c(encodeBase64(der)) ?? undefined,
    validatePath: (leaf, _intermediates, when) => validatePath(trustList, chain, leaf, when),
    ...(envelope.unsigned && envelope.unsigned.signatureTimestamps.length + envelope.unsigned.archiveTimestamps.length > 0 ? { timestamps: timestampPolicy(trustList, options.timestampAlgorithms) } : {}),
    ...(options.revocation ? { revocation: pathRevocationChecker(options.revocation) } : {}),
  });
  // The report names the certificate the licence names, even when its signature does not verify.
  const named = chain[0] !== undefined ? trustList.certificateFromX5c(chain[0]) : null;
  if (named) signer = signerInfo(named);
  const signatureFailure = signerFailure(validation);
  if (signatureFailure) {
    record("signature", signatureFailure);
    return finish();
  }
  const leaf = validation.signer.signer!;
  signer = signerInfo(leaf);
  pass("signature");
  level = validation.level ?? "B-B";
  proofOfExistence = validation.proof?.signatureExisted;

  // The certificate path, as the validator judged it, and the licence's own claim: it was issued
  // (iat) while its certificate was valid and not revoked.
  const signingTime = new Date(claims.iat * 1000);
  const issued = judgeChain(trustList, chain, signingTime);
  const atIssue = issued instanceof Promise ? await issued : issued;
  const path = pathCheck(validation, atIssue, signingTime);
  if (path) record("certificate-path", path);
  else pass("certificate-path", validation.pathAtProof || validation.revocation?.checked === true && validation.revocation.revocationTime ? PATH_AT_PROOF : undefined);
  // Each time-stamp and each revocation value the archive carries, one entry each.
  const rVals = envelope.unsigned?.revocation;
  const valuesPath = validation.path ?? (atIssue.ok ? atIssue.path : undefined);
  const values =
    rVals && valuesPath
      ? await describeRevocationValues(rVals, valuesPath, proofOfExistence ?? at, proofOfExistence, true, validation.revocation?.checked === true && !validation.revocation.failure)
      : [];
  evidence = [...(validation.proof?.timestamps.map(timestampEntry) ?? []), ...values.map(revocationValueEntry)];
  if (signingTime.getTime() > at.getTime()) {
    record("validity-period", fail("NOT_YET_VALID", "signing-time-in-future", "The licence claims a signing time after the verification time."));
  }

  // 5. One source per datum: the department named by the certificate, listed for this type.
  try {
    checkIssuer(trustList, leaf, claims, signingTime);
    pass("issuer-authorised");
  } catch (err) {
    record("issuer-authorised", err as CheckFailure);
  }

  // 6. Disclosures.
  try {
    const notDisclosable = () => fail("SIG_CONSTRAINTS_FAILURE", "not-disclosable", "A claim that is never selectively disclosable is disclosable in this licence.");
    if (digestsOutsideFields(claims.payload)) throw notDisclosable();
    const resolved = resolveDisclosures(claims.payload, envelope.disclosures);
    if (disclosedOutsideFields(resolved.disclosedPaths)) throw notDisclosable();
    if (!isJsonObject(resolved.claims.fields)) throw formatError("fields");
    licence = toLicence(claims, resolved.claims);
    disclosed = resolved.disclosedPaths;
    pass("disclosures");
  } catch (err) {
    record("disclosures", err instanceof CheckFailure ? err : fail("HASH_FAILURE", isLicenceError(err) ? disclosureCode(err) : "invalid", "A disclosure does not match the signed licence."));
  }

  // 7. Validity period at `at`.
  if (!checks.has("validity-period")) {
    const t = at.getTime() / 1000;
    if (t < claims.nbf) record("validity-period", fail("NOT_YET_VALID", "not-yet-valid", "The licence is not yet valid."));
    else if (claims.exp !== undefined && t >= claims.exp) record("validity-period", fail("EXPIRED", "expired", "The licence has expired."));
    else pass("validity-period");
  }

  // 8. Status, from a status list the caller supplied; never assumed.
  const typeCode = ((claims.payload.licence as Record<string, unknown>).type as Record<string, unknown>).code as string;
  if (!claims.statusRef && trustList.statusRequired(typeCode)) {
    record("status", fail("SIG_CONSTRAINTS_FAILURE", "status-required", "The trust list requires licences of this type to carry a status, and this one names no status list."));
  } else if (!claims.statusRef) pass("status", "The licence names no status list.");
  else {
    try {
      const read = await checkStatus(claims.statusRef, options);
      status = read;
      if (read !== "invalid" && lastStatusList?.reasons && lastStatusList.reasons.get(claims.statusRef.idx) !== 0) {
        throw indeterminate("TRY_LATER", "status-reason", "The status list gives a reason for a licence it does not mark invalid.");
      }
      if (read === "suspended") record("status", fail("SUSPENDED", "suspended", "The status list marks the licence suspended."));
      else if (read === "valid") pass("status", "The status list marks the licence valid.");
      else {
        const ended = readEndReason(lastStatusList, claims.statusRef.idx, claims.jti);
        status = ended?.reason ?? "invalid";
        if (ended?.supersededBy) supersededBy = ended.supersededBy;
        if (status === "revoked") record("status", fail("REVOKED", "revoked", "The status list marks the licence revoked."));
        else if (status === "cancelled") record("status", fail("CANCELLED", "cancelled", "The status list marks the licence cancelled."));
        else if (status === "superseded") record("status", fail("SUPERSEDED", "superseded", "The status list marks the licence superseded by a newer version."));
        else record("status", fail("REVOKED", "invalid", "The status list marks the licence invalid (revoked, cancelled or superseded)."));
      }
    } catch (err) {
      record("status", err instanceof CheckFailure ? err : indeterminate("TRY_LATER", isLicenceError(err) ? statusCode(err) : "status-list", "The licence's status list could not be used."));
    }
  }
  return finish();
}

/** The trust-list service role whose certificates may time-stamp licences. */
const TIME_STAMPING_ROLE = "time-stamping" as const;

/** The protected header, read by the JAdES validator's reader. */
function readHeader(raw: ParsedJws["header"]): JadesProtectedHeader {
  try {
    return readProtectedHeader(raw, raw.alg, []);
  } catch (err) {
    if (!(err instanceof JadesCheckFailure)) throw err;
    throw fail("FORMAT_FAILURE", "ERR_HEADER_INVALID", "The licence is not in the expected format.");
  }
}

/** The certificates of the signer's chain the trust list has parsed (the candidates for `x5t#S256`). */
function signerPool(chain: readonly string[], trustList: TrustList): Certificate[] {
  const pool: Certificate[] = [];
  for (const text of chain) {
    const cert = trustList.certificateFromX5c(text);
    if (cert) pool.push(cert);
  }
  return pool;
}

/** The signer's chain judged at a time through the trust list's path cache (no promise once cached). */
function judgeChain(trustList: TrustList, chain: readonly string[], at: Date): ChainResult | Promise<ChainResult> {
  return trustList.validateChainCached(chain, at) ?? trustList.validateChain(chain, at);
}

/** The validator's path step, through the trust list: the chain the licence names, from its anchors. */
function validatePath(trustList: TrustList, chain: readonly string[], leaf: Certificate, at: Date): PathValidationResult | Promise<PathValidationResult> {
  const toResult = (result: ChainResult): PathValidationResult =>
    result.ok ? { ok: true, path: result.path } : { ok: false, code: result.code, reason: "The signing certificate's path is not valid.", certificate: leaf };
  if (chain[0] === undefined || trustList.certificateFromX5c(chain[0]) !== leaf) return toResult({ ok: false, code: "PATH_NOT_FOUND" });
  const judged = judgeChain(trustList, chain, at);
  return judged instanceof Promise ? judged.then(toResult) : toResult(judged);
}

/** Time-stamps of a licence: by a TSA on the trust list's anchors, listed for time-stamping. */
function timestampPolicy(trustList: TrustList, algorithms: readonly SignatureAlgorithm[] | undefined) {
  return {
    algorithms,
    trustAnchors: trustList.anchors,
    intermediates: signerPool(trustList.document.certificates ?? [], trustList),
    acceptTsa: (tsa: Certificate) =>
      trustList.serviceCertificate(TIME_STAMPING_ROLE, tsa.sha256) ? undefined : jadesFailed("SIG_CONSTRAINTS_FAILURE", "tsa-not-listed", "The trust list does not list the time-stamp's TSA."),
  };
}

function checkIssuer(trustList: TrustList, leaf: Certificate, claims: LicenceClaims, signingTime: Date): void {
  const code = claims.iss;
  if (leaf.organizationIdentifier !== code) {
    throw fail("SIG_CONSTRAINTS_FAILURE", "certificate-department", "The signing certificate does not name the licence's issuing department.");
  }
  const department = trustList.department(code);
  if (!department) throw fail("SIG_CONSTRAINTS_FAILURE", "department-not-listed", "The trust list does not list the issuing department.");
  const typeCode = ((claims.payload.licence as Record<string, unknown>).type as Record<string, unknown>).code as string;
  if (!department.licenceTypes.includes(typeCode)) {
    throw fail("SIG_CONSTRAINTS_FAILURE", "type-not-authorised", "The trust list does not list the department for this licence type.");
  }
  const t = signingTime.getTime();
  if (t < Date.parse(department.validFrom) || (department.validUntil !== undefined && t > Date.parse(department.validUntil))) {
    throw fail("SIG_CONSTRAINTS_FAILURE", "department-period", "The department was not listed at the signing time.");
  }
  if (department.certificates.length > 0 && !department.certificates.includes(signerInfo(leaf).certificateSha256)) {
    throw fail("SIG_CONSTRAINTS_FAILURE", "certificate-not-listed", "The trust list does not list this signing certificate for the department.");
  }
}

async function findStatusList(ref: { uri: string; idx: number }, options: VerifyLicenceOptions): Promise<VerifiedStatusList> {
  const given = options.statusLists ?? [];
  const candidates = typeof given === "function" ? [await given(ref)] : given;
  const choice = await chooseStatusList(candidates, ref.uri, options);
  if (!choice.ok) {
    if (choice.reason === "stale") throw indeterminate("TRY_LATER", "stale", "The status list has expired.");
    if (choice.reason === "not-yet-valid") throw indeterminate("TRY_LATER", "not-yet-valid", "The status list was issued after the verification time: it does not say the status at that time.");
    if (choice.error) throw choice.error;
    throw indeterminate("TRY_LATER", "status-list-missing", "The licence names a status list that was not supplied.");
  }
  const list = choice.list;
  if (ref.idx >= list.list.size) throw fail("FORMAT_FAILURE", "status-index", "The licence's status index is outside its status list.");
  return list;
}

function statusOf(list: VerifiedStatusList, idx: number): "valid" | "suspended" | "invalid" {
  return statusFromValue(list.list.get(idx));
}
