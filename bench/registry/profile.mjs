#!/usr/bin/env node
// Where the time of a lookup and of an issue goes, on a small real registry:
//   1. SQL per lookup: every statement a `findByHolder` runs (counted and timed by wrapping the
//      registry's Database object), and the transaction's own cost (BEGIN … COMMIT);
//   2. the same lookups in process (no HTTP) versus over HTTP: what the HTTP layer adds;
//   3. V8 CPU profiles of the HTTP server under load and of issueBatch: self time by package and
//      by function (written as .cpuprofile files to bench/results/ for Chrome DevTools).
//
//   node bench/registry/profile.mjs [--adapter sqlite|postgres] [--licences 5000] [--seconds 4]
//                                   [--clone 200000]            grow to this many licences (clones) before the lookups
//                                   [--sqlite-synchronous NORMAL] an experiment: no fsync per commit (what group commit would approach)
import { Session } from "node:inspector/promises";
import { mkdirSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { cpuClock } from "./cpu.mjs";
import { registry as registryPackage } from "./dist.mjs";
import { cloneHolders } from "./clone.mjs";
import { holderCode, population } from "./holders.mjs";
import { issueHolders } from "./issue.mjs";
import { LoadGenerator } from "./load.mjs";
import { makeWorld, postgresServer } from "./world.mjs";

const { serveRegistry } = registryPackage;
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

const { values: args } = parseArgs({
  options: {
    adapter: { type: "string", default: "sqlite" },
    licences: { type: "string", default: "5000" },
    seconds: { type: "string", default: "4" },
    concurrency: { type: "string", default: "16" },
    clone: { type: "string" },
    "sqlite-synchronous": { type: "string" },
  },
});
const CAUSE = { matter: "330100-BENCH-0001", reason: "办理食品经营许可（性能测试）" };
const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

/** Wraps the registry's Database so every statement is counted and timed (wall), grouped by SQL text. */
function instrument(db) {
  const stats = new Map();
  let tx = { count: 0, totalMs: 0, bodyMs: 0 };
  const record = (sql, ms) => {
    const key = sql.replace(/\s+/g, " ").slice(0, 110);
    const s = stats.get(key) ?? { count: 0, ms: 0 };
    s.count++;
    s.ms += ms;
    stats.set(key, s);
  };
  const wrap = (target) => {
    const out = {};
    for (const m of ["all", "get", "run"]) {
      out[m] = async (sql, params) => {
        const t = performance.now();
        try {
          return await target[m](sql, params);
        } finally {
          record(sql, performance.now() - t);
        }
      };
    }
    return out;
  };
  const plain = wrap({ all: db.all.bind(db), get: db.get.bind(db), run: db.run.bind(db) });
  const transaction = db.transaction.bind(db);
  Object.assign(db, plain);
  db.transaction = async (fn) => {
    const t = performance.now();
    let body = 0;
    try {
      return await transaction(async (inner) => {
        const b = performance.now();
        try {
          return await fn(wrap(inner));
        } finally {
          body += performance.now() - b;
        }
      });
    } finally {
      tx.count++;
      tx.totalMs += performance.now() - t;
      tx.bodyMs += body;
    }
  };
  return {
    /** Puts the database's own methods back. */
    remove() {
      for (const m of ["all", "get", "run", "transaction"]) delete db[m];
    },
    reset() {
      stats.clear();
      tx = { count: 0, totalMs: 0, bodyMs: 0 };
    },
    report(per) {
      const rows = [...stats.entries()].map(([sql, s]) => ({ sql, "per op": round(s.count / per, 2), "µs each": round((s.ms / s.count) * 1000), "µs per op": round((s.ms / per) * 1000) }));
      rows.sort((a, b) => b["µs per op"] - a["µs per op"]);
      const statements = [...stats.values()].reduce((a, s) => a + s.count, 0) / per;
      return { rows, statements, transactions: tx.count / per, txOverheadUs: ((tx.totalMs - tx.bodyMs) / per) * 1000 };
    },
  };
}

/** Self time of a V8 CPU profile, by package and by function. */
function summarise(profile) {
  const self = new Map(profile.nodes.map((n) => [n.id, 0]));
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], self.get(profile.samples[i]) + (dt[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byPkg = new Map();
  const byFn = new Map();
  for (const n of profile.nodes) {
    const us = self.get(n.id);
    if (!us) continue;
    const url = n.callFrame.url;
    const pkg =
      /\(idle\)|\(program\)|\(garbage collector\)/.test(n.callFrame.functionName) ? n.callFrame.functionName
      : url.includes("/node_modules/.pnpm/") ? url.replace(/.*\/node_modules\/\.pnpm\/([^/]+)\/.*/, "$1").replace(/@\d[^_]*(_.*)?$/, "")
      : url.includes("/packages/") ? `@elicence/${url.replace(/.*\/packages\/([^/]+)\/.*/, "$1")}`
      : url.startsWith("node:") ? "node (internals)"
      : url === "" ? "(native / builtins)"
      : url.replace(/.*\/bench\//, "bench/");
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
    const fn = `${n.callFrame.functionName || "(anonymous)"} ${url.split("/").pop()}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  // Inclusive time: each sample counts once for every distinct function on its stack. An async
  // function's continuations are separate stacks (under the microtask queue), so this is what runs
  // synchronously inside each function, whichever resumption it is.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inclusive = new Map();
  for (const [id, us] of self) {
    if (!us) continue;
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      if (!f.functionName || f.functionName === "(root)") continue;
      const label = `${f.functionName} ${f.url.split("/").pop()}:${f.lineNumber + 1}`;
      if (seen.has(label)) continue;
      seen.add(label);
      inclusive.set(label, (inclusive.get(label) ?? 0) + us);
    }
  }
  const top = (m, k) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => ({ name, "%": round((100 * us) / total, 1) }));
  return { packages: top(byPkg, 14), functions: top(byFn, 25), inclusive: top(inclusive, 40) };
}

async function profiled(name, fn) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  await fn();
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();
  const dir = new URL("../results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`registry-${name}.cpuprofile`, dir), JSON.stringify(profile));
  return summarise(profile);
}

async function main() {
  const adapter = args.adapter;
  const pg = adapter === "postgres" ? await postgresServer() : undefined;
  const world = await makeWorld(adapter, pg?.url);
  const load = new LoadGenerator();
  try {
    const { holders, licences } = population(Number(args.licences));
    console.log(`${adapter}: ${licences} real licences, ${holders} holders`);
    const probe = instrument(world.registry.database);

    // Issuing: SQL per licence, then a CPU profile of batches.
    probe.reset();
    const half = Math.floor(holders / 2);
    const clock = cpuClock(pg?.pid);
    const issued = await issueHolders(world, 0, half, 1000, pg?.pid);
    const cpu = clock.stop();
    const perLicence = issued.licences;
    const issueSql = probe.report(perLicence);
    console.log(`\nissueBatch: ${round((cpu.selfMs * 1000) / perLicence)} µs CPU (node) + ${round((cpu.postgresMs * 1000) / perLicence)} µs (PostgreSQL) per licence; ${round(issueSql.statements, 1)} statements per licence`);
    console.table(issueSql.rows.slice(0, 12));
    const issueProfile = await profiled(`${adapter}-issue`, () => issueHolders(world, half, holders, 1000));
    console.log("issueBatch self time by package");
    console.table(issueProfile.packages);
    console.log("issueBatch self time by function");
    console.table(issueProfile.functions);
    console.log("issueBatch inclusive time by function");
    console.table(issueProfile.inclusive.slice(0, 25));

    let lookupHolders = holders;
    if (args.clone) {
      const target = population(Number(args.clone));
      const grown = await cloneHolders(world, holders, target.holders);
      lookupHolders = target.holders;
      console.log(`\ngrown to ${target.licences} licences (${grown.licences} clones) in ${round(grown.ms / 1000, 1)} s`);
    }
    if (args["sqlite-synchronous"]) {
      await world.registry.database.run(`PRAGMA synchronous = ${args["sqlite-synchronous"] === "NORMAL" ? "NORMAL" : "FULL"}`);
      console.log(`\nEXPERIMENT: PRAGMA synchronous = ${args["sqlite-synchronous"]}`);
    }
    if (adapter === "postgres") {
      const key = world.registry.holderKey(holderCode(lookupHolders - 1));
      const plan = await world.registry.database.all("EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM licences WHERE holder_key = ? ORDER BY issued_at, id", [key]);
      console.log(`\nthe holder query's plan:\n${plan.map((r) => Object.values(r)[0]).join("\n")}`);
    }

    // Lookups in process: SQL per lookup and the transaction's own cost.
    const n = 2000;
    probe.reset();
    let found = 0;
    const inproc = cpuClock(pg?.pid);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) found += (await world.consumer.findByHolder(holderCode(Math.floor(Math.random() * lookupHolders)), CAUSE)).length;
    const wallUs = ((performance.now() - t0) * 1000) / n;
    const c2 = inproc.stop();
    const lookupSql = probe.report(n);
    console.log(
      `\nfindByHolder in process: ${round(found / n, 2)} licences each; ${round(wallUs)} µs wall, ${round((c2.selfMs * 1000) / n)} µs CPU (node) + ${round((c2.postgresMs * 1000) / n)} µs (PostgreSQL) per lookup; ` +
        `${round(lookupSql.statements, 1)} statements + BEGIN/COMMIT; transaction overhead (BEGIN, COMMIT, waiting) ${round(lookupSql.txOverheadUs)} µs`,
    );
    console.table(lookupSql.rows);

    // Lookups over HTTP under load, profiled (the session and authentication are inside).
    const server = await serveRegistry(world.registry, { port: 0 });
    try {
      const spec = {
        url: server.url,
        headers: { Authorization: `Bearer ${world.keys.consumer}`, "X-Approval-Matter": CAUSE.matter, "X-Read-Reason": encodeURIComponent(CAUSE.reason) },
        holders: lookupHolders,
        concurrency: Number(args.concurrency),
        warmupMs: 500,
        windowMs: Number(args.seconds) * 1000,
        maxRequests: 1e6,
      };
      // First as run.mjs measures it: no profiler, no SQL probe.
      probe.remove();
      const plainClock = cpuClock(pg?.pid);
      const plain = await load.run(spec);
      const c0 = plainClock.stop();
      console.log(
        `\nHTTP lookups, no profiler: ${round(plain.rps)} req/s, p50 ${round(plain.p50, 2)} ms, p99 ${round(plain.p99, 2)} ms; ` +
          `${round((c0.selfMs * 1000) / plain.allRequests)} µs CPU (node) + ${round((c0.postgresMs * 1000) / plain.allRequests)} µs (PostgreSQL) per request`,
      );
      const probeAgain = instrument(world.registry.database);
      let result;
      const httpClock = cpuClock(pg?.pid);
      const httpProfile = await profiled(`${adapter}-lookup`, async () => (result = await load.run(spec)));
      const c3 = httpClock.stop();
      const http = probeAgain.report(result.allRequests);
      console.log(
        `\nHTTP lookups: ${round(result.rps)} req/s, p50 ${round(result.p50, 2)} ms, p99 ${round(result.p99, 2)} ms; ${round((c3.selfMs * 1000) / result.allRequests)} µs CPU (node, profiler on) + ` +
          `${round((c3.postgresMs * 1000) / result.allRequests)} µs (PostgreSQL) per request; ${round(http.statements, 1)} statements per request`,
      );
      console.log("HTTP lookup self time by package");
      console.table(httpProfile.packages);
      console.log("HTTP lookup self time by function");
      console.table(httpProfile.functions);
      console.log("HTTP lookup inclusive time by function (synchronous part of each resumption)");
      console.table(httpProfile.inclusive);
    } finally {
      await server.close();
    }
  } finally {
    load.close();
    await world.close();
    pg?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
