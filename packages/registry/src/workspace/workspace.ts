/**
 * A local eLicence workspace (`elicence init --home DIR`): a development CA, one issuing department
 * with its encrypted signing key, the registry operator's and status service's keys, a signed trust
 * list and a catalogue of licence types, all as files in one directory.
 *
 * Layout (every private key is PKCS#8 encrypted with the workspace passphrase):
 * ```
 * elicence.json                  workspace description (no secrets)
 * catalogue/<type code>.json     licence types
 * pki/root-ca.pem, .key.pem      development root CA
 * pki/operator.pem, .key.pem     registry operator (signs the trust list)
 * pki/status.pem, .key.pem       status list service
 * pki/tsa.pem, .key.pem          the built-in time-stamping authority (RFC 3161)
 * pki/pseudonym.key.pem          the secret holder codes are pseudonymised with
 * pki/data.key.pem               wraps the data keys that seal hidden fields in the database
 * departments/<USCC>/signing.pem, signing.key.pem, chain.pem
 * trust-list.jwt                 the signed trust list
 * ```
 *
 * @module
 */
import { mkdir, readFile, readdir, rename, writeFile, access } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { statusPolicies } from "../registry/trust-list.js";
import { normalisePublicUrl } from "./public-url.js";
import { LicenceError, isJwsAlgorithm, isValidUscc, verifyTrustList, type JwsAlgorithm, type LicenceType, type TrustList, type TrustListDocument } from "@elicence/core";
import { encodeBase64 } from "@elicence/core/encoding";
import {
  createIssuingContext,
  parseLicenceType,
  signTrustList,
  type IssuingContext,
} from "@elicence/core/issue";
import { createKeySigner } from "@elicence/core/jws";
import { decryptPrivateKey, encryptPrivateKey } from "@elicence/core/keys";
import { parseCertificate } from "@elicence/core/x509";

/** The workspace description file, `elicence.json`. */
export interface WorkspaceConfig {
  readonly format: 1;
  readonly operator: { readonly name: string; readonly code: string };
  readonly departments: readonly { readonly name: string; readonly code: string; readonly alg: JwsAlgorithm; readonly cosign?: readonly JwsAlgorithm[] }[];
  /** Base URL the registry is reached at; status list URIs in licences are built from it. */
  readonly publicUrl?: string;
  /**
   * Trusted time for issued licences (JAdES B-T): `{ builtIn: true }` for the workspace's own TSA
   * (`pki/tsa.pem`), `{ url }` for an external RFC 3161 TSA; absent, licences are issued at B-B.
   */
  readonly timestamping?: { readonly builtIn: true } | { readonly url: string };
}

/** A department to create at init. */
export interface DepartmentSpec {
  readonly name: string;
  readonly code: string;
}

/** Options of {@link initWorkspace}. */
export interface InitWorkspaceOptions {
  /** Encrypts every private key of the workspace. */
  readonly passphrase: string;
  /** The time of creation (certificate and trust list validity start here). */
  readonly now: Date;
  readonly operator: DepartmentSpec;
  readonly departments: readonly DepartmentSpec[];
  /** Licence types for the catalogue. */
  readonly licenceTypes: readonly LicenceType[];
  /** Signing algorithm of the departments; ES256 by default. */
  readonly alg?: JwsAlgorithm;
  /** PBKDF2 iterations for key encryption (default: the core default, 600 000). */
  readonly iterations?: number;
  /** Overwrite an existing workspace. */
  readonly force?: boolean;
  /** Base URL of the registry (default `http://localhost:8080`). */
  readonly publicUrl?: string;
  /** An external RFC 3161 TSA to time-stamp licences with, instead of the built-in one. */
  readonly tsaUrl?: string;
}

const CONFIG = "elicence.json";
/** The public URL of a workspace made without one. */
export const DEFAULT_PUBLIC_URL = "http://localhost:8080";

