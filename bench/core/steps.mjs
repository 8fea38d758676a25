#!/usr/bin/env node
// Manual timing of the steps inside issueLicence and verifyLicence, each on its own, next to the
// raw crypto call, in µs per operation (one thread, median of 3 runs). The steps are rebuilt from
// the public API, so they show where the time goes, not an exact decomposition.
//
//   node bench/core/steps.mjs [--alg ES256|EdDSA] [--ms N]
import * as nodeCrypto from "node:crypto";
import { parseArgs } from "node:util";
import { core } from "./core.mjs";
import { FIELDS, HOLDER, VERIFY_AT, buildSeed, licenceInput, loadWorld } from "./world.mjs";
import { median } from "./report.mjs";
import { MESSAGE_BYTES } from "./workloads.mjs";

const { values: args } = parseArgs({ options: { alg: { type: "string", default: "ES256" }, ms: { type: "string", default: "300" } } });
const { alg } = args;
const windowMs = Number(args.ms);
const {
  issueLicence, verifyLicence, parseCompactJws, parseStrictJson, parseCertificate, resolveDisclosures,
  createDisclosure, checkLicenceFields, validateHolderId, buildLicenceId, CertificateCache,
} = core;
const { decodeBase64 } = core;

const world = await loadWorld(await buildSeed(), alg);
const { context, trustList, type, privateKey, publicKey } = world;
const hash = alg === "EdDSA" ? null : "sha256";
const signKey = alg === "EdDSA" ? privateKey : { key: privateKey, dsaEncoding: "ieee-p1363" };
const verifyKey = alg === "EdDSA" ? publicKey : { key: publicKey, dsaEncoding: "ieee-p1363" };

async function time(fn) {
  // CPU time of this process per operation: the machine is shared, descheduled time is not ours.
  const once = async () => {
    const end = performance.now() + windowMs;
    const cpu = process.cpuUsage();
    let ops = 0;
    do {
      const r = fn();
      if (r instanceof Promise) await r;
      ops++;
    } while (performance.now() < end);
    const { user, system } = process.cpuUsage(cpu);
    return (user + system) / ops;
  };
  await once();
  return median([await once(), await once(), await once()]);
}

const issued = await issueLicence(context, licenceInput(type, 1));
const compact = issued.compact;
const [jwsText, ...rest] = compact.split("~");
const disclosures = rest.slice(0, -1);
const options = { trustList, at: VERIFY_AT, algorithms: [alg] };
const jws = parseCompactJws(jwsText, { algorithms: [alg] });
const utf8 = new TextDecoder("utf-8", { fatal: true });
const payload = parseStrictJson(utf8.decode(jws.payload));
// The compact form names its signing certificate by x5t#S256; the trust list holds the chain.
const x5c = jws.header.x5c ?? trustList.signerChain(jws.header["x5t#S256"]);
const signingTime = new Date(payload.iat * 1000);
const message = nodeCrypto.randomBytes(MESSAGE_BYTES);
const rawSig = nodeCrypto.sign(hash, message, signKey);
const certCache = new CertificateCache();
const ascii = new TextEncoder();

const rows = [];
const reference = {};
const step = async (group, name, fn) => {
  const us = await time(fn);
  rows.push({ group, name, us });
  reference[group] ??= us;
  const share = ((100 * us) / reference[group]).toFixed(0);
  console.log(`${group.padEnd(7)} ${name.padEnd(58)} ${us.toFixed(1).padStart(8)} µs ${share.padStart(5)} %`);
};

console.log(`${alg}: signing input ${jws.signingInput.length} B, compact ${compact.length} B, ${disclosures.length} disclosures`);
console.log("CPU µs per operation, and as % of the raw call (the first row of each group)\n");
await step("verify", "raw crypto.verify, 1 KB message", () => nodeCrypto.verify(hash, message, verifyKey, rawSig));
await step("verify", "raw crypto.verify, the licence's signing input", () => nodeCrypto.verify(hash, jws.signingInput, verifyKey, jws.signature));
await step("verify", "split('~') + parseCompactJws (header JSON, base64url)", () => parseCompactJws(compact.split("~")[0], { algorithms: [alg] }));
await step("verify", "trustList.signerChain(x5t#S256)", () => trustList.signerChain(jws.header["x5t#S256"]));
await step("verify", "decodeBase64(x5c[0]) + parseCertificate", () => parseCertificate(decodeBase64(x5c[0])));
await step("verify", "CertificateCache.parse(x5c[0]) (hit: SHA-256 of DER)", () => certCache.parse(x5c[0]));
await step("verify", "payload: UTF-8 decode + parseStrictJson", () => parseStrictJson(utf8.decode(jws.payload)));
await step("verify", "payload: JSON.parse only", () => JSON.parse(utf8.decode(jws.payload)));
await step("verify", "trustList.validateChain (cached)", () => trustList.validateChain(x5c, signingTime));
await step("verify", "resolveDisclosures (10: base64url, JSON, SHA-256)", () => resolveDisclosures(payload, disclosures));
await step("verify", "verifyLicence, whole", () => verifyLicence(compact, options));

const input = licenceInput(type, 2);
const fieldNames = type.fields.filter((f) => f.share !== "unconditional").map((f) => f.name);
const header = { alg, typ: "elicence+sd-jwt", "x5t#S256": context.x5tS256, iat: payload.iat };
let n = 0;
await step("issue", "raw crypto.sign, 1 KB message", () => nodeCrypto.sign(hash, message, signKey));
await step("issue", "raw crypto.sign, the licence's signing input", () => nodeCrypto.sign(hash, jws.signingInput, signKey));
await step("issue", "context.signer.sign(signing input)", () => context.signer.sign(jws.signingInput));
await step("issue", "checkLicenceFields + validateHolderId + buildLicenceId", () => {
  checkLicenceFields(type, FIELDS);
  validateHolderId(HOLDER.idType, HOLDER.idNumber);
  buildLicenceId({ typeCode: type.code, issuerCode: context.issuer.code, serial: `B${n++}`, version: 1 });
});
await step("issue", "createDisclosure × 10 (salt, JSON, base64url, SHA-256)", () => {
  for (const name of fieldNames) createDisclosure(name, FIELDS[name]);
});
await step("issue", "header + payload: JSON.stringify, UTF-8, base64url", () => {
  Buffer.from(ascii.encode(JSON.stringify(header))).toString("base64url");
  Buffer.from(ascii.encode(JSON.stringify(payload))).toString("base64url");
});
await step("issue", "issueLicence, whole", () => issueLicence(context, { ...input, serial: `C${n++}` }));
