/**
 * The `elicence` command line: flag parsing, dispatch and exit codes. Every job is done by the
 * core, registry or SDK packages; this file only wires them to a terminal.
 *
 * @module
 */
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { runInit } from "./commands/init.js";
import { runIssue, runIssueBatch } from "./commands/issue.js";
import { runTypeAdd, runTypeList, runTypeShow } from "./commands/type.js";
import { runAmend, runRenew, runStatusChange, type StatusAction } from "./commands/lifecycle.js";
import { runCheckData, runGet, runLookup } from "./commands/read.js";
import { runAgreementAdd, runAgreementList } from "./commands/agreement.js";
import { runKeyCreate, runKeyList, runKeyRevoke } from "./commands/key.js";
import { runDepartmentAdd, runDepartmentList } from "./commands/department.js";
import { runLogHead, runLogVerify } from "./commands/log.js";
import { completionScript } from "./commands/completion.js";
import { runServe } from "./commands/serve.js";
import { runVerify } from "./commands/verify.js";
import { runBundleExport, runBundleVerify, runVerifyFromBundle } from "./commands/bundle.js";
import { runStats } from "./commands/stats.js";
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

function parseDatabaseUrl(value: string): string {
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(value)) throw new InvalidArgumentError("expected sqlite:PATH or postgres://…");
  return value;
}

function parseValidUntil(value: string): Date | null {
  return value === "none" ? null : parseTime(value);
}

function parseChunk(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 10_000) throw new InvalidArgumentError("expected an integer from 1 to 10000");
  return n;
}

/** Adds where the registry is: the workspace in process, or a registry server over HTTP. */
function withWhere(cmd: Command): Command {
  return cmd
    .option("--home <dir>", "the workspace's registry, in process (needs the passphrase)")
    .option("--registry <url>", "a registry server, over HTTP")
    .option("--json", "print JSON", false);
}

/** `--format` of a licence written with `--out`. */
const formatOption = () => new Option("--format <format>", "format of --out").choices(["archive", "compact"]).default("archive");

/** Adds the cause every read names (申请事由). */
function withCause(cmd: Command): Command {
  return cmd.requiredOption("--matter <code>", "approval matter code (事项编码) the read is for").requiredOption("--reason <text>", "a short reason, recorded in the log");
}

