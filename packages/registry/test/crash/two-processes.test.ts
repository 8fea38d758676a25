/**
 * Two registry processes on one PostgreSQL database (stateless nodes behind a load balancer):
 * two real `elicence serve` child processes on loopback, sent the same request ids — single
 * issues and batches — at the same moment, each id to both. Both answer with the same licences;
 * no first try answers 503 (one would be retried with the same id, as the SDK does); the database holds each licence once, one request row per id, one gap-free log with one issue
 * event per licence; both processes sign the same tree head. Uses the built CLI and the run's
 * PostgreSQL cluster (vitest globalSetup).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { initWorkspace, Registry } from "@elicence/registry";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_DEPARTMENT, SAMPLE_OPERATOR } from "@elicence/registry/samples";
import { BUSINESS_FIELDS, COMPANY, PASSPHRASE } from "@elicence/test-support/registry-world";
import { createTestDatabaseUrl } from "@elicence/test-support/postgres";

const BIN = fileURLToPath(new URL("../../../cli/dist/bin.js", import.meta.url));
// Enough ids at once that twins overlap in both processes and the pools fill (the race behind the 503s).
const IDS = 400;
const BATCH = 5;

async function startServer(home: string, db: string): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [BIN, "serve", "--home", home, "--db", db, "--port", "0"], {
    env: { ...process.env, ELICENCE_PASSPHRASE: PASSPHRASE },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (c: Buffer) => {
    err = (err + c.toString()).slice(-20_000);
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url, exited };
}

describe("two registry processes on one PostgreSQL", () => {
  let home: string;
  let db: string;
  let issuerKey: string;
  const servers: Awaited<ReturnType<typeof startServer>>[] = [];

  beforeAll(async () => {
    expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
    home = mkdtempSync(join(tmpdir(), "elicence-two-"));
    await initWorkspace(home, { passphrase: PASSPHRASE, now: new Date(), operator: SAMPLE_OPERATOR, departments: [SAMPLE_DEPARTMENT], licenceTypes: [BUSINESS_LICENCE, OPERATOR_CERTIFICATE], iterations: 1000 });
    db = await createTestDatabaseUrl();
    const registry = await Registry.open({ home, db, passphrase: PASSPHRASE });
    issuerKey = (await registry.createApiKey({ department: SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: [BUSINESS_LICENCE.code] })).key;
    await registry.close();
    // Both start at once: migrations and the first data key are raced too.
    servers.push(...(await Promise.all([startServer(home, db), startServer(home, db)])));
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) s.child.kill("SIGTERM");
    await Promise.all(servers.map((s) => s.exited));
  });

  it("issues each request id once, with one log and the same tree head from both", async () => {
    // As the SDK does: a 503 (with Retry-After) is retried with the same request id. A twin waits
    // for the other's answer instead of redoing the work, so no first try may answer 503.
    let unavailable = 0;
    let firstTry503 = 0;
    const post = async (url: string, path: string, body: unknown) => {
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(url + path, { method: "POST", headers: { Authorization: `Bearer ${issuerKey}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
        const json = (await res.json()) as { id?: string; issued?: { id: string }[]; code?: string };
        if (res.status !== 503 || attempt >= 30) return { status: res.status, json };
        expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
        if (attempt === 1) firstTry503++;
        unavailable++;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    };
    const item = (i: number, k = 0) => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name: `公司${i}-${k}` } });
    const tally = { attempts: 0, answered: 0, sameAnswer: 0, other: [] as string[] };
    const expected = new Set<string>();
    await Promise.all(
      Array.from({ length: IDS }, async (_, i) => {
        const single = i % 2 === 0;
        const path = single ? "/v1/licences" : "/v1/licence-batches";
        const body = single ? { requestId: `two-${i}`, ...item(i) } : { requestId: `two-${i}`, items: Array.from({ length: BATCH }, (_, k) => item(i, k)) };
        tally.attempts += 2;
        const answers = await Promise.all(servers.map((s) => post(s.url, path, body)));
        const ids = answers.map((a) => (a.status === 201 || a.status === 200 ? (single ? [a.json.id!] : a.json.issued!.map((r) => r.id)) : (tally.other.push(`${a.status} ${a.json.code}`), [])));
        tally.answered += answers.filter((a) => a.status === 200 || a.status === 201).length;
        if (JSON.stringify(ids[0]) === JSON.stringify(ids[1])) tally.sameAnswer++;
        for (const id of ids[0]!) expected.add(id);
      }),
    );
    expect({ ...tally, firstTry503 }).toEqual({ attempts: 2 * IDS, answered: 2 * IDS, sameAnswer: IDS, other: [], firstTry503: 0 });
    expect(expected.size).toBe((IDS / 2) * (1 + BATCH));

    const client = new pg.Client({ connectionString: db });
    await client.connect();
    let duplicates: number;
    let treeSize: number;
    try {
      const rows = (await client.query<{ id: string }>("SELECT id FROM licences")).rows.map((r) => r.id);
      duplicates = rows.length - new Set(rows).size;
      expect(duplicates).toBe(0);
      expect(new Set(rows)).toEqual(expected);
      expect(Number((await client.query("SELECT count(*) AS n FROM requests")).rows[0].n)).toBe(IDS);
      const log = (await client.query<{ idx: string; kind: string; licence: string | null }>("SELECT idx, kind, licence FROM log_entries ORDER BY idx")).rows;
      treeSize = log.length;
      expect(log.map((e) => Number(e.idx))).toEqual(log.map((_, i) => i));
      const issues = log.filter((e) => e.kind === "issue").map((e) => e.licence);
      expect(issues.length).toBe(expected.size);
      expect(new Set(issues)).toEqual(expected);
    } finally {
      await client.end();
    }
    const heads = await Promise.all(servers.map(async (s) => (await (await fetch(`${s.url}/v1/log/tree-head`)).json()) as { treeSize: number; rootHash: string }));
    expect(heads[0]!.treeSize).toBe(treeSize);
    expect({ treeSize: heads[1]!.treeSize, rootHash: heads[1]!.rootHash }).toEqual({ treeSize: heads[0]!.treeSize, rootHash: heads[0]!.rootHash });
    const registry = await Registry.open({ home, db, passphrase: PASSPHRASE });
    try {
      expect((await registry.audit()).problems).toEqual([]);
    } finally {
      await registry.close();
    }
    console.info(`two processes: ${tally.attempts} requests (${IDS} ids, each to both), ${expected.size} licences, duplicates ${duplicates}, same answer from both ${tally.sameAnswer}/${IDS}, 503 answers retried ${unavailable}, tree size ${treeSize}, same tree head from both`);
  }, 180_000);
});
