/**
 * Crash safety: run `elicence serve`, post batch issues to it, kill the server process with
 * SIGKILL at a random moment, restart, and check that no acknowledged licence is lost, none is
 * duplicated, and the log, the status lists and the licence table agree. Both storage adapters.
 * Uses the built CLI (`pnpm test` builds first).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "../../src/registry/registry.js";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { ADAPTERS, BUSINESS_FIELDS, COMPANY, PASSPHRASE, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

const BIN = fileURLToPath(new URL("../../../cli/dist/bin.js", import.meta.url));
const ROUNDS = 4;
const BATCH = 20;

async function startServer(w: RegistryWorld): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, "serve", "--home", w.home, "--db", w.dbUrl, "--port", "0"], {
    env: { ...process.env, ELICENCE_PASSPHRASE: PASSPHRASE },
    stdio: ["ignore", "pipe", "ignore"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
  return { child, url };
}

/** The items of a round's batch number `batch` (a retry sends the identical body). */
function batchItems(batch: number) {
  return Array.from({ length: BATCH }, (_, i) => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name: `公司${batch}-${i}` } }));
}

/** Posts batches until the server dies; returns what it acknowledged (HTTP 201 received). */
async function issueUntilKilled(w: RegistryWorld, prefix: string, killAfterMs: number): Promise<Map<string, string[]>> {
  const { child, url } = await startServer(w);
  const acked = new Map<string, string[]>();
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  try {
    for (let batch = 0; ; batch++) {
      const requestId = `${prefix}-${batch}`;
      const items = batchItems(batch);
      let res: Response;
      try {
        res = await fetch(`${url}/v1/licence-batches`, {
          method: "POST",
          headers: { Authorization: `Bearer ${w.keys.issuer}`, "Content-Type": "application/json" },
          body: JSON.stringify({ requestId, items }),
        });
      } catch {
        break; // the server is gone
      }
      if (res.status !== 201 && res.status !== 200) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as { issued: { id: string }[] };
      acked.set(requestId, body.issued.map((r) => r.id));
    }
  } finally {
    clearTimeout(timer);
    child.kill("SIGKILL");
    await exited;
  }
  return acked;
}

describe.each(ADAPTERS)("crash safety on %s", (adapter) => {
  let w: RegistryWorld;
  beforeAll(async () => {
    expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
    w = await registryWorld(adapter);
    await w.registry.close();
  });
  afterAll(async () => {
    await w?.registry.close().catch(() => undefined);
  });

  it("SIGKILL of the server during batch issues loses no acknowledged licence and leaves the records in agreement", async () => {
    const allAcked = new Map<string, string[]>();
    for (let round = 0; round < ROUNDS; round++) {
      const acked = await issueUntilKilled(w, `crash${round}`, 800 + Math.floor(Math.random() * 2000));
      for (const [k, v] of acked) allAcked.set(k, v);
      const registry = await Registry.open({ home: w.home, db: w.dbUrl, passphrase: PASSPHRASE });
      try {
        const audit = await registry.audit();
        expect(audit.problems).toEqual([]);
        const ids = (await registry.database.all<{ id: string }>("SELECT id FROM licences")).map((r) => r.id);
        const present = new Set(ids);
        expect(present.size).toBe(ids.length);
        for (const [requestId, batch] of allAcked) for (const id of batch) expect(present.has(id), `${requestId} ${id}`).toBe(true);
        // Every batch is all or nothing: BATCH licences per committed request.
        const requests = await registry.database.all<{ request_id: string }>("SELECT request_id FROM requests WHERE kind = 'batch'");
        expect(ids.length).toBe(requests.length * BATCH);
        // Retrying an acknowledged request (the same body) after the crash returns the same licences, never new ones.
        const issuer = await registry.session(w.keys.issuer);
        for (const [requestId, batchIds] of [...allAcked].slice(-2)) {
          const again = await issuer.issueBatch({ requestId, items: batchItems(Number(requestId.split("-").pop())) });
          expect(again.issued.map((r) => r.id)).toEqual(batchIds);
        }
      } finally {
        await registry.close();
      }
    }
    expect(allAcked.size).toBeGreaterThan(0);
  }, 240_000);
});
