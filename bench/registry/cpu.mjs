// CPU time, which a shared machine disturbs less than wall time: this process, and the PostgreSQL
// server's processes (the postmaster's children, from /proc; Linux only).
import { readFileSync, readdirSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

/**
 * A process and its direct children (e.g. a postmaster and its backends), in one pass over /proc:
 * their CPU milliseconds, and the milliseconds the children waited for a CPU ({@link runQueueWaitMs}).
 */
function treeSample(rootPid) {
  let cpuMs = procStat(rootPid)?.ms ?? 0;
  let waitMs = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(name);
    if (s?.ppid !== rootPid) continue;
    cpuMs += s.ms;
    waitMs += runQueueWaitMs(name);
  }
  return { cpuMs, waitMs };
}

/**
 * Milliseconds the threads of process `pid` spent runnable but waiting for a CPU (the second field
 * of each task's /proc schedstat): on a shared 2-core machine, the scheduler's share of a latency.
 */
export function runQueueWaitMs(pid = process.pid) {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[1]);
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    return 0;
  }
  return ns / 1e6;
}

/** The postmaster's pid, from its data directory. */
export function postmasterPid(dataDir) {
  return Number(readFileSync(`${dataDir}/postmaster.pid`, "utf8").split("\n")[0]);
}

/** CPU milliseconds of this process's main thread (the event loop), apart from its worker threads. */
function mainThreadMs() {
  return procStat(`${process.pid}/task/${process.pid}`)?.ms ?? 0;
}

/**
 * Starts a CPU clock over this process (and `pgPid`'s tree); `stop()` returns milliseconds: all of
 * this process (`selfMs`), of which its main thread (`mainMs`; the rest is worker threads: the
 * SQLite log writer, signing workers, libuv's pool), and PostgreSQL's backends.
 */
export function cpuClock(pgPid) {
  const self = process.cpuUsage();
  const main = mainThreadMs();
  const pg = pgPid ? treeSample(pgPid) : { cpuMs: 0, waitMs: 0 };
  const waited = runQueueWaitMs();
  return {
    stop() {
      const d = process.cpuUsage(self);
      const pgNow = pgPid ? treeSample(pgPid) : pg;
      return {
        selfMs: (d.user + d.system) / 1000,
        mainMs: mainThreadMs() - main,
        postgresMs: pgNow.cpuMs - pg.cpuMs,
        // Time runnable but not running: this process's threads, and PostgreSQL's backends (new
        // backends started meanwhile count whole, old ones that ended drop out: an estimate).
        runQueueMs: runQueueWaitMs() - waited,
        postgresRunQueueMs: Math.max(0, pgNow.waitMs - pg.waitMs),
      };
    },
  };
}

/** The 1-minute load average (how busy the shared machine was). */
export function loadAverage() {
  try {
    return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  } catch {
    return undefined;
  }
}
