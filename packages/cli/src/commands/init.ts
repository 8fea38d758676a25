/**
 * `elicence init --home DIR`: a ready workspace.
 * @module
 */
import { initWorkspace } from "@elicence/registry";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_DEPARTMENT, SAMPLE_OPERATOR } from "../workspace/samples.js";
import { readPassphrase } from "../io/passphrase.js";
import type { JwsAlgorithm } from "@elicence/core";

/** Options of the init command. */
export interface InitCommandOptions {
  readonly home: string;
  readonly alg: JwsAlgorithm;
  readonly force: boolean;
  readonly json: boolean;
  readonly now: Date;
}

/** Runs `init`. */
export async function runInit(options: InitCommandOptions): Promise<number> {
  const passphrase = await readPassphrase("New passphrase for the workspace keys: ", true);
  const iterations = process.env.ELICENCE_PBKDF2_ITERATIONS ? Number(process.env.ELICENCE_PBKDF2_ITERATIONS) : undefined;
  const ws = await initWorkspace(options.home, {
    passphrase,
    now: options.now,
    operator: SAMPLE_OPERATOR,
    departments: [SAMPLE_DEPARTMENT],
    licenceTypes: [BUSINESS_LICENCE, OPERATOR_CERTIFICATE],
    alg: options.alg,
    force: options.force,
    ...(iterations ? { iterations } : {}),
  });
  const types = await ws.catalogue();
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ home: ws.home, operator: ws.config.operator, departments: ws.config.departments, licenceTypes: types.map((t) => ({ code: t.code, name: t.name })) }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(
      [
        `Workspace ready in ${ws.home}`,
        `  development root CA     pki/root-ca.pem`,
        `  registry operator       ${ws.config.operator.name} (${ws.config.operator.code})`,
        ...ws.config.departments.map((d) => `  issuing department      ${d.name} (${d.code}), ${d.alg}`),
        `  trust list              trust-list.jwt`,
        ...types.map((t) => `  licence type            ${t.code} ${t.name}`),
        `Private keys are encrypted with your passphrase (PKCS#8, PBES2/AES-256).`,
        `Next: elicence issue --home ${options.home} --type ${types[0]?.code ?? "CODE"} --holder-id … --holder-name … --field name=value …`,
        "",
      ].join("\n"),
    );
  }
  return 0;
}
