/**
 * Augmenting a JAdES signature to a higher baseline level (ETSI TS 119 182-1 clause 6): B-T (a
 * signature time-stamp, `sigTst`, clause 5.3.4), B-LT (the validation material as it was at that
 * time: certificate values `xVals`, clause 5.3.5.1, and revocation values `rVals`, clause 5.3.5.2)
 * and B-LTA (an archive time-stamp, `arcTst`, clause 5.3.6, over the signature and every `etsiU`
 * element before it; run again, a new one covers the old). The producer side of what
 * {@link verifyJades} checks: core does no I/O, so the TSA and the revocation sources are the
 * caller's functions.
 *
 * The signature is verified first, with its evidence; an augmented signature never carries
 * evidence for a signature that does not verify, nor builds on evidence that does not.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { checkTimestampAlgorithms, type SignatureAlgorithm } from "../crypto/algorithms.js";
import { encodeBase64 } from "../encoding/base64.js";
import { LicenceError, isLicenceError } from "../errors/errors.js";
import { checkPathRevocation, type RevocationFetcher } from "../revocation/check.js";
import type { TimestampHash } from "../timestamp/oids.js";
import { timestampHashFor } from "../timestamp/request.js";
import { parseTimestampToken } from "../timestamp/token.js";
import { verifyTimestampToken } from "../timestamp/verify.js";
import { CertificateCache } from "../x509/cache.js";
import { isCertificate, type Certificate } from "../x509/certificate.js";
import { validateCertificatePath, type CertificateInput } from "../x509/path-validation.js";
import type { JadesCheck } from "./report.js";
import { collectRevocationValues, encodeRevocationValues } from "./revocation-values.js";
import { readJwsDocument } from "./serialisation.js";
import { archiveTimestampData, archiveTimestampProperty, signatureTimestampData, signatureTimestampProperty } from "./timestamp-properties.js";
import { readUnsignedProperties } from "./unsigned.js";
import { verifyJades } from "./verify.js";

/** The level to augment to: `T` (B-T), `LT` (B-LT) or `LTA` (B-LTA). */
export type AugmentLevel = "T" | "LT" | "LTA";

/** Every {@link AugmentLevel}, lowest first. */
export const AUGMENT_LEVELS: readonly AugmentLevel[] = ["T", "LT", "LTA"];

/** An `etsiU` element an augmentation may add. */
export type AugmentedProperty = "sigTst" | "xVals" | "rVals" | "arcTst";

/** A flattened JWS JSON serialisation (an eLicence archive form), `etsiU` in base64url form. */
export interface FlattenedJades {
  readonly protected: string;
  readonly payload: string;
  readonly signature: string;
  readonly header: Readonly<Record<string, unknown>> & { readonly etsiU: readonly string[] };
}

/** Options of {@link augmentJades}. The trust anchors, the time, the TSA and the revocation source are the caller's. */
export interface AugmentJadesOptions {
  readonly level: AugmentLevel;
  /** The only certificates the signer's and the TSAs' paths may end at. */
  readonly trustAnchors: readonly CertificateInput[];
  /** Signing certificates referenced by digest, intermediates, TSA certificates. */
  readonly certificates?: readonly CertificateInput[];
  /** Signature algorithms accepted. */
  readonly algorithms: readonly SignatureAlgorithm[];
  /** The time of the augmentation (evidence is verified at it). */
  readonly at: Date;
  /**
   * The TSA: returns an RFC 3161 TimeStampToken (DER) over `data` (its message imprint is a hash of
   * `data`). Its failures are refused, never turned into a signature without the time-stamp.
   * `hash` is the imprint to ask for: SM3 for an SM2 signature, SHA-256 otherwise (`timestampHashFor`).
   */
  readonly timestamp: (data: Uint8Array, hash: TimestampHash) => Promise<Uint8Array>;
  /**
   * Where revocation values come from (B-LT): given the signature time-stamp's time, a fetcher of
   * OCSP responses and CRLs for the signer's path that are current at that time.
   */
  readonly revocation?: (at: Date) => RevocationFetcher;
  /** Anchors for the TSAs; default `trustAnchors`. */
  readonly timestampTrustAnchors?: readonly CertificateInput[];
  /** Signature algorithms accepted from a TSA, for the tokens added and those already carried; default any core implements. */
  readonly timestampAlgorithms?: readonly SignatureAlgorithm[];
  /** Unprotected header members besides `etsiU` kept as they are (an eLicence archive: `disclosures`). */
  readonly unprotectedMembers?: readonly string[];
  /** The protected header's `typ` the input must have (e.g. the licence type), when given. */
  readonly type?: string;
  /** Most characters of the input (default 1 MiB). */
  readonly maxLength?: number;
}

