/**
 * Test-only RFC 3161 token builder with knobs for every hostile variant (core's DER writer, WebCrypto
 * ECDSA P-256 keys from the x509 fixtures). The positive interop oracle is OpenSSL (`openssl ts -reply`).
 */
import { concatBytes } from "../../src/encoding/bytes.js";
import { encodeInteger, encodeOctetString, encodeOid, encodeSequence, encodeTlv } from "../../src/encoding/der-write.js";
import { parseCertificate } from "../../src/x509/certificate.js";
import type { Issued } from "../x509/fixtures.js";
import { createHash } from "node:crypto";

const sha256 = (d: Uint8Array) => new Uint8Array(createHash("sha256").update(d).digest());
const set = (...items: Uint8Array[]) => encodeTlv(0x31, concatBytes(items));
const ctx = (n: number, content: Uint8Array, constructed = true) => encodeTlv((constructed ? 0xa0 : 0x80) | n, content);
const SHA256_ALG = encodeSequence(encodeOid("2.16.840.1.101.3.4.2.1"));

export interface TokenKnobs {
  readonly data: Uint8Array;
  readonly tsa: Issued;
  /** Certificates to carry (default: the TSA's). */
  readonly carry?: readonly Uint8Array[];
  readonly genTime?: string;
  readonly nonce?: Uint8Array;
  /** Sign with another key (a wrong signer). */
  readonly signWith?: Issued;
  /** Certificate the ESS attribute names (default: the TSA's). */
  readonly essCert?: Uint8Array;
  /** Number of SignerInfos (duplicates of the one). */
  readonly signerInfos?: number;
  /** Replace the message-digest attribute's value. */
  readonly messageDigest?: Uint8Array;
  /** Leave the signing-certificate-v2 attribute out. */
  readonly noEss?: boolean;
  /** Content type OID in the content-type attribute. */
  readonly contentType?: string;
  /** Corrupt the signature. */
  readonly badSignature?: boolean;
}

function p1363ToDer(sig: Uint8Array): Uint8Array {
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const t = b.subarray(i);
    return encodeTlv(0x02, t[0]! >= 0x80 ? concatBytes([Uint8Array.of(0), t]) : t);
  };
  return encodeSequence(int(sig.subarray(0, 32)), int(sig.subarray(32)));
}

function attribute(oid: string, value: Uint8Array): Uint8Array {
  return encodeSequence(encodeOid(oid), set(value));
}

/** Builds a TimeStampToken (ContentInfo) per the knobs. */
export async function buildToken(k: TokenKnobs): Promise<Uint8Array> {
  const tsaCert = parseCertificate(k.tsa.der);
  const tst = encodeSequence(
    encodeInteger(1),
    encodeOid("1.3.6.1.4.1.55555.2.1"),
    encodeSequence(SHA256_ALG, encodeOctetString(sha256(k.data))),
    encodeInteger(4242),
    encodeTlv(0x18, new TextEncoder().encode(k.genTime ?? "20250601000000.5Z")),
    ...(k.nonce ? [encodeTlv(0x02, k.nonce)] : []),
  );
  const essCertId = encodeSequence(encodeOctetString(sha256(k.essCert ?? k.tsa.der)));
  const attrs = [
    attribute("1.2.840.113549.1.9.3", encodeOid(k.contentType ?? "1.2.840.113549.1.9.16.1.4")),
    attribute("1.2.840.113549.1.9.4", encodeOctetString(k.messageDigest ?? sha256(tst))),
    ...(k.noEss ? [] : [attribute("1.2.840.113549.1.9.16.2.47", encodeSequence(encodeSequence(essCertId)))]),
  ];
  const signedSet = set(...attrs);
  const signer = k.signWith ?? k.tsa;
  let sig = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, signer.key.keys.privateKey, signedSet.slice().buffer));
  if (k.badSignature) sig[5]! ^= 1;
  const sid = encodeSequence(tsaCert.issuerName.der, encodeTlv(0x02, hexToBytes(tsaCert.serialNumber)));
  const signedAttrs = signedSet.slice();
  signedAttrs[0] = 0xa0;
  const signerInfo = encodeSequence(encodeInteger(1), sid, SHA256_ALG, signedAttrs, encodeSequence(encodeOid("1.2.840.10045.4.3.2")), encodeOctetString(p1363ToDer(sig)));
  const signerInfos = set(...Array.from({ length: k.signerInfos ?? 1 }, () => signerInfo));
  const carry = k.carry ?? [k.tsa.der];
  const signedData = encodeSequence(
    encodeInteger(3),
    set(SHA256_ALG),
    encodeSequence(encodeOid("1.2.840.113549.1.9.16.1.4"), ctx(0, encodeOctetString(tst))),
    ...(carry.length ? [ctx(0, concatBytes([...carry]))] : []),
    signerInfos,
  );
  return encodeSequence(encodeOid("1.2.840.113549.1.7.2"), ctx(0, signedData));
}

function hexToBytes(hex: string): Uint8Array {
  const h = hex.length % 2 ? `0${hex}` : hex;
  const out = Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));
  return out[0]! >= 0x80 ? concatBytes([Uint8Array.of(0), out]) : out;
}
