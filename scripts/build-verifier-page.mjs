#!/usr/bin/env node
// Builds the offline verifier page: the SDK's browser build (core on WebCrypto) and the page's
// script bundled by esbuild into one self-contained HTML file, written to each path given
// (the CLI's dist/verifier-page.html, which `elicence verifier-page` copies, and docs/verifier.html).
// Usage: node scripts/build-verifier-page.mjs OUT.html [OUT2.html …]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const outs = process.argv.slice(2);
if (outs.length === 0) {
  console.error("usage: build-verifier-page.mjs OUT.html …");
  process.exit(64);
}
const result = await build({
  entryPoints: [resolve(root, "packages/sdk/page/verifier-page.ts")],
  bundle: true,
  platform: "browser",
  format: "iife",
  target: "es2022",
  minify: true,
  write: false,
  legalComments: "none",
  conditions: ["@elicence/source", "browser"],
  logLevel: "silent",
});
// A "</script" inside the code would end the inline script early.
const script = result.outputFiles[0].text.replace(/<\/script/gi, "<\\/script");
const html = readFileSync(resolve(root, "packages/sdk/page/verifier-page.html"), "utf8").replace("/*SCRIPT*/", () => script);
for (const out of outs) {
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(resolve(out), html);
}
console.log(`verifier page: ${html.length} bytes → ${outs.join(", ")}`);
