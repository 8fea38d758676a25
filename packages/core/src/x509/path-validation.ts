/**
 * Certification path building and validation (RFC 5280 §6.1), with reasons.
 *
 * Decisions beyond the RFC, each on purpose:
 * - **Anchors are checked too.** RFC 5280 treats the trust anchor as input; we also require it to be
 *   valid at `at`, to be a CA (basicConstraints cA), to allow keyCertSign when it has keyUsage, to
 *   carry no unsupported critical extension, and we honour its pathLenConstraint (as OpenSSL does).
 *   An anchor's own signature is not checked: it is trusted by configuration.
 * - **Anchors come only from `trustAnchors`.** A self-signed certificate among the intermediates is
 *   just another certificate; a path must end at a listed anchor. An anchor need not be self-signed
 *   (a trust list may pin an issuing CA).
 * - **A leaf that is itself a trust anchor is rejected** (`LEAF_IS_TRUST_ANCHOR`): licences are
 *   signed by end-entity keys certified by a CA, never by an anchor key.
 * - **A CA leaf is rejected** (`LEAF_IS_CA`) unless `allowCaLeaf` is set.
 * - **Required key usages need the extension.** When the caller asks for key usages, a leaf without
 *   a keyUsage extension fails (RFC 5280 would read absence as "any usage"). The same holds for
 *   extendedKeyUsage; anyExtendedKeyUsage does not satisfy a specific purpose.
 * - **Critical extensions we process:** basicConstraints, keyUsage, extendedKeyUsage,
 *   subjectKeyIdentifier, authorityKeyIdentifier, subjectAltName, nameConstraints and
 *   certificatePolicies (with the default inputs of §6.1.1 — any policy, no explicit policy
 *   required — and no policy constraints present, policy processing cannot fail, so a critical
 *   certificatePolicies is accepted). policyConstraints, policyMappings, inhibitAnyPolicy and
 *   everything else are rejected when critical (`UNKNOWN_CRITICAL_EXTENSION`).
 * - **Name constraints** (§4.2.1.10, §6.1.3 (b)(c), §6.1.4 (g)): directoryName permitted and
 *   excluded subtrees only, applied to the subject DN and to subjectAltName directoryNames of every
 *   later certificate (a self-issued intermediate's names are not checked); the anchor's
 *   constraints apply too. A constraint of any other form (dNSName, rfc822Name, iPAddress, URI, …),
 *   with a minimum or maximum, or empty, fails the path (`NAME_CONSTRAINTS`), critical or not:
 *   fail closed. A leaf that is not a CA and carries name constraints fails the same way.
 * - **Profile MUSTs of §4.2 are enforced on every certificate of the path** (see `profile.ts`):
 *   authorityKeyIdentifier with a keyIdentifier in all but a self-issued anchor, and
 *   subjectKeyIdentifier in every CA certificate (`MISSING_KEY_IDENTIFIER`); neither critical
 *   (`CRITICAL_KEY_IDENTIFIER`); basicConstraints critical in the anchor, the intermediates and a CA
 *   leaf that may sign certificates (`BASIC_CONSTRAINTS_NOT_CRITICAL`); keyCertSign only with cA
 *   (`KEY_USAGE`). An issuer without keyUsage is still accepted (§6.1.4 (n) checks keyUsage only
 *   when present), unlike OpenSSL's `-x509_strict`.
 * - **Key allow-list** in every certificate (`WEAK_KEY`): RSA ≥ 2048 bits, EC P-256 / P-384 /
 *   P-521, Ed25519; everything else (RSA < 2048, P-192 or any other curve, DSA) is refused.
 * - **Bounded search.** Path building is a depth-first search over issuers matched by name (and by
 *   authorityKeyIdentifier / subjectKeyIdentifier, which only orders candidates), with
 *   backtracking; no certificate and no (name, key) pair appears twice in a path. It is bounded by
 *   `maxDepth` (intermediate certificates in the path, as OpenSSL's `-verify_depth` counts: the
 *   leaf and the anchor do not count; default 6), by `maxSignatureChecks` backend verifications
 *   (default 100), by 1000 candidate steps, and by at most 256 intermediates (refused before parsing).
 * - **One verdict.** When no path validates, the reason reported is, in order of preference: the
 *   first failure of a complete path (one that reached an anchor with good signatures), else
 *   `DEPTH_EXCEEDED` for a path cut at `maxDepth` whose signatures were good so far, else a
 *   signature / name-chaining / algorithm / weak issuer key failure, else `PATH_NOT_FOUND`.
 *   Hitting a work limit always gives `WORK_LIMIT_EXCEEDED`.
 * - Imported issuer keys are kept per Certificate object (weakly), so a verifier that reuses parsed
 *   certificates (a CertificateCache) imports each key once.
 * - Revocation is checked only when `revocation` is given, by `revocation/check.ts`, on each
 *   complete path that passes the other checks (fail closed: `REVOKED`, `REVOCATION_UNKNOWN`).
 *
 * @module
 */
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import type { PublicKeyHandle } from "../crypto/backend.js";
import { backend } from "../crypto/index.js";
import type { CertificateCache } from "./cache.js";
import { type Certificate, type CertificateInternals, internalsOf } from "./certificate.js";
import type { KeyUsageName } from "./extensions.js";
import { NameConstraintState } from "./name-constraints.js";
import { WEAK_KEY_PROBLEM, checkProfile, isAllowedKey } from "./profile.js";
import { OID_EXT } from "./oids.js";
import { backendSignature, verificationAlgorithm } from "./signature.js";
import { checkOptions, parseInput } from "./path-options.js";
import { type RevocationOptions, checkPathRevocation } from "../revocation/check.js";
import type { CrlReason, RevocationEvidenceProblem } from "../revocation/evidence.js";

