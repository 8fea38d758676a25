/**
 * X.509 CRLs (RFC 5280 §5): strict parsing through core's DER reader, and judging a CRL as
 * evidence for one certificate (§6.3.3, for complete, direct CRLs signed by the certificate's issuer).
 *
 * Out of our profile, refused rather than half-processed: indirect CRLs (an IDP indirectCRL, an
 * entry's certificateIssuer), delta CRLs (deltaCRLIndicator) and CRLs partitioned by reason
 * (onlySomeReasons), and CRLs signed by a key other than the one that signed the certificate.
 *
 * @module
 */
import { type DerNode, DerError, TAG, decodeDer, isContext, isUniversal, readBoolean, readInteger, readOctetString, readOid, readSequence, readSmallInteger, readTime } from "../encoding/der.js";
import type { Certificate } from "../x509/certificate.js";
import { decodeAuthorityKeyIdentifier } from "../x509/extensions.js";
import { type DistinguishedName, parseName } from "../x509/name.js";
import { LicenceError } from "../errors/errors.js";
import { type IssuingDistributionPoint, decodeIssuingDistributionPoint, readCrlDistributionPoints } from "./distribution-points.js";
import {
  type CrlReason,
  CRL_REASONS,
  type EvidenceTarget,
  type RevocationEvidenceResult,
  checkFreshness,
  evidenceProblem,
} from "./evidence.js";
import { serialHex, readEnumerated } from "./der-values.js";
import { OID_REVOCATION_EXT } from "./oids.js";
import { readSignatureParts, verifySignedData } from "./signed-data.js";

/** Largest CRL accepted, in bytes. */
export const MAX_CRL_BYTES = 4 * 1024 * 1024;
/** Most DER values in one CRL (about 60,000 entries with a reason code each). */
const MAX_CRL_NODES = 500_000;

/** One revokedCertificates entry. */
export interface CrlEntry {
  /** The serial number, lowercase hex as {@link Certificate.serialNumber} gives it. */
  readonly serialNumber: string;
  readonly revocationDate: Date;
  readonly reason?: CrlReason;
  readonly invalidityDate?: Date;
}

/** A parsed CRL. Immutable. */
export interface CertificateRevocationList {
  /** The whole CRL, DER (a copy). */
  readonly der: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** cRLNumber, lowercase hex, when present. */
  readonly crlNumber?: string;
  /** authorityKeyIdentifier keyIdentifier, lowercase hex, when present. */
  readonly authorityKeyIdentifier?: string;
  readonly issuingDistributionPoint?: IssuingDistributionPoint;
  /** True when the CRL is a delta CRL (deltaCRLIndicator present). */
  readonly delta: boolean;
  /** Critical CRL or entry extensions we do not process (their OIDs). */
  readonly unknownCriticalExtensions: readonly string[];
  /** True when an entry names another certificate issuer (an indirect CRL). */
  readonly indirectEntries: boolean;
  readonly entries: readonly CrlEntry[];
}

interface CrlInternals {
  readonly tbs: Uint8Array;
  readonly algorithm: DerNode;
  readonly signature: Uint8Array;
  readonly bySerial: ReadonlyMap<string, CrlEntry>;
}

const INTERNALS = new WeakMap<CertificateRevocationList, CrlInternals>();



/** Reads `Extensions` into (oid, critical, value) triples, refusing duplicates. */
function readExtensions(node: DerNode): { oid: string; critical: boolean; value: Uint8Array }[] {
  const seen = new Set<string>();
  return readSequence(node, 1).map((ext) => {
    const items = readSequence(ext, 2, 3);
    const oid = readOid(items[0]);
    let critical = false;
    if (items.length === 3) {
      critical = readBoolean(items[1]);
      // DER: DEFAULT FALSE is never encoded.
      if (!critical) throw new DerError("non-DER critical flag");
    }
    if (seen.has(oid)) throw new DerError("duplicate extension");
    seen.add(oid);
    return { oid, critical, value: readOctetString(items[items.length - 1]) };
  });
}

function readReason(value: Uint8Array): CrlReason {
  const reason = CRL_REASONS[readEnumerated(decodeDer(value, { maxDepth: 2 }))];
  if (reason === undefined) throw new DerError("unknown CRL reason");
  return reason;
}

