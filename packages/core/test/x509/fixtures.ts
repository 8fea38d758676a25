/**
 * Test-time certificate hierarchies, built with @peculiar/x509 and WebCrypto keys, with full control
 * over names, validity, keys and extensions (including broken ones).
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Validation time used by the tests, and the default validity period around it. */
export const AT = new Date("2025-06-01T00:00:00Z");
export const NOT_BEFORE = new Date("2024-01-01T00:00:00Z");
export const NOT_AFTER = new Date("2030-01-01T00:00:00Z");
export const PAST = { notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2021-01-01T00:00:00Z") };
export const FUTURE = { notBefore: new Date("2028-01-01T00:00:00Z"), notAfter: new Date("2031-01-01T00:00:00Z") };

export const KU = x509.KeyUsageFlags;
export const CA_KEY_USAGE = KU.keyCertSign | KU.cRLSign;
export const SIGNING_KEY_USAGE = KU.digitalSignature | KU.nonRepudiation;
/** An EKU purpose for licence signing in tests (a private-arc OID). */
export const EKU_LICENCE = "1.3.6.1.4.1.55555.1.1";
export const EKU_OTHER = "1.3.6.1.5.5.7.3.4";
export const UNKNOWN_EXTENSION_OID = "1.3.6.1.4.1.55555.9.9";

export type KeyKind = "P-256" | "P-384" | "Ed25519" | "RSA-PSS";

export interface KeyPair {
  readonly kind: KeyKind;
  readonly keys: CryptoKeyPair;
  /** The WebCrypto signing parameters this key signs certificates with. */
  readonly signing: Algorithm | EcdsaParams | RsaPssParams;
}

const GEN: Record<KeyKind, () => Promise<CryptoKeyPair>> = {
  "P-256": () => crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]) as Promise<CryptoKeyPair>,
  "P-384": () => crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, ["sign", "verify"]) as Promise<CryptoKeyPair>,
  Ed25519: () => crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]) as Promise<CryptoKeyPair>,
  "RSA-PSS": () =>
    crypto.subtle.generateKey(
      { name: "RSA-PSS", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    ) as Promise<CryptoKeyPair>,
};

const SIGNING: Record<KeyKind, Algorithm | EcdsaParams | RsaPssParams> = {
  "P-256": { name: "ECDSA", hash: "SHA-256" } as EcdsaParams,
  "P-384": { name: "ECDSA", hash: "SHA-384" } as EcdsaParams,
  Ed25519: { name: "Ed25519" },
  "RSA-PSS": { name: "RSA-PSS", saltLength: 32 },
};

/** Generates a key pair of the given kind. */
export async function generateKey(kind: KeyKind = "P-256"): Promise<KeyPair> {
  return { kind, keys: await GEN[kind](), signing: SIGNING[kind] };
}

/** A certificate with its key, in every form a test needs. */
export interface Issued {
  readonly subject: string;
  readonly key: KeyPair;
  readonly cert: x509.X509Certificate;
  readonly der: Uint8Array;
  readonly pem: string;
  /** subjectKeyIdentifier (hex) when one was set. */
  readonly ski: string | undefined;
}

export interface CertOptions {
  /** Subject DN (string form, or a @peculiar/x509 JSON name for exact string types). */
  readonly subject: string | x509.JsonNameParams;
  /** The subject key; generated when absent. */
  readonly key?: KeyPair;
  /** Kind of key to generate when `key` is absent. */
  readonly keyKind?: KeyKind;
  /** The issuer; absent → self-signed. */
  readonly issuer?: Issued;
  /** Issuer DN written into the certificate, overriding the issuer's subject. */
  readonly issuerName?: string | x509.JsonNameParams;
  /** Key that signs, overriding the issuer's key (a forged signature). */
  readonly signWith?: KeyPair;
  /** Signature parameters, overriding the signing key's default. */
  readonly signingAlgorithm?: Algorithm | EcdsaParams | RsaPssParams;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** basicConstraints cA; `null` leaves the extension out. */
  readonly ca?: boolean | null;
  readonly pathLength?: number;
  readonly basicConstraintsCritical?: boolean;
  /** keyUsage flags; `null` leaves the extension out. */
  readonly keyUsage?: number | null;
  readonly extendedKeyUsage?: readonly string[];
  /** subjectKeyIdentifier: true (computed), false (absent) or a hex value. Default true. */
  readonly ski?: boolean | string;
  /** authorityKeyIdentifier: true (issuer's SKI), false (absent) or a hex value. Default true when issued. */
  readonly aki?: boolean | string;
  /** Mark subjectKeyIdentifier critical (RFC 5280 §4.2.1.2 says MUST NOT). */
  readonly skiCritical?: boolean;
  /** Mark authorityKeyIdentifier critical (RFC 5280 §4.2.1.1 says MUST NOT). */
  readonly akiCritical?: boolean;
  /** A SubjectPublicKeyInfo (DER) to certify instead of `key`'s public key (e.g. a weak key made by OpenSSL). */
  readonly spki?: Uint8Array;
  /** More extensions, appended as given. */
  readonly extra?: readonly x509.Extension[];
  readonly serialNumber?: string;
}