/** Why a path failed. A closed set: `switch` on it exhaustively. */
export type PathValidationCode =
  | "MALFORMED"
  | "PATH_NOT_FOUND"
  | "SIGNATURE_INVALID"
  | "NAME_CHAINING"
  | "ALGORITHM_UNSUPPORTED"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "NOT_A_CA"
  | "PATH_LENGTH_EXCEEDED"
  | "KEY_USAGE"
  | "EXTENDED_KEY_USAGE"
  | "UNKNOWN_CRITICAL_EXTENSION"
  | "LEAF_IS_CA"
  | "LEAF_IS_TRUST_ANCHOR"
  | "DEPTH_EXCEEDED"
  | "WORK_LIMIT_EXCEEDED"
  | "MISSING_KEY_IDENTIFIER"
  | "CRITICAL_KEY_IDENTIFIER"
  | "BASIC_CONSTRAINTS_NOT_CRITICAL"
  | "NAME_CONSTRAINTS"
  | "WEAK_KEY"
  | "REVOKED"
  | "REVOCATION_UNKNOWN";

/**
 * Every {@link PathValidationCode}.
 *
 * @example
 * ```ts
 * PATH_VALIDATION_CODES.includes(result.code);
 * ```
 */
export const PATH_VALIDATION_CODES: readonly PathValidationCode[] = Object.freeze([
  "MALFORMED",
  "PATH_NOT_FOUND",
  "SIGNATURE_INVALID",
  "NAME_CHAINING",
  "ALGORITHM_UNSUPPORTED",
  "EXPIRED",
  "NOT_YET_VALID",
  "NOT_A_CA",
  "PATH_LENGTH_EXCEEDED",
  "KEY_USAGE",
  "EXTENDED_KEY_USAGE",
  "UNKNOWN_CRITICAL_EXTENSION",
  "LEAF_IS_CA",
  "LEAF_IS_TRUST_ANCHOR",
  "DEPTH_EXCEEDED",
  "WORK_LIMIT_EXCEEDED",
  "MISSING_KEY_IDENTIFIER",
  "CRITICAL_KEY_IDENTIFIER",
  "BASIC_CONSTRAINTS_NOT_CRITICAL",
  "NAME_CONSTRAINTS",
  "WEAK_KEY",
  "REVOKED",
  "REVOCATION_UNKNOWN",
]);