/** Cuts a name to 64 characters without splitting a surrogate pair or leaving a trailing space. */
function truncateName(name: string): string {
  return Array.from(name).slice(0, 64).join("").trim();
}
export const YEAR = 365 * 24 * 3600 * 1000;

/** Where the workspace CA publishes revocation evidence (`elicence serve`: `/pki/crl`, `/pki/ocsp`). */
export function revocationUrls(publicUrl: string): { crl: string; ocsp: string } {
  const base = publicUrl.replace(/\/+$/, "");
  return { crl: `${base}/pki/crl`, ocsp: `${base}/pki/ocsp` };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes a file atomically (temp file + rename), so a crash never leaves half a file. */
export async function writeAtomic(path: string, data: string, mode = 0o644): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}

/**
 * Creates a workspace: dev root CA, operator and status keys, departments with signing keys, the
 * catalogue and a signed trust list.
 *
 * @param home - the directory (created if missing)
 * @param options - passphrase, time, names and licence types
 * @throws LicenceError `ERR_CONFLICT` when a workspace exists there and `force` is not set
 * @example
 * ```ts
 * await initWorkspace("./ws", { passphrase, now: new Date(), operator, departments, licenceTypes });
 * ```
 */
export async function initWorkspace(home: string, options: InitWorkspaceOptions): Promise<Workspace> {
  const dir = resolve(home);
  if (options.publicUrl !== undefined) normalisePublicUrl(options.publicUrl);
  if (!options.force && (await exists(join(dir, CONFIG)))) {
    throw new LicenceError("ERR_CONFLICT", "A workspace already exists in this directory.");
  }
  const types = options.licenceTypes.map((t) => parseLicenceType(t));
  // The certificate generator is only needed here: load it on demand so other commands start fast.
  const { createDepartmentCertificate, createRootCa, createServiceCertificate, createTsaCertificate } = await import("@elicence/pki");
  const alg = options.alg ?? "ES256";
  // An SM2 workspace is SM2 throughout (root, trust list, status lists, log, licences); the other
  // algorithms keep the ES256 root and service keys.
  const infrastructureAlg = alg === "SM2SM3" ? alg : undefined;
  const infra = infrastructureAlg ? { alg: infrastructureAlg } : {};
  const notBefore = new Date(Math.floor(options.now.getTime() / 1000) * 1000 - 60_000);
  const encrypt = (pkcs8: Uint8Array) => encryptPrivateKey(pkcs8, options.passphrase, options.iterations ? { iterations: options.iterations } : {});
  for (const sub of ["catalogue", "pki", "departments"]) await mkdir(join(dir, sub), { recursive: true });

  const root = await createRootCa({ commonName: "eLicence Development Root CA", organizationName: "eLicence development", notBefore, notAfter: new Date(notBefore.getTime() + 20 * YEAR), ...infra });
  const rootIssuer = { certificatePem: root.certificatePem, privateKeyPkcs8: root.privateKeyPkcs8, alg: root.alg };
  const operator = await createServiceCertificate({
    issuer: rootIssuer,
    purpose: "trust-list-signing",
    commonName: truncateName(`${options.operator.name} 信任列表签名`),
    organizationName: options.operator.name,
    uscc: options.operator.code,
    ...infra,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 5 * YEAR),
  });
  const status = await createServiceCertificate({
    issuer: rootIssuer,
    purpose: "status-list-signing",
    commonName: truncateName(`${options.operator.name} 证照状态列表签名`),
    organizationName: options.operator.name,
    uscc: options.operator.code,
    ...infra,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 5 * YEAR),
  });
  const log = await createServiceCertificate({
    issuer: rootIssuer,
    purpose: "log-signing",
    commonName: truncateName(`${options.operator.name} 日志签名`),
    organizationName: options.operator.name,
    uscc: options.operator.code,
    ...infra,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 5 * YEAR),
  });
  // The built-in TSA outlives the departments' certificates (three years), as real TSAs do, so a
  // licence can be shown to outlive its department's certificate. An SM2 workspace's TSA signs
  // with SM2 too: its time-stamps are evidence of the same kind as everything else it signs.
  const tsa = await createTsaCertificate({
    issuer: rootIssuer,
    commonName: truncateName(`${options.operator.name} 时间戳服务`),
    organizationName: options.operator.name,
    ...infra,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 10 * YEAR),
  });
  // The secret that pseudonymises holder codes in the registry's indexes and log (used as an
  // HMAC key). It is a fresh random private key so that it is stored encrypted like every other key.
  const pseudonym = new Uint8Array(generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }));
  await writeAtomic(join(dir, "pki", "root-ca.pem"), root.certificatePem);
  await writeAtomic(join(dir, "pki", "root-ca.key.pem"), await encrypt(root.privateKeyPkcs8), 0o600);
  await writeAtomic(join(dir, "pki", "operator.pem"), operator.certificatePem);
  await writeAtomic(join(dir, "pki", "operator.key.pem"), await encrypt(operator.privateKeyPkcs8), 0o600);
  await writeAtomic(join(dir, "pki", "status.pem"), status.certificatePem);
  await writeAtomic(join(dir, "pki", "status.key.pem"), await encrypt(status.privateKeyPkcs8), 0o600);
  await writeAtomic(join(dir, "pki", "log.pem"), log.certificatePem);
  await writeAtomic(join(dir, "pki", "log.key.pem"), await encrypt(log.privateKeyPkcs8), 0o600);
  await writeAtomic(join(dir, "pki", "pseudonym.key.pem"), await encrypt(pseudonym), 0o600);
  // The key that wraps the registry's data keys (hidden fields are sealed at rest under them).
  const dataKek = new Uint8Array(generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }));
  await writeAtomic(join(dir, "pki", "data.key.pem"), await encrypt(dataKek), 0o600);
  await writeAtomic(join(dir, "pki", "tsa.pem"), tsa.certificatePem);
  await writeAtomic(join(dir, "pki", "tsa.key.pem"), await encrypt(tsa.privateKeyPkcs8), 0o600);

  const departments: { name: string; code: string; alg: JwsAlgorithm; thumbprint: string; certificate: string }[] = [];
  for (const dept of options.departments) {
    const cert = await createDepartmentCertificate({
      issuer: rootIssuer,
      department: { name: dept.name, uscc: dept.code },
      alg,
      notBefore,
      notAfter: new Date(notBefore.getTime() + 3 * YEAR),
      revocation: revocationUrls(options.publicUrl ?? "http://localhost:8080"),
    });
    const deptDir = join(dir, "departments", dept.code);
    await mkdir(deptDir, { recursive: true });
    await writeAtomic(join(deptDir, "signing.pem"), cert.certificatePem);
    await writeAtomic(join(deptDir, "signing.key.pem"), await encrypt(cert.privateKeyPkcs8), 0o600);
    await writeAtomic(join(deptDir, "chain.pem"), cert.certificatePem + root.certificatePem);
    departments.push({ name: dept.name, code: dept.code, alg, thumbprint: Buffer.from(parseCertificate(cert.certificateDer).sha256).toString("base64url"), certificate: encodeBase64(cert.certificateDer) });
  }
  for (const type of types) await writeAtomic(join(dir, "catalogue", `${type.code}.json`), `${JSON.stringify(type, null, 2)}\n`);

  const document: TrustListDocument = {
    sequence: 1,
    operator: { name: options.operator.name, code: options.operator.code },
    issuedAt: notBefore.toISOString(),
    nextUpdate: new Date(notBefore.getTime() + YEAR).toISOString(),
    anchors: [{ name: "eLicence Development Root CA", certificate: encodeBase64(root.certificateDer) }],
    departments: departments.map((d) => ({
      code: d.code,
      name: d.name,
      licenceTypes: types.filter((t) => t.issuers.includes(d.code)).map((t) => t.code),
      certificates: [d.thumbprint],
      validFrom: notBefore.toISOString(),
    })),
    services: [
      { role: "status-list", name: "status list service", certificate: encodeBase64(status.certificateDer) },
      { role: "log", name: "registry log", certificate: encodeBase64(log.certificateDer) },
      { role: "time-stamping", name: "built-in time-stamping authority", certificate: encodeBase64(tsa.certificateDer) },
    ],
    // The departments' signing certificates (issued by the root itself: no CA between), so that
    // licences, which name theirs by x5t#S256 only, are verified from the trust list alone.
    certificates: departments.map((d) => d.certificate),
    licenceTypes: statusPolicies(types),
  };
  const operatorSigner = await createKeySigner(operator.privateKeyPkcs8, operator.alg);
  await writeAtomic(join(dir, "trust-list.jwt"), `${await signTrustList(document, operatorSigner, [operator.certificatePem])}\n`);

  const config: WorkspaceConfig = {
    format: 1,
    operator: { ...options.operator },
    departments: departments.map(({ name, code, alg: a }) => ({ name, code, alg: a })),
    publicUrl: options.publicUrl === undefined ? DEFAULT_PUBLIC_URL : normalisePublicUrl(options.publicUrl),
    timestamping: options.tsaUrl !== undefined ? { url: options.tsaUrl } : { builtIn: true },
  };
  await writeAtomic(join(dir, CONFIG), `${JSON.stringify(config, null, 2)}\n`);
  return openWorkspace(dir);
}

