/**
 * Issuing a licence: an SD-JWT whose fields are plain claims or disclosures by their sharing class,
 * signed as a JAdES baseline B-B JWS, in compact and archive (flattened JSON) form. The compact form
 * names its signing certificate by digest only; the archive form carries the chain (`etsiU` → `xVals`).
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { LicenceError, type ValidationIssue } from "../errors/errors.js";
import { checkLicenceFields, type LicenceType, type ValidityTerm } from "../catalogue/licence-type.js";
import { buildLicenceId, isValidUscc, validateHolderId } from "../identifiers/index.js";
import type { Signer } from "../jws/jws.js";
import { SD_ALG, createDisclosures, type Disclosure } from "../sdjwt/disclosure.js";
import { parseCertificate, type Certificate } from "../x509/index.js";
import { encodeBase64 } from "../encoding/base64.js";
import { LICENCE_TYP, fromEpochSeconds, toEpochSeconds, type Holder, type Licence, type LicenceIssuerInfo, type StatusReference } from "./model.js";
import type { ShareClass } from "../catalogue/licence-type.js";
import { importHolderKey, parseHolderJwk, type HolderPublicJwk } from "./holder-key.js";

/** A signer bound to its certificate chain and the department the leaf certificate names. */
export interface IssuingContext {
  readonly signer: Signer;
  /** The department, as its signing certificate names it (organizationIdentifier = USCC). */
  readonly issuer: LicenceIssuerInfo;
  readonly certificate: Certificate;
  /** The chain, leaf first, as standard base64 DER (the archive form's `xVals`). */
  readonly x5c: readonly string[];
  /** base64url SHA-256 of the leaf certificate (the JWS `x5t#S256` member). */
  readonly x5tS256: string;
}

/** Options of {@link createIssuingContext}. */
export interface IssuingContextOptions {
  readonly signer: Signer;
  /** The department's certificate chain, leaf first (PEM or DER); the root may be left out. */
  readonly certificateChain: readonly (string | Uint8Array)[];
}

/**
 * Binds a signer to its certificate chain, checking that the leaf certificate is a department
 * signing certificate (not a CA; digitalSignature and nonRepudiation; a USCC as organizationIdentifier)
 * and that the signer's key is the certificate's.
 *
 * @param options - the signer and the chain
 * @throws LicenceError `ERR_CERTIFICATE_INVALID` or `ERR_KEY_INVALID`
 * @example
 * ```ts
 * const context = await createIssuingContext({ signer, certificateChain: [leafPem, caPem] });
 * ```
 */
export async function createIssuingContext(options: IssuingContextOptions): Promise<IssuingContext> {
  const { signer, certificateChain } = options;
  if (certificateChain.length === 0) throw new TypeError("The certificate chain must hold the signing certificate.");
  const chain = certificateChain.map((c) => parseCertificate(c));
  const leaf = chain[0]!;
  const problems: string[] = [];
  if (leaf.basicConstraints?.ca) problems.push("ca");
  if (!leaf.keyUsage?.has("digitalSignature") || !leaf.keyUsage.has("nonRepudiation")) problems.push("key-usage");
  const code = leaf.organizationIdentifier;
  if (!code) problems.push("organization-identifier");
  else if (!isValidUscc(code)) {
    throw new LicenceError("ERR_IDENTIFIER_INVALID", "The signing certificate's department code is not a valid unified social credit code.", {
      details: { reason: "issuer-code" },
    });
  }
  if (leaf.publicKeyAlgorithm !== signer.alg) problems.push("algorithm");
  if (problems.length > 0) {
    throw new LicenceError("ERR_CERTIFICATE_INVALID", "The certificate is not a department signing certificate for this signer.", {
      details: { reason: problems.join(",") },
    });
  }
  // Prove the signer holds the certificate's key before signing anything with it.
  const probe = backend.randomBytes(32);
  const publicKey = await backend.importPublicKey(leaf.spki, signer.alg);
  if (!(await backend.verify(publicKey, probe, await signer.sign(probe)))) {
    throw new LicenceError("ERR_KEY_INVALID", "The signer's key is not the certificate's key.");
  }
  return {
    signer,
    issuer: { name: leaf.organizationName ?? leaf.commonName ?? code!, code: code! },
    certificate: leaf,
    x5c: chain.map((c) => encodeBase64(c.der)),
    x5tS256: backend.base64urlEncode(leaf.sha256),
  };
}

