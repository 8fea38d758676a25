/**
 * `elicence verifier-page --out verify.html`: writes the offline verifier page — one
 * self-contained HTML file, built with the CLI from the SDK's browser build — that an auditor
 * opens from `file://` on a laptop with no network.
 * @module
 */
import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { writeFileAtomically } from "@elicence/sdk/print";
import type { SetExitCode } from "../flags.js";
import { checkWritable } from "../io/files.js";
import { CliError } from "../output.js";

/** Runs `verifier-page`. */
export async function runVerifierPage(options: { readonly out: string; readonly json: boolean }): Promise<number> {
  await checkWritable(options.out);
  let html: Buffer;
  try {
    html = await readFile(new URL("./verifier-page.html", import.meta.url));
  } catch {
    throw new CliError("software", "The verifier page is missing from this installation.", "Rebuild the CLI (`pnpm run build`).");
  }
  try {
    await writeFileAtomically(options.out, html);
  } catch {
    throw new CliError("cantCreate", `Cannot write ${options.out}.`, "Check that the directory exists and is writable.");
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ file: options.out, bytes: html.length })}\n`);
  else process.stdout.write(`Wrote the offline verifier page to ${options.out} (${html.length} bytes): open it in a browser, no network needed.\n`);
  return 0;
}

/** Registers `elicence verifier-page`. */
export function registerVerifierPage(program: Command, setExitCode: SetExitCode): void {
  program
    .command("verifier-page")
    .description("write the offline verifier page (one HTML file: licences, audit bundles and QR pictures checked in the browser, no network)")
    .option("--out <file>", "the HTML file to write", "verify.html")
    .option("--json", "print what was written as JSON", false)
    .action(async (o) => setExitCode(await runVerifierPage({ out: o.out, json: o.json })));
}
