/**
 * Per-suite PostgreSQL databases on the run's test cluster (see postgres-global-setup.ts), so test
 * files can run in parallel without seeing each other's tables.
 */
import { randomBytes } from "node:crypto";

import pg from "pg";
import { inject } from "vitest";

/** The URL of the run's test cluster (database elicence_test). */
export function testPostgresUrl(): string {
  const url = process.env.ELICENCE_TEST_POSTGRES_URL ?? inject("postgresUrl");
  if (!url) throw new Error("No test PostgreSQL: the vitest globalSetup (packages/test-support/src/postgres-global-setup.ts) did not run.");
  return url;
}

/** A fresh empty database on the test cluster, and a way to drop it. */
export async function createTestDatabase(): Promise<{ readonly url: string; drop(): Promise<void> }> {
  const base = testPostgresUrl();
  const name = `elicence_${randomBytes(8).toString("hex")}`;
  await adminQuery(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * A fresh empty schema in the database at `databaseUrl`, and a URL whose connections use it
 * (`search_path`). Far cheaper than a database per test; the database's advisory locks are shared.
 */
export async function createTestSchemaUrl(databaseUrl: string): Promise<string> {
  const name = `test_${randomBytes(8).toString("hex")}`;
  await adminQuery(databaseUrl, `CREATE SCHEMA ${name}`);
  const url = new URL(databaseUrl);
  url.searchParams.set("options", `-c search_path=${name}`);
  return url.href;
}

/** The URL of a fresh empty database on the test cluster (thrown away with the cluster). */
export async function createTestDatabaseUrl(): Promise<string> {
  return (await createTestDatabase()).url;
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
