// SM2 sign and verify rates, bare and as licences, beside `openssl speed sm2` and Node's native
// P-256 (ES256), measured in the same run on one thread. A quick run (about 25 s):
//
//   node bench/sm2/sm2.mjs [seconds per measurement, default 1]
//
// Bare: core's SM2 (pure JS on @noble/curves) through createSm2Verifier — point decoded, ZA
// computed and, after 16 uses, the key's window table built once, as the crypto backend's key
// handles do — against `openssl speed -seconds 2 sm2` (OpenSSL's SM2 with SM3) and node:crypto P-256.
// Licence: issueLicence and verifyLicence (10 disclosures, trust list, path validation) with an
// SM2SM3 department and an ES256 department; the licence's own overhead is its time per operation
// minus the bare algorithm's.
import { spawnSync } from "node:child_process";
import * as nodeCrypto from "node:crypto";
import { core, pki } from "../core/core.mjs";
import { FIELDS, HOLDER, ISSUED_AT, VERIFY_AT, licenceType } from "../core/world.mjs";

const SECONDS = Number(process.argv[2] ?? 1);
const { createIssuingContext, createKeySigner, encodeBase64, issueLicence, parseCertificate, signTrustList, verifyLicence, verifyTrustList } = core;
const { createSm2Verifier, generateSm2KeyPair, sm2Verify } = core;

/**
 * Operations per CPU second of `op` (sync or async), run for SECONDS of wall time after a short
 * warm-up. CPU time (user + system of this process), because `openssl speed` divides by CPU user
 * time too (unless -elapsed): on a shared, loaded machine wall-clock rates of the two would not
 * compare.
 */
async function rate(op) {
  for (let i = 0; i < 20; i++) await op();
  let n = 0;
  const cpu = process.cpuUsage();
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 10; i++) await op();
    n += 10;
  }
  const used = process.cpuUsage(cpu);
  return n / ((used.user + used.system) / 1e6);
}

function opensslSpeed() {
  const r = spawnSync("openssl", ["speed", "-seconds", "2", "sm2"], { encoding: "utf8" });
  const line = r.stdout.split("\n").find((l) => /SM2/.test(l) && /\d+\.\d+\s+\d+\.\d+\s*$/.test(l));
  if (r.status !== 0 || !line) throw new Error(`openssl speed sm2 failed: ${r.stderr}`);
  const [sign, verify] = line.trim().split(/\s+/).slice(-2).map(Number);
  return { sign, verify };
}

// --- bare algorithms ---------------------------------------------------------------------------
const message = nodeCrypto.randomBytes(64);
const { pkcs8 } = await generateSm2KeyPair();
const sm2Signer = await createKeySigner(pkcs8, "SM2SM3");
const sm2Sig = sm2Signer.sign(message);
// The public point: the last 65 bytes of the SPKI (uncompressed), and ZA once, as a key handle has.
const spkiOf = (p8) => nodeCrypto.createPublicKey({ key: Buffer.from(p8), format: "der", type: "pkcs8" }).export({ format: "der", type: "spki" });
const point = new Uint8Array(spkiOf(pkcs8)).slice(-65);
const verifier = createSm2Verifier(point);
if (!verifier(message, sm2Sig) || !sm2Verify(point, message, sm2Sig)) throw new Error("SM2 self-check failed");
const p256 = nodeCrypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const p256Sig = nodeCrypto.sign("sha256", message, { key: p256.privateKey, dsaEncoding: "ieee-p1363" });

const results = {};
results["openssl SM2"] = opensslSpeed();
results["core SM2 (bare)"] = {
  sign: await rate(() => sm2Signer.sign(message)),
  verify: await rate(() => verifier(message, sm2Sig)),
};
results["node P-256 (bare)"] = {
  sign: await rate(() => nodeCrypto.sign("sha256", message, { key: p256.privateKey, dsaEncoding: "ieee-p1363" })),
  verify: await rate(() => nodeCrypto.verify("sha256", message, { key: p256.publicKey, dsaEncoding: "ieee-p1363" }, p256Sig)),
};