/** The outcome of {@link augmentJades}. */
export interface AugmentedJades {
  readonly archive: FlattenedJades;
  /** The level the evidence now carries. */
  readonly level: "B-T" | "B-LT" | "B-LTA";
  /** The elements added, in order (empty when the signature already had the level). */
  readonly added: readonly AugmentedProperty[];
  /** The time the (earliest) signature time-stamp proves, ISO 8601. */
  readonly signatureTime: string;
}

/** How far after `at` a fresh token's time may be (the TSA's clock and the round trip). */
const MAX_TSA_SKEW_MS = 5 * 60_000;

/** Most `etsiU` elements an augmentation leaves (the reader's limit). */
const MAX_ELEMENTS = 64;

function refused(code: "ERR_JWS_INVALID" | "ERR_SIGNATURE_INVALID" | "ERR_CERTIFICATE_INVALID" | "ERR_TIMESTAMP_INVALID", message: string, reason: string): LicenceError {
  return new LicenceError(code, message, { details: { reason: reason.slice(0, 64) } });
}

const encodeElement = (element: unknown): string => backend.base64urlEncodeText(JSON.stringify(element));

function checkOptions(options: AugmentJadesOptions): void {
  if (typeof options !== "object" || options === null) throw new TypeError("augmentJades needs options.");
  if (!AUGMENT_LEVELS.includes(options.level)) throw new TypeError('options.level must be "T", "LT" or "LTA".');
  if (!(options.at instanceof Date) || Number.isNaN(options.at.getTime())) throw new TypeError("options.at must be a valid Date.");
  if (typeof options.timestamp !== "function") throw new TypeError("options.timestamp must be a function.");
  if (options.revocation !== undefined && typeof options.revocation !== "function") throw new TypeError("options.revocation must be a function.");
  checkTimestampAlgorithms(options.timestampAlgorithms);
}

/** The SD-JWT compact form `<jws>~<disclosure>~…~` (or a bare compact JWS) as a flattened JWS object. */
function fromCompact(text: string): Record<string, unknown> {
  const [jws = "", ...rest] = text.trim().split("~");
  const parts = jws.split(".");
  if (parts.length !== 3) throw refused("ERR_JWS_INVALID", "The input is not a JWS.", "compact-parts");
  const disclosures = rest.filter((d) => d.length > 0);
  return { protected: parts[0], payload: parts[1], signature: parts[2], ...(text.includes("~") ? { header: { disclosures } } : {}) };
}

const tsaAlgorithms = (options: AugmentJadesOptions) => (options.timestampAlgorithms ? { algorithms: options.timestampAlgorithms } : {});

/** Time-stamps `data` through the caller's TSA and verifies the token before it is kept. */
async function stamp(data: Uint8Array, hash: TimestampHash, options: AugmentJadesOptions, intermediates: readonly CertificateInput[]): Promise<{ token: Uint8Array; genTime: Date; path: readonly Certificate[] }> {
  let token: Uint8Array;
  try {
    token = await options.timestamp(data, hash);
  } catch (err) {
    if (isLicenceError(err)) throw err;
    throw new LicenceError("ERR_UNAVAILABLE", "The time-stamping authority cannot answer.", { cause: err });
  }
  if (!(token instanceof Uint8Array) || token.length === 0) throw new LicenceError("ERR_UNAVAILABLE", "The time-stamping authority gave no token.");
  // A token made during this augmentation may carry a time a little after `at` (the TSA's clock,
  // the round trip): judged at its own time when that is within the allowed skew.
  let at = options.at;
  try {
    const genTime = parseTimestampToken(token).tstInfo.genTime;
    if (genTime > at.getTime() && genTime - at.getTime() <= MAX_TSA_SKEW_MS) at = new Date(genTime);
  } catch {
    // Unreadable: the verification below says why.
  }
  const result = await verifyTimestampToken(token, { data, trustAnchors: options.timestampTrustAnchors ?? options.trustAnchors, intermediates, at, ...tsaAlgorithms(options) });
  if (!result.ok) throw refused("ERR_TIMESTAMP_INVALID", "The time-stamping authority's token does not verify.", result.code);
  return { token, genTime: result.genTime, path: result.path };
}

function failedCheck(checks: readonly JadesCheck[], name: JadesCheck["check"]): JadesCheck | undefined {
  const check = checks.find((c) => c.check === name);
  return check && (check.result === "failed" || check.result === "indeterminate") ? check : undefined;
}

