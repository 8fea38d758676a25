/**
 * A development time-stamping authority (RFC 3161): it answers a TimeStampReq with a TimeStampResp
 * whose token is CMS SignedData over a TSTInfo, signed with ESS signing-certificate-v2 (RFC 5816)
 * naming its certificate. Core reads the request strictly; the token is written with core's DER
 * writer around parts encoded once per TSA (`tsa-token.ts`), and signed by core (its synchronous
 * signer on Node): about one signature's cost per token.
 *
 * For development and for deployments that run their own TSA; its certificate comes from
 * {@link createTsaCertificate}. The clock is the caller's (a TSA's time is its whole value: in
 * production it is a disciplined clock, not a laptop's).
 *
 * @module
 */
import { type JwsAlgorithm, LicenceError } from "@elicence/core";
import { createKeySigner, type Signer } from "@elicence/core/jws";
import { decodePem, encodeSequence, encodeTlv } from "@elicence/core/encoding";
import { parseCertificate } from "@elicence/core/x509";
import { randomBytes } from "@elicence/core/keys";
import { MAX_TIMESTAMP_REQUEST_BYTES as CORE_MAX_REQUEST, parseTimestampRequest } from "@elicence/core/timestamp";
import { ELICENCE_OID_ARC } from "./oids.js";
import { TSA_OID } from "./tsa-oids.js";
import { createPkijsTokenWriter } from "./tsa-pkijs.js";
import { createTokenWriter } from "./tsa-token.js";

/** The placeholder TSA policy OID (under the placeholder arc; replace before production). */
export const DEV_TSA_POLICY = `${ELICENCE_OID_ARC}.2.1`;

/** Largest TimeStampReq accepted, in bytes (a request is about 60 bytes; extensions make it more). */
export const MAX_TIMESTAMP_REQUEST_BYTES: number = CORE_MAX_REQUEST;

/** Options of {@link createTimestampAuthority}. */
export interface TimestampAuthorityOptions {
  /** The TSA certificate, PEM (critical extendedKeyUsage id-kp-timeStamping). */
  readonly certificatePem: string;
  /** Its private key, PKCS#8 DER (decrypted). */
  readonly privateKeyPkcs8: Uint8Array;
  /** The key's algorithm: ES256, ES384, EdDSA or SM2SM3 (SM2 signatures under the default distinguishing identifier, GM/T 0009-2012 §10). */
  readonly alg: JwsAlgorithm;
  /** CA certificates (PEM) to include after the TSA certificate when a request asks for certificates. */
  readonly chainPem?: readonly string[];
  /** The TSA policy OID put in every token; default {@link DEV_TSA_POLICY}. */
  readonly policy?: string;
  /** The TSA's clock; default the system clock. */
  readonly clock?: () => Date;
  /**
   * How tokens are written: `der` (default) encodes the constant parts once and each token with
   * core's DER writer; `pkijs` rebuilds each token with pkijs (the slower reference writer, kept to
   * cross-check the other). Both write the same structure.
   */
  readonly encoder?: "der" | "pkijs";
}

/** A running development TSA. */
export interface TimestampAuthority {
  /** The TSA certificate, DER. */
  readonly certificateDer: Uint8Array;
  /**
   * Answers one DER TimeStampReq with a DER TimeStampResp: `granted` with a token, or `rejection`
   * with failInfo `badAlg` (hash not SHA-256/384/512 or SM3), `unacceptedPolicy` (another policy asked) or
   * `unacceptedExtension` (any request extension).
   *
   * @throws LicenceError `ERR_INPUT_TOO_LARGE` or `ERR_INPUT_MALFORMED` when the request is not a TimeStampReq at all
   */
  respond(request: Uint8Array): Promise<Uint8Array>;
}

/** PKIFailureInfo bits (RFC 3161 §2.4.2). */
const FAIL_BAD_ALG = 0;
const FAIL_UNACCEPTED_POLICY = 15;
const FAIL_UNACCEPTED_EXTENSION = 16;
/** TimeStampResp { status PKIStatusInfo { granted } } before the token (RFC 3161 §2.4.2). */
const GRANTED = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00);

/** Rejects with a PKIStatusInfo `rejection` (2) and one failInfo bit (RFC 3161 §2.4.2). */
function rejection(bit: number): Uint8Array {
  // A named BIT STRING in DER has no trailing zero bits (X.690 §11.2.2).
  const bits = new Uint8Array(Math.floor(bit / 8) + 2);
  bits[0] = 7 - (bit % 8);
  bits[1 + Math.floor(bit / 8)] = 0x80 >> bit % 8;
  return encodeSequence(encodeSequence(Uint8Array.of(0x02, 0x01, 0x02), encodeTlv(0x03, bits)));
}

/**
 * Starts a development TSA with its certificate and key.
 *
 * @param options - certificate, key, algorithm, chain, policy, clock
 * @returns the TSA (`respond` answers TimeStampReq DER with TimeStampResp DER)
 * @throws TypeError for an unsupported algorithm; LicenceError `ERR_KEY_INVALID` when the key cannot be used
 * @example
 * ```ts
 * const tsaCert = await createTsaCertificate({ issuer: root, commonName: "eLicence Dev TSA", notBefore });
 * const tsa = await createTimestampAuthority({ certificatePem: tsaCert.certificatePem, privateKeyPkcs8: tsaCert.privateKeyPkcs8, alg: "ES256" });
 * const reply = await tsa.respond(requestDer);
 * ```
 */
export async function createTimestampAuthority(options: TimestampAuthorityOptions): Promise<TimestampAuthority> {
  if (TSA_OID.signature[options.alg] === undefined) throw new TypeError("The development TSA signs with ES256, ES384, EdDSA or SM2SM3.");
  const policy = options.policy ?? DEV_TSA_POLICY;
  const clock = options.clock ?? (() => new Date());
  const certificateDer = decodePem(options.certificatePem);
  const tsa = parseCertificate(certificateDer);
  if (tsa.publicKeyAlgorithm !== options.alg) throw new TypeError("The TSA key's algorithm is not options.alg.");
  let signer: Signer;
  try {
    signer = await createKeySigner(options.privateKeyPkcs8, options.alg);
  } catch (cause) {
    throw new LicenceError("ERR_KEY_INVALID", "The TSA's private key cannot be used.", { cause });
  }
  const init = { certificateDer, chainDer: (options.chainPem ?? []).map((pem) => decodePem(pem)), alg: options.alg, signer, policy };
  const write = options.encoder === "pkijs" ? createPkijsTokenWriter(init) : createTokenWriter(init);

  async function respond(der: Uint8Array): Promise<Uint8Array> {
    const request = parseTimestampRequest(der);
    if (request.hash === undefined) return rejection(FAIL_BAD_ALG);
    if (request.policy !== undefined && request.policy !== policy) return rejection(FAIL_UNACCEPTED_POLICY);
    // RFC 3161 §2.4.1: an extension the TSA does not recognise, critical or not, is refused.
    if (request.hasExtensions) return rejection(FAIL_UNACCEPTED_EXTENSION);
    const serial = randomBytes(16);
    serial[0] = (serial[0]! & 0x7f) | 0x01;
    const token = await write(request, serial, clock());
    return encodeSequence(GRANTED, token);
  }

  return { certificateDer: certificateDer.slice(), respond };
}

