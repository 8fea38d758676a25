/**
 * The `elicence` command line: builds the program, lets each command register itself (its flags,
 * help and action live beside its implementation in `commands/`), parses and maps errors to exit
 * codes. Every job is done by the core, registry or SDK packages.
 *
 * @module
 */
import { Command, CommanderError } from "commander";
import { registerAgreement } from "./commands/agreement.js";
import { registerAugment } from "./commands/augment.js";
import { registerBundle } from "./commands/bundle.js";
import { registerCompletion } from "./commands/completion.js";
import { registerDepartment } from "./commands/department.js";
import { registerInit } from "./commands/init.js";
import { registerIssue } from "./commands/issue.js";
import { registerHolder } from "./commands/holder.js";
import { registerKey } from "./commands/key.js";
import { registerLifecycle } from "./commands/lifecycle.js";
import { registerLog } from "./commands/log.js";
import { registerMatter } from "./commands/matter.js";
import { registerConsent } from "./commands/consent.js";
import { registerAccessRecord } from "./commands/access-record.js";
import { registerPrint } from "./commands/print.js";
import { registerVerifierPage } from "./commands/verifier-page.js";
import { registerReads } from "./commands/read.js";
import { registerServe } from "./commands/serve.js";
import { registerStats } from "./commands/stats.js";
import { registerType } from "./commands/type.js";
import { registerVerify } from "./commands/verify.js";
import { registerWorkspace } from "./commands/workspace.js";
import type { SetExitCode } from "./flags.js";
import { CliError, EXIT, EXIT_HELP, reportError } from "./output.js";

/** The version printed by `--version`. */
export const VERSION = "0.1.0";

/** The commands, in the order `--help` and the completion script list them. */
const COMMANDS: readonly ((program: Command, setExitCode: SetExitCode) => void)[] = [
  registerInit,
  registerServe,
  registerType,
  registerIssue,
  registerLifecycle,
  registerReads,
  registerAgreement,
  registerKey,
  registerDepartment,
  registerLog,
  registerBundle,
  registerStats,
  registerMatter,
  registerCompletion,
  registerVerify,
  registerPrint,
  registerVerifierPage,
  registerAugment,
  registerWorkspace,
  registerHolder,
  registerConsent,
  registerAccessRecord,
];

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
    .addHelpText(
      "after",
      `\nThe key passphrase comes from ELICENCE_PASSPHRASE or a prompt, never from an argument.\nRegistry commands take --home DIR (in process) or --registry URL, and the department's API key from ELICENCE_API_KEY.\n\n${EXIT_HELP}\n`,
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showSuggestionAfterError(true);
  for (const register of COMMANDS) register(program, (c) => (code = c));

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
