// Offline verification of a JAdES B-LTA signature, as a ratio to the raw signature verifications it
// needs, in the same run.
//
// The signature is built here with the development PKI (@elicence/pki): a root CA, a department
// ES256 certificate, a TSA certificate, a CRL from the root (nextUpdate in the future) and an OCSP
// response from the root for the department certificate; core's helpers make the etsiU: sigTst over
// the signature value, xVals (the department certificate), rVals (the CRL and the OCSP response),
// then arcTst over all of it. core's verifyJades checks it offline (trust anchor: the root; its
// default RFC 3161 and CRL/OCSP checkers; one CertificateCache for the run: the "cached path").
//
// Raw: the 5 signature verifications such a check cannot avoid — the JWS signature, the sigTst and
// arcTst tokens' signatures (over their signed attributes), the CRL's and the OCSP response's
// signatures — with node:crypto on the same keys and bytes. ratio = (ours verifications/s) ÷
// (raw sets of 5/s), windows interleaved, median of the rounds.
//
//   node bench/tsa/verify-lta.mjs [--rounds N] [--window MS]   (after node scripts/pnpm.mjs run build)
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { verifyJades } from "../../packages/core/dist/jades.js";
import { CertificateCache, parseCertificate } from "../../packages/core/dist/x509.js";
import { archiveTimestampData, archiveTimestampProperty, createTimestampRequest, readTimestampResponse, signatureTimestampData, signatureTimestampProperty } from "../../packages/core/dist/timestamp.js";
import { createKeySigner } from "../../packages/core/dist/jws.js";
import { createCrl, createDepartmentCertificate, createOcspResponse, createRootCa, createTimestampAuthority, createTsaCertificate } from "../../packages/pki/dist/index.js";
import { buildOcspRequest } from "../../packages/core/dist/revocation.js";
import { decodeDer } from "./der-read.mjs";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" }, window: { type: "string", default: "1500" } } });
const ROUNDS = Number(values.rounds);
const WINDOW = Number(values.window);
const b64u = (b) => Buffer.from(b).toString("base64url");
const b64 = (b) => Buffer.from(b).toString("base64");

const T0 = new Date(Date.now() - 86_400_000);
const SIGNED_AT = new Date(Date.now() - 3_600_000);
const AT = new Date();
const root = await createRootCa({ commonName: "Bench Root", notBefore: T0 });
const issuer = { certificatePem: root.certificatePem, privateKeyPkcs8: root.privateKeyPkcs8, alg: root.alg };
const dept = await createDepartmentCertificate({ issuer, department: { name: "Bench Bureau", uscc: "11350200MB0351234X" }, notBefore: T0 });
const tsaCert = await createTsaCertificate({ issuer, commonName: "Bench TSA", notBefore: T0 });
const tsa = await createTimestampAuthority({ certificatePem: tsaCert.certificatePem, privateKeyPkcs8: tsaCert.privateKeyPkcs8, alg: "ES256", clock: () => SIGNED_AT });
const stamp = async (data) => {
  const request = createTimestampRequest(data);
  return readTimestampResponse(await tsa.respond(request.der), request);
};

// The JAdES B-B signature: alg, x5t#S256, iat; a 1 KB JSON payload.
const signer = await createKeySigner(dept.privateKeyPkcs8, "ES256");
const header = { alg: "ES256", "x5t#S256": Buffer.from(parseCertificate(dept.certificateDer).sha256Hex, "hex").toString("base64url"), iat: Math.floor(SIGNED_AT.getTime() / 1000) - 60 };
const protectedB64 = b64u(JSON.stringify(header));
const payloadB64 = b64u(JSON.stringify({ decision: "准予许可", text: "x".repeat(1000) }));
const signingInput = Buffer.from(`${protectedB64}.${payloadB64}`, "ascii");
const signature = await signer.sign(signingInput);
const signatureB64 = b64u(signature);

