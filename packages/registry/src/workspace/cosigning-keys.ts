/**
 * A department's further signing keys: a department that signs with SM2SM3 and ES256 (a
 * dual-signed licence, accepted at home and by any JAdES verifier abroad) holds its first key as
 * before (`departments/<USCC>/signing.*`) and each further one beside it, encrypted at rest with the
 * workspace passphrase like every other key:
 * ```
 * departments/<USCC>/cosign-<alg>.pem, cosign-<alg>.key.pem, cosign-<alg>.chain.pem
 * ```
 * `elicence.json` lists their algorithms in the department's `cosign` member, in signing order.
 *
 * @module
 */
import { readFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { LicenceError, isJwsAlgorithm, type JwsAlgorithm } from "@elicence/core";
import { createIssuingContext, type IssuingContext } from "@elicence/core/issue";
import { createKeySigner } from "@elicence/core/jws";
import { decryptPrivateKey, encryptPrivateKey } from "@elicence/core/keys";
import { parseCertificate } from "@elicence/core/x509";
import { revocationUrls, writeAtomic, YEAR, type Workspace, type WorkspaceConfig } from "./workspace.js";

/** Most keys one department signs with (core's `MAX_LICENCE_SIGNATURES`). */
const MAX_KEYS = 4;
const ALGORITHMS: readonly JwsAlgorithm[] = ["ES256", "EdDSA", "PS256", "SM2SM3"];

/** Options of {@link addCosigningKey}. */
export interface AddCosigningKeyOptions {
  /** The department's USCC (already in the workspace). */
  readonly code: string;
  /** The algorithm of the new key: one the department does not sign with yet. */
  readonly alg: JwsAlgorithm;
  /** The workspace passphrase: decrypts the root CA key and encrypts the new one. */
  readonly passphrase: string;
  readonly now: Date;
  /** PBKDF2 iterations for the new key (default: the core's). */
  readonly iterations?: number;
}

/** A department's further key as added: its algorithm and its certificate's base64url SHA-256 thumbprint. */
export interface AddedCosigningKey {
  readonly code: string;
  readonly alg: JwsAlgorithm;
  readonly thumbprint: string;
}

function files(ws: Workspace, code: string, alg: JwsAlgorithm): { cert: string; key: string; chain: string } {
  const dir = ws.path("departments", code);
  return { cert: join(dir, `cosign-${alg}.pem`), key: join(dir, `cosign-${alg}.key.pem`), chain: join(dir, `cosign-${alg}.chain.pem`) };
}

/**
 * Gives a workspace department one more signing key: a certificate from the workspace root CA for
 * the same department (same subject, its own key) and the key encrypted at rest. Its licences are
 * signed with every key from then on. The trust list is re-signed by the registry
 * (`Registry.addDepartmentKey`), the only caller that should use this directly.
 *
 * @throws LicenceError `ERR_VALIDATION` (unknown algorithm, one the department has, too many keys),
 *   `ERR_NOT_FOUND` (no such department), `ERR_PASSPHRASE_INCORRECT`
 */
export async function addCosigningKey(ws: Workspace, options: AddCosigningKeyOptions): Promise<AddedCosigningKey> {
  const current = JSON.parse(await readFile(ws.path("elicence.json"), "utf8")) as WorkspaceConfig;
  const dept = current.departments.find((d) => d.code === options.code);
  if (!dept) throw new LicenceError("ERR_NOT_FOUND", "The workspace has no such department.");
  const has = [dept.alg, ...(dept.cosign ?? [])];
  const issues: { path: string[]; message: string }[] = [];
  if (!ALGORITHMS.includes(options.alg)) issues.push({ path: ["alg"], message: "must be ES256, EdDSA, PS256 or SM2SM3" });
  else if (has.includes(options.alg)) issues.push({ path: ["alg"], message: "the department already signs with this algorithm" });
  if (has.length >= MAX_KEYS) issues.push({ path: ["alg"], message: `a department signs with at most ${MAX_KEYS} keys` });
  if (issues.length > 0) throw new LicenceError("ERR_VALIDATION", "The signing key is not valid.", { issues });
  const { createDepartmentCertificate } = await import("@elicence/pki");
  const rootPem = await readFile(ws.path("pki", "root-ca.pem"), "utf8");
  const rootKey = await decryptPrivateKey(await readFile(ws.path("pki", "root-ca.key.pem"), "utf8"), options.passphrase);
  const rootAlg = parseCertificate(rootPem).publicKeyAlgorithm;
  if (!rootAlg || !isJwsAlgorithm(rootAlg)) throw new LicenceError("ERR_KEY_INVALID", "The workspace root CA has an unsupported key.");
  const notBefore = new Date(Math.floor(options.now.getTime() / 1000) * 1000 - 60_000);
  const cert = await createDepartmentCertificate({
    issuer: { certificatePem: rootPem, privateKeyPkcs8: rootKey, alg: rootAlg },
    department: { name: dept.name, uscc: dept.code },
    alg: options.alg,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 3 * YEAR),
    revocation: revocationUrls(current.publicUrl ?? "http://localhost:8080"),
  });
  rootKey.fill(0);
  await mkdir(ws.path("departments", dept.code), { recursive: true });
  const f = files(ws, dept.code, options.alg);
  await writeAtomic(f.key, await encryptPrivateKey(cert.privateKeyPkcs8, options.passphrase, options.iterations ? { iterations: options.iterations } : {}), 0o600);
  await writeAtomic(f.cert, cert.certificatePem);
  await writeAtomic(f.chain, cert.certificatePem + rootPem);
  // The description last: a key is only there once its files are.
  ws.config = { ...current, departments: current.departments.map((d) => (d.code === dept.code ? { ...d, cosign: [...(d.cosign ?? []), options.alg] } : d)) };
  await writeAtomic(ws.path("elicence.json"), `${JSON.stringify(ws.config, null, 2)}\n`);
  return { code: dept.code, alg: options.alg, thumbprint: Buffer.from(parseCertificate(cert.certificateDer).sha256).toString("base64url") };
}

/**
 * A department's further keys, decrypted once, as issuing contexts in signing order (none for a
 * department with one key). The decrypted bytes are wiped.
 */
export async function cosigningKeys(ws: Workspace, code: string, passphrase: string): Promise<{ alg: JwsAlgorithm; context: IssuingContext }[]> {
  const dept = ws.config.departments.find((d) => d.code === code);
  if (!dept) throw new LicenceError("ERR_NOT_FOUND", "The workspace has no such department.");
  const out: { alg: JwsAlgorithm; context: IssuingContext }[] = [];
  for (const alg of dept.cosign ?? []) {
    const f = files(ws, code, alg);
    const pkcs8 = await decryptPrivateKey(await readFile(f.key, "utf8"), passphrase);
    try {
      const chain = (await readFile(f.chain, "utf8")).split(/(?=-----BEGIN CERTIFICATE-----)/).filter((c) => c.trim().length > 0);
      out.push({ alg, context: await createIssuingContext({ signer: await createKeySigner(pkcs8, alg), certificateChain: chain }) });
    } finally {
      pkcs8.fill(0);
    }
  }
  return out;
}

/** The thumbprints of a department's further keys' certificates. */
export async function cosigningThumbprints(ws: Workspace, code: string): Promise<string[]> {
  const dept = ws.config.departments.find((d) => d.code === code);
  const out: string[] = [];
  for (const alg of dept?.cosign ?? []) out.push(Buffer.from(parseCertificate(await readFile(files(ws, code, alg).cert, "utf8")).sha256).toString("base64url"));
  return out;
}