/**
 * Augments a JAdES signature (flattened JSON serialisation, or compact / SD-JWT compact, which is
 * first turned into its flattened form) to `options.level`: adds a `sigTst` when there is none
 * (B-T); the signer's path and the TSAs' certificates (`xVals`) and revocation values current at
 * the signature time-stamp's time (`rVals`) when there are none (B-LT); a new `arcTst` over the
 * signature and every element before it (B-LTA), each time it is asked. `etsiU` comes out in
 * base64url form (clause 5.3.1), elements already in that form byte for byte as they were, as an
 * archive time-stamp requires (clause 5.3.6.3.1.1).
 *
 * @param input - the signature: JSON text, a parsed JSON object, or compact text
 * @param options - level, trust anchors, algorithms, time, the TSA and the revocation source
 * @returns the augmented signature, its level and what was added
 * @throws TypeError on misuse (unknown level); LicenceError `ERR_JWS_INVALID` (not a flattened JAdES,
 *   another `typ`, malformed `etsiU`), `ERR_INPUT_TOO_LARGE`, `ERR_SIGNATURE_INVALID`,
 *   `ERR_CERTIFICATE_INVALID` (no valid path, or revoked before the time-stamp), `ERR_TIMESTAMP_INVALID`
 *   (evidence carried or received does not verify), `ERR_UNAVAILABLE` (TSA or revocation source)
 * @example
 * ```ts
 * const { archive, level } = await augmentJades(text, { level: "LTA", trustAnchors: [root], algorithms: ["ES256"], at: new Date(), timestamp: tsa, revocation: fetcher });
 * ```
 */
