/**
 * A development PKI: a root CA, an optional issuing CA, department signing certificates and registry
 * service certificates, made on the spot so that every job runs on a fresh machine with no outside CA.
 *
 * WebCrypto keys and `@peculiar/x509`'s generator, so it runs in browsers too. Nothing is read from the
 * wall clock: the caller gives every time and every name. Private keys come back as PKCS#8 DER in clear;
 * encrypt them with `encryptPrivateKey` before storing them.
 *
 * Not a production CA: no policy, no key ceremony. CRLs and OCSP responses are made by `revocation.ts`;
 * certificates point at them when `revocation` URLs are given.
 *
 * @module
 */
import "reflect-metadata"; // @peculiar/x509 needs it loaded first
import {
  AuthorityInfoAccessExtension,
  AuthorityKeyIdentifierExtension,
  CRLDistributionPointsExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Name,
  PublicKey,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  type Extension,
  type JsonAttributeAndObjectValue,
} from "@peculiar/x509";
import { isJwsAlgorithm, LicenceError, type JwsAlgorithm } from "@elicence/core";
import { encodePem } from "@elicence/core/encoding";
import { generateSm2KeyPair, randomBytes, toBufferSource, webCrypto } from "@elicence/core/keys";
import { ELICENCE_KEY_PURPOSES, OID_ORGANIZATION_IDENTIFIER } from "./oids.js";
import { createSm2SignedCertificate } from "./sm2-certificate.js";

/** A certificate with its freshly generated key. */
export interface DevPkiCertificate {
  /** The certificate, PEM (`CERTIFICATE`, 64-column lines, trailing newline). */
  readonly certificatePem: string;
  /** The certificate, DER. */
  readonly certificateDer: Uint8Array;
  /** The private key, PKCS#8 DER, in clear: encrypt it before storing it. */
  readonly privateKeyPkcs8: Uint8Array;
  /** The algorithm of the key (and of the signatures it makes). */
  readonly alg: JwsAlgorithm;
}

/** The CA that signs a new certificate. A {@link DevPkiCertificate} of a CA is one. */
export interface DevPkiIssuer {
  /** The issuer's certificate, PEM: it must be a CA certificate (basicConstraints cA=true). */
  readonly certificatePem: string;
  /** The issuer's private key, PKCS#8 DER. */
  readonly privateKeyPkcs8: Uint8Array;
  /** The issuer key's algorithm. */
  readonly alg: JwsAlgorithm;
}

/** Validity period. `notAfter` defaults to `notBefore` plus a number of years that depends on the certificate. */
export interface DevPkiValidity {
  /** Start of validity (rounded down to the second; from 1950 to 9999). */
  readonly notBefore: Date;
  /** End of validity; must be after `notBefore`. */
  readonly notAfter?: Date;
}

/** Where the certificates' revocation evidence is published (RFC 5280 §4.2.1.13, §4.2.2.1). */
export interface DevPkiRevocationUrls {
  /** The CRL distribution point (an http URL), put in cRLDistributionPoints. */
  readonly crl?: string;
  /** The OCSP responder (an http URL), put in authorityInfoAccess. */
  readonly ocsp?: string;
}

/** Options of {@link createRootCa}. */
export interface CreateRootCaOptions extends DevPkiValidity {
  /** Subject CN, at most 64 characters. */
  readonly commonName: string;
  /** Subject O, at most 64 characters; omitted by default. */
  readonly organizationName?: string;
  /** Subject C, two capital letters; default `"CN"`. */
  readonly country?: string;
  /** Key algorithm; default `"ES256"`. */
  readonly alg?: JwsAlgorithm;
  /** basicConstraints pathLenConstraint; default none (any depth). */
  readonly pathLength?: number;
  /** Default: `notBefore` + 10 years. */
  readonly notAfter?: Date;
}

