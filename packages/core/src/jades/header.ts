/**
 * The JAdES protected header (ETSI TS 119 182-1 clauses 5.1 and 5.2), read strictly: every member
 * this validator relies on is checked for type, shape and size, and the `crit` rules of RFC 7515
 * §4.1.11, RFC 7797 §6 and TS 119 182-1 are applied. A failure is a {@link JadesCheckFailure}.
 *
 * @module
 */
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import { backend } from "../crypto/index.js";
import { decodeBase64 } from "../encoding/base64.js";
import { decodeDer, isContext, readInteger, readSequence } from "../encoding/der.js";
import { isJsonObject } from "../encoding/json.js";
import { parseName, type DistinguishedName } from "../x509/name.js";
import { decodeDigestValue, digestAlgorithmOf, isJadesAlgorithm, type JadesDigestAlgorithm } from "./digest.js";
import { failed, malformed, undetermined } from "./report.js";

/** A digest of a certificate (`x5t#S256`, `x5t#o`, an element of `sigX5ts`). */
export interface CertificateDigest {
  readonly algorithm: JadesDigestAlgorithm;
  readonly value: Uint8Array;
  /** For `x5t#S256`: the value as the header writes it (base64url), to compare without re-encoding. */
  readonly text?: string;
}

/** The signed reference to the signing certificate (clauses 5.1.7, 5.2.2.2, 5.2.2.3). */
export interface SigningCertificateReference {
  readonly member: "x5t#S256" | "x5t#o" | "sigX5ts";
  readonly digests: readonly CertificateDigest[];
}

/** `sigD` mechanism URIs (clause 5.2.8). */
export const SIGD_HTTP_HEADERS = "http://uri.etsi.org/19182/HttpHeaders";
export const SIGD_OBJECT_ID_BY_URI = "http://uri.etsi.org/19182/ObjectIdByURI";
export const SIGD_OBJECT_ID_BY_URI_HASH = "http://uri.etsi.org/19182/ObjectIdByURIHash";

/** The `sigD` header parameter (clause 5.2.8): detached signed data. */
export interface SignedDataReference {
  readonly mechanism: typeof SIGD_HTTP_HEADERS | typeof SIGD_OBJECT_ID_BY_URI | typeof SIGD_OBJECT_ID_BY_URI_HASH;
  readonly references: readonly string[];
  /** ObjectIdByURIHash only: the digest function (`hashM`) and one digest per reference (`hashV`). */
  readonly hashAlgorithm?: JadesDigestAlgorithm;
  readonly hashes?: readonly Uint8Array[];
}

/** The protected header of a JAdES signature, as this validator uses it. */
export interface JadesProtectedHeader {
  readonly alg: SignatureAlgorithm;
  readonly typ?: string;
  readonly cty?: string;
  readonly kid?: string;
  /** RFC 7797: `false` when the payload is not base64url-encoded. */
  readonly b64: boolean;
  readonly crit: readonly string[];
  /** `x5c` (clause 5.1.8), DER, leaf first; not parsed yet. */
  readonly x5c?: readonly Uint8Array[];
  readonly reference?: SigningCertificateReference;
  /** The claimed signing time: `iat` (clause 5.1.11) or the obsolescent `sigT` (clause 5.2.1). */
  readonly signingTime?: { readonly member: "iat" | "sigT"; readonly time: Date };
  /** `kid` as an RFC 5035 IssuerSerial (clause 5.1.4), when it is one. */
  readonly kidIssuerSerial?: { readonly issuer: DistinguishedName; readonly serialNumber: string };
  readonly commitments?: readonly string[];
  readonly productionPlace?: Readonly<Record<string, string>>;
  readonly policy?: { readonly id: string };
  readonly signedData?: SignedDataReference;
  /** Signed JAdES properties this validator cannot evaluate (`adoTst`, certified `srAts`). */
  readonly unsupported: readonly string[];
}

