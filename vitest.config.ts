import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@elicence/source"] },
  ssr: { resolve: { conditions: ["@elicence/source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // A throwaway PostgreSQL cluster for the run (or ELICENCE_TEST_POSTGRES_URL when set).
    globalSetup: ["packages/test-support/src/postgres-global-setup.ts"],
  },
});
