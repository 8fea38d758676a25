// Differential check of the patches: base vs all on strict JSON (duplicate members), strict
// base64url decoding, disclosure digests, and a payload member named "__proto__".
//   node bench/scratch/fuzz.mjs   (after make.mjs all …)
const base = await import("./base/dist/index.js");
const all = await import("./all/dist/index.js");
const bb = (await import("./base/dist/crypto/backend-node.js")).backend;
const ab = (await import("./all/dist/crypto/backend-node.js")).backend;
const pieces = ['{', '}', '[', ']', ',', ':', '"a"', '"b"', '"a\\\\"', '"\\""', '"\\\\\\""', '"a\\u0062"', '"ab"', '1', 'null', '"\\\\"', ' ', '"x\\"y"', '"', '\\'];
const out = (f, s) => { try { return JSON.stringify(f(s)); } catch (e) { return e.code ?? e.name; } };
let n = 0, diff = 0;
for (let i = 0; i < 300000; i++) {
  let s = "";
  const len = 1 + Math.floor(Math.random() * 14);
  for (let j = 0; j < len; j++) s += pieces[Math.floor(Math.random() * pieces.length)];
  const a = out(base.parseStrictJson, s), b = out(all.parseStrictJson, s);
  n++;
  if (a !== b) { diff++; if (diff < 5) console.log("json diff", JSON.stringify(s), a, b); }
}
console.log(`json: ${n} cases, ${diff} differences`);
const alphabet = "AZaz09-_+/= .\n~é";
n = diff = 0;
for (let i = 0; i < 300000; i++) {
  let s = "";
  const len = Math.floor(Math.random() * 12);
  for (let j = 0; j < len; j++) s += Math.random() < 0.9 ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[Math.floor(Math.random() * 64)] : alphabet[Math.floor(Math.random() * alphabet.length)];
  const a = bb.base64urlDecode(s), b = ab.base64urlDecode(s);
  n++;
  const ea = a === null ? "null" : Buffer.from(a).toString("hex"), eb = b === null ? "null" : Buffer.from(b).toString("hex");
  if (ea !== eb) { diff++; if (diff < 5) console.log("b64 diff", JSON.stringify(s), ea, eb); }
}
console.log(`base64url: ${n} cases, ${diff} differences`);
// disclosure digests and resolution on a valid payload with a "__proto__" member
const te = new TextEncoder();
for (const t of ["WyJzYWx0IiwibmFtZSIsInZhbHVlIl0", "abc", "é"]) if (base.disclosureDigest(t) !== all.disclosureDigest(t)) console.log("digest diff", t);
const d = base.createDisclosure("x", { "__proto__": 1, y: [1, { z: 2 }] }, "salt");
const payload = JSON.parse(`{"_sd_alg":"sha-256","fields":{"__proto__":{"polluted":true},"_sd":["${d.digest}"],"a":[1,{"b":2}]}}`);
for (const [name, lib] of [["base", base], ["all", all]]) {
  const r = lib.resolveDisclosures(payload, [d.encoded]);
  console.log(name, JSON.stringify(r), "own __proto__:", Object.hasOwn(r.claims.fields, "__proto__"), "inherited polluted:", r.claims.fields.polluted);
}
