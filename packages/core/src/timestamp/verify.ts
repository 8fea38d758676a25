/**
 * Verifying an RFC 3161 time-stamp token: what it proves is that `data` existed at `genTime`,
 * according to a TSA whose certificate chains to an anchor the caller trusts.
 *
 * The steps, each with its failure code: the token is read strictly (CMS SignedData with exactly
 * one SignerInfo, content type id-ct-TSTInfo); the message imprint is the hash of `data`; the nonce
 * is the one sent (when the caller sent one); the message-digest attribute is the hash of the
 * TSTInfo; the signing certificate is the one ESS signing-certificate-v2 names (RFC 5035 §5.4,
 * RFC 5816) and the sid names; it carries the critical extendedKeyUsage id-kp-timeStamping and
 * nothing else (RFC 3161 §2.3); the signature over the DER SET of signed attributes verifies
 * (RFC 5652 §5.4); genTime lies within the TSA certificate's validity and not after `at`; the TSA's
 * path validates at `at` (RFC 5280 §6.1).
 *
 * @module
 */
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import { backend } from "../crypto/index.js";
import { bytesEqual } from "../encoding/bytes.js";
import { DerError } from "../encoding/der.js";
import { type Certificate, isCertificate } from "../x509/certificate.js";
import { type CertificateInput, type PathValidationCode, validateCertificatePath } from "../x509/path-validation.js";
import { backendSignature, parseSignatureAlgorithm, verificationAlgorithm, type SignatureScheme } from "../x509/signature.js";
import { OID_TSP, type TimestampHash } from "./oids.js";
import { MAX_TIMESTAMP_TOKEN_BYTES, type ParsedTimestampToken, parseTimestampToken } from "./token.js";
import { knownPath, pathKey, rememberPath, tokenCertificates, tsaPublicKey } from "./verify-cache.js";

/** Why a time-stamp token does not prove what it should. A closed set. */
export type TimestampFailureCode =
  /** Larger than {@link MAX_TIMESTAMP_TOKEN_BYTES}. */
  | "TOO_LARGE"
  /** Not a well-formed, supported TimeStampToken (see `reason`). */
  | "MALFORMED"
  /** The message imprint is not the hash of the data. */
  | "IMPRINT_MISMATCH"
  /** The nonce is not the one sent (or is missing). */
  | "NONCE_MISMATCH"
  /** The token is signed with an algorithm outside the caller's `algorithms`. */
  | "ALGORITHM_NOT_ALLOWED"
  /** The message-digest attribute is not the hash of the TSTInfo. */
  | "MESSAGE_DIGEST_MISMATCH"
  /** No certificate given or carried is the one ESS signing-certificate-v2 names. */
  | "TSA_CERTIFICATE_NOT_FOUND"
  /** The SignerInfo's sid or the ESS issuerSerial does not name the TSA certificate. */
  | "SIGNER_MISMATCH"
  /** The TSA certificate lacks the critical extendedKeyUsage with id-kp-timeStamping only. */
  | "TSA_EXTENDED_KEY_USAGE"
  /** The TSA certificate's keyUsage allows no signature. */
  | "TSA_KEY_USAGE"
  /** The signature algorithm or the TSA key is not supported. */
  | "ALGORITHM_UNSUPPORTED"
  /** The token's signature does not verify with the TSA certificate's key. */
  | "SIGNATURE_INVALID"
  /** genTime lies outside the TSA certificate's validity period. */
  | "GEN_TIME_OUTSIDE_TSA_VALIDITY"
  /** genTime is after the verification time. */
  | "GEN_TIME_IN_FUTURE"
  /** The TSA certificate's path does not validate at `at` (see `pathCode`). */
  | "TSA_PATH_INVALID";

