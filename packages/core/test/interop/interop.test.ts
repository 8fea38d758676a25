/**
 * Interoperability: a licence we issue verifies with independent implementations — Debian's
 * python3-jwcrypto and panva/jose, with the key of the certificate the archive form carries
 * (`etsiU` → `xVals`) and that the compact header names by `x5t#S256` — and `openssl verify` for
 * the chain.
 * These tools are installed by `scripts/test-deps.mjs`; a missing tool fails the test, never skips it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { compactVerify, importX509 } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { issueLicence, type IssuedLicence } from "../../src/licence/issue.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, world, type World } from "../fixtures/world.js";

const PYTHON = "/usr/bin/python3";
const JWCRYPTO_VERIFY = `
import sys, json, base64, hashlib
from jwcrypto import jwk, jws
from cryptography import x509
given = json.loads(sys.stdin.read())
compact = given["compact"].split("~")[0]
header = json.loads(base64.urlsafe_b64decode(compact.split(".")[0] + "=="))
assert "x5c" not in header
der = base64.b64decode(given["archive"]["header"]["etsiU"][0]["xVals"][0]["x509Cert"]["val"])
assert base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode() == header["x5t#S256"]
cert = x509.load_der_x509_certificate(der)
key = jwk.JWK.from_pyca(cert.public_key())
sig = jws.JWS()
sig.deserialize(compact)
sig.verify(key, alg=header["alg"])
print(json.dumps({"ok": True, "alg": header["alg"], "payload": json.loads(sig.payload)}))
`;

let w: World;
const licences: Record<string, IssuedLicence> = {};
const pem = (der: Uint8Array) => new X509Certificate(der).toString();

beforeAll(async () => {
  w = await world();
  for (const alg of ["ES256", "EdDSA", "PS256"] as const) {
    licences[alg] = await issueLicence(w.departments[alg].context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: `INTEROP${alg.toUpperCase()}`, issuedAt: ISSUED_AT });
  }
});

const leafOf = (lic: IssuedLicence) => (lic.archive.header.etsiU![0] as { xVals: { x509Cert: { val: string } }[] }).xVals[0]!.x509Cert.val;

describe("python3-jwcrypto verifies our licences with the key of the certificate the header names", () => {
  it.each(["ES256", "EdDSA", "PS256"])("%s", (alg) => {
    const out = execFileSync(PYTHON, ["-c", JWCRYPTO_VERIFY], { input: JSON.stringify({ compact: licences[alg]!.compact, archive: licences[alg]!.archive }), encoding: "utf8" });
    const result = JSON.parse(out);
    expect(result.ok).toBe(true);
    expect(result.alg).toBe(alg);
    expect(result.payload.jti).toBe(licences[alg]!.id);
  });

  it("and rejects a tampered one (the check can fail)", () => {
    const lic = licences.ES256!;
    const [h, , s] = lic.jws.split(".");
    const payload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(lic.archive.payload, "base64url").toString()), iss: "X" })).toString("base64url");
    const input = JSON.stringify({ compact: `${h}.${payload}.${s}~`, archive: lic.archive });
    expect(() => execFileSync(PYTHON, ["-c", JWCRYPTO_VERIFY], { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] })).toThrow();
  });
});

describe("panva/jose verifies our licences", () => {
  it.each(["ES256", "EdDSA", "PS256"])("%s", async (alg) => {
    const lic = licences[alg]!;
    const header = JSON.parse(Buffer.from(lic.archive.protected, "base64url").toString());
    expect(header.x5c).toBeUndefined();
    const key = await importX509(pem(Buffer.from(leafOf(lic), "base64")), alg);
    const { protectedHeader } = await compactVerify(lic.jws, key, { algorithms: [alg] });
    expect(protectedHeader["x5t#S256"]).toBe(header["x5t#S256"]);
  });
});

describe("openssl verifies the department chains", () => {
  it.each(["ES256", "EdDSA", "PS256"] as const)("%s chain", (alg) => {
    const dir = mkdtempSync(join(tmpdir(), "elicence-openssl-"));
    writeFileSync(join(dir, "root.pem"), w.root.certificatePem);
    writeFileSync(join(dir, "leaf.pem"), w.departments[alg].cert.certificatePem);
    const at = String(Math.floor(ISSUED_AT.getTime() / 1000));
    const out = execFileSync("openssl", ["verify", "-x509_strict", "-attime", at, "-CAfile", join(dir, "root.pem"), join(dir, "leaf.pem")], { encoding: "utf8" });
    expect(out.trim()).toBe(`${join(dir, "leaf.pem")}: OK`);
  });

  it("and refuses the chain against another root (the check can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "elicence-openssl-"));
    writeFileSync(join(dir, "root.pem"), w.departments.other.cert.certificatePem);
    writeFileSync(join(dir, "leaf.pem"), w.departments.ES256.cert.certificatePem);
    expect(() => execFileSync("openssl", ["verify", "-CAfile", join(dir, "root.pem"), join(dir, "leaf.pem")], { stdio: "pipe" })).toThrow();
  });
});
