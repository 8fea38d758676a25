// Medians, the printed table and the JSON results file.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** Prints one row per algorithm × threads × operation. */
export function printTable(rows) {
  const header = ["algorithm", "threads", "operation", "raw ops/s", "ours ops/s", "ratio", "cpu", "target", ""];
  const body = rows.map((r) => [
    r.alg,
    String(r.threads),
    r.op,
    fmt(r.raw.median),
    fmt(r.ours.median),
    r.ratio.toFixed(2),
    r.cpuRatio.toFixed(2),
    r.target === null ? "—" : `≥ ${r.target.toFixed(2)}`,
    r.target === null ? "peer" : r.ratio >= r.target ? "ok" : "BELOW",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const right = new Set([1, 3, 4, 5, 6]);
  const line = (cells) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const b of body) console.log(line(b));
  // Ours against the peer the issue names, same licences, same threads: verify ÷ @meeco/sd-jwt.
  for (const r of rows.filter((x) => x.op === "@meeco/sd-jwt ÷ floor")) {
    const ours = rows.find((x) => x.alg === r.alg && x.threads === r.threads && x.op === "verify ÷ floor");
    if (ours) console.log(`${r.alg} ×${r.threads}: ours ÷ @meeco/sd-jwt = ${(ours.ratio / r.ratio).toFixed(2)} (target > 1: ${ours.ratio > r.ratio ? "ok" : "BELOW"})`);
  }
}

export function writeResults(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
