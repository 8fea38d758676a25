/**
 * X.509 v3 certificates (RFC 5280 §4): strict DER parsing into an immutable {@link Certificate}.
 *
 * @module
 */
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import { backend } from "../crypto/index.js";
import { LicenceError } from "../errors/errors.js";
import { bytesEqual, toHex } from "../encoding/bytes.js";
import { type DerNode, DerError, decodeDer, isContext, readBitString, readBoolean, readInteger, readOctetString, readOid, readSequence, readSmallInteger, readTime, TAG, isUniversal } from "../encoding/der.js";
import {
  type AuthorityKeyIdentifier,
  type BasicConstraints,
  type CertificateExtension,
  type KeyUsageName,
  decodeAuthorityKeyIdentifier,
  decodeBasicConstraints,
  decodeCertificatePolicies,
  decodeExtendedKeyUsage,
  decodeKeyUsage,
  decodeSubjectKeyIdentifier,
} from "./extensions.js";
import { type DistinguishedName, type NameAttribute, parseName } from "./name.js";
import { type NameConstraints, decodeNameConstraints, decodeSubjectAltNameDirectoryNames } from "./name-constraints.js";
import { OID_ATTR, OID_EXT, SIGNATURE_ALGORITHM_NAMES } from "./oids.js";
import { encodePem } from "../encoding/pem.js";
import { invalidCertificate, toDer } from "./certificate-input.js";
import { type PublicKeyInfo, type SignatureScheme, keyAlgorithm, parsePublicKeyInfo, parseSignatureAlgorithm } from "./signature.js";

/** A certificate's signature algorithm. `parameters` is a fresh copy of the DER parameters, if any. */
export interface SignatureAlgorithmIdentifier {
  /** Dotted decimal, e.g. `1.2.840.10045.4.3.2`. */
  readonly oid: string;
  /** A readable name (`ecdsa-with-SHA256`, `RSASSA-PSS`, …) when the OID is one we know. */
  readonly name: string | undefined;
  readonly parameters: Uint8Array | undefined;
}

/** What path validation needs, kept out of the public object. */
export interface CertificateInternals {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly spki: Uint8Array;
  readonly signature: Uint8Array;
  readonly sha256Hex: string;
  /** Hex SHA-256 of the SPKI: identifies the key. */
  readonly spkiKey: string;
  readonly notBefore: number;
  readonly notAfter: number;
  /** `undefined` when the signature algorithm is not one we can check. */
  readonly scheme: SignatureScheme | undefined;
  readonly keyUsage: ReadonlySet<KeyUsageName> | undefined;
  /** Extension OIDs marked critical. */
  readonly critical: readonly string[];
  /** nameConstraints, when present (RFC 5280 §4.2.1.10). */
  readonly nameConstraints: NameConstraints | undefined;
  /** The directoryName entries of subjectAltName (empty when none). */
  readonly altDirectoryNames: readonly DistinguishedName[];
}

const INTERNALS = new WeakMap<Certificate, CertificateInternals>();
const TOKEN: unique symbol = Symbol("Certificate");
let createCertificate: (fields: CertificateFields, internals: CertificateInternals) => Certificate;

interface CertificateFields {
  readonly version: 1 | 2 | 3;
  readonly serialNumber: string;
  readonly issuerName: DistinguishedName;
  readonly subjectName: DistinguishedName;
  readonly publicKeyInfo: PublicKeyInfo;
  readonly basicConstraints: BasicConstraints | undefined;
  readonly extendedKeyUsage: readonly string[] | undefined;
  readonly certificatePolicies: readonly string[] | undefined;
  readonly subjectKeyIdentifier: string | undefined;
  readonly authorityKeyIdentifier: AuthorityKeyIdentifier | undefined;
  readonly extensions: readonly CertificateExtension[];
  readonly signatureAlgorithm: SignatureAlgorithmIdentifier;
}

