#!/usr/bin/env node
// The CLI batch bench: `elicence issue --batch FILE --home DIR` (the built dist, a real process)
// issuing N licences from a CSV into the workspace's SQLite registry, as licences per second ÷ raw
// ES256 `crypto.sign` on 2 worker_threads measured in the same run (target ≥ 0.4). See README.md.
//
//   node bench/cli/batch.mjs [--size 100000] [--rounds 1] [--chunk-size 500] [--sign-window 1500] [--no-timestamp]
// Beside it, SQLite's bare insert of the very rows the batch wrote, in chunks of the same size
// (bare-insert.mjs): the batch target is ≥ 0.6 × that.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { median, writeResults } from "../core/report.mjs";
import { rawSignCpuRate, rawSignRate } from "../registry/sign.mjs";
import { bareInsert } from "./bare-insert.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "packages/cli/dist/bin.js");
const CPU_HOOK = pathToFileURL(fileURLToPath(new URL("./cpu-on-exit.mjs", import.meta.url))).href;
const PERSON = "11330100MB0000019K002";
const TARGET = 0.4;
/** Issue 14's batch target: licences/s ≥ 0.6 × SQLite's bare insert of the same rows in chunks of the same size. */
const BARE_TARGET = 0.6;

const { values: args } = parseArgs({
  options: {
    size: { type: "string", default: "100000" },
    rounds: { type: "string", default: "1" },
    "chunk-size": { type: "string", default: "500" },
    "sign-window": { type: "string", default: "1500" },
    keep: { type: "boolean", default: false },
    // B-B licences: the workspace's built-in TSA switched off after init (isolates the B-T cost).
    "no-timestamp": { type: "boolean", default: false },
  },
});
const size = Number(args.size);
const rounds = Number(args.rounds);
const signWindowMs = Number(args["sign-window"]);
if (!Number.isSafeInteger(size) || size < 1 || !Number.isSafeInteger(rounds) || rounds < 1) throw new Error("--size and --rounds take positive integers");
if (!existsSync(BIN)) throw new Error("packages/cli/dist/bin.js is missing: run `pnpm run build` first");
const { computeCitizenIdCheck } = await import(pathToFileURL(join(ROOT, "packages/core/dist/index.js")).href);

const log = (msg) => process.stderr.write(`[cli-bench] ${msg}\n`);
const PASS = "bench passphrase";
const env = { ...process.env, ELICENCE_PASSPHRASE: PASS };

