// The load generator: its own process (forked by load.mjs), `concurrency` keep-alive connections
// to a loopback URL, each sending its next request as soon as the previous answer is read
// (closed loop). A warm-up, then a window bounded by time and by request count; latency is from
// writing the request to reading the last byte of the answer. Or, when the spec names a `rate`,
// an open loop at that offered rate (see runOpen).
import http from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { runQueueWaitMs } from "./cpu.mjs";
import { holderPath } from "./holders.mjs";

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const cpuMs = (u) => (u.user + u.system) / 1000;

async function run(spec) {
  const { url, headers, concurrency, warmupMs, windowMs, maxRequests, holders, path } = spec;
  const base = new URL(url);
  if (base.hostname !== "127.0.0.1" && base.hostname !== "localhost" && base.hostname !== "[::1]") throw new Error("The load generator only talks to loopback.");
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const nextPath = holders ? () => holderPath(Math.floor(Math.random() * holders)) : () => path;

  const get = (p) =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: base.hostname, port: base.port, path: p, method: "GET", agent, headers }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });

  const latencies = new Float64Array(Math.max(1, maxRequests));
  const cpu = process.cpuUsage();
  const state = { phase: "warmup", total: 0, count: 0, errors: 0, statuses: {}, bytes: 0, licences: 0, parsed: 0, firstError: undefined };
  const loop = async () => {
    while (state.phase !== "done") {
      const phase = state.phase;
      const started = performance.now();
      let res;
      try {
        res = await get(nextPath());
      } catch (err) {
        state.errors++;
        state.firstError ??= String(err);
        continue;
      }
      const ms = performance.now() - started;
      state.total++;
      if (phase !== "window" || state.phase !== "window") continue;
      if (state.count >= maxRequests) {
        state.phase = "done";
        break;
      }
      latencies[state.count++] = ms;
      state.statuses[res.status] = (state.statuses[res.status] ?? 0) + 1;
      state.bytes += res.body.length;
      if (res.status !== 200) {
        state.errors++;
        state.firstError ??= res.body.toString("utf8").slice(0, 300);
      } else if (state.count % 50 === 1) {
        const doc = JSON.parse(res.body.toString("utf8"));
        state.parsed++;
        state.licences += Array.isArray(doc) ? doc.length : 0;
      }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  await new Promise((r) => setTimeout(r, warmupMs));
  state.phase = "window";
  const started = performance.now();
  const timer = setTimeout(() => (state.phase = "done"), windowMs);
  // Also stop when the count bound is reached (checked by the loops).
  while (state.phase === "window") await new Promise((r) => setTimeout(r, 5));
  const elapsed = performance.now() - started;
  clearTimeout(timer);
  await Promise.all(loops);
  agent.destroy();
  const sorted = latencies.slice(0, state.count).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    requests: state.count,
    // Every answer read, warm-up included: the denominator of CPU per request.
    allRequests: state.total,
    loadgenCpuMs: cpuMs(process.cpuUsage(cpu)),
    seconds: elapsed / 1000,
    rps: state.count / (elapsed / 1000),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    mean,
    errors: state.errors,
    statuses: state.statuses,
    meanBytes: state.bytes / Math.max(1, state.count),
    meanLicences: state.parsed ? state.licences / state.parsed : undefined,
    firstError: state.firstError,
  };
}

/**
 * Open loop: requests are sent at a fixed offered rate whatever the answers do (request i is due at
 * start + i / rate), as a crowd of independent clients would send them, on as many keep-alive
 * connections as it takes (up to `maxSockets`). Latency is measured from the moment a request was
 * **due**, not from when it was written, so a server that falls behind is charged for the queue it
 * builds (no coordinated omission, as wrk2 measures). Requests still unanswered `drainMs` after
 * the window count as errors ("late").
 */
async function runOpen(spec) {
  const { url, headers, rate, warmupMs, windowMs, holders, path, maxSockets = 1024, drainMs = 10_000 } = spec;
  const base = new URL(url);
  if (base.hostname !== "127.0.0.1" && base.hostname !== "localhost" && base.hostname !== "[::1]") throw new Error("The load generator only talks to loopback.");
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const nextPath = holders ? () => holderPath(Math.floor(Math.random() * holders)) : () => path;
  const cpu = process.cpuUsage();
  // This process's own stalls: a late tick sends late, and that lateness counts as the server's.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const waited = runQueueWaitMs();
  const windowCount = Math.round((rate * windowMs) / 1000);
  const warmupCount = Math.round((rate * warmupMs) / 1000);
  const total = warmupCount + windowCount;
  const latencies = new Float64Array(windowCount);
  const state = { answered: 0, inWindow: 0, errors: 0, statuses: {}, bytes: 0, firstError: undefined, maxInFlight: 0, inFlight: 0 };
  const sockets = new Set();
  const t0 = performance.now();
  const interval = 1000 / rate;
  let outstanding = 0;
  let resolveAll;
  const allDone = new Promise((r) => (resolveAll = r));
  const send = (i) => {
    const due = t0 + i * interval;
    const counted = i >= warmupCount;
    outstanding++;
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    const finish = (status, bytes, err) => {
      state.inFlight--;
      const ms = performance.now() - due;
      state.answered++;
      if (counted) {
        latencies[state.inWindow++] = ms;
        state.statuses[status] = (state.statuses[status] ?? 0) + 1;
        state.bytes += bytes;
        if (err !== undefined || status !== 200) {
          state.errors++;
          state.firstError ??= err ?? String(status);
        }
      }
      if (--outstanding === 0 && sent === total) resolveAll();
    };
    const req = http.request({ host: base.hostname, port: base.port, path: nextPath(), method: "GET", agent, headers }, (res) => {
      let bytes = 0;
      let first;
      res.on("data", (c) => {
        bytes += c.length;
        if (res.statusCode !== 200 && first === undefined) first = c.toString("utf8").slice(0, 300);
      });
      res.on("end", () => finish(res.statusCode, bytes, first));
      res.on("error", (e) => finish(0, bytes, String(e)));
    });
    req.on("socket", (s) => sockets.add(s));
    req.on("error", (e) => finish(0, 0, String(e)));
    req.end();
  };
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
      while (sent < due) send(sent++);
      if (sent < total) setTimeout(tick, Math.max(0, Math.min(1, t0 + sent * interval - performance.now())));
      else resolve();
    };
    tick();
  });
  const sendEnd = performance.now();
  const late = await Promise.race([allDone.then(() => 0), new Promise((r) => setTimeout(() => r(outstanding), drainMs))]);
  agent.destroy();
  for (const s of sockets) s.destroy();
  delay.disable();
  const sorted = latencies.slice(0, state.inWindow).sort();
  return {
    offeredRate: rate,
    loadgenLoopDelayMaxMs: delay.max / 1e6,
    loadgenRunQueueMs: runQueueWaitMs() - waited,
    // The rate requests were really written at (the generator keeps up unless this falls short).
    sentRate: total / ((sendEnd - t0) / 1000),
    requests: state.inWindow,
    allRequests: state.answered,
    late,
    loadgenCpuMs: cpuMs(process.cpuUsage(cpu)),
    connections: sockets.size,
    maxInFlight: state.maxInFlight,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted[sorted.length - 1],
    errors: state.errors + late,
    statuses: state.statuses,
    meanBytes: state.bytes / Math.max(1, state.inWindow),
    firstError: state.firstError,
  };
}

process.on("message", async (spec) => {
  try {
    process.send({ ok: true, result: await (spec.rate ? runOpen(spec) : run(spec)) });
  } catch (err) {
    process.send({ ok: false, error: String(err?.stack ?? err) });
  }
});
