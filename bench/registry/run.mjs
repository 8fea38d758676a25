#!/usr/bin/env node
// The registry bench: lookups by holder over HTTP against the framework's bare JSON route, issuing
// throughput against raw ES256 signing, and bytes per licence. See bench/registry/README.md.
//
//   node bench/registry/run.mjs [--quick] [--adapter sqlite|postgres|both] [--size 1000000]
//                               [--small 10000] [--real 20000] [--concurrency 16] [--window 5000] [--rounds 3] [--batch 1000]
//                               [--open-rate 1000]
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { serveBare } from "./bare.mjs";
import { cloneHolders } from "./clone.mjs";
import { holderCode, licencesOf, population } from "./holders.mjs";
import { issueHolders, issueRate } from "./issue.mjs";
import { cpuClock, loadAverage } from "./cpu.mjs";
import { registry as registryPackage } from "./dist.mjs";
import { LoadGenerator } from "./load.mjs";
import { rawSignCpuRate, rawSignRate } from "./sign.mjs";
import { measureSize } from "./size.mjs";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { makeWorld, postgresServer } from "./world.mjs";

const { serveRegistry } = registryPackage;
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    adapter: { type: "string", default: "both" },
    size: { type: "string" },
    small: { type: "string" },
    real: { type: "string" },
    concurrency: { type: "string", default: "16" },
    window: { type: "string" },
    rounds: { type: "string" },
    batch: { type: "string", default: "1000" },
    "open-rate": { type: "string", default: "1000" },
  },
});
const quick = args.quick;
const num = (v, d) => (v === undefined ? d : Number(v));
const config = {
  adapters: args.adapter === "both" ? ["sqlite", "postgres"] : [args.adapter],
  small: num(args.small, 10_000),
  size: num(args.size, quick ? 50_000 : 1_000_000),
  concurrency: num(args.concurrency, 16),
  warmupMs: quick ? 300 : 1000,
  windowMs: num(args.window, quick ? 1500 : 5000),
  rounds: num(args.rounds, quick ? 1 : 3),
  batch: num(args.batch, 1000),
  // Open loop: lookups offered at this rate whatever the answers do (0: no open-loop row).
  openRate: num(args["open-rate"], 1000),
  signWindowMs: quick ? 500 : 1500,
};
config.real = Math.min(config.size, num(args.real, quick ? config.small + 2000 : Math.max(20_000, config.small)));
if (!config.adapters.every((a) => a === "sqlite" || a === "postgres")) throw new Error("--adapter is sqlite, postgres or both");
if (!(config.small <= config.real && config.real <= config.size)) throw new Error("need --small ≤ --real ≤ --size");

const log = (msg) => process.stderr.write(`[registry-bench] ${msg}\n`);
/** How many durations (ms), their p99 and their max (both undefined when there are none). */
function tail(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  return { count: sorted.length, p99: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] : undefined, max: sorted.at(-1) };
}

/**
 * The event loop's delay (how late a 1 ms timer fires: whatever held the loop, `monitorEventLoopDelay`)
 * and the garbage collector's pauses (`PerformanceObserver` of `gc` entries) in this process — the
 * serving one — over a measurement.
 */
