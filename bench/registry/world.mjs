// A registry to measure: a fresh workspace (the sample operator, department and licence types of
// `elicence init`), the registry on SQLite or PostgreSQL, API keys for the roles the bench uses, and one
// sharing agreement so that consumer reads disclose a conditional field.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres, stopPostgres } from "../../scripts/postgres-test.mjs";
import { postmasterPid } from "./cpu.mjs";
import { registry as registryPackage, samples } from "./dist.mjs";

const { Registry, initWorkspace, openDatabase } = registryPackage;

export const PASSPHRASE = "bench passphrase";
// The sample catalogue of `elicence init` (@elicence/registry/samples, as built).
export const OPERATOR = samples.SAMPLE_OPERATOR;
export const DEPARTMENT = samples.SAMPLE_DEPARTMENT;
export const CONSUMER = "11330100MB0000027E";
const { BUSINESS_LICENCE, OPERATOR_CERTIFICATE } = samples;
export const TYPES = { business: BUSINESS_LICENCE.code, operator: OPERATOR_CERTIFICATE.code };

/**
 * A throwaway PostgreSQL cluster (scripts/postgres-test.mjs: fsync and synchronous_commit off), or
 * the server named by ELICENCE_BENCH_POSTGRES_URL (then its CPU time is not counted).
 */
export async function postgresServer() {
  if (process.env.ELICENCE_BENCH_POSTGRES_URL) return { url: process.env.ELICENCE_BENCH_POSTGRES_URL, pid: undefined, stop() {} };
  const state = await startPostgres();
  let running = true;
  const stop = () => {
    if (running) stopPostgres(state);
    running = false;
  };
  // Also when the run is interrupted or fails: the cluster is ours, nobody else stops it.
  process.on("exit", stop);
  return { url: state.url, pid: postmasterPid(state.dataDir), stop };
}

/**
 * Makes a workspace and opens its registry.
 *
 * @param adapter "sqlite" | "postgres"
 * @param pgUrl the PostgreSQL database (an empty one) when adapter is "postgres"
 */
export async function makeWorld(adapter, pgUrl) {
  const home = mkdtempSync(join(tmpdir(), "elicence-bench-registry-"));
  await initWorkspace(home, {
    passphrase: PASSPHRASE,
    now: new Date(),
    operator: OPERATOR,
    departments: [DEPARTMENT],
    licenceTypes: [BUSINESS_LICENCE, OPERATOR_CERTIFICATE],
    iterations: 1000,
  });
  const sqliteFile = join(home, "registry.db");
  const db = adapter === "sqlite" ? `sqlite:${sqliteFile}` : pgUrl;
  const registry = await Registry.open({ home, db, passphrase: PASSPHRASE });
  const types = [TYPES.business, TYPES.operator];
  const keys = {
    admin: (await registry.createApiKey({ department: OPERATOR.code, roles: ["admin"] })).key,
    issuer: (await registry.createApiKey({ department: DEPARTMENT.code, roles: ["issuer"], licenceTypes: types })).key,
    consumer: (await registry.createApiKey({ department: CONSUMER, roles: ["consumer"] })).key,
  };
  const admin = await registry.session(keys.admin);
  await admin.createAgreement({ consumer: CONSUMER, type: TYPES.business, fields: ["registeredCapital"], expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString() });
  const world = {
    adapter,
    home,
    sqliteFile: adapter === "sqlite" ? sqliteFile : undefined,
    keys,
    async open(url) {
      this.registry = await Registry.open({ home, db: url, passphrase: PASSPHRASE });
      this.issuer = await this.registry.session(keys.issuer);
      this.consumer = await this.registry.session(keys.consumer);
    },
    /**
     * A frozen copy of the database as it is now, opened as a second registry on the same
     * workspace (same keys): SQLite copies the checkpointed file; PostgreSQL makes a database
     * from this one as a template (the registry is closed and reopened around it).
     */
    async copy() {
      const twin = { adapter, home, keys, open: world.open };
      if (adapter === "sqlite") {
        await world.registry.database.get("PRAGMA wal_checkpoint(TRUNCATE)");
        twin.sqliteFile = join(home, "registry-copy.db");
        copyFileSync(sqliteFile, twin.sqliteFile);
        await twin.open(`sqlite:${twin.sqliteFile}`);
      } else {
        const name = `${new URL(pgUrl).pathname.slice(1)}_copy`;
        const maintenanceUrl = Object.assign(new URL(pgUrl), { pathname: "/postgres" }).href;
        await world.registry.close();
        const maintenance = await openDatabase(maintenanceUrl);
        try {
          await maintenance.run(`CREATE DATABASE ${name} TEMPLATE ${new URL(pgUrl).pathname.slice(1)}`);
        } finally {
          await maintenance.close();
        }
        await world.open(pgUrl);
        await twin.open(Object.assign(new URL(pgUrl), { pathname: `/${name}` }).href);
      }
      twin.close = () => twin.registry.close();
      return twin;
    },
    async close() {
      await world.registry.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
  world.registry = registry;
  world.issuer = await registry.session(keys.issuer);
  world.consumer = await registry.session(keys.consumer);
  return world;
}