/** Header parameters RFC 7515 §4.1 and RFC 7518 §4.6.1/§4.7.1/§4.8.1 define: `crit` may not list them. */
const NEVER_CRITICAL: ReadonlySet<string> = new Set([
  "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
  "epk", "apu", "apv", "iv", "tag", "p2s", "p2c", "enc", "zip",
]);
/** Header parameters this validator understands when `crit` lists them: TS 119 182-1 clause 5.2 and RFC 7797 `b64`. */
const UNDERSTOOD_CRITICAL: ReadonlySet<string> = new Set(["sigT", "x5t#o", "sigX5ts", "srCms", "sigPl", "srAts", "sigPId", "sigD", "b64"]);
/** Parameters that must be listed in `crit` when present: RFC 7797 §6 (`b64`) and TS 119 182-1 clause 5.2.8 (`sigD`). */
const MUST_BE_CRITICAL = ["b64", "sigD"] as const;
const MAX_LIST = 32;
const MAX_TEXT = 1024;
const BASE64URL_256 = /^[A-Za-z0-9_-]{43}$/;
const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;
/** Latest NumericDate accepted: 9999-12-31T23:59:59Z. */
const MAX_NUMERIC_DATE = 253402300799;

/**
 * Reads `alg` against the caller's allow-list (RFC 7515 §4.1.1, TS 119 182-1 clause 5.1.2).
 * `SM2SM3` (SM2 with SM3, which no JOSE registry names) is accepted only when the caller lists it;
 * it is not one of `JADES_ALGORITHMS`, so no default list carries it.
 *
 * @throws JadesCheckFailure CRYPTO_CONSTRAINTS_FAILURE for `none`, HMAC, unknown or disallowed algorithms
 */
export function readAlgorithm(header: Record<string, unknown>, algorithms: readonly SignatureAlgorithm[]): SignatureAlgorithm {
  const alg = header.alg;
  if (typeof alg !== "string") throw malformed("alg");
  if (!(isJadesAlgorithm(alg) || alg === "SM2SM3") || !algorithms.includes(alg)) {
    throw failed("CRYPTO_CONSTRAINTS_FAILURE", "algorithm-not-allowed", "The signature algorithm is not allowed.");
  }
  return alg;
}

/**
 * Applies the `crit` rules: RFC 7515 §4.1.11 (a non-empty array of distinct names, none of them
 * defined by RFC 7515/7518, every one understood and present), RFC 7797 §6 (`b64` must be listed)
 * and TS 119 182-1 clause 5.2.8 (`sigD` must be listed).
 *
 * @param understood - further names the caller's application understands
 * @throws JadesCheckFailure FORMAT_FAILURE with the rule broken as its code
 */
export function checkCritical(header: Record<string, unknown>, understood: readonly string[] = []): readonly string[] {
  const crit = header.crit;
  if (crit === undefined) {
    for (const name of MUST_BE_CRITICAL) if (name in header) throw critFailure(`${name}-not-critical`);
    return [];
  }
  if (!Array.isArray(crit) || crit.length === 0 || crit.length > MAX_LIST || crit.some((c) => typeof c !== "string")) throw critFailure("crit-malformed");
  const names = crit as string[];
  if (new Set(names).size !== names.length) throw critFailure("crit-duplicate");
  for (const name of names) {
    if (NEVER_CRITICAL.has(name)) throw critFailure("crit-registered");
    if (!UNDERSTOOD_CRITICAL.has(name) && !understood.includes(name)) throw critFailure("crit-not-understood");
    if (!(name in header)) throw critFailure("crit-absent");
  }
  for (const name of MUST_BE_CRITICAL) if (name in header && !names.includes(name)) throw critFailure(`${name}-not-critical`);
  return names;
}

function critFailure(code: string) {
  return failed("FORMAT_FAILURE", code, "The crit header parameter breaks a rule of RFC 7515 §4.1.11 or ETSI TS 119 182-1.");
}

function isText(value: unknown, max = MAX_TEXT): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= max;
}

function exactMembers(value: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(value).every((k) => allowed.includes(k));
}

/** `{digAlg, digVal}` (clause 5.2.2.2). */
function readDigest(value: unknown, member: string): CertificateDigest {
  if (!isJsonObject(value) || !exactMembers(value, ["digAlg", "digVal"])) throw malformed(member);
  if (!isText(value.digAlg, 256)) throw malformed(member);
  const algorithm = digestAlgorithmOf(value.digAlg);
  if (!algorithm) throw failed("CRYPTO_CONSTRAINTS_FAILURE", "digest-algorithm", "A digest algorithm in the header is not accepted.");
  const digest = decodeDigestValue(value.digVal, algorithm);
  if (!digest) throw malformed(member);
  return { algorithm, value: digest };
}

