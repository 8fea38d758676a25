/**
 * The `elicence` command line: flag parsing, dispatch and exit codes. Every job is done by the
 * core, registry or SDK packages; this file only wires them to a terminal.
 *
 * @module
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { runInit } from "./commands/init.js";
import { runIssue } from "./commands/issue.js";
import { runTypeList } from "./commands/type.js";
import { runServe } from "./commands/serve.js";
import { runVerify } from "./commands/verify.js";
import { CliError, EXIT, EXIT_HELP, reportError } from "./output.js";

function parseTime(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw new InvalidArgumentError("expected an ISO 8601 time, e.g. 2026-11-21T10:00:00Z");
  return date;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError("expected a port number from 0 to 65535");
  return n;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The version printed by `--version`. */
export const VERSION = "0.1.0";

/**
 * Runs the CLI with the given arguments and returns the exit code (it does not call process.exit).
 *
 * @param argv - arguments after the program name
 */
export async function main(argv: readonly string[]): Promise<number> {
  let json = argv.includes("--json");
  let code = 0;
  const program = new Command("elicence")
    .description("eLicence: issue, serve and verify electronic licences (电子证照).")
    .version(VERSION)
    .addHelpText("after", `\nThe key passphrase comes from ELICENCE_PASSPHRASE or a prompt, never from an argument.\n\n${EXIT_HELP}\n`)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showSuggestionAfterError(true);

  program
    .command("init")
    .description("create a workspace: development CA, a sample issuing department, its encrypted key, a trust list and sample licence types")
    .requiredOption("--home <dir>", "workspace directory")
    .addOption(new Option("--alg <alg>", "department signing algorithm").choices(["ES256", "EdDSA", "PS256"]).default("ES256"))
    .option("--force", "overwrite an existing workspace", false)
    .option("--json", "print JSON", false)
    .action(async (o) => {
      code = await runInit({ home: o.home, alg: o.alg, force: o.force, json: o.json, now: new Date() });
    });

  program
    .command("serve")
    .description("run the registry's HTTP API (the workspace serves with no other setting)")
    .requiredOption("--home <dir>", "workspace directory")
    .option("--db <url>", "sqlite:PATH or postgres://… (default: the workspace's registry.db)")
    .option("--port <n>", "TCP port", parsePort, 8080)
    .option("--host <addr>", "interface to listen on", "127.0.0.1")
    .action(async (o) => {
      code = await runServe({ home: o.home, db: o.db, port: o.port, host: o.host });
    });

  const type = program.command("type").description("the licence type catalogue");
  type
    .command("list")
    .description("list licence types with their fields")
    .requiredOption("--home <dir>", "workspace directory")
    .option("--json", "print JSON", false)
    .action(async (o) => {
      code = await runTypeList({ home: o.home, json: o.json });
    });

  program
    .command("issue")
    .description("issue one licence; prints its identifier and writes the file")
    .requiredOption("--home <dir>", "workspace directory")
    .requiredOption("--type <code>", "licence type code (see `elicence type list`)")
    .requiredOption("--holder-id <id>", "holder code: citizen ID number or unified social credit code")
    .requiredOption("--holder-name <name>", "holder name")
    .option("--holder-id-type <code>", "holder code type: 111 citizen ID, 001 USCC, 414 passport, 990 other (default by holder kind)")
    .option("--field <key=value>", "a surface field (repeat)", collect, [])
    .option("--valid-until <time>", "end of validity (default: the type's validity term)", parseTime)
    .option("--out <file>", "also write the licence to FILE")
    .addOption(new Option("--format <format>", "format of --out").choices(["archive", "compact"]).default("archive"))
    .option("--json", "print JSON", false)
    .action(async (o) => {
      code = await runIssue({
        home: o.home,
        type: o.type,
        holderId: o.holderId,
        holderName: o.holderName,
        holderIdType: o.holderIdType,
        field: o.field,
        out: o.out,
        format: o.format,
        json: o.json,
        now: new Date(),
        ...(o.validUntil ? { validUntil: o.validUntil } : {}),
      });
    });

  program
    .command("verify")
    .description("verify a licence file (archive or compact form; - for standard input) offline; exit 0 only when PASSED")
    .argument("<file>", "the licence file, or - for standard input")
    .option("--home <dir>", "use the workspace's trust list")
    .option("--trust <file>", "use this signed trust list")
    .option("--operator-cert <pem>", "pin the trust list's signer to this certificate")
    .option("--status-list <file>", "a status list token to check status against (repeat)", collect, [])
    .option("--at <time>", "verification time (default: now)", parseTime)
    .option("--alg <list>", "allowed algorithms, comma separated (default: ES256,EdDSA,PS256)")
    .option("--json", "print the report as JSON", false)
    .action(async (file, o) => {
      code = await runVerify({
        file,
        home: o.home,
        trust: o.trust,
        operatorCert: o.operatorCert,
        statusList: o.statusList,
        at: o.at ?? new Date(),
        algorithms: o.alg,
        json: o.json,
      });
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return EXIT.ok;
      return EXIT.usage;
    }
    json = json && !(err instanceof CliError && err.kind === "usage");
    return reportError(err, json);
  }
}