const where = (o: { home?: string; registry?: string }) => ({ ...(o.home !== undefined ? { home: o.home } : {}), ...(o.registry !== undefined ? { registry: o.registry } : {}) });

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
    .addHelpText(
      "after",
      `\nThe key passphrase comes from ELICENCE_PASSPHRASE or a prompt, never from an argument.\nRegistry commands take --home DIR (in process) or --registry URL, and the department's API key from ELICENCE_API_KEY.\n\n${EXIT_HELP}\n`,
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showSuggestionAfterError(true);

  program
    .command("init")
    .description("create a workspace: development CA, a sample issuing department, its encrypted key, a trust list and sample licence types")
    .requiredOption("--home <dir>", "workspace directory")
    .addOption(new Option("--alg <alg>", "department signing algorithm").choices(["ES256", "EdDSA", "PS256"]).default("ES256"))
    .option("--db <url>", "the registry database, sqlite:PATH or an empty postgres://… database (default: the workspace's registry.db); serve with the same --db", parseDatabaseUrl)
    .option("--force", "overwrite an existing workspace", false)
    .option("--json", "print JSON", false)
    .action(async (o) => {
      code = await runInit({ home: o.home, alg: o.alg, force: o.force, json: o.json, now: new Date(), ...(o.db !== undefined ? { db: o.db } : {}) });
    });

  program
    .command("serve")
    .description("run the registry's HTTP API (the workspace serves with no other setting)")
    .requiredOption("--home <dir>", "workspace directory")
    .option("--db <url>", "sqlite:PATH or postgres://… (default: the workspace's registry.db)", parseDatabaseUrl)
    .option("--port <n>", "TCP port", parsePort, 8080)
    .option("--host <addr>", "interface to listen on", "127.0.0.1")
    .option("--cors-origin <origin>", "a browser origin allowed to call the authenticated API (repeat); the public documents are open to every origin", collect, [])
    .action(async (o) => {
      code = await runServe({ home: o.home, db: o.db, port: o.port, host: o.host, corsOrigins: o.corsOrigin });
    });

  const type = program.command("type").description("the licence type catalogue");
  withWhere(type.command("list").description("list licence types with their fields (without ELICENCE_API_KEY: the workspace's catalogue files)")).action(async (o) => {
    code = await runTypeList({ ...where(o), json: o.json });
  });
  withWhere(type.command("show").description("show one licence type").argument("<code>", "licence type code")).action(async (c, o) => {
    code = await runTypeShow({ ...where(o), code: c, json: o.json });
  });
  withWhere(type.command("add").description("register a licence type, or a new version of one, from a JSON file (admin)").argument("<file>", "the licence type as JSON")).action(async (file, o) => {
    code = await runTypeAdd({ ...where(o), file, json: o.json });
  });

  withWhere(
    program
      .command("issue")
      .description("issue one licence (prints its identifier), or a batch with --batch FILE")
      .option("--type <code>", "licence type code (see `elicence type list`); with --batch, for rows that name none")
      .option("--holder-id <id>", "holder code: citizen ID number or unified social credit code")
      .option("--holder-name <name>", "holder name")
      .option("--holder-id-type <code>", "holder code type: 111 citizen ID, 001 USCC, 414 passport, 990 other (default by holder kind)")
      .option("--field <key=value>", "a surface field (repeat)", collect, [])
      .option("--valid-until <time>", "end of validity (default: the type's validity term)", parseTime)
      .option("--request-id <id>", "idempotency key: the same id never issues twice (default: a new one)")
      .option("--out <file>", "also write the licence to FILE")
      .addOption(formatOption())
      .option("--batch <file>", "issue every row of a CSV (header: type,holderName,holderIdType,holderId,<field>…) or JSON Lines file")
      .addOption(new Option("--input-format <format>", "format of --batch (default: by extension)").choices(["csv", "jsonl"]))
      .option("--chunk-size <n>", "rows per registry call with --batch", parseChunk, 500),
  )
    .addHelpText(
      "after",
      `\nBatch files: CSV with a header row; columns type, holderName, holderIdType, holderId, number, validFrom, validUntil are the\nlicence's own, every other column is a field; empty cells are left out. JSON Lines: one IssueItem object per line.\nFailed rows are reported by line and never stop the good ones (exit 65 when any failed). Running the same file\nagain issues nothing twice: each chunk's request id comes from the file's SHA-256, --chunk-size and the chunk index.`,
    )
    .action(async (o) => {
      if (o.batch !== undefined) {
        for (const flag of ["holderId", "holderName", "holderIdType", "validUntil", "requestId", "out"] as const) {
          if (o[flag] !== undefined) throw new CliError("usage", `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not go with --batch: put it in the file.`);
        }
        if (o.field.length) throw new CliError("usage", "--field does not go with --batch: put fields in the file's columns.");
        code = await runIssueBatch({ ...where(o), batch: o.batch, type: o.type, inputFormat: o.inputFormat, chunkSize: o.chunkSize, json: o.json });
        return;
      }
      for (const flag of ["type", "holderId", "holderName"] as const) {
        if (o[flag] === undefined) throw new CliError("usage", `issue needs --${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} (or --batch FILE).`);
      }
      code = await runIssue({
        ...where(o),
        type: o.type,
        holderId: o.holderId,
        holderName: o.holderName,
        holderIdType: o.holderIdType,
        field: o.field,
        requestId: o.requestId,
        out: o.out,
        format: o.format,
        json: o.json,
        ...(o.validUntil ? { validUntil: o.validUntil } : {}),
      });
    });

  withWhere(
    program
      .command("amend")
      .description("amend fields: a new version supersedes the licence; prints the new identifier")
      .argument("<id>", "licence identifier")
      .option("--field <key=value>", "a changed field (repeat)", collect, [])
      .requiredOption("--reason <text>", "why, recorded in the log")
      .option("--request-id <id>", "idempotency key")
      .option("--out <file>", "also write the new version to FILE")
      .addOption(formatOption()),
  ).action(async (id, o) => {
    code = await runAmend({ ...where(o), id, field: o.field, reason: o.reason, requestId: o.requestId, out: o.out, format: o.format, json: o.json });
  });

  withWhere(
    program
      .command("renew")
      .description("renew: a new version with a new end of validity; prints the new identifier")
      .argument("<id>", "licence identifier")
      .requiredOption("--valid-until <time>", "new end of validity (ISO 8601), or none", parseValidUntil)
      .requiredOption("--reason <text>", "why, recorded in the log")
      .option("--request-id <id>", "idempotency key")
      .option("--out <file>", "also write the new version to FILE")
      .addOption(formatOption()),
  ).action(async (id, o) => {
    code = await runRenew({ ...where(o), id, validUntil: o.validUntil, reason: o.reason, requestId: o.requestId, out: o.out, format: o.format, json: o.json });
  });

  const STATUS: Record<StatusAction, string> = { suspend: "suspend a licence", resume: "resume a suspended licence", revoke: "revoke a licence (吊销)", cancel: "cancel a licence (注销)" };
  for (const action of Object.keys(STATUS) as StatusAction[]) {
    withWhere(
      program
        .command(action)
        .description(`${STATUS[action]}; the status list changes at once`)
        .argument("<id>", "licence identifier")
        .requiredOption("--reason <text>", "why, recorded in the log")
        .option("--officer <id>", "officer identifier within the department (hashed in the log)"),
    ).action(async (id, o) => {
      code = await runStatusChange(action, { ...where(o), id, reason: o.reason, officer: o.officer, json: o.json });
    });
  }

  withWhere(
    withCause(
      program
        .command("lookup")
        .description("find a holder's licences; shows only the fields you are entitled to")
        .requiredOption("--holder-id <id>", "holder code")
        .option("--holder-id-type <code>", "111 citizen ID, 001 USCC, … (default: guessed from the code)")
        .option("--type <code>", "only this licence type"),
    ),
  ).action(async (o) => {
    code = await runLookup({ ...where(o), holderId: o.holderId, holderIdType: o.holderIdType, type: o.type, matter: o.matter, reason: o.reason, json: o.json });
  });

  withWhere(
    withCause(
      program
        .command("get")
        .description("fetch one licence by identifier; shows only the fields you are entitled to")
        .argument("<id>", "licence identifier")
        .option("--out <file>", "write the licence (entitled disclosures only) to FILE")
        .addOption(formatOption()),
    ),
  ).action(async (id, o) => {
    code = await runGet({ ...where(o), id, out: o.out, format: o.format, matter: o.matter, reason: o.reason, json: o.json });
  });

  withWhere(
    withCause(
      program
        .command("check-data")
        .description("does the holder's active licence say FIELD=VALUE? yes (exit 0) or no (exit 1), without handing the data over")
        .requiredOption("--holder-id <id>", "holder code")
        .option("--holder-id-type <code>", "111 citizen ID, 001 USCC, … (default: guessed from the code)")
        .requiredOption("--type <code>", "licence type code")
        .requiredOption("--field <name>", "field name")
        .requiredOption("--value <value>", "value to compare"),
    ),
  ).action(async (o) => {
    code = await runCheckData({ ...where(o), holderId: o.holderId, holderIdType: o.holderIdType, type: o.type, field: o.field, value: o.value, matter: o.matter, reason: o.reason, json: o.json });
  });

  const agreement = program.command("agreement").description("sharing agreements: a consumer department may see conditional fields of a type");
  withWhere(
    agreement
      .command("add")
      .description("create a sharing agreement (admin); prints its id")
      .requiredOption("--consumer <uscc>", "the consumer department's unified social credit code")
      .requiredOption("--type <code>", "licence type code")
      .option("--field <name>", "a conditional field it may see (repeat)", collect, [])
      .requiredOption("--expires <time>", "end of the agreement (ISO 8601)", parseTime),
  ).action(async (o) => {
    code = await runAgreementAdd({ ...where(o), consumer: o.consumer, type: o.type, field: o.field, expires: o.expires, json: o.json });
  });
  withWhere(agreement.command("list").description("list sharing agreements")).action(async (o) => {
    code = await runAgreementList({ ...where(o), json: o.json });
  });

  const key = program.command("key").description("departments' API keys (admin): create, list, revoke");
  withWhere(
    key
      .command("create")
      .description("create an API key for a department (admin); prints the key once")
      .requiredOption("--department <uscc>", "the department's unified social credit code")
      .option("--role <role>", "issuer, consumer, auditor or admin (repeat)", collect, [])
      .option("--type <code>", "for an issuer: a licence type it may issue (repeat)", collect, [])
      .option("--label <text>", "what the key is for, e.g. the approval system's name"),
  ).action(async (o) => {
    code = await runKeyCreate({ ...where(o), department: o.department, role: o.role, type: o.type, label: o.label, json: o.json });
  });
  withWhere(key.command("list").description("list API keys, without secrets (admin)")).action(async (o) => {
    code = await runKeyList({ ...where(o), json: o.json });
  });
  withWhere(key.command("revoke").description("revoke an API key at once (admin)").addArgument(new Argument("<id>", "the key id: the 16 hex digits after elk_"))).action(async (id, o) => {
    code = await runKeyRevoke({ ...where(o), id, json: o.json });
  });

  const department = program.command("department").description("issuing departments of a workspace (operator, with --home)");
  department
    .command("add")
    .description("add an issuing department: signing certificate from the workspace CA, encrypted key, re-signed trust list")
    .requiredOption("--home <dir>", "the workspace (needs the passphrase)")
    .option("--db <url>", "sqlite:PATH or postgres://… (default: the workspace's registry.db)")
    .requiredOption("--name <name>", "the department's name, as its certificate will carry it")
    .requiredOption("--code <uscc>", "its unified social credit code")
    .addOption(new Option("--alg <alg>", "signature algorithm of its key").choices(["ES256", "EdDSA", "PS256"]).default("ES256"))
    .option("--json", "print JSON", false)
    .action(async (o) => {
      code = await runDepartmentAdd({ home: o.home, db: o.db, name: o.name, code: o.code, alg: o.alg, json: o.json });
    });
  department
    .command("list")
    .description("list the departments of the workspace's trust list, with the licence types each may issue")
    .requiredOption("--home <dir>", "the workspace")
    .option("--json", "print JSON", false)
    .action(async (o) => {
      code = await runDepartmentList({ home: o.home, json: o.json });
    });

  const log = program.command("log").description("the registry's tamper-evident log");
  const trustOptions = (cmd: Command) =>
    cmd.option("--trust <file>", "check tree heads against this signed trust list (default with --home: the workspace's)").option("--operator-cert <pem>", "pin the trust list's signer");
  withWhere(trustOptions(log.command("head").description("print the current signed tree head, verified; --out saves it for `log verify`").option("--out <file>", "save the tree head to FILE"))).action(
    async (o) => {
      code = await runLogHead({ ...where(o), trust: o.trust, operatorCert: o.operatorCert, out: o.out, json: o.json });
    },
  );
  withWhere(
    trustOptions(
      log
        .command("verify")
        .description("check offline that the current log extends a saved tree head (exit 0 only if consistent)")
        .requiredOption("--tree-head <file>", "a tree head saved with `log head --out`"),
    ),
  ).action(async (o) => {
    code = await runLogVerify({ ...where(o), trust: o.trust, operatorCert: o.operatorCert, treeHead: o.treeHead, json: o.json });
  });

  const bundle = program.command("bundle").description("offline audit bundles: licences, trust list, status lists, a signed tree head and inclusion proofs");
  withWhere(
    withCause(
      bundle
        .command("export")
        .description("read licences (each read logged) and write an audit bundle proving every log entry of them (auditor, admin or the issuing department)")
        .requiredOption("--ids <id,…>", "licence identifiers, comma separated (repeat)", collect, [])
        .requiredOption("--out <file>", "write the bundle to FILE"),
    ),
  ).action(async (o) => {
    code = await runBundleExport({ ...where(o), ids: o.ids, out: o.out, matter: o.matter, reason: o.reason, json: o.json });
  });
  bundle
    .command("verify")
    .description("verify an audit bundle with no network; exit 0 only when everything PASSED")
    .argument("<file>", "the bundle, or - for standard input")
    .option("--operator-cert <pem>", "pin the trust list's signer to this certificate (strongly advised)")
    .option("--at <time>", "verification time (default: when the bundle was made)", parseTime)
    .option("--json", "print the report as JSON", false)
    .action(async (file, o) => {
      code = await runBundleVerify({ file, operatorCert: o.operatorCert, at: o.at, json: o.json });
    });

  withWhere(
    program
      .command("stats")
      .description("sharing figures per department over a period: types provided electronically, reads by others, licences served per matter (admin, auditor)")
      .requiredOption("--from <time>", "start of the period (ISO 8601, inclusive)", parseTime)
      .requiredOption("--to <time>", "end of the period (ISO 8601, exclusive)", parseTime),
  ).action(async (o) => {
    if (o.from.getTime() >= o.to.getTime()) throw new CliError("usage", "--from must be before --to.");
    code = await runStats({ ...where(o), from: o.from, to: o.to, json: o.json });
  });

  program
    .command("completion")
    .description("print a shell completion script: eval \"$(elicence completion bash)\"")
    .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh"]))
    .action((shell: "bash" | "zsh") => {
      process.stdout.write(completionScript(program, shell));
    });

  program
    .command("verify")
    .description("verify a licence — a file, - for standard input, a compact licence, or an identifier fetched from --registry/--home — or one of an audit bundle with --bundle; exit 0 only when PASSED")
    .argument("<licence>", "a licence file (archive or compact form), - for standard input, a compact licence (eyJ…~…~), or a licence identifier (1.2.156.3005.2.…) to fetch; with --bundle, the identifier")
    .option("--home <dir>", "use the workspace's trust list, and its registry for status lists and fetching")
    .option("--registry <url>", "a registry server: status lists (public) and fetching by identifier (ELICENCE_API_KEY) over HTTP; needs --trust")
    .option("--trust <file>", "use this signed trust list")
    .option("--operator-cert <pem>", "pin the trust list's signer to this certificate")
    .option("--matter <code>", "fetching by identifier: approval matter code (事项编码) the read is for")
    .option("--reason <text>", "fetching by identifier: a short reason, recorded in the log")
    .option("--status-list <file>", "a status list token to check status against (repeat)", collect, [])
    .option("--at <time>", "verification time (default: now)", parseTime)
    .option("--alg <list>", "allowed algorithms, comma separated (default: ES256,EdDSA,PS256)")
    .option("--offline", "never contact a registry (with --home: no status list from the workspace's registry)", false)
    .option("--bundle <file>", "verify licence ID (the argument) from this audit bundle, with its evidence")
    .option("--json", "print the report as JSON", false)
    .addHelpText(
      "after",
      `\nExamples:\n  elicence verify licence.json --home ws                      a file; status from the workspace's registry\n  elicence verify "$(cat licence.txt)" --trust trust-list.jwt --operator-cert operator.pem --registry URL\n  elicence verify 1.2.156.3005.2.… --registry URL --trust trust-list.jwt --matter M --reason R\n  elicence verify --offline --bundle audit.json 1.2.156.3005.2.… --operator-cert operator.pem\nExit codes: 0 PASSED, 1 FAILED, 2 INDETERMINATE (e.g. no status list: give --status-list, --registry or --home).`,
    )
    .action(async (licence, o) => {
      if (o.bundle !== undefined) {
        for (const flag of ["home", "registry", "trust", "alg", "matter", "reason"] as const) {
          if (o[flag] !== undefined) throw new CliError("usage", `--${flag} does not go with --bundle: the bundle carries its trust list and licences.`);
        }
        if (o.statusList.length) throw new CliError("usage", "--status-list does not go with --bundle: the bundle carries its status lists.");
        code = await runVerifyFromBundle({ file: o.bundle, id: licence, operatorCert: o.operatorCert, at: o.at, json: o.json });
        return;
      }
      code = await runVerify({
        offline: o.offline,
        licence,
        home: o.home,
        registry: o.registry,
        trust: o.trust,
        operatorCert: o.operatorCert,
        statusList: o.statusList,
        at: o.at,
        algorithms: o.alg,
        matter: o.matter,
        reason: o.reason,
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
