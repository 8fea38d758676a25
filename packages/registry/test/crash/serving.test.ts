/**
 * Serving under crashes and across processes, through the built `elicence serve` (`pnpm test`
 * builds first), on both adapters:
 * - durable reads: lookups run 16 at a time while the server is killed with SIGKILL at a random
 *   moment; after a restart, every lookup that was answered has its `read` entry in the log (on
 *   SQLite those entries were committed by the log writer thread), and the records agree;
 * - the API key cache: two server processes on one database; a key used on both (so both keep it
 *   in memory) is revoked through the first, and the second refuses it at the very next request.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "../../src/registry/registry.js";
import { ADAPTERS, COMPANY, PASSPHRASE, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

const BIN = fileURLToPath(new URL("../../../cli/dist/bin.js", import.meta.url));
const CONCURRENCY = 16;

async function startServer(w: RegistryWorld): Promise<{ child: ChildProcess; url: string; exited: Promise<void> }> {
  const child = spawn(process.execPath, [BIN, "serve", "--home", w.home, "--db", w.dbUrl, "--port", "0"], {
    env: { ...process.env, ELICENCE_PASSPHRASE: PASSPHRASE },
    stdio: ["ignore", "pipe", "ignore"],
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
  return { child, url, exited };
}

function lookup(url: string, key: string, matter: string): Promise<Response> {
  return fetch(`${url}/v1/holders/${COMPANY.idType}/${COMPANY.idNumber}/licences`, {
    headers: { Authorization: `Bearer ${key}`, "X-Approval-Matter": matter, "X-Read-Reason": encodeURIComponent("崩溃测试") },
  });
}

/** Looks up with CONCURRENCY clients until the server dies; returns the matters of the answered lookups. */
async function readUntilKilled(w: RegistryWorld, prefix: string, killAfterMs: number): Promise<Set<string>> {
  const { child, url, exited } = await startServer(w);
  const answered = new Set<string>();
  const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  let n = 0;
  const client = async (): Promise<void> => {
    for (;;) {
      const matter = `${prefix}-${n++}`;
      let res: Response;
      try {
        res = await lookup(url, w.keys.consumer, matter);
        await res.arrayBuffer();
      } catch {
        return; // the server is gone
      }
      if (res.status !== 200) throw new Error(`lookup answered ${res.status}`);
      answered.add(matter);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, client));
  } finally {
    clearTimeout(timer);
    child.kill("SIGKILL");
    await exited;
  }
  return answered;
}

describe.each(ADAPTERS)("serving on %s", (adapter) => {
  let w: RegistryWorld;
  beforeAll(async () => {
    expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
    w = await registryWorld(adapter);
    await w.registry.close();
  });
  afterAll(async () => {
    await w?.registry.close().catch(() => undefined);
  });

  it("SIGKILL during concurrent lookups: every answered lookup has its read entry in the log", async () => {
    let total = 0;
    for (let round = 0; round < 3; round++) {
      const answered = await readUntilKilled(w, `crash${round}`, 700 + Math.floor(Math.random() * 1500));
      total += answered.size;
      const registry = await Registry.open({ home: w.home, db: w.dbUrl, passphrase: PASSPHRASE });
      try {
        expect((await registry.audit()).problems).toEqual([]);
        const rows = await registry.database.all<{ entry: string }>("SELECT entry FROM log_entries WHERE kind = 'read'");
        const logged = new Set(rows.map((r) => (JSON.parse(r.entry) as { matter: string }).matter));
        const missing = [...answered].filter((m) => !logged.has(m));
        expect(missing).toEqual([]);
      } finally {
        await registry.close();
      }
    }
    expect(total).toBeGreaterThan(0);
  }, 240_000);

  it("a key revoked through one server process is refused by another at the next request", async () => {
    const a = await startServer(w);
    const b = await startServer(w);
    try {
      const admin = await Registry.open({ home: w.home, db: w.dbUrl, passphrase: PASSPHRASE });
      let created: { id: string; key: string };
      try {
        created = await (await admin.session(w.keys.admin)).createApiKey({ department: "11330100MB0000027E", roles: ["consumer"], licenceTypes: [], label: "revoked across processes" });
      } finally {
        await admin.close();
      }
      // Both processes check the key once and keep it.
      for (const s of [a, b]) for (let i = 0; i < 3; i++) expect((await lookup(s.url, created.key, `keep-${i}`)).status).toBe(200);
      const revoked = await fetch(`${a.url}/v1/api-keys/${created.id}/revoke`, { method: "POST", headers: { Authorization: `Bearer ${w.keys.admin}`, "Content-Type": "application/json" }, body: "{}" });
      expect(revoked.status).toBe(200);
      // The very next request to the other process is refused; other keys still work there.
      expect((await lookup(b.url, created.key, "after-revoke")).status).toBe(401);
      expect((await lookup(a.url, created.key, "after-revoke")).status).toBe(401);
      expect((await lookup(b.url, w.keys.consumer, "still-valid")).status).toBe(200);
    } finally {
      for (const s of [a, b]) s.child.kill("SIGKILL");
      await Promise.all([a.exited, b.exited]);
    }
  }, 120_000);
});