/** The single value of an attribute that occurs exactly once; `undefined` when absent or repeated. */
function single(attributes: readonly NameAttribute[], oid: string): string | undefined {
  const found = attributes.filter((a) => a.oid === oid);
  return found.length === 1 ? found[0]!.value : undefined;
}

function bytesProperty<T extends object>(target: T, name: string, bytes: Uint8Array | undefined): T {
  Object.defineProperty(target, name, { enumerable: true, get: () => bytes?.slice() });
  return target;
}

/**
 * A parsed X.509 certificate. Immutable: the object is frozen, and byte and date properties return
 * fresh copies, so a certificate can be shared (e.g. through a {@link CertificateCache}).
 * Make one with {@link parseCertificate}.
 *
 * @example
 * ```ts
 * const cert = parseCertificate(pem);
 * cert.subject;                 // "CN=Tax Bureau,organizationIdentifier=91110000…,O=…,C=CN"
 * cert.organizationIdentifier;  // "91110000…"
 * cert.publicKeyAlgorithm;      // "ES256"
 * ```
 */
export class Certificate {
  /** 1, 2 or 3. */
  readonly version: 1 | 2 | 3;
  /** Serial number, lowercase hex of the positive integer (no sign octet). */
  readonly serialNumber: string;
  /** Subject as an RFC 4514 string. */
  readonly subject: string;
  /** Issuer as an RFC 4514 string. */
  readonly issuer: string;
  /** Subject as a parsed name (DER, canonical form for comparison, attributes). */
  readonly subjectName: DistinguishedName;
  /** Issuer as a parsed name. */
  readonly issuerName: DistinguishedName;
  /** Subject attributes in encoding order. */
  readonly subjectAttributes: readonly NameAttribute[];
  /** Subject commonName (2.5.4.3), when it occurs exactly once. */
  readonly commonName: string | undefined;
  /** Subject organizationName (2.5.4.10), when it occurs exactly once. */
  readonly organizationName: string | undefined;
  /**
   * Subject organizationIdentifier (2.5.4.97), when it occurs exactly once. A repeated attribute
   * gives `undefined` rather than a guess, because callers use it to decide who signed.
   */
  readonly organizationIdentifier: string | undefined;
  /** The JWS algorithm the subject key can serve (EC P-256 → ES256, Ed25519 → EdDSA, RSA ≥ 2048 → PS256). */
  readonly publicKeyAlgorithm: SignatureAlgorithm | undefined;
  /** What the subject public key is. */
  readonly publicKeyInfo: PublicKeyInfo;
  /** basicConstraints, when present. */
  readonly basicConstraints: BasicConstraints | undefined;
  /** extendedKeyUsage purpose OIDs, when present. */
  readonly extendedKeyUsage: readonly string[] | undefined;
  /** certificatePolicies policy OIDs, when present. */
  readonly certificatePolicies: readonly string[] | undefined;
  /** subjectKeyIdentifier, lowercase hex, when present. */
  readonly subjectKeyIdentifier: string | undefined;
  /** authorityKeyIdentifier, when present. */
  readonly authorityKeyIdentifier: AuthorityKeyIdentifier | undefined;
  /** Every extension, in encoding order. */
  readonly extensions: readonly CertificateExtension[];
  /** The signature algorithm (outer, equal to the TBS one). */
  readonly signatureAlgorithm: SignatureAlgorithmIdentifier;
  /** True when subject and issuer names match (RFC 5280 §6.1: "self-issued"). */
  readonly selfIssued: boolean;
  /** Lowercase hex SHA-256 of the DER: the thumbprint as text. */
  readonly sha256Hex: string;

  static {
    createCertificate = (fields, internals) => new Certificate(TOKEN, fields, internals);
  }