/** A certificate as PEM text, bare base64 DER, DER bytes, or already parsed. */
export type CertificateInput = string | Uint8Array | Certificate;

/** Options for {@link validateCertificatePath}. */
export interface PathValidationOptions {
  /** The end-entity certificate (e.g. `x5c[0]`). */
  readonly leaf: CertificateInput;
  /** Other certificates that may help build the path, in any order, redundant ones allowed. */
  readonly intermediates?: readonly CertificateInput[];
  /** The only certificates a path may end at. */
  readonly trustAnchors: readonly CertificateInput[];
  /** The validation time (required: never the wall clock implicitly). */
  readonly at: Date;
  /** Key usages the leaf must allow, e.g. `["digitalSignature", "nonRepudiation"]`. */
  readonly keyUsage?: readonly KeyUsageName[];
  /** Extended key usage OIDs the leaf must carry. */
  readonly extendedKeyUsage?: readonly string[];
  /**
   * Most intermediate CA certificates in a path, as OpenSSL's `-verify_depth` counts: neither the
   * leaf nor the trust anchor counts, so a path holds at most `maxDepth + 2` certificates. Default 6,
   * from 0 (the anchor issued the leaf) to 30. Another value throws `LicenceError` `ERR_VALIDATION`.
   */
  readonly maxDepth?: number;
  /**
   * Most backend signature verifications for one call. Default 100, from 1 to 10 000. Another value
   * throws `LicenceError` `ERR_VALIDATION`.
   */
  readonly maxSignatureChecks?: number;
  /** Accept a leaf whose basicConstraints says cA. Default false. */
  readonly allowCaLeaf?: boolean;
  /** Parse string and byte inputs through this cache. */
  readonly cache?: CertificateCache;
  /** Check revocation of every certificate but the anchor, from this evidence (fail closed). */
  readonly revocation?: RevocationOptions;
}

/** A validated path. */
export interface PathValidationSuccess {
  readonly ok: true;
  /** Leaf first, trust anchor last. */
  readonly path: readonly Certificate[];
}

/** A failed validation. */
export interface PathValidationFailure {
  readonly ok: false;
  readonly code: PathValidationCode;
  /** A fixed sentence. */
  readonly reason: string;
  /** The certificate the failure is about, when there is one. */
  readonly certificate?: Certificate;
  /** Its position in the candidate path (0 = leaf), when known. */
  readonly index?: number;
  /** For `MALFORMED` (and a refused pool): which input (`leaf`, `intermediates[2]`, `trustAnchors[0]`, `intermediates`). */
  readonly input?: string;
  /** For `REVOKED`: when the certificate was revoked (possibly after `at`). */
  readonly revocationTime?: Date;
  /** For `REVOKED`: the reason the evidence gives, if any. */
  readonly revocationReason?: CrlReason;
  /** For `REVOCATION_UNKNOWN`: why each piece of evidence could not be used. */
  readonly revocationProblems?: readonly RevocationEvidenceProblem[];
}

/** The outcome of {@link validateCertificatePath}. */
export type PathValidationResult = PathValidationSuccess | PathValidationFailure;

