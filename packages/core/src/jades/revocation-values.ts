/**
 * The JAdES `rVals` unsigned property (ETSI TS 119 182-1 clause 5.3.5.2): the revocation values a
 * B-LT signature carries — `crlVals` (DER CRLs) and `ocspVals` (DER OCSPResponses, RFC 6960), each
 * a `PkiOb` `{ val }` holding standard base64 DER — and a collector that gathers them for a chain
 * through the caller's fetcher (core does no I/O).
 *
 * Read strictly: unknown members, empty arrays, an `encoding` other than the default DER, `otherVals`,
 * bad base64 or a value that does not parse as what its list says are errors, never skipped.
 *
 * @module
 */
import { encodeBase64, decodeBase64 } from "../encoding/base64.js";
import { isJsonObject } from "../encoding/json.js";
import { LicenceError } from "../errors/errors.js";
import type { Certificate } from "../x509/certificate.js";
import { MAX_CRL_BYTES, parseCrl } from "../revocation/crl.js";
import { MAX_OCSP_RESPONSE_BYTES, parseOcspResponse } from "../revocation/ocsp.js";
import { type RevocationFetcher, checkRevocationOptions, fetchEvidence } from "../revocation/check.js";

/** Revocation values, as DER: the shape `RevocationOptions` takes them in. */
export interface RevocationValues {
  readonly crls: readonly Uint8Array[];
  readonly ocspResponses: readonly Uint8Array[];
}

/** A `PkiOb` (clause 5.3.5.1): `val` is the standard base64 of the DER. */
export interface PkiOb {
  readonly val: string;
}

/** The `rVals` member as JSON. */
export interface RevocationValuesJson {
  readonly crlVals?: readonly PkiOb[];
  readonly ocspVals?: readonly PkiOb[];
}

/** Most values in each list. */
export const MAX_REVOCATION_VALUES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function invalid(reason: string): LicenceError {
  return new LicenceError("ERR_JWS_INVALID", "The signature's revocation values (rVals) are malformed or not supported.", { details: { reason } });
}

function checkList(list: readonly Uint8Array[] | undefined, name: string): readonly Uint8Array[] {
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.some((d) => !(d instanceof Uint8Array) || d.length === 0)) throw new TypeError(`${name} must list DER bytes.`);
  if (list.length > MAX_REVOCATION_VALUES) throw new TypeError(`${name} holds more than ${MAX_REVOCATION_VALUES} values.`);
  return list;
}

/**
 * Encodes revocation values as the `rVals` member (clause 5.3.5.2). Each value is checked to parse as
 * what its list says (a CRL, an OCSPResponse), so an archive never carries garbage.
 *
 * @param values - DER CRLs and OCSP responses (at least one in all)
 * @returns `{ crlVals?, ocspVals? }`, each entry `{ val }`
 * @throws TypeError when a list is not DER bytes or both are empty; LicenceError when a value does not parse
 * @example
 * ```ts
 * etsiU.push({ rVals: encodeRevocationValues({ crls: [crl], ocspResponses: [] }) });
 * ```
 */
export function encodeRevocationValues(values: RevocationValues): RevocationValuesJson {
  if (typeof values !== "object" || values === null) throw new TypeError("encodeRevocationValues needs { crls, ocspResponses }.");
  const crls = checkList(values.crls, "values.crls");
  const ocsp = checkList(values.ocspResponses, "values.ocspResponses");
  if (crls.length + ocsp.length === 0) throw new TypeError("rVals needs at least one revocation value.");
  crls.forEach((d) => parseCrl(d));
  ocsp.forEach((d) => parseOcspResponse(d));
  return {
    ...(crls.length ? { crlVals: crls.map((d) => ({ val: encodeBase64(d) })) } : {}),
    ...(ocsp.length ? { ocspVals: ocsp.map((d) => ({ val: encodeBase64(d) })) } : {}),
  };
}

function readList(value: unknown, name: "crlVals" | "ocspVals", limit: number, parse: (der: Uint8Array) => unknown): Uint8Array[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(name);
  if (value.length > MAX_REVOCATION_VALUES) throw invalid(`${name}-size`);
  return value.map((entry) => {
    if (!isJsonObject(entry)) throw invalid(name);
    const { val, encoding, ...rest } = entry;
    if (Object.keys(rest).length > 0 || typeof val !== "string") throw invalid(name);
    // PkiOb without `encoding` is DER, the only encoding read here.
    if (encoding !== undefined) throw invalid(`${name}-encoding`);
    if (val.length > Math.ceil(limit / 3) * 4 || val.length % 4 !== 0 || !BASE64.test(val)) throw invalid(name);
    const der = decodeBase64(val);
    if (der === null || der.length === 0) throw invalid(name);
    try {
      parse(der);
    } catch (err) {
      if (err instanceof LicenceError) throw invalid(`${name}-value`);
      throw err;
    }
    return der;
  });
}

