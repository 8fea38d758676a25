/**
 * The signer steps of a JAdES validation, usable on their own: identify the signing certificate
 * from the signed reference (EN 319 102-1 clause 5.2.3; TS 119 182-1 clauses 5.1.7, 5.1.8,
 * 5.2.2), verify the signature value with its key (clause 5.2.7 of EN 319 102-1, cryptographic
 * verification) and validate its path to a caller-given trust anchor (clause 5.2.6, X.509
 * certificate validation). {@link verifyJadesSigner} runs the three and returns one report entry
 * each; `verifyJades` and `verifyLicence` call it (through `validate-signature.ts`).
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { ALGORITHM_KEYS, type SignatureAlgorithm } from "../crypto/algorithms.js";
import type { PublicKeyHandle } from "../crypto/backend.js";
import { isLicenceError } from "../errors/errors.js";
import type { SignerInfo } from "../licence/report.js";
import type { Certificate } from "../x509/certificate.js";
import type { CertificateCache } from "../x509/cache.js";
import { validateCertificatePath, type CertificateInput, type PathValidationResult } from "../x509/path-validation.js";
import { OID_KEY } from "../x509/oids.js";
import { bytesEqual, digest } from "./digest.js";
import type { JadesProtectedHeader } from "./header.js";
import { JadesCheckFailure, failed, undetermined, type JadesCheck, type JadesSubIndication } from "./report.js";

/** Input of {@link verifyJadesSigner}. */
export interface JadesSignerInput {
  /** The protected header, read (see `readProtectedHeader`). */
  readonly header: JadesProtectedHeader;
  /** ASCII(BASE64URL(protected header)) ‖ '.' ‖ payload octets. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
  /**
   * Certificates that may be the signing certificate or help build its path: the caller's, the
   * signature's `xVals`. The header's own `x5c` is added by this function.
   */
  readonly certificates: readonly Certificate[];
  /** The trust anchors a path must end at. */
  readonly trustAnchors: readonly CertificateInput[];
  /** The time the path is validated at. */
  readonly at: Date;
  /**
   * The signing certificate, when the caller knows it (EN 319 102-1 clause 5.2.3 lets the driving
   * application supply it). It must match the header's reference when there is one; a signature
   * without a reference is then not a JAdES baseline signature, but its value can be checked.
   */
  readonly signingCertificate?: Certificate;
  readonly cache?: CertificateCache;
  /**
   * Validates the signer's path; default `validateCertificatePath` with `trustAnchors`. A caller
   * with its own cache of validated paths (the trust list's) passes it here.
   */
  readonly validatePath?: (leaf: Certificate, intermediates: readonly Certificate[], at: Date) => PathValidationResult | Promise<PathValidationResult>;
  /** Parses a DER certificate (the header's `x5c`); `undefined` when it cannot be parsed. */
  readonly parse: (der: Uint8Array) => Certificate | undefined;
}

/** Result of {@link verifyJadesSigner}: three report entries and what they established. */
export interface JadesSignerResult {
  readonly checks: {
    readonly signingCertificate: JadesCheck;
    readonly signature?: JadesCheck;
    readonly certificatePath?: JadesCheck;
  };
  /** The signing certificate, once identified and its signature value verified. */
  readonly signer?: Certificate;
  /** Certificates that may build the signer's path (all but the signer). */
  readonly intermediates: readonly Certificate[];
  /** The validated path at `at`, leaf first, when the path check passed. */
  readonly path?: readonly Certificate[];
  /** The path failure at `at`, when there was one (a later proof of existence may rescue it). */
  readonly pathFailure?: Extract<PathValidationResult, { ok: false }>;
}

const MESSAGES = {
  signingCertificate: "The signing certificate is the one the signed header references.",
  signature: "The signature value verifies with the signing certificate's key.",
  certificatePath: "The signing certificate chains to a trust anchor and is valid at the validation time.",
} as const;

/** The passed entries, made once (the hot path allocates none). */
const PASSED = {
  signingCertificate: Object.freeze<JadesCheck>({ check: "signing-certificate", result: "passed", message: MESSAGES.signingCertificate }),
  signature: Object.freeze<JadesCheck>({ check: "signature", result: "passed", message: MESSAGES.signature }),
  certificatePath: Object.freeze<JadesCheck>({ check: "certificate-path", result: "passed", message: MESSAGES.certificatePath }),
};