  // Private, and guarded by a module-private token at run time: only parsing makes certificates,
  // so `isCertificate` can trust what it finds.
  private constructor(token: symbol, fields: CertificateFields, internals: CertificateInternals) {
    if (token !== TOKEN) throw new TypeError("Use parseCertificate() to make a Certificate.");
    this.version = fields.version;
    this.serialNumber = fields.serialNumber;
    this.subjectName = fields.subjectName;
    this.issuerName = fields.issuerName;
    this.subject = fields.subjectName.text;
    this.issuer = fields.issuerName.text;
    this.subjectAttributes = fields.subjectName.attributes;
    this.commonName = single(this.subjectAttributes, OID_ATTR.commonName);
    this.organizationName = single(this.subjectAttributes, OID_ATTR.organizationName);
    this.organizationIdentifier = single(this.subjectAttributes, OID_ATTR.organizationIdentifier);
    this.publicKeyInfo = Object.freeze({ ...fields.publicKeyInfo });
    this.publicKeyAlgorithm = keyAlgorithm(fields.publicKeyInfo);
    this.basicConstraints = fields.basicConstraints;
    this.extendedKeyUsage = fields.extendedKeyUsage && Object.freeze([...fields.extendedKeyUsage]);
    this.certificatePolicies = fields.certificatePolicies && Object.freeze([...fields.certificatePolicies]);
    this.subjectKeyIdentifier = fields.subjectKeyIdentifier;
    this.authorityKeyIdentifier = fields.authorityKeyIdentifier;
    this.extensions = Object.freeze([...fields.extensions]);
    this.signatureAlgorithm = fields.signatureAlgorithm;
    this.selfIssued = fields.subjectName.equals(fields.issuerName);
    this.sha256Hex = internals.sha256Hex;
    INTERNALS.set(this, internals);
    Object.freeze(this);
  }

  /** The whole certificate, DER (a copy). */
  get der(): Uint8Array {
    return internalsOf(this).der.slice();
  }
  /** SHA-256 of the DER: the thumbprint (`x5t#S256` before base64url), a copy. */
  get sha256(): Uint8Array {
    return hexBytes(this.sha256Hex);
  }
  /** The TBSCertificate, DER, exactly as signed (a copy). */
  get tbs(): Uint8Array {
    return internalsOf(this).tbs.slice();
  }
  /** The SubjectPublicKeyInfo, DER (a copy), for `importPublicKey`. */
  get spki(): Uint8Array {
    return internalsOf(this).spki.slice();
  }
  /** The signature value as carried in the BIT STRING (ECDSA: DER `Ecdsa-Sig-Value`), a copy. */
  get signatureValue(): Uint8Array {
    return internalsOf(this).signature.slice();
  }
  /** Start of the validity period. */
  get notBefore(): Date {
    return new Date(internalsOf(this).notBefore);
  }
  /** End of the validity period (inclusive). */
  get notAfter(): Date {
    return new Date(internalsOf(this).notAfter);
  }
  /** keyUsage bit names, when the extension is present (a fresh set). */
  get keyUsage(): ReadonlySet<KeyUsageName> | undefined {
    const ku = internalsOf(this).keyUsage;
    return ku && new Set(ku);
  }

  /** PEM text of the certificate. */
  toPem(): string {
    return encodePem(internalsOf(this).der);
  }