/** Options of {@link createIssuingCa}. */
export interface CreateIssuingCaOptions extends DevPkiValidity {
  /** The root CA that signs it. */
  readonly issuer: DevPkiIssuer;
  /** Subject CN, at most 64 characters. */
  readonly commonName: string;
  /** Subject O, at most 64 characters; omitted by default. */
  readonly organizationName?: string;
  /** Subject C, two capital letters; default `"CN"`. */
  readonly country?: string;
  /** Key algorithm; default `"ES256"`. */
  readonly alg?: JwsAlgorithm;
  /** Default: `notBefore` + 5 years. */
  readonly notAfter?: Date;
  /** Revocation evidence URLs to put in the certificate; none by default. */
  readonly revocation?: DevPkiRevocationUrls;
}

/** The department a signing certificate is for. */
export interface DepartmentIdentity {
  /** The department's name: subject CN and O, at most 64 characters. */
  readonly name: string;
  /** The department's Unified Social Credit Code (18 characters, GB 32100-2015): subject organizationIdentifier. */
  readonly uscc: string;
}

/** Options of {@link createDepartmentCertificate}. */
export interface CreateDepartmentCertificateOptions extends DevPkiValidity {
  /** The CA that signs it. */
  readonly issuer: DevPkiIssuer;
  /** Whose certificate it is. */
  readonly department: DepartmentIdentity;
  /** Key algorithm; default `"ES256"` (PS256 keys are RSA 3072). */
  readonly alg?: JwsAlgorithm;
  /** Default: `notBefore` + 2 years. */
  readonly notAfter?: Date;
  /** Revocation evidence URLs to put in the certificate; none by default. */
  readonly revocation?: DevPkiRevocationUrls;
}

/** What a registry service key signs. */
export type ServicePurpose = "trust-list-signing" | "status-list-signing" | "log-signing";

/** Options of {@link createServiceCertificate}. */
export interface CreateServiceCertificateOptions extends DevPkiValidity {
  /** The CA that signs it. */
  readonly issuer: DevPkiIssuer;
  /** The service: it selects the extended key usage (see `ELICENCE_KEY_PURPOSES`). */
  readonly purpose: ServicePurpose;
  /** Subject CN, at most 64 characters. */
  readonly commonName: string;
  /** Subject O (the operator), at most 64 characters; omitted by default. */
  readonly organizationName?: string;
  /** The operator's USCC, as subject organizationIdentifier; omitted by default. */
  readonly uscc?: string;
  /** Subject C, two capital letters; default `"CN"`. */
  readonly country?: string;
  /** Key algorithm; default `"ES256"`. */
  readonly alg?: JwsAlgorithm;
  /** Default: `notBefore` + 2 years. */
  readonly notAfter?: Date;
  /** Revocation evidence URLs to put in the certificate; none by default. */
  readonly revocation?: DevPkiRevocationUrls;
}

interface AlgorithmSpec {
  /** Key parameters for importKey (and, with RSA sizes added, generateKey). */
  readonly key: EcKeyImportParams | RsaHashedImportParams | Algorithm;
  /** Signature parameters as @peculiar/x509 and WebCrypto take them. */
  readonly sign: Algorithm;
}

// SM2SM3 is not here: WebCrypto has no SM2, so SM2 keys come from core and SM2-signed certificates
// from sm2-certificate.ts.
const ALGORITHMS: Readonly<Record<Exclude<JwsAlgorithm, "SM2SM3">, AlgorithmSpec>> = {
  ES256: { key: { name: "ECDSA", namedCurve: "P-256" }, sign: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams },
  ES384: { key: { name: "ECDSA", namedCurve: "P-384" }, sign: { name: "ECDSA", hash: "SHA-384" } as EcdsaParams },
  EdDSA: { key: { name: "Ed25519" }, sign: { name: "Ed25519" } },
  PS256: { key: { name: "RSA-PSS", hash: "SHA-256" }, sign: { name: "RSA-PSS", hash: "SHA-256", saltLength: 32 } as RsaPssParams },
};
const RSA_MODULUS_BITS = 3072;
const USCC_FORMAT = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
/** RFC 5280 upper bounds (ub-common-name, ub-organization-name). */
const MAX_NAME_CHARACTERS = 64;
const EARLIEST = Date.UTC(1950, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59);

const OID_COUNTRY = "2.5.4.6";
const OID_ORGANIZATION = "2.5.4.10";
const OID_COMMON_NAME = "2.5.4.3";