/** A CSV of `n` operator certificates for made-up holders with valid citizen identity numbers (GB 11643). */
function batchFile(path, n) {
  const lines = ["type,holderName,holderIdType,holderId,operationCategory,operationItem,firstIssuedOn,gender,birthDate,homeAddress"];
  const categories = ["电工作业", "焊接与热切割作业", "高处作业"];
  for (let k = 0; k < n; k++) {
    const born = new Date(Date.UTC(1950, 0, 1) + Math.floor(k / 1000) * 86_400_000).toISOString().slice(0, 10);
    const body = `330106${born.replaceAll("-", "")}${String(k % 1000).padStart(3, "0")}`;
    lines.push(`${PERSON},张三${k},111,${body}${computeCitizenIdCheck(body)},${categories[k % 3]},低压电工作业,2019-03-01,${k % 2 ? "男" : "女"},${born},示例市示例区示例街${k}号`);
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
}

function elicence(args, extraEnv = {}) {
  const r = spawnSync(process.execPath, ["--import", CPU_HOOK, BIN, ...args], { env: { ...env, ...extraEnv }, encoding: "utf8", maxBuffer: 1024 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`elicence ${args.slice(0, 2).join(" ")} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return r;
}

const dir = mkdtempSync(join(tmpdir(), "elicence-cli-bench-"));
const csv = join(dir, "batch.csv");
batchFile(csv, size);
log(`${size} rows, ${(statSync(csv).size / 1e6).toFixed(1)} MB CSV; ${rounds} round(s); ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);

const results = [];
try {
  for (let round = 0; round < rounds; round++) {
    // A new workspace each round: the same file into the same registry would only replay.
    const home = join(dir, `ws-${round}`);
    const init = JSON.parse(elicence(["init", "--home", home, "--json"]).stdout);
    const issuerKey = init.apiKeys.find((k) => k.role === "issuer").key;
    if (args["no-timestamp"]) {
      const configFile = join(home, "elicence.json");
      const config = JSON.parse(readFileSync(configFile, "utf8"));
      delete config.timestamping;
      writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
    }
    const before = await rawSignRate({ threads: 2, windowMs: signWindowMs });
    const cpuFile = join(dir, `cpu-${round}.json`);
    const started = performance.now();
    const r = elicence(["issue", "--batch", csv, "--home", home, "--chunk-size", args["chunk-size"], "--json"], { ELICENCE_API_KEY: issuerKey, ELICENCE_BENCH_CPU_FILE: cpuFile });
    const seconds = (performance.now() - started) / 1000;
    const after = await rawSignRate({ threads: 2, windowMs: signWindowMs });
    const summary = JSON.parse(r.stdout);
    if (summary.issued !== size || summary.failed !== 0) throw new Error(`issued ${summary.issued} of ${size}, ${summary.failed} failed`);
    const { cpuSeconds } = JSON.parse(readFileSync(cpuFile, "utf8"));
    const raw = (before.rate + after.rate) / 2;
    const rawCpu = rawSignCpuRate(signWindowMs) * 2;
    const row = {
      round,
      licences: size,
      seconds,
      licencesPerSecond: size / seconds,
      rawSignPerSecond2Threads: raw,
      ratio: size / seconds / raw,
      cpuSeconds,
      licencesPerCpuSecond: size / cpuSeconds,
      rawSignPerCpuSecondTimes2: rawCpu,
      cpuRatio: size / cpuSeconds / rawCpu,
      dbBytes: ["registry.db", "registry.db-wal"].map((f) => (existsSync(join(home, f)) ? statSync(join(home, f)).size : 0)).reduce((a, b) => a + b, 0),
    };
    // The reference, in the same run: the same rows, inserted bare (see bare-insert.mjs).
    const bare = bareInsert(join(home, "registry.db"), join(dir, `bare-${round}.db`), Number(args["chunk-size"]));
    row.bareRows = bare.rows;
    row.bareSeconds = bare.seconds;
    row.bareLicencesPerSecond = bare.licences / bare.seconds;
    row.bareRatio = row.licencesPerSecond / row.bareLicencesPerSecond;
    log(`round ${round + 1}: bare insert of the same ${bare.rows} rows (${bare.licences} licences) in chunks of ${args["chunk-size"]}: ${bare.seconds.toFixed(2)} s = ${Math.round(row.bareLicencesPerSecond)} licences/s → ratio ${row.bareRatio.toFixed(3)}`);
    rmSync(join(dir, `bare-${round}.db`), { force: true });
    results.push(row);
    log(`round ${round + 1}: ${size} licences in ${seconds.toFixed(1)} s = ${Math.round(row.licencesPerSecond)}/s; raw 2-thread sign ${Math.round(raw)}/s → ratio ${row.ratio.toFixed(3)}; CPU ${cpuSeconds.toFixed(1)} s → CPU ratio ${row.cpuRatio.toFixed(3)}`);
    if (!args.keep) rmSync(home, { recursive: true, force: true });
  }
} finally {
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
}

const summary = {
  when: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  size,
  rounds,
  timestamped: !args["no-timestamp"],
  target: TARGET,
  ratio: median(results.map((r) => r.ratio)),
  cpuRatio: median(results.map((r) => r.cpuRatio)),
  licencesPerSecond: median(results.map((r) => r.licencesPerSecond)),
  rawSignPerSecond2Threads: median(results.map((r) => r.rawSignPerSecond2Threads)),
  bareTarget: BARE_TARGET,
  bareLicencesPerSecond: median(results.map((r) => r.bareLicencesPerSecond)),
  bareRatio: median(results.map((r) => r.bareRatio)),
  results,
};
writeResults(join(ROOT, "bench/results/cli-batch-latest.json"), summary);
console.log(`elicence issue --batch, ${size} licences into SQLite (median of ${rounds})`);
console.log(`  licences/s               ${Math.round(summary.licencesPerSecond)}`);
console.log(`  raw ES256 sign/s, 2 thr  ${Math.round(summary.rawSignPerSecond2Threads)}`);
console.log(`  ratio                    ${summary.ratio.toFixed(3)}  (target ≥ ${TARGET}: ${summary.ratio >= TARGET ? "ok" : "BELOW"})`);
console.log(`  bare insert licences/s   ${Math.round(summary.bareLicencesPerSecond)}  (the same rows, chunks of ${args["chunk-size"]}, no signing)`);
console.log(`  ratio to bare insert     ${summary.bareRatio.toFixed(3)}  (target ≥ ${BARE_TARGET}: ${summary.bareRatio >= BARE_TARGET ? "ok" : "BELOW"})`);
console.log(`  CPU ratio                ${summary.cpuRatio.toFixed(3)}  (licences per CPU s ÷ 2 × raw signatures per CPU s)`);