function readGeneralizedTime(value: Uint8Array): number {
  const node = decodeDer(value, { maxDepth: 2 });
  if (!isUniversal(node, TAG.GENERALIZED_TIME)) throw new DerError("expected a GeneralizedTime", "DER_UNEXPECTED_TYPE");
  return readTime(node);
}

function build(der: Uint8Array): CertificateRevocationList {
  const [tbsNode, algNode, sigNode] = readSequence(decodeDer(der, { maxDepth: 16, maxNodes: MAX_CRL_NODES }), 3, 3) as [DerNode, DerNode, DerNode];
  const fields = readSequence(tbsNode, 3, 7);
  let i = 0;
  let v2 = false;
  if (isUniversal(fields[0], TAG.INTEGER)) {
    // version present: it MUST be v2 (RFC 5280 §5.1.2.1).
    if (readSmallInteger(fields[i++]) !== 1) throw new DerError("unsupported CRL version");
    v2 = true;
  }
  const innerAlg = fields[i++]!;
  const issuer = parseName(fields[i++]!);
  if (issuer.isEmpty) throw new DerError("empty CRL issuer");
  const thisUpdate = readTime(fields[i++]);
  let nextUpdate: number | undefined;
  if (isUniversal(fields[i], TAG.UTC_TIME) || isUniversal(fields[i], TAG.GENERALIZED_TIME)) nextUpdate = readTime(fields[i++]);
  let revokedNode: DerNode | undefined;
  if (isUniversal(fields[i], TAG.SEQUENCE)) revokedNode = fields[i++];
  let extensionsNode: DerNode | undefined;
  if (isContext(fields[i], 0)) {
    const wrapper = fields[i++]!;
    if (!wrapper.constructed || wrapper.children.length !== 1) throw new DerError("malformed crlExtensions");
    extensionsNode = wrapper.children[0];
  }
  if (i !== fields.length) throw new DerError("unexpected field in TBSCertList");
  if (innerAlg.raw.length !== algNode.raw.length || !innerAlg.raw.every((b, k) => b === algNode.raw[k])) {
    throw new DerError("signature algorithm differs from the TBSCertList signature field");
  }
  const { signature } = readSignatureParts(algNode, sigNode);

  const unknownCritical: string[] = [];
  let crlNumber: string | undefined;
  let authorityKeyIdentifier: string | undefined;
  let idp: IssuingDistributionPoint | undefined;
  let delta = false;
  if (extensionsNode !== undefined) {
    if (!v2) throw new DerError("CRL extensions in a v1 CRL");
    for (const ext of readExtensions(extensionsNode)) {
      switch (ext.oid) {
        case OID_REVOCATION_EXT.cRLNumber: {
          // §5.2.3: non-critical, a non-negative INTEGER of at most 20 octets.
          const n = readInteger(decodeDer(ext.value, { maxDepth: 1 }));
          if (ext.critical || n[0]! >= 0x80 || n.length > 21) throw new DerError("malformed cRLNumber");
          crlNumber = serialHex(n);
          break;
        }
        case OID_REVOCATION_EXT.authorityKeyIdentifier:
          authorityKeyIdentifier = decodeAuthorityKeyIdentifier(ext.value).keyIdentifier;
          break;
        case OID_REVOCATION_EXT.issuingDistributionPoint:
          idp = decodeIssuingDistributionPoint(ext.value);
          break;
        case OID_REVOCATION_EXT.deltaCRLIndicator:
          delta = true;
          break;
        case OID_REVOCATION_EXT.issuerAltName:
        case OID_REVOCATION_EXT.freshestCRL:
        case OID_REVOCATION_EXT.authorityInfoAccess:
          break;
        default:
          if (ext.critical) unknownCritical.push(ext.oid);
      }
    }
  }

  const entries: CrlEntry[] = [];
  const bySerial = new Map<string, CrlEntry>();
  let indirectEntries = false;
  if (revokedNode !== undefined) {
    // §5.1.2.6: when there are no revoked certificates the list is absent, never empty.
    for (const item of readSequence(revokedNode, 1)) {
      const parts = readSequence(item, 2, 3);
      const serialNumber = serialHex(readInteger(parts[0]));
      const revocationDate = readTime(parts[1]);
      let reason: CrlReason | undefined;
      let invalidityDate: number | undefined;
      if (parts.length === 3) {
        if (!v2) throw new DerError("CRL entry extensions in a v1 CRL");
        for (const ext of readExtensions(parts[2]!)) {
          if (ext.oid === OID_REVOCATION_EXT.reasonCode) reason = readReason(ext.value);
          else if (ext.oid === OID_REVOCATION_EXT.invalidityDate) invalidityDate = readGeneralizedTime(ext.value);
          else if (ext.oid === OID_REVOCATION_EXT.certificateIssuer) indirectEntries = true;
          else if (ext.critical) unknownCritical.push(ext.oid);
        }
      }
      if (bySerial.has(serialNumber)) throw new DerError("duplicate CRL entry");
      const entry: CrlEntry = Object.freeze({
        serialNumber,
        revocationDate: new Date(revocationDate),
        ...(reason !== undefined ? { reason } : {}),
        ...(invalidityDate !== undefined ? { invalidityDate: new Date(invalidityDate) } : {}),
      });
      entries.push(entry);
      bySerial.set(serialNumber, entry);
    }
  }
  const copy = der.slice();
  const crl: CertificateRevocationList = Object.freeze({
    get der() {
      return copy.slice();
    },
    issuer,
    thisUpdate: new Date(thisUpdate),
    ...(nextUpdate !== undefined ? { nextUpdate: new Date(nextUpdate) } : {}),
    ...(crlNumber !== undefined ? { crlNumber } : {}),
    ...(authorityKeyIdentifier !== undefined ? { authorityKeyIdentifier } : {}),
    ...(idp !== undefined ? { issuingDistributionPoint: idp } : {}),
    delta,
    unknownCriticalExtensions: Object.freeze(unknownCritical),
    indirectEntries,
    entries: Object.freeze(entries),
  });
  INTERNALS.set(crl, { tbs: tbsNode.raw.slice(), algorithm: algNode, signature: signature.slice(), bySerial });
  return crl;
}

