/**
 * The holder's commands: `elicence holder key` (a holder key pair: the private key encrypted at rest
 * as PKCS#8 PEM, like every other key, and the public JWK to give the issuer), `elicence present`
 * (a presentation with only the chosen fields, bound to a verifier's nonce and audience) and
 * `elicence export --format sd-jwt-vc` (the department re-signs a licence as an SD-JWT VC for a
 * wallet).
 * @module
 */
import type { Command } from "commander";
import { Option } from "commander";
import { createKeySigner } from "@elicence/core/jws";
import { decryptPrivateKey, encryptPrivateKey } from "@elicence/core/keys";
import { createPresentation, generateHolderKey, holderKeyAlgorithm, licenceHolderKey, holderKeyThumbprint, parseHolderJwk, type HolderKeyAlgorithm, type HolderPublicJwk } from "@elicence/core/presentation";
import { exportSdJwtVc } from "@elicence/core/issue";
import { openWorkspace } from "@elicence/registry";
import { parseTime, type SetExitCode } from "../flags.js";
import { checkWritable, readInput, readJson, writeOutput } from "../io/files.js";
import { pbkdf2Iterations, readPassphrase } from "../io/passphrase.js";
import { CliError } from "../output.js";

/** Reads a holder's public JWK file (`--holder-key FILE`). */
export async function readHolderPublicKey(path: string): Promise<HolderPublicJwk> {
  return parseHolderJwk(await readJson(path, "the holder's public key"));
}

/** A compact SD-JWT from a licence file in either form (archive JSON or compact). */
export function compactOf(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return trimmed;
  let archive: { protected?: unknown; payload?: unknown; signature?: unknown; header?: { disclosures?: unknown } };
  try {
    archive = JSON.parse(trimmed);
  } catch {
    throw new CliError("data", "The licence file is neither a compact licence nor archive JSON.");
  }
  const disclosures = archive.header?.disclosures ?? [];
  if (typeof archive.protected !== "string" || typeof archive.payload !== "string" || typeof archive.signature !== "string" || !Array.isArray(disclosures) || disclosures.some((d) => typeof d !== "string")) {
    throw new CliError("data", "The licence file is not an archive licence (protected, payload, signature, header.disclosures).");
  }
  return `${archive.protected}.${archive.payload}.${archive.signature}~${(disclosures as string[]).map((d) => `${d}~`).join("")}`;
}

/** Runs `holder key`: writes the encrypted private key and the public JWK; prints the key's thumbprint. */
export async function runHolderKey(options: { out: string; public: string; alg: HolderKeyAlgorithm; json: boolean }): Promise<number> {
  await checkWritable(options.out);
  await checkWritable(options.public);
  const passphrase = await readPassphrase("New passphrase for the holder key: ", true);
  const key = await generateHolderKey(options.alg);
  try {
    const iterations = pbkdf2Iterations();
    await writeOutput(options.out, await encryptPrivateKey(key.pkcs8, passphrase, iterations !== undefined ? { iterations } : {}));
  } finally {
    key.pkcs8.fill(0);
  }
  await writeOutput(options.public, `${JSON.stringify(key.publicJwk, null, 2)}\n`);
  const thumbprint = holderKeyThumbprint(key.publicJwk);
  if (options.json) process.stdout.write(`${JSON.stringify({ alg: key.alg, thumbprint, key: options.out, public: options.public })}\n`);
  else {
    process.stdout.write(`${thumbprint}\n`);
    process.stderr.write(`Holder key (${key.alg}) written to ${options.out} (encrypted); give ${options.public} to the issuing department.\n`);
  }
  return 0;
}

/** The algorithm of the holder key a licence is bound to (ES256 when it cannot be read: createPresentation then says why). */
function boundAlgorithm(licence: string): HolderKeyAlgorithm {
  try {
    return holderKeyAlgorithm(licenceHolderKey(JSON.parse(Buffer.from(licence.split(".")[1] ?? "", "base64url").toString("utf8"))));
  } catch {
    return "ES256";
  }
}