// --- licences ----------------------------------------------------------------------------------
const T0 = new Date("2026-01-01T00:00:00Z");
const YEAR = 365 * 24 * 3600 * 1000;
const type = licenceType();
const dept = { name: "示例市行政审批局", uscc: type.issuers[0] };
for (const alg of ["SM2SM3", "ES256"]) {
  const root = await pki.createRootCa({ commonName: "Bench Root CA", alg, notBefore: T0, notAfter: new Date(T0.getTime() + 20 * YEAR) });
  const issuer = { certificatePem: root.certificatePem, privateKeyPkcs8: root.privateKeyPkcs8, alg };
  const operator = await pki.createServiceCertificate({ issuer, purpose: "trust-list-signing", commonName: "Operator", alg, uscc: "12330100MB00000431", notBefore: T0 });
  const cert = await pki.createDepartmentCertificate({ issuer, department: dept, alg, notBefore: T0, notAfter: new Date(T0.getTime() + 3 * YEAR) });
  const document = {
    sequence: 1,
    operator: { name: "示例省政务服务数据管理局", code: "12330100MB00000431" },
    issuedAt: T0.toISOString(),
    nextUpdate: new Date(T0.getTime() + 2 * YEAR).toISOString(),
    anchors: [{ name: "Bench Root CA", certificate: encodeBase64(root.certificateDer) }],
    departments: [{ code: dept.uscc, name: dept.name, licenceTypes: [type.code], certificates: [Buffer.from(parseCertificate(cert.certificateDer).sha256).toString("base64url")], validFrom: T0.toISOString() }],
    services: [],
    certificates: [encodeBase64(cert.certificateDer)],
  };
  const token = await signTrustList(document, await createKeySigner(operator.privateKeyPkcs8, alg), [operator.certificatePem]);
  const trustList = await verifyTrustList(token, { at: ISSUED_AT, algorithms: [alg], operatorCertificates: [operator.certificatePem] });
  const context = await createIssuingContext({ signer: await createKeySigner(cert.privateKeyPkcs8, alg), certificateChain: [cert.certificatePem, root.certificatePem] });
  let serial = 0;
  const input = () => ({ type, holder: HOLDER, fields: FIELDS, serial: `B${++serial}`, issuedAt: ISSUED_AT });
  const licence = (await issueLicence(context, input())).compact;
  const check = await verifyLicence(licence, { trustList, at: VERIFY_AT, algorithms: [alg] });
  if (check.indication === "FAILED") throw new Error(`${alg} licence does not verify: ${JSON.stringify(check.checks)}`);
  results[`licence ${alg}`] = {
    sign: await rate(() => issueLicence(context, input())),
    verify: await rate(() => verifyLicence(licence, { trustList, at: VERIFY_AT, algorithms: [alg] })),
  };
}

// --- report ------------------------------------------------------------------------------------
const fmt = (v) => v.toFixed(0).padStart(9);
console.log(`${"".padEnd(22)}   sign/s  verify/s   (per CPU second, one thread, ${SECONDS} s per figure; openssl speed -seconds 2)`);
for (const [name, r] of Object.entries(results)) console.log(`${name.padEnd(22)}${fmt(r.sign)} ${fmt(r.verify)}`);
const us = (r) => 1e6 / r;
const overhead = (lic, bare) => ({ sign: us(results[lic].sign) - us(results[bare].sign), verify: us(results[lic].verify) - us(results[bare].verify) });
const sm2o = overhead("licence SM2SM3", "core SM2 (bare)");
const eso = overhead("licence ES256", "node P-256 (bare)");
console.log(`bare SM2 verify / OpenSSL SM2 verify: ${(results["core SM2 (bare)"].verify / results["openssl SM2"].verify).toFixed(2)} (target ≥ 0.25)`);
console.log(`licence overhead over the bare algorithm, µs: SM2 sign ${sm2o.sign.toFixed(0)}, verify ${sm2o.verify.toFixed(0)}; ES256 sign ${eso.sign.toFixed(0)}, verify ${eso.verify.toFixed(0)}`);
