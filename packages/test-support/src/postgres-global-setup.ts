/**
 * vitest globalSetup: one throwaway PostgreSQL cluster for the whole run (scripts/postgres-test.mjs),
 * unless ELICENCE_TEST_POSTGRES_URL already names a server. The URL reaches the tests through
 * `process.env.ELICENCE_TEST_POSTGRES_URL` and `inject("postgresUrl")`. Missing PostgreSQL binaries
 * fail the run: the PostgreSQL suites never skip.
 */
import type { TestProject } from "vitest/node";

import { startPostgres, stopPostgres } from "../../../scripts/postgres-test.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const given = process.env.ELICENCE_TEST_POSTGRES_URL;
  if (given) {
    project.provide("postgresUrl", given);
    return undefined;
  }
  const state = await startPostgres();
  process.env.ELICENCE_TEST_POSTGRES_URL = state.url;
  project.provide("postgresUrl", state.url);
  // Also on abrupt exits (Ctrl-C, a crash), so no postmaster outlives the run.
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    stopPostgres(state);
  };
  process.once("exit", stop);
  return () => {
    process.off("exit", stop);
    stop();
  };
}
