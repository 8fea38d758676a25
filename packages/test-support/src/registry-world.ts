/**
 * A registry world for tests: a workspace made by `initWorkspace`, the registry on a given
 * database (SQLite file or PostgreSQL), and API keys for every role.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initWorkspace, Registry } from "@elicence/registry";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_DEPARTMENT, SAMPLE_OPERATOR } from "@elicence/registry/samples";
import { createTestDatabaseUrl } from "./postgres.js";
import type { RegistryApi } from "@elicence/core";

export const PASSPHRASE = "test passphrase";
export const CONSUMER = "11330100MB0000027E";
export const OTHER_CONSUMER = "11330100MB00000359";

/** The storage adapters every registry suite runs against. */
export const ADAPTERS: readonly ["sqlite" | "postgres"][] = [["sqlite"], ["postgres"]];

export interface RegistryWorld {
  readonly home: string;
  readonly registry: Registry;
  readonly admin: RegistryApi;
  readonly issuer: RegistryApi;
  readonly consumer: RegistryApi;
  readonly otherConsumer: RegistryApi;
  readonly auditor: RegistryApi;
  readonly keys: Record<"admin" | "issuer" | "consumer" | "otherConsumer" | "auditor", string>;
  readonly dbUrl: string;
  /** The workspace operator's certificate (PEM): the anchor its trust list is verified with. */
  readonly operatorPem: string;
}

/** Makes a fresh workspace and opens its registry on the adapter; `now` fixes the clock. */
export async function registryWorld(adapter: "sqlite" | "postgres", now?: () => Date): Promise<RegistryWorld> {
  const home = mkdtempSync(join(tmpdir(), "elicence-registry-"));
  await initWorkspace(home, {
    passphrase: PASSPHRASE,
    now: now?.() ?? new Date(),
    operator: SAMPLE_OPERATOR,
    departments: [SAMPLE_DEPARTMENT],
    licenceTypes: [BUSINESS_LICENCE, OPERATOR_CERTIFICATE],
    iterations: 1000,
  });
  const dbUrl = adapter === "sqlite" ? `sqlite:${join(home, "registry.db")}` : await createTestDatabaseUrl();
  const registry = await Registry.open({ home, db: dbUrl, passphrase: PASSPHRASE, ...(now ? { now } : {}) });
  const types = [BUSINESS_LICENCE.code, OPERATOR_CERTIFICATE.code];
  const keys = {
    admin: (await registry.createApiKey({ department: SAMPLE_OPERATOR.code, roles: ["admin"] })).key,
    issuer: (await registry.createApiKey({ department: SAMPLE_DEPARTMENT.code, roles: ["issuer"], licenceTypes: types })).key,
    consumer: (await registry.createApiKey({ department: CONSUMER, roles: ["consumer"] })).key,
    otherConsumer: (await registry.createApiKey({ department: OTHER_CONSUMER, roles: ["consumer"] })).key,
    auditor: (await registry.createApiKey({ department: SAMPLE_OPERATOR.code, roles: ["auditor"] })).key,
  };
  return {
    home,
    registry,
    dbUrl,
    keys,
    operatorPem: readFileSync(join(home, "pki", "operator.pem"), "utf8"),
    admin: await registry.session(keys.admin),
    issuer: await registry.session(keys.issuer),
    consumer: await registry.session(keys.consumer),
    otherConsumer: await registry.session(keys.otherConsumer),
    auditor: await registry.session(keys.auditor),
  };
}

export const COMPANY = { name: "示例科技有限公司", idType: "001", idNumber: "91330100MA2B3C4D1A" } as const;
export const BUSINESS_FIELDS = {
  name: "示例科技有限公司",
  entityType: "有限责任公司",
  legalRepresentative: "李四",
  establishedOn: "2020-05-18",
  businessScope: "软件开发",
  registeredCapital: "500",
  address: "示例市示例区示例路1号",
  legalRepresentativeIdNumber: "440524188001010014",
};
export const CAUSE = { matter: "330100-TEST-0001", reason: "办理食品经营许可" };