/** A resolved signer: parsed certificate, imported key. */
export interface Signer {
  readonly certificate: X509Certificate | null; // null when self-signing
  /** The WebCrypto key; null for SM2, which signs from `pkcs8` through core. */
  readonly key: CryptoKey | null;
  readonly pkcs8: Uint8Array;
  readonly alg: JwsAlgorithm;
  readonly keyIdentifier: string;
}

/** What to put in a new certificate, apart from its key. */
export interface Template {
  readonly subject: Name;
  readonly alg: JwsAlgorithm;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly Extension[];
}

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function checkAlg(alg: unknown, field: string): JwsAlgorithm {
  if (alg === undefined) return "ES256";
  if (!isJwsAlgorithm(alg)) throw new TypeError(`${field} must be one of ES256, ES384, EdDSA, PS256, SM2SM3.`);
  return alg;
}

export function checkText(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0 || value.trim() !== value || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new TypeError(`${field} must be a non-empty string without control characters or surrounding spaces.`);
  }
  if ([...value].length > MAX_NAME_CHARACTERS) throw new TypeError(`${field} must be at most ${MAX_NAME_CHARACTERS} characters.`);
  return value;
}

function checkCountry(value: unknown, field: string): string {
  if (value === undefined) return "CN";
  if (typeof value !== "string" || !/^[A-Z]{2}$/.test(value)) throw new TypeError(`${field} must be an ISO 3166 alpha-2 code such as "CN".`);
  return value;
}

function checkUscc(value: unknown, path: readonly string[]): string {
  if (typeof value !== "string" || !USCC_FORMAT.test(value)) {
    throw new LicenceError("ERR_IDENTIFIER_INVALID", "The Unified Social Credit Code is not well formed.", {
      issues: [{ path, message: "must be 18 characters of 0-9 and A-Z without I, O, S, V, Z" }],
    });
  }
  return value;
}

/** Whole seconds (X.509 times carry no fractions), within what UTCTime/GeneralizedTime can say. */
export function checkValidity(options: DevPkiValidity, defaultYears: number): { notBefore: Date; notAfter: Date } {
  const { notBefore } = options;
  if (!(notBefore instanceof Date) || Number.isNaN(notBefore.getTime())) throw new TypeError("notBefore must be a valid Date.");
  let notAfter = options.notAfter;
  if (notAfter === undefined) {
    notAfter = new Date(notBefore.getTime());
    notAfter.setUTCFullYear(notAfter.getUTCFullYear() + defaultYears);
  }
  if (!(notAfter instanceof Date) || Number.isNaN(notAfter.getTime())) throw new TypeError("notAfter must be a valid Date.");
  const from = Math.floor(notBefore.getTime() / 1000) * 1000;
  const to = Math.floor(notAfter.getTime() / 1000) * 1000;
  if (from < EARLIEST || to > LATEST) throw new TypeError("The validity period must lie between 1950 and 9999.");
  if (to <= from) throw new TypeError("notAfter must be after notBefore.");
  return { notBefore: new Date(from), notAfter: new Date(to) };
}

/** A DN in the order C, O, organizationIdentifier, CN; texts as UTF8String, codes as PrintableString. */
export function distinguishedName(parts: { country: string; organization?: string; organizationIdentifier?: string; commonName: string }): Name {
  const rdns: JsonAttributeAndObjectValue[] = [{ [OID_COUNTRY]: [{ printableString: parts.country }] }];
  if (parts.organization !== undefined) rdns.push({ [OID_ORGANIZATION]: [{ utf8String: parts.organization }] });
  if (parts.organizationIdentifier !== undefined) rdns.push({ [OID_ORGANIZATION_IDENTIFIER]: [{ printableString: parts.organizationIdentifier }] });
  rdns.push({ [OID_COMMON_NAME]: [{ utf8String: parts.commonName }] });
  return new Name(rdns);
}

/** 16 random bytes, top bit clear so the INTEGER is positive and exactly 16 bytes long. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return toHex(bytes);
}

interface SubjectKeys {
  readonly spki: Uint8Array;
  readonly pkcs8: Uint8Array;
  /** The WebCrypto private key (null for SM2). */
  readonly privateKey: CryptoKey | null;
}

