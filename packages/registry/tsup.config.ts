import { defineConfig } from "tsup";

export default defineConfig({
  // sqlite-writer-worker: the SQLite log writer's thread (storage/sqlite-writer.ts).
  // sign-worker: the signing workers' file, loaded by sign-pool.ts from next to the bundle.
  // samples: the sample catalogue, its own entry point (`@elicence/registry/samples`).
  entry: { index: "src/index.ts", samples: "src/workspace/samples.ts", "sign-worker": "src/registry/sign-worker.mjs", "tsa-worker": "src/registry/tsa-worker.mjs", "sqlite-writer-worker": "src/storage/sqlite-writer-worker.mjs" },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts", samples: "src/workspace/samples.ts" } },
  clean: true,
  sourcemap: true,
  target: "es2022",
  platform: "node",
});
