import { defineConfig } from "tsup";

export default defineConfig({
  // One entry per export subpath (package.json "exports"), plus the two crypto backends that the
  // "#crypto-backend" import map picks between.
  entry: {
    index: "src/index.ts",
    issue: "src/issue.ts",
    jws: "src/jws.ts",
    log: "src/log.ts",
    x509: "src/x509.ts",
    keys: "src/keys.ts",
    encoding: "src/encoding.ts",
    jades: "src/jades.ts",
    revocation: "src/revocation.ts",
    timestamp: "src/timestamp.ts",
    presentation: "src/presentation.ts",
    "crypto/backend-node": "src/crypto/backend-node.ts",
    "crypto/backend-web": "src/crypto/backend-web.ts",
  },
  format: ["esm"],
  // `@internal` helpers (shared between core's own modules, or with @elicence/pki) stay out of the types.
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: true,
  target: "es2022",
  platform: "neutral",
  external: ["#crypto-backend", /^node:/],
  treeshake: true,
});
