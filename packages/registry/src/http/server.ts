/**
 * Serving the HTTP API on Node with `@hono/node-server`.
 *
 * @module
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createHttpApp, type HttpAppOptions } from "./app.js";
import type { RegistryBackend } from "./context.js";

/** Options of {@link serveRegistry}. */
export interface ServeRegistryOptions extends HttpAppOptions {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Interface to listen on (default `127.0.0.1`: put a TLS-terminating proxy in front). */
  readonly host?: string;
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Stops accepting connections and resolves when open requests have finished. */
  close(): Promise<void>;
}

/**
 * Serves the registry's HTTP API.
 *
 * @param registry - the registry
 * @param options - port, host, body limits and logger
 * @example
 * ```ts
 * const server = await serveRegistry(registry, { port: 8080 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export function serveRegistry(registry: RegistryBackend, options: ServeRegistryOptions): Promise<RunningServer> {
  const app = createHttpApp(registry, options);
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: host }) as Server;
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
      resolve({
        url,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}