/** Options of {@link verifyTimestampToken}. */
export interface TimestampVerificationOptions {
  /** The data the token must be over (its message imprint is the hash of these bytes). */
  readonly data: Uint8Array;
  /** The only certificates the TSA's path may end at. */
  readonly trustAnchors: readonly CertificateInput[];
  /** Other certificates that help build the TSA's path (the token's own are used too). */
  readonly intermediates?: readonly CertificateInput[];
  /** The time at which the TSA's certificate path is judged. */
  readonly at: Date;
  /** The nonce sent in the request (INTEGER content octets), when the caller sent one. */
  readonly nonce?: Uint8Array;
  /**
   * The signature algorithms the caller accepts from a TSA (e.g. `["ES256", "SM2SM3"]`); a token
   * signed with another is `ALGORITHM_NOT_ALLOWED`, whatever its validity. Default: every
   * algorithm this library verifies.
   */
  readonly algorithms?: readonly SignatureAlgorithm[];
}

/** The outcome of {@link verifyTimestampToken}. */
export type TimestampVerification =
  | {
      readonly ok: true;
      /** When the TSA says the data existed. */
      readonly genTime: Date;
      /** The TSA's certificate. */
      readonly tsa: Certificate;
      /** The TSA's validated path, TSA certificate first, anchor last. */
      readonly path: readonly Certificate[];
      /** The token's serial number (lowercase hex) and policy OID. */
      readonly serialNumber: string;
      readonly policy: string;
    }
  | {
      readonly ok: false;
      readonly code: TimestampFailureCode;
      /** A fixed sentence. */
      readonly reason: string;
      /** For `TSA_PATH_INVALID`: why the path failed. */
      readonly pathCode?: PathValidationCode;
    };

type Failure = Extract<TimestampVerification, { ok: false }>;

function failure(code: TimestampFailureCode, reason: string, pathCode?: PathValidationCode): Failure {
  return { ok: false, code, reason, ...(pathCode ? { pathCode } : {}) };
}

/** Hashes with a time-stamp hash. */
export function timestampHash(hash: TimestampHash, data: Uint8Array): Uint8Array {
  return hash === "SHA-256" ? backend.sha256(data) : hash === "SHA-384" ? backend.sha384(data) : hash === "SHA-512" ? backend.sha512(data) : backend.sm3(data);
}

/**
 * The scheme of a SignerInfo signatureAlgorithm. OpenSSL writes rsaEncryption with the digest
 * algorithm's hash; GM/T 0010-2012 §6.4 writes sm2-1 with SM3 as the digest algorithm. Either way
 * the hash comes from digestAlgorithm, so it must be one the scheme can use. SM3withSM2 names its
 * own hash (as OpenSSL's CMS and our TSA write it).
 */
function signerScheme(token: ParsedTimestampToken): SignatureScheme | undefined {
  const { oid, params } = token.signatureAlgorithm;
  const absentOrNull = params === undefined || (params.tag === 5 && params.content.length === 0 && params.cls === 0);
  if (oid === OID_TSP.rsaEncryption) return absentOrNull && token.digestHash !== "SM3" ? { kind: "rsa-pkcs1", hash: token.digestHash } : undefined;
  if (oid === OID_TSP.sm2Signature) return absentOrNull && token.digestHash === "SM3" ? { kind: "sm2", hash: "SM3" } : undefined;
  return parseSignatureAlgorithm(oid, params);
}

/** RFC 3161 §2.3: the TSA certificate has exactly one extendedKeyUsage, id-kp-timeStamping, marked critical. */
function checkTsaUsage(tsa: Certificate): Failure | undefined {
  const eku = tsa.extensions.filter((e) => e.oid === OID_TSP.extendedKeyUsage);
  const purposes = tsa.extendedKeyUsage;
  if (eku.length !== 1 || !eku[0]!.critical || purposes === undefined || purposes.length !== 1 || purposes[0] !== OID_TSP.timeStamping) {
    return failure("TSA_EXTENDED_KEY_USAGE", "The TSA certificate does not carry the critical extended key usage id-kp-timeStamping only.");
  }
  const ku = tsa.keyUsage;
  if (ku !== undefined && !ku.has("digitalSignature") && !ku.has("nonRepudiation")) {
    return failure("TSA_KEY_USAGE", "The TSA certificate's key usage does not allow signatures.");
  }
  return undefined;
}