function readReference(header: Record<string, unknown>): SigningCertificateReference | undefined {
  const present = (["x5t#S256", "x5t#o", "sigX5ts"] as const).filter((m) => m in header);
  // Clauses 5.1.7 and 5.2.2: one signing-certificate reference, in one of the three forms.
  if (present.length > 1) throw malformed("signing-certificate-reference");
  const member = present[0];
  if (member === undefined) return undefined;
  const value = header[member];
  if (member === "x5t#S256") {
    if (typeof value !== "string" || !BASE64URL_256.test(value)) throw malformed("x5t#S256");
    const bytes = backend.base64urlDecode(value);
    if (!bytes) throw malformed("x5t#S256");
    return { member, digests: [{ algorithm: "SHA-256", value: bytes, text: value }] };
  }
  if (member === "x5t#o") return { member, digests: [readDigest(value, member)] };
  if (!Array.isArray(value) || value.length < 2 || value.length > MAX_LIST) throw malformed("sigX5ts");
  return { member, digests: value.map((v) => readDigest(v, "sigX5ts")) };
}

function readSigningTime(header: Record<string, unknown>): JadesProtectedHeader["signingTime"] {
  const { iat, sigT } = header;
  // One claimed signing time: `iat` (clause 5.1.11) or the obsolescent `sigT` (clause 5.2.1), not both.
  // TS 119 182-1 V1.2.1 has generators write `iat` from 2025-07-15 on; `sigT` stays readable for
  // signatures made before, so both are accepted here.
  if (iat !== undefined && sigT !== undefined) throw malformed("signing-time");
  if (iat !== undefined) {
    if (typeof iat !== "number" || !Number.isSafeInteger(iat) || iat < 0 || iat > MAX_NUMERIC_DATE) throw malformed("iat");
    return { member: "iat", time: new Date(iat * 1000) };
  }
  if (sigT === undefined) return undefined;
  const m = typeof sigT === "string" ? RFC3339_UTC.exec(sigT) : null;
  if (!m) throw malformed("sigT");
  const time = new Date(sigT as string);
  // Date.parse rolls 2025-02-30 over to March: the fields must survive the round trip.
  if (Number.isNaN(time.getTime()) || time.toISOString().slice(0, 19) !== (sigT as string).slice(0, 19)) throw malformed("sigT");
  return { member: "sigT", time };
}

function readX5c(value: unknown): Uint8Array[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 10) throw malformed("x5c");
  return value.map((entry) => {
    const der = typeof entry === "string" && entry.length <= 90_000 ? decodeBase64(entry) : null;
    if (!der || der.length === 0) throw malformed("x5c");
    return der;
  });
}

/** `kid` as RFC 5035 IssuerSerial, base64 (clause 5.1.4); `undefined` when it is another kind of identifier. */
function readKid(kid: string): JadesProtectedHeader["kidIssuerSerial"] {
  const der = decodeBase64(kid);
  if (!der || der.length < 8) return undefined;
  try {
    const [names, serial] = readSequence(decodeDer(der, { maxDepth: 12 }), 2, 2);
    const [general] = readSequence(names, 1, 1);
    if (!isContext(general, 4) || general!.children.length !== 1) return undefined;
    let bytes = readInteger(serial);
    while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
    const serialNumber = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return { issuer: parseName(general!.children[0]!), serialNumber };
  } catch {
    return undefined;
  }
}

/** An `oId` (clause 5.4.1): `{ id, desc?, docRefs? }`; returns `id`. */
function readOid(value: unknown, member: string): string {
  if (!isJsonObject(value) || !exactMembers(value, ["id", "desc", "docRefs"]) || !isText(value.id)) throw malformed(member);
  if (value.desc !== undefined && !isText(value.desc)) throw malformed(member);
  if (value.docRefs !== undefined && (!Array.isArray(value.docRefs) || value.docRefs.length === 0 || value.docRefs.length > MAX_LIST || !value.docRefs.every((r) => isText(r)))) {
    throw malformed(member);
  }
  return value.id;
}

