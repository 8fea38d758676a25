// verifyJades throughput against raw node:crypto, in the same run: a compact JAdES B-B signature
// (ES256, x5t#S256, iat) over a 1 KB payload, signing certificate given by the caller, a one-level
// path to the root. It needs two raw verifications (the signature, the certificate's signature),
// so 0.5 × raw is the ceiling. `node bench/core/jades-verify.mjs` (about 10 s), after a build.
import { createHash, createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { core, pki } from "./core.mjs";

const { verifyJades } = await import(new URL("../../packages/core/dist/jades.js", import.meta.url).href);
const notBefore = new Date(Date.now() - 86_400_000);
const root = await pki.createRootCa({ commonName: "Bench Root", notBefore });
const dept = await pki.createDepartmentCertificate({ issuer: root, department: { name: "示例市行政审批局", uscc: "11330100MB0000019K" }, notBefore });
const key = createPrivateKey({ key: Buffer.from(dept.privateKeyPkcs8), format: "der", type: "pkcs8" });
const header = { alg: "ES256", "x5t#S256": createHash("sha256").update(dept.certificateDer).digest("base64url"), iat: Math.floor(Date.now() / 1000) };
const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from("x".repeat(1024)).toString("base64url")}`;
const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
const jws = `${input}.${signature.toString("base64url")}`;
const options = { trustAnchors: [root.certificatePem], certificates: [dept.certificateDer], at: new Date(), algorithms: ["ES256"], cache: new core.CertificateCache() };
const check = await verifyJades(jws, options);
if (check.indication !== "PASSED") throw new Error(`not PASSED: ${JSON.stringify(check)}`);

async function rate(fn, ms = 3000) {
  for (let i = 0; i < 100; i++) await fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 50; i++) await fn();
    n += 50;
  }
  return n / ((performance.now() - start) / 1000);
}
const pub = createPublicKey(key);
const data = Buffer.from(input);
const raw = await rate(() => verify("sha256", data, { key: pub, dsaEncoding: "ieee-p1363" }, signature));
const ours = await rate(() => verifyJades(jws, options));
const fresh = await rate(() => verifyJades(jws, { ...options, cache: undefined }));
console.log(JSON.stringify({ rawVerifyPerSec: Math.round(raw), verifyJadesPerSec: Math.round(ours), ratio: +(ours / raw).toFixed(3), ceiling: 0.5, withoutSharedCachePerSec: Math.round(fresh), ratioWithoutCache: +(fresh / raw).toFixed(3) }));