  /** A short summary for logs (public data only). */
  toJSON(): { subject: string; issuer: string; serialNumber: string; notBefore: string; notAfter: string; sha256: string } {
    return {
      subject: this.subject,
      issuer: this.issuer,
      serialNumber: this.serialNumber,
      notBefore: this.notBefore.toISOString(),
      notAfter: this.notAfter.toISOString(),
      sha256: this.sha256Hex,
    };
  }
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * True when `value` is a {@link Certificate} made by {@link parseCertificate} (not a look-alike object).
 *
 * @param value - anything
 * @example
 * ```ts
 * const cert = isCertificate(input) ? input : parseCertificate(input);
 * ```
 */
export function isCertificate(value: unknown): value is Certificate {
  return typeof value === "object" && value !== null && INTERNALS.has(value as Certificate);
}

/** @internal The data path validation reads; throws TypeError for a look-alike object. */
export function internalsOf(cert: Certificate): CertificateInternals {
  const internals = INTERNALS.get(cert);
  if (!internals) throw new TypeError("Not a Certificate made by parseCertificate().");
  return internals;
}

function readAlgorithmIdentifier(node: DerNode): { oid: string; params: DerNode | undefined } {
  const [oidNode, params, ...rest] = readSequence(node, 1, 2);
  if (rest.length) throw new DerError("malformed AlgorithmIdentifier");
  return { oid: readOid(oidNode), params };
}

function serialHex(content: Uint8Array): string {
  return toHex(content.length > 1 && content[0] === 0 ? content.subarray(1) : content);
}

function build(der: Uint8Array): Certificate {
  const [tbsNode, sigAlgNode, sigValueNode] = readSequence(decodeDer(der), 3, 3) as [DerNode, DerNode, DerNode];
  const fields = readSequence(tbsNode, 6, 10);
  let i = 0;
  let version: 1 | 2 | 3 = 1;
  const first = fields[0]!;
  if (isContext(first, 0)) {
    if (!first.constructed || first.children.length !== 1) throw new DerError("malformed version");
    const v = readSmallInteger(first.children[0]);
    // DER omits a DEFAULT value, so an explicit v1 is not DER.
    if (v === 0 || v > 2) throw new DerError("unsupported or non-DER version");
    version = (v + 1) as 2 | 3;
    i++;
  }
  const serial = readInteger(fields[i++]);
  const innerSigAlg = fields[i++]!;
  const issuerName = parseName(fields[i++]!);
  const [notBeforeNode, notAfterNode] = readSequence(fields[i++], 2, 2);
  const notBefore = readTime(notBeforeNode);
  const notAfter = readTime(notAfterNode);
  const subjectName = parseName(fields[i++]!);
  const spkiNode = fields[i++]!;
  const publicKeyInfo = parsePublicKeyInfo(spkiNode);

  let lastOptional = 0;
  let extensionsNode: DerNode | undefined;
  for (; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.cls !== 2 || f.tag < 1 || f.tag > 3 || f.tag <= lastOptional) throw new DerError("unexpected field in TBSCertificate");
    lastOptional = f.tag;
    if (f.tag === 3) {
      if (version !== 3) throw new DerError("extensions in a certificate that is not v3");
      if (!f.constructed || f.children.length !== 1) throw new DerError("malformed extensions");
      extensionsNode = f.children[0];
    } else {
      // issuerUniqueID / subjectUniqueID: [n] IMPLICIT BIT STRING, v2 or v3 only.
      if (version === 1 || f.constructed) throw new DerError("malformed unique identifier");
    }
  }

  if (!bytesEqual(innerSigAlg.raw, sigAlgNode.raw)) throw new DerError("signature algorithm differs from the TBS signature field");
  const sigAlg = readAlgorithmIdentifier(sigAlgNode);
  const signature = readBitString(sigValueNode);
  if (signature.unusedBits !== 0) throw new DerError("signature BIT STRING has unused bits");
  if (issuerName.isEmpty) throw new DerError("empty issuer name");