// B-T, B-LT, B-LTA.
const sigTstToken = await stamp(signatureTimestampData(signatureB64));
const crl = await createCrl({ issuer, thisUpdate: new Date(SIGNED_AT.getTime() - 60_000), nextUpdate: new Date(AT.getTime() + 7 * 86_400_000), crlNumber: 1, revoked: [] });
const ocspRequest = buildOcspRequest({ certificate: parseCertificate(dept.certificateDer), issuer: parseCertificate(root.certificateDer), nonce: false }).der;
const ocsp = await createOcspResponse({ ca: issuer, request: ocspRequest, status: () => ({ status: "good" }), producedAt: SIGNED_AT, thisUpdate: SIGNED_AT, nextUpdate: new Date(AT.getTime() + 86_400_000) });
const etsiU = [
  signatureTimestampProperty(sigTstToken),
  { xVals: [{ x509Cert: { val: b64(dept.certificateDer) } }] },
  { rVals: { crlVals: [{ val: b64(crl) }], ocspVals: [{ val: b64(ocsp) }] } },
].map((e) => b64u(JSON.stringify(e)));
const arcTstToken = await stamp(archiveTimestampData({ protectedB64, payloadB64, signatureB64 }, etsiU.join("")));
// verifyJades reads arcTst as the container itself ({ tstTokens }); core's licence reader (and
// archiveTimestampProperty) as { tstContainer, timeStamped }: the integrator is merging the two
// readers, so the bench writes the form verifyJades reads, from the helper's container.
etsiU.push(b64u(JSON.stringify({ arcTst: archiveTimestampProperty(arcTstToken).arcTst.tstContainer })));
const jades = JSON.stringify({ protected: protectedB64, header: { etsiU }, payload: payloadB64, signature: signatureB64 });

const cache = new CertificateCache();
const options = { trustAnchors: [root.certificateDer], at: AT, algorithms: ["ES256"], cache };
const report = await verifyJades(jades, options);
const sig = report.signatures[0];
if (report.indication !== "PASSED" || sig.level !== "B-LTA") {
  console.error(JSON.stringify(report, null, 2));
  throw new Error(`the B-LTA signature does not verify: ${report.indication} ${report.subIndication ?? ""} ${sig?.level}`);
}

// The raw verifications: the same keys, the same signed bytes.
const deptKey = createPublicKey(dept.certificatePem);
const tsaKey = createPublicKey(tsaCert.certificatePem);
const rootKey = createPublicKey(root.certificatePem);
const { signedAttributes: sigTstAttrs, signature: sigTstSig } = tokenParts(sigTstToken);
const { signedAttributes: arcTstAttrs, signature: arcTstSig } = tokenParts(arcTstToken);
const crlParts = signedParts(crl, []);
const ocspParts = signedParts(ocsp, [1, 0, 1]); // OCSPResponse.responseBytes[0].response OCTET STRING → BasicOCSPResponse
const raw = [
  () => nodeVerify("sha256", signingInput, { key: deptKey, dsaEncoding: "ieee-p1363" }, signature),
  () => nodeVerify("sha256", sigTstAttrs, tsaKey, sigTstSig),
  () => nodeVerify("sha256", arcTstAttrs, tsaKey, arcTstSig),
  () => nodeVerify("sha256", crlParts.tbs, rootKey, crlParts.signature),
  () => nodeVerify("sha256", ocspParts.tbs, rootKey, ocspParts.signature),
];
for (const [i, f] of raw.entries()) if (!f()) throw new Error(`raw verification ${i} fails`);

/** The signed attributes (as signed) and signature of a TimeStampToken. */
function tokenParts(token) {
  const signedData = decodeDer(token).children[1].children[0];
  const signerInfo = signedData.children.at(-1).children[0];
  const attrs = Buffer.from(signerInfo.children[3].raw);
  attrs[0] = 0x31;
  return { signedAttributes: attrs, signature: Buffer.from(signerInfo.children[5].content) };
}
/** tbs and signature of a SEQUENCE { tbs, algorithm, BIT STRING } found at `path` (through OCTET STRINGs). */
function signedParts(der, path) {
  let node = decodeDer(der);
  for (const i of path) {
    node = node.children[i];
    if (node.tag === 4 && !node.constructed) node = decodeDer(node.content);
  }
  return { tbs: Buffer.from(node.children[0].raw), signature: Buffer.from(node.children[2].content.subarray(1)) };
}

async function window(fn, ms) {
  const end = performance.now() + ms;
  let n = 0;
  let started = performance.now();
  while (performance.now() < end) {
    await fn();
    n++;
  }
  return (n / (performance.now() - started)) * 1000;
}
const ours = () => verifyJades(jades, options);
const rawSet = () => {
  for (const f of raw) f();
};
await window(ours, 300);
await window(rawSet, 300);
const ratios = [];
let last;
for (let r = 0; r < ROUNDS; r++) {
  const a = await window(rawSet, WINDOW);
  const b = await window(ours, WINDOW);
  ratios.push(b / a);
  last = { rawSetsPerSecond: Math.round(a), oursPerSecond: Math.round(b) };
}
ratios.sort((x, y) => x - y);
console.log(JSON.stringify({ level: sig.level, rawVerificationsPerCheck: raw.length, rounds: ROUNDS, windowMs: WINDOW, ...last, ratio: Number(ratios[Math.floor(ratios.length / 2)].toFixed(2)), ratios: ratios.map((r) => Number(r.toFixed(2))) }, null, 2));
