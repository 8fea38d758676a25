/**
 * Core must run in a browser: bundle it for the browser platform and fail if any Node built-in
 * slips in (directly or through a dependency), or if the Node crypto backend is picked.
 */
import { build } from "esbuild";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** The root and every export subpath (package.json "exports"). */
const ENTRIES = ["index", "issue", "jws", "log", "x509", "keys", "encoding", "jades", "revocation", "timestamp", "presentation"].map((name) => fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url)));

describe("browser bundle", () => {
  it("bundles for the browser with no Node built-in", async () => {
    const result = await build({
      entryPoints: ENTRIES,
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      outdir: "/tmp/elicence-browser-bundle",
      metafile: true,
      logLevel: "silent",
      conditions: ["@elicence/source", "browser"],
      external: [],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes("backend-web"))).toBe(true);
    expect(inputs.some((i) => i.includes("backend-node"))).toBe(false);
    const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((imp) => imp.path));
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect(imports.filter((p) => builtins.has(p))).toEqual([]);
    expect(result.outputFiles).toHaveLength(ENTRIES.length);
    // No certificate generator and no global polyfill: the development PKI is @elicence/pki.
    expect(inputs.some((i) => /@peculiar[/+]x509|reflect-metadata|pkijs/.test(i))).toBe(false);
    for (const file of result.outputFiles) {
      expect(file.text).not.toMatch(/from\s*["']node:/);
      expect(file.text).not.toMatch(/require\(["'](node:)?(crypto|fs|path|os|zlib|buffer)["']\)/);
    }
  }, 120_000);

  it("fails when a Node built-in is imported (the check itself can fail)", async () => {
    await expect(
      build({
        stdin: { contents: 'import { readFileSync } from "node:fs"; console.log(readFileSync);', resolveDir: process.cwd() },
        bundle: true,
        platform: "browser",
        write: false,
        logLevel: "silent",
      }),
    ).rejects.toThrow();
  });
});