/** `srCms` (clause 5.2.3): signer commitments; returns their identifiers. */
function readCommitments(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST) throw malformed("srCms");
  return value.map((c) => {
    if (!isJsonObject(c) || !exactMembers(c, ["commId", "commQuals"])) throw malformed("srCms");
    if (c.commQuals !== undefined && (!Array.isArray(c.commQuals) || c.commQuals.length === 0 || !c.commQuals.every(isJsonObject))) throw malformed("srCms");
    return readOid(c.commId, "srCms");
  });
}

const PLACE_MEMBERS = ["addressCountry", "addressLocality", "addressRegion", "postOfficeBoxNumber", "postalCode", "streetAddress"];

/** `sigPl` (clause 5.2.4): the signature production place. */
function readPlace(value: unknown): Record<string, string> {
  if (!isJsonObject(value) || Object.keys(value).length === 0 || !exactMembers(value, PLACE_MEMBERS)) throw malformed("sigPl");
  for (const v of Object.values(value)) if (!isText(v, 256)) throw malformed("sigPl");
  return { ...(value as Record<string, string>) };
}

/** `sigPId` (clause 5.2.7): the signature policy identifier. */
function readPolicy(value: unknown): { id: string } {
  if (!isJsonObject(value) || !exactMembers(value, ["id", "digAlg", "digVal", "digPSp", "sigPQuals"])) throw malformed("sigPId");
  const id = readOid(value.id, "sigPId");
  if ((value.digAlg === undefined) !== (value.digVal === undefined)) throw malformed("sigPId");
  if (value.digAlg !== undefined) readDigest({ digAlg: value.digAlg, digVal: value.digVal }, "sigPId");
  if (value.digPSp !== undefined && typeof value.digPSp !== "boolean") throw malformed("sigPId");
  if (value.sigPQuals !== undefined && (!Array.isArray(value.sigPQuals) || value.sigPQuals.length === 0 || !value.sigPQuals.every(isJsonObject))) throw malformed("sigPId");
  return { id };
}

/** A `qArrays` value (clause 5.2.5): `[{ mediaType, encoding, qVals: [...] }, …]`. */
function readQArrays(value: unknown): void {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST) throw malformed("srAts");
  for (const q of value) {
    if (!isJsonObject(q) || !exactMembers(q, ["mediaType", "encoding", "qVals"]) || !isText(q.mediaType, 256) || !isText(q.encoding, 256)) throw malformed("srAts");
    if (!Array.isArray(q.qVals) || q.qVals.length === 0 || q.qVals.length > MAX_LIST) throw malformed("srAts");
  }
}

/** `srAts` (clause 5.2.5); returns whether it holds certified attributes. */
function readSignerAttributes(value: unknown): boolean {
  if (!isJsonObject(value) || Object.keys(value).length === 0 || !exactMembers(value, ["certified", "claimed", "signedAssertions"])) throw malformed("srAts");
  if (value.claimed !== undefined) readQArrays(value.claimed);
  if (value.signedAssertions !== undefined) readQArrays(value.signedAssertions);
  if (value.certified !== undefined && (!Array.isArray(value.certified) || value.certified.length === 0 || !value.certified.every(isJsonObject))) throw malformed("srAts");
  return value.certified !== undefined;
}

