/**
 * Licences signed by one department with several keys — an SM2SM3 and an ES256 signature, so the
 * licence is accepted at home and by any JAdES verifier abroad. One payload (the same SD-JWT claims
 * and disclosures), one protected header per key. Two serialisations:
 *
 * - compact: one ordinary compact licence per signature (`<jws>~<disclosures>~`), each verifiable
 *   on its own by any eLicence verifier that allows its algorithm;
 * - archive: the JWS JSON general serialisation (RFC 7515 §7.2.1): `payload` and `signatures`, each
 *   signature with its protected header and the complete unprotected header of the single-signature
 *   archive form (`disclosures`, identical in every signature, and its own `etsiU` chain).
 *
 * Verification (ETSI EN 319 102-1 vocabulary): every signature present is verified, including
 * those whose algorithm the caller did not list (an invalid one must not hide behind the allow-list);
 * the licence PASSES only when every signature verifies and at least one is in the caller's
 * allow-list and PASSES all checks; any invalid signature FAILS it.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { certificateValues, encodeLicenceHeader, issueLicence, type IssuedLicence, type IssuingContext, type LicenceInput } from "./issue.js";
import { MAX_LICENCE_SIGNATURES, type ArchiveSignature, type MultiSignedArchive } from "./multi-signed-verify.js";

/** A licence signed with several keys of one department. */
export interface MultiSignedLicence {
  readonly id: string;
  /** The licence as the first context issued it (model, disclosures, its single-signature forms). */
  readonly first: IssuedLicence;
  /** One compact licence per signature, in the order of the contexts. */
  readonly compacts: readonly string[];
  /** The archive form (general serialisation). */
  readonly archive: MultiSignedArchive;
}

/**
 * Issues a licence signed with each context's key (same department, different certificates).
 *
 * @param contexts - two to four issuing contexts of one department (e.g. its SM2SM3 and ES256 keys)
 * @param input - the licence, as for `issueLicence`
 * @example
 * ```ts
 * const dual = await issueMultiSignedLicence([sm2Context, es256Context], input);
 * ```
 */
export async function issueMultiSignedLicence(contexts: readonly IssuingContext[], input: LicenceInput): Promise<MultiSignedLicence> {
  if (!Array.isArray(contexts) || contexts.length < 2 || contexts.length > MAX_LICENCE_SIGNATURES) throw new TypeError(`contexts must hold 2 to ${MAX_LICENCE_SIGNATURES} issuing contexts.`);
  const code = contexts[0]!.issuer.code;
  if (contexts.some((c) => c.issuer.code !== code)) throw new TypeError("Every context must be a certificate of the same department.");
  if (new Set(contexts.map((c) => c.x5tS256)).size !== contexts.length) throw new TypeError("Each context must have its own certificate.");
  const first = await issueLicence(contexts[0]!, input);
  const iat = (JSON.parse(new TextDecoder().decode(backend.base64urlDecode(first.archive.protected)!)) as { iat: number }).iat;
  const tail = first.compact.slice(first.jws.length);
  const signatures: ArchiveSignature[] = [{ protected: first.archive.protected, signature: first.archive.signature, header: first.archive.header }];
  const compacts = [first.compact];
  for (const context of contexts.slice(1)) {
    const protectedB64 = encodeLicenceHeader({ alg: context.signer.alg, x5tS256: context.x5tS256 }, iat);
    const signature = backend.base64urlEncode(await context.signer.sign(backend.asciiBytes(`${protectedB64}.${first.archive.payload}`)));
    signatures.push({ protected: protectedB64, signature, header: { disclosures: first.archive.header.disclosures, etsiU: [certificateValues(context.x5c)] } });
    compacts.push(`${protectedB64}.${first.archive.payload}.${signature}${tail}`);
  }
  return { id: first.id, first, compacts, archive: { payload: first.archive.payload, signatures } };
}

