/**
 * `elicence department add|add-key|list|revoke`: the issuing departments of a workspace (the operator's job,
 * in process with `--home`: adding or revoking one needs the workspace passphrase, which unlocks the root CA).
 * @module
 */
import { Option, type Command } from "commander";
import type { JwsAlgorithm } from "@elicence/core";
import { KEY_ALGORITHM_CHOICES, toJwsAlgorithm, withAlgorithmsOf } from "../algorithms.js";
import { DEPARTMENT_REVOCATION_REASONS, Registry, openWorkspace } from "@elicence/registry";
import type { CrlReason } from "@elicence/core/revocation";
import { pbkdf2Iterations, readPassphrase } from "../io/passphrase.js";
import type { SetExitCode } from "../flags.js";
import { CliError } from "../output.js";

/**
 * Runs `department add --home DIR --name NAME --code USCC [--alg ALG[,ALG…]]`: with several
 * algorithms (`SM2,ES256`) the department gets one key each and its licences are signed with all.
 */
export async function runDepartmentAdd(options: { home: string; db?: string; name: string; code: string; alg: JwsAlgorithm; also?: readonly JwsAlgorithm[]; json: boolean }): Promise<number> {
  const passphrase = await readPassphrase("Passphrase for the workspace keys: ");
  const registry = await Registry.open({ home: options.home, passphrase, ...(options.db ? { db: options.db } : {}) });
  try {
    const iterations = pbkdf2Iterations();
    const added = await registry.addDepartment({ name: options.name, code: options.code, alg: options.alg, passphrase, ...(iterations ? { iterations } : {}) });
    const keys = [];
    for (const alg of options.also ?? []) keys.push(await registry.addDepartmentKey({ code: options.code, alg, passphrase, ...(iterations ? { iterations } : {}) }));
    if (options.json) process.stdout.write(`${JSON.stringify(keys.length ? { ...added, keys: [{ alg: added.alg, thumbprint: added.thumbprint }, ...keys.map(({ alg, thumbprint }) => ({ alg, thumbprint }))] } : added)}\n`);
    else {
      process.stdout.write(`${added.code}  ${added.name}  ${added.alg}  certificate ${added.thumbprint}\n`);
      for (const k of keys) process.stdout.write(`${k.code}  ${added.name}  ${k.alg}  certificate ${k.thumbprint}\n`);
      process.stderr.write(
        "Listed in the re-signed trust list. Next: register licence types naming it as an issuer (`elicence type add`), give it an issuer key (`elicence key create --role issuer`), and restart `elicence serve`.\n",
      );
    }
    return 0;
  } finally {
    await registry.close();
  }
}

/** Runs `department add-key CODE --alg ALG --home DIR`: one more key; the department's licences are signed with every key from then on. */
export async function runDepartmentAddKey(options: { home: string; db?: string; code: string; alg: JwsAlgorithm; json: boolean }): Promise<number> {
  const passphrase = await readPassphrase("Passphrase for the workspace keys: ");
  const registry = await Registry.open({ home: options.home, passphrase, ...(options.db ? { db: options.db } : {}) });
  try {
    const iterations = pbkdf2Iterations();
    const added = await registry.addDepartmentKey({ code: options.code, alg: options.alg, passphrase, ...(iterations ? { iterations } : {}) });
    if (options.json) process.stdout.write(`${JSON.stringify(added)}\n`);
    else {
      process.stdout.write(`${added.code}  ${added.alg}  certificate ${added.thumbprint}\n`);
      process.stderr.write("Listed in the re-signed trust list; the department's licences are now signed with each of its keys. Restart `elicence serve` to load it.\n");
    }
    return 0;
  } finally {
    await registry.close();
  }
}

/** Parses `--alg` of `department add`: one algorithm, or several (`SM2,ES256`) for a dual-signing department. */
export function departmentAlgorithms(list: string): JwsAlgorithm[] {
  const names = list.split(",").map((a) => a.trim());
  const out: JwsAlgorithm[] = [];
  for (const name of names) {
    const alg = KEY_ALGORITHM_CHOICES.includes(name) ? toJwsAlgorithm(name) : undefined;
    if (!alg) throw new CliError("usage", `--alg: "${name.slice(0, 20)}" is not one of ${KEY_ALGORITHM_CHOICES.join(", ")}.`);
    if (out.includes(alg)) throw new CliError("usage", "--alg names an algorithm twice.");
    out.push(alg);
  }
  if (out.length > 4) throw new CliError("usage", "--alg: a department signs with at most 4 keys.");
  return out;
}

