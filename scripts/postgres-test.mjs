#!/usr/bin/env node
// A throwaway PostgreSQL cluster for the tests, built with Debian's server binaries
// (/usr/lib/postgresql/<version>/bin). When run as root, the cluster runs as the `postgres` user.
//
//   node scripts/postgres-test.mjs start [--state FILE]   initdb + start; prints the URL of database elicence_test
//   node scripts/postgres-test.mjs url   [--state FILE]   prints the URL of the running cluster
//   node scripts/postgres-test.mjs stop  [--state FILE]   stops the cluster and deletes its files
//
// The state file (default: $TMPDIR/elicence-postgres-test.json) records where the cluster lives so that
// `url` and `stop` find it. The cluster listens on 127.0.0.1 only, on a free port, with trust
// authentication (it holds nothing but test data) and durability switched off for speed.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const DATABASE = "elicence_test";

/** The newest installed server's bin directory, or undefined. */
export function findPostgresBin() {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], "bin") : undefined;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** Runs a PostgreSQL binary, as the postgres user when we are root. */
function runAsOwner(bin, args, cwd) {
  const [cmd, argv] = isRoot() ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  const res = spawnSync(cmd, argv, { cwd, encoding: "utf8" });
  if (res.status !== 0) {
    const out = `${res.stdout ?? ""}${res.stderr ?? ""}${res.error ? String(res.error) : ""}`.trim();
    throw new Error(`${bin.split("/").pop()} failed (exit ${res.status}):\n${out}`);
  }
  return res.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates and starts a cluster; returns its state ({ url, dir, dataDir, port, bin }).
 * Throws with a clear message when the server binaries are missing.
 */
export async function startPostgres() {
  const bin = findPostgresBin();
  if (!bin) {
    throw new Error(
      "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb). " +
        "Install them with: sudo apt-get install postgresql  (or run: node scripts/test-deps.mjs --install as root), " +
        "or point ELICENCE_TEST_POSTGRES_URL at a server where the test user may CREATE DATABASE.",
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "elicence-pg-"));
  const dataDir = join(dir, "data");
  try {
    if (isRoot()) {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
      chownSync(dir, uid, gid);
    }
    runAsOwner(join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], dir);
    let lastError;
    // The free port can be taken between probing and binding (parallel runs): try a few.
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const options = [
        `-p ${port}`,
        "-c listen_addresses=127.0.0.1",
        `-c unix_socket_directories=${dir}`,
        "-c max_connections=300",
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off",
      ].join(" ");
      try {
        runAsOwner(join(bin, "pg_ctl"), ["-D", dataDir, "-l", join(dir, "postgres.log"), "-o", options, "-w", "-t", "30", "start"], dir);
      } catch (err) {
        lastError = err;
        continue;
      }
      runAsOwner(join(bin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", DATABASE], dir);
      return { url: `postgres://postgres@127.0.0.1:${port}/${DATABASE}`, dir, dataDir, port, bin };
    }
    throw lastError;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Creates and starts a hot standby of a running test cluster: `pg_basebackup -R` (a base backup that
 * writes `standby.signal` and `primary_conninfo`, so the copy starts as a streaming replica) and
 * `pg_ctl start` with `hot_standby=on`, on another free loopback port. Returns its state, with the
 * same shape as {@link startPostgres}'s (its url names the same database, read-only).
 */
export async function startStandby(primary) {
  const dir = mkdtempSync(join(tmpdir(), "elicence-pg-standby-"));
  const dataDir = join(dir, "data");
  try {
    if (isRoot()) {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
      chownSync(dir, uid, gid);
    }
    runAsOwner(join(primary.bin, "pg_basebackup"), ["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-D", dataDir, "-R", "-X", "stream", "--no-sync"], dir);
    let lastError;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const options = [`-p ${port}`, "-c listen_addresses=127.0.0.1", `-c unix_socket_directories=${dir}`, "-c hot_standby=on", "-c max_connections=300", "-c fsync=off"].join(" ");
      try {
        runAsOwner(join(primary.bin, "pg_ctl"), ["-D", dataDir, "-l", join(dir, "postgres.log"), "-o", options, "-w", "-t", "30", "start"], dir);
      } catch (err) {
        lastError = err;
        continue;
      }
      const url = new URL(primary.url);
      url.port = String(port);
      return { url: url.href, dir, dataDir, port, bin: primary.bin };
    }
    throw lastError;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Runs `pg_ctl` on a test cluster as its owner (e.g. `["stop", "-m", "immediate"]` or a restart). */
export function pgCtl(state, args) {
  runAsOwner(join(state.bin, "pg_ctl"), ["-D", state.dataDir, ...args], state.dir);
}

/** Stops the cluster (immediate shutdown: the data is thrown away) and deletes its files. */
export function stopPostgres(state) {
  try {
    if (existsSync(join(state.dataDir, "postmaster.pid"))) {
      runAsOwner(join(state.bin, "pg_ctl"), ["-D", state.dataDir, "-m", "immediate", "-w", "stop"], state.dir);
    }
  } finally {
    rmSync(state.dir, { recursive: true, force: true });
  }
}

function stateFile(argv) {
  const i = argv.indexOf("--state");
  return i >= 0 && argv[i + 1] ? argv[i + 1] : join(tmpdir(), "elicence-postgres-test.json");
}

async function main(argv) {
  const command = argv[0];
  const file = stateFile(argv);
  const readState = () => {
    if (!existsSync(file)) throw new Error(`No test cluster is recorded in ${file}; run: node scripts/postgres-test.mjs start`);
    return JSON.parse(readFileSync(file, "utf8"));
  };
  switch (command) {
    case "start": {
      if (existsSync(file)) throw new Error(`A test cluster is already recorded in ${file}; stop it first.`);
      const state = await startPostgres();
      writeFileSync(file, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
      console.log(state.url);
      return;
    }
    case "url":
      console.log(readState().url);
      return;
    case "stop":
      stopPostgres(readState());
      rmSync(file, { force: true });
      return;
    default:
      console.error("usage: node scripts/postgres-test.mjs start|stop|url [--state FILE]");
      process.exitCode = 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