const REASONS: Readonly<Record<PathValidationCode, string>> = {
  MALFORMED: "A certificate cannot be parsed.",
  PATH_NOT_FOUND: "No certification path to a trust anchor was found.",
  SIGNATURE_INVALID: "A certificate signature does not verify.",
  NAME_CHAINING: "A certificate's issuer name does not match the subject of the certificate whose key signed it.",
  ALGORITHM_UNSUPPORTED: "A certificate is signed with an unsupported algorithm or issuer key.",
  EXPIRED: "A certificate in the path has expired at the validation time.",
  NOT_YET_VALID: "A certificate in the path is not yet valid at the validation time.",
  NOT_A_CA: "An issuing certificate is not a CA certificate.",
  PATH_LENGTH_EXCEEDED: "A path length constraint is exceeded.",
  KEY_USAGE: "A certificate's key usage does not allow this use.",
  EXTENDED_KEY_USAGE: "The leaf certificate lacks a required extended key usage.",
  UNKNOWN_CRITICAL_EXTENSION: "A certificate carries a critical extension that is not supported.",
  LEAF_IS_CA: "The leaf certificate is a CA certificate.",
  LEAF_IS_TRUST_ANCHOR: "The leaf certificate is itself a trust anchor.",
  DEPTH_EXCEEDED: "The certification path would be longer than the maximum depth.",
  WORK_LIMIT_EXCEEDED: "Path building stopped at its work limit.",
  MISSING_KEY_IDENTIFIER: "A certificate lacks a key identifier it must carry.",
  CRITICAL_KEY_IDENTIFIER: "A certificate marks its authority or subject key identifier critical.",
  BASIC_CONSTRAINTS_NOT_CRITICAL: "A CA certificate does not mark basicConstraints critical.",
  NAME_CONSTRAINTS: "A certificate's name violates a name constraint, or a constraint is not supported.",
  WEAK_KEY: "A certificate's public key is weak or not allowed.",
  REVOKED: "A certificate in the path is revoked.",
  REVOCATION_UNKNOWN: "No current, valid revocation evidence was found for a certificate in the path.",
};

/** Critical extensions path validation processes (see the module notes). */
const PROCESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  OID_EXT.basicConstraints,
  OID_EXT.keyUsage,
  OID_EXT.extendedKeyUsage,
  OID_EXT.subjectKeyIdentifier,
  OID_EXT.authorityKeyIdentifier,
  OID_EXT.subjectAltName,
  OID_EXT.certificatePolicies,
  OID_EXT.nameConstraints,
]);

/**
 * Imported issuer keys per certificate object (an import costs more than a verification). Weakly
 * held: an entry lives exactly as long as the caller keeps the Certificate (e.g. in a
 * CertificateCache), so this holds no state of its own.
 */
const IMPORTED_KEYS = new WeakMap<Certificate, Map<SignatureAlgorithm, Promise<PublicKeyHandle | null>>>();

const MAX_CANDIDATE_STEPS = 1000;
/** More candidate intermediates than this is refused before parsing (`WORK_LIMIT_EXCEEDED`). */
const MAX_INTERMEDIATES = 256;

interface Entry {
  readonly cert: Certificate;
  readonly int: CertificateInternals;
  /** Identifies the (subject name, key) pair. */
  readonly nameKey: string;
  readonly anchor: boolean;
}

interface Candidate {
  readonly entry: Entry;
  readonly nameMatch: boolean;
}

type SignatureResult = "ok" | "bad" | "unsupported" | "aborted";

function failure(code: PathValidationCode, extra: { certificate?: Certificate; index?: number; input?: string; reason?: string } = {}): PathValidationFailure {
  const { reason, ...rest } = extra;
  return Object.freeze({ ok: false as const, code, reason: reason ?? REASONS[code], ...rest });
}

function toEntry(cert: Certificate, anchor: boolean): Entry {
  const int = internalsOf(cert);
  return { cert, int, nameKey: `${cert.subjectName.matchKey}|${int.spkiKey}`, anchor };
}

class Index {
  readonly bySubject = new Map<string, Entry[]>();
  readonly bySki = new Map<string, Entry[]>();

  constructor(entries: readonly Entry[]) {
    for (const e of entries) {
      push(this.bySubject, e.cert.subjectName.matchKey, e);
      if (e.cert.subjectKeyIdentifier !== undefined) push(this.bySki, e.cert.subjectKeyIdentifier, e);
    }
  }
}

