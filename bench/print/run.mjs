#!/usr/bin/env node
// Printing, measured on the built packages: PDF generation per licence (ms), a batch of N licences
// printed into one folder (licences/s, as a ratio to issuing the same N through the registry in
// process), the size of a PDF, and reading the QR code back from a 150 dpi page (pdftoppm) and
// verifying it (ms). Quick by default: N = 200; `--count 1000` for the batch the issue names.
// Run after `pnpm run build`: node bench/print/run.mjs [--count N]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const dist = (p) => import(new URL(`../../packages/${p}`, import.meta.url).href);
const core = await dist("core/dist/index.js");
const { Registry, initWorkspace, openWorkspace } = await dist("registry/dist/index.js");
const samples = await dist("registry/dist/samples.js");
const print = await dist("print/dist/index.js");

const count = Number(process.argv[process.argv.indexOf("--count") + 1]) || 200;
const PASS = "bench passphrase";
const dir = mkdtempSync(join(tmpdir(), "elicence-bench-print-"));
const home = join(dir, "ws");
await initWorkspace(home, {
  passphrase: PASS,
  now: new Date(),
  operator: samples.SAMPLE_OPERATOR,
  departments: [samples.SAMPLE_DEPARTMENT],
  licenceTypes: [samples.BUSINESS_LICENCE, samples.OPERATOR_CERTIFICATE],
  iterations: 1000,
});
const registry = await Registry.open({ home, passphrase: PASS });
const key = (await registry.createApiKey({ department: samples.SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: [samples.BUSINESS_LICENCE.code] })).key;
const issuer = await registry.session(key);
const fields = { name: "示例科技有限公司", entityType: "有限责任公司", legalRepresentative: "李四", establishedOn: "2020-05-18", businessScope: "软件开发", registeredCapital: "500", address: "示例市示例区示例路1号" };
const items = Array.from({ length: count }, () => ({ type: samples.BUSINESS_LICENCE.code, holder: samples.SAMPLE_COMPANY, fields }));

let t = performance.now();
const issued = await issuer.issueBatch({ requestId: `bench-${Date.now()}`, items });
const issueSeconds = (performance.now() - t) / 1000;
const ws = await openWorkspace(home);
const trustList = await ws.trustList(new Date(), [...core.DEFAULT_ALGORITHMS]);
const statusList = await registry.public.statusList(0);
const fonts = { regular: await print.loadFont("regular"), bold: await print.loadFont("bold") };

// Warm up (font parsing, JIT), then the batch into one folder.
await print.printLicencePdf(issued.issued[0].licence, { trustList, fields: samples.BUSINESS_LICENCE.fields, fonts });
const out = join(dir, "pdf");
mkdirSync(out);
const each = [];
let bytes = 0;
t = performance.now();
for (const [i, rec] of issued.issued.entries()) {
  const s = performance.now();
  const { pdf } = await print.printLicencePdf(rec.licence, { trustList, fields: samples.BUSINESS_LICENCE.fields, fonts });
  writeFileSync(join(out, `${i}.pdf`), pdf);
  each.push(performance.now() - s);
  bytes += pdf.length;
}
const printSeconds = (performance.now() - t) / 1000;
each.sort((a, b) => a - b);

// Scan: one page at 150 dpi, read and verified five times.
execFileSync("pdftoppm", ["-r", "150", "-png", "-singlefile", join(out, "0.pdf"), join(dir, "scan")]);
const png = readFileSync(join(dir, "scan.png"));
const scans = [];
for (let i = 0; i < 5; i++) {
  const s = performance.now();
  const content = print.parseQrContent(print.readQrFromImage(png));
  const report = await core.verifyLicence(content.licence, { trustList, at: new Date(), algorithms: [...core.DEFAULT_ALGORITHMS], statusLists: [statusList] });
  if (report.indication !== "PASSED") throw new Error(`scan verified ${report.indication}`);
  scans.push(performance.now() - s);
}
scans.sort((a, b) => a - b);

await registry.close();
rmSync(dir, { recursive: true, force: true });
const issueRate = count / issueSeconds;
const printRate = count / printSeconds;
console.log(`licences                         ${count}`);
console.log(`issue (batch, in process)        ${issueRate.toFixed(0)} licences/s`);
console.log(`print into one folder            ${printRate.toFixed(1)} licences/s  (${(printRate / issueRate).toFixed(3)} × issuing)`);
console.log(`PDF per licence                  median ${each[each.length >> 1].toFixed(1)} ms, p95 ${each[Math.floor(each.length * 0.95)].toFixed(1)} ms`);
console.log(`PDF size                         ${(bytes / count / 1024).toFixed(1)} KB on average`);
console.log(`QR decode + verify (150 dpi page) median ${scans[2].toFixed(0)} ms (PNG decode, jsQR, unpack, verifyLicence)`);
