/**
 * The development PKI runs in browsers too: bundle it for the browser platform (core resolved to
 * its WebCrypto backend) and fail if any Node built-in slips in.
 */
import { build } from "esbuild";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("dev PKI browser bundle", () => {
  it("bundles for the browser with no Node built-in", async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("../src/index.ts", import.meta.url))],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      outdir: "/tmp/elicence-pki-browser-bundle",
      metafile: true,
      logLevel: "silent",
      conditions: ["@elicence/source", "browser"],
      external: [],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes("backend-node"))).toBe(false);
    const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((imp) => imp.path));
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect(imports.filter((p) => builtins.has(p))).toEqual([]);
    for (const file of result.outputFiles) {
      expect(file.text).not.toMatch(/from\s*["']node:/);
      expect(file.text).not.toMatch(/require\(["'](node:)?(crypto|fs|path|os|zlib|buffer)["']\)/);
    }
  }, 120_000);
});