/** Runs `department list --home DIR`: the departments of the workspace's trust list. */
export async function runDepartmentList(options: { home: string; json: boolean }): Promise<number> {
  const ws = await openWorkspace(options.home);
  const list = await ws.trustList(new Date(), withAlgorithmsOf([await ws.operatorCertificate()]));
  const departments = list.document.departments;
  if (options.json) process.stdout.write(`${JSON.stringify(departments, null, 2)}\n`);
  else if (departments.length === 0) process.stdout.write("The trust list names no department.\n");
  else for (const d of departments) process.stdout.write(`${d.code}  ${d.name}  types ${d.licenceTypes.join(",") || "(none)"}\n`);
  return 0;
}

/** Runs `department revoke CODE --reason REASON --home DIR`: revokes the department's signing certificate. */
export async function runDepartmentRevoke(options: { home: string; db?: string; code: string; reason: CrlReason; json: boolean }): Promise<number> {
  const passphrase = await readPassphrase("Passphrase for the workspace keys: ");
  const registry = await Registry.open({ home: options.home, passphrase, ...(options.db ? { db: options.db } : {}) });
  try {
    const revoked = await registry.revokeDepartment({ code: options.code, reason: options.reason });
    if (options.json) process.stdout.write(`${JSON.stringify(revoked)}\n`);
    else {
      process.stdout.write(`${revoked.code}  certificate ${revoked.thumbprint}  revoked ${revoked.revokedAt}  (${revoked.reason})\n`);
      process.stderr.write("Logged; the CRL and OCSP answers of `elicence serve` now say so, and the re-signed trust list ends the department at this time.\n");
    }
    return 0;
  } finally {
    await registry.close();
  }
}

/** Registers `elicence department add|list|revoke`. */
export function registerDepartment(program: Command, setExitCode: SetExitCode): void {
  const department = program.command("department").description("issuing departments of a workspace (operator, with --home)");
  department
    .command("add")
    .description("add an issuing department: signing certificate from the workspace CA, encrypted key, re-signed trust list")
    .requiredOption("--home <dir>", "the workspace (needs the passphrase)")
    .option("--db <url>", "sqlite:PATH or postgres://… (default: the workspace's registry.db)")
    .requiredOption("--name <name>", "the department's name, as its certificate will carry it")
    .requiredOption("--code <uscc>", "its unified social credit code")
    .option("--alg <alg[,alg]>", `signature algorithm of its key (${KEY_ALGORITHM_CHOICES.join(", ")}; SM2: SM2 with SM3); several, e.g. SM2,ES256: one key each, every licence signed with all (dual-signed)`, "ES256")
    .option("--json", "print JSON", false)
    .action(async (o) => {
      const [alg, ...also] = departmentAlgorithms(o.alg);
      setExitCode(await runDepartmentAdd({ home: o.home, db: o.db, name: o.name, code: o.code, alg: alg!, also, json: o.json }));
    });
  department
    .command("add-key <code>")
    .description("give a department one more signing key (e.g. ES256 beside SM2): its licences are then signed with each key")
    .requiredOption("--home <dir>", "the workspace (needs the passphrase)")
    .option("--db <url>", "sqlite:PATH or postgres://… (default: the workspace's registry.db)")
    .addOption(new Option("--alg <alg>", "signature algorithm of the new key").choices([...KEY_ALGORITHM_CHOICES]).makeOptionMandatory())
    .option("--json", "print JSON", false)
    .action(async (code: string, o) => {
      setExitCode(await runDepartmentAddKey({ home: o.home, db: o.db, code, alg: toJwsAlgorithm(o.alg)!, json: o.json }));
    });
  department
    .command("revoke <code>")
    .description("revoke a department's signing certificate: recorded in the CA's CRL and OCSP, logged, trust list re-signed")
    .requiredOption("--home <dir>", "the workspace (needs the passphrase)")
    .option("--db <url>", "sqlite:PATH or postgres://… (default: the workspace's registry.db)")
    .addOption(new Option("--reason <reason>", "why (RFC 5280 CRLReason)").choices([...DEPARTMENT_REVOCATION_REASONS]).makeOptionMandatory())
    .option("--json", "print JSON", false)
    .action(async (code: string, o) => {
      setExitCode(await runDepartmentRevoke({ home: o.home, db: o.db, code, reason: o.reason, json: o.json }));
    });
  department
    .command("list")
    .description("list the departments of the workspace's trust list, with the licence types each may issue")
    .requiredOption("--home <dir>", "the workspace")
    .option("--json", "print JSON", false)
    .action(async (o) => {
      setExitCode(await runDepartmentList({ home: o.home, json: o.json }));
    });
}
