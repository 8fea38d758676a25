/**
 * `elicence consent keygen|vouch|grant|withdraw|list`: a holder's consent for one department to see
 * named conditional fields of their licences. The holder makes a key (`keygen`), a department at a
 * service window vouches for it once it has identified the holder (`vouch`, an issuer API key), and
 * the holder signs consents and withdrawals with it. No API key is needed for the holder's commands.
 * @module
 */
import type { Command } from "commander";
import { generateHolderKey, parseHolderJwk, type HolderConsent, type HolderSigningKey } from "@elicence/core";
import { createKeySigner } from "@elicence/core/jws";
import { HolderWallet } from "@elicence/sdk";
import { withApi, withHolderApi, type ApiOptions } from "../api.js";
import { checkWritable, readInput, readJson, writeOutput } from "../io/files.js";
import { guessHolderIdType, holderIdType } from "../io/fields.js";
import { CliError } from "../output.js";
import { collect, parseTime, where, withWhere, type SetExitCode } from "../flags.js";

/** The holder's key and assertion files. */
export interface HolderFiles {
  readonly key: string;
  readonly assertion: string;
}

/** Reads a key file written by `consent keygen`. */
export async function readHolderKey(path: string): Promise<HolderSigningKey> {
  const file = (await readJson(path, "the holder key")) as { alg?: unknown; privateKey?: unknown; publicJwk?: unknown };
  if ((file?.alg !== "ES256" && file?.alg !== "EdDSA") || typeof file.privateKey !== "string") throw new CliError("usage", `${path} is not a holder key file.`, "Make one with `elicence consent keygen --out FILE`.");
  try {
    return { signer: await createKeySigner(new Uint8Array(Buffer.from(file.privateKey, "base64")), file.alg), publicJwk: parseHolderJwk(file.publicJwk) };
  } catch {
    throw new CliError("usage", `${path} is not a holder key file.`, "Make one with `elicence consent keygen --out FILE`.");
  }
}

/** Runs `fn` with a wallet made of the holder's key and assertion. */
export async function withWallet<T>(options: ApiOptions & HolderFiles, fn: (wallet: HolderWallet) => Promise<T>): Promise<T> {
  const key = await readHolderKey(options.key);
  const assertion = (await readInput(options.assertion, "the holder assertion", 16 * 1024)).trim();
  return withHolderApi(options, (api) => fn(new HolderWallet({ api, key, assertion })));
}

/** Runs `consent keygen --out FILE [--public-out FILE]`: a new holder key (keep the file private). */
export async function runKeygen(options: { out: string; publicOut?: string; alg: "ES256" | "EdDSA"; json: boolean }): Promise<number> {
  await checkWritable(options.out);
  const { pkcs8, publicJwk } = await generateHolderKey(options.alg);
  await writeOutput(options.out, `${JSON.stringify({ alg: options.alg, privateKey: Buffer.from(pkcs8).toString("base64"), publicJwk }, null, 2)}\n`);
  if (options.publicOut) await writeOutput(options.publicOut, `${JSON.stringify(publicJwk)}\n`);
  process.stdout.write(options.json ? `${JSON.stringify(publicJwk)}\n` : `holder key written to ${options.out}${options.publicOut ? `, public key to ${options.publicOut}` : ""}\n`);
  return 0;
}

/** Runs `consent vouch --holder-id … --public-key FILE --out FILE` (a department at a window). */
export async function runVouch(options: ApiOptions & { holderId: string; holderIdType?: string; publicKey: string; out: string; expires?: Date; json: boolean }): Promise<number> {
  await checkWritable(options.out);
  const idType = options.holderIdType ? holderIdType(undefined, options.holderIdType) : guessHolderIdType(options.holderId);
  const key = parseHolderJwk(await readJson(options.publicKey, "the holder's public key"));
  return withApi(options, async (api) => {
    const { assertion } = await api.vouchHolder({ holder: { idType, idNumber: options.holderId }, key, ...(options.expires ? { expiresAt: options.expires.toISOString() } : {}) });
    await writeOutput(options.out, `${assertion}\n`);
    process.stdout.write(options.json ? `${JSON.stringify({ assertion })}\n` : `assertion written to ${options.out}\n`);
    return 0;
  });
}

function line(c: HolderConsent): string {
  return `${c.id}  ${c.consumer}  ${c.type}  ${c.fields.join(",")}  until ${c.expiresAt}${c.withdrawnAt ? `  withdrawn ${c.withdrawnAt}` : ""}  ${c.purpose}\n`;
}