function parseAll(inputs: readonly CertificateInput[]): Certificate[] {
  const out: Certificate[] = [];
  for (const input of inputs) {
    try {
      out.push(isCertificate(input) ? input : tokenCertificates.parse(input as string | Uint8Array));
    } catch {
      // An unparsable candidate is simply not the TSA certificate; path validation reports it if needed.
    }
  }
  return out;
}

/** Finds the certificate ESS signing-certificate-v2 names first, and checks that sid and issuerSerial name it too. */
function findTsaCertificate(token: ParsedTimestampToken, candidates: readonly Certificate[]): Certificate | Failure {
  const id = token.essCertIds[0]!;
  const tsa = candidates.find((c) => bytesEqual(timestampHash(id.hash, c.der), id.certHash));
  if (!tsa) return failure("TSA_CERTIFICATE_NOT_FOUND", "No certificate is the one the token's signing-certificate attribute names.");
  const sid = token.sid;
  const sidMatches =
    sid.kind === "key-id" ? tsa.subjectKeyIdentifier === sid.keyIdHex : sid.serialHex === tsa.serialNumber && sid.issuer.equals(tsa.issuerName);
  if (!sidMatches) return failure("SIGNER_MISMATCH", "The token's signer identifier does not name the TSA certificate.");
  if (id.issuerSerial) {
    const { serialHex, issuerNames } = id.issuerSerial;
    if (serialHex !== tsa.serialNumber || !issuerNames.some((n) => n.equals(tsa.issuerName))) {
      return failure("SIGNER_MISMATCH", "The signing-certificate attribute's issuer and serial do not name the TSA certificate.");
    }
  }
  return tsa;
}

async function checkSignature(token: ParsedTimestampToken, tsa: Certificate, allowed: readonly SignatureAlgorithm[] | undefined): Promise<Failure | undefined> {
  const scheme = signerScheme(token);
  const alg: SignatureAlgorithm | undefined = scheme && verificationAlgorithm(scheme, tsa.publicKeyInfo);
  if (!alg) {
    return failure("ALGORITHM_UNSUPPORTED", "The token's signature algorithm or the TSA key is not supported.");
  }
  if (allowed !== undefined && !allowed.includes(alg)) {
    return failure("ALGORITHM_NOT_ALLOWED", `The token is signed with ${alg}, which the caller does not accept.`);
  }
  // ECDSA and SM2 signatures are DER in CMS (RFC 5753 §7.2; GM/T 0010-2012 §8.2 SM2Signature); an SM2
  // signature is checked under the default distinguishing identifier (GM/T 0009-2012 §10).
  const signature = backendSignature(token.signature, alg);
  if (signature === undefined) return failure("SIGNATURE_INVALID", "The token's signature does not verify.");
  let valid: boolean;
  try {
    const key = await tsaPublicKey(tsa, alg);
    valid = await backend.verify(key, token.signedAttributes, signature);
  } catch {
    return failure("ALGORITHM_UNSUPPORTED", "The TSA certificate's key cannot be used.");
  }
  return valid ? undefined : failure("SIGNATURE_INVALID", "The token's signature does not verify.");
}

/**
 * Verifies an RFC 3161 TimeStampToken over `data`: the token's structure, message imprint, nonce,
 * signed attributes, the TSA certificate (critical id-kp-timeStamping only), the signature, and the
 * TSA's path to one of `trustAnchors` at `at`. Never throws for a bad token.
 *
 * @param token - the TimeStampToken, DER (a CMS ContentInfo)
 * @param options - the data, trust anchors, helpful intermediates, the time to judge the TSA's path at, the nonce sent
 * @returns `{ ok: true, genTime, tsa, path, … }` or `{ ok: false, code, reason }`
 * @throws TypeError when the options are misused
 * @example
 * ```ts
 * const result = await verifyTimestampToken(token, { data: signatureB64Bytes, trustAnchors: [root], at: new Date() });
 * if (result.ok) console.log("existed at", result.genTime);
 * ```
 */
