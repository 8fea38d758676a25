/**
 * `elicence serve`: run the registry's HTTP API.
 * @module
 */
import { InvalidArgumentError, type Command } from "commander";
import { Registry, normalisePublicUrl, publicUrlWarnings, serveRegistry } from "@elicence/registry";
import { readPassphrase } from "../io/passphrase.js";
import { CliError } from "../output.js";
import { collect, parseDatabaseUrl, parsePort, wholeNumber, type SetExitCode } from "../flags.js";

/** Options of the serve command. */
export interface ServeCommandOptions {
  readonly home: string;
  readonly db?: string;
  readonly port: number;
  readonly host: string;
  /** Browser origins allowed to call the authenticated API (CORS). */
  readonly corsOrigins?: readonly string[];
  /** The URL clients reach this server at (checked against the workspace's public URL). */
  readonly publicUrl?: string;
  /** A PostgreSQL hot standby holder lookups may read (`--replica`), and its staleness bound in ms. */
  readonly replica?: { readonly url: string; readonly maxStalenessMs?: number };
  /** PostgreSQL connections of this process (`--db-pool-size`, default 10). */
  readonly dbPoolSize?: number;
  /** Milliseconds a request may wait for a free PostgreSQL connection (`--db-pool-wait`, default 30 000). */
  readonly dbPoolWaitMs?: number;
}

/** Runs `serve` until SIGINT or SIGTERM. */
export async function runServe(options: ServeCommandOptions): Promise<number> {
  for (const origin of options.corsOrigins ?? []) {
    let ok = false;
    try {
      const u = new URL(origin);
      ok = (u.protocol === "https:" || u.protocol === "http:") && u.origin === origin;
    } catch {
      ok = false;
    }
    if (!ok) throw new CliError("usage", `--cors-origin takes an origin such as https://approval.example.gov.cn, got "${origin.slice(0, 80)}".`);
  }
  if (options.publicUrl !== undefined) {
    try {
      normalisePublicUrl(options.publicUrl);
    } catch {
      throw new CliError("usage", `--public-url takes an absolute http(s) URL such as https://registry.example.gov.cn, got "${options.publicUrl.slice(0, 80)}".`);
    }
  }
  const passphrase = await readPassphrase("Passphrase for the workspace keys: ");
  if (options.replica && !options.db?.match(/^postgres(?:ql)?:\/\//)) throw new CliError("usage", "--replica needs --db postgres://… (the primary).");
  const pooled = options.dbPoolSize !== undefined || options.dbPoolWaitMs !== undefined;
  if (pooled && !options.db?.match(/^postgres(?:ql)?:\/\//)) throw new CliError("usage", "--db-pool-size and --db-pool-wait need --db postgres://… (SQLite has one connection).");
  const database = pooled
    ? { ...(options.dbPoolSize !== undefined ? { poolSize: options.dbPoolSize } : {}), ...(options.dbPoolWaitMs !== undefined ? { poolWaitMs: options.dbPoolWaitMs } : {}) }
    : undefined;
  const registry = await Registry.open({
    home: options.home,
    passphrase,
    ...(options.db ? { db: options.db } : {}),
    ...(options.replica ? { replica: options.replica } : {}),
    ...(database ? { database } : {}),
  });
  let server;
  try {
    server = await serveRegistry(registry, {
      port: options.port,
      host: options.host,
      ...(options.corsOrigins && options.corsOrigins.length > 0 ? { corsOrigins: options.corsOrigins } : {}),
      logger: {
        request: (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`),
        fault: (entry) => {
          const error = entry.error instanceof Error ? { name: entry.error.name, message: entry.error.message } : {};
          process.stderr.write(`${JSON.stringify({ ...entry, error })}\n`);
        },
      },
    });
  } catch (err) {
    await registry.close();
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") throw new CliError("usage", `Port ${options.port} is in use.`, "Choose another with --port.");
    throw err;
  }
  process.stdout.write(`eLicence registry listening on ${server.url} (database: ${options.db ?? "sqlite: registry.db in the workspace"}; public URL ${registry.publicUrl})\n`);
  for (const warning of publicUrlWarnings({ configured: registry.publicUrl, listening: server.url, ...(options.publicUrl !== undefined ? { declared: options.publicUrl } : {}) })) {
    process.stderr.write(`warning: ${warning}\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  await registry.close();
  return 0;
}

/** Registers `elicence serve`. */
export function registerServe(program: Command, setExitCode: SetExitCode): void {
  program
    .command("serve")
    .description("run the registry's HTTP API (the workspace serves with no other setting)")
    .requiredOption("--home <dir>", "workspace directory")
    .option("--db <url>", "sqlite:PATH or postgres://… (default: the workspace's registry.db)", parseDatabaseUrl)
    .option("--port <n>", "TCP port", parsePort, 8080)
    .option("--host <addr>", "interface to listen on", "127.0.0.1")
    .option("--public-url <url>", "the URL clients reach this server at; a warning is printed when licences name another")
    .option("--replica <url>", "a PostgreSQL hot standby that holder lookups may read while it is fresh (postgres://…)", parseReplicaUrl)
    .option("--replica-max-staleness <ms>", "the most a replica-served lookup may lag the primary", parseStaleness, 1000)
    .option("--db-pool-size <n>", "PostgreSQL connections of this process (default 10; keep the sum over all processes under max_connections)", parsePoolSize)
    .option("--db-pool-wait <ms>", "how long a request may wait for a free PostgreSQL connection before a 503 with reason pool-busy (default 30000)", parsePoolWait)
    .option("--cors-origin <origin>", "a browser origin allowed to call the authenticated API (repeat); the public documents are open to every origin", collect, [])
    .action(async (o) => {
      setExitCode(
        await runServe({
          home: o.home,
          db: o.db,
          port: o.port,
          host: o.host,
          corsOrigins: o.corsOrigin,
          ...(o.publicUrl !== undefined ? { publicUrl: o.publicUrl } : {}),
          ...(o.replica !== undefined ? { replica: { url: o.replica, maxStalenessMs: o.replicaMaxStaleness } } : {}),
          ...(o.dbPoolSize !== undefined ? { dbPoolSize: o.dbPoolSize } : {}),
          ...(o.dbPoolWait !== undefined ? { dbPoolWaitMs: o.dbPoolWait } : {}),
        }),
      );
    });
}

function parseReplicaUrl(value: string): string {
  if (!/^postgres(ql)?:\/\//.test(value)) throw new InvalidArgumentError("expected postgres://… (a hot standby of --db)");
  return value;
}

const parseStaleness = wholeNumber(50, 60_000, "expected milliseconds from 50 to 60000");
const parsePoolSize = wholeNumber(1, 1000, "expected a number of connections from 1 to 1000");
const parsePoolWait = wholeNumber(100, 600_000, "expected milliseconds from 100 to 600000");