function entry(check: JadesCheck["check"], outcome: JadesCheckFailure | string, code?: string): JadesCheck {
  if (typeof outcome === "string") return { check, result: "passed", message: outcome, ...(code ? { code } : {}) };
  return { check, result: outcome.result, message: outcome.message, subIndication: outcome.subIndication, code: outcome.code };
}

/** Whether a certificate is the one the signed reference names (by any of its digests). */
function referenceMatcher(header: JadesProtectedHeader): (cert: Certificate) => boolean {
  const reference = header.reference;
  if (!reference) return () => true;
  const digests = reference.digests;
  // `x5t#S256` (the common case) as written, against the certificate's remembered thumbprint.
  return (cert) => digests.some((d) => (d.text !== undefined ? signerInfo(cert).certificateSha256 === d.text : bytesEqual(digest(d.algorithm, cert.der), d.value)));
}

/**
 * The certificates that may be the signing certificate, best first (EN 319 102-1 clause 5.2.3).
 *
 * @throws JadesCheckFailure INDETERMINATE NO_SIGNING_CERTIFICATE_FOUND, or FORMAT_FAILURE for an unreadable `x5c`
 */
export function signingCertificateCandidates(header: JadesProtectedHeader, pool: readonly Certificate[], x5c: readonly Certificate[], given?: Certificate): Certificate[] {
  const notFound = (code: string) => undetermined("NO_SIGNING_CERTIFICATE_FOUND", code, "The signing certificate the header references was not found.");
  const matches = referenceMatcher(header);
  if (given) {
    if (!matches(given)) throw notFound("given-certificate-mismatch");
    if (x5c.length > 0 && x5c[0]!.sha256Hex !== given.sha256Hex) throw notFound("x5c-mismatch");
    return [given];
  }
  if (!header.reference) {
    // TS 119 182-1 clause 5.1.8: without a digest reference, the first `x5c` certificate is the signer's.
    if (x5c.length > 0) return [x5c[0]!];
    throw notFound("no-reference");
  }
  if (x5c.length > 0) {
    // The signed `x5c` and the signed digest must name the same certificate.
    if (!matches(x5c[0]!)) throw notFound("x5c-mismatch");
    return [x5c[0]!];
  }
  const candidates: Certificate[] = [];
  for (const c of pool) if (matches(c) && !candidates.some((k) => k.sha256Hex === c.sha256Hex)) candidates.push(c);
  if (candidates.length === 0) throw notFound(header.reference.member);
  return candidates;
}

/**
 * Checks that a certificate's key fits the JWS algorithm (RFC 7518 §3; SM2 keys for `SM2SM3`) and the cryptographic
 * constraints (RSA keys of at least 2048 bits).
 *
 * @throws JadesCheckFailure FAILED SIG_CRYPTO_FAILURE or CRYPTO_CONSTRAINTS_FAILURE
 */
export function checkKeyFitsAlgorithm(cert: Certificate, alg: SignatureAlgorithm): void {
  const info = cert.publicKeyInfo;
  const shape = ALGORITHM_KEYS[alg];
  const fits =
    info.kty === shape.kty &&
    (shape.kty === "RSA" ? info.oid === OID_KEY.rsaEncryption || (alg.startsWith("PS") && info.oid === OID_KEY.rsassaPss) : info.curve === shape.curve);
  if (!fits) throw failed("SIG_CRYPTO_FAILURE", "key-algorithm", "The signing certificate's key does not fit the signature algorithm.");
  if (info.kty === "RSA" && (info.modulusBits ?? 0) < 2048) {
    throw failed("CRYPTO_CONSTRAINTS_FAILURE", "weak-key", "The signing key is shorter than the cryptographic constraints allow (RSA < 2048 bits).");
  }
}

/**
 * Imported signer keys per certificate object (an import costs more than a verification), weakly
 * held: a caller that keeps its parsed certificates (a CertificateCache) imports each key once,
 * and once imported the key is used without waiting (verification is the hot path).
 */
const SIGNER_KEYS = new WeakMap<Certificate, Map<SignatureAlgorithm, { readonly pending: Promise<PublicKeyHandle>; key?: PublicKeyHandle }>>();

