/**
 * Where a certificate says its revocation evidence is published: CRL distribution points
 * (RFC 5280 §4.2.1.13) and OCSP responders in authority information access (§4.2.2.1), and the
 * IssuingDistributionPoint CRL extension that scopes a CRL (§5.2.5).
 *
 * @module
 */
import { DerError, type DerNode, decodeDer, isContext, readBitString, readOid, readSequence } from "../encoding/der.js";
import type { Certificate } from "../x509/certificate.js";
import { OID_OCSP, OID_REVOCATION_EXT } from "./oids.js";

/** One DistributionPoint of a certificate's cRLDistributionPoints. */
export interface DistributionPoint {
  /** The fullName GeneralNames, each as its DER (for matching against a CRL's IDP). */
  readonly fullNames: readonly Uint8Array[];
  /** The fullName URIs (uniformResourceIdentifier), as text. */
  readonly urls: readonly string[];
  /** True when the point limits the reasons it covers (`reasons` present). */
  readonly partialReasons: boolean;
  /** True when the point names a CRL issuer other than the CA (`cRLIssuer` present: indirect CRL). */
  readonly indirect: boolean;
}

/** The IssuingDistributionPoint CRL extension. */
export interface IssuingDistributionPoint {
  /** The fullName GeneralNames (DER each); `undefined` when absent; empty when given relative to the issuer. */
  readonly fullNames: readonly Uint8Array[] | undefined;
  readonly onlyContainsUserCerts: boolean;
  readonly onlyContainsCACerts: boolean;
  readonly onlySomeReasons: boolean;
  readonly indirectCRL: boolean;
  readonly onlyContainsAttributeCerts: boolean;
}

const URI_TAG = 6;
const ASCII_URL = /^[\x21-\x7e]{1,2048}$/;

function uriOf(name: DerNode): string | undefined {
  if (!isContext(name, URI_TAG) || name.constructed) return undefined;
  let s = "";
  for (const b of name.content) s += String.fromCharCode(b);
  return ASCII_URL.test(s) ? s : undefined;
}

/** Reads a DistributionPointName `[0] fullName GeneralNames | [1] nameRelativeToCRLIssuer`. */
function readPointName(node: DerNode): DerNode[] {
  if (!node.constructed || node.children.length !== 1) throw new DerError("malformed DistributionPointName");
  const choice = node.children[0]!;
  if (isContext(choice, 0)) {
    if (!choice.constructed || choice.children.length === 0) throw new DerError("malformed fullName");
    for (const n of choice.children) if (n.cls !== 2 || n.tag > 8) throw new DerError("malformed GeneralName");
    return [...choice.children];
  }
  if (isContext(choice, 1)) return [];
  throw new DerError("malformed DistributionPointName");
}

function readBooleanField(node: DerNode): boolean {
  // [n] IMPLICIT BOOLEAN DEFAULT FALSE: DER encodes only TRUE (0xFF).
  if (node.constructed || node.content.length !== 1 || node.content[0] !== 0xff) throw new DerError("non-DER BOOLEAN in IssuingDistributionPoint");
  return true;
}

function extensionValue(cert: Certificate, oid: string): Uint8Array | undefined {
  return cert.extensions.find((e) => e.oid === oid)?.value;
}

/**
 * Reads a certificate's cRLDistributionPoints; empty when it has none.
 *
 * @param cert - the certificate
 * @throws DerError when the extension is malformed
 * @example
 * ```ts
 * const urls = readCrlDistributionPoints(cert).flatMap((p) => p.urls);
 * ```
 */
export function readCrlDistributionPoints(cert: Certificate): readonly DistributionPoint[] {
  const value = extensionValue(cert, OID_REVOCATION_EXT.cRLDistributionPoints);
  if (value === undefined) return [];
  return readSequence(decodeDer(value, { maxDepth: 12 }), 1).map((point) => {
    let fullNames: DerNode[] = [];
    let partialReasons = false;
    let indirect = false;
    let last = -1;
    for (const field of readSequence(point, 0, 3)) {
      if (field.cls !== 2 || field.tag > 2 || field.tag <= last) throw new DerError("malformed DistributionPoint");
      last = field.tag;
      if (field.tag === 0) fullNames = readPointName(field);
      else if (field.tag === 1) {
        readBitString({ ...field, cls: 0, tag: 3 });
        partialReasons = true;
      } else indirect = true;
    }
    const urls = fullNames.map(uriOf).filter((u): u is string => u !== undefined);
    return Object.freeze({ fullNames: Object.freeze(fullNames.map((n) => n.raw.slice())), urls: Object.freeze(urls), partialReasons, indirect });
  });
}

/**
 * The OCSP responder URLs of a certificate's authorityInfoAccess (id-ad-ocsp, URIs only).
 *
 * @param cert - the certificate
 * @throws DerError when the extension is malformed
 * @example
 * ```ts
 * const [url] = readOcspUrls(cert);
 * ```
 */
export function readOcspUrls(cert: Certificate): readonly string[] {
  const value = extensionValue(cert, OID_REVOCATION_EXT.authorityInfoAccess);
  if (value === undefined) return [];
  const urls: string[] = [];
  for (const description of readSequence(decodeDer(value, { maxDepth: 8 }), 1)) {
    const [method, location] = readSequence(description, 2, 2) as [DerNode, DerNode];
    if (location.cls !== 2 || location.tag > 8) throw new DerError("malformed GeneralName");
    if (readOid(method) !== OID_OCSP.accessMethod) continue;
    const url = uriOf(location);
    if (url !== undefined) urls.push(url);
  }
  return Object.freeze(urls);
}

/** Decodes an IssuingDistributionPoint extension value (RFC 5280 §5.2.5). */
export function decodeIssuingDistributionPoint(value: Uint8Array): IssuingDistributionPoint {
  const out = {
    fullNames: undefined as Uint8Array[] | undefined,
    onlyContainsUserCerts: false,
    onlyContainsCACerts: false,
    onlySomeReasons: false,
    indirectCRL: false,
    onlyContainsAttributeCerts: false,
  };
  let last = -1;
  for (const field of readSequence(decodeDer(value, { maxDepth: 12 }), 0, 6)) {
    if (field.cls !== 2 || field.tag > 5 || field.tag <= last) throw new DerError("malformed IssuingDistributionPoint");
    last = field.tag;
    switch (field.tag) {
      case 0:
        out.fullNames = readPointName(field).map((n) => n.raw.slice());
        break;
      case 1:
        out.onlyContainsUserCerts = readBooleanField(field);
        break;
      case 2:
        out.onlyContainsCACerts = readBooleanField(field);
        break;
      case 3:
        if (field.constructed) throw new DerError("malformed onlySomeReasons");
        readBitString({ ...field, cls: 0, tag: 3 });
        out.onlySomeReasons = true;
        break;
      case 4:
        out.indirectCRL = readBooleanField(field);
        break;
      default:
        out.onlyContainsAttributeCerts = readBooleanField(field);
    }
  }
  return Object.freeze({ ...out, fullNames: out.fullNames && Object.freeze(out.fullNames) });
}
