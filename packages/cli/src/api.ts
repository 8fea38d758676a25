/**
 * {@link openApi}: the one place a command gets its {@link RegistryApi} — the workspace's registry in
 * process with `--home DIR`, or a remote registry over HTTP with `--registry URL` (the SDK's
 * `RegistryClient`). Commands never know which.
 *
 * @module
 */
import { DEFAULT_ALGORITHMS, verifyTrustList, type RegistryApi, type TrustList } from "@elicence/core";
import { Registry, openWorkspace, type PublicRegistryApi } from "@elicence/registry";
import { RegistryClient } from "@elicence/sdk";
import { readPassphrase } from "./io/passphrase.js";
import { readInput } from "./io/files.js";
import { CliError } from "./output.js";

/** The environment variable that carries the department's API key. */
export const API_KEY_ENV = "ELICENCE_API_KEY";

/** Where the registry is. */
export interface ApiOptions {
  readonly home?: string;
  readonly registry?: string;
  readonly db?: string;
}

/** An opened registry API; close it when done. */
export interface OpenedApi {
  readonly api: RegistryApi;
  close(): Promise<void>;
}

function where(options: ApiOptions): "home" | "registry" {
  if ((options.home === undefined) === (options.registry === undefined)) {
    throw new CliError("usage", "Give exactly one of --home DIR (the local workspace) or --registry URL (a registry server).");
  }
  return options.home !== undefined ? "home" : "registry";
}

function apiKey(): string {
  const key = process.env[API_KEY_ENV];
  if (!key) throw new CliError("usage", `No API key: set ${API_KEY_ENV} to your department's key.`, "`elicence init` prints the first admin and issuer keys.");
  return key;
}

/** The base URL of `--registry URL`, checked: http(s) only, no trailing slash. */
export function registryBaseUrl(registry: string): string {
  let url: URL;
  try {
    url = new URL(registry);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw new CliError("usage", `--registry expects an http(s) URL, got "${registry.slice(0, 60)}".`);
  }
  return url.toString().replace(/\/$/, "");
}

/**
 * Opens the registry the options name and authenticates with `ELICENCE_API_KEY`.
 *
 * @param options - `home` (in process) or `registry` (over HTTP)
 */
export async function openApi(options: ApiOptions): Promise<OpenedApi> {
  const kind = where(options);
  const key = apiKey();
  if (kind === "registry") return { api: new RegistryClient({ baseUrl: registryBaseUrl(options.registry!), apiKey: key }), close: async () => {} };
  const passphrase = await readPassphrase("Passphrase for the workspace keys: ");
  const registry = await Registry.open({ home: options.home!, passphrase, ...(options.db ? { db: options.db } : {}) });
  try {
    return { api: await registry.session(key), close: () => registry.close() };
  } catch (err) {
    await registry.close();
    throw err;
  }
}

/** Runs `fn` with an opened API and closes it afterwards. */
export async function withApi<T>(options: ApiOptions, fn: (api: RegistryApi) => Promise<T>): Promise<T> {
  const opened = await openApi(options);
  try {
    return await fn(opened.api);
  } finally {
    await opened.close();
  }
}

/**
 * Runs `fn` with the registry's public operations (trust list, status lists, log heads and proofs),
 * which need no API key: a registry server (the key is sent when set), or the workspace's registry
 * in process.
 */
export async function withPublicApi<T>(options: ApiOptions, fn: (api: PublicRegistryApi) => Promise<T>): Promise<T> {
  if (where(options) === "registry") {
    const key = process.env[API_KEY_ENV];
    return fn(new RegistryClient({ baseUrl: registryBaseUrl(options.registry!), ...(key ? { apiKey: key } : {}) }));
  }
  const passphrase = await readPassphrase("Passphrase for the workspace keys: ");
  const registry = await Registry.open({ home: options.home!, passphrase, ...(options.db ? { db: options.db } : {}) });
  try {
    return await fn(registry.public);
  } finally {
    await registry.close();
  }
}

/**
 * The trust list to check registry answers against: `--trust FILE` (optionally pinned with
 * `--operator-cert`), else the workspace's (pinned to its operator certificate). A remote registry's
 * own trust list is never trusted on its word.
 */
export async function loadTrustList(options: { home?: string; trust?: string; operatorCert?: string }, at: Date): Promise<TrustList> {
  if (options.trust !== undefined) {
    const token = (await readInput(options.trust, "the trust list")).trim();
    const pinned = options.operatorCert ? [await readInput(options.operatorCert, "the operator certificate")] : undefined;
    return verifyTrustList(token, { at, algorithms: [...DEFAULT_ALGORITHMS], ...(pinned ? { operatorCertificates: pinned } : {}) });
  }
  if (options.home !== undefined) return (await openWorkspace(options.home)).trustList(at, [...DEFAULT_ALGORITHMS]);
  throw new CliError("usage", "With --registry, give the trust list to check against with --trust FILE.");
}