/** What the issuing department supplies for one licence. */
export interface LicenceInput {
  readonly type: LicenceType;
  readonly holder: Holder;
  /** Surface fields, checked against the type. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Issuer-assigned serial (see `buildLicenceId`). */
  readonly serial: string;
  /** 证照编号 as printed; the serial when omitted. */
  readonly number?: string;
  /** Version of this licence, from 1 (amendments raise it). */
  readonly version?: number;
  readonly supersedes?: string;
  /** The signing time (JAdES claimed signing time); required, never the wall clock. */
  readonly issuedAt: Date;
  /** Start of validity; `issuedAt` when omitted. */
  readonly validFrom?: Date;
  /** End of validity; from the type's validity term when omitted, `null` for none. */
  readonly validUntil?: Date | null;
  readonly status?: StatusReference;
  /** Decoy digests to add to `_sd` so the number of withheld fields does not show (default 0). */
  readonly decoys?: number;
  /**
   * The holder's public key, for a type with `holderBinding` (required there, refused elsewhere):
   * signed as `cnf: { jwk }` (RFC 7800 §3.2), never selectively disclosable.
   */
  readonly holderKey?: HolderPublicJwk;
}

/** A disclosure with the sharing class of its field. */
export interface IssuedDisclosure extends Disclosure {
  readonly share: ShareClass;
}

/** An issued licence in every form the registry and the holder need. */
export interface IssuedLicence {
  readonly id: string;
  /** The full licence model (all fields). */
  readonly licence: Licence;
  /** The issuer-signed JWS alone (no disclosures). */
  readonly jws: string;
  /** Compact SD-JWT with every disclosure: `<jws>~<d1>~…~`. */
  readonly compact: string;
  /** Archive form: flattened JWS JSON with the disclosures in the unprotected header. */
  readonly archive: ArchiveLicence;
  readonly disclosures: readonly IssuedDisclosure[];
}

/** The archive (flattened JWS JSON) form of a licence. */
export interface ArchiveLicence {
  readonly protected: string;
  readonly payload: string;
  readonly signature: string;
  readonly header: { readonly disclosures: readonly string[]; readonly etsiU?: readonly unknown[] };
}

/** Adds a validity term to a date, in UTC calendar arithmetic. */
export function addValidityTerm(from: Date, term: ValidityTerm): Date {
  const d = new Date(from.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + (term.years ?? 0), d.getUTCMonth() + (term.months ?? 0), d.getUTCDate() + (term.days ?? 0));
  return d;
}

function checkInput(context: IssuingContext, input: LicenceInput): ValidationIssue[] {
  const { type, holder } = input;
  const issues = checkLicenceFields(type, input.fields);
  if (holder.kind !== type.holderKind) issues.push({ path: ["holder", "kind"], message: "must be the licence type's holder kind" });
  if (typeof holder.name !== "string" || holder.name.length === 0 || holder.name.length > 256) issues.push({ path: ["holder", "name"], message: "must be 1 to 256 characters" });
  const holderId = validateHolderId(holder.idType, holder.idNumber);
  if (!holderId.ok) issues.push({ path: ["holder", "idNumber"], message: `is not a valid holder code (${holderId.reason})` });
  if (!(input.issuedAt instanceof Date) || Number.isNaN(input.issuedAt.getTime())) issues.push({ path: ["issuedAt"], message: "must be a valid date" });
  if (input.validFrom && Number.isNaN(input.validFrom.getTime())) issues.push({ path: ["validFrom"], message: "must be a valid date" });
  if (input.validUntil && Number.isNaN(input.validUntil.getTime())) issues.push({ path: ["validUntil"], message: "must be a valid date" });
  const version = input.version ?? 1;
  if (!Number.isInteger(version) || version < 1 || version > 999) issues.push({ path: ["version"], message: "must be an integer from 1 to 999" });
  if (input.status && (!Number.isSafeInteger(input.status.idx) || input.status.idx < 0 || typeof input.status.uri !== "string" || input.status.uri.length === 0)) {
    issues.push({ path: ["status"], message: "must have a URI and a non-negative index" });
  }
  if (input.number !== undefined && (typeof input.number !== "string" || input.number.length === 0 || input.number.length > 128)) {
    issues.push({ path: ["number"], message: "must be 1 to 128 characters" });
  }
  if (type.holderBinding === true && input.holderKey === undefined) issues.push({ path: ["holderKey"], message: "is required: the licence type binds licences to their holder's key" });
  if (type.holderBinding !== true && input.holderKey !== undefined) issues.push({ path: ["holderKey"], message: "is only allowed for a licence type with holder binding" });
  if (input.holderKey !== undefined) {
    try {
      parseHolderJwk(input.holderKey);
    } catch {
      issues.push({ path: ["holderKey"], message: "must be a public P-256 or Ed25519 JWK" });
    }
  }
  if (!type.issuers.includes(context.issuer.code)) issues.push({ path: ["issuer"], message: "is not listed in the catalogue for this licence type" });
  return issues;
}

