import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", print: "src/print.ts" },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  platform: "node",
});
