#!/usr/bin/env node
// Licence size, current signed form against the form issued before: the same business licence
// (the registry's sample type, 7 fields, a status reference) with its protected header as issued
// now ({alg, typ, x5t#S256, iat}) and as before (the chain in x5c). Prints bytes of the compact form
// with every disclosure, and of the always-shared part alone (the JWS and its `~`: what a QR code
// holds). Run after `pnpm run build`: node bench/core/licence-size.mjs
import { core, pki } from "./core.mjs";

const { issueLicence, createIssuingContext, encodeLicenceHeader, createKeySigner } = core;
const samples = await import(new URL("../../packages/registry/dist/samples.js", import.meta.url).href);
const t = new Date("2026-03-01T00:00:00Z");
const root = await pki.createRootCa({ commonName: "Root", notBefore: t });
const dept = samples.SAMPLE_DEPARTMENT;
const cert = await pki.createDepartmentCertificate({ issuer: root, department: { name: dept.name, uscc: dept.code }, notBefore: t });
const context = await createIssuingContext({ signer: await createKeySigner(cert.privateKeyPkcs8, "ES256"), certificateChain: [cert.certificatePem, root.certificatePem] });
const fields = {
  name: "示例科技有限公司",
  entityType: "有限责任公司（自然人投资或控股）",
  legalRepresentative: "李四",
  establishedOn: "2020-05-18",
  businessScope: "软件开发；信息技术咨询服务",
  registeredCapital: "500",
  address: "示例市示例区示例路1号",
};
const holder = { kind: "legal-person", ...samples.SAMPLE_COMPANY };
const status = { uri: "http://localhost:8080/v1/status-lists/1", idx: 7 };
const licence = await issueLicence(context, { type: samples.BUSINESS_LICENCE, holder, fields, serial: "2026000001", issuedAt: t, status });
const iat = Math.floor(t.getTime() / 1000);
const now = encodeLicenceHeader({ alg: "ES256", x5tS256: context.x5tS256 }, iat).length;
const before = encodeLicenceHeader({ alg: "ES256", x5tS256: context.x5tS256, x5c: context.x5c }, iat).length;
const rows = [
  ["compact, every disclosure", licence.compact.length],
  ["always-shared claims only (QR content)", licence.jws.length + 1],
  ["protected header", now],
];
console.log("bytes                                   now   before  now/before");
for (const [name, size] of rows) {
  const old = name === "protected header" ? before : size - now + before;
  console.log(`${name.padEnd(38)} ${String(size).padStart(5)}  ${String(old).padStart(6)}  ${(size / old).toFixed(2)}`);
}