/**
 * The base64url protected header of a licence, `{alg, typ, x5t#S256, iat}` (JAdES B-B: exactly one
 * signing-certificate reference, ETSI TS 119 182-1 clause 5.1.7; no chain, which the trust list and
 * the archive form's `xVals` carry), byte for byte as `issueLicence` signs it. A registry rebuilds
 * each stored licence's header with this.
 *
 * Licences issued before the chain left the header carry `x5c` after `x5t#S256`: give `x5c` to
 * rebuild one of those.
 *
 * @param signer - the algorithm, the leaf's base64url SHA-256, and `x5c` only for the older form
 * @param iat - the signing time, in seconds since the epoch
 */
export function encodeLicenceHeader(signer: { readonly alg: string; readonly x5tS256: string; readonly x5c?: readonly string[] }, iat: number): string {
  const header = signer.x5c
    ? { alg: signer.alg, typ: LICENCE_TYP, "x5t#S256": signer.x5tS256, x5c: signer.x5c, iat }
    : { alg: signer.alg, typ: LICENCE_TYP, "x5t#S256": signer.x5tS256, iat };
  return backend.base64urlEncodeText(JSON.stringify(header));
}

/**
 * The archive form's unsigned properties (`etsiU`, ETSI TS 119 182-1 clause 5.3) for a chain: the
 * certificate values (`xVals`, clause 5.3.5.1), so an archived licence is self-contained.
 *
 * @param x5c - the chain, standard base64 DER, leaf first
 */
export function certificateValues(x5c: readonly string[]): { readonly xVals: readonly { readonly x509Cert: { readonly val: string } }[] } {
  return { xVals: x5c.map((val) => ({ x509Cert: { val } })) };
}

const headers = new WeakMap<IssuingContext, { readonly iat: number; readonly alg: string; readonly b64: string }>();
/** The archive's `etsiU` of each context (a context's chain never changes), made once. */
const archiveEvidence = new WeakMap<IssuingContext, readonly unknown[]>();

/** {@link encodeLicenceHeader} for a context, kept while the signing second is the same (a batch). */
function protectedHeader(context: IssuingContext, iat: number): string {
  const hit = headers.get(context);
  if (hit && hit.iat === iat && hit.alg === context.signer.alg) return hit.b64;
  const b64 = encodeLicenceHeader({ alg: context.signer.alg, x5tS256: context.x5tS256 }, iat);
  headers.set(context, { iat, alg: context.signer.alg, b64 });
  return b64;
}

function unsignedProperties(context: IssuingContext): readonly unknown[] {
  let etsiU = archiveEvidence.get(context);
  if (!etsiU) archiveEvidence.set(context, (etsiU = [certificateValues(context.x5c)]));
  return etsiU;
}

/**
 * Issues one licence: validates it against its type and the holder's code, builds the SD-JWT and
 * signs it as a JAdES B-B JWS.
 *
 * @param context - the issuing department's signer and chain
 * @param input - the licence
 * @throws LicenceError `ERR_VALIDATION` with every issue, `ERR_ISSUER_NOT_AUTHORISED`, `ERR_IDENTIFIER_INVALID`
 * @example
 * ```ts
 * const issued = await issueLicence(context, { type, holder, fields, serial: "2026000001", issuedAt: new Date() });
 * ```
 */
