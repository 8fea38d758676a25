// node bench/scratch/instrument.mjs <variant>: copies <variant> to <variant>-timed with timers
// around each step of verifyLicence (globalThis.__T, ms), for in-situ step costs (see intime.mjs).
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
const name = process.argv[2];
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const dir = here(`./${name}-timed/`);
rmSync(dir, { recursive: true, force: true });
cpSync(here(`./${name}/dist`), `${dir}dist`, { recursive: true });
cpSync(here(`./${name}/package.json`), `${dir}package.json`);
symlinkSync("../../../packages/core/node_modules", `${dir}node_modules`);
const file = `${dir}dist/index.js`;
let s = readFileSync(file, "utf8");
const start = s.indexOf("async function verifyLicence(input, options) {");
const end = s.indexOf("function checkIssuer(trustList, leaf, claims, signingTime) {");
let body = s.slice(start, end);
const timer = (label, code) => `var __t0 = performance.now(); ${code} globalThis.__T.${label} = (globalThis.__T.${label} ?? 0) + performance.now() - __t0;`;
const steps = [
  ["envelope", /envelope = parseEnvelope\(input, algorithms\);/],
  ["leaf", /leaf = (trustList\.certificate\(x5c\[0\]\)|parseCertificate\(der\));/],
  ["claims", /claims = readClaims\(envelope\.jws\);/],
  ["signer", /signer = signerInfo\(leaf\);/],
  ["chain", /const chain = await trustList\.validateChain\(x5c, signingTime\);/, (c) => c.replace("const chain", "var chain; chain")],
  ["crypto", /const valid = backend\.verifySync[^\n]*/, (c) => c.replace("const valid", "var valid; valid")],
  ["issuer", /checkIssuer\(trustList, leaf, claims, signingTime\);/],
  ["disclosures", /const resolved = resolveDisclosures\(claims\.payload, envelope\.disclosures\);/, (c) => c.replace("const resolved", "var resolved; resolved")],
  ["toLicence", /licence = toLicence\(claims, resolved\.claims\);/],
];
for (const [label, re, fix = (c) => c] of steps) {
  const m = re.exec(body);
  if (!m) throw new Error(`step ${label} not found`);
  body = body.replace(m[0], timer(label, fix(m[0])));
}
body = body.replace(/  return finish\(\);\n}\n$/, `  var __t0 = performance.now(); const __r = finish(); globalThis.__T.finish = (globalThis.__T.finish ?? 0) + performance.now() - __t0; return __r;\n}\n`);
s = s.slice(0, start) + "globalThis.__T = {};\n" + body + s.slice(end);
// issueLicence: the same, on its steps (keys prefixed "issue.").
{
  const start = s.indexOf("async function issueLicence(context, input) {");
  const end = s.indexOf("var TRUST_LIST_TYP");
  let body = s.slice(start, end);
  const mark = (label, re) => {
    const m = re.exec(body);
    if (!m) throw new Error(`issue step ${label} not found`);
    body = body.replace(m[0], `globalThis.__T["issue.${label}"] = (globalThis.__T["issue.${label}"] ?? 0) - performance.now();\n${m[0]}`);
  };
  const stop = (label, re) => {
    const m = re.exec(body);
    if (!m) throw new Error(`issue step ${label} end not found`);
    body = body.replace(m[0], `${m[0]}\nglobalThis.__T["issue.${label}"] += performance.now();`);
  };
  mark("checkInput", /  const issues = checkInput\(context, input\);/);
  stop("checkInput", /  const issues = checkInput\(context, input\);/);
  mark("id+dates", /  const \{ type, holder \} = input;/);
  stop("id+dates", /    throw new LicenceError\("ERR_VALIDATION", "The licence is not valid.", \{ issues: \[\{ path: \["validUntil"\], message: "must be after validFrom" \}\] \}\);\n  \}/);
  mark("disclosures", /  const plain = \{\};/);
  stop("disclosures", /  if \(digests.length > 0\) plain._sd = digests;/);
  mark("payload", /  const licenceClaims = \{/);
  stop("payload", /  const header = \{ alg: context.signer.alg[^\n]*/);
  mark("signJws", /  const signed = await signJws\([^\n]*/);
  stop("signJws", /  const signed = await signJws\([^\n]*/);
  mark("assemble", /  const jws = `\$\{signed.protectedB64\}/);
  body = body.replace(/  return \{\n    id,\n    licence,/, `  globalThis.__T["issue.assemble"] += performance.now();\n  return {\n    id,\n    licence,`);
  s = s.slice(0, start) + body + s.slice(end);
}
writeFileSync(file, s);
console.log(file);
