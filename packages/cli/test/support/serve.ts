/** Starts `elicence serve` from the built binary on a free port; resolves with its URL. */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";

/** Options of {@link startServe}. */
export interface ServeOptions {
  /** `--db URL` (default: the workspace's registry.db). */
  readonly db?: string;
  /**
   * Where the server's request log (one JSON line per request, on standard error) goes. A pipe
   * nobody reads fills up and blocks the server, so long runs give a file; default: discarded.
   */
  readonly log?: string;
  /** More `serve` flags. */
  readonly args?: readonly string[];
}

export async function startServe(bin: string, home: string, passphrase: string, options: ServeOptions = {}): Promise<{ url: string; child: ChildProcess }> {
  const log = options.log !== undefined ? openSync(options.log, "a") : "ignore";
  const child = spawn(process.execPath, [bin, "serve", "--home", home, "--port", "0", ...(options.db !== undefined ? ["--db", options.db] : []), ...(options.args ?? [])], {
    env: { ...process.env, ELICENCE_PASSPHRASE: passphrase },
    stdio: ["ignore", "pipe", log],
  });
  if (typeof log === "number") closeSync(log);
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
  return { url, child };
}

/** Stops a server started by {@link startServe} with SIGTERM; resolves with its exit code. */
export async function stopServe(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  return exited;
}