/**
 * Opens an existing workspace.
 *
 * @param home - the directory `initWorkspace` made
 * @throws LicenceError `ERR_NOT_FOUND` when there is no workspace
 */
export async function openWorkspace(home: string): Promise<Workspace> {
  const dir = resolve(home);
  let text: string;
  try {
    text = await readFile(join(dir, CONFIG), "utf8");
  } catch {
    throw new LicenceError("ERR_NOT_FOUND", "There is no eLicence workspace in this directory.");
  }
  let config: WorkspaceConfig;
  try {
    config = JSON.parse(text) as WorkspaceConfig;
  } catch (cause) {
    throw new LicenceError("ERR_INPUT_MALFORMED", "The workspace description is not valid JSON.", { cause });
  }
  if (config.format !== 1 || !Array.isArray(config.departments)) throw new LicenceError("ERR_INPUT_MALFORMED", "The workspace description is not one this version reads.");
  return new Workspace(dir, config);
}

/** Options of {@link Workspace.addDepartment}. */
export interface AddDepartmentOptions {
  /** The department's name as its certificate will carry it. */
  readonly name: string;
  /** Its unified social credit code (GB 32100). */
  readonly code: string;
  /** Signature algorithm of its key (default ES256). */
  readonly alg?: JwsAlgorithm;
  /** The workspace passphrase: decrypts the root CA key and encrypts the new one. */
  readonly passphrase: string;
  readonly now: Date;
  /** PBKDF2 iterations for the new key (default: the core's). */
  readonly iterations?: number;
}