/** `sigD` (clause 5.2.8). */
function readSignedData(value: unknown, b64: boolean): SignedDataReference {
  if (!isJsonObject(value) || !exactMembers(value, ["mId", "pars", "hashM", "hashV", "ctys"]) || !isText(value.mId)) throw malformed("sigD");
  const { mId, pars, hashM, hashV, ctys } = value;
  if (!Array.isArray(pars) || pars.length === 0 || pars.length > MAX_LIST || !pars.every((p) => isText(p, 2048))) throw malformed("sigD");
  if (ctys !== undefined && (!Array.isArray(ctys) || ctys.length !== pars.length || !ctys.every((c) => isText(c, 256)))) throw malformed("sigD");
  const references = pars as string[];
  if (mId === SIGD_HTTP_HEADERS) {
    // Clause 5.2.8.2: lowercased header field names; clause 5.1.10: `b64` present and false.
    if (hashM !== undefined || hashV !== undefined || references.some((p) => p !== p.toLowerCase())) throw malformed("sigD");
    if (b64) throw malformed("b64");
    return { mechanism: mId, references };
  }
  if (mId === SIGD_OBJECT_ID_BY_URI) {
    if (hashM !== undefined || hashV !== undefined) throw malformed("sigD");
    return { mechanism: mId, references };
  }
  if (mId === SIGD_OBJECT_ID_BY_URI_HASH) {
    // Clause 5.2.8.3.3: `hashM`, and one `hashV` digest per reference, in order.
    if (!isText(hashM, 256) || !Array.isArray(hashV) || hashV.length !== references.length) throw malformed("sigD");
    const hashAlgorithm = digestAlgorithmOf(hashM);
    if (!hashAlgorithm) throw failed("CRYPTO_CONSTRAINTS_FAILURE", "digest-algorithm", "A digest algorithm in the header is not accepted.");
    const hashes = hashV.map((h) => {
      const bytes = decodeDigestValue(h, hashAlgorithm);
      if (!bytes) throw malformed("sigD");
      return bytes;
    });
    return { mechanism: mId, references, hashAlgorithm, hashes };
  }
  throw undetermined("SIGNED_DATA_NOT_FOUND", "sigD-mechanism", "The signature references its signed data by a mechanism this validator does not support.");
}

/**
 * Reads the JAdES protected header members (everything but `alg` and `crit`, read by
 * {@link readAlgorithm} and {@link checkCritical}).
 *
 * @throws JadesCheckFailure FORMAT_FAILURE (or CRYPTO_CONSTRAINTS_FAILURE for a refused digest algorithm)
 */
export function readProtectedHeader(header: Record<string, unknown>, alg: SignatureAlgorithm, crit: readonly string[]): JadesProtectedHeader {
  // Keys come from certificates only: a header-supplied key or key URL is refused (RFC 7515 §4.1.2–3).
  if ("jwk" in header || "jku" in header) throw malformed("key-in-header");
  // TS 119 182-1 clause 5.1.7: the SHA-1 thumbprint `x5t` shall not be used.
  if ("x5t" in header) throw malformed("x5t");
  const { typ, cty, kid, b64 } = header;
  if (typ !== undefined && !isText(typ, 256)) throw malformed("typ");
  if (cty !== undefined && !isText(cty, 256)) throw malformed("cty");
  if (kid !== undefined && !isText(kid)) throw malformed("kid");
  if (b64 !== undefined && typeof b64 !== "boolean") throw malformed("b64");
  const encoded = b64 !== false;
  const signedData = header.sigD === undefined ? undefined : readSignedData(header.sigD, encoded);
  // Clause 5.1.3: `cty` describes an attached payload; with `sigD` each object's type is in `ctys`.
  if (signedData && cty !== undefined) throw malformed("cty");
  // Built member by member (this runs on every verification: no spread of empty objects).
  const read: { -readonly [K in keyof JadesProtectedHeader]: JadesProtectedHeader[K] } = { alg, b64: encoded, crit, unsupported: [] };
  if (typ !== undefined) read.typ = typ as string;
  if (cty !== undefined) read.cty = cty as string;
  if (kid !== undefined) read.kid = kid as string;
  const reference = readReference(header);
  if (reference) read.reference = reference;
  if (header.x5c !== undefined) read.x5c = readX5c(header.x5c);
  const signingTime = readSigningTime(header);
  if (signingTime) read.signingTime = signingTime;
  const kidIssuerSerial = typeof kid === "string" ? readKid(kid) : undefined;
  if (kidIssuerSerial) read.kidIssuerSerial = kidIssuerSerial;
  if (header.srCms !== undefined) read.commitments = readCommitments(header.srCms);
  if (header.sigPl !== undefined) read.productionPlace = readPlace(header.sigPl);
  if (header.sigPId !== undefined) read.policy = readPolicy(header.sigPId);
  if (signedData) read.signedData = signedData;
  // Clause 5.2.5: claimed attributes and signed assertions are the signer's claims, reported as
  // such; certified attributes (attribute certificates) would need validating, which is not done.
  const unsupported: string[] = [];
  if ("adoTst" in header) unsupported.push("adoTst");
  if (header.srAts !== undefined && readSignerAttributes(header.srAts)) unsupported.push("srAts.certified");
  read.unsupported = unsupported;
  return read;
}
