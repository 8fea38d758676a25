/**
 * The guides in `docs/` run as written: every `sh test` block runs with the built `elicence` on
 * PATH, every `ts test` block runs with the built SDK and core against a real `elicence serve`.
 * A guide whose command or code is wrong fails here.
 *
 * Per guide: a fresh temporary directory is the working directory, `$HOME_DIR` (its `ws`) is a
 * workspace made by `elicence init --json`, `ELICENCE_API_KEY` is the issuer key and
 * `ELICENCE_ADMIN_KEY` the admin key it printed, `ELICENCE_PASSPHRASE` is set. Blocks run in order
 * and share exported shell variables. A `sh test` block must exit 0 unless it has a line
 * `# exit N`; it runs with `bash -e -o pipefail`. A `ts test` block sees the server's URL in
 * `ELICENCE_REGISTRY`, and `$HOME_DIR` replaced by the workspace path.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transform } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServe } from "./support/serve.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = join(ROOT, "packages/cli/dist/bin.js");
const DOCS = join(ROOT, "docs");
const PASS = "docs test passphrase";
const PACKAGES: Record<string, string> = {
  "@elicence/sdk": pathToFileURL(join(ROOT, "packages/sdk/dist/index.js")).href,
  "@elicence/core": pathToFileURL(join(ROOT, "packages/core/dist/index.js")).href,
  "@elicence/registry": pathToFileURL(join(ROOT, "packages/registry/dist/index.js")).href,
};

/** A runnable block of a guide. */
export interface DocBlock {
  readonly lang: "sh" | "ts";
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/** The `sh test` and `ts test` blocks of a Markdown text, in order. */
export function extractBlocks(markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*(\S+)?\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.startsWith(fence)) end++;
    const lang = open[2];
    if ((lang === "sh" || lang === "ts") && open[3]!.split(/\s+/).includes("test")) blocks.push({ lang, code: lines.slice(i + 1, end).join("\n"), line: i + 1 });
    i = end;
  }
  return blocks;
}

/** The exit code a shell block declares with a `# exit N` line (default 0). */
export function expectedExit(code: string): number {
  const m = /^#\s*exit\s+(\d+)\s*$/m.exec(code);
  return m ? Number(m[1]) : 0;
}

/** Replaces the package names with the built packages and `$HOME_DIR` with the workspace. */
async function toModule(code: string, home: string): Promise<string> {
  let src = code.replaceAll("$HOME_DIR", home.replaceAll("\\", "/"));
  for (const [name, url] of Object.entries(PACKAGES)) src = src.replaceAll(`"${name}"`, JSON.stringify(url));
  return (await transform(src, { loader: "ts", format: "esm", target: "node20" })).code;
}

let work: string;
let shimDir: string;

function guides(): string[] {
  return existsSync(DOCS) ? readdirSync(DOCS).filter((f) => f.endsWith(".md")).sort() : [];
}

beforeAll(() => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  work = mkdtempSync(join(tmpdir(), "elicence-docs-"));
  shimDir = join(work, "bin");
  mkdirSync(shimDir);
  const shim = join(shimDir, "elicence");
  writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  chmodSync(shim, 0o755);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("extractBlocks", () => {
  it("finds only blocks marked test, and their declared exit codes", () => {
    const md = "```sh test\nelicence a\n```\n```sh\nnot run\n```\n```ts test\nlet x = 1;\n```\n````sh test\n# exit 1\nfalse\n````\n";
    const blocks = extractBlocks(md);
    expect(blocks.map((b) => [b.lang, b.code])).toEqual([["sh", "elicence a"], ["ts", "let x = 1;"], ["sh", "# exit 1\nfalse"]]);
    expect(blocks.map((b) => expectedExit(b.code))).toEqual([0, 0, 1]);
  });
});

describe("docs/ guides", () => {
  it("has the guides", () => {
    expect(guides()).toEqual(expect.arrayContaining(["README.md", "quick-start.md", "issuing-department.md", "approval-system.md", "auditor.md", "operator.md", "holder.md"]));
  });

  for (const file of guides()) {
    it.concurrent(`${file}: every sh test and ts test block runs`, async () => {
      const blocks = extractBlocks(readFileSync(join(DOCS, file), "utf8"));
      if (blocks.length === 0) return;
      const cwd = mkdtempSync(join(work, file.replace(/\.md$/, "-")));
      const home = join(cwd, "ws");
      const baseEnv: Record<string, string> = {
        ...(process.env as Record<string, string>),
        PATH: `${shimDir}:${process.env.PATH ?? ""}`,
        ELICENCE_PASSPHRASE: PASS,
        ELICENCE_PBKDF2_ITERATIONS: "2000",
        HOME_DIR: home,
      };
      const init = await run(process.execPath, [BIN, "init", "--home", home, "--json"], cwd, baseEnv);
      expect(init.code, init.stderr).toBe(0);
      const keys = (JSON.parse(init.stdout) as { apiKeys: { role: string; key: string }[] }).apiKeys;
      baseEnv.ELICENCE_API_KEY = keys.find((k) => k.role === "issuer")!.key;
      baseEnv.ELICENCE_ADMIN_KEY = keys.find((k) => k.role === "admin")!.key;
      // Exported variables carry from block to block through this file.
      const envFile = join(cwd, ".docs-env.sh");
      writeFileSync(envFile, "");
      let server: { url: string; child: ChildProcess } | undefined;
      try {
        for (const [n, block] of blocks.entries()) {
          const where = `${file}:${block.line} (block ${n + 1})`;
          if (block.lang === "sh") {
            const script = `. ${JSON.stringify(envFile)}\ntrap 'export -p > ${JSON.stringify(envFile)}' EXIT\n${block.code}\n`;
            const r = await run("bash", ["-e", "-o", "pipefail", "-c", script], cwd, baseEnv);
            expect(r.code, `${where} exited ${r.code}\n${block.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`).toBe(expectedExit(block.code));
          } else {
            // One server per block, stopped before the next shell block opens the workspace in process.
            server = await startServe(BIN, home, PASS);
            const path = join(cwd, `block-${n + 1}.mjs`);
            writeFileSync(path, await toModule(block.code, home));
            const r = await run(process.execPath, [path], cwd, { ...baseEnv, ...exportedEnv(envFile), ELICENCE_REGISTRY: server.url });
            await stop(server);
            server = undefined;
            expect(r.code, `${where} exited ${r.code}\n${block.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`).toBe(0);
          }
        }
      } finally {
        if (server) await stop(server);
      }
    }, 180_000);
  }
});

/** Stops a server and waits for it to exit. */
function stop(server: { child: ChildProcess }): Promise<void> {
  if (server.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.child.once("exit", () => resolve());
    server.child.kill("SIGTERM");
  });
}

/** The variables a shell block exported, so TypeScript blocks see them too. */
function exportedEnv(envFile: string): Record<string, string> {
  const r = spawnSync("bash", ["-c", `. ${JSON.stringify(envFile)}; env -0`], { encoding: "utf8" });
  const env: Record<string, string> = {};
  for (const pair of r.stdout.split("\0")) {
    const eq = pair.indexOf("=");
    if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** Runs a program asynchronously, so the guides run side by side. */
function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
