/**
 * Exporting a licence as an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc) for wallets: the same claims
 * and the same disclosures, re-signed by the issuing department under the header an SD-JWT VC
 * needs.
 *
 * - `typ: dc+sd-jwt` (draft §3.2.1; the older `vc+sd-jwt` is not used) — the licence's own `typ`
 *   cannot stay, so the issuer-signed JWT is signed again by the department that issued it (the
 *   export checks that the licence carries that department's valid signature first).
 * - `vct` (§3.2.2.1.1): the credential type, by default `urn:elicence:licence-type:<type code>`.
 * - `iss` stays the department's unified social credit code: a StringOrURI (RFC 7519 §2) and
 *   optional in the current drafts; the Verifier gets the key from `x5c` (§3.5 leaves key
 *   resolution to the ecosystem; a wallet is handed the department chain or finds it in the trust
 *   list), so the header carries the chain, leaf first, besides `x5t#S256`.
 * - `cnf`, `status`, `iat`, `nbf`, `exp` and `vct` are plain claims, never selectively disclosable
 *   (§3.2.2.2), which the licence already guarantees.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { LicenceError } from "../errors/errors.js";
import { isJsonObject, parseStrictJsonUtf8 } from "../encoding/json.js";
import { parseCompactJws, DEFAULT_JWS_LIMITS } from "../jws/jws.js";
import type { IssuingContext } from "./issue.js";
import { LICENCE_TYP } from "./model.js";
import { splitSdJwt, sdJwtText } from "./presentation.js";

/** The `typ` of an SD-JWT VC's issuer-signed JWT. */
export const SD_JWT_VC_TYP = "dc+sd-jwt";

/** Options of {@link exportSdJwtVc}. */
export interface ExportSdJwtVcOptions {
  /** The credential type (`vct`); `urn:elicence:licence-type:<type code>` when omitted. */
  readonly vct?: string;
}

/** The default `vct` of a licence type. */
export function defaultVct(typeCode: string): string {
  return `urn:elicence:licence-type:${typeCode}`;
}

function refuse(reason: string): LicenceError {
  return new LicenceError("ERR_JWS_INVALID", "The licence cannot be exported as an SD-JWT VC.", { details: { reason } });
}

/**
 * Exports a licence (compact form, with the disclosures to pass on) as an SD-JWT VC signed by the
 * department that issued it.
 *
 * @param licence - the compact licence `<jws>~<d>~…~`, signed by `context`'s department
 * @param context - the issuing department's signer and chain (as for `issueLicence`)
 * @param options - the `vct` to use
 * @returns the SD-JWT VC `<jws>~<d>~…~` (the same disclosures)
 * @throws LicenceError `ERR_JWS_INVALID` (not a licence, or not this department's), `ERR_SIGNATURE_INVALID`
 * @example
 * ```ts
 * const vc = await exportSdJwtVc(issued.compact, context);
 * ```
 */
export async function exportSdJwtVc(licence: string, context: IssuingContext, options: ExportSdJwtVcOptions = {}): Promise<string> {
  if (options.vct !== undefined && (typeof options.vct !== "string" || options.vct.length === 0 || options.vct.length > 2048)) {
    throw new TypeError("options.vct must be a string of 1 to 2048 characters.");
  }
  const parts = splitSdJwt(licence.trim());
  if (parts.keyBinding !== "") throw refuse("key-binding");
  const jws = parseCompactJws(parts.jws, { algorithms: [context.signer.alg] });
  if (jws.header.typ !== LICENCE_TYP) throw refuse("typ");
  if (jws.header["x5t#S256"] !== context.x5tS256) throw refuse("signer");
  // Only the department's own, genuine licence is re-signed: never sign claims someone else wrote.
  const key = await backend.importPublicKey(context.certificate.spki, context.signer.alg);
  if (!(await backend.verify(key, jws.signingInput, jws.signature))) throw new LicenceError("ERR_SIGNATURE_INVALID", "The signature is not valid.");
  const payload = parseStrictJsonUtf8(jws.payload, { maxLength: DEFAULT_JWS_LIMITS.maxLength });
  if (!isJsonObject(payload) || !isJsonObject(payload.licence) || !isJsonObject(payload.licence.type) || typeof payload.licence.type.code !== "string") throw refuse("payload");
  if (payload.vct !== undefined) throw refuse("vct");
  const vct = options.vct ?? defaultVct(payload.licence.type.code);
  const header = { alg: context.signer.alg, typ: SD_JWT_VC_TYP, "x5t#S256": context.x5tS256, x5c: context.x5c };
  const protectedB64 = backend.base64urlEncodeText(JSON.stringify(header));
  const payloadB64 = backend.base64urlEncodeText(JSON.stringify({ vct, ...payload }));
  const signature = await context.signer.sign(backend.asciiBytes(`${protectedB64}.${payloadB64}`));
  return sdJwtText({ jws: `${protectedB64}.${payloadB64}.${backend.base64urlEncode(signature)}`, disclosures: parts.disclosures });
}