/**
 * Reads the `rVals` member strictly (clause 5.3.5.2): an object with `crlVals` and/or `ocspVals`
 * (non-empty arrays of `{ val }`), nothing else; every value parses.
 *
 * @param value - the `rVals` member as parsed JSON
 * @returns the DER values, ready for `RevocationOptions`
 * @throws LicenceError `ERR_JWS_INVALID` with `details.reason` (`rVals`, `crlVals`, `ocspVals-value`, …)
 * @example
 * ```ts
 * const { crls, ocspResponses } = readRevocationValues(item.rVals);
 * await verifyLicence(archive, { ...options, revocation: { crls, ocspResponses } });
 * ```
 */
export function readRevocationValues(value: unknown): RevocationValues {
  if (!isJsonObject(value)) throw invalid("rVals");
  const { crlVals, ocspVals, ...rest } = value;
  // otherVals (clause 5.3.5.2) names no format we could check: refused, like any unknown member.
  if (Object.keys(rest).length > 0) throw invalid("rVals-member");
  if (crlVals === undefined && ocspVals === undefined) throw invalid("rVals");
  return {
    crls: crlVals === undefined ? [] : readList(crlVals, "crlVals", MAX_CRL_BYTES, parseCrl),
    ocspResponses: ocspVals === undefined ? [] : readList(ocspVals, "ocspVals", MAX_OCSP_RESPONSE_BYTES, parseOcspResponse),
  };
}

/** Options of {@link collectRevocationValues}. */
export interface CollectRevocationValuesOptions {
  /** The time the evidence must be current at (e.g. the signature timestamp's time). */
  readonly at: Date;
  /** How long evidence without `nextUpdate` stays current, in seconds (default 0). */
  readonly maxAgeSeconds?: number;
}

/**
 * Collects revocation values for every certificate of a chain but its anchor, from the locations
 * the certificates name (OCSP in AIA first, with a nonce; then CRL distribution points), through the
 * caller's fetcher. Each value is verified (issuer, signature, freshness at `options.at`) before it
 * is kept. Fail closed: a certificate for which no valid evidence can be had is an error, never a
 * gap in the result. Evidence that says a certificate is revoked is kept (it is evidence too).
 *
 * @param chain - leaf first, trust anchor last (e.g. a validated path)
 * @param fetch - the caller's fetcher (`GET` a CRL, `POST` an OCSP request)
 * @param options - the time evidence must be current at
 * @returns the DER values, to encode with {@link encodeRevocationValues}
 * @throws LicenceError `ERR_UNAVAILABLE` (`details.index`; `details.reason`, the code of the evidence refused, else `EVIDENCE_UNAVAILABLE`)
 * @example
 * ```ts
 * const values = await collectRevocationValues(path, (r) => httpFetch(r), { at: timestampTime });
 * etsiU.push({ rVals: encodeRevocationValues(values) });
 * ```
 */
export async function collectRevocationValues(chain: readonly Certificate[], fetch: RevocationFetcher, options: CollectRevocationValuesOptions): Promise<RevocationValues> {
  if (!Array.isArray(chain) || chain.length < 2) throw new TypeError("collectRevocationValues needs a chain of at least a certificate and its issuer.");
  if (typeof fetch !== "function") throw new TypeError("collectRevocationValues needs a fetcher.");
  if (typeof options !== "object" || options === null || !(options.at instanceof Date)) throw new TypeError("options.at must be a valid Date.");
  const revocation = { fetch, at: options.at, ...(options.maxAgeSeconds !== undefined ? { maxAgeSeconds: options.maxAgeSeconds } : {}) };
  checkRevocationOptions(revocation);
  const crls: Uint8Array[] = [];
  const ocspResponses: Uint8Array[] = [];
  for (let index = 0; index < chain.length - 1; index++) {
    const fetched = await fetchEvidence(chain[index]!, chain[index + 1]!, fetch, revocation, options.at);
    if (fetched.evidence === undefined) {
      throw new LicenceError("ERR_UNAVAILABLE", "Revocation evidence for a certificate of the chain could not be collected.", {
        // The most telling problem: evidence that was had but refused, before a fetch that failed.
        details: { index, reason: (fetched.problems.find((p) => p.code !== "EVIDENCE_UNAVAILABLE") ?? fetched.problems[0])?.code ?? "EVIDENCE_UNAVAILABLE" },
      });
    }
    // One CRL often covers several certificates of the same issuer: keep each value once.
    const list = fetched.evidence.kind === "crl" ? crls : ocspResponses;
    if (!list.some((d) => d.length === fetched.evidence!.der.length && d.every((b, i) => b === fetched.evidence!.der[i]))) list.push(fetched.evidence.der);
  }
  return { crls, ocspResponses };
}
