/**
 * The trust list (DESIGN §5): a JSON document signed by the registry operator naming the trusted
 * root CAs, each issuing department with the licence types it may issue, and the registry's
 * service keys (status lists, log). Verifiers load it once; it carries the caches that make
 * repeated verification cheap, so there is no hidden global state.
 *
 * @module
 */
import { z } from "zod";
import { backend } from "../crypto/index.js";
import type { JwsAlgorithm } from "../crypto/algorithms.js";
import { LicenceError, type ValidationIssue } from "../errors/errors.js";
import { parseStrictJsonUtf8 } from "../encoding/json.js";
import { decodeBase64, encodeBase64 } from "../encoding/base64.js";
import { isValidUscc } from "../identifiers/index.js";
import { parseCompactJws, signJws, toCompact, type Signer } from "../jws/jws.js";
import { parseCertificate, pathValidityWindow, validateCertificatePath, type Certificate, type PathValidationCode } from "../x509/index.js";
import { DOCUMENT_CLOCK_SKEW_MS } from "./clock-skew.js";

/** The JWS `typ` of a trust list. */
export const TRUST_LIST_TYP = "elicence-trust-list+jwt";

/** A department entry of the trust list. */
export interface TrustedDepartment {
  /** The department's USCC. */
  readonly code: string;
  readonly name: string;
  /** Licence type codes it may issue. */
  readonly licenceTypes: readonly string[];
  /** base64url SHA-256 thumbprints of its signing certificates; when non-empty, only these sign. */
  readonly certificates: readonly string[];
  readonly validFrom: string;
  readonly validUntil?: string;
}

/** A registry service key named by the trust list. */
export interface TrustedService {
  /** `time-stamping`: a TSA whose RFC 3161 tokens verifiers accept (its path must still reach an anchor). */
  readonly role: "status-list" | "log" | "time-stamping";
  readonly name: string;
  /** The service's certificate, standard base64 DER. */
  readonly certificate: string;
}

/** The signed content of a trust list. */
export interface TrustListDocument {
  readonly sequence: number;
  readonly operator: { readonly name: string; readonly code: string };
  readonly issuedAt: string;
  readonly nextUpdate: string;
  /** Trusted root CAs: standard base64 DER certificates. */
  readonly anchors: readonly { readonly name: string; readonly certificate: string }[];
  readonly departments: readonly TrustedDepartment[];
  readonly services: readonly TrustedService[];
  /**
   * Certificates that verifiers find by thumbprint, standard base64 DER: the departments' signing
   * certificates and the CAs between them and an anchor. A licence names its signing certificate
   * by `x5t#S256` only (JAdES, ETSI TS 119 182-1 clause 5.1.7) and carries no chain, so the chain
   * comes from here (or from the archive form's `xVals`).
   */
  readonly certificates?: readonly string[];
  /**
   * Policies per licence type: `statusRequired` says its licences must name a status list, so a
   * licence of that type without one is not PASSED (fail closed). A type not listed has none.
   */
  readonly licenceTypes?: readonly TrustedLicenceType[];
}

/** A licence type's policy in the trust list. */
export interface TrustedLicenceType {
  /** The licence type code. */
  readonly code: string;
  /** Whether its licences must carry a status reference. */
  readonly statusRequired: boolean;
  /**
   * Whether its licences are bound to their holder's key (`cnf`): a verifier should then accept
   * one only as a presentation with key binding (see `verifyPresentation`).
   */
  readonly holderBinding?: boolean;
}

const isoDate = z.iso.datetime({ offset: false });
const base64Der = z.string().min(16).max(65536).regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be standard base64");
const uscc = z.string().refine(isValidUscc, "must be a valid unified social credit code (GB 32100)");

/** The zod schema of a trust list document. */
export const trustListSchema = z.strictObject({
  sequence: z.number().int().min(1),
  operator: z.strictObject({ name: z.string().min(1).max(256), code: uscc }),
  issuedAt: isoDate,
  nextUpdate: isoDate,
  anchors: z.array(z.strictObject({ name: z.string().min(1).max(256), certificate: base64Der })).min(1).max(100),
  departments: z
    .array(
      z.strictObject({
        code: uscc,
        name: z.string().min(1).max(256),
        licenceTypes: z.array(z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}[0-9]{3}$/)).max(10000),
        certificates: z.array(z.string().regex(/^[A-Za-z0-9_-]{43}$/)).max(100),
        validFrom: isoDate,
        validUntil: isoDate.optional(),
      }),
    )
    .max(100000),
  services: z.array(z.strictObject({ role: z.enum(["status-list", "log", "time-stamping"]), name: z.string().min(1).max(256), certificate: base64Der })).max(100),
  certificates: z.array(base64Der).max(100000).optional(),
  licenceTypes: z
    .array(z.strictObject({ code: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}[0-9]{3}$/), statusRequired: z.boolean(), holderBinding: z.boolean().optional() }))
    .max(10000)
    .optional(),
});