let serial = 0x1000;

function nameOf(name: string | x509.JsonNameParams): string | x509.Name {
  return typeof name === "string" ? name : new x509.Name(name);
}

/** Issues one certificate exactly as described. */
export async function issue(options: CertOptions): Promise<Issued> {
  const key = options.key ?? (await generateKey(options.keyKind ?? "P-256"));
  const issuer = options.issuer;
  const signer = options.signWith ?? issuer?.key ?? key;
  const extensions: x509.Extension[] = [];
  if (options.ca !== null && options.ca !== undefined) {
    extensions.push(new x509.BasicConstraintsExtension(options.ca, options.pathLength, options.basicConstraintsCritical ?? true));
  }
  if (options.keyUsage !== null && options.keyUsage !== undefined) extensions.push(new x509.KeyUsagesExtension(options.keyUsage, true));
  if (options.extendedKeyUsage) extensions.push(new x509.ExtendedKeyUsageExtension([...options.extendedKeyUsage], false));
  let ski: string | undefined;
  if (options.ski !== false) {
    const keyId =
      typeof options.ski === "string"
        ? options.ski
        : options.spki
          ? createHash("sha1").update(options.spki).digest("hex")
          : (await x509.SubjectKeyIdentifierExtension.create(key.keys.publicKey)).keyId;
    const ext = new x509.SubjectKeyIdentifierExtension(keyId, options.skiCritical ?? false);
    ski = ext.keyId;
    extensions.push(ext);
  }
  const akiValue = options.aki ?? (issuer ? true : false);
  if (akiValue !== false) {
    const id = typeof akiValue === "string" ? akiValue : (issuer ?? { ski }).ski;
    if (id) extensions.push(new x509.AuthorityKeyIdentifierExtension(id, options.akiCritical ?? false));
  }
  extensions.push(...(options.extra ?? []));
  const subjectName = nameOf(options.subject);
  const issuerName = options.issuerName !== undefined ? nameOf(options.issuerName) : issuer ? issuer.cert.subjectName : subjectName;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: options.serialNumber ?? (serial++).toString(16),
    subject: subjectName,
    issuer: issuerName,
    notBefore: options.notBefore ?? NOT_BEFORE,
    notAfter: options.notAfter ?? NOT_AFTER,
    publicKey: options.spki ? new Uint8Array(options.spki) : key.keys.publicKey,
    signingKey: signer.keys.privateKey,
    signingAlgorithm: options.signingAlgorithm ?? signer.signing,
    extensions,
  });
  const der = new Uint8Array(cert.rawData);
  return { subject: cert.subject, key, cert, der, pem: cert.toString("pem"), ski };
}

/** A self-signed root CA (critical basicConstraints cA, keyCertSign + cRLSign, SKI). */
export function createRoot(subject: string, options: Partial<CertOptions> = {}): Promise<Issued> {
  return issue({ ca: true, keyUsage: CA_KEY_USAGE, ...options, subject });
}

/** An intermediate CA issued by `issuer`. */
export function createCa(issuer: Issued, subject: string, options: Partial<CertOptions> = {}): Promise<Issued> {
  return issue({ ca: true, keyUsage: CA_KEY_USAGE, ...options, subject, issuer });
}

/** An end-entity signing certificate (no basicConstraints, digitalSignature + nonRepudiation). */
export function createLeaf(issuer: Issued, subject: string, options: Partial<CertOptions> = {}): Promise<Issued> {
  return issue({ ca: null, keyUsage: SIGNING_KEY_USAGE, ...options, subject, issuer });
}

/** An extension with an arbitrary OID and a NULL value. */
export function unknownExtension(critical: boolean, oid = UNKNOWN_EXTENSION_OID): x509.Extension {
  return new x509.Extension(oid, critical, new Uint8Array([0x05, 0x00]));
}

/** True when an `openssl` binary can be run. */
export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

/**
 * OpenSSL's verdict: `openssl verify -x509_strict -attime <epoch> -CAfile anchors -untrusted inter leaf`.
 * Returns true when OpenSSL accepts the path.
 */