async function generateKeyPair(alg: JwsAlgorithm): Promise<SubjectKeys> {
  if (alg === "SM2SM3") return { ...(await generateSm2KeyPair()), privateKey: null };
  const { key } = ALGORITHMS[alg];
  const params = alg === "PS256" ? { ...(key as RsaHashedImportParams), modulusLength: RSA_MODULUS_BITS, publicExponent: new Uint8Array([1, 0, 1]) } : key;
  const pair = (await webCrypto().subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  const spki = new Uint8Array(await webCrypto().subtle.exportKey("spki", pair.publicKey));
  const pkcs8 = new Uint8Array(await webCrypto().subtle.exportKey("pkcs8", pair.privateKey));
  return { spki, pkcs8, privateKey: pair.privateKey };
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (what OpenSSL computes too). */
async function keyIdentifier(spki: Uint8Array): Promise<string> {
  return toHex(await new PublicKey(toBufferSource(spki)).getKeyIdentifier(webCrypto()));
}

/** Parses and checks the issuer, and imports its key. */
export async function resolveIssuer(issuer: DevPkiIssuer, issuesCa: boolean): Promise<Signer> {
  if (issuer === null || typeof issuer !== "object") throw new TypeError("issuer must be { certificatePem, privateKeyPkcs8, alg }.");
  const alg = checkAlg(issuer.alg, "issuer.alg");
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(issuer.certificatePem);
  } catch (cause) {
    throw new LicenceError("ERR_CERTIFICATE_INVALID", "The issuer certificate cannot be read.", { cause });
  }
  const constraints = certificate.getExtension(BasicConstraintsExtension);
  const usage = certificate.getExtension(KeyUsagesExtension);
  if (!constraints?.ca || (usage && (usage.usages & KeyUsageFlags.keyCertSign) === 0)) {
    throw new LicenceError("ERR_CERTIFICATE_INVALID", "The issuer certificate is not a CA certificate.", { details: { reason: "not-a-ca" } });
  }
  if (issuesCa && constraints.pathLength === 0) {
    throw new LicenceError("ERR_CERTIFICATE_INVALID", "The issuer's path length constraint allows no further CA.", { details: { reason: "path-length" } });
  }
  let key: CryptoKey | null = null;
  try {
    if (!(issuer.privateKeyPkcs8 instanceof Uint8Array)) throw new TypeError("not bytes");
    if (alg !== "SM2SM3") key = await webCrypto().subtle.importKey("pkcs8", toBufferSource(issuer.privateKeyPkcs8), ALGORITHMS[alg].key, false, ["sign"]);
  } catch (cause) {
    throw new LicenceError("ERR_KEY_INVALID", "The issuer's private key cannot be read for its algorithm.", { cause, details: { alg } });
  }
  const keyId = certificate.getExtension(SubjectKeyIdentifierExtension)?.keyId ?? (await keyIdentifier(new Uint8Array(certificate.publicKey.rawData)));
  return { certificate, key, pkcs8: issuer.privateKeyPkcs8, alg, keyIdentifier: keyId };
}

const URL_FORMAT = /^https?:\/\/[\x21-\x7e]{1,2000}$/;

/** cRLDistributionPoints and authorityInfoAccess (both not critical) for the URLs given. */
export function revocationExtensions(urls: DevPkiRevocationUrls | undefined): Extension[] {
  if (urls === undefined) return [];
  if (urls === null || typeof urls !== "object") throw new TypeError("revocation must be { crl?, ocsp? }.");
  const out: Extension[] = [];
  for (const key of ["crl", "ocsp"] as const) {
    const url = urls[key];
    if (url !== undefined && (typeof url !== "string" || !URL_FORMAT.test(url))) throw new TypeError(`revocation.${key} must be an http(s) URL.`);
  }
  if (urls.crl !== undefined) out.push(new CRLDistributionPointsExtension([urls.crl], false));
  if (urls.ocsp !== undefined) out.push(new AuthorityInfoAccessExtension({ ocsp: urls.ocsp }, false));
  return out;
}

/** Generates the subject's key and issues the certificate; self-signed when `signer` is null. */
export async function issue(template: Template, signer: Signer | null): Promise<DevPkiCertificate> {
  const crypto = webCrypto();
  const pair = await generateKeyPair(template.alg);
  const { spki, pkcs8: privateKeyPkcs8 } = pair;
  const subjectKeyId = await keyIdentifier(spki);
  const signingAlg = signer?.alg ?? template.alg;
  const parts = {
    serialNumber: serialNumber(),
    subject: template.subject,
    issuer: signer?.certificate?.subjectName ?? template.subject,
    notBefore: template.notBefore,
    notAfter: template.notAfter,
    extensions: [...template.extensions, new SubjectKeyIdentifierExtension(subjectKeyId), new AuthorityKeyIdentifierExtension(signer?.keyIdentifier ?? subjectKeyId)],
  };
  if (signingAlg === "SM2SM3") {
    const issuerSpki = signer?.certificate ? new Uint8Array(signer.certificate.publicKey.rawData) : spki;
    const certificateDer = await createSm2SignedCertificate({ ...parts, spki }, signer?.pkcs8 ?? privateKeyPkcs8, issuerSpki);
    return { certificatePem: encodePem(certificateDer), certificateDer, privateKeyPkcs8, alg: template.alg };
  }
  const certificate = await X509CertificateGenerator.create(
    { ...parts, publicKey: toBufferSource(spki), signingKey: (signer?.key ?? pair.privateKey)!, signingAlgorithm: ALGORITHMS[signingAlg].sign },
    crypto,
  );
  // The issuer's key must belong to the issuer's certificate, or the chain would never verify.
  const issuerPublicKey = signer?.certificate?.publicKey ?? new PublicKey(toBufferSource(spki));
  if (!(await certificate.verify({ publicKey: issuerPublicKey, signatureOnly: true }, crypto))) {
    throw new LicenceError("ERR_KEY_INVALID", "The issuer's private key does not belong to the issuer certificate.");
  }
  const certificateDer = new Uint8Array(certificate.rawData);
  return { certificatePem: encodePem(certificateDer), certificateDer, privateKeyPkcs8, alg: template.alg };
}

const critical = true;
const CA_KEY_USAGE = KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign;

/**
 * Creates a self-signed root CA for development and tests.
 *
 * basicConstraints cA=true (critical, pathLenConstraint if given), keyUsage keyCertSign + cRLSign
 * (critical), subject and authority key identifiers, a random positive 16-byte serial number.
 *
 * @param options - names, algorithm (default ES256), validity (`notAfter` default: `notBefore` + 10 years)
 * @returns the certificate (PEM and DER) and its private key (PKCS#8 DER)
 * @throws TypeError for options out of range
 * @example
 * ```ts
 * const root = await createRootCa({ commonName: "eLicence Dev Root CA", notBefore: new Date("2025-01-01T00:00:00Z") });
 * ```
 */
export async function createRootCa(options: CreateRootCaOptions): Promise<DevPkiCertificate> {
  const alg = checkAlg(options.alg, "alg");
  const { pathLength } = options;
  if (pathLength !== undefined && !(Number.isSafeInteger(pathLength) && pathLength >= 0)) throw new TypeError("pathLength must be a non-negative integer.");
  const subject = distinguishedName({
    country: checkCountry(options.country, "country"),
    ...(options.organizationName === undefined ? {} : { organization: checkText(options.organizationName, "organizationName") }),
    commonName: checkText(options.commonName, "commonName"),
  });
  const extensions = [new BasicConstraintsExtension(true, pathLength, critical), new KeyUsagesExtension(CA_KEY_USAGE, critical)];
  return issue({ subject, alg, ...checkValidity(options, 10), extensions }, null);
}

/**
 * Creates an intermediate (issuing) CA signed by a root CA, for three-level chains.
 *
 * basicConstraints cA=true with pathLenConstraint 0 (critical): it can issue end-entity certificates only.
 *
 * @param options - the root as issuer, names, algorithm (default ES256), validity (`notAfter` default: `notBefore` + 5 years)
 * @returns the certificate (PEM and DER) and its private key (PKCS#8 DER)
 * @throws TypeError for options out of range; LicenceError `ERR_CERTIFICATE_INVALID` when the issuer is
 *   not a CA (or allows no further CA), `ERR_KEY_INVALID` when its key does not fit
 * @example
 * ```ts
 * const ca = await createIssuingCa({ issuer: root, commonName: "eLicence Dev Issuing CA", notBefore });
 * ```
 */
export async function createIssuingCa(options: CreateIssuingCaOptions): Promise<DevPkiCertificate> {
  const alg = checkAlg(options.alg, "alg");
  const subject = distinguishedName({
    country: checkCountry(options.country, "country"),
    ...(options.organizationName === undefined ? {} : { organization: checkText(options.organizationName, "organizationName") }),
    commonName: checkText(options.commonName, "commonName"),
  });
  const validity = checkValidity(options, 5);
  const signer = await resolveIssuer(options.issuer, true);
  const extensions = [new BasicConstraintsExtension(true, 0, critical), new KeyUsagesExtension(CA_KEY_USAGE, critical), ...revocationExtensions(options.revocation)];
  return issue({ subject, alg, ...validity, extensions }, signer);
}

/**
 * Creates a department's licence-signing certificate.
 *
 * Subject `C=CN, O=<name>, organizationIdentifier=<USCC>, CN=<name>`; basicConstraints cA=false
 * (critical); keyUsage digitalSignature + nonRepudiation (critical); key identifiers; a random positive
 * 16-byte serial number. The USCC's format is checked, not its check digit.
 *
 * @param options - the issuing CA, the department, algorithm (default ES256; EdDSA; PS256 with RSA 3072),
 *   validity (`notAfter` default: `notBefore` + 2 years)
 * @returns the certificate (PEM and DER) and the department's private key (PKCS#8 DER)
 * @throws TypeError for options out of range; LicenceError `ERR_IDENTIFIER_INVALID` for a malformed USCC,
 *   `ERR_CERTIFICATE_INVALID` when the issuer is not a CA, `ERR_KEY_INVALID` when its key does not fit
 * @example
 * ```ts
 * const dept = await createDepartmentCertificate({
 *   issuer: ca,
 *   department: { name: "厦门市市场监督管理局", uscc: "11350200MB0351234X" },
 *   alg: "ES256",
 *   notBefore: new Date("2025-01-01T00:00:00Z"),
 * });
 * ```
 */
export async function createDepartmentCertificate(options: CreateDepartmentCertificateOptions): Promise<DevPkiCertificate> {
  const alg = checkAlg(options.alg, "alg");
  const { department } = options;
  if (department === null || typeof department !== "object") throw new TypeError("department must be { name, uscc }.");
  const name = checkText(department.name, "department.name");
  const subject = distinguishedName({ country: "CN", organization: name, organizationIdentifier: checkUscc(department.uscc, ["department", "uscc"]), commonName: name });
  const validity = checkValidity(options, 2);
  const signer = await resolveIssuer(options.issuer, false);
  const extensions = [
    new BasicConstraintsExtension(false, undefined, critical),
    new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation, critical),
    ...revocationExtensions(options.revocation),
  ];
  return issue({ subject, alg, ...validity, extensions }, signer);
}