/**
 * Parses a DER CRL, strictly (X.690 DER, RFC 5280 §5.1 structure).
 *
 * @param der - the CRL bytes (untrusted), at most {@link MAX_CRL_BYTES}
 * @returns the parsed, immutable CRL
 * @throws LicenceError `ERR_INPUT_TOO_LARGE` or `ERR_INPUT_MALFORMED` (`details.reason` names the DER problem)
 * @example
 * ```ts
 * const crl = parseCrl(bytes);
 * crl.nextUpdate; // Date
 * ```
 */
export function parseCrl(der: Uint8Array): CertificateRevocationList {
  if (!(der instanceof Uint8Array)) throw new TypeError("parseCrl needs DER bytes.");
  if (der.length > MAX_CRL_BYTES) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The CRL is too large.", { details: { limit: MAX_CRL_BYTES } });
  try {
    return build(der.slice());
  } catch (err) {
    if (err instanceof DerError) throw new LicenceError("ERR_INPUT_MALFORMED", "The CRL is not a well-formed DER CRL.", { cause: err, details: { reason: err.code } });
    throw err;
  }
}

function crlInternals(crl: CertificateRevocationList): CrlInternals {
  const internals = INTERNALS.get(crl);
  if (!internals) throw new TypeError("Not a CRL made by parseCrl().");
  return internals;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/** §6.3.3 (b): is the certificate in the CRL's scope? A reason when not. */
function scopeProblem(crl: CertificateRevocationList, cert: Certificate): string | undefined {
  const idp = crl.issuingDistributionPoint;
  const points = readCrlDistributionPoints(cert);
  if (points.some((p) => p.indirect || p.partialReasons)) return "The certificate's distribution points name an indirect or partial CRL.";
  if (idp === undefined) return undefined;
  const isCa = cert.basicConstraints?.ca === true;
  if (idp.onlyContainsAttributeCerts) return "The CRL covers attribute certificates only.";
  if (idp.onlyContainsUserCerts && isCa) return "The CRL covers end-entity certificates only.";
  if (idp.onlyContainsCACerts && !isCa) return "The CRL covers CA certificates only.";
  if (idp.fullNames !== undefined) {
    const names = points.flatMap((p) => p.fullNames);
    if (!idp.fullNames.some((n) => names.some((m) => sameBytes(n, m)))) return "The CRL's distribution point is not one the certificate names.";
  }
  return undefined;
}

/**
 * Judges a CRL as revocation evidence for one certificate (RFC 5280 §6.3.3): issued by the
 * certificate's issuer (same name, matching key identifier, keyUsage cRLSign when present, its
 * signature), in scope (issuing distribution point), current at `target.at`, no unknown critical
 * extension; then whether the certificate's serial number is listed.
 *
 * @param crl - a parsed CRL, or its DER
 * @param target - the certificate, its issuer and the time
 * @returns `good`, `revoked` (with the date and reason) or a problem with its code; never throws for bad evidence
 * @example
 * ```ts
 * const result = await verifyCrl(der, { certificate: leaf, issuer: ca, at: new Date() });
 * if (result.ok && result.status === "revoked") console.log(result.revocationTime);
 * ```
 */
export async function verifyCrl(crl: CertificateRevocationList | Uint8Array, target: EvidenceTarget): Promise<RevocationEvidenceResult> {
  let parsed: CertificateRevocationList;
  try {
    parsed = crl instanceof Uint8Array ? parseCrl(crl) : crl;
  } catch (err) {
    if (err instanceof LicenceError) return evidenceProblem("crl", "EVIDENCE_MALFORMED", "The CRL cannot be parsed.");
    throw err;
  }
  const internals = crlInternals(parsed);
  const { certificate, issuer } = target;
  if (!parsed.issuer.equals(certificate.issuerName) || !parsed.issuer.equals(issuer.subjectName)) {
    return evidenceProblem("crl", "EVIDENCE_WRONG_ISSUER", "The CRL is issued by another CA than the certificate's issuer.");
  }
  if (parsed.authorityKeyIdentifier !== undefined && issuer.subjectKeyIdentifier !== undefined && parsed.authorityKeyIdentifier !== issuer.subjectKeyIdentifier) {
    return evidenceProblem("crl", "EVIDENCE_WRONG_ISSUER", "The CRL is signed by another key of the issuer.");
  }
  const ku = issuer.keyUsage;
  if (ku !== undefined && !ku.has("cRLSign")) return evidenceProblem("crl", "EVIDENCE_SIGNER_NOT_AUTHORISED", "The issuer's key usage does not allow signing CRLs.");
  const signature = await verifySignedData(internals.algorithm, internals.tbs, internals.signature, issuer);
  if (signature === "unsupported") return evidenceProblem("crl", "EVIDENCE_ALGORITHM_UNSUPPORTED", "The CRL is signed with an unsupported algorithm.");
  if (signature === "bad") return evidenceProblem("crl", "EVIDENCE_SIGNATURE_INVALID", "The CRL's signature does not verify with the issuer's key.");
  if (parsed.unknownCriticalExtensions.length > 0) return evidenceProblem("crl", "EVIDENCE_UNKNOWN_CRITICAL_EXTENSION", "The CRL carries a critical extension that is not supported.");
  if (parsed.delta || parsed.indirectEntries || parsed.issuingDistributionPoint?.indirectCRL || parsed.issuingDistributionPoint?.onlySomeReasons) {
    return evidenceProblem("crl", "EVIDENCE_UNSUPPORTED", "Delta, indirect and reason-partitioned CRLs are not supported.");
  }
  let scope: string | undefined;
  try {
    scope = scopeProblem(parsed, certificate);
  } catch {
    scope = "The certificate's distribution points cannot be read.";
  }
  if (scope !== undefined) return evidenceProblem("crl", "EVIDENCE_NOT_APPLICABLE", scope);
  // RFC 5280 §5.1.2.5: conforming CRL issuers MUST include nextUpdate; we judge without it only by maxAgeSeconds.
  const stale = checkFreshness("crl", parsed.thisUpdate.getTime(), parsed.nextUpdate?.getTime(), target);
  if (stale) return stale;
  const times = { thisUpdate: parsed.thisUpdate, ...(parsed.nextUpdate ? { nextUpdate: parsed.nextUpdate } : {}) };
  const entry = internals.bySerial.get(certificate.serialNumber);
  if (entry === undefined) return Object.freeze({ ok: true as const, status: "good" as const, source: "crl" as const, ...times });
  return Object.freeze({
    ok: true as const,
    status: "revoked" as const,
    source: "crl" as const,
    ...times,
    revocationTime: entry.revocationDate,
    ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
  });
}
