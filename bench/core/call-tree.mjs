// Inclusive time per call-tree node under verifyLicence (or issueLicence) in a .cpuprofile written
// by profile.mjs, three levels deep, in µs per operation when the operation count is given.
//
//   node bench/core/call-tree.mjs bench/results/ES256-verify.cpuprofile [verifyLicence|issueLicence] [ops]
import { readFileSync } from "node:fs";
const [file, root = "verifyLicence", opsArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + profile.timeDeltas[i]));
const total = (n) => (n._t ??= (self.get(n.id) ?? 0) + (n.children ?? []).reduce((a, c) => a + total(byId.get(c)), 0));
const all = [...self.values()].reduce((a, b) => a + b, 0);
const ops = Number(opsArg ?? 1);
function print(n, depth, maxDepth) {
  const t = total(n);
  if (t / all < 0.004) return;
  const f = n.callFrame;
  console.log(`${"  ".repeat(depth)}${(t / ops).toFixed(1)} µs  ${f.functionName || "(anon)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`);
  if (depth < maxDepth) for (const c of [...(n.children ?? [])].map((c) => byId.get(c)).sort((a, b) => total(b) - total(a))) print(c, depth + 1, maxDepth);
}
// merge all nodes named root
const roots = profile.nodes.filter((n) => n.callFrame.functionName === root);
console.log(`total sampled ${(all / ops).toFixed(1)} µs/op; ${roots.length} root nodes named ${root}`);
for (const r of roots) print(r, 0, 3);
