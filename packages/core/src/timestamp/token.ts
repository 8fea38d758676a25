/**
 * Strict reading of an RFC 3161 TimeStampToken: a CMS ContentInfo (RFC 5652 §3) holding SignedData
 * (§5.1) whose encapsulated content is a TSTInfo (RFC 3161 §2.4.2), with exactly one SignerInfo
 * (§5.3) carrying the signed attributes content-type, message-digest and ESS signing-certificate-v2
 * (RFC 5035 §3, required for tokens by RFC 5816 §2.2.1 when SHA-2 identifies the certificate).
 *
 * Everything is read with core's strict DER reader: no BER, no trailing data, bounded sizes. This
 * file only reads; {@link ./verify.ts} judges what was read.
 *
 * @internal
 * @module
 */
import { type DerNode, DerError, decodeDer, isContext, isUniversal, readBoolean, readInteger, readOctetString, readOid, readSequence, readSet, readSmallInteger, TAG } from "../encoding/der.js";
import { type DistinguishedName, parseName } from "../x509/name.js";
import { HASH_OIDS, OID_TSP, type TimestampHash } from "./oids.js";

/** Largest TimeStampToken accepted, in bytes (a token with a chain of a few certificates is 3–8 KB). */
export const MAX_TIMESTAMP_TOKEN_BYTES = 65_536;
/** Most certificates a token may carry. */
const MAX_TOKEN_CERTIFICATES = 16;

/** An ESSCertIDv2 (RFC 5035 §4). */
export interface EssCertId {
  readonly hash: TimestampHash;
  readonly certHash: Uint8Array;
  /** issuerSerial, when present: the serial number (hex, no sign octet) and the directory names of the issuer. */
  readonly issuerSerial?: { readonly serialHex: string; readonly issuerNames: readonly DistinguishedName[] };
}

/** The SignerInfo's sid (RFC 5652 §5.3). */
export type SignerIdentifier = { readonly kind: "issuer-serial"; readonly issuer: DistinguishedName; readonly serialHex: string } | { readonly kind: "key-id"; readonly keyIdHex: string };

/** The TSTInfo fields a verifier uses (RFC 3161 §2.4.2). */
export interface TstInfo {
  readonly policy: string;
  readonly imprintHash: TimestampHash;
  readonly hashedMessage: Uint8Array;
  /** serialNumber, lowercase hex of the INTEGER's content octets. */
  readonly serialHex: string;
  /** genTime, epoch milliseconds (finer fractions are truncated). */
  readonly genTime: number;
  /** The nonce's INTEGER content octets, when present. */
  readonly nonce?: Uint8Array;
}

/** A TimeStampToken as read, before any judgement. Byte views point into a private copy. */
export interface ParsedTimestampToken {
  readonly tstInfo: TstInfo;
  /** The eContent octets (the DER TSTInfo), what message-digest is over. */
  readonly eContent: Uint8Array;
  /** Certificates the token carries (DER). */
  readonly certificates: readonly Uint8Array[];
  readonly sid: SignerIdentifier;
  readonly digestHash: TimestampHash;
  readonly signatureAlgorithm: { readonly oid: string; readonly params: DerNode | undefined };
  readonly signature: Uint8Array;
  /** The signed attributes as signed: the DER SET OF (tag 0x31), RFC 5652 §5.4. */
  readonly signedAttributes: Uint8Array;
  readonly messageDigest: Uint8Array;
  /** ESSCertIDv2 entries, the first naming the signing certificate (RFC 5035 §5.4.1). */
  readonly essCertIds: readonly EssCertId[];
}

function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Lowercase hex of a positive INTEGER without its sign octet, as `Certificate.serialNumber` is. */
export function serialHex(content: Uint8Array): string {
  return hex(content[0] === 0 && content.length > 1 ? content.subarray(1) : content);
}

/** A hash AlgorithmIdentifier (parameters absent or NULL, RFC 5754 §2). */
function readHashAlgorithm(node: DerNode | undefined): TimestampHash {
  const [oid, params] = readSequence(node, 1, 2);
  if (params !== undefined && !(isUniversal(params, TAG.NULL) && params.content.length === 0)) throw new DerError("hash algorithm parameters");
  const hash = HASH_OIDS[readOid(oid)];
  if (hash === undefined) throw new DerError("unsupported hash algorithm");
  return hash;
}

/** GeneralizedTime as RFC 3161 §2.4.2 requires it: `YYYYMMDDhhmmss[.s+]Z`, no trailing zero in the fraction. */
const GEN_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d*[1-9]))?Z$/;

