import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "pki/index": "src/pki/index.ts",
    "crypto/backend-node": "src/crypto/backend-node.ts",
    "crypto/backend-web": "src/crypto/backend-web.ts",
  },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  platform: "neutral",
  external: ["#crypto-backend", /^node:/],
  treeshake: true,
});