function pauseClock() {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const gcs = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push(e.duration);
  });
  observer.observe({ entryTypes: ["gc"] });
  // The SQLite writer thread's jobs (the read-log groups' commits, fsync included), from each
  // job's start to its answer on this thread; none on PostgreSQL.
  const jobs = [];
  const onJob = (e) => jobs.push(e.ms);
  subscribe(registryPackage.WRITER_JOB_CHANNEL, onJob);
  // Each group commit of read events, on either database: what every read of the group waited for.
  const commits = [];
  const onCommit = (e) => commits.push(e.ms);
  subscribe(registryPackage.READ_LOG_COMMIT_CHANNEL, onCommit);
  const started = performance.now();
  return {
    stop() {
      delay.disable();
      observer.disconnect();
      unsubscribe(registryPackage.WRITER_JOB_CHANNEL, onJob);
      unsubscribe(registryPackage.READ_LOG_COMMIT_CHANNEL, onCommit);
      const seconds = (performance.now() - started) / 1000;
      const writer = tail(jobs);
      const logCommit = tail(commits);
      return {
        loopDelayP99Ms: delay.percentile(99) / 1e6,
        loopDelayMaxMs: delay.max / 1e6,
        gcMsPerSecond: gcs.reduce((a, d) => a + d, 0) / seconds,
        gcMaxMs: gcs.reduce((a, d) => Math.max(a, d), 0),
        gcPausesOver5Ms: gcs.filter((d) => d > 5).length,
        writerJobs: writer.count,
        writerP99Ms: writer.p99,
        writerMaxMs: writer.max,
        logCommits: logCommit.count,
        logCommitP99Ms: logCommit.p99,
        logCommitMaxMs: logCommit.max,
      };
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 0) => (x === undefined || Number.isNaN(x) ? x : Math.round(x * 10 ** d) / 10 ** d);

/**
 * Lookups on both databases (the small one is a copy taken when it held `small` licences) and the
 * bare route, interleaved round by round so that a busy spell of the shared machine hits all three
 * alike; each round ends with one connection to each, for latency without queueing.
 */
async function measureLookups(targets, load, bare, pgPid) {
  // CPU of the serving process (and PostgreSQL's) over the run, warm-up included, per answer.
  const measured = async (spec) => {
    const clock = cpuClock(pgPid);
    const pauses = pauseClock();
    const r = await load.run(spec);
    const c = clock.stop();
    return {
      ...r,
      // Where a tail can come from in the serving process: the event loop's delay and GC pauses.
      ...pauses.stop(),
      serverCpuMs: c.selfMs,
      postgresCpuMs: c.postgresMs,
      cpuUsPerRequest: ((c.selfMs + c.postgresMs) * 1000) / r.allRequests,
      // Apart: the registry's Node process, and PostgreSQL's backends (0 on SQLite).
      nodeCpuUsPerRequest: (c.selfMs * 1000) / r.allRequests,
      // Of which the event loop's thread (10 ms ticks of /proc: coarse over a short window).
      mainThreadCpuUsPerRequest: (c.mainMs * 1000) / r.allRequests,
      postgresCpuUsPerRequest: (c.postgresMs * 1000) / r.allRequests,
      // Waiting for a CPU, per request: the serving process, PostgreSQL's backends, the load generator.
      runQueueUsPerRequest: (c.runQueueMs * 1000) / r.allRequests,
      postgresRunQueueUsPerRequest: (c.postgresRunQueueMs * 1000) / r.allRequests,
      loadgenRunQueueUsPerRequest: r.loadgenRunQueueMs === undefined ? undefined : (r.loadgenRunQueueMs * 1000) / r.allRequests,
      loadAverage: loadAverage(),
    };
  };
  const cause = { "X-Approval-Matter": "330100-BENCH-0001", "X-Read-Reason": encodeURIComponent("办理食品经营许可（性能测试）") };
  const servers = await Promise.all(targets.map((t) => serveRegistry(t.world.registry, { port: 0 })));
  try {
    const lookupSpec = (k, concurrency, windowMs) => ({
      url: servers[k].url,
      headers: { Authorization: `Bearer ${targets[k].world.keys.consumer}`, ...cause },
      holders: targets[k].holders,
      concurrency,
      warmupMs: config.warmupMs,
      windowMs,
      maxRequests: 2_000_000,
    });
    const bareSpec = (concurrency, windowMs) => ({ url: bare.url, headers: {}, path: "/bare", concurrency, warmupMs: config.warmupMs, windowMs, maxRequests: 2_000_000 });
    const singleMs = Math.max(1000, config.windowMs / 2);
    const rounds = targets.map(() => []);
    const singles = targets.map(() => []);
    const opens = targets.map(() => []);
    const singleBares = [];
    for (let r = 0; r < config.rounds; r++) {
      const b = await measured(bareSpec(config.concurrency, config.windowMs));
      // Alternate which size goes first.
      const order = r % 2 === 0 ? targets.map((_, k) => k) : targets.map((_, k) => targets.length - 1 - k);
      for (const k of order) {
        const l = await measured(lookupSpec(k, config.concurrency, config.windowMs));
        rounds[k].push({ bare: b, lookup: l, ratio: l.rps / b.rps, cpuRatio: b.cpuUsPerRequest / l.cpuUsPerRequest });
        log(
          `  round ${r + 1}, ${targets[k].licences} licences: lookup ${round(l.rps)} req/s p50 ${round(l.p50, 2)} ms p99 ${round(l.p99, 2)} ms, ${round(l.cpuUsPerRequest)} µs CPU/req (errors ${l.errors}); ` +
            `bare ${round(b.rps)} req/s, ${round(b.cpuUsPerRequest)} µs CPU/req; load average ${l.loadAverage}`,
        );
        if (l.errors) log(`  first error: ${l.firstError}`);
      }
      // One connection: latency without queueing, in the same alternating order.
      for (const k of order) singles[k].push(await measured(lookupSpec(k, 1, singleMs)));
      singleBares.push(await measured(bareSpec(1, singleMs)));
      log(`  round ${r + 1}, one connection: lookup p50 ${singles.map((x) => round(x.at(-1).p50, 2)).join(" / ")} ms, p99 ${singles.map((x) => round(x.at(-1).p99, 2)).join(" / ")} ms; bare p50 ${round(singleBares.at(-1).p50, 2)} ms`);
      // Open loop at the offered rate: latency from when each request was due (queueing included).
      if (config.openRate > 0) {
        for (const k of order) {
          const { concurrency: _, ...spec } = lookupSpec(k, 0, config.windowMs);
          opens[k].push(await measured({ ...spec, rate: config.openRate }));
        }
        log(
          `  round ${r + 1}, open loop at ${config.openRate}/s: p50 ${opens.map((x) => round(x.at(-1).p50, 2)).join(" / ")} ms, p99 ${opens.map((x) => round(x.at(-1).p99, 2)).join(" / ")} ms, ` +
            `sent ${opens.map((x) => round(x.at(-1).sentRate)).join(" / ")}/s, CPU ${opens.map((x) => `${round(x.at(-1).nodeCpuUsPerRequest)}+${round(x.at(-1).postgresCpuUsPerRequest)}`).join(" / ")} µs/lookup (node+postgres), ` +
            `connections ${opens.map((x) => x.at(-1).connections).join(" / ")}, ` +
            `loop delay p99 ${opens.map((x) => round(x.at(-1).loopDelayP99Ms, 1)).join(" / ")} ms (max ${opens.map((x) => round(x.at(-1).loopDelayMaxMs, 1)).join(" / ")}), ` +
            `GC ${opens.map((x) => round(x.at(-1).gcMsPerSecond, 1)).join(" / ")} ms/s (max pause ${opens.map((x) => round(x.at(-1).gcMaxMs, 1)).join(" / ")} ms), ` +
            `log group commits p99 ${opens.map((x) => round(x.at(-1).logCommitP99Ms, 1) ?? "—").join(" / ")} ms (max ${opens.map((x) => round(x.at(-1).logCommitMaxMs, 1) ?? "—").join(" / ")}, ${opens.map((x) => x.at(-1).logCommits).join(" / ")} groups), ` +
            `writer commits p99 ${opens.map((x) => round(x.at(-1).writerP99Ms, 1) ?? "—").join(" / ")} ms (max ${opens.map((x) => round(x.at(-1).writerMaxMs, 1) ?? "—").join(" / ")}, ${opens.map((x) => x.at(-1).writerJobs).join(" / ")} jobs), ` +
            `waiting for a CPU ${opens.map((x) => `${round(x.at(-1).runQueueUsPerRequest)}+${round(x.at(-1).postgresRunQueueUsPerRequest)}+${round(x.at(-1).loadgenRunQueueUsPerRequest)}`).join(" / ")} µs/lookup (node+postgres+load generator), ` +
            `load generator loop max ${opens.map((x) => round(x.at(-1).loadgenLoopDelayMaxMs, 1)).join(" / ")} ms, errors ${opens.map((x) => x.at(-1).errors).join(" / ")}`,
        );
      }
    }
    const medianOf = (xs, f) => median(xs.map(f));
    return targets.map((t, k) => {
      const pick = (f) => median(rounds[k].map(f));
      const single = {
        rps: medianOf(singles[k], (x) => x.rps),
        p50: medianOf(singles[k], (x) => x.p50),
        p99: medianOf(singles[k], (x) => x.p99),
        cpuUsPerRequest: medianOf(singles[k], (x) => x.cpuUsPerRequest),
        errors: singles[k].reduce((a, x) => a + x.errors, 0),
      };
      return {
        licences: t.licences,
        holders: t.holders,
        concurrency: config.concurrency,
        lookupRps: pick((r) => r.lookup.rps),
        bareRps: pick((r) => r.bare.rps),
        ratio: pick((r) => r.ratio),
        cpuUsPerLookup: pick((r) => r.lookup.cpuUsPerRequest),
        cpuUsPerBare: pick((r) => r.bare.cpuUsPerRequest),
        cpuRatio: pick((r) => r.cpuRatio),
        p50: pick((r) => r.lookup.p50),
        p99: pick((r) => r.lookup.p99),
        bareP50: pick((r) => r.bare.p50),
        bareP99: pick((r) => r.bare.p99),
        errors: rounds[k].reduce((a, r) => a + r.lookup.errors, 0) + single.errors,
        meanLicencesPerResponse: rounds[k][0].lookup.meanLicences,
        meanResponseBytes: rounds[k][0].lookup.meanBytes,
        single: { ...single, bareP50: medianOf(singleBares, (x) => x.p50), bareP99: medianOf(singleBares, (x) => x.p99) },
        nodeCpuUsPerLookup: pick((r) => r.lookup.nodeCpuUsPerRequest),
        postgresCpuUsPerLookup: pick((r) => r.lookup.postgresCpuUsPerRequest),
        open: opens[k].length
          ? {
              offeredRate: config.openRate,
              sentRate: medianOf(opens[k], (x) => x.sentRate),
              p50: medianOf(opens[k], (x) => x.p50),
              p99: medianOf(opens[k], (x) => x.p99),
              p999: medianOf(opens[k], (x) => x.p999),
              cpuUsPerLookup: medianOf(opens[k], (x) => x.cpuUsPerRequest),
              nodeCpuUsPerLookup: medianOf(opens[k], (x) => x.nodeCpuUsPerRequest),
              mainThreadCpuUsPerLookup: medianOf(opens[k], (x) => x.mainThreadCpuUsPerRequest),
              postgresCpuUsPerLookup: medianOf(opens[k], (x) => x.postgresCpuUsPerRequest),
              connections: medianOf(opens[k], (x) => x.connections),
              loopDelayP99Ms: medianOf(opens[k], (x) => x.loopDelayP99Ms),
              loopDelayMaxMs: medianOf(opens[k], (x) => x.loopDelayMaxMs),
              gcMsPerSecond: medianOf(opens[k], (x) => x.gcMsPerSecond),
              gcMaxMs: medianOf(opens[k], (x) => x.gcMaxMs),
              gcPausesOver5Ms: medianOf(opens[k], (x) => x.gcPausesOver5Ms),
              writerP99Ms: opens[k][0]?.writerP99Ms === undefined ? undefined : medianOf(opens[k], (x) => x.writerP99Ms),
              writerMaxMs: opens[k][0]?.writerMaxMs === undefined ? undefined : medianOf(opens[k], (x) => x.writerMaxMs),
              loadgenLoopDelayMaxMs: medianOf(opens[k], (x) => x.loadgenLoopDelayMaxMs),
              runQueueUsPerLookup: medianOf(opens[k], (x) => x.runQueueUsPerRequest + x.postgresRunQueueUsPerRequest + (x.loadgenRunQueueUsPerRequest ?? 0)),
              logCommitP99Ms: opens[k][0]?.logCommitP99Ms === undefined ? undefined : medianOf(opens[k], (x) => x.logCommitP99Ms),
              logCommitMaxMs: opens[k][0]?.logCommitMaxMs === undefined ? undefined : medianOf(opens[k], (x) => x.logCommitMaxMs),
              errors: opens[k].reduce((a, x) => a + x.errors, 0),
            }
          : undefined,
        openRounds: opens[k],
        rounds: rounds[k],
        singleRounds: singles[k],
      };
    });
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}

async function benchAdapter(adapter, load, bare) {
  const pg = adapter === "postgres" ? await postgresServer() : undefined;
  const world = await makeWorld(adapter, pg?.url);
  let smallWorld;
  const out = { adapter };
  try {
    const small = population(config.small);
    const real = population(config.real);
    const large = population(config.size);
    const raw = [];
    const rawCpu = [];
    const signRef = async () => {
      raw.push((await rawSignRate({ threads: 2, windowMs: config.signWindowMs })).rate);
      rawCpu.push(rawSignCpuRate(config.signWindowMs / 2));
    };

    log(`${adapter}: raw ES256 sign on 2 threads`);
    await signRef();
    log(`${adapter}: issuing ${small.licences} real licences (holders 0–${small.holders - 1})`);
    const a = await issueHolders(world, 0, small.holders, config.batch, pg?.pid);
    await signRef();
    log(`${adapter}: copying the database at ${small.licences} licences`);
    smallWorld = await world.copy();

    log(`${adapter}: issuing ${real.licences - small.licences} more real licences`);
    const b = await issueHolders(world, small.holders, real.holders, config.batch, pg?.pid);
    await signRef();
    const rate = issueRate([...a.calls, ...b.calls]);
    const rawRate = median(raw);
    const rawCpuRate = median(rawCpu);
    out.issue = {
      batch: config.batch,
      ...rate,
      raw2Threads: rawRate,
      rawSamples: raw,
      ratio: rate.rate / rawRate,
      rawCpuRate1Thread: rawCpuRate,
      // Licences per CPU second (PostgreSQL's included) ÷ two cores' worth of raw signing per CPU second.
      cpuRatio: rate.cpuRate / (2 * rawCpuRate),
    };
    log(`${adapter}: issue ${round(rate.rate)} licences/s (${round(rate.cpuRate)} per CPU s), raw ${round(rawRate)} sign/s on 2 threads (${round(rawCpuRate)} per CPU s on 1), ratio ${round(out.issue.ratio, 3)} (CPU ${round(out.issue.cpuRatio, 3)})`);

    log(`${adapter}: cloning to ${large.licences} licences`);
    const clone = await cloneHolders(world, real.holders, large.holders, {
      onProgress: (n, ms) => {
        if (n % 100_000 < 25_000) log(`  ${n} cloned in ${round(ms / 1000, 1)} s`);
      },
    });
    out.clone = { real: real.licences, cloned: clone.licences, seconds: clone.ms / 1000, phases: clone.phases };
    log(`${adapter}: cloned ${clone.licences} in ${round(clone.ms / 1000, 1)} s (${Object.entries(clone.phases).map(([k, v]) => `${k} ${round(v / 1000, 1)} s`).join(", ")})`);
    // The clones must be found like real licences, and (when it is quick enough) pass the registry's own audit.
    const last = large.holders - 1;
    const found = (await world.consumer.findByHolder(holderCode(last), { matter: "330100-BENCH-0001", reason: "核对" })).length;
    if (found !== licencesOf(last)) throw new Error(`holder ${last} has ${found} licences, expected ${licencesOf(last)}`);
    if (large.licences <= 200_000) {
      const audit = await world.registry.audit();
      out.clone.audit = { licences: audit.licences, logSize: audit.logSize, problems: audit.problems.length };
      if (audit.problems.length) throw new Error(`the audit found ${audit.problems.length} problems, e.g. ${audit.problems[0]}`);
      log(`${adapter}: audit clean (${audit.licences} licences, ${audit.logSize} log entries)`);
    }
    out.size = await measureSize(world);
    log(`${adapter}: ${round(out.size.bytesPerLicence)} bytes per licence at ${out.size.licences} licences; log ${out.size.logEntries} entries, ${round(out.size.logBytes / 1e6, 1)} MB; ${out.size.statusLists.count} status lists (${out.size.statusLists.bytes} bytes)`);

    log(`${adapter}: lookups at ${small.licences} and ${large.licences} licences`);
    [out.small, out.large] = await measureLookups(
      [
        { world: smallWorld, licences: small.licences, holders: small.holders },
        { world, licences: out.size.licences, holders: large.holders },
      ],
      load,
      bare,
      pg?.pid,
    );
    return out;
  } finally {
    await smallWorld?.close();
    await world.close();
    pg?.stop();
  }
}

function commit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

function printTable(results) {
  const rows = [];
  for (const r of results) {
    for (const key of ["small", "large"]) {
      const m = r[key];
      if (!m) continue;
      rows.push({
        adapter: r.adapter,
        licences: m.licences,
        "lookup req/s": round(m.lookupRps),
        "bare req/s": round(m.bareRps),
        "ratio (≥0.5)": round(m.ratio, 3),
        "CPU µs/lookup": round(m.cpuUsPerLookup),
        "of which PG": round(m.postgresCpuUsPerLookup),
        "CPU µs/bare": round(m.cpuUsPerBare),
        "CPU ratio": round(m.cpuRatio, 3),
        "p50 ms": round(m.p50, 2),
        "p99 ms (<10)": round(m.p99, 2),
        "1-conn p50": round(m.single.p50, 2),
        "1-conn p99": round(m.single.p99, 2),
        errors: m.errors,
      });
    }
  }
  console.log(`\nLookups by holder over HTTP (${config.concurrency} keep-alive connections, consumer key, random holders)`);
  console.table(rows);
  if (config.openRate > 0) {
    console.log(`Open loop: lookups offered at ${config.openRate}/s (latency from when each was due; targets p99 < 10 ms, CPU ≤ 300 µs SQLite, ≤ 450 µs PostgreSQL with its backends)`);
    console.table(
      results.flatMap((r) =>
        ["small", "large"]
          .map((key) => r[key])
          .filter((m) => m?.open)
          .map((m) => ({
            adapter: r.adapter,
            licences: m.licences,
            "sent/s": round(m.open.sentRate),
            "p50 ms": round(m.open.p50, 2),
            "p99 ms (<10)": round(m.open.p99, 2),
            "p99.9 ms": round(m.open.p999, 2),
            "CPU µs/lookup": round(m.open.cpuUsPerLookup),
            "Node µs": round(m.open.nodeCpuUsPerLookup),
            "of which event loop": round(m.open.mainThreadCpuUsPerLookup),
            "PG backends µs": round(m.open.postgresCpuUsPerLookup),
            connections: m.open.connections,
            "loop delay p99 / max ms": `${round(m.open.loopDelayP99Ms, 1)} / ${round(m.open.loopDelayMaxMs, 1)}`,
            "GC ms/s, max ms, >5 ms": `${round(m.open.gcMsPerSecond, 1)}, ${round(m.open.gcMaxMs, 1)}, ${m.open.gcPausesOver5Ms}`,
            "log group commit p99 / max ms": m.open.logCommitP99Ms === undefined ? "—" : `${round(m.open.logCommitP99Ms, 1)} / ${round(m.open.logCommitMaxMs, 1)}`,
            "writer commit p99 / max ms": m.open.writerP99Ms === undefined ? "—" : `${round(m.open.writerP99Ms, 1)} / ${round(m.open.writerMaxMs, 1)}`,
            "load gen. loop max ms": round(m.open.loadgenLoopDelayMaxMs, 1),
            "waiting for a CPU µs/lookup": round(m.open.runQueueUsPerLookup),
            errors: m.open.errors,
          })),
      ),
    );
  }
  console.log("Latency at the large size ÷ latency at the small size (target ≤ 1.5)");
  console.table(
    results
      .filter((r) => r.small && r.large)
      .map((r) => ({
        adapter: r.adapter,
        "p50 ratio": round(r.large.p50 / r.small.p50, 2),
        "p99 ratio": round(r.large.p99 / r.small.p99, 2),
        "1-conn p50 ratio": round(r.large.single.p50 / r.small.single.p50, 2),
        "1-conn p99 ratio": round(r.large.single.p99 / r.small.single.p99, 2),
        ...(r.large.open && r.small.open ? { "open p50 ratio": round(r.large.open.p50 / r.small.open.p50, 2), "open p99 ratio": round(r.large.open.p99 / r.small.open.p99, 2) } : {}),
      })),
  );
  console.log(`Issuing with persistence (issueBatch of ${config.batch}) ÷ raw ES256 crypto.sign on 2 threads (target ≥ 0.5)`);
  console.table(
    results
      .filter((r) => r.issue)
      .map((r) => ({
        adapter: r.adapter,
        "licences/s": round(r.issue.rate),
        "raw sign/s (2 thr)": round(r.issue.raw2Threads),
        ratio: round(r.issue.ratio, 3),
        "licences/CPU s": round(r.issue.cpuRate),
        "raw sign/CPU s (×2)": round(2 * r.issue.rawCpuRate1Thread),
        "CPU ratio": round(r.issue.cpuRatio, 3),
        "licences timed": r.issue.items,
      })),
  );
  console.log("Bytes per licence");
  console.table(
    results
      .filter((r) => r.size)
      .map((r) => ({
        adapter: r.adapter,
        licences: r.size.licences,
        "real / cloned": `${r.clone.real} / ${r.clone.cloned}`,
        "MB total": round(r.size.totalBytes / 1e6, 1),
        "bytes/licence": round(r.size.bytesPerLicence),
        "log entries": r.size.logEntries,
        "log MB": round(r.size.logBytes / 1e6, 1),
        "status lists": r.size.statusLists?.count,
        "status list KB each": round((r.size.statusLists?.largestBytes ?? 0) / 1024, 1),
        ...Object.fromEntries(Object.entries(r.size.perLicence).map(([k, v]) => [`${k} B`, round(v)])),
      })),
  );
}

async function main() {
  log(`config ${JSON.stringify(config)}`);
  const startCommit = commit();
  const bare = await serveBare();
  const load = new LoadGenerator();
  const results = [];
  const started = Date.now();
  try {
    for (const adapter of config.adapters) results.push(await benchAdapter(adapter, load, bare));
  } finally {
    load.close();
    await bare.close();
  }
  printTable(results);
  const report = {
    date: new Date().toISOString(),
    // HEAD when the run began, i.e. when dist.mjs copied the build (a build may hold uncommitted work).
    commit: startCommit,
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    command: `node bench/registry/run.mjs ${process.argv.slice(2).join(" ")}`.trim(),
    loadAverageAtEnd: loadAverage(),
    config,
    seconds: (Date.now() - started) / 1000,
    results,
  };
  const dir = new URL("../results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("registry-latest.json", dir), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${round(report.seconds)} s; written bench/results/registry-latest.json`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