/**
 * Creates a registry service certificate: the operator's trust-list signing key or the registry's
 * status-list signing key.
 *
 * basicConstraints cA=false (critical); keyUsage digitalSignature (critical); extendedKeyUsage (not
 * critical) naming the service, from `ELICENCE_KEY_PURPOSES` — placeholder OIDs under a private arc
 * that must be replaced by an allocated one before production.
 *
 * @param options - the issuing CA, the service, names, algorithm (default ES256), validity (`notAfter`
 *   default: `notBefore` + 2 years)
 * @returns the certificate (PEM and DER) and the service's private key (PKCS#8 DER)
 * @throws TypeError for options out of range; LicenceError `ERR_IDENTIFIER_INVALID` for a malformed USCC,
 *   `ERR_CERTIFICATE_INVALID` when the issuer is not a CA, `ERR_KEY_INVALID` when its key does not fit
 * @example
 * ```ts
 * const trustListSigner = await createServiceCertificate({
 *   issuer: root, purpose: "trust-list-signing", commonName: "eLicence Trust List Signer", notBefore,
 * });
 * ```
 */
export async function createServiceCertificate(options: CreateServiceCertificateOptions): Promise<DevPkiCertificate> {
  const alg = checkAlg(options.alg, "alg");
  const purpose =
    options.purpose === "trust-list-signing"
      ? ELICENCE_KEY_PURPOSES.trustListSigning
      : options.purpose === "status-list-signing"
        ? ELICENCE_KEY_PURPOSES.statusListSigning
        : options.purpose === "log-signing"
          ? ELICENCE_KEY_PURPOSES.logSigning
          : undefined;
  if (purpose === undefined) throw new TypeError('purpose must be "trust-list-signing", "status-list-signing" or "log-signing".');
  const subject = distinguishedName({
    country: checkCountry(options.country, "country"),
    ...(options.organizationName === undefined ? {} : { organization: checkText(options.organizationName, "organizationName") }),
    ...(options.uscc === undefined ? {} : { organizationIdentifier: checkUscc(options.uscc, ["uscc"]) }),
    commonName: checkText(options.commonName, "commonName"),
  });
  const validity = checkValidity(options, 2);
  const signer = await resolveIssuer(options.issuer, false);
  const extensions = [
    new BasicConstraintsExtension(false, undefined, critical),
    new KeyUsagesExtension(KeyUsageFlags.digitalSignature, critical),
    new ExtendedKeyUsageExtension([purpose], false),
    ...revocationExtensions(options.revocation),
  ];
  return issue({ subject, alg, ...validity, extensions }, signer);
}

