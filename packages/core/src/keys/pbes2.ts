/**
 * ASN.1 of PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3) protected with PBES2 (RFC 8018 §6.2):
 * PBKDF2 with an HMAC-SHA-1 or HMAC-SHA-256 PRF, and AES-CBC (RFC 3565 OIDs). Nothing else is read.
 * Read with the strict DER reader (`encoding/der.ts`), written with `encoding/der-write.ts`.
 *
 * @module
 */
import {
  CLASS_CONTEXT,
  DerError,
  type DerNode,
  decodeDer,
  isUniversal,
  readInteger,
  readNull,
  readOctetString,
  readOid,
  readSequence,
  TAG,
} from "../encoding/der.js";
import { encodeInteger, encodeNull, encodeOctetString, encodeOid, encodeSequence } from "../encoding/der-write.js";
import { LicenceError } from "../errors/errors.js";

/** Object identifiers of the schemes we read and write. */
export const PBES2_OIDS = Object.freeze({
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacWithSHA1: "1.2.840.113549.2.7",
  hmacWithSHA256: "1.2.840.113549.2.9",
  aes128Cbc: "2.16.840.1.101.3.4.1.2",
  aes192Cbc: "2.16.840.1.101.3.4.1.22",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
});

const PRF_BY_OID: ReadonlyMap<string, Pbes2Params["prf"]> = new Map([
  [PBES2_OIDS.hmacWithSHA1, "SHA-1"],
  [PBES2_OIDS.hmacWithSHA256, "SHA-256"],
] as const);

const AES_KEY_BYTES_BY_OID: ReadonlyMap<string, Pbes2Params["keyBytes"]> = new Map([
  [PBES2_OIDS.aes128Cbc, 16],
  [PBES2_OIDS.aes192Cbc, 24],
  [PBES2_OIDS.aes256Cbc, 32],
] as const);

const AES_OID_BY_KEY_BYTES: Readonly<Record<Pbes2Params["keyBytes"], string>> = {
  16: PBES2_OIDS.aes128Cbc,
  24: PBES2_OIDS.aes192Cbc,
  32: PBES2_OIDS.aes256Cbc,
};

/** PBES2 parameters, as read from or written to an EncryptedPrivateKeyInfo. */
export interface Pbes2Params {
  readonly salt: Uint8Array;
  /** PBKDF2 iteration count; `Infinity` when the encoded integer is too large to represent. */
  readonly iterations: number;
  /** The HMAC hash of PBKDF2 (WebCrypto name). */
  readonly prf: "SHA-1" | "SHA-256";
  /** AES key length in bytes (AES-128, -192 or -256, CBC mode). */
  readonly keyBytes: 16 | 24 | 32;
  /** The CBC initialisation vector (16 bytes). */
  readonly iv: Uint8Array;
}

/** A parsed EncryptedPrivateKeyInfo. */
export interface EncryptedPrivateKeyInfo {
  readonly params: Pbes2Params;
  readonly encryptedData: Uint8Array;
}

/** Limits on the parser: a key file is a few kilobytes, never deep. */
const DER_LIMITS = { maxDepth: 12, maxNodes: 64 } as const;
const MAX_KEY_FILE_BYTES = 1 << 16;
const MIN_SALT_BYTES = 8;
const MAX_SALT_BYTES = 64;

function malformed(): LicenceError {
  return new LicenceError("ERR_INPUT_MALFORMED", "The encrypted private key is not a well-formed PKCS#8 EncryptedPrivateKeyInfo.");
}

function unsupported(oid: string): LicenceError {
  return new LicenceError(
    "ERR_ALGORITHM_UNSUPPORTED",
    "The private key is encrypted with a scheme that is not supported; re-encrypt it with PBES2, PBKDF2 and AES-CBC.",
    { details: { oid: oid.slice(0, 64) } },
  );
}

/** Parses one complete DER value with the strict reader; `null` when it is malformed, has trailing bytes or is not DER. */
function parseDer(der: Uint8Array): DerNode | null {
  if (der.length > MAX_KEY_FILE_BYTES) return null;
  try {
    return decodeDer(new Uint8Array(der), DER_LIMITS);
  } catch (err) {
    if (err instanceof DerError) return null;
    throw err;
  }
}

/** Runs one typed read of the DER reader; its structure errors become `ERR_INPUT_MALFORMED`. */
function read<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof DerError) throw malformed();
    throw err;
  }
}

function sequence(node: DerNode | undefined, min: number, max: number): readonly DerNode[] {
  return read(() => readSequence(node, min, max));
}

function oid(node: DerNode | undefined): string {
  return read(() => readOid(node));
}

function octets(node: DerNode | undefined): Uint8Array {
  return read(() => readOctetString(node)).slice();
}

/** Reads a non-negative INTEGER; `Infinity` when it does not fit in 48 bits. */
function unsignedInteger(node: DerNode | undefined): number {
  const bytes = read(() => readInteger(node));
  if ((bytes[0]! & 0x80) !== 0) throw malformed();
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  if (bytes.length - start > 6) return Number.POSITIVE_INFINITY;
  let value = 0;
  for (let i = start; i < bytes.length; i++) value = value * 256 + bytes[i]!;
  return value;
}

