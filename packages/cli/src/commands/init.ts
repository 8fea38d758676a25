/**
 * `elicence init --home DIR`: a ready workspace.
 * @module
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import { Registry, initWorkspace } from "@elicence/registry";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_DEPARTMENT, SAMPLE_OPERATOR } from "@elicence/registry/samples";
import { pbkdf2Iterations, readPassphrase } from "../io/passphrase.js";
import type { JwsAlgorithm } from "@elicence/core";
import { KEY_ALGORITHM_CHOICES, toJwsAlgorithm } from "../algorithms.js";
import { parseDatabaseUrl, type SetExitCode } from "../flags.js";

/** Options of the init command. */
export interface InitCommandOptions {
  readonly home: string;
  readonly alg: JwsAlgorithm;
  readonly force: boolean;
  readonly json: boolean;
  readonly now: Date;
  /** The registry database (`sqlite:PATH` or `postgres://…`); default the workspace's registry.db. */
  readonly db?: string;
  /** The registry's public URL, named by every licence's status reference. */
  readonly publicUrl?: string;
  /** An external RFC 3161 TSA (http/https URL) instead of the workspace's built-in one. */
  readonly tsaUrl?: string;
}

/** Runs `init`. */
export async function runInit(options: InitCommandOptions): Promise<number> {
  const passphrase = await readPassphrase("New passphrase for the workspace keys: ", true);
  const iterations = pbkdf2Iterations();
  const ws = await initWorkspace(options.home, {
    passphrase,
    now: options.now,
    operator: SAMPLE_OPERATOR,
    departments: [SAMPLE_DEPARTMENT],
    licenceTypes: [BUSINESS_LICENCE, OPERATOR_CERTIFICATE],
    alg: options.alg,
    force: options.force,
    ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
    ...(iterations ? { iterations } : {}),
    ...(options.tsaUrl !== undefined ? { tsaUrl: options.tsaUrl } : {}),
  });
  const types = await ws.catalogue();
  // Bootstrap access: the operator's admin key and the sample department's issuer key, shown once.
  const registry = await Registry.open({ home: ws.home, passphrase, ...(options.db !== undefined ? { db: options.db } : {}) });
  let keys: { role: string; department: string; key: string }[];
  try {
    const admin = await registry.createApiKey({ department: ws.config.operator.code, roles: ["admin", "auditor"], label: "bootstrap admin" });
    keys = [{ role: "admin", department: ws.config.operator.code, key: admin.key }];
    for (const dept of ws.config.departments) {
      const issuer = await registry.createApiKey({
        department: dept.code,
        roles: ["issuer", "consumer"],
        licenceTypes: types.filter((t) => t.issuers.includes(dept.code)).map((t) => t.code),
        label: `${dept.name} issuer`,
      });
      keys.push({ role: "issuer", department: dept.code, key: issuer.key });
    }
  } finally {
    await registry.close();
  }
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ home: ws.home, publicUrl: ws.config.publicUrl, operator: ws.config.operator, departments: ws.config.departments, licenceTypes: types.map((t) => ({ code: t.code, name: t.name })), apiKeys: keys }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(
      [
        `Workspace ready in ${ws.home}`,
        `  development root CA     pki/root-ca.pem`,
        `  registry operator       ${ws.config.operator.name} (${ws.config.operator.code})`,
        ...ws.config.departments.map((d) => `  issuing department      ${d.name} (${d.code}), ${d.alg}`),
        `  trust list              trust-list.jwt`,
        `  public URL              ${ws.config.publicUrl} (licences name their status lists under it)`,
        `  time-stamping           ${options.tsaUrl ?? "built-in TSA, pki/tsa.pem (POST /tsa when served); issued licences are JAdES B-T"}`,
        ...types.map((t) => `  licence type            ${t.code} ${t.name}`),
        `  registry database       ${options.db === undefined ? "registry.db (SQLite)" : redactDatabaseUrl(options.db)}`,
        `Private keys are encrypted with your passphrase (PKCS#8, PBES2/AES-256).`,
        `API keys (shown once: only their hashes are stored; keep them now):`,
        ...keys.map((k) => `  ${k.role.padEnd(8)} ${k.department}  ${k.key}`),
        ...(options.db !== undefined ? [`Serve it with: elicence serve --home ${options.home} --db <the same URL>`] : []),
        `Next: elicence issue --home ${options.home} --type ${types[0]?.code ?? "CODE"} --holder-id … --holder-name … --field name=value …`,
        "",
      ].join("\n"),
    );
  }
  return 0;
}

/** A database URL without its password, for printing. */
function redactDatabaseUrl(db: string): string {
  return db.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, "$1:***@");
}

/** Registers `elicence init`. */
export function registerInit(program: Command, setExitCode: SetExitCode): void {
  program
    .command("init")
    .description("create a workspace: development CA, a sample issuing department, its encrypted key, a trust list and sample licence types")
    .requiredOption("--home <dir>", "workspace directory")
    .addOption(new Option("--alg <alg>", "department signing algorithm (SM2: an all-SM2 workspace, SM2 with SM3)").choices([...KEY_ALGORITHM_CHOICES]).default("ES256"))
    .option("--db <url>", "the registry database, sqlite:PATH or an empty postgres://… database (default: the workspace's registry.db); serve with the same --db", parseDatabaseUrl)
    .option("--public-url <url>", "the URL the registry will be reached at; every licence names its status list under it (default http://localhost:8080)")
    .option("--force", "overwrite an existing workspace", false)
    .option("--tsa-url <url>", "time-stamp issued licences with this external RFC 3161 TSA instead of the built-in one", parseTsaUrl)
    .option("--json", "print JSON", false)
    .action(async (o) => {
      setExitCode(await runInit({ home: o.home, alg: toJwsAlgorithm(o.alg)!, force: o.force, json: o.json, now: new Date(), ...(o.db !== undefined ? { db: o.db } : {}), ...(o.publicUrl !== undefined ? { publicUrl: o.publicUrl } : {}), ...(o.tsaUrl !== undefined ? { tsaUrl: o.tsaUrl } : {}) }));
    });
}

function parseTsaUrl(value: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new InvalidArgumentError("Give the TSA's http:// or https:// URL.");
  return value;
}