/** Options of {@link createTsaCertificate}. */
export interface CreateTsaCertificateOptions extends DevPkiValidity {
  /** The CA that signs it. */
  readonly issuer: DevPkiIssuer;
  /** Subject CN, at most 64 characters. */
  readonly commonName: string;
  /** Subject O (the operator), at most 64 characters; omitted by default. */
  readonly organizationName?: string;
  /** Subject C, two capital letters; default `"CN"`. */
  readonly country?: string;
  /** Key algorithm; default `"ES256"` (the development TSA signs with ES256, ES384, EdDSA or SM2SM3). */
  readonly alg?: JwsAlgorithm;
  /** Default: `notBefore` + 6 years — longer than a department certificate, as real TSAs have. */
  readonly notAfter?: Date;
}

/** id-kp-timeStamping (RFC 5280 §4.2.1.12). */
const OID_TIME_STAMPING = "1.3.6.1.5.5.7.3.8";

/**
 * Creates a time-stamping authority certificate for the development TSA.
 *
 * basicConstraints cA=false (critical); keyUsage digitalSignature + nonRepudiation (critical);
 * extendedKeyUsage id-kp-timeStamping only, critical, as RFC 3161 §2.3 requires; key identifiers.
 *
 * @param options - the issuing CA, names, algorithm (default ES256), validity (`notAfter` default: `notBefore` + 6 years)
 * @returns the certificate (PEM and DER) and the TSA's private key (PKCS#8 DER)
 * @throws TypeError for options out of range; LicenceError `ERR_CERTIFICATE_INVALID` when the issuer is
 *   not a CA, `ERR_KEY_INVALID` when its key does not fit
 * @example
 * ```ts
 * const tsa = await createTsaCertificate({ issuer: root, commonName: "eLicence Dev TSA", notBefore });
 * ```
 */
export async function createTsaCertificate(options: CreateTsaCertificateOptions): Promise<DevPkiCertificate> {
  const alg = checkAlg(options.alg, "alg");
  const subject = distinguishedName({
    country: checkCountry(options.country, "country"),
    ...(options.organizationName === undefined ? {} : { organization: checkText(options.organizationName, "organizationName") }),
    commonName: checkText(options.commonName, "commonName"),
  });
  const validity = checkValidity(options, 6);
  const signer = await resolveIssuer(options.issuer, false);
  const extensions = [
    new BasicConstraintsExtension(false, undefined, critical),
    new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation, critical),
    new ExtendedKeyUsageExtension([OID_TIME_STAMPING], critical),
  ];
  return issue({ subject, alg, ...validity, extensions }, signer);
}
