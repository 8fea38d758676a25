/**
 * The registry a command talks to, in one place: the workspace's registry in process with
 * `--home DIR`, or a registry server over HTTP with `--registry URL` (the SDK's `RegistryClient`).
 * {@link connectRegistry} and {@link withApi} give the authenticated {@link RegistryApi},
 * {@link withPublicApi} the public documents. Commands never know which registry it is.
 *
 * @module
 */
import type { RegistryApi } from "@elicence/core";
import type { PublicRegistryApi } from "@elicence/core";
import type { HolderApi } from "@elicence/core";
import { Registry } from "@elicence/registry";
import { RegistryClient } from "@elicence/sdk";
import { HolderClient } from "@elicence/sdk";
import { readPassphrase } from "./io/passphrase.js";
import { CliError } from "./output.js";

/** The environment variable that carries the department's API key. */
export const API_KEY_ENV = "ELICENCE_API_KEY";

/** Where the registry is. */
export interface ApiOptions {
  readonly home?: string;
  readonly registry?: string;
  readonly db?: string;
}

/** A connected registry API; close it when done. */
export interface RegistryConnection {
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

/** Opens the workspace's registry in process; its keys need the passphrase (environment or prompt). */
async function openWorkspaceRegistry(options: ApiOptions): Promise<Registry> {
  const passphrase = await readPassphrase("Passphrase for the workspace keys: ");
  return Registry.open({ home: options.home!, passphrase, ...(options.db ? { db: options.db } : {}) });
}

/**
 * Connects to the registry the options name and authenticates with `ELICENCE_API_KEY`.
 *
 * @param options - `home` (in process) or `registry` (over HTTP)
 */
export async function connectRegistry(options: ApiOptions): Promise<RegistryConnection> {
  const kind = where(options);
  const key = apiKey();
  if (kind === "registry") return { api: new RegistryClient({ baseUrl: registryBaseUrl(options.registry!), apiKey: key }), close: async () => {} };
  const registry = await openWorkspaceRegistry(options);
  try {
    return { api: await registry.session(key), close: () => registry.close() };
  } catch (err) {
    await registry.close();
    throw err;
  }
}

/** Runs `fn` with a connected API and closes it afterwards. */
export async function withApi<T>(options: ApiOptions, fn: (api: RegistryApi) => Promise<T>): Promise<T> {
  const connection = await connectRegistry(options);
  try {
    return await fn(connection.api);
  } finally {
    await connection.close();
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
  const registry = await openWorkspaceRegistry(options);
  try {
    return await fn(registry.public);
  } finally {
    await registry.close();
  }
}

/**
 * Runs `fn` with the registry's holder operations (no API key: each call carries a token the holder
 * signs): a registry server's over HTTP, or the workspace's registry in process.
 */
export async function withHolderApi<T>(options: ApiOptions, fn: (api: HolderApi) => Promise<T>): Promise<T> {
  if (where(options) === "registry") return fn(new HolderClient({ baseUrl: registryBaseUrl(options.registry!) }));
  const registry = await openWorkspaceRegistry(options);
  try {
    return await fn(registry.holder);
  } finally {
    await registry.close();
  }
}