function push(map: Map<string, Entry[]>, key: string, e: Entry): void {
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}

class PathSearch {
  readonly #anchors: Index;
  readonly #pool: Index;
  readonly #at: number;
  readonly #maxDepth: number;
  readonly #maxSignatureChecks: number;
  readonly #keyUsage: readonly KeyUsageName[];
  readonly #eku: readonly string[];
  readonly #allowCaLeaf: boolean;
  readonly #revocation: RevocationOptions | undefined;
  readonly #signatures = new Map<string, Exclude<SignatureResult, "aborted">>();
  #signatureChecks = 0;
  #steps = 0;
  #aborted = false;
  #best: { rank: number; failure: PathValidationFailure } | undefined;

  constructor(anchors: readonly Entry[], pool: readonly Entry[], options: PathValidationOptions, maxDepth: number, maxSignatureChecks: number) {
    this.#anchors = new Index(anchors);
    this.#pool = new Index(pool);
    this.#at = options.at.getTime();
    this.#maxDepth = maxDepth;
    this.#maxSignatureChecks = maxSignatureChecks;
    this.#keyUsage = options.keyUsage ?? [];
    this.#eku = options.extendedKeyUsage ?? [];
    this.#allowCaLeaf = options.allowCaLeaf === true;
    this.#revocation = options.revocation;
  }

