/**
 * `elicence department add|list`: the issuing departments of a workspace (the operator's job,
 * in process with `--home`: adding one needs the workspace passphrase, which unlocks the root CA).
 * @module
 */
import { DEFAULT_ALGORITHMS, type JwsAlgorithm } from "@elicence/core";
import { Registry, openWorkspace } from "@elicence/registry";
import { pbkdf2Iterations, readPassphrase } from "../io/passphrase.js";

/** Runs `department add --home DIR --name NAME --code USCC [--alg ALG]`. */
export async function runDepartmentAdd(options: { home: string; db?: string; name: string; code: string; alg: JwsAlgorithm; json: boolean }): Promise<number> {
  const passphrase = await readPassphrase("Passphrase for the workspace keys: ");
  const registry = await Registry.open({ home: options.home, passphrase, ...(options.db ? { db: options.db } : {}) });
  try {
    const iterations = pbkdf2Iterations();
    const added = await registry.addDepartment({ name: options.name, code: options.code, alg: options.alg, passphrase, ...(iterations ? { iterations } : {}) });
    if (options.json) process.stdout.write(`${JSON.stringify(added)}\n`);
    else {
      process.stdout.write(`${added.code}  ${added.name}  ${added.alg}  certificate ${added.thumbprint}\n`);
      process.stderr.write(
        "Listed in the re-signed trust list. Next: register licence types naming it as an issuer (`elicence type add`), give it an issuer key (`elicence key create --role issuer`), and restart `elicence serve`.\n",
      );
    }
    return 0;
  } finally {
    await registry.close();
  }
}

/** Runs `department list --home DIR`: the departments of the workspace's trust list. */
export async function runDepartmentList(options: { home: string; json: boolean }): Promise<number> {
  const ws = await openWorkspace(options.home);
  const list = await ws.trustList(new Date(), DEFAULT_ALGORITHMS);
  const departments = list.document.departments;
  if (options.json) process.stdout.write(`${JSON.stringify(departments, null, 2)}\n`);
  else if (departments.length === 0) process.stdout.write("The trust list names no department.\n");
  else for (const d of departments) process.stdout.write(`${d.code}  ${d.name}  types ${d.licenceTypes.join(",") || "(none)"}\n`);
  return 0;
}
