/**
 * `elicence workspace rotate-data-key`: seal every licence's hidden fields under a new data key
 * (and, on a database from before the sealed-disclosures migration, seal them for the first time).
 * @module
 */
import type { Command } from "commander";
import { rotateDataKey } from "@elicence/registry";
import { readPassphrase } from "../io/passphrase.js";
import { parseDatabaseUrl, type SetExitCode } from "../flags.js";

/** Runs `workspace rotate-data-key --home DIR [--db URL]`. */
export async function runRotateDataKey(options: { home: string; db?: string; json: boolean }): Promise<number> {
  const passphrase = await readPassphrase("Passphrase for the workspace keys: ");
  const done = await rotateDataKey({ home: options.home, passphrase, ...(options.db ? { db: options.db } : {}) });
  if (options.json) process.stdout.write(`${JSON.stringify(done)}\n`);
  else process.stdout.write(`Data key ${done.keyId}: ${done.resealed} licence(s) sealed under it (${done.wereClear} were in clear).\n`);
  return 0;
}

/** Registers `elicence workspace rotate-data-key`. */
export function registerWorkspace(program: Command, setExitCode: SetExitCode): void {
  const workspace = program.command("workspace").description("the workspace's own keys: rotate the data key that seals hidden fields");
  workspace
    .command("rotate-data-key")
    .description("add a data key and re-seal every licence's hidden fields under it (also seals a database from before sealing)")
    .requiredOption("--home <dir>", "workspace directory")
    .option("--db <url>", "sqlite:PATH or postgres://… (default: the workspace's registry.db)", parseDatabaseUrl)
    .option("--json", "print the result as JSON", false)
    .action(async (o) => {
      setExitCode(await runRotateDataKey({ home: o.home, db: o.db, json: o.json }));
    });
}