export async function augmentJades(input: string | Record<string, unknown>, options: AugmentJadesOptions): Promise<AugmentedJades> {
  checkOptions(options);
  const maxLength = options.maxLength ?? 1024 * 1024;
  if (typeof input === "string" && input.length > maxLength) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The signature is larger than allowed.", { details: { limit: maxLength } });
  const object = typeof input === "string" && !input.trim().startsWith("{") ? fromCompact(input) : input;
  let document;
  try {
    document = readJwsDocument(object, { maxLength });
  } catch (err) {
    if (isLicenceError(err)) throw err;
    throw refused("ERR_JWS_INVALID", "The input is not a JAdES signature in the flattened JSON serialisation.", (err as { code?: string }).code ?? "format");
  }
  const parts = document.signatures[0];
  if (document.serialisation !== "flattened" || !parts || !("signatureB64" in parts)) {
    throw refused("ERR_JWS_INVALID", "The input is not a JAdES signature in the flattened JSON serialisation.", document.serialisation === "general" ? "general-serialisation" : "format");
  }
  if (options.type !== undefined && parts.header.typ !== options.type) throw refused("ERR_JWS_INVALID", "The signature is not of the expected type.", "typ");
  const allowed = options.unprotectedMembers ?? [];
  const { etsiU, ...kept } = parts.unprotected;
  if (Object.keys(kept).some((k) => !allowed.includes(k))) throw refused("ERR_JWS_INVALID", "The unprotected header has an unexpected member.", "unprotected-member");

  // The signature and the evidence it carries, as a verifier judges them now.
  const cache = new CertificateCache();
  const certificates = (options.certificates ?? []).map((c) => (isCertificate(c) ? c : cache.parse(c)));
  const report = await verifyJades(object, {
    trustAnchors: options.trustAnchors,
    certificates,
    at: options.at,
    algorithms: options.algorithms,
    unprotectedMembers: allowed,
    maxLength,
    cache,
    ...(options.timestampTrustAnchors ? { timestamps: { verify: (t, o) => verifyTimestampToken(t, o), trustAnchors: options.timestampTrustAnchors } } : {}),
    ...(options.timestampAlgorithms ? { timestampAlgorithms: options.timestampAlgorithms } : {}),
  });
  const signature = report.signatures[0]!;
  const checks = signature.checks;
  const format = failedCheck(checks, "format");
  if (format) throw refused("ERR_JWS_INVALID", "The signature or its unsigned properties are malformed or not supported.", format.code ?? "format");
  for (const name of ["algorithm", "critical", "signed-data", "signing-certificate", "signature"] as const) {
    const bad = failedCheck(checks, name) ?? (checks.find((c) => c.check === name)?.result === "skipped" ? checks.find((c) => c.check === name) : undefined);
    if (bad) throw refused("ERR_SIGNATURE_INVALID", "The signature does not verify: it is not augmented.", bad.code ?? name);
  }
  const path = failedCheck(checks, "certificate-path");
  if (path) throw refused("ERR_CERTIFICATE_INVALID", "The signing certificate has no valid path: the signature is not augmented.", path.code ?? "certificate-path");
  for (const name of ["signature-timestamp", "archive-timestamp"] as const) {
    const bad = failedCheck(checks, name);
    if (bad) throw refused("ERR_TIMESTAMP_INVALID", "A time-stamp the signature carries does not verify: it is not augmented.", bad.code ?? name);
  }
  if (checks.find((c) => c.check === "revocation")?.result === "failed") throw refused("ERR_CERTIFICATE_INVALID", "The signing certificate was revoked before the signature's time-stamp.", "REVOKED");

  const unsigned = etsiU === undefined ? undefined : readUnsignedProperties(etsiU);
  const elements: string[] = etsiU === undefined ? [] : (etsiU as unknown[]).map((e) => (typeof e === "string" ? e : encodeElement(e)));
  const added: AugmentedProperty[] = [];
  const add = (name: AugmentedProperty, element: unknown) => {
    if (elements.length >= MAX_ELEMENTS) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The signature carries as many unsigned properties as allowed.", { details: { limit: MAX_ELEMENTS } });
    elements.push(encodeElement(element));
    added.push(name);
  };
  const signer = certificates.concat(...(unsigned?.certificates ?? []).map((d) => cache.parse(d))).find((c) => backend.base64urlEncode(c.sha256) === signature.signer?.certificateSha256);
  if (!signer) throw refused("ERR_SIGNATURE_INVALID", "The signing certificate cannot be found.", "signing-certificate");
  const helpers = [...certificates, ...(unsigned?.certificates ?? []).map((d) => cache.parse(d))];
  const imprint = timestampHashFor(signature.algorithm);

  // B-T: the signature time-stamp, and the TSA paths of those carried.
  const tsaPaths: (readonly Certificate[])[] = [];
  let signatureTime: Date;
  if ((unsigned?.signatureTimestamps.length ?? 0) === 0) {
    const made = await stamp(signatureTimestampData(parts.signatureB64), imprint, options, helpers);
    add("sigTst", signatureTimestampProperty(made.token));
    tsaPaths.push(made.path);
    signatureTime = made.genTime;
  } else {
    signatureTime = new Date(signature.proofOfExistence!);
    for (const container of unsigned!.signatureTimestamps) {
      for (const token of container.tokens) {
        const result = await verifyTimestampToken(token, { data: signatureTimestampData(parts.signatureB64), trustAnchors: options.timestampTrustAnchors ?? options.trustAnchors, intermediates: helpers, at: options.at, ...tsaAlgorithms(options) });
        if (result.ok) tsaPaths.push(result.path);
      }
    }
  }

  // B-LT: the validation material as it was at the signature time-stamp's time.
  if (options.level !== "T" && unsigned?.revocation === undefined) {
    if (!options.revocation) throw new LicenceError("ERR_UNAVAILABLE", "No source of revocation values was given for B-LT.");
    const validated = await validateCertificatePath({ leaf: signer, intermediates: helpers, trustAnchors: options.trustAnchors, at: signatureTime, cache });
    if (!validated.ok) throw refused("ERR_CERTIFICATE_INVALID", "The signing certificate had no valid path at the signature time-stamp's time.", validated.code);
    const values = await collectRevocationValues(validated.path, options.revocation(signatureTime), { at: signatureTime });
    const revoked = await checkPathRevocation(validated.path, { crls: values.crls, ocspResponses: values.ocspResponses }, signatureTime);
    if (revoked) throw refused("ERR_CERTIFICATE_INVALID", "The signing certificate's path was revoked, or its status unknown, at the signature time-stamp's time.", revoked.code);
    const have = new Set((unsigned?.certificates ?? []).map((d) => encodeBase64(d)));
    const wanted = [...validated.path, ...tsaPaths.flat()].map((c) => encodeBase64(c.der)).filter((v, i, all) => !have.has(v) && all.indexOf(v) === i);
    if (wanted.length > 0) add("xVals", { xVals: wanted.map((val) => ({ x509Cert: { val } })) });
    add("rVals", { rVals: encodeRevocationValues(values) });
  }

  // B-LTA: a new archive time-stamp over the signature and every element before it.
  if (options.level === "LTA") {
    const data = archiveTimestampData({ protectedB64: parts.protectedB64, payloadB64: document.payload, signatureB64: parts.signatureB64 }, elements.join(""));
    const made = await stamp(data, imprint, options, helpers);
    add("arcTst", archiveTimestampProperty(made.token));
  }

  const names = readUnsignedProperties(elements).components.map((c) => c.name);
  const level = names.includes("arcTst") && names.includes("rVals") ? "B-LTA" : names.includes("rVals") ? "B-LT" : "B-T";
  const archive: FlattenedJades = {
    protected: parts.protectedB64,
    payload: document.payload,
    signature: parts.signatureB64,
    header: { ...kept, etsiU: elements },
  };
  return { archive, level, added, signatureTime: signatureTime.toISOString() };
}
