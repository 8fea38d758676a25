#!/usr/bin/env node
// The SDK verify bench: `LicenceVerifier.verify` with a warm cache (trust list and status list
// fetched, verified and cached once) ÷ raw ES256 `crypto.verify` of a 1 KB message, on 1 thread and
// on both cores (worker_threads), interleaved rounds. Target ≥ 0.7. See README.md.
//
//   node bench/sdk/verify.mjs [--quick] [--rounds 3] [--window 2000] [--warmup 500] [--threads 1,2] [--licences 64]
import { spawnSync } from "node:child_process";
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const load = (p) => import(pathToFileURL(join(ROOT, "packages", p, "dist", "index.js")).href);
const TARGET = 0.7;
/** The sample workspace's operator certificate type (特种作业操作证): 3 plain fields, 3 disclosures. */
const PERSON = "11330100MB0000019K002";

function barrier(cell, parties) {
  if (Atomics.add(cell, 0, 1) + 1 === parties) Atomics.notify(cell, 0);
  else while (Atomics.load(cell, 0) < parties) Atomics.wait(cell, 0, Atomics.load(cell, 0), 1000);
}

if (!isMainThread) {
  // A worker: its own verifier with a warm cache, and its own raw key.
  const { LicenceVerifier } = await load("sdk");
  const { DEFAULT_ALGORITHMS } = await load("core");
  const { licences, trustList, statusLists, operatorPem } = workerData;
  const verifier = new LicenceVerifier({
    source: { trustList: async () => trustList, statusList: async (id) => statusLists[id] },
    operatorCertificates: [operatorPem],
    algorithms: DEFAULT_ALGORITHMS,
    maxStaleness: 24 * 3600_000,
    backgroundRefresh: false,
  });
  for (const l of licences) {
    const report = await verifier.verify(l);
    if (report.indication !== "PASSED") throw new Error(`warm-up licence not PASSED: ${JSON.stringify(report.checks.filter((c) => c.result !== "passed"))}`);
  }
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const message = randomBytes(1024);
  const signature = sign("sha256", message, { key: privateKey, dsaEncoding: "ieee-p1363" });
  const key = createPublicKey(publicKey.export({ format: "pem", type: "spki" }));
  let next = 0;
  const workloads = {
    raw: async (n) => {
      for (let i = 0; i < n; i++) if (!verify("sha256", message, { key, dsaEncoding: "ieee-p1363" }, signature)) throw new Error("raw verify failed");
    },
    ours: async (n) => {
      for (let i = 0; i < n; i++) {
        const report = await verifier.verify(licences[next++ % licences.length]);
        if (report.indication !== "PASSED") throw new Error("verify not PASSED");
      }
    },
  };
  async function runFor(ms, fn) {
    const end = performance.now() + ms;
    let ops = 0;
    while (performance.now() < end) {
      await fn(16);
      ops += 16;
    }
    return ops;
  }
  parentPort.on("message", async ({ workload, warmupMs, windowMs, cell, parties }) => {
    try {
      await runFor(warmupMs, workloads[workload]);
      barrier(new Int32Array(cell), parties);
      const cpu = process.threadCpuUsage?.() ?? process.cpuUsage();
      const started = performance.now();
      const ops = await runFor(windowMs, workloads[workload]);
      const elapsed = performance.now() - started;
      const d = process.threadCpuUsage?.(cpu) ?? process.cpuUsage(cpu);
      parentPort.postMessage({ ok: true, rate: (ops / elapsed) * 1000, cpuRate: ops / ((d.user + d.system) / 1e6) });
    } catch (err) {
      parentPort.postMessage({ ok: false, error: String(err?.stack ?? err) });
    }
  });
  parentPort.postMessage({ ok: true, ready: true });
} else {
  const { values: args } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      rounds: { type: "string" },
      window: { type: "string" },
      warmup: { type: "string" },
      threads: { type: "string", default: `1,${Math.max(2, cpus().length)}` },
      licences: { type: "string", default: "64" },
    },
  });
  const quick = args.quick;
  const rounds = Number(args.rounds ?? (quick ? 1 : 3));
  const windowMs = Number(args.window ?? (quick ? 500 : 2000));
  const warmupMs = Number(args.warmup ?? (quick ? 300 : 500));
  const threadCounts = args.threads.split(",").map(Number);
  const { median, writeResults } = await import("../core/report.mjs");
  const log = (msg) => process.stderr.write(`[sdk-bench] ${msg}\n`);

  // The world: a workspace (development CA, a department, trust list), 64 licences issued through
  // the registry in process, so each names a status list; the documents an approval system would fetch.
  const { Registry } = await load("registry");
  const dir = mkdtempSync(join(tmpdir(), "elicence-sdk-bench-"));
  const passphrase = "bench passphrase";
  let world;
  try {
    world = await makeWorld(dir, passphrase, Number(args.licences));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log(`${world.licences.length} licences of ${Math.round(world.licences.reduce((a, l) => a + l.length, 0) / world.licences.length)} bytes (compact, every disclosure); ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);

  const rows = [];
  for (const threads of threadCounts) {
    const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url), { workerData: world }));
    const ask = (w, msg) =>
      new Promise((resolve, reject) => {
        w.once("message", (m) => (m.ok ? resolve(m) : reject(new Error(m.error))));
        w.once("error", reject);
        if (msg) w.postMessage(msg);
      });
    try {
      await Promise.all(workers.map((w) => ask(w)));
      const run = async (workload) => {
        const cell = new SharedArrayBuffer(4);
        const replies = await Promise.all(workers.map((w) => ask(w, { workload, warmupMs, windowMs, cell, parties: threads })));
        return { rate: replies.reduce((a, r) => a + r.rate, 0), cpuRate: median(replies.map((r) => r.cpuRate)) };
      };
      const per = [];
      for (let r = 0; r < rounds; r++) {
        // raw, ours alternating (ours first in odd rounds), each ratio from two adjacent windows.
        const order = r % 2 ? ["ours", "raw"] : ["raw", "ours"];
        const got = {};
        for (const w of order) got[w] = await run(w);
        per.push({ raw: got.raw.rate, ours: got.ours.rate, ratio: got.ours.rate / got.raw.rate, cpuRatio: got.ours.cpuRate / got.raw.cpuRate });
        log(`${threads} thread(s), round ${r + 1}: raw ${Math.round(got.raw.rate)}/s, LicenceVerifier ${Math.round(got.ours.rate)}/s, ratio ${(got.ours.rate / got.raw.rate).toFixed(3)}`);
      }
      rows.push({ threads, raw: median(per.map((p) => p.raw)), ours: median(per.map((p) => p.ours)), ratio: median(per.map((p) => p.ratio)), cpuRatio: median(per.map((p) => p.cpuRatio)), rounds: per });
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }
  writeResults(join(ROOT, "bench/results/sdk-verify-latest.json"), { when: new Date().toISOString(), node: process.version, cpus: cpus().length, target: TARGET, windowMs, warmupMs, rows });
  console.log("LicenceVerifier.verify, warm cache (trust list + status list), ES256 licences");
  console.log("threads  raw verify/s  verify/s  ratio  cpu ratio  target");
  for (const r of rows) {
    console.log(`${String(r.threads).padStart(7)}  ${String(Math.round(r.raw)).padStart(12)}  ${String(Math.round(r.ours)).padStart(8)}  ${r.ratio.toFixed(3).padStart(5)}  ${r.cpuRatio.toFixed(3).padStart(9)}  ≥ ${TARGET} ${r.ratio >= TARGET ? "ok" : "BELOW"}`);
  }

  async function makeWorld(dir, pass, count) {
    // `elicence init`: the sample workspace, with its issuer key.
    const home = join(dir, "ws");
    const init = spawnSync(process.execPath, [join(ROOT, "packages/cli/dist/bin.js"), "init", "--home", home, "--json"], {
      encoding: "utf8",
      env: { ...process.env, ELICENCE_PASSPHRASE: pass, ELICENCE_PBKDF2_ITERATIONS: "2000" },
    });
    if (init.status !== 0) throw new Error(`elicence init failed: ${init.stderr}`);
    const issuerKey = JSON.parse(init.stdout).apiKeys.find((k) => k.role === "issuer").key;
    const registry = await Registry.open({ home, passphrase: pass });
    try {
      const api = await registry.session(issuerKey);
      const { computeCitizenIdCheck } = await load("core");
      const items = Array.from({ length: count }, (_, k) => {
        const body = `33010619800101${String(k).padStart(3, "0")}`;
        return {
          type: PERSON,
          holder: { name: `张三${k}`, idType: "111", idNumber: body + computeCitizenIdCheck(body) },
          fields: { operationCategory: "电工作业", operationItem: "低压电工作业", firstIssuedOn: "2019-03-01", gender: "女", birthDate: "1980-01-01", homeAddress: `示例路${k}号` },
        };
      });
      const { issued, errors } = await api.issueBatch({ requestId: "sdk-bench", items });
      if (errors.length) throw new Error(`issuing the bench licences failed: ${JSON.stringify(errors[0])}`);
      const statusLists = {};
      for (const r of issued) {
        const id = Number(new URL(r.statusList.uri).pathname.split("/").pop());
        statusLists[id] ??= await registry.public.statusList(id);
      }
      return { licences: issued.map((r) => r.licence), trustList: await registry.public.trustList(), statusLists, operatorPem: readFileSync(join(home, "pki", "operator.pem"), "utf8") };
    } finally {
      await registry.close();
    }
  }
}
