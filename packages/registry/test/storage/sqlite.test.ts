/** What only the SQLite adapter has to show: crash safety, file permissions, busy retries, the statement cache. */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";

import { openDatabase, type Database } from "../../src/storage/database.js";

const here = dirname(fileURLToPath(import.meta.url));
const opened: Database[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function open(url: string, options?: Parameters<typeof openDatabase>[1]): Promise<Database> {
  const db = await openDatabase(url, options);
  opened.push(db);
  return db;
}

const tempDir = (): string => mkdtempSync(join(tmpdir(), "elicence-sqlite-"));

/** Bundles the crash writer (TypeScript sources) into a script node runs; better-sqlite3 resolves from the registry package. */
async function bundleWriter(): Promise<string> {
  const outdir = join(here, "../../node_modules/.cache/elicence-storage-test");
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `crash-writer-${process.pid}.mjs`);
  await build({
    entryPoints: [join(here, "fixtures/crash-writer.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@elicence/source"],
    external: ["better-sqlite3", "pg"],
    logLevel: "error",
  });
  return outfile;
}

/** Runs the writer until a random moment after its first commits, SIGKILLs it, returns the last acknowledged transaction. */
async function runAndKill(script: string, file: string): Promise<number> {
  const child = spawn(process.execPath, [script, file], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("ready\n")) resolve();
    });
    child.on("exit", () => reject(new Error(`crash writer exited early: ${err}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 350));
  child.kill("SIGKILL");
  await closed;
  const acked = out.split("\n").filter((line) => /^\d+$/.test(line)).map(Number);
  expect(acked.length, err).toBeGreaterThan(0);
  expect(acked).toEqual(acked.map((_, i) => i + 1));
  return acked.at(-1)!;
}

describe("SQLite adapter", () => {
  it("keeps every acknowledged transaction and no half of one after SIGKILL", async () => {
    const script = await bundleWriter();
    onTestFinished(() => rmSync(script, { force: true }));
    const dir = tempDir();
    // A writer without transactions leaves a half pair in about 9 rounds out of 10: four rounds catch it.
    for (let round = 0; round < 4; round++) {
      const file = join(dir, `crash-${round}.db`);
      const acked = await runAndKill(script, file);
      const db = await open(`sqlite:${file}`);
      expect(await db.get("PRAGMA integrity_check")).toEqual({ integrity_check: "ok" });
      const groups = await db.all<{ tx: number; parts: number }>("SELECT tx, count(*) AS parts FROM pairs GROUP BY tx ORDER BY tx");
      // Every transaction is whole, the acknowledged ones are all there, and at most one more made it.
      expect(groups.every((g) => g.parts === 2)).toBe(true);
      expect(groups.map((g) => g.tx)).toEqual(groups.map((_, i) => i + 1));
      expect(groups.length === acked || groups.length === acked + 1).toBe(true);
      await db.close();
    }
  });

  it("creates the database file and its WAL with mode 0600", async () => {
    const file = join(tempDir(), "private.db");
    const db = await open(`sqlite:${file}`);
    await db.run("CREATE TABLE t (x TEXT)");
    await db.run("INSERT INTO t (x) VALUES (?)", ["secret"]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    expect(await db.get("PRAGMA journal_mode")).toEqual({ journal_mode: "wal" });
    expect(await db.get("PRAGMA synchronous")).toEqual({ synchronous: 2 });
    expect(await db.get("PRAGMA foreign_keys")).toEqual({ foreign_keys: 1 });
  });

  it("retries a transaction while another connection holds the write lock", async () => {
    const url = `sqlite:${join(tempDir(), "busy.db")}`;
    const a = await open(url);
    const b = await open(url, { busyTimeoutMs: 0, maxAttempts: 100 });
    await a.run("CREATE TABLE t (x BIGINT)");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const first = a.transaction(async (tx) => {
      await tx.run("INSERT INTO t (x) VALUES (1)");
      locked();
      await held;
    });
    await isLocked;
    const second = b.transaction((tx) => tx.run("INSERT INTO t (x) VALUES (2)"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await Promise.all([first, second]);
    expect(await b.all("SELECT x FROM t ORDER BY x")).toEqual([{ x: 1 }, { x: 2 }]);
  });

  it("gives correct results through a tiny statement cache", async () => {
    const db = await open("sqlite::memory:", { statementCacheSize: 2 });
    await db.run("CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT)");
    for (let i = 0; i < 20; i++) {
      await db.run("INSERT INTO t (k, v) VALUES (?, ?)", [i, `v${i}`]);
      expect(await db.get("SELECT v FROM t WHERE k = ?", [i])).toEqual({ v: `v${i}` });
      expect(await db.get("SELECT count(*) AS n FROM t")).toEqual({ n: i + 1 });
    }
  });
});