function importSignerKey(cert: Certificate, alg: SignatureAlgorithm): { readonly pending: Promise<PublicKeyHandle>; key?: PublicKeyHandle } {
  let byAlg = SIGNER_KEYS.get(cert);
  if (!byAlg) SIGNER_KEYS.set(cert, (byAlg = new Map()));
  let entry = byAlg.get(alg);
  if (!entry) {
    const made: { pending: Promise<PublicKeyHandle>; key?: PublicKeyHandle } = { pending: backend.importPublicKey(cert.spki, alg) };
    // A failed import is not cached: the error is the caller's to see each time.
    made.pending.then(
      (key) => (made.key = key),
      () => byAlg!.delete(alg),
    );
    byAlg.set(alg, (entry = made));
  }
  return entry;
}

function verifyWithKey(key: PublicKeyHandle, data: Uint8Array, signature: Uint8Array): boolean | Promise<boolean> {
  return backend.verifySync ? backend.verifySync(key, data, signature) : backend.verify(key, data, signature);
}

/**
 * Verifies a signature value with a certificate's key; `false` for a wrong signature. Synchronous
 * when the key is already imported.
 *
 * @throws JadesCheckFailure CRYPTO_CONSTRAINTS_FAILURE when the key cannot be used with `alg`
 */
export function verifyWithCertificate(cert: Certificate, alg: SignatureAlgorithm, data: Uint8Array, signature: Uint8Array): boolean | Promise<boolean> {
  const entry = importSignerKey(cert, alg);
  if (entry.key) return verifyWithKey(entry.key, data, signature);
  return entry.pending.then(
    (key) => verifyWithKey(key, data, signature),
    (err: unknown) => {
      if (isLicenceError(err)) throw failed("CRYPTO_CONSTRAINTS_FAILURE", "key", "The signing certificate's key cannot be used with this algorithm.");
      throw err;
    },
  );
}

/** Whether a certificate's key usage (when it has one) allows signatures, remembered per certificate object. */
const SIGNING_USAGE = new WeakMap<Certificate, boolean>();

function allowsSignatures(cert: Certificate): boolean {
  let allowed = SIGNING_USAGE.get(cert);
  if (allowed === undefined) {
    const keyUsage = cert.keyUsage;
    allowed = !keyUsage || keyUsage.has("digitalSignature") || keyUsage.has("nonRepudiation");
    SIGNING_USAGE.set(cert, allowed);
  }
  return allowed;
}

/** How a path failure reads as EN 319 102-1 sub-indications (clause 5.2.6). */
const PATH_OUTCOME: Partial<Record<string, { result: "failed" | "indeterminate"; sub: JadesSubIndication }>> = {
  PATH_NOT_FOUND: { result: "indeterminate", sub: "NO_CERTIFICATE_CHAIN_FOUND" },
  EXPIRED: { result: "indeterminate", sub: "OUT_OF_BOUNDS_NO_POE" },
  NOT_YET_VALID: { result: "indeterminate", sub: "OUT_OF_BOUNDS_NO_POE" },
  REVOCATION_UNKNOWN: { result: "indeterminate", sub: "TRY_LATER" },
  REVOKED: { result: "indeterminate", sub: "REVOKED_NO_POE" },
  MALFORMED: { result: "failed", sub: "FORMAT_FAILURE" },
};

/** The report entry for a path failure. */
export function pathFailureCheck(failure: { readonly code: string; readonly reason: string }): JadesCheck {
  const outcome = PATH_OUTCOME[failure.code] ?? { result: "failed" as const, sub: "CHAIN_CONSTRAINTS_FAILURE" as const };
  return { check: "certificate-path", result: outcome.result, message: failure.reason, subIndication: outcome.sub, code: failure.code };
}

/**
 * Identifies the signing certificate, verifies the signature value with its key and validates its
 * path at `at`: the three signer steps of a JAdES (or eLicence) signature.
 *
 * @param input - header, signing input, signature, candidate certificates, anchors and time
 * @returns one report entry per step (a step after a failed one is absent) and the signer
 * @example
 * ```ts
 * const result = await verifyJadesSigner({ header, signingInput, signature, certificates, trustAnchors, at, parse });
 * if (result.checks.certificatePath?.result === "passed") use(result.signer);
 * ```
 */
