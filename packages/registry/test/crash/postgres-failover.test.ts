/**
 * Database failover under load (hardening defect 2): a real `elicence serve` process on its own
 * throwaway PostgreSQL cluster, issuing licences from several concurrent clients, while the
 * cluster is stopped with `pg_ctl stop -m immediate` (every connection drops at once, as in a
 * failover) and started again. The process must stay up, answer 503 `ERR_UNAVAILABLE` with
 * `Retry-After` meanwhile, recover by itself, and keep every licence it acknowledged.
 * Uses the built CLI (`pnpm test` builds first).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { initWorkspace, Registry } from "@elicence/registry";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_DEPARTMENT, SAMPLE_OPERATOR } from "@elicence/registry/samples";
import { BUSINESS_FIELDS, COMPANY, PASSPHRASE } from "@elicence/test-support/registry-world";
import { startPostgres, stopPostgres } from "../../../../scripts/postgres-test.mjs";

const BIN = fileURLToPath(new URL("../../../cli/dist/bin.js", import.meta.url));
const CLIENTS = 6;

interface Cluster {
  url: string;
  dir: string;
  dataDir: string;
  port: number;
  bin: string;
}

/** Runs pg_ctl as the cluster's owner. */
function pgCtl(cluster: Cluster, args: string[]): void {
  const bin = join(cluster.bin, "pg_ctl");
  const root = process.getuid?.() === 0;
  const res = spawnSync(root ? "runuser" : bin, root ? ["-u", "postgres", "--", bin, ...args] : args, { cwd: cluster.dir, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`pg_ctl ${args.join(" ")} failed: ${res.stdout}${res.stderr}`);
}

function startCluster(cluster: Cluster): void {
  const options = [`-p ${cluster.port}`, "-c listen_addresses=127.0.0.1", `-c unix_socket_directories=${cluster.dir}`, "-c max_connections=300"].join(" ");
  pgCtl(cluster, ["-D", cluster.dataDir, "-l", join(cluster.dir, "postgres.log"), "-o", options, "-w", "-t", "30", "start"]);
}

async function startServer(home: string, db: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, "serve", "--home", home, "--db", db, "--port", "0"], {
    env: { ...process.env, ELICENCE_PASSPHRASE: PASSPHRASE },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (c: Buffer) => {
    err = (err + c.toString()).slice(-20_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url, stderr: () => err };
}

/** What the load saw. */
interface Tally {
  attempts: number;
  acknowledged: Map<string, string>;
  unavailable: number;
  unavailableWithoutRetryAfter: number;
  otherStatuses: Map<number, number>;
  connectionErrors: number;
  /** Request ids answered 503, retried once the database is back. */
  refused: Map<string, unknown>;
}

describe("PostgreSQL failover under load", () => {
  let cluster: Cluster;
  let home: string;
  let issuerKey: string;

  beforeAll(async () => {
    expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
    cluster = (await startPostgres()) as Cluster;
    home = mkdtempSync(join(tmpdir(), "elicence-failover-"));
    await initWorkspace(home, {
      passphrase: PASSPHRASE,
      now: new Date(),
      operator: SAMPLE_OPERATOR,
      departments: [SAMPLE_DEPARTMENT],
      licenceTypes: [BUSINESS_LICENCE, OPERATOR_CERTIFICATE],
      iterations: 1000,
    });
    const registry = await Registry.open({ home, db: cluster.url, passphrase: PASSPHRASE });
    issuerKey = (await registry.createApiKey({ department: SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: [BUSINESS_LICENCE.code] })).key;
    await registry.close();
  });
  afterAll(() => {
    if (cluster) stopPostgres(cluster);
  });

  it("stays up through pg_ctl stop -m immediate, answers 503 with Retry-After meanwhile, recovers and loses nothing acknowledged", async () => {
    const server = await startServer(home, cluster.url);
    const exited = new Promise<number | null>((resolve) => server.child.on("exit", (code) => resolve(code)));
    const tally: Tally = { attempts: 0, acknowledged: new Map(), unavailable: 0, unavailableWithoutRetryAfter: 0, otherStatuses: new Map(), connectionErrors: 0, refused: new Map() };
    let phase: "before" | "down" | "after" = "before";
    let ackedAfter = 0;
    let stop = false;
    const body = (requestId: string) => ({ requestId, type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name: `公司${requestId}` } });
    const post = (requestId: string) =>
      fetch(`${server.url}/v1/licences`, {
        method: "POST",
        headers: { Authorization: `Bearer ${issuerKey}`, "Content-Type": "application/json" },
        body: JSON.stringify(body(requestId)),
      });
    const client = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const requestId = `failover-${n}-${i}`;
        tally.attempts++;
        let res: Response;
        try {
          res = await post(requestId);
        } catch {
          tally.connectionErrors++;
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        const text = await res.text();
        if (res.status === 201) {
          tally.acknowledged.set(requestId, (JSON.parse(text) as { id: string }).id);
          if (phase === "after") ackedAfter++;
        } else if (res.status === 503) {
          tally.unavailable++;
          expect(res.headers.get("content-type")).toContain("application/problem+json");
          expect((JSON.parse(text) as { code: string }).code).toBe("ERR_UNAVAILABLE");
          if (!/^\d+$/.test(res.headers.get("retry-after") ?? "")) tally.unavailableWithoutRetryAfter++;
          tally.refused.set(requestId, null);
          await new Promise((r) => setTimeout(r, 20));
        } else {
          tally.otherStatuses.set(res.status, (tally.otherStatuses.get(res.status) ?? 0) + 1);
        }
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      while (tally.acknowledged.size < 20) await wait(50);
      // Every connection drops at once, with requests in flight.
      pgCtl(cluster, ["-D", cluster.dataDir, "-m", "immediate", "-w", "stop"]);
      phase = "down";
      await wait(1500);
      startCluster(cluster);
      phase = "after";
      const deadline = Date.now() + 30_000;
      while (ackedAfter < 20 && Date.now() < deadline) await wait(50);
    } finally {
      stop = true;
      await load;
    }
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    try {
      expect(alive, `the server died: ${server.stderr()}`).toBe(true);
      expect(tally.connectionErrors).toBe(0);
      expect(tally.unavailable).toBeGreaterThan(0);
      expect(tally.unavailableWithoutRetryAfter).toBe(0);
      expect(Object.fromEntries(tally.otherStatuses)).toEqual({});
      expect(ackedAfter, "the server recovered once the database was back").toBeGreaterThanOrEqual(20);
      // A request refused with 503 is safe to retry with its id: it issues once (or replays).
      for (const requestId of [...tally.refused.keys()].slice(0, 20)) {
        const res = await post(requestId);
        expect([200, 201]).toContain(res.status);
        const id = (JSON.parse(await res.text()) as { id: string }).id;
        tally.acknowledged.set(requestId, id);
      }
    } finally {
      server.child.kill("SIGTERM");
      await exited;
    }
    // Nothing acknowledged is lost, nothing is there twice.
    const db = new pg.Client({ connectionString: cluster.url });
    await db.connect();
    try {
      const rows = (await db.query<{ id: string }>("SELECT id FROM licences")).rows.map((r) => r.id);
      const present = new Set(rows);
      expect(present.size).toBe(rows.length);
      const lost = [...tally.acknowledged.values()].filter((id) => !present.has(id));
      expect(lost).toEqual([]);
      const requests = Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM requests")).rows[0]!.n);
      expect(rows.length).toBe(requests);
    } finally {
      await db.end();
    }
    console.info(
      `failover: ${tally.attempts} attempts, ${tally.acknowledged.size} acknowledged, ${tally.unavailable} answered 503, 0 lost, server survived: ${alive}`,
    );
  }, 180_000);
});
