/**
 * The one loader of what licences and registry answers are checked against: the trust list —
 * `--trust FILE` (its signer pinned with `--operator-cert`) or the workspace's (pinned to its
 * operator certificate) — and the status lists — `--status-list FILE`s, or, online, the licence's
 * current one from the registry (a server's: a public document; or the workspace's own). A remote
 * registry's own trust list is never trusted on its word.
 *
 * @module
 */
import { verifyTrustList, type TrustList } from "@elicence/core";
import { withAlgorithmsOf } from "./algorithms.js";
import { Registry, openWorkspace } from "@elicence/registry";
import { RegistryClient, statusListIdOf, type DocumentSource } from "@elicence/sdk";
import { readInput } from "./io/files.js";
import { PASSPHRASE_ENV } from "./io/passphrase.js";
import { CliError } from "./output.js";

/** Where the trust list is. */
export interface TrustListOptions {
  readonly home?: string;
  readonly trust?: string;
  readonly operatorCert?: string;
}

/** A signed trust list as read, and the operator certificates its signer must be one of (pinned). */
export interface TrustListMaterial {
  readonly token: string;
  readonly operatorCertificates: readonly string[];
}

/**
 * Reads the trust list: `--trust FILE` (with `--operator-cert`, pinned; refused without), else the workspace's
 * (pinned to its operator certificate). Verifying it is the caller's: at its time, with its
 * algorithms.
 */
export async function readTrustList(options: TrustListOptions): Promise<TrustListMaterial> {
  if (options.trust !== undefined) {
    const token = (await readInput(options.trust, "the trust list")).trim();
    return { token, operatorCertificates: [await readOperatorCertificate(options.operatorCert, "--trust FILE")] };
  }
  if (options.home !== undefined) {
    const ws = await openWorkspace(options.home);
    const operatorPem = await ws.operatorCertificate();
    return { token: await ws.trustListToken(), operatorCertificates: [operatorPem] };
  }
  throw new CliError("usage", "With --registry, give the trust list to check against with --trust FILE.");
}

/**
 * The trust list, read and verified at `at` with the default algorithms plus that of the pinned
 * operator certificate (an SM2 workspace's trust list is SM2): what tree heads are checked against.
 */
export async function loadTrustList(options: TrustListOptions, at: Date): Promise<TrustList> {
  const { token, operatorCertificates } = await readTrustList(options);
  return verifyTrustList(token, { at, algorithms: withAlgorithmsOf(operatorCertificates), operatorCertificates });
}

/**
 * The pinned operator certificate (`--operator-cert PEM`): a trust list given as a file is trusted
 * only through it, never on its own word (a forged list carries its forger's certificate).
 *
 * @param path - the `--operator-cert` value, if given
 * @param what - what needs it, for the message (`--trust FILE`, `an audit bundle`)
 */
export async function readOperatorCertificate(path: string | undefined, what: string): Promise<string> {
  if (path === undefined) {
    throw new CliError(
      "usage",
      `${what} needs the registry operator's certificate: pin it with --operator-cert PEM.`,
      "Get operator.pem from the operator out of band (a workspace has it in pki/operator.pem), or verify with --home DIR.",
    );
  }
  return readInput(path, "the operator certificate");
}

/** Where status lists come from. */
export interface StatusListOptions {
  /** `--status-list` files. */
  readonly statusList: readonly string[];
  /** A registry server's base URL (checked). */
  readonly registry?: string;
  readonly home?: string;
  /** Never contact a registry. */
  readonly offline?: boolean;
}

/**
 * The status list tokens to check a licence's status against: the `--status-list` files, else —
 * unless offline — the licence's current list from the registry server or the workspace's
 * registry. Empty when there is none: the status is then INDETERMINATE.
 *
 * @param licence - the licence, to find which status list it names
 */
export async function loadStatusLists(options: StatusListOptions, licence: string): Promise<string[]> {
  const tokens: string[] = [];
  for (const path of options.statusList) tokens.push((await readInput(path, "the status list")).trim());
  if (tokens.length > 0 || options.offline) return tokens;
  const fetched =
    options.registry !== undefined ? await remoteStatusList(options.registry, licence) : options.home !== undefined ? await workspaceStatusList(options.home, licence) : undefined;
  return fetched !== undefined ? [fetched] : [];
}

/** The licence's status list from a document source; `undefined` when the licence names none. */
async function statusListOf(source: Pick<DocumentSource, "statusList">, licence: string): Promise<string | undefined> {
  const id = statusListIdOf(licence);
  return id === undefined ? undefined : source.statusList(id);
}

/**
 * The licence's current status list from a registry server (a public document: no API key). A
 * server that cannot be reached is an error (exit 69), not a missing list.
 */
async function remoteStatusList(registry: string, licence: string): Promise<string | undefined> {
  return statusListOf(new RegistryClient({ baseUrl: registry }), licence);
}

/**
 * The licence's current status list from the workspace's own registry, when the passphrase is in
 * the environment (no prompt: verification stays non-interactive). Without it, or when the
 * registry cannot give it, there is none: status is INDETERMINATE unless `--status-list` is given.
 */
async function workspaceStatusList(home: string, licence: string): Promise<string | undefined> {
  const passphrase = process.env[PASSPHRASE_ENV];
  if (!passphrase || statusListIdOf(licence) === undefined) return undefined;
  const registry = await Registry.open({ home, passphrase });
  try {
    return await statusListOf(registry.public, licence);
  } catch {
    return undefined;
  } finally {
    await registry.close();
  }
}