/** Reads genTime as epoch milliseconds. */
export function readGenTime(node: DerNode | undefined): number {
  if (!isUniversal(node, TAG.GENERALIZED_TIME)) throw new DerError("expected a GeneralizedTime", "DER_UNEXPECTED_TYPE");
  let text = "";
  for (const b of node!.content) text += String.fromCharCode(b);
  const m = GEN_TIME.exec(text);
  if (!m) throw new DerError("malformed genTime", "DER_INVALID_VALUE");
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  if (month < 1 || month > 12 || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new DerError("invalid date in genTime", "DER_INVALID_VALUE");
  }
  return d.getTime();
}

/** TSTInfo (RFC 3161 §2.4.2). */
function readTstInfo(der: Uint8Array): TstInfo {
  const fields = readSequence(decodeDer(der, { maxDepth: 16, maxNodes: 2_000 }), 5, 10);
  if (readSmallInteger(fields[0]) !== 1) throw new DerError("TSTInfo version");
  const policy = readOid(fields[1]);
  const [imprintAlg, hashed] = readSequence(fields[2], 2, 2);
  const imprintHash = readHashAlgorithm(imprintAlg);
  const hashedMessage = readOctetString(hashed);
  const serial = readInteger(fields[3]);
  if (serial[0]! >= 0x80) throw new DerError("negative serialNumber");
  const genTime = readGenTime(fields[4]);
  let i = 5;
  if (isUniversal(fields[i], TAG.SEQUENCE)) i++; // accuracy: advisory, not used for the proof
  // ordering BOOLEAN DEFAULT FALSE: in DER a default value is never encoded.
  if (isUniversal(fields[i], TAG.BOOLEAN)) {
    if (!readBoolean(fields[i])) throw new DerError("ordering encoded with its default value");
    i++;
  }
  let nonce: Uint8Array | undefined;
  if (isUniversal(fields[i], TAG.INTEGER)) nonce = readInteger(fields[i++]);
  if (isContext(fields[i], 0)) i++; // tsa [0] GeneralName: informative
  if (isContext(fields[i], 1)) {
    // Extensions we do not know cannot be judged; a TSTInfo with any is refused (fail closed).
    throw new DerError("TSTInfo extensions are not supported");
  }
  if (i !== fields.length) throw new DerError("unexpected TSTInfo field");
  return { policy, imprintHash, hashedMessage, serialHex: hex(serial), genTime, ...(nonce ? { nonce } : {}) };
}

/** SigningCertificateV2 (RFC 5035 §3): certs SEQUENCE OF ESSCertIDv2, policies OPTIONAL. */
function readSigningCertificateV2(value: DerNode): EssCertId[] {
  const [certs] = readSequence(value, 1, 2);
  const ids = readSequence(certs, 1, 16);
  return ids.map((id) => {
    const parts = readSequence(id, 1, 3);
    let i = 0;
    // hashAlgorithm DEFAULT id-sha256 (RFC 5035 §4).
    const hash = isUniversal(parts[0], TAG.SEQUENCE) ? readHashAlgorithm(parts[i++]) : "SHA-256";
    const certHash = readOctetString(parts[i++]);
    let issuerSerial: EssCertId["issuerSerial"];
    if (parts[i] !== undefined) {
      const [names, serial] = readSequence(parts[i++], 2, 2);
      const issuerNames = readSequence(names, 1, 16)
        .filter((n) => isContext(n, 4))
        .map((n) => {
          if (!n.constructed || n.children.length !== 1) throw new DerError("malformed directoryName");
          return parseName(n.children[0]!);
        });
      issuerSerial = { serialHex: serialHex(readInteger(serial)), issuerNames };
    }
    if (i !== parts.length) throw new DerError("malformed ESSCertIDv2");
    return { hash, certHash, ...(issuerSerial ? { issuerSerial } : {}) };
  });
}

interface SignedAttributes {
  readonly messageDigest: Uint8Array;
  readonly essCertIds: EssCertId[];
}

/** Signed attributes (RFC 5652 §5.3): each type at most once, each of ours with exactly one value. */
function readSignedAttributes(node: DerNode): SignedAttributes {
  const seen = new Set<string>();
  let contentType: string | undefined;
  let messageDigest: Uint8Array | undefined;
  let essCertIds: EssCertId[] | undefined;
  if (node.children.length === 0 || node.children.length > 16) throw new DerError("signed attributes count");
  for (const attribute of node.children) {
    const [typeNode, valuesNode] = readSequence(attribute, 2, 2);
    const type = readOid(typeNode);
    if (seen.has(type)) throw new DerError("repeated signed attribute");
    seen.add(type);
    const values = readSet(valuesNode, 1);
    const only = (): DerNode => {
      if (values.length !== 1) throw new DerError("signed attribute with several values");
      return values[0]!;
    };
    if (type === OID_TSP.contentType) contentType = readOid(only());
    else if (type === OID_TSP.messageDigest) messageDigest = readOctetString(only());
    else if (type === OID_TSP.signingCertificateV2) essCertIds = readSigningCertificateV2(only());
    // Other attributes (signing-time, ESS signing-certificate v1, …) are signed but not relied on.
  }
  if (contentType !== OID_TSP.tstInfo) throw new DerError("content-type attribute missing or not id-ct-TSTInfo");
  if (messageDigest === undefined) throw new DerError("message-digest attribute missing");
  if (essCertIds === undefined) throw new DerError("signing-certificate-v2 attribute missing");
  return { messageDigest, essCertIds };
}

