/**
 * Test-time certificate hierarchies, built with @peculiar/x509 and WebCrypto keys, with full control
 * over names, validity, keys and extensions (including broken ones).
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { execFileSync } from "node:child_process";
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
    const ext = typeof options.ski === "string" ? new x509.SubjectKeyIdentifierExtension(options.ski) : await x509.SubjectKeyIdentifierExtension.create(key.keys.publicKey);
    ski = ext.keyId;
    extensions.push(ext);
  }
  const akiValue = options.aki ?? (issuer ? true : false);
  if (akiValue !== false) {
    const id = typeof akiValue === "string" ? akiValue : (issuer ?? { ski }).ski;
    if (id) extensions.push(new x509.AuthorityKeyIdentifierExtension(id));
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
    publicKey: key.keys.publicKey,
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
export function opensslVerify(leaf: Issued, intermediates: readonly Issued[], anchors: readonly Issued[], at: Date): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "elicence-x509-"));
  try {
    writeFileSync(join(dir, "leaf.pem"), leaf.pem);
    writeFileSync(join(dir, "anchor.pem"), anchors.map((a) => a.pem).join("\n"));
    const args = ["verify", "-x509_strict", "-attime", String(Math.floor(at.getTime() / 1000)), "-CAfile", join(dir, "anchor.pem")];
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
