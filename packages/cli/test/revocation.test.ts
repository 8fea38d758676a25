/**
 * Revocation end to end, against a real `elicence serve` on loopback: core's collector gathers
 * OCSP answers from the served responder (over HTTP, through the caller's fetcher), `rVals`
 * round-trips, path validation judges with them; `elicence department revoke` changes the answers;
 * OpenSSL, as a client, agrees with us on the served OCSP answers and CRL.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectRevocationValues, encodeRevocationValues, readRevocationValues, verifyCrl, type RevocationFetchRequest } from "@elicence/core/revocation";
import { parseCertificate, validateCertificatePath, type Certificate } from "@elicence/core/x509";
import { startServe, stopServe } from "./support/serve.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = join(ROOT, "packages/cli/dist/bin.js");
const PASS = "revocation test passphrase";
const CODE = "11330100MB0000019K";
let dir: string;
let home: string;
let url: string;
let child: ChildProcess;
let dept: Certificate;
let root: Certificate;

function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000" } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The caller's fetcher: the certificates name the workspace's public URL; the test's server listens elsewhere. */
async function fetcher(request: RevocationFetchRequest): Promise<Uint8Array | undefined> {
  const target = request.url.replace("http://localhost:8080", url);
  const res =
    request.kind === "crl"
      ? await fetch(target)
      : await fetch(target, { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: Buffer.from(request.request) });
  return res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined;
}

function openssl(args: readonly string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn("openssl", args, { cwd: dir });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    p.on("close", (status) => resolve({ status, out }));
  });
}

beforeAll(async () => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  expect(spawnSync("openssl", ["version"]).status, "openssl is needed").toBe(0);
  dir = mkdtempSync(join(tmpdir(), "elicence-revocation-"));
  home = join(dir, "ws");
  const init = await cli(["init", "--home", home, "--json"]);
  expect(init.code, init.stderr).toBe(0);
  dept = parseCertificate(readFileSync(join(home, "departments", CODE, "signing.pem"), "utf8"));
  root = parseCertificate(readFileSync(join(home, "pki", "root-ca.pem"), "utf8"));
  writeFileSync(join(dir, "root.pem"), root.toPem());
  writeFileSync(join(dir, "dept.pem"), dept.toPem());
  ({ url, child } = await startServe(BIN, home, PASS));
}, 180_000);

afterAll(async () => {
  if (child) await stopServe(child);
  rmSync(dir, { recursive: true, force: true });
});

const now = () => new Date(Date.now() + 2000);
const validate = (values: { crls: readonly Uint8Array[]; ocspResponses: readonly Uint8Array[] }) =>
  validateCertificatePath({ leaf: dept, trustAnchors: [root], at: now(), revocation: values });

describe("revocation against `elicence serve`", () => {
  it("collects OCSP from the served responder; rVals round-trips and validates the path offline", async () => {
    const values = await collectRevocationValues([dept, root], fetcher, { at: now() });
    expect(values.ocspResponses).toHaveLength(1);
    const read = readRevocationValues(JSON.parse(JSON.stringify(encodeRevocationValues(values))));
    expect(await validate(read)).toMatchObject({ ok: true });
    const served = await openssl(["ocsp", "-issuer", "root.pem", "-cert", "dept.pem", "-url", `${url}/pki/ocsp`, "-CAfile", "root.pem"]);
    expect(served.out).toContain("Response verify OK");
    expect(served.out).toContain("dept.pem: good");
  });

  it("`elicence department revoke` makes the served OCSP and CRL say revoked, for us and for OpenSSL", async () => {
    const revoked = await cli(["department", "revoke", CODE, "--reason", "keyCompromise", "--home", home, "--json"]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const { revokedAt } = JSON.parse(revoked.stdout) as { revokedAt: string };
    const values = await collectRevocationValues([dept, root], fetcher, { at: now() });
    expect(await validate(readRevocationValues(encodeRevocationValues(values)))).toMatchObject({ ok: false, code: "REVOKED", revocationTime: new Date(revokedAt), revocationReason: "keyCompromise" });

    const crl = new Uint8Array(await (await fetch(`${url}/pki/crl`)).arrayBuffer());
    expect(await verifyCrl(crl, { certificate: dept, issuer: root, at: now() })).toMatchObject({ ok: true, status: "revoked", revocationTime: new Date(revokedAt) });
    writeFileSync(join(dir, "crl.der"), crl);
    const pem = await openssl(["crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem", "-CAfile", "root.pem"]);
    expect(pem.out).toContain("verify OK");
    const verify = await openssl(["verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem", "dept.pem"]);
    expect(verify.status).not.toBe(0);
    expect(verify.out).toContain("certificate revoked");
    const ocsp = await openssl(["ocsp", "-issuer", "root.pem", "-cert", "dept.pem", "-url", `${url}/pki/ocsp`, "-CAfile", "root.pem"]);
    expect(ocsp.out).toContain("Response verify OK");
    expect(ocsp.out).toContain("dept.pem: revoked");
    expect(ocsp.out).toContain("Reason: keyCompromise");

    const again = await cli(["department", "revoke", CODE, "--reason", "superseded", "--home", home]);
    expect(again.code).not.toBe(0);
  });
});
