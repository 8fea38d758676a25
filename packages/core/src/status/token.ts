/**
 * Status list tokens: the registry-signed JWT that publishes a {@link StatusList}
 * (draft-ietf-oauth-status-list), signed with a key the trust list names as a status-list service.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import type { JwsAlgorithm } from "../crypto/algorithms.js";
import { LicenceError } from "../errors/errors.js";
import { DOCUMENT_CLOCK_SKEW_MS } from "../trust/clock-skew.js";
import { parseStrictJsonUtf8 } from "../encoding/json.js";
import { parseCompactJws, signJws, toCompact, type Signer } from "../jws/jws.js";
import { decodeBase64, encodeBase64 } from "../encoding/base64.js";
import type { TrustList } from "../trust/trust-list.js";
import { parseCertificate } from "../x509/index.js";
import { StatusList, buildStatusListPayload, parseStatusListPayload } from "./index.js";

/** The JWS `typ` of a status list token (draft-ietf-oauth-status-list). */
export const STATUS_LIST_TYP = "statuslist+jwt";

/** A status list whose token was verified. */
export interface VerifiedStatusList {
  readonly uri: string;
  readonly list: StatusList;
  readonly issuedAt: Date;
  readonly expiresAt?: Date;
  /** The reason list, when the token has one (see `LICENCE_END_REASON_VALUES`). */
  readonly reasons?: StatusList;
}

/** Options of {@link verifyStatusListToken}. */
export interface VerifyStatusListOptions {
  readonly trustList: TrustList;
  readonly at: Date;
  readonly algorithms: readonly JwsAlgorithm[];
  /** The URI the licence names: the token's `sub` must be it. */
  readonly uri?: string;
}

/** Why a status list token was refused: the `details.reason` of `ERR_STATUS_LIST_INVALID` it throws. */
export type StatusListTokenFailureReason = "typ" | "x5c" | "signer" | "algorithm" | "signature" | "not-yet-valid" | "stale" | "signer-expired" | "uri" | "reasons";

function invalid(reason: StatusListTokenFailureReason): LicenceError {
  return new LicenceError("ERR_STATUS_LIST_INVALID", "The status list is not valid.", { details: { reason } });
}

/**
 * Verifies a status list token: signed by a status-list service certificate of the trust list,
 * current at `at` (issued before it, up to {@link DOCUMENT_CLOCK_SKEW_MS}; not expired), and about
 * the expected URI.
 *
 * @param token - the compact JWT
 * @param options - trust list, time, algorithms and the expected URI
 * @throws LicenceError `ERR_STATUS_LIST_INVALID` with `details.reason` (`stale`, `signer`, …)
 * @example
 * ```ts
 * const status = await verifyStatusListToken(token, { trustList, at: new Date(), algorithms: ["ES256"] });
 * ```
 */
export async function verifyStatusListToken(token: string, options: VerifyStatusListOptions): Promise<VerifiedStatusList> {
  const jws = parseCompactJws(token.trim(), { algorithms: options.algorithms, maxLength: 32 * 1024 * 1024 });
  if (jws.header.typ !== STATUS_LIST_TYP) throw invalid("typ");
  const x5c = jws.header.x5c;
  if (!Array.isArray(x5c) || x5c.length < 1 || typeof x5c[0] !== "string") throw invalid("x5c");
  const der = decodeBase64(x5c[0]);
  if (!der) throw invalid("x5c");
  const cert = options.trustList.serviceCertificate("status-list", backend.sha256(der));
  if (!cert) throw invalid("signer");
  if (cert.publicKeyAlgorithm !== jws.header.alg) throw invalid("algorithm");
  const key = await backend.importPublicKey(cert.spki, jws.header.alg);
  if (!(await backend.verify(key, jws.signingInput, jws.signature))) throw invalid("signature");
  const payload = parseStatusListPayload(parseStrictJsonUtf8(jws.payload, { maxLength: 32 * 1024 * 1024 }));
  const t = options.at.getTime();
  const issuedAt = new Date(payload.iat * 1000);
  if (issuedAt.getTime() > t + DOCUMENT_CLOCK_SKEW_MS) throw invalid("not-yet-valid");
  if (payload.exp !== undefined && payload.exp * 1000 < t) throw invalid("stale");
  if (t < cert.notBefore.getTime() || t > cert.notAfter.getTime()) throw invalid("signer-expired");
  if (options.uri !== undefined && payload.sub !== options.uri) throw invalid("uri");
  const list = StatusList.fromJSON(payload.status_list);
  const reasons = payload.elicence_reasons === undefined ? undefined : StatusList.fromJSON(payload.elicence_reasons);
  // The reason list is read by the main list's indices: it must be exactly as long.
  if (reasons && reasons.size !== list.size) throw invalid("reasons");
  return { uri: payload.sub, list, issuedAt, ...(payload.exp !== undefined ? { expiresAt: new Date(payload.exp * 1000) } : {}), ...(reasons ? { reasons } : {}) };
}

/** Options of {@link signStatusListToken}. */
export interface SignStatusListOptions {
  readonly uri: string;
  readonly list: StatusList;
  readonly issuedAt: Date;
  readonly expiresAt?: Date;
  /** Why each licence marked INVALID ended (2 bits, as long as `list`). */
  readonly reasons?: StatusList;
  /** Seconds a verifier may cache the token. */
  readonly ttl?: number;
  readonly signer: Signer;
  /** The status-list service certificate chain, leaf first. */
  readonly certificateChain: readonly (string | Uint8Array)[];
}

/**
 * Signs a status list as a status list token.
 *
 * @param options - the list, its URI and times, the signer and its chain
 * @example
 * ```ts
 * const token = await signStatusListToken({ uri, list, issuedAt: new Date(), signer, certificateChain: [pem] });
 * ```
 */
export async function signStatusListToken(options: SignStatusListOptions): Promise<string> {
  const chain = options.certificateChain.map((c) => parseCertificate(c));
  const header = {
    alg: options.signer.alg,
    typ: STATUS_LIST_TYP,
    "x5t#S256": backend.base64urlEncode(chain[0]!.sha256),
    x5c: chain.map((c) => encodeBase64(c.der)),
  };
  const payload = buildStatusListPayload({
    uri: options.uri,
    list: options.list,
    issuedAt: options.issuedAt,
    ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
    ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
    ...(options.reasons !== undefined ? { reasons: options.reasons } : {}),
  });
  return toCompact(await signJws(header, new TextEncoder().encode(JSON.stringify(payload)), options.signer));
}
