/**
 * `elicence access-record`: the holder's own record of every read and comparison of their licences
 * (which department, when, for which matter, which fields, which consents opened them), from the
 * registry's log, each entry checked against a checkpoint signed by the log key the trust list names.
 * @module
 */
import type { Command } from "commander";
import type { AccessEvent } from "@elicence/core";
import { loadTrustList } from "../trust-material.js";
import { parseLimit, where, withWhere, type SetExitCode } from "../flags.js";
import type { ApiOptions } from "../api.js";
import { CliError } from "../output.js";
import { withHolderFiles, withWallet, type HolderFiles } from "./consent.js";

/** Options of {@link runAccessRecord}. */
export interface AccessRecordOptions extends ApiOptions, HolderFiles {
  readonly trust?: string;
  readonly operatorCert?: string;
  readonly limit?: number;
  readonly after?: number;
  /** Follow `next` until the last page. */
  readonly all: boolean;
  readonly json: boolean;
}

function line(e: AccessEvent): string {
  const consents = e.consents.length > 0 ? `  consents ${e.consents.join(",")}` : "";
  return `${e.at}  ${e.department}  ${e.kind}  ${e.matter ?? "-"}  ${e.licence ?? "-"}  ${e.fields.join(",")}${consents}\n`;
}

/** Runs `access-record [--limit N] [--after INDEX] [--all]`: exit 0 only when every entry proves. */
export async function runAccessRecord(options: AccessRecordOptions): Promise<number> {
  const trustList = await loadTrustList(options, new Date());
  return withWallet(options, async (wallet) => {
    const events: AccessEvent[] = [];
    let after = options.after;
    let next: number | undefined;
    let size = 0;
    do {
      const page = await wallet.accessRecord({ trustList, ...(options.limit !== undefined ? { limit: options.limit } : {}), ...(after !== undefined ? { after } : {}) });
      events.push(...page.events);
      size = page.checkpoint.treeSize;
      next = page.next;
      after = next;
    } while (options.all && next !== undefined);
    if (options.json) process.stdout.write(`${JSON.stringify({ treeSize: size, events, ...(next !== undefined ? { next } : {}) }, null, 2)}\n`);
    else {
      for (const e of events) process.stdout.write(line(e));
      process.stdout.write(`${events.length} entries, each proven in the log of ${size} entries${next !== undefined ? `; more after --after ${next}` : ""}\n`);
    }
    return 0;
  });
}

function parseIndex(value: string): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) throw new CliError("usage", "--after expects a log index (a whole number).");
  return Number(value);
}

/** Registers `elicence access-record`. */
export function registerAccessRecord(program: Command, setExitCode: SetExitCode): void {
  withHolderFiles(
    withWhere(
      program
        .command("access-record")
        .description("the holder's record of every read and comparison of their licences, proven against the registry's log")
        .option("--trust <file>", "check the log's checkpoint against this signed trust list (default with --home: the workspace's)")
        .option("--operator-cert <pem>", "pin the trust list's signer")
        .option("--limit <n>", "entries per page (default 100, at most 500)", parseLimit)
        .option("--after <index>", "the page after this log index (the `next` of the previous page)", parseIndex)
        .option("--all", "follow every page", false),
    ),
  ).action(async (o) => {
    setExitCode(
      await runAccessRecord({ ...where(o), key: o.key, assertion: o.assertion, trust: o.trust, operatorCert: o.operatorCert, limit: o.limit, after: o.after, all: o.all, json: o.json }),
    );
  });
}