  const extensions: CertificateExtension[] = [];
  const seen = new Set<string>();
  const critical: string[] = [];
  let basicConstraints: BasicConstraints | undefined;
  let keyUsage: KeyUsageName[] | undefined;
  let extendedKeyUsage: string[] | undefined;
  let certificatePolicies: string[] | undefined;
  let subjectKeyIdentifier: string | undefined;
  let authorityKeyIdentifier: AuthorityKeyIdentifier | undefined;
  let nameConstraints: NameConstraints | undefined;
  let altDirectoryNames: DistinguishedName[] = [];
  if (extensionsNode !== undefined) {
    for (const ext of readSequence(extensionsNode, 1)) {
      const items = readSequence(ext, 2, 3);
      const oid = readOid(items[0]);
      let isCritical = false;
      if (items.length === 3) {
        if (!isUniversal(items[1], TAG.BOOLEAN)) throw new DerError("malformed extension");
        isCritical = readBoolean(items[1]);
      }
      const value = readOctetString(items[items.length - 1]);
      if (seen.has(oid)) throw new DerError("duplicate extension");
      seen.add(oid);
      if (isCritical) critical.push(oid);
      switch (oid) {
        case OID_EXT.basicConstraints:
          basicConstraints = decodeBasicConstraints(value);
          break;
        case OID_EXT.keyUsage:
          keyUsage = decodeKeyUsage(value);
          break;
        case OID_EXT.extendedKeyUsage:
          extendedKeyUsage = decodeExtendedKeyUsage(value);
          break;
        case OID_EXT.subjectKeyIdentifier:
          subjectKeyIdentifier = decodeSubjectKeyIdentifier(value);
          break;
        case OID_EXT.authorityKeyIdentifier:
          authorityKeyIdentifier = decodeAuthorityKeyIdentifier(value);
          break;
        case OID_EXT.certificatePolicies:
          certificatePolicies = decodeCertificatePolicies(value);
          break;
        case OID_EXT.subjectAltName:
          altDirectoryNames = decodeSubjectAltNameDirectoryNames(value);
          break;
        case OID_EXT.nameConstraints:
          nameConstraints = decodeNameConstraints(value);
          break;
        default:
          break;
      }
      extensions.push(Object.freeze(bytesProperty({ oid, critical: isCritical } as CertificateExtension, "value", value.slice())));
    }
  }

  const spki = spkiNode.raw.slice();
  const sha256Hex = toHex(backend.sha256(der));
  const internals: CertificateInternals = Object.freeze({
    der,
    tbs: tbsNode.raw.slice(),
    spki,
    signature: signature.bytes.slice(),
    sha256Hex,
    spkiKey: toHex(backend.sha256(spki)),
    notBefore,
    notAfter,
    scheme: parseSignatureAlgorithm(sigAlg.oid, sigAlg.params),
    keyUsage: keyUsage && new Set(keyUsage),
    critical: Object.freeze(critical),
    nameConstraints,
    altDirectoryNames: Object.freeze(altDirectoryNames),
  });
  const signatureAlgorithm = Object.freeze(
    bytesProperty({ oid: sigAlg.oid, name: SIGNATURE_ALGORITHM_NAMES[sigAlg.oid] } as SignatureAlgorithmIdentifier, "parameters", sigAlg.params?.raw.slice()),
  );
  return createCertificate(
    {
      version,
      serialNumber: serialHex(serial),
      issuerName,
      subjectName,
      publicKeyInfo,
      basicConstraints,
      extendedKeyUsage,
      certificatePolicies,
      subjectKeyIdentifier,
      authorityKeyIdentifier,
      extensions,
      signatureAlgorithm,
    },
    internals,
  );
}

/**
 * Parses one X.509 certificate, strictly.
 *
 * Rejects (with `ERR_CERTIFICATE_INVALID`, never a raw parser exception): BER-only encodings,
 * truncation, trailing data, more than 64 KiB, a v1/v2 certificate with extensions, duplicate
 * extensions, a malformed known extension, outer and TBS signature algorithms that differ, an
 * empty issuer, invalid times or strings.
 *
 * @param input - PEM text (one `CERTIFICATE` block), bare base64 DER (an `x5c` entry) or DER bytes
 * @returns the immutable certificate
 * @throws LicenceError `ERR_CERTIFICATE_INVALID`
 * @example
 * ```ts
 * const cert = parseCertificate(header.x5c[0]);
 * console.log(cert.subject, cert.notAfter.toISOString());
 * ```
 */
export function parseCertificate(input: string | Uint8Array): Certificate {
  const der = toDer(input);
  try {
    return build(der);
  } catch (err) {
    if (err instanceof LicenceError) throw err;
    if (err instanceof DerError) throw invalidCertificate(err.reason, err);
    throw invalidCertificate("ASN.1 decoding failed", err);
  }
}