  async run(leaf: Entry): Promise<PathValidationResult> {
    const found = await this.#extend([leaf], new Set([leaf.int.sha256Hex, leaf.nameKey]));
    if (found) return Object.freeze({ ok: true as const, path: Object.freeze(found.map((e) => e.cert)) });
    if (this.#aborted) return failure("WORK_LIMIT_EXCEEDED");
    return this.#best?.failure ?? failure("PATH_NOT_FOUND", { certificate: leaf.cert, index: 0 });
  }

  #record(rank: number, result: PathValidationFailure): void {
    if (this.#best === undefined || rank > this.#best.rank) this.#best = { rank, failure: result };
  }

  /** Issuer candidates for `cert`: name matches (anchors first, AKI/SKI agreement first), then key-id-only matches. */
  #candidates(cert: Certificate): Candidate[] {
    const aki = cert.authorityKeyIdentifier?.keyIdentifier;
    const named: Candidate[] = [];
    const keyOnly: Candidate[] = [];
    for (const index of [this.#anchors, this.#pool]) {
      const byName = index.bySubject.get(cert.issuerName.matchKey) ?? [];
      const rank = (e: Entry): number => {
        const ski = e.cert.subjectKeyIdentifier;
        return aki === undefined || ski === undefined ? 1 : ski === aki ? 0 : 2;
      };
      for (const entry of [...byName].sort((a, b) => rank(a) - rank(b))) named.push({ entry, nameMatch: true });
      if (aki !== undefined) {
        for (const entry of index.bySki.get(aki) ?? []) if (!byName.includes(entry)) keyOnly.push({ entry, nameMatch: false });
      }
    }
    return [...named, ...keyOnly];
  }

  async #extend(path: Entry[], used: Set<string>): Promise<Entry[] | undefined> {
    const current = path[path.length - 1]!;
    const index = path.length - 1;
    for (const { entry, nameMatch } of this.#candidates(current.cert)) {
      if (this.#aborted) return undefined;
      if (++this.#steps > MAX_CANDIDATE_STEPS) {
        this.#aborted = true;
        return undefined;
      }
      if (used.has(entry.int.sha256Hex) || used.has(entry.nameKey)) continue;
      if (!nameMatch) {
        // Found by key identifier only: if its key did sign, the names fail to chain.
        if ((await this.#verify(current, entry)) === "ok") this.#record(2, failure("NAME_CHAINING", { certificate: current.cert, index }));
        continue;
      }
      // An issuer key off the allow-list cannot sign anything we accept: say so (not "unsupported").
      if (!isAllowedKey(entry.cert.publicKeyInfo)) {
        this.#record(2, failure("WEAK_KEY", { certificate: entry.cert, index: index + 1, reason: WEAK_KEY_PROBLEM.reason }));
        continue;
      }
      const signature = await this.#verify(current, entry);
      if (signature === "aborted") return undefined;
      if (signature === "bad") {
        this.#record(2, failure("SIGNATURE_INVALID", { certificate: current.cert, index }));
        continue;
      }
      if (signature === "unsupported") {
        this.#record(2, failure("ALGORITHM_UNSUPPORTED", { certificate: current.cert, index }));
        continue;
      }
      // `maxDepth` counts intermediates only (the leaf and the anchor do not), as OpenSSL's
      // -verify_depth. Checked after the signature, so that a path that is only too deep says
      // DEPTH_EXCEEDED rather than losing to a bad signature met elsewhere in the search.
      if (!entry.anchor && path.length > this.#maxDepth) {
        this.#record(2.5, failure("DEPTH_EXCEEDED", { certificate: current.cert, index }));
        continue;
      }
      const next = [...path, entry];
      if (entry.anchor) {
        const problem = this.#checkPath(next) ?? (this.#revocation && (await checkPathRevocation(next.map((e) => e.cert), this.#revocation, new Date(this.#at))));
        if (problem === undefined) return next;
        this.#record(3, problem);
        continue;
      }
      used.add(entry.int.sha256Hex);
      used.add(entry.nameKey);
      const found = await this.#extend(next, used);
      used.delete(entry.int.sha256Hex);
      used.delete(entry.nameKey);
      if (found) return found;
    }
    return undefined;
  }

  async #verify(child: Entry, issuer: Entry): Promise<SignatureResult> {
    const cacheKey = `${child.int.sha256Hex}:${issuer.int.sha256Hex}`;
    const cached = this.#signatures.get(cacheKey);
    if (cached !== undefined) return cached;
    const result = await this.#verifyUncached(child, issuer);
    if (result !== "aborted") this.#signatures.set(cacheKey, result);
    return result;
  }

  async #verifyUncached(child: Entry, issuer: Entry): Promise<SignatureResult> {
    const scheme = child.int.scheme;
    if (scheme === undefined) return "unsupported";
    const alg = verificationAlgorithm(scheme, issuer.cert.publicKeyInfo);
    if (alg === undefined) return "unsupported";
    if (this.#signatureChecks >= this.#maxSignatureChecks) {
      this.#aborted = true;
      return "aborted";
    }
    this.#signatureChecks++;
    const key = await this.#importKey(issuer, alg);
    if (key === null) return "unsupported";
    const signature = backendSignature(child.int.signature, alg);
    if (signature === undefined) return "bad";
    try {
      return (await backend.verify(key, child.int.tbs, signature)) ? "ok" : "bad";
    } catch {
      return "bad";
    }
  }

  #importKey(issuer: Entry, alg: SignatureAlgorithm): Promise<PublicKeyHandle | null> {
    let byAlg = IMPORTED_KEYS.get(issuer.cert);
    if (byAlg === undefined) {
      byAlg = new Map();
      IMPORTED_KEYS.set(issuer.cert, byAlg);
    }
    let key = byAlg.get(alg);
    if (key === undefined) {
      key = backend.importPublicKey(issuer.int.spki, alg).catch(() => null);
      byAlg.set(alg, key);
    }
    return key;
  }

