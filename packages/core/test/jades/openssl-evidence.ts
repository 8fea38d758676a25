/**
 * Real evidence for the etsiU tests: RFC 3161 tokens from an OpenSSL TSA (`openssl ts -reply`),
 * verified by `openssl ts -verify`; CRLs made and checked with @peculiar/x509 (signature checked
 * against the issuing CA's key). Both are wired into verifyJades through its injected verifier
 * seams, as the integrator wires the timestamp and revocation modules.
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { parseCertificate } from "../../src/x509/certificate.js";
import type { JadesRevocationChecker, JadesTimestampVerifier } from "../../src/jades/evidence.js";
import { scratch, type Scratch } from "../support/openssl.js";
import { issue, type Issued } from "../x509/fixtures.js";
import { keyPair } from "./fixtures.js";

const TIME_STAMPING = "1.3.6.1.5.5.7.3.8";

export interface OpensslTsa {
  /** Time-stamps `data` (SHA-256 imprint, TSA certificate included): the token, DER. */
  stamp(data: Uint8Array): Uint8Array;
  readonly verifier: JadesTimestampVerifier;
  readonly cert: Issued;
  remove(): void;
}

function pem(label: string, der: Uint8Array): string {
  const body = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${body}${body.endsWith("\n") ? "" : "\n"}-----END ${label}-----\n`;
}

/** An OpenSSL TSA whose certificate (critical timeStamping EKU) is issued by `root`. */
export async function createOpensslTsa(root: Issued): Promise<OpensslTsa> {
  const { pair, key } = await keyPair("ES256");
  const cert = await issue({
    subject: "CN=Test TSA,O=eLicence Tests,C=CN",
    issuer: root,
    key: pair,
    ca: null,
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extra: [new x509.ExtendedKeyUsageExtension([TIME_STAMPING], true)],
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2040-01-01T00:00:00Z"),
  });
  const s: Scratch = scratch();
  s.write("tsa.pem", cert.pem);
  s.write("tsa.key", key.export({ format: "pem", type: "pkcs8" }) as string);
  s.write("root.pem", root.pem);
  s.write("serial", "01\n");
  s.write(
    "ts.cnf",
    [
      "[ tsa ]",
      "default_tsa = tsa1",
      "[ tsa1 ]",
      `serial = ${s.path("serial")}`,
      "crypto_device = builtin",
      `signer_cert = ${s.path("tsa.pem")}`,
      `certs = ${s.path("tsa.pem")}`,
      `signer_key = ${s.path("tsa.key")}`,
      "signer_digest = sha256",
      "default_policy = 1.2.3.4.1",
      "digests = sha256, sha384, sha512",
      "accuracy = secs:1",
      "ess_cert_id_alg = sha256",
      "",
    ].join("\n"),
  );
  let n = 0;
  const run = (args: string[]) => {
    const r = s.openssl(args);
    if (r.status !== 0) throw new Error(`openssl ${args[0]} ${args[1]} failed: ${r.stderr}`);
    return r;
  };
  const stamp = (data: Uint8Array): Uint8Array => {
    const id = n++;
    s.write(`d${id}`, data);
    run(["ts", "-query", "-data", `d${id}`, "-sha256", "-cert", "-out", `q${id}.tsq`]);
    run(["ts", "-reply", "-config", "ts.cnf", "-queryfile", `q${id}.tsq`, "-token_out", "-out", `t${id}.der`]);
    return new Uint8Array(s.read(`t${id}.der`));
  };
  const tsaCert = parseCertificate(cert.der);
  const verifier: JadesTimestampVerifier = {
    async verify(token, options) {
      const id = n++;
      s.write(`v${id}.der`, token);
      s.write(`v${id}.data`, options.data);
      s.write(`v${id}.ca`, options.trustAnchors.map((a) => (typeof a === "string" ? a : pem("CERTIFICATE", a as Uint8Array))).join(""));
      const verified = s.openssl(["ts", "-verify", "-token_in", "-in", `v${id}.der`, "-data", `v${id}.data`, "-CAfile", `v${id}.ca`]);
      if (verified.status !== 0) return { ok: false, code: "openssl-ts-verify", reason: "openssl ts -verify refused the token." };
      const text = s.openssl(["ts", "-reply", "-token_in", "-in", `v${id}.der`, "-text", "-token_out"]).stdout.toString("utf8");
      const m = /Time stamp: (.+)/.exec(text);
      if (!m) return { ok: false, code: "openssl-ts-text", reason: "No time in the token." };
      return { ok: true, genTime: new Date(m[1]!.trim()), tsa: tsaCert, path: [tsaCert] };
    },
  };
  return { stamp, verifier, cert, remove: () => s.remove() };
}

/** A CRL by `ca`, listing `revoked` serial numbers (hex) with their revocation times. */
export async function createCrl(ca: Issued, revoked: readonly { serialNumber: string; at: Date }[], thisUpdate: Date): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.cert.subjectName,
    thisUpdate,
    nextUpdate: new Date(thisUpdate.getTime() + 30 * 86_400_000),
    signingAlgorithm: ca.key.signing,
    signingKey: ca.key.keys.privateKey,
    entries: revoked.map((r) => ({ serialNumber: r.serialNumber, revocationDate: r.at })),
  });
  return new Uint8Array(crl.rawData);
}

/**
 * A revocation checker over CRLs: each certificate of the path but the anchor needs a CRL signed
 * by its issuer's key (checked), and must not be listed in it.
 */
export const crlChecker: JadesRevocationChecker = {
  async check({ path, crls }) {
    for (let i = 0; i + 1 < path.length; i++) {
      const cert = new x509.X509Certificate(new Uint8Array(path[i]!.der));
      const issuer = new x509.X509Certificate(new Uint8Array(path[i + 1]!.der));
      let found = false;
      for (const der of crls) {
        const crl = new x509.X509Crl(new Uint8Array(der));
        if (crl.issuer !== issuer.subject || !(await crl.verify({ publicKey: issuer.publicKey }))) continue;
        found = true;
        const entry = crl.findRevoked(cert);
        if (entry) return { ok: false, code: "REVOKED", reason: "A certificate of the path is revoked.", revocationTime: entry.revocationDate };
      }
      if (!found) return { ok: false, code: "REVOCATION_UNKNOWN", reason: "No CRL from the issuer." };
    }
    return { ok: true };
  },
};