/** An AlgorithmIdentifier's parameters must be absent or NULL. */
function absentOrNull(items: readonly DerNode[]): void {
  if (items.length === 2) read(() => readNull(items[1]));
}

function readPrf(node: DerNode | undefined): Pbes2Params["prf"] {
  const items = sequence(node, 1, 2);
  const prfOid = oid(items[0]);
  absentOrNull(items);
  const prf = PRF_BY_OID.get(prfOid);
  if (prf === undefined) throw unsupported(prfOid);
  return prf;
}

/**
 * Parses a DER EncryptedPrivateKeyInfo protected with PBES2.
 *
 * @param der - the DER bytes (untrusted)
 * @throws LicenceError `ERR_INPUT_MALFORMED` for bad structure, `ERR_ALGORITHM_UNSUPPORTED` for any
 *   scheme other than PBES2 / PBKDF2 (HMAC-SHA-1 or -SHA-256) / AES-CBC
 */
export function parseEncryptedPrivateKeyInfo(der: Uint8Array): EncryptedPrivateKeyInfo {
  const root = parseDer(der);
  if (root === null) throw malformed();
  const [algorithm, data] = sequence(root, 2, 2);
  const [schemeOid, schemeParams] = sequence(algorithm, 1, 2);
  const scheme = oid(schemeOid);
  if (scheme !== PBES2_OIDS.pbes2) throw unsupported(scheme);

  const [kdf, cipher] = sequence(schemeParams, 2, 2);
  const [kdfOid, kdfParams] = sequence(kdf, 2, 2);
  const kdfName = oid(kdfOid);
  if (kdfName !== PBES2_OIDS.pbkdf2) throw unsupported(kdfName);

  // PBKDF2-params ::= SEQUENCE { salt, iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1 }
  const kdfItems = sequence(kdfParams, 2, 4);
  const salt = octets(kdfItems[0]); // the otherSource alternative is reserved by RFC 8018: refused
  const iterations = unsignedInteger(kdfItems[1]);
  let optional = kdfItems.slice(2);
  let keyLength: number | undefined;
  if (isUniversal(optional[0], TAG.INTEGER)) {
    keyLength = unsignedInteger(optional[0]);
    optional = optional.slice(1);
  }
  if (optional.length > 1) throw malformed();
  const prf = optional.length === 1 ? readPrf(optional[0]) : "SHA-1";

  const [cipherOid, ivNode] = sequence(cipher, 2, 2);
  const cipherName = oid(cipherOid);
  const keyBytes = AES_KEY_BYTES_BY_OID.get(cipherName);
  if (keyBytes === undefined) throw unsupported(cipherName);
  if (keyLength !== undefined && keyLength !== keyBytes) throw malformed();
  const iv = octets(ivNode);
  if (iv.length !== 16) throw malformed();
  if (salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES) throw malformed();

  const encryptedData = octets(data);
  if (encryptedData.length === 0 || encryptedData.length % 16 !== 0) throw malformed();
  return { params: { salt, iterations, prf, keyBytes, iv }, encryptedData };
}

/**
 * Encodes an EncryptedPrivateKeyInfo (DER). The PRF is written with NULL parameters, as OpenSSL does.
 *
 * @param info - parameters and ciphertext
 */
export function encodeEncryptedPrivateKeyInfo(info: EncryptedPrivateKeyInfo): Uint8Array {
  const { salt, iterations, prf, keyBytes, iv } = info.params;
  const prfOid = prf === "SHA-256" ? PBES2_OIDS.hmacWithSHA256 : PBES2_OIDS.hmacWithSHA1;
  const pbkdf2Params = [encodeOctetString(salt), encodeInteger(iterations)];
  if (prf !== "SHA-1") pbkdf2Params.push(encodeSequence(encodeOid(prfOid), encodeNull()));
  return encodeSequence(
    encodeSequence(
      encodeOid(PBES2_OIDS.pbes2),
      encodeSequence(
        encodeSequence(encodeOid(PBES2_OIDS.pbkdf2), encodeSequence(...pbkdf2Params)),
        encodeSequence(encodeOid(AES_OID_BY_KEY_BYTES[keyBytes]), encodeOctetString(iv)),
      ),
    ),
    encodeOctetString(info.encryptedData),
  );
}

/**
 * True when `der` is a DER PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5958 §2): a SEQUENCE of
 * version 0 or 1, an AlgorithmIdentifier and an OCTET STRING, then optional tagged fields.
 *
 * @param der - candidate bytes
 */
export function isPrivateKeyInfo(der: Uint8Array): boolean {
  const root = parseDer(der) ?? undefined;
  if (!isUniversal(root, TAG.SEQUENCE)) return false;
  const items = root!.children;
  if (items.length < 3 || items.length > 5) return false;
  const [version, algorithm, key] = items;
  if (!isUniversal(version, TAG.INTEGER) || version!.content.length !== 1) return false;
  if (version!.content[0]! > 1) return false;
  if (!isUniversal(algorithm, TAG.SEQUENCE)) return false;
  const algItems = algorithm!.children;
  if (algItems.length < 1 || algItems.length > 2 || !isUniversal(algItems[0], TAG.OID)) return false;
  if (!isUniversal(key, TAG.OCTET_STRING) || key!.content.length === 0) return false;
  return items.slice(3).every((item) => item.cls === CLASS_CONTEXT);
}