/** A validated certificate path, cached with the interval in which every certificate is valid. */
interface CachedPath {
  readonly ok: boolean;
  readonly code?: PathValidationCode;
  readonly path?: readonly Certificate[];
  readonly notBefore?: number;
  readonly notAfter?: number;
}

const MAX_CACHE = 1024;

/** The outcome of validating a signer's chain (see {@link TrustList.validateChain}). */
export type ChainResult = { readonly ok: true; readonly path: readonly Certificate[] } | { readonly ok: false; readonly code: PathValidationCode };

interface PathEntry {
  readonly x5c: readonly string[];
  readonly pending: Promise<CachedPath>;
  settled?: CachedPath;
}

function sameChain(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A verified trust list, ready to verify licences with. Keep one instance per list: it caches
 * parsed certificates, validated paths and imported keys (bounded).
 */
export class TrustList {
  /** The signed document. */
  readonly document: TrustListDocument;
  /** Trust anchors, parsed. */
  readonly anchors: readonly Certificate[];
  /** The operator certificate the list was verified with. */
  readonly operatorCertificate: Certificate;
  /** True: {@link verifyTrustList} loads a list only through an operator certificate the caller pinned. */
  readonly operatorPinned: boolean;
  readonly #departments: Map<string, TrustedDepartment>;
  readonly #services: { role: TrustedService["role"]; certificate: Certificate }[];
  /** Validated paths, by the leaf's x5c text; each entry remembers the whole chain it was built from. */
  readonly #paths = new Map<string, PathEntry>();
  readonly #certificates = new Map<string, Certificate | null>();
  /** The document's certificate pool by base64url SHA-256: each leaf's chain (leaf first, then every CA of the pool). */
  readonly #chains = new Map<string, readonly string[]>();

  /** @internal Use {@link verifyTrustList}. */
  constructor(document: TrustListDocument, operatorCertificate: Certificate, operatorPinned: boolean) {
    this.document = document;
    this.operatorCertificate = operatorCertificate;
    this.operatorPinned = operatorPinned;
    this.anchors = document.anchors.map((a) => parseCertificate(decodeBase64(a.certificate) ?? new Uint8Array()));
    this.#departments = new Map(document.departments.map((d) => [d.code, d]));
    this.#services = document.services.map((s) => ({ role: s.role, certificate: parseCertificate(decodeBase64(s.certificate) ?? new Uint8Array()) }));
    const pool = (document.certificates ?? []).map((text) => ({ text, cert: parseCertificate(decodeBase64(text) ?? new Uint8Array()) }));
    const cas = pool.filter((p) => p.cert.basicConstraints?.ca === true).map((p) => p.text);
    for (const { text, cert } of pool) {
      this.#certificates.set(text, cert);
      if (cert.basicConstraints?.ca !== true) this.#chains.set(backend.base64urlEncode(cert.sha256), [text, ...cas]);
    }
  }

  /**
   * The chain (standard base64 DER, leaf first, then the CAs the list carries) of the signing
   * certificate whose base64url SHA-256 is `x5tS256`, when the list carries that certificate. The
   * same array for every call, so validated paths stay cached.
   *
   * @internal used by `verifyLicence`
   */
  signerChain(x5tS256: string): readonly string[] | undefined {
    return this.#chains.get(x5tS256);
  }

  /** The department entry for a USCC, if listed. */
  department(code: string): TrustedDepartment | undefined {
    return this.#departments.get(code);
  }

  /**
   * Whether the trust list says licences of a type must carry a status reference.
   *
   * @param typeCode - the licence type code
   */
  statusRequired(typeCode: string): boolean {
    return this.document.licenceTypes?.some((t) => t.code === typeCode && t.statusRequired) ?? false;
  }

  /**
   * Whether the trust list says licences of a type are bound to their holder's key.
   *
   * @param typeCode - the licence type code
   */
  holderBinding(typeCode: string): boolean {
    return this.document.licenceTypes?.some((t) => t.code === typeCode && t.holderBinding === true) ?? false;
  }

  /**
   * The certificate an `x5c` entry (standard base64 DER) encodes, parsed once and cached
   * (parsing costs far more than verifying a signature); `null` when it is not a certificate.
   *
   * @internal used by `verifyLicence`
   */
  certificateFromX5c(x5c: string): Certificate | null {
    let cert = this.#certificates.get(x5c);
    if (cert === undefined) {
      const der = decodeBase64(x5c);
      try {
        cert = der ? parseCertificate(der) : null;
      } catch {
        cert = null;
      }
      if (this.#certificates.size >= MAX_CACHE) this.#certificates.delete(this.#certificates.keys().next().value!);
      this.#certificates.set(x5c, cert);
    }
    return cert;
  }

  /** Every service certificate of a role. */
  serviceCertificates(role: TrustedService["role"]): Certificate[] {
    return this.#services.filter((s) => s.role === role).map((s) => s.certificate);
  }

  /** The service certificate of a role whose SHA-256 thumbprint is `sha256`, if any. */
  serviceCertificate(role: TrustedService["role"], sha256: Uint8Array): Certificate | undefined {
    return this.#services.find((s) => s.role === role && equalBytes(s.certificate.sha256, sha256))?.certificate;
  }

  /**
   * Validates a signer's `x5c` chain against the anchors (cached per chain). The path is validated
   * once; each call re-checks only that `at` lies within every certificate's validity. Revocation
   * is a step of its own (`jades/revocation-status.ts`): evidence is never cached with the path.
   *
   * @internal used by `verifyLicence`
   */
  async validateChain(x5c: readonly string[], at: Date): Promise<ChainResult> {
    const entry = this.#entry(x5c);
    return this.#judge(entry.settled ?? (await entry.pending), at);
  }

  /**
   * The same answer as {@link validateChain} when this chain's path is already validated (no
   * promise on the hot path), `undefined` when it is not yet.
   *
   * @internal used by `verifyLicence`
   */
  validateChainCached(x5c: readonly string[], at: Date): ChainResult | undefined {
    const settled = this.#entry(x5c).settled;
    return settled ? this.#judge(settled, at) : undefined;
  }

  #entry(x5c: readonly string[]): PathEntry {
    // Keyed by the leaf's text (its hash is already computed: certificateFromX5c looked it up),
    // not by the joined chain, which would be a new 3 KB string to hash on every call.
    const leaf = x5c[0] ?? "";
    let entry = this.#paths.get(leaf);
    if (!entry || !sameChain(entry.x5c, x5c)) {
      const chain = [...x5c];
      const pending = this.#buildPath(chain);
      const made: PathEntry = { x5c: chain, pending };
      pending.then(
        (settled) => (made.settled = settled),
        () => undefined, // the caller awaiting `pending` sees the error
      );
      if (!entry && this.#paths.size >= MAX_CACHE) this.#paths.delete(this.#paths.keys().next().value!);
      this.#paths.set(leaf, made);
      entry = made;
    }
    return entry;
  }

  #judge(cached: CachedPath, at: Date): ChainResult {
    if (!cached.ok) return { ok: false, code: cached.code! };
    const t = at.getTime();
    if (t < cached.notBefore!) return { ok: false, code: "NOT_YET_VALID" };
    if (t > cached.notAfter!) return { ok: false, code: "EXPIRED" };
    return { ok: true, path: cached.path! };
  }

  async #buildPath(x5c: readonly string[]): Promise<CachedPath> {
    const ders = x5c.map((c) => decodeBase64(c));
    if (ders.some((d) => d === null)) return { ok: false, code: "MALFORMED" };
    let certs: Certificate[];
    try {
      certs = ders.map((d) => parseCertificate(d!));
    } catch {
      return { ok: false, code: "MALFORMED" };
    }
    const leaf = certs[0]!;
    // Validate once at an instant inside the chain's common validity; every other rule is
    // time-independent, so each later call only has to check its own time against the window.
    const result = await validateCertificatePath({
      leaf,
      intermediates: certs.slice(1),
      trustAnchors: this.anchors,
      at: new Date(Math.max(...certs.map((c) => c.notBefore.getTime()))),
      keyUsage: ["digitalSignature", "nonRepudiation"],
    });
    if (!result.ok) return { ok: false, code: result.code };
    if (!leaf.publicKeyAlgorithm) return { ok: false, code: "ALGORITHM_UNSUPPORTED" };
    const window = pathValidityWindow(result.path);
    return { ok: true, path: result.path, notBefore: window.notBefore.getTime(), notAfter: window.notAfter.getTime() };
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Options of {@link verifyTrustList}. */
export interface VerifyTrustListOptions {
  /** Verification time; the list must be current (`issuedAt` ≤ at + {@link DOCUMENT_CLOCK_SKEW_MS}, at ≤ `nextUpdate`). */
  readonly at: Date;
  /** Algorithms accepted for the list's signature. */
  readonly algorithms: readonly JwsAlgorithm[];
  /**
   * The registry operator's certificates, pinned out of band (PEM or DER): the list must be signed
   * by one of them. Required: the certificate a list carries is no proof of anything (a forged
   * list carries its forger's), so a list with no anchor is refused (`no-operator-anchor`).
   */
  readonly operatorCertificates: readonly (string | Uint8Array)[];
}

/**
 * Verifies a signed trust list and returns it ready for use.
 *
 * @param token - the compact JWS
 * @param options - time, algorithms and pinned operator certificates
 * @throws LicenceError `ERR_TRUST_LIST_INVALID` (with `details.reason`) or a JWS error
 * @example
 * ```ts
 * const trust = await verifyTrustList(text, { at: new Date(), algorithms: ["ES256"], operatorCertificates: [operatorPem] });
 * ```
 */
export async function verifyTrustList(token: string, options: VerifyTrustListOptions): Promise<TrustList> {
  // Anchored first, before any of the token is read: without a pin nothing below means anything.
  if (!Array.isArray(options?.operatorCertificates) || options.operatorCertificates.length === 0) {
    throw new LicenceError(
      "ERR_TRUST_LIST_INVALID",
      "A trust list is trusted only through a pinned operator certificate: pass operatorCertificates (the operator's certificate, obtained out of band).",
      { details: { reason: "no-operator-anchor" } },
    );
  }
  const jws = parseCompactJws(token.trim(), { algorithms: options.algorithms, maxLength: 16 * 1024 * 1024 });
  const invalid = (reason: string, issues?: ValidationIssue[]) =>
    new LicenceError("ERR_TRUST_LIST_INVALID", "The trust list is not valid.", { details: { reason }, ...(issues ? { issues } : {}) });
  if (jws.header.typ !== TRUST_LIST_TYP) throw invalid("typ");
  const x5c = jws.header.x5c;
  if (!Array.isArray(x5c) || x5c.length < 1 || typeof x5c[0] !== "string") throw invalid("x5c");
  const embedded = decodeBase64(x5c[0]);
  if (!embedded) throw invalid("x5c");
  let operator: Certificate;
  try {
    operator = parseCertificate(embedded);
  } catch {
    throw invalid("x5c");
  }
  const pinned = options.operatorCertificates.map((c) => parseCertificate(c));
  if (!pinned.some((p) => equalBytes(p.sha256, operator.sha256))) throw invalid("operator-not-pinned");
  if (jws.header["x5t#S256"] !== backend.base64urlEncode(operator.sha256)) throw invalid("x5t#S256");
  if (operator.publicKeyAlgorithm !== jws.header.alg) throw invalid("algorithm");
  const key = await backend.importPublicKey(operator.spki, jws.header.alg);
  if (!(await backend.verify(key, jws.signingInput, jws.signature))) {
    throw new LicenceError("ERR_SIGNATURE_INVALID", "The trust list signature is not valid.");
  }
  const t = options.at.getTime();
  if (t < operator.notBefore.getTime() || t > operator.notAfter.getTime()) throw invalid("operator-certificate-expired");
  const parsed = trustListSchema.safeParse(parseStrictJsonUtf8(jws.payload, { maxLength: 16 * 1024 * 1024 }));
  if (!parsed.success) {
    throw invalid("schema", parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: i.message })));
  }
  const document = parsed.data as TrustListDocument;
  if (t + DOCUMENT_CLOCK_SKEW_MS < Date.parse(document.issuedAt)) throw invalid("not-yet-valid");
  if (t > Date.parse(document.nextUpdate)) throw invalid("stale");
  try {
    return new TrustList(document, operator, true);
  } catch (cause) {
    if (cause instanceof LicenceError) throw invalid("certificate");
    throw cause;
  }
}

/**
 * Signs a trust list document with the operator's key.
 *
 * @param document - the content (validated before signing)
 * @param signer - the operator's signer
 * @param operatorChain - the operator's certificate chain, leaf first
 * @example
 * ```ts
 * const token = await signTrustList(document, operatorSigner, [operatorPem]);
 * ```
 */
export async function signTrustList(document: TrustListDocument, signer: Signer, operatorChain: readonly (string | Uint8Array)[]): Promise<string> {
  const parsed = trustListSchema.safeParse(document);
  if (!parsed.success) {
    throw new LicenceError("ERR_TRUST_LIST_INVALID", "The trust list is not valid.", {
      details: { reason: "schema" },
      issues: parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: i.message })),
    });
  }
  const chain = operatorChain.map((c) => parseCertificate(c));
  const header = {
    alg: signer.alg,
    typ: TRUST_LIST_TYP,
    "x5t#S256": backend.base64urlEncode(chain[0]!.sha256),
    x5c: chain.map((c) => encodeBase64(c.der)),
  };
  return toCompact(await signJws(header, new TextEncoder().encode(JSON.stringify(document)), signer));
}