function print(c: HolderConsent, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(c)}\n` : line(c));
}

/** Runs `consent grant --consumer USCC --type CODE --field NAME… --purpose TEXT --until T`. */
export async function runGrant(options: ApiOptions & HolderFiles & { consumer: string; type: string; field: readonly string[]; purpose: string; until: Date; json: boolean }): Promise<number> {
  if (options.field.length === 0) throw new CliError("usage", "consent grant needs at least one --field NAME (a conditional field of the type).");
  return withWallet(options, async (wallet) => {
    print(await wallet.grant({ consumer: options.consumer, type: options.type, fields: options.field, purpose: options.purpose, until: options.until }), options.json);
    return 0;
  });
}

/** Runs `consent withdraw ID`. */
export async function runWithdraw(options: ApiOptions & HolderFiles & { id: string; json: boolean }): Promise<number> {
  return withWallet(options, async (wallet) => {
    print(await wallet.withdraw(options.id), options.json);
    return 0;
  });
}

/** Runs `consent list`. */
export async function runList(options: ApiOptions & HolderFiles & { json: boolean }): Promise<number> {
  return withWallet(options, async (wallet) => {
    const list = await wallet.consents();
    if (options.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    else if (list.length === 0) process.stdout.write("No consents.\n");
    else for (const c of list) process.stdout.write(line(c));
    return 0;
  });
}

/** Adds `--key FILE --assertion FILE` (the holder's files). */
export function withHolderFiles(cmd: Command): Command {
  return cmd.requiredOption("--key <file>", "the holder's key file (`consent keygen`)").requiredOption("--assertion <file>", "the window's assertion for that key (`consent vouch`)");
}

/** Registers `elicence consent keygen|vouch|grant|withdraw|list`. */
export function registerConsent(program: Command, setExitCode: SetExitCode): void {
  const consent = program.command("consent").description("a holder's signed consent for a department to see conditional fields");
  consent
    .command("keygen")
    .description("make a holder key (keep the file private; give the public key to the window)")
    .requiredOption("--out <file>", "the key file to write")
    .option("--public-out <file>", "also write the public key (JWK) here")
    .option("--alg <alg>", "ES256 or EdDSA", "ES256")
    .option("--json", "print the public key as JSON", false)
    .action(async (o) => {
      if (o.alg !== "ES256" && o.alg !== "EdDSA") throw new CliError("usage", "--alg is ES256 or EdDSA.");
      setExitCode(await runKeygen({ out: o.out, publicOut: o.publicOut, alg: o.alg, json: o.json }));
    });
  withWhere(
    consent
      .command("vouch")
      .description("at a service window, having identified the holder: sign an assertion binding the holder to their public key (issuer key)")
      .requiredOption("--holder-id <id>", "holder code")
      .option("--holder-id-type <code>", "111 citizen ID, 001 USCC, … (default: guessed from the code)")
      .requiredOption("--public-key <file>", "the holder's public key (JWK)")
      .requiredOption("--out <file>", "where to write the assertion")
      .option("--expires <time>", "end of the assertion (ISO 8601; default a year)", parseTime),
  ).action(async (o) => {
    setExitCode(await runVouch({ ...where(o), holderId: o.holderId, holderIdType: o.holderIdType, publicKey: o.publicKey, out: o.out, expires: o.expires, json: o.json }));
  });
  withHolderFiles(
    withWhere(
      consent
        .command("grant")
        .description("sign and record a consent; prints it")
        .requiredOption("--consumer <uscc>", "the department that may see the fields")
        .requiredOption("--type <code>", "licence type code")
        .option("--field <name>", "a conditional field it may see (repeat)", collect, [])
        .requiredOption("--purpose <text>", "what for (up to 256 characters)")
        .requiredOption("--until <time>", "end of the consent (ISO 8601)", parseTime),
    ),
  ).action(async (o) => {
    setExitCode(await runGrant({ ...where(o), key: o.key, assertion: o.assertion, consumer: o.consumer, type: o.type, field: o.field, purpose: o.purpose, until: o.until, json: o.json }));
  });
  withHolderFiles(withWhere(consent.command("withdraw").description("withdraw a consent; effective from the next request").argument("<id>", "the consent's id"))).action(async (id, o) => {
    setExitCode(await runWithdraw({ ...where(o), key: o.key, assertion: o.assertion, id, json: o.json }));
  });
  withHolderFiles(withWhere(consent.command("list").description("the holder's consents, oldest first"))).action(async (o) => {
    setExitCode(await runList({ ...where(o), key: o.key, assertion: o.assertion, json: o.json }));
  });
}