  /** RFC 5280 §6.1.3–6.1.5 over a complete path (leaf first, anchor last); signatures are already checked. */
  #checkPath(path: readonly Entry[]): PathValidationFailure | undefined {
    const last = path.length - 1;
    let maxPathLength = Number.POSITIVE_INFINITY;
    const names = NameConstraintState.empty();
    for (let i = last; i >= 0; i--) {
      const { cert, int } = path[i]!;
      const at = { certificate: cert, index: i };
      if (this.#at < int.notBefore) return failure("NOT_YET_VALID", at);
      if (this.#at > int.notAfter) return failure("EXPIRED", at);
      for (const oid of int.critical) if (!PROCESSED_EXTENSIONS.has(oid)) return failure("UNKNOWN_CRITICAL_EXTENSION", at);
      // §6.1.3 (b)(c): names of certificate i against the constraints of the certificates above it;
      // skipped for a self-issued certificate that is not the final one.
      if (i < last && (i === 0 || !cert.selfIssued) && !names.isEmpty) {
        const problem = names.check(cert.subjectName, int.altDirectoryNames);
        if (problem !== undefined) return failure("NAME_CONSTRAINTS", { ...at, reason: problem });
      }
      if (i > 0) {
        const bc = cert.basicConstraints;
        if (bc === undefined || !bc.ca) return failure("NOT_A_CA", at);
        if (int.keyUsage !== undefined && !int.keyUsage.has("keyCertSign")) {
          return failure("KEY_USAGE", { ...at, reason: "An issuing certificate's key usage does not include keyCertSign." });
        }
        const profile = checkProfile(cert, int, i === last ? "anchor" : "intermediate");
        if (profile !== undefined) return failure(profile.code, { ...at, reason: profile.reason });
        // §6.1.4 (g): the anchor's constraints apply too (as OpenSSL applies them).
        if (int.nameConstraints !== undefined) {
          const problem = names.add(int.nameConstraints);
          if (problem !== undefined) return failure("NAME_CONSTRAINTS", { ...at, reason: problem });
        }
        // §6.1.4 (l): a non-self-issued intermediate uses up one step; the anchor only sets the limit.
        if (i < last && !cert.selfIssued) {
          if (maxPathLength <= 0) return failure("PATH_LENGTH_EXCEEDED", at);
          maxPathLength--;
        }
        // §6.1.4 (m)
        if (bc.pathLength !== undefined && bc.pathLength < maxPathLength) maxPathLength = bc.pathLength;
        continue;
      }
      if (cert.basicConstraints?.ca && !this.#allowCaLeaf) return failure("LEAF_IS_CA", at);
      const profile = checkProfile(cert, int, "leaf");
      if (profile !== undefined) return failure(profile.code, { ...at, reason: profile.reason });
      // §4.2.1.10: "The name constraints extension … MUST be used only in a CA certificate."
      if (int.nameConstraints !== undefined && cert.basicConstraints?.ca !== true) {
        return failure("NAME_CONSTRAINTS", { ...at, reason: "A certificate that is not a CA carries name constraints." });
      }
      if (this.#keyUsage.length > 0) {
        const ku = int.keyUsage;
        if (ku === undefined || this.#keyUsage.some((u) => !ku.has(u))) {
          return failure("KEY_USAGE", { ...at, reason: "The leaf certificate's key usage lacks a required use." });
        }
      }
      if (this.#eku.length > 0) {
        const eku = cert.extendedKeyUsage;
        if (eku === undefined || this.#eku.some((p) => !eku.includes(p))) return failure("EXTENDED_KEY_USAGE", at);
      }
    }
    return undefined;
  }
}

/**
 * Builds a certification path from `leaf` to one of `trustAnchors` and validates it at `at`
 * (RFC 5280 §6.1: signatures, validity, name chaining, basic constraints, path length — a
 * self-issued intermediate not counted, §6.1.4 (l) — key usage, extended key usage, critical
 * extensions), strictly by default:
 * - directoryName name constraints, permitted and excluded (§4.2.1.10, §6.1.3 (b)(c), §6.1.4 (g));
 *   a name constraint of any other form is refused as unsupported (`NAME_CONSTRAINTS`, fail closed);
 * - the §4.2 profile MUSTs: authorityKeyIdentifier (all but a self-signed anchor) and
 *   subjectKeyIdentifier (every CA) present and non-critical, basicConstraints critical in CA
 *   certificates, keyCertSign only with cA;
 * - every key on the allow-list (RSA ≥ 2048, EC P-256 / P-384 / P-521, Ed25519), else `WEAK_KEY`.
 *
 * Never throws for bad certificates: the answer carries a {@link PathValidationCode}. See the
 * module notes for the decisions taken beyond the RFC.
 *
 * @param options - leaf, intermediates (any order), trust anchors, time and requirements
 * @returns `{ ok: true, path }` (leaf first, anchor last) or `{ ok: false, code, reason, … }`
 * @throws TypeError when the options are misused (missing `at`, unknown key usage name, …)
 * @throws LicenceError `ERR_VALIDATION` when `maxDepth` or `maxSignatureChecks` is out of range
 * @example
 * ```ts
 * const result = await validateCertificatePath({
 *   leaf: x5c[0],
 *   intermediates: x5c.slice(1),
 *   trustAnchors: trustList.roots,
 *   at: signingTime,
 *   keyUsage: ["digitalSignature", "nonRepudiation"],
 * });
 * if (!result.ok) report.fail(result.code, result.reason);
 * ```
 */
export async function validateCertificatePath(options: PathValidationOptions): Promise<PathValidationResult> {
  const { maxDepth, maxSignatureChecks } = checkOptions(options);
  if ((options.intermediates?.length ?? 0) > MAX_INTERMEDIATES) return failure("WORK_LIMIT_EXCEEDED", { input: "intermediates" });
  const leafCert = parseInput(options.leaf, options.cache);
  if (leafCert === undefined) return failure("MALFORMED", { input: "leaf" });
  const anchors: Entry[] = [];
  const seen = new Set<string>();
  for (const [i, input] of options.trustAnchors.entries()) {
    const cert = parseInput(input, options.cache);
    if (cert === undefined) return failure("MALFORMED", { input: `trustAnchors[${i}]` });
    if (seen.has(cert.sha256Hex)) continue;
    seen.add(cert.sha256Hex);
    anchors.push(toEntry(cert, true));
  }
  const leaf = toEntry(leafCert, false);
  if (anchors.some((a) => a.int.sha256Hex === leaf.int.sha256Hex || a.nameKey === leaf.nameKey)) {
    return failure("LEAF_IS_TRUST_ANCHOR", { certificate: leafCert, index: 0 });
  }
  seen.add(leaf.int.sha256Hex);
  const pool: Entry[] = [];
  for (const [i, input] of (options.intermediates ?? []).entries()) {
    const cert = parseInput(input, options.cache);
    if (cert === undefined) return failure("MALFORMED", { input: `intermediates[${i}]` });
    if (seen.has(cert.sha256Hex)) continue;
    seen.add(cert.sha256Hex);
    pool.push(toEntry(cert, false));
  }
  return new PathSearch(anchors, pool, options, maxDepth, maxSignatureChecks).run(leaf);
}

/**
 * The time window in which every certificate of `path` is valid (the intersection of their
 * validity periods), so that a caller can cache a validated path and re-check only the time.
 * When the periods do not overlap, `notBefore` is after `notAfter`.
 *
 * @param path - a path, e.g. from {@link validateCertificatePath}
 * @returns the latest `notBefore` and the earliest `notAfter`
 * @example
 * ```ts
 * const { notBefore, notAfter } = pathValidityWindow(result.path);
 * const stillValid = at >= notBefore && at <= notAfter;
 * ```
 */
export function pathValidityWindow(path: readonly Certificate[]): { notBefore: Date; notAfter: Date } {
  if (!Array.isArray(path) || path.length === 0) throw new TypeError("pathValidityWindow needs a non-empty path.");
  let notBefore = Number.NEGATIVE_INFINITY;
  let notAfter = Number.POSITIVE_INFINITY;
  for (const cert of path) {
    const int = internalsOf(cert);
    notBefore = Math.max(notBefore, int.notBefore);
    notAfter = Math.min(notAfter, int.notAfter);
  }
  return { notBefore: new Date(notBefore), notAfter: new Date(notAfter) };
}