export async function verifyJadesSigner(input: JadesSignerInput): Promise<JadesSignerResult> {
  const { header } = input;
  const x5c: Certificate[] = [];
  for (const der of header.x5c ?? []) {
    const cert = input.parse(der);
    if (!cert) return { checks: { signingCertificate: entry("signing-certificate", failed("FORMAT_FAILURE", "x5c", "A certificate in x5c cannot be parsed.")) }, intermediates: [] };
    x5c.push(cert);
  }
  const pool = x5c.length > 0 ? [...x5c, ...input.certificates] : input.certificates;
  let candidates: Certificate[];
  try {
    candidates = signingCertificateCandidates(header, pool, x5c, input.signingCertificate);
  } catch (err) {
    if (err instanceof JadesCheckFailure) return { checks: { signingCertificate: entry("signing-certificate", err) }, intermediates: pool };
    throw err;
  }
  const referenceCode = input.signingCertificate && !header.reference && x5c.length === 0 ? "given-by-caller" : undefined;
  let signer: Certificate | undefined;
  let lastFailure: JadesCheckFailure | undefined;
  for (const candidate of candidates) {
    try {
      checkKeyFitsAlgorithm(candidate, header.alg);
      const verified = verifyWithCertificate(candidate, header.alg, input.signingInput, input.signature);
      if (verified instanceof Promise ? await verified : verified) {
        signer = candidate;
        break;
      }
      lastFailure = failed("SIG_CRYPTO_FAILURE", "signature-invalid", "The signature value does not verify.");
    } catch (err) {
      if (!(err instanceof JadesCheckFailure)) throw err;
      lastFailure = err;
    }
  }
  const signingCertificate = referenceCode ? entry("signing-certificate", MESSAGES.signingCertificate, referenceCode) : PASSED.signingCertificate;
  if (!signer) return { checks: { signingCertificate, signature: entry("signature", lastFailure!) }, intermediates: pool };
  const intermediates = pool.filter((c) => c.sha256Hex !== signer!.sha256Hex);
  // RFC 5035 IssuerSerial in `kid` (TS 119 182-1 clause 5.1.4) must name the same certificate.
  const kid = header.kidIssuerSerial;
  if (kid && (!kid.issuer.equals(signer.issuerName) || kid.serialNumber !== signer.serialNumber)) {
    const mismatch = undetermined("NO_SIGNING_CERTIFICATE_FOUND", "kid-mismatch", "The kid header parameter names another certificate than the signing certificate.");
    return { checks: { signingCertificate: entry("signing-certificate", mismatch) }, intermediates };
  }
  const signature = PASSED.signature;
  if (!allowsSignatures(signer)) {
    const usage = failed("CHAIN_CONSTRAINTS_FAILURE", "KEY_USAGE", "The signing certificate's key usage does not allow signatures.");
    return { checks: { signingCertificate, signature, certificatePath: entry("certificate-path", usage) }, signer, intermediates };
  }
  const validated = input.validatePath
    ? input.validatePath(signer, intermediates, input.at)
    : validateCertificatePath({ leaf: signer, intermediates, trustAnchors: input.trustAnchors, at: input.at, ...(input.cache ? { cache: input.cache } : {}) });
  const result = validated instanceof Promise ? await validated : validated;
  if (result.ok) {
    return { checks: { signingCertificate, signature, certificatePath: PASSED.certificatePath }, signer, intermediates, path: result.path };
  }
  return { checks: { signingCertificate, signature, certificatePath: pathFailureCheck(result) }, signer, intermediates, pathFailure: result };
}

const SIGNER_INFOS = new WeakMap<Certificate, SignerInfo>();

/** Who signed, as the signing certificate says (remembered per certificate object: a verifier's cache keeps them). */
export function signerInfo(cert: Certificate): SignerInfo {
  let info = SIGNER_INFOS.get(cert);
  if (!info) {
    info = {
      subject: cert.subject,
      ...(cert.organizationIdentifier ? { organizationIdentifier: cert.organizationIdentifier } : {}),
      serialNumber: cert.serialNumber,
      certificateSha256: backend.base64urlEncode(cert.sha256),
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
    };
    SIGNER_INFOS.set(cert, info);
  }
  return info;
}
