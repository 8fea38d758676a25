/**
 * Output and exit codes: human text by default, JSON with `--json`, and one exit code per outcome.
 *
 * @module
 */
import { isLicenceError, formatIssues, type LicenceError } from "@elicence/core";

/** Exit codes, documented in `elicence --help`. */
export const EXIT = Object.freeze({
  /** Success; for `verify`, the licence PASSED. */
  ok: 0,
  /** `verify`: the licence FAILED. */
  failed: 1,
  /** `verify`: INDETERMINATE (e.g. a status list or trust was missing). */
  indeterminate: 2,
  /** Wrong usage: unknown command, missing or bad flag. */
  usage: 64,
  /** Bad input data: a malformed file, an invalid licence type or field. */
  data: 65,
  /** An input file cannot be read. */
  noInput: 66,
  /** The registry cannot be reached or did not answer. */
  unavailable: 69,
  /** Unexpected internal error (a bug: please report it). */
  software: 70,
  /** An output file cannot be written. */
  cantCreate: 73,
  /** Wrong passphrase or not permitted. */
  noPerm: 77,
});

/** The exit-code table for `--help`. */
export const EXIT_HELP = `Exit codes:
  0   success (verify: PASSED)
  1   verify: FAILED
  2   verify: INDETERMINATE
  64  usage error (unknown command, missing or invalid option)
  65  invalid input data (malformed file, invalid licence or field; issue --batch: some rows failed)
  66  an input file cannot be read
  69  the registry cannot be reached
  70  internal error (please report it)
  73  an output file cannot be written
  77  wrong passphrase or not permitted`;

/** An error the CLI reports in one or two lines and maps to an exit code. */
export class CliError extends Error {
  constructor(
    readonly kind: keyof typeof EXIT,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Maps a LicenceError to a CLI error with a next step. */
export function fromLicenceError(err: LicenceError): CliError {
  const issues = formatIssues(err.issues).slice(0, 8);
  const detail = issues.length ? `\n  ${issues.join("\n  ")}` : "";
  switch (err.code) {
    case "ERR_PASSPHRASE_INCORRECT":
      return new CliError("noPerm", "The passphrase is wrong.", `Check ${"ELICENCE_PASSPHRASE"} or type it again.`);
    case "ERR_UNAUTHENTICATED":
      return new CliError("noPerm", "The registry does not know this API key.", "Check ELICENCE_API_KEY (`elicence init` prints the first keys).");
    case "ERR_FORBIDDEN":
      return new CliError("noPerm", `Not permitted: ${err.message}`, "Use an API key whose department and role may do this.");
    case "ERR_UNAVAILABLE":
      return new CliError("unavailable", err.message, "Check --registry URL and that the registry is running.");
    case "ERR_RATE_LIMITED":
      return new CliError("unavailable", err.message, `Wait ${typeof err.details.retryAfterSeconds === "number" ? `${err.details.retryAfterSeconds} s` : "a little"} and try again.`);
    case "ERR_LOG_PROOF_INVALID":
      return new CliError("failed", `${err.message} (${err.code})`, "The log is not consistent with what you saved: keep both tree heads as evidence.");
    case "ERR_ISSUER_NOT_AUTHORISED":
      return new CliError("data", `${err.message}${detail}`, "Add the department to the licence type's issuers in the catalogue.");
    default:
      return new CliError("data", `${err.message} (${err.code})${detail}`);
  }
}

/** Prints an error the way every command does: one or two lines on stderr, and returns its exit code. */
export function reportError(err: unknown, json: boolean): number {
  let cli: CliError;
  if (err instanceof CliError) cli = err;
  else if (isLicenceError(err)) cli = fromLicenceError(err);
  else {
    cli = new CliError("software", `Unexpected error: ${err instanceof Error ? err.message : String(err)}`, "This is a bug in elicence: please report it.");
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ error: { kind: cli.kind, message: cli.message, ...(isLicenceError(err) ? { code: err.code } : {}) } })}\n`);
  } else {
    process.stderr.write(`elicence: ${cli.message}\n${cli.hint ? `  ${cli.hint}\n` : ""}`);
  }
  return EXIT[cli.kind];
}