export async function issueLicence(context: IssuingContext, input: LicenceInput): Promise<IssuedLicence> {
  const issues = checkInput(context, input);
  if (issues.length > 0) {
    const onlyIssuer = issues.length === 1 && issues[0]!.path[0] === "issuer";
    throw onlyIssuer
      ? new LicenceError("ERR_ISSUER_NOT_AUTHORISED", "The department is not listed in the catalogue for this licence type.", { issues })
      : new LicenceError("ERR_VALIDATION", "The licence is not valid.", { issues });
  }
  // A point off the curve would make a licence no presentation can ever verify against.
  if (input.holderKey !== undefined) {
    await importHolderKey(parseHolderJwk(input.holderKey)).catch(() => {
      throw new LicenceError("ERR_VALIDATION", "The licence is not valid.", { issues: [{ path: ["holderKey"], message: "must be a public P-256 or Ed25519 JWK" }] });
    });
  }
  const { type, holder } = input;
  const version = input.version ?? 1;
  const id = buildLicenceId({ typeCode: type.code, issuerCode: context.issuer.code, serial: input.serial, version });
  const iat = toEpochSeconds(input.issuedAt);
  const nbf = toEpochSeconds(input.validFrom ?? input.issuedAt);
  const until = input.validUntil === undefined ? (type.validityTerm ? addValidityTerm(input.validFrom ?? input.issuedAt, type.validityTerm) : null) : input.validUntil;
  const exp = until === null ? undefined : toEpochSeconds(until);
  if (exp !== undefined && exp <= nbf) {
    throw new LicenceError("ERR_VALIDATION", "The licence is not valid.", { issues: [{ path: ["validUntil"], message: "must be after validFrom" }] });
  }

  const plain: Record<string, unknown> = {};
  const hidden: (readonly [string, unknown])[] = [];
  const shares: ShareClass[] = [];
  const allFields: Record<string, unknown> = {};
  const fieldDefs = type.fields;
  for (let i = 0; i < fieldDefs.length; i++) {
    const field = fieldDefs[i]!;
    const value = input.fields[field.name];
    if (value === undefined || value === null) continue;
    allFields[field.name] = value;
    if (field.share === "unconditional") plain[field.name] = value;
    else {
      hidden.push([field.name, value]);
      shares.push(field.share);
    }
  }
  // One pass over the created disclosures: the issued ones, their digests, their encodings and
  // the compact form's tail.
  const created = createDisclosures(hidden);
  const disclosures: IssuedDisclosure[] = [];
  const digests: string[] = [];
  const encoded: string[] = [];
  let tail = "";
  for (let i = 0; i < created.length; i++) {
    const d = created[i]!;
    disclosures.push({ encoded: d.encoded, digest: d.digest, name: d.name, value: d.value, share: shares[i]! });
    digests.push(d.digest);
    encoded.push(d.encoded);
    tail += `${d.encoded}~`;
  }
  for (let i = 0; i < (input.decoys ?? 0); i++) digests.push(backend.base64urlEncode(backend.sha256(backend.randomBytes(32))));
  // Sorted digests say nothing about field order (RFC 9901 §4.2.5).
  digests.sort();
  if (digests.length > 0) plain._sd = digests;

  const licenceClaims: Record<string, unknown> = {
    number: input.number ?? input.serial,
    type: { code: type.code, version: type.version, name: type.name },
    holder: { kind: holder.kind, name: holder.name, idType: holder.idType, idNumber: holder.idNumber },
    issuer: { name: context.issuer.name, code: context.issuer.code },
    version,
  };
  if (input.supersedes !== undefined) licenceClaims.supersedes = input.supersedes;
  const payload: Record<string, unknown> = { iss: context.issuer.code, jti: id, iat, nbf };
  if (exp !== undefined) payload.exp = exp;
  payload._sd_alg = SD_ALG;
  payload.licence = licenceClaims;
  payload.fields = plain;
  if (input.status) payload.status = { status_list: { idx: input.status.idx, uri: input.status.uri } };
  if (input.holderKey !== undefined) payload.cnf = { jwk: parseHolderJwk(input.holderKey) };

  // The JWS, as signJws makes it, with the protected header reused while the signing second is
  // the same (a batch).
  const protectedB64 = protectedHeader(context, iat);
  const payloadB64 = backend.base64urlEncodeText(JSON.stringify(payload));
  const pending = context.signer.sign(backend.asciiBytes(`${protectedB64}.${payloadB64}`));
  const signatureB64 = backend.base64urlEncode(pending instanceof Uint8Array ? pending : await pending);
  const jws = `${protectedB64}.${payloadB64}.${signatureB64}`;
  const licence: Licence = {
    id,
    number: input.number ?? input.serial,
    type: { code: type.code, version: type.version, name: type.name },
    holder: { ...holder },
    issuer: { ...context.issuer },
    issuedAt: fromEpochSeconds(iat),
    validFrom: fromEpochSeconds(nbf),
    ...(exp !== undefined ? { validUntil: fromEpochSeconds(exp) } : {}),
    fields: allFields,
    version,
    ...(input.supersedes !== undefined ? { supersedes: input.supersedes } : {}),
    ...(input.status ? { status: { ...input.status } } : {}),
  };
  return {
    id,
    licence,
    jws,
    compact: `${jws}~${tail}`,
    archive: { protected: protectedB64, payload: payloadB64, signature: signatureB64, header: { disclosures: encoded, etsiU: unsignedProperties(context) } },
    disclosures,
  };
}