export async function verifyTimestampToken(token: Uint8Array, options: TimestampVerificationOptions): Promise<TimestampVerification> {
  if (!(token instanceof Uint8Array)) throw new TypeError("The token must be a Uint8Array.");
  if (typeof options !== "object" || options === null || !(options.data instanceof Uint8Array)) throw new TypeError("options.data must be a Uint8Array.");
  if (!(options.at instanceof Date) || Number.isNaN(options.at.getTime())) throw new TypeError("options.at must be a valid Date.");
  if (!Array.isArray(options.trustAnchors)) throw new TypeError("options.trustAnchors must be an array.");
  if (options.nonce !== undefined && !(options.nonce instanceof Uint8Array)) throw new TypeError("options.nonce must be a Uint8Array.");
  if (options.algorithms !== undefined && !Array.isArray(options.algorithms)) throw new TypeError("options.algorithms must be an array.");
  if (token.length > MAX_TIMESTAMP_TOKEN_BYTES) return failure("TOO_LARGE", "The time-stamp token is larger than allowed.");
  let parsed: ParsedTimestampToken;
  try {
    parsed = parseTimestampToken(token);
  } catch (err) {
    if (err instanceof DerError) return failure("MALFORMED", "The time-stamp token is malformed or not supported.");
    throw err;
  }
  const { tstInfo } = parsed;
  if (!bytesEqual(timestampHash(tstInfo.imprintHash, options.data), tstInfo.hashedMessage)) {
    return failure("IMPRINT_MISMATCH", "The time-stamp is not over this data.");
  }
  if (options.nonce !== undefined && (tstInfo.nonce === undefined || !bytesEqual(tstInfo.nonce, options.nonce))) {
    return failure("NONCE_MISMATCH", "The time-stamp does not carry the nonce that was sent.");
  }
  if (!bytesEqual(timestampHash(parsed.digestHash, parsed.eContent), parsed.messageDigest)) {
    return failure("MESSAGE_DIGEST_MISMATCH", "The token's message-digest attribute does not match its content.");
  }
  let carried: Certificate[];
  try {
    carried = parsed.certificates.map((der) => tokenCertificates.parse(der));
  } catch {
    return failure("MALFORMED", "A certificate the token carries is malformed.");
  }
  const given = parseAll(options.intermediates ?? []);
  const found = findTsaCertificate(parsed, [...carried, ...given]);
  if ("ok" in found) return found;
  const tsa = found;
  const usage = checkTsaUsage(tsa);
  if (usage) return usage;
  const signature = await checkSignature(parsed, tsa, options.algorithms);
  if (signature) return signature;
  const genTime = tstInfo.genTime;
  if (genTime < tsa.notBefore.getTime() || genTime > tsa.notAfter.getTime()) {
    return failure("GEN_TIME_OUTSIDE_TSA_VALIDITY", "The time-stamp was made outside the TSA certificate's validity period.");
  }
  if (genTime > options.at.getTime()) return failure("GEN_TIME_IN_FUTURE", "The time-stamp's time is after the verification time.");
  // The same TSA, intermediates, anchors and time give the same path: validated once (verify-cache.ts).
  const intermediates = [...carried.filter((c) => c !== tsa), ...given.filter((c) => c !== tsa)];
  const key = pathKey(tsa, intermediates, options.trustAnchors, options.at);
  const path = knownPath(key) ?? (await validateCertificatePath({ leaf: tsa, intermediates, trustAnchors: options.trustAnchors, at: options.at, extendedKeyUsage: [OID_TSP.timeStamping] }));
  rememberPath(key, path);
  if (!path.ok) return failure("TSA_PATH_INVALID", "The TSA certificate's path is not valid at the verification time.", path.code);
  return { ok: true, genTime: new Date(genTime), tsa, path: path.path, serialNumber: tstInfo.serialHex, policy: tstInfo.policy };
}