/** Runs `present`: prints (or writes) the presentation. */
export async function runPresent(options: { licence: string; key: string; disclose: readonly string[]; nonce: string; audience: string; at?: Date; out?: string }): Promise<number> {
  if (options.out) await checkWritable(options.out);
  const licence = compactOf(await readInput(options.licence, "the licence"));
  const pem = await readInput(options.key, "the holder key");
  const passphrase = await readPassphrase("Passphrase for the holder key: ");
  const pkcs8 = await decryptPrivateKey(pem, passphrase);
  let text: string;
  try {
    // The algorithm is that of the key the licence is bound to (createPresentation checks the key itself).
    const signer = await createKeySigner(pkcs8, boundAlgorithm(licence));
    text = await createPresentation(licence, { disclose: options.disclose, nonce: options.nonce, audience: options.audience, holderKey: signer, at: options.at ?? new Date() });
  } finally {
    pkcs8.fill(0);
  }
  if (options.out) await writeOutput(options.out, `${text}\n`);
  else process.stdout.write(`${text}\n`);
  return 0;
}

/** Runs `export --format sd-jwt-vc`: the workspace's department that issued the licence re-signs it. */
export async function runExportVc(options: { licence: string; home: string; vct?: string; out?: string }): Promise<number> {
  if (options.out) await checkWritable(options.out);
  const licence = compactOf(await readInput(options.licence, "the licence"));
  let iss: unknown;
  try {
    iss = JSON.parse(Buffer.from(licence.split(".")[1] ?? "", "base64url").toString("utf8")).iss;
  } catch {
    throw new CliError("data", "The licence cannot be read.");
  }
  if (typeof iss !== "string") throw new CliError("data", "The licence names no issuing department.");
  const ws = await openWorkspace(options.home);
  const passphrase = await readPassphrase("Passphrase for the workspace keys: ");
  const { context } = await ws.signingKey(iss, passphrase);
  const vc = await exportSdJwtVc(licence, context, options.vct !== undefined ? { vct: options.vct } : {});
  if (options.out) await writeOutput(options.out, `${vc}\n`);
  else process.stdout.write(`${vc}\n`);
  return 0;
}

/** Registers `elicence holder key`, `elicence present` and `elicence export`. */
export function registerHolder(program: Command, setExitCode: SetExitCode): void {
  const holder = program.command("holder").description("the holder's own tools: a holder key for licences bound to their holder");
  holder
    .command("key")
    .description("make a holder key pair: the private key encrypted (PKCS#8 PEM, passphrase from ELICENCE_PASSPHRASE or a prompt) and the public JWK for the issuer")
    .requiredOption("--out <file>", "write the encrypted private key here")
    .requiredOption("--public <file>", "write the public key (JWK) here; give it to `elicence issue --holder-key FILE`")
    .addOption(new Option("--alg <alg>", "key algorithm").choices(["ES256", "EdDSA"]).default("ES256"))
    .option("--json", "print the result as JSON", false)
    .action(async (o) => setExitCode(await runHolderKey({ out: o.out, public: o.public, alg: o.alg, json: o.json })));

  program
    .command("present")
    .description("present a holder-bound licence with only the chosen fields, bound to a verifier's nonce and audience (SD-JWT key binding)")
    .argument("<licence>", "the holder's licence file (compact or archive form), - for standard input")
    .requiredOption("--key <file>", "the holder's private key (from `elicence holder key`)")
    .requiredOption("--nonce <nonce>", "the verifier's challenge")
    .requiredOption("--audience <name>", "the verifier, as it names itself")
    .option("--disclose <fields>", "withheld fields to show, comma separated (plain fields always show)", "")
    .option("--at <time>", "presentation time (default: now)", parseTime)
    .option("--out <file>", "write the presentation to FILE instead of standard output")
    .action(async (licence: string, o) =>
      setExitCode(
        await runPresent({
          licence,
          key: o.key,
          disclose: String(o.disclose).split(",").map((s) => s.trim()).filter((s) => s.length > 0),
          nonce: o.nonce,
          audience: o.audience,
          ...(o.at ? { at: o.at } : {}),
          ...(o.out ? { out: o.out } : {}),
        }),
      ),
    );

  program
    .command("export")
    .description("export a licence for a wallet: an SD-JWT VC (typ dc+sd-jwt, vct) re-signed by its issuing department in the workspace")
    .argument("<licence>", "the licence file (compact or archive form), - for standard input")
    .requiredOption("--home <dir>", "the workspace holding the issuing department's key")
    .addOption(new Option("--format <format>", "export format").choices(["sd-jwt-vc"]).makeOptionMandatory())
    .option("--vct <type>", "the credential type (default: urn:elicence:licence-type:<type code>)")
    .option("--out <file>", "write the SD-JWT VC to FILE instead of standard output")
    .action(async (licence: string, o) => setExitCode(await runExportVc({ licence, home: o.home, ...(o.vct ? { vct: o.vct } : {}), ...(o.out ? { out: o.out } : {}) })));
}