/** An opened workspace. */
export class Workspace {
  /** @internal Use {@link openWorkspace}. */
  constructor(
    /** Absolute path of the workspace. */
    readonly home: string,
    /** The workspace description. */
    public config: WorkspaceConfig,
  ) {}

  /** The path of a file inside the workspace. */
  path(...parts: string[]): string {
    return join(this.home, ...parts);
  }

  /** The catalogue: every licence type, validated. */
  async catalogue(): Promise<LicenceType[]> {
    const files = (await readdir(this.path("catalogue"))).filter((f) => f.endsWith(".json")).sort();
    const types: LicenceType[] = [];
    for (const file of files) {
      const text = await readFile(this.path("catalogue", file), "utf8");
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new LicenceError("ERR_CATALOGUE_INVALID", "A catalogue file is not valid JSON.", { cause, details: { file } });
      }
      types.push(parseLicenceType(json));
    }
    return types;
  }

  /** The signed trust list, as text. */
  async trustListToken(): Promise<string> {
    return (await readFile(this.path("trust-list.jwt"), "utf8")).trim();
  }

  /** Replaces the signed trust list (atomically). */
  async writeTrustList(token: string): Promise<void> {
    await writeAtomic(this.path("trust-list.jwt"), `${token.trim()}\n`);
  }

  /** The registry operator's certificate (PEM): the signer the workspace's trust list is pinned to. */
  async operatorCertificate(): Promise<string> {
    return readFile(this.path("pki", "operator.pem"), "utf8");
  }

  /** The trust list, verified against the workspace's pinned operator certificate. */
  async trustList(at: Date, algorithms: readonly JwsAlgorithm[]): Promise<TrustList> {
    const operatorPem = await this.operatorCertificate();
    return verifyTrustList(await this.trustListToken(), { at, algorithms, operatorCertificates: [operatorPem] });
  }

  /**
   * A department's signing key, decrypted once: its issuing context and the key as a `KeyObject`
   * with its chain, which the registry hands to its signing workers in memory. The decrypted bytes are wiped.
   */
  async signingKey(code: string, passphrase: string): Promise<{ code: string; alg: JwsAlgorithm; key: KeyObject; chain: string[]; context: IssuingContext }> {
    const dept = this.config.departments.find((d) => d.code === code);
    if (!dept) throw new LicenceError("ERR_NOT_FOUND", "The workspace has no such department.");
    const dir = this.path("departments", dept.code);
    const pkcs8 = await decryptPrivateKey(await readFile(join(dir, "signing.key.pem"), "utf8"), passphrase);
    try {
      const chain = (await readFile(join(dir, "chain.pem"), "utf8")).split(/(?=-----BEGIN CERTIFICATE-----)/).filter((c) => c.trim().length > 0);
      const context = await createIssuingContext({ signer: await createKeySigner(pkcs8, dept.alg), certificateChain: chain });
      const key = createPrivateKey({ key: Buffer.from(pkcs8.buffer, pkcs8.byteOffset, pkcs8.byteLength), format: "der", type: "pkcs8" });
      return { code: dept.code, alg: dept.alg, key, chain, context };
    } finally {
      pkcs8.fill(0);
    }
  }

  /**
   * Adds an issuing department: a signing certificate from the workspace's root CA (organization
   * identifier = its USCC; digitalSignature + nonRepudiation; three years) and its encrypted key,
   * recorded in `elicence.json`. The trust list is re-signed by the registry (see
   * `Registry.addDepartment`), which is the only caller that should use this directly.
   *
   * @param options - name, USCC, algorithm, the workspace passphrase and the time
   * @returns the department and its certificate's base64url SHA-256 thumbprint
   * @throws LicenceError `ERR_VALIDATION`, `ERR_CONFLICT` (already a department), `ERR_PASSPHRASE_INCORRECT`
   */
  async addDepartment(options: AddDepartmentOptions): Promise<{ name: string; code: string; alg: JwsAlgorithm; thumbprint: string }> {
    const issues: { path: string[]; message: string }[] = [];
    if (typeof options.code !== "string" || !isValidUscc(options.code)) issues.push({ path: ["code"], message: "must be a valid unified social credit code" });
    // eslint-disable-next-line no-control-regex
    if (typeof options.name !== "string" || options.name.trim().length === 0 || options.name.length > 128 || /[\u0000-\u001f\u007f]/.test(options.name)) {
      issues.push({ path: ["name"], message: "must be 1 to 128 characters without control characters" });
    }
    const alg = options.alg ?? "ES256";
    if (!["ES256", "EdDSA", "PS256", "SM2SM3"].includes(alg)) issues.push({ path: ["alg"], message: "must be ES256, EdDSA, PS256 or SM2SM3" });
    if (issues.length > 0) throw new LicenceError("ERR_VALIDATION", "The department is not valid.", { issues });
    const current = JSON.parse(await readFile(this.path(CONFIG), "utf8")) as WorkspaceConfig;
    // A directory without an entry in elicence.json is what an interrupted add leaves: redone below.
    if (current.departments.some((d) => d.code === options.code) || options.code === current.operator.code) {
      throw new LicenceError("ERR_CONFLICT", "The workspace already has a department with this code.");
    }
    const { createDepartmentCertificate } = await import("@elicence/pki");
    const rootPem = await readFile(this.path("pki", "root-ca.pem"), "utf8");
    const rootKey = await decryptPrivateKey(await readFile(this.path("pki", "root-ca.key.pem"), "utf8"), options.passphrase);
    const rootAlg = parseCertificate(rootPem).publicKeyAlgorithm;
    if (!rootAlg || !isJwsAlgorithm(rootAlg)) throw new LicenceError("ERR_KEY_INVALID", "The workspace root CA has an unsupported key.");
    const notBefore = new Date(Math.floor(options.now.getTime() / 1000) * 1000 - 60_000);
    const cert = await createDepartmentCertificate({
      issuer: { certificatePem: rootPem, privateKeyPkcs8: rootKey, alg: rootAlg },
      department: { name: options.name, uscc: options.code },
      alg,
      notBefore,
      notAfter: new Date(notBefore.getTime() + 3 * YEAR),
      revocation: revocationUrls(current.publicUrl ?? "http://localhost:8080"),
    });
    const dir = this.path("departments", options.code);
    await mkdir(dir, { recursive: true });
    const key = await encryptPrivateKey(cert.privateKeyPkcs8, options.passphrase, options.iterations ? { iterations: options.iterations } : {});
    await writeAtomic(join(dir, "signing.key.pem"), key, 0o600);
    await writeAtomic(join(dir, "signing.pem"), cert.certificatePem);
    await writeAtomic(join(dir, "chain.pem"), cert.certificatePem + rootPem);
    // The description last: a department is only there once its key and certificate are.
    this.config = { ...current, departments: [...current.departments, { name: options.name, code: options.code, alg }] };
    await writeAtomic(this.path(CONFIG), `${JSON.stringify(this.config, null, 2)}\n`);
    return { name: options.name, code: options.code, alg, thumbprint: Buffer.from(parseCertificate(cert.certificateDer).sha256).toString("base64url") };
  }

  /**
   * The built-in time-stamping authority's certificate (PEM) and decrypted key, for a TSA to run
   * with (in a worker, or behind `POST /tsa`).
   *
   * @throws LicenceError `ERR_NOT_FOUND` when the workspace has no built-in TSA
   */
  async timestampAuthorityKey(passphrase: string): Promise<{ certificatePem: string; privateKeyPkcs8: Uint8Array; alg: JwsAlgorithm }> {
    let pem: string;
    try {
      pem = await readFile(this.path("pki", "tsa.pem"), "utf8");
    } catch {
      throw new LicenceError("ERR_NOT_FOUND", "The workspace has no built-in time-stamping authority.");
    }
    const alg = parseCertificate(pem).publicKeyAlgorithm;
    if (!alg || !isJwsAlgorithm(alg)) throw new LicenceError("ERR_KEY_INVALID", "The time-stamping authority has an unsupported key.");
    return { certificatePem: pem, privateKeyPkcs8: await decryptPrivateKey(await readFile(this.path("pki", "tsa.key.pem"), "utf8"), passphrase), alg };
  }

  /** The base64url SHA-256 thumbprint of a workspace department's signing certificate. */
  async departmentThumbprint(code: string): Promise<string> {
    const pem = await readFile(this.path("departments", code, "signing.pem"), "utf8");
    return Buffer.from(parseCertificate(pem).sha256).toString("base64url");
  }
}
