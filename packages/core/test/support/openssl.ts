/**
 * Test helper: run the `openssl` command line in a scratch directory.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface OpensslResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** A scratch directory with helpers to write and read files in it. */
export interface Scratch {
  readonly dir: string;
  path(name: string): string;
  write(name: string, data: string | Uint8Array): string;
  read(name: string): Buffer;
  openssl(args: readonly string[]): OpensslResult;
  /** `openssl` with its output as text. */
  opensslText(args: readonly string[]): { status: number | null; stdout: string; stderr: string };
  /** `openssl` that must succeed: its output as text, or an error with the command and its stderr. */
  opensslOk(args: readonly string[]): string;
  remove(): void;
}

/** Creates a scratch directory; `remove()` it in `afterAll`. */
export function scratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), "elicence-test-"));
  const path = (name: string): string => join(dir, name);
  const run = (args: readonly string[]): OpensslResult => {
    const r = spawnSync("openssl", args, { cwd: dir, timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
  };
  const runText = (args: readonly string[]) => {
    const r = run(args);
    return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr };
  };
  return {
    dir,
    path,
    write(name, data) {
      writeFileSync(path(name), data);
      return path(name);
    },
    read: (name) => readFileSync(path(name)),
    openssl: run,
    opensslText: runText,
    opensslOk(args) {
      const r = runText(args);
      if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
