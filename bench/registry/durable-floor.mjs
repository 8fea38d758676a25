#!/usr/bin/env node
// The floor under a durable read: SQLite's own commit of one small row (≈ the size of a read event
// and its log entry) in WAL with `synchronous = FULL`, as the registry opens its file, offered at a
// fixed rate like the registry bench's open loop (latency from when each commit was due, so a slow
// sync delays the commits behind it). Every lookup the registry answers waits for such a commit
// (or for the group commit it joins), so the p99 here is a limit of the disk, not of the registry:
// compare the open loop's p99 with it.
//
//   node bench/registry/durable-floor.mjs [--rate 1000] [--seconds 10] [--dir DIR]
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const require = createRequire(fileURLToPath(new URL("../../packages/registry/package.json", import.meta.url)));
const Database = require("better-sqlite3");

const { values: args } = parseArgs({ options: { rate: { type: "string", default: "1000" }, seconds: { type: "string", default: "10" }, dir: { type: "string" } } });
const rate = Number(args.rate);
const seconds = Number(args.seconds);
if (!(rate > 0 && seconds > 0)) throw new Error("--rate and --seconds must be positive");

// The registry's file lives on the disk the bench runs on (a workspace under the temp directory).
const dir = mkdtempSync(join(args.dir ?? tmpdir(), "elicence-durable-floor-"));
const db = new Database(join(dir, "floor.db"));
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec("CREATE TABLE events (idx INTEGER PRIMARY KEY, at INTEGER NOT NULL, body BLOB NOT NULL)");
const insert = db.prepare("INSERT INTO events (at, body) VALUES (?, ?)");
const commitOne = db.transaction((at, body) => insert.run(at, body));
const body = Buffer.alloc(600, 7);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function run(ms) {
  const latencies = [];
  const interval = 1000 / rate;
  const start = performance.now();
  let syncsCpu = 0;
  for (let i = 0; ; i++) {
    const due = start + i * interval;
    if (due - start >= ms) break;
    // Wait (busy, to keep timer jitter out of the figure) until the commit is due.
    while (performance.now() < due);
    const cpu = process.cpuUsage();
    commitOne(Date.now(), body);
    const used = process.cpuUsage(cpu);
    syncsCpu += used.user + used.system;
    latencies.push(performance.now() - due);
  }
  latencies.sort((a, b) => a - b);
  return {
    commits: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    p999: percentile(latencies, 99.9),
    max: latencies[latencies.length - 1],
    cpuUsPerCommit: syncsCpu / latencies.length,
  };
}

run(1000); // warm-up
const r = run(seconds * 1000);
const f = (x) => x.toFixed(2);
console.log(`SQLite WAL, synchronous = FULL, one 600-byte row per commit, offered ${rate}/s for ${seconds} s (${r.commits} commits):`);
console.log(`  latency from due time: p50 ${f(r.p50)} ms, p99 ${f(r.p99)} ms, p99.9 ${f(r.p999)} ms, max ${f(r.max)} ms; CPU ${r.cpuUsPerCommit.toFixed(0)} µs per commit`);
if (1000 / rate < r.p50) console.log("  (the disk cannot sync this often: commits queue; lower --rate to see one sync's latency)");
db.close();
rmSync(dir, { recursive: true, force: true });