export function opensslVerify(
  leaf: Issued,
  intermediates: readonly Issued[],
  anchors: readonly Issued[],
  at: Date,
  extraArgs: readonly string[] = [],
): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "elicence-x509-"));
  try {
    writeFileSync(join(dir, "leaf.pem"), leaf.pem);
    writeFileSync(join(dir, "anchor.pem"), anchors.map((a) => a.pem).join("\n"));
    const args = ["verify", "-x509_strict", ...extraArgs, "-attime", String(Math.floor(at.getTime() / 1000)), "-CAfile", join(dir, "anchor.pem")];
    if (intermediates.length > 0) {
      writeFileSync(join(dir, "inter.pem"), intermediates.map((i) => i.pem).join("\n"));
      args.push("-untrusted", join(dir, "inter.pem"));
    }
    args.push(join(dir, "leaf.pem"));
    try {
      const output = execFileSync("openssl", args, { stdio: "pipe", encoding: "utf8" });
      return { ok: true, output };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** DER TLV (short or long definite length). */
function tlv(tag: number, content: Uint8Array): Uint8Array<ArrayBuffer> {
  const len = content.length;
  const header = len < 0x80 ? [tag, len] : len < 0x100 ? [tag, 0x81, len] : [tag, 0x82, len >> 8, len & 0xff];
  const out = new Uint8Array(header.length + len);
  out.set(header);
  out.set(content, header.length);
  return out;
}

function cat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A GeneralName: a DN string gives directoryName ([4] EXPLICIT Name); `{ dns }` a dNSName ([2] IA5String). */
export type GeneralNameSpec = string | { readonly dns: string };

/** Encodes a GeneralName (RFC 5280 §4.2.1.6). */
export function generalName(spec: GeneralNameSpec): Uint8Array {
  if (typeof spec === "string") return tlv(0xa4, new Uint8Array(new x509.Name(spec).toArrayBuffer()));
  return tlv(0x82, new TextEncoder().encode(spec.dns));
}

/** A nameConstraints extension (RFC 5280 §4.2.1.10), critical by default; `bounds` adds `maximum [1] 0` to each subtree. */
export function nameConstraints(
  spec: { permitted?: readonly GeneralNameSpec[]; excluded?: readonly GeneralNameSpec[]; bounds?: boolean },
  critical = true,
): x509.Extension {
  const subtrees = (names: readonly GeneralNameSpec[]): Uint8Array =>
    cat(names.map((n) => tlv(0x30, cat([generalName(n), ...(spec.bounds ? [new Uint8Array([0x81, 0x01, 0x00])] : [])]))));
  const parts: Uint8Array[] = [];
  if (spec.permitted) parts.push(tlv(0xa0, subtrees(spec.permitted)));
  if (spec.excluded) parts.push(tlv(0xa1, subtrees(spec.excluded)));
  return new x509.Extension("2.5.29.30", critical, tlv(0x30, cat(parts)));
}

/** A subjectAltName extension holding the given names. */
export function subjectAltName(names: readonly GeneralNameSpec[], critical = false): x509.Extension {
  return new x509.Extension("2.5.29.17", critical, tlv(0x30, cat(names.map(generalName))));
}

/**
 * A SubjectPublicKeyInfo (DER) made by `openssl genpkey` (keys WebCrypto cannot make: RSA 1024,
 * P-192, DSA). `args` are genpkey's key options, e.g. `["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-192"]`.
 */
export function opensslSpki(args: readonly string[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "elicence-key-"));
  try {
    execFileSync("openssl", ["genpkey", ...args, "-out", join(dir, "key.pem")], { stdio: "pipe" });
    return new Uint8Array(execFileSync("openssl", ["pkey", "-in", join(dir, "key.pem"), "-pubout", "-outform", "DER"], { stdio: "pipe" }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A DSA SubjectPublicKeyInfo of `bits` bits (parameters generated by OpenSSL). */
export function opensslDsaSpki(bits: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "elicence-dsa-"));
  try {
    execFileSync("openssl", ["genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", `dsa_paramgen_bits:${bits}`, "-out", join(dir, "params.pem")], { stdio: "pipe" });
    return opensslSpki(["-paramfile", join(dir, "params.pem")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An RSA key pair of `bits` bits made by WebCrypto (RSA-PSS, SHA-256), e.g. a weak 1024-bit issuer. */
export async function generateRsaKey(bits: number): Promise<KeyPair> {
  const keys = (await crypto.subtle.generateKey(
    { name: "RSA-PSS", modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  return { kind: "RSA-PSS", keys, signing: { name: "RSA-PSS", saltLength: 32 } as RsaPssParams };
}
