#!/usr/bin/env node
// What the HTTP layer alone costs a lookup, without the registry: the bare Hono route, then the
// same route with what the registry's app adds around every answer — headers set after the
// handler (request id, security headers: `c.header()` after `next()` turns @hono/node-server's
// lightweight response into a real Response whose body is then read back as a stream), a body the
// size of a lookup answer, and both; and the registry's own app (createHttpApp: authentication,
// schema validation of path, query and cause headers, problem handling) over a stub registry that
// answers at once, i.e. a lookup with a database that costs nothing. Interleaved rounds, same load
// generator as run.mjs. "× 5 KB bare CPU" divides a row by the bare route answering the same 5 KB in
// the same round (the registry app's target is ≤ 1.5).
//
//   node bench/registry/http-floor.mjs [--rounds 3] [--window 3000] [--concurrency 16]
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { serveApp } from "./bare.mjs";
import { cpuClock, loadAverage } from "./cpu.mjs";
import { registry as registryPackage } from "./dist.mjs";
import { LoadGenerator } from "./load.mjs";

const { values: args } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, window: { type: "string", default: "3000" }, concurrency: { type: "string", default: "16" } },
});
const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// A lookup answer's shape and size: two licences of about 2.5 KB each (the compact form: the header
// names its certificate by x5t#S256, 10 disclosures; `node bench/core/steps.mjs` prints its length).
const LICENCE = "eyJ".padEnd(2519, "x") + "~";
const ANSWER = [0, 1].map((i) => ({ id: `urn:elicence:${i}`, type: "11330100MB0000019K001", status: "active", licence: LICENCE, withheld: ["address", "legalRepresentativeIdNumber"] }));

function headersAfter(app) {
  app.use("*", async (c, next) => {
    await next();
    c.header("X-Request-Id", randomUUID());
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
  });
}

function headersBefore(app) {
  app.use("*", async (c, next) => {
    c.header("X-Request-Id", randomUUID());
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
    await next();
  });
}

// A registry that does no work: any key opens a session whose findByHolder answers at once.
const STUB = {
  session: async () => ({ findByHolder: async () => ANSWER }),
  public: {},
};
const CAUSE = { "X-Approval-Matter": "330100-BENCH-0001", "X-Read-Reason": encodeURIComponent("办理食品经营许可（性能测试）") };

const VARIANTS = {
  "bare (small JSON)": (app) => app.get("/r", (c) => c.json({ ok: true, service: "bare", n: 1 })),
  "headers set after next()": (app) => {
    headersAfter(app);
    app.get("/r", (c) => c.json({ ok: true, service: "bare", n: 1 }));
  },
  "headers set before next()": (app) => {
    headersBefore(app);
    app.get("/r", (c) => c.json({ ok: true, service: "bare", n: 1 }));
  },
  "5 KB answer": (app) => app.get("/r", (c) => c.json(ANSWER)),
  "5 KB answer + headers after next()": (app) => {
    headersAfter(app);
    app.get("/r", (c) => c.json(ANSWER));
  },
  "5 KB answer + headers before next()": (app) => {
    headersBefore(app);
    app.get("/r", (c) => c.json(ANSWER));
  },
  "registry app, stub registry (5 KB)": () => registryPackage.createHttpApp(STUB),
};
const PATHS = { "registry app, stub registry (5 KB)": "/v1/holders/001/91330100MA2B3C4D1A/licences" };
const HEADERS = { "registry app, stub registry (5 KB)": { Authorization: "Bearer elk_0123456789abcdef_stub", ...CAUSE } };

async function main() {
  const servers = {};
  for (const [name, build] of Object.entries(VARIANTS)) servers[name] = await serveApp(build);
  const load = new LoadGenerator();
  const results = Object.fromEntries(Object.keys(VARIANTS).map((n) => [n, []]));
  try {
    for (let r = 0; r < Number(args.rounds); r++) {
      for (const name of Object.keys(VARIANTS)) {
        const clock = cpuClock();
        const res = await load.run({ url: servers[name].url, headers: HEADERS[name] ?? {}, path: PATHS[name] ?? "/r", concurrency: Number(args.concurrency), warmupMs: 500, windowMs: Number(args.window), maxRequests: 2_000_000 });
        const cpu = clock.stop();
        if (res.errors) throw new Error(`${name}: ${res.firstError}`);
        results[name].push({ rps: res.rps, p50: res.p50, cpuUs: (cpu.selfMs * 1000) / res.allRequests, bytes: res.meanBytes });
      }
      process.stderr.write(`round ${r + 1} done (load average ${loadAverage()})\n`);
    }
  } finally {
    load.close();
    for (const s of Object.values(servers)) await s.close();
  }
  const base = median(results["bare (small JSON)"].map((x) => x.cpuUs));
  // The same-size floor: each 5 KB row over the bare route answering the same 5 KB, round by round
  // (both measured minutes apart at most, so a shared machine's load moves both), then the median.
  const sameSize = results["5 KB answer"];
  console.table(
    Object.entries(results).map(([name, xs]) => ({
      variant: name,
      "req/s": round(median(xs.map((x) => x.rps))),
      "p50 ms": round(median(xs.map((x) => x.p50)), 2),
      "server CPU µs/req": round(median(xs.map((x) => x.cpuUs))),
      "× bare CPU": round(median(xs.map((x) => x.cpuUs)) / base, 2),
      "× 5 KB bare CPU": xs[0].bytes > 1000 ? round(median(xs.map((x, i) => x.cpuUs / sameSize[i].cpuUs)), 2) : "",
      "answer bytes": round(xs[0].bytes),
    })),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
