/**
 * `elicence augment FILE --level T|LT|LTA`: adds long-term evidence to a licence file (JAdES B-T,
 * B-LT, B-LTA; ETSI TS 119 182-1 clause 6) with the workspace's TSA (or `--tsa-url`) and its CA's
 * revocation evidence as of the signature time-stamp. The operator's job, in process with
 * `--home` (needs the passphrase). The output is written whole or not at all.
 * @module
 */
import { rename, rm, writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { Registry } from "@elicence/registry";
import type { AugmentLevel } from "@elicence/core/jades";
import { checkWritable, readInput } from "../io/files.js";
import { readPassphrase } from "../io/passphrase.js";
import { CliError } from "../output.js";
import type { SetExitCode } from "../flags.js";

/** Options of {@link runAugment}. */
export interface AugmentOptions {
  readonly file: string;
  readonly level: AugmentLevel;
  readonly home: string;
  readonly db?: string;
  readonly out?: string;
  readonly tsaUrl?: string;
  readonly json: boolean;
}

/** Writes `body` to `path` through a temporary file and a rename: never a partial file. */
async function writeWhole(path: string, body: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, body, { mode: 0o600 });
    await rename(tmp, path);
  } catch {
    await rm(tmp, { force: true });
    throw new CliError("cantCreate", `Cannot write ${path}.`, "Check that the directory exists and is writable.");
  }
}

/** Runs `augment FILE --level LEVEL --home DIR [--out FILE] [--tsa-url URL]`. */
export async function runAugment(options: AugmentOptions): Promise<number> {
  if (options.out) await checkWritable(options.out);
  const text = await readInput(options.file, "The licence file");
  if (options.tsaUrl !== undefined && !/^https?:\/\/\S+$/.test(options.tsaUrl)) throw new CliError("usage", "--tsa-url must be an http:// or https:// URL.");
  const passphrase = await readPassphrase("Passphrase for the workspace keys: ");
  const registry = await Registry.open({ home: options.home, passphrase, ...(options.db ? { db: options.db } : {}) });
  try {
    const result = await registry.augmentArchive(text, { level: options.level, ...(options.tsaUrl ? { tsaUrl: options.tsaUrl } : {}) });
    const body = `${JSON.stringify(result.archive, null, 2)}\n`;
    if (options.out) await writeWhole(options.out, body);
    else if (!options.json) process.stdout.write(body);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ level: result.level, added: result.added, signatureTime: result.signatureTime, ...(options.out ? { file: options.out } : { archive: result.archive }) })}\n`);
    } else {
      process.stderr.write(`${result.level}: ${result.added.length ? `added ${result.added.join(", ")}` : "nothing to add"} (signature time-stamped ${result.signatureTime})${options.out ? `, written to ${options.out}` : ""}\n`);
    }
    return 0;
  } finally {
    await registry.close();
  }
}

/** Registers `elicence augment`. */
export function registerAugment(program: Command, setExitCode: SetExitCode): void {
  program
    .command("augment <file>")
    .description("add long-term evidence to a licence file: T a signature time-stamp, LT the chain and revocation values as at that time, LTA an archive time-stamp (again on each run)")
    .addOption(new Option("--level <level>", "the level to reach").choices(["T", "LT", "LTA"]).makeOptionMandatory())
    .requiredOption("--home <dir>", "the workspace whose TSA and CA give the evidence (needs the passphrase)")
    .option("--db <url>", "sqlite:PATH or postgres://… (default: the workspace's registry.db)")
    .option("--out <file>", "write the augmented archive form to FILE (default: standard output)")
    .option("--tsa-url <url>", "an external RFC 3161 TSA to time-stamp with instead of the workspace's")
    .option("--json", "print JSON", false)
    .action(async (file: string, o) => {
      setExitCode(await runAugment({ file, level: o.level, home: o.home, db: o.db, out: o.out, tsaUrl: o.tsaUrl, json: o.json }));
    });
}
