/**
 * Serving the HTTP API on Node with `@hono/node-server`.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { serve } from "@hono/node-server";
import { createHttpApp, type HttpAppOptions } from "./app.js";
import { PROBLEM_MEDIA_TYPE, problem } from "./problem.js";
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
 * Answers what Node's HTTP parser refuses before the app sees it (a malformed request: 400;
 * headers too large: 431, RFC 6585 §5) with a problem document like every other refusal. A
 * connection the client already closed or reset is just let go.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? 431 : 400;
  const doc = {
    ...(tooLarge
      ? problem("ERR_INPUT_TOO_LARGE", "The request headers are larger than allowed.", randomUUID())
      : problem("ERR_INPUT_MALFORMED", "The request is not valid HTTP.", randomUUID())),
    status,
    title: tooLarge ? "Request Header Fields Too Large" : "Bad Request",
  };
  const body = JSON.stringify(doc);
  socket.end(
    `HTTP/1.1 ${status} ${doc.title}\r\nContent-Type: ${PROBLEM_MEDIA_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
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
    server.on("clientError", answerClientError);
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
