/**
 * The SDK's verification part must run in an auditor's browser: bundle the whole SDK for the
 * browser platform (core resolved to its WebCrypto backend) and fail if a Node built-in slips in.
 */
import { build } from "esbuild";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("SDK browser bundle", () => {
  it("bundles for the browser with no Node built-in and the WebCrypto backend", async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("../src/index.ts", import.meta.url))],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
      conditions: ["@elicence/source", "browser"],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes("backend-web"))).toBe(true);
    expect(inputs.some((i) => i.includes("backend-node"))).toBe(false);
    expect(inputs.some((i) => i.includes("packages/registry"))).toBe(false);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((imp) => imp.path));
    expect(imports.filter((p) => builtins.has(p))).toEqual([]);
  }, 120_000);
});
