/**
 * A real registry server on 127.0.0.1 (SQLite), the HTTP world of @elicence/test-support, with one
 * {@link RegistryClient} per role and the operator's certificate to pin.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RegistryClient } from "../../src/index.js";
import { httpWorld, type HttpWorld, type KeyName } from "@elicence/test-support/http-world";
import { BUSINESS_FIELDS, CAUSE, COMPANY, CONSUMER } from "@elicence/test-support/registry-world";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE } from "@elicence/registry/samples";

export { BUSINESS_FIELDS, BUSINESS_LICENCE, CAUSE, COMPANY, CONSUMER, OPERATOR_CERTIFICATE };

export interface SdkWorld {
  readonly h: HttpWorld;
  readonly url: string;
  readonly operatorPem: string;
  readonly clients: Record<KeyName, RegistryClient>;
  /** A client with no key: public calls only. */
  readonly anonymous: RegistryClient;
  close(): Promise<void>;
}

let counter = 0;
/** A fresh request id. */
export const rid = (): string => `sdk-${process.pid}-${Date.now()}-${counter++}`;

/** Starts a registry server and clients for it. */
export async function sdkWorld(): Promise<SdkWorld> {
  const h = await httpWorld();
  const client = (key: KeyName) => new RegistryClient({ baseUrl: h.url, apiKey: h.w.keys[key], retries: 0 });
  return {
    h,
    url: h.url,
    operatorPem: readFileSync(join(h.w.home, "pki", "operator.pem"), "utf8"),
    clients: { admin: client("admin"), issuer: client("issuer"), consumer: client("consumer"), otherConsumer: client("otherConsumer"), auditor: client("auditor") },
    anonymous: new RegistryClient({ baseUrl: h.url }),
    close: () => h.close(),
  };
}

/** A tiny local HTTP server whose handler the test writes; counts requests. */
export interface StubServer {
  readonly url: string;
  readonly requests: { method: string; url: string; headers: IncomingMessage["headers"] }[];
  close(): Promise<void>;
}

/** Starts a stub server on 127.0.0.1. */
export async function stubServer(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<StubServer> {
  const requests: StubServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    req.resume();
    handler(req, res, requests.length);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Issues one business licence to the sample company through a client. */
export async function issueOne(client: RegistryClient, fields: Record<string, unknown> = BUSINESS_FIELDS) {
  return client.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields });
}
