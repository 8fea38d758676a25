/**
 * Crash safety: kill the registry process with SIGKILL at random points during batch issues,
 * restart, and check that no acknowledged licence is lost, none is duplicated, and the log, the
 * status lists and the licence table agree. Both storage adapters.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "../../src/registry/registry.js";
import { ADAPTERS, PASSPHRASE, registryWorld, type RegistryWorld } from "../registry/world.js";

const WRITER = fileURLToPath(new URL("./batch-writer.ts", import.meta.url));
const ROUNDS = 4;

function runAndKill(w: RegistryWorld, prefix: string, killAfterMs: number): Promise<Map<string, string[]>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=@elicence/source", "--import", "tsx", WRITER, w.home, w.dbUrl, w.keys.issuer, prefix], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const acked = new Map<string, string[]>();
    let buffer = "";
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === "READY") timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
        else if (line.startsWith("ACK ")) {
          const [, requestId, ids] = line.split(" ");
          acked.set(requestId!, ids!.split(","));
        }
      }
    });
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === "SIGKILL") resolve(acked);
      else reject(new Error(`writer exited ${code}: ${stderr.slice(0, 2000)}`));
    });
  });
}

describe.each(ADAPTERS)("crash safety on %s", (adapter) => {
  let w: RegistryWorld;
  beforeAll(async () => {
    w = await registryWorld(adapter);
    await w.registry.close();
  });
  afterAll(async () => {
    await w?.registry.close().catch(() => undefined);
  });

  it("SIGKILL during batch issues loses no acknowledged licence and leaves the records in agreement", async () => {
    const allAcked = new Map<string, string[]>();
    for (let round = 0; round < ROUNDS; round++) {
      const acked = await runAndKill(w, `crash${round}`, 1500 + Math.floor(Math.random() * 2500));
      for (const [k, v] of acked) allAcked.set(k, v);
      const registry = await Registry.open({ home: w.home, db: w.dbUrl, passphrase: PASSPHRASE });
      try {
        const audit = await registry.audit();
        expect(audit.problems).toEqual([]);
        const ids = (await registry.database.all<{ id: string }>("SELECT id FROM licences")).map((r) => r.id);
        const present = new Set(ids);
        expect(present.size).toBe(ids.length);
        for (const [requestId, batch] of allAcked) for (const id of batch) expect(present.has(id), `${requestId} ${id}`).toBe(true);
        // Every batch is all or nothing: 20 licences per committed request, none for the one cut off.
        const requests = await registry.database.all<{ request_id: string }>("SELECT request_id FROM requests WHERE kind = 'batch'");
        expect(ids.length).toBe(requests.length * 20);
        // A retried request after the crash returns the same licences, never new ones.
        const issuer = await registry.session(w.keys.issuer);
        const [someRequest, someIds] = [...allAcked][0] ?? [];
        if (someRequest) {
          const again = await issuer.issueBatch({ requestId: someRequest, items: Array.from({ length: 20 }, () => ({ type: "x", holder: { name: "x", idType: "001", idNumber: "x" }, fields: {} })) });
          expect(again.issued.map((r) => r.id)).toEqual(someIds);
        }
      } finally {
        await registry.close();
      }
    }
    expect(allAcked.size).toBeGreaterThan(0);
  }, 240_000);
});