function readSignerIdentifier(node: DerNode | undefined, version: number): SignerIdentifier {
  if (isUniversal(node, TAG.SEQUENCE)) {
    if (version !== 1) throw new DerError("SignerInfo version for issuerAndSerialNumber");
    const [issuer, serial] = readSequence(node, 2, 2);
    return { kind: "issuer-serial", issuer: parseName(issuer!), serialHex: serialHex(readInteger(serial)) };
  }
  if (isContext(node, 0) && !node!.constructed) {
    if (version !== 3) throw new DerError("SignerInfo version for subjectKeyIdentifier");
    return { kind: "key-id", keyIdHex: hex(node!.content) };
  }
  throw new DerError("malformed SignerIdentifier");
}

/**
 * Reads a TimeStampToken strictly.
 *
 * @param token - DER bytes (copied)
 * @throws DerError with a fixed reason when anything is malformed or unsupported
 */
export function parseTimestampToken(token: Uint8Array): ParsedTimestampToken {
  const bytes = token.slice();
  const [contentType, content] = readSequence(decodeDer(bytes, { maxDepth: 32, maxNodes: 20_000 }), 2, 2);
  if (readOid(contentType) !== OID_TSP.signedData) throw new DerError("not SignedData");
  if (!isContext(content, 0) || !content!.constructed || content!.children.length !== 1) throw new DerError("malformed ContentInfo content");
  const sd = readSequence(content!.children[0], 4, 6);
  // SignedData version 3: the encapsulated content type is not id-data (RFC 5652 §5.1).
  if (readSmallInteger(sd[0]) !== 3) throw new DerError("SignedData version");
  const digestAlgorithms = readSet(sd[1], 1);
  const [eContentType, eContentWrap, ...rest] = readSequence(sd[2], 2, 2);
  if (rest.length || readOid(eContentType) !== OID_TSP.tstInfo) throw new DerError("encapsulated content is not id-ct-TSTInfo");
  if (!isContext(eContentWrap, 0) || !eContentWrap!.constructed || eContentWrap!.children.length !== 1) throw new DerError("eContent missing");
  const eContent = readOctetString(eContentWrap!.children[0]);
  let i = 3;
  const certificates: Uint8Array[] = [];
  if (isContext(sd[i], 0)) {
    const set = sd[i++]!;
    if (!set.constructed) throw new DerError("malformed certificates");
    if (set.children.length > MAX_TOKEN_CERTIFICATES) throw new DerError("too many certificates");
    for (const choice of set.children) {
      // Only plain certificates; attribute and other certificate formats are not supported.
      if (!isUniversal(choice, TAG.SEQUENCE)) throw new DerError("unsupported CertificateChoices");
      certificates.push(choice.raw);
    }
  }
  if (isContext(sd[i], 1)) i++; // crls: revocation evidence is not taken from here
  const signerInfos = readSet(sd[i++], 0);
  if (i !== sd.length) throw new DerError("unexpected SignedData field");
  if (signerInfos.length !== 1) throw new DerError("a time-stamp token has exactly one SignerInfo");
  const si = readSequence(signerInfos[0], 6, 7);
  const version = readSmallInteger(si[0]);
  const sid = readSignerIdentifier(si[1], version);
  const digestHash = readHashAlgorithm(si[2]);
  if (!digestAlgorithms.some((d) => HASH_OIDS[readOid(readSequence(d, 1, 2)[0])] === digestHash)) throw new DerError("digest algorithm not listed in SignedData");
  const attrs = si[3]!;
  if (!isContext(attrs, 0) || !attrs.constructed) throw new DerError("signed attributes missing");
  const { messageDigest, essCertIds } = readSignedAttributes(attrs);
  // The signature is over the DER SET OF: the [0] IMPLICIT tag replaced by the SET tag (RFC 5652 §5.4).
  const signedAttributes = attrs.raw.slice();
  signedAttributes[0] = 0x31;
  const [sigOid, sigParams, ...sigRest] = readSequence(si[4], 1, 2);
  if (sigRest.length) throw new DerError("malformed signature algorithm");
  const signature = readOctetString(si[5]);
  if (si[6] !== undefined && !(isContext(si[6], 1) && si[6].constructed)) throw new DerError("malformed unsigned attributes");
  return {
    tstInfo: readTstInfo(eContent),
    eContent,
    certificates,
    sid,
    digestHash,
    signatureAlgorithm: { oid: readOid(sigOid), params: sigParams },
    signature,
    signedAttributes,
    messageDigest,
    essCertIds,
  };
}
