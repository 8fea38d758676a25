/**
 * Every authenticated endpoint as data: a valid request, what it takes and who may not call it.
 * The refusal suite runs each row through every way a request can be wrong.
 */
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, CAUSE, COMPANY, CONSUMER } from "@elicence/test-support/registry-world";
import type { KeyName } from "@elicence/test-support/http-world";

/** Identifiers the rows are built from (set once a licence exists). */
export interface Fixtures {
  /** A licence of the issuer's. */
  readonly id: string;
}

export interface Endpoint {
  readonly name: string;
  readonly method: "GET" | "POST";
  readonly path: (f: Fixtures) => string;
  /** The same path with an identifier that fails its check. */
  readonly badPath?: (f: Fixtures) => string;
  /** The code a bad identifier gets (in a query it fails validation). */
  readonly badPathCode?: string;
  /** A caller allowed to make the request, and one whose role is refused. */
  readonly as: KeyName;
  readonly wrongRole?: KeyName;
  /** A valid body, and one with a member of the wrong type (its path). */
  readonly body?: () => Record<string, unknown>;
  readonly wrongType?: { readonly body: () => Record<string, unknown>; readonly path: string };
  /** A read: takes the cause headers. */
  readonly cause?: boolean;
  /** Uses the batch body limit. */
  readonly batch?: boolean;
}

let seq = 0;
/** A fresh idempotency key. */
export const rid = (): string => `http-${process.pid}-${++seq}`;

/** The licence identifier with its check character changed. */
export function breakCheck(id: string): string {
  const last = id.at(-1)!;
  return id.slice(0, -1) + (last === "A" ? "B" : "A");
}

const ISSUING_DEPARTMENT = "11330100MB0000019K";
const FUTURE = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
const HOLDER = { idType: COMPANY.idType, idNumber: COMPANY.idNumber };
const BAD_HOLDER_NUMBER = "91330100MA2B3C4D1B";
/** A holder's public key (P-256), as a window receives it. */
const HOLDER_JWK = { kty: "EC", crv: "P-256", x: "r-pOrR-PcVYrgb0jIz6qPxgjvAEdcMiJb2ZvEvMFIhQ", y: "gFkqroXkM6-DdreFRpFs_OwUahnGOtf7G2hwaINJJow" };
const BAD_TYPE_CODE = "11330100MB0000019A001";
const issueItem = () => ({ type: BUSINESS_LICENCE.code, holder: { ...COMPANY }, fields: { ...BUSINESS_FIELDS } });
const change = () => ({ reason: "测试", officer: "officer-1" });

export const ENDPOINTS: readonly Endpoint[] = [
  { name: "whoami", method: "GET", path: () => "/v1/whoami", as: "issuer" },
  { name: "list licence types", method: "GET", path: () => "/v1/licence-types", as: "consumer" },
  {
    name: "get licence type",
    method: "GET",
    path: () => `/v1/licence-types/${BUSINESS_LICENCE.code}`,
    badPath: () => `/v1/licence-types/${BAD_TYPE_CODE}`,
    as: "consumer",
  },
  {
    name: "register licence type",
    method: "POST",
    path: () => "/v1/licence-types",
    as: "admin",
    wrongRole: "issuer",
    body: () => ({ ...OPERATOR_CERTIFICATE, version: 2 }),
    wrongType: { body: () => ({ ...OPERATOR_CERTIFICATE, version: "2" }), path: "version" },
  },
  {
    name: "issue",
    method: "POST",
    path: () => "/v1/licences",
    as: "issuer",
    wrongRole: "consumer",
    body: () => ({ requestId: rid(), ...issueItem() }),
    wrongType: { body: () => ({ requestId: rid(), ...issueItem(), holder: { ...COMPANY, idType: 1 } }), path: "holder.idType" },
  },
  {
    name: "issue batch",
    method: "POST",
    path: () => "/v1/licence-batches",
    as: "issuer",
    wrongRole: "consumer",
    batch: true,
    body: () => ({ requestId: rid(), items: [issueItem()] }),
    // A wrong type inside an item is that item's error (see lifecycle.test.ts); in the envelope it refuses the batch.
    wrongType: { body: () => ({ requestId: 7, items: [issueItem()] }), path: "requestId" },
  },
  ...(["amend", "renew"] as const).map(
    (action): Endpoint => ({
      name: action,
      method: "POST",
      path: (f) => `/v1/licences/${f.id}/${action}`,
      badPath: (f) => `/v1/licences/${breakCheck(f.id)}/${action}`,
      as: "issuer",
      wrongRole: "consumer",
      body: () => (action === "amend" ? { requestId: rid(), fields: { ...BUSINESS_FIELDS, address: "新地址" }, reason: "变更" } : { requestId: rid(), validUntil: FUTURE, reason: "延续" }),
      wrongType: { body: () => ({ requestId: rid(), ...(action === "amend" ? { fields: {} } : { validUntil: FUTURE }), reason: 7 }), path: "reason" },
    }),
  ),
  {
    name: "augment",
    method: "POST",
    path: (f) => `/v1/licences/${f.id}/augment`,
    badPath: (f) => `/v1/licences/${breakCheck(f.id)}/augment`,
    as: "issuer",
    wrongRole: "consumer",
    body: () => ({ level: "T", reason: "长期保存" }),
    wrongType: { body: () => ({ level: "T", reason: 7 }), path: "reason" },
  },
  {
    name: "augment department",
    method: "POST",
    path: () => `/v1/departments/${ISSUING_DEPARTMENT}/augment`,
    badPath: () => "/v1/departments/11330100MB0000019A/augment",
    as: "issuer",
    wrongRole: "consumer",
    body: () => ({ level: "T", reason: "证书即将到期", limit: 1 }),
    wrongType: { body: () => ({ level: "T", reason: "证书即将到期", limit: "1" }), path: "limit" },
  },
  ...(["suspend", "resume", "revoke", "cancel"] as const).map(
    (action): Endpoint => ({
      name: action,
      method: "POST",
      path: (f) => `/v1/licences/${f.id}/${action}`,
      badPath: (f) => `/v1/licences/${breakCheck(f.id)}/${action}`,
      as: "issuer",
      wrongRole: "consumer",
      body: change,
      wrongType: { body: () => ({ reason: "测试", officer: 12 }), path: "officer" },
    }),
  ),
  {
    name: "find by holder",
    method: "GET",
    path: () => `/v1/holders/${HOLDER.idType}/${HOLDER.idNumber}/licences?type=${BUSINESS_LICENCE.code}`,
    badPath: () => `/v1/holders/${HOLDER.idType}/${BAD_HOLDER_NUMBER}/licences`,
    as: "consumer",
    cause: true,
  },
  {
    name: "get licence",
    method: "GET",
    path: (f) => `/v1/licences/${f.id}`,
    badPath: (f) => `/v1/licences/${breakCheck(f.id)}`,
    as: "consumer",
    cause: true,
  },
  {
    name: "print licence",
    method: "GET",
    path: (f) => `/v1/licences/${f.id}/pdf`,
    badPath: (f) => `/v1/licences/${breakCheck(f.id)}/pdf`,
    as: "consumer",
    cause: true,
  },
  {
    name: "verify data",
    method: "POST",
    path: () => "/v1/verify-data",
    as: "consumer",
    cause: true,
    body: () => ({ holder: HOLDER, type: BUSINESS_LICENCE.code, field: "name", value: BUSINESS_FIELDS.name }),
    wrongType: { body: () => ({ holder: HOLDER, type: BUSINESS_LICENCE.code, field: "name", value: { x: 1 } }), path: "value" },
  },
  {
    name: "status history",
    method: "GET",
    path: (f) => `/v1/licences/${f.id}/status-history`,
    badPath: (f) => `/v1/licences/${breakCheck(f.id)}/status-history`,
    as: "auditor",
    cause: true,
  },
  {
    name: "status at",
    method: "GET",
    path: (f) => `/v1/licences/${f.id}/status?at=${encodeURIComponent(new Date().toISOString())}`,
    badPath: (f) => `/v1/licences/${breakCheck(f.id)}/status?at=${encodeURIComponent(new Date().toISOString())}`,
    as: "consumer",
    cause: true,
  },
  {
    name: "log entries",
    method: "GET",
    path: (f) => `/v1/licences/${f.id}/log-entries`,
    badPath: (f) => `/v1/licences/${breakCheck(f.id)}/log-entries`,
    as: "auditor",
    wrongRole: "consumer",
    cause: true,
  },
  {
    name: "stats",
    method: "GET",
    path: () => `/v1/stats?from=${encodeURIComponent("2020-01-01T00:00:00Z")}&to=${encodeURIComponent(FUTURE)}`,
    badPath: () => `/v1/stats?from=yesterday&to=${encodeURIComponent(FUTURE)}`,
    badPathCode: "ERR_VALIDATION",
    as: "auditor",
    wrongRole: "consumer",
  },
  { name: "list agreements", method: "GET", path: () => "/v1/agreements", as: "consumer", wrongRole: "issuer" },
  {
    name: "create agreement",
    method: "POST",
    path: () => "/v1/agreements",
    as: "admin",
    wrongRole: "consumer",
    body: () => ({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["registeredCapital"], expiresAt: FUTURE }),
    wrongType: { body: () => ({ consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: "registeredCapital", expiresAt: FUTURE }), path: "fields" },
  },
  { name: "list API keys", method: "GET", path: () => "/v1/api-keys", as: "admin", wrongRole: "consumer" },
  {
    name: "create API key",
    method: "POST",
    path: () => "/v1/api-keys",
    as: "admin",
    wrongRole: "issuer",
    body: () => ({ department: CONSUMER, roles: ["consumer"], label: "审批系统" }),
    wrongType: { body: () => ({ department: CONSUMER, roles: "consumer" }), path: "roles" },
  },
  {
    name: "revoke API key",
    method: "POST",
    path: () => "/v1/api-keys/0123456789abcdef/revoke",
    badPath: () => "/v1/api-keys/0123456789ABCDEF/revoke",
    as: "admin",
    wrongRole: "auditor",
    body: () => ({}),
  },
  {
    name: "list authorisations",
    method: "GET",
    path: () => `/v1/authorisations?idType=${HOLDER.idType}&idNumber=${HOLDER.idNumber}`,
    badPath: () => `/v1/authorisations?idType=${HOLDER.idType}&idNumber=${BAD_HOLDER_NUMBER}`,
    badPathCode: "ERR_VALIDATION",
    as: "issuer",
    wrongRole: "consumer",
  },
  {
    name: "create authorisation",
    method: "POST",
    path: () => "/v1/authorisations",
    as: "issuer",
    wrongRole: "consumer",
    body: () => ({ holder: HOLDER, consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["address"], expiresAt: FUTURE }),
    wrongType: { body: () => ({ holder: HOLDER, consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["address"], expiresAt: 1 }), path: "expiresAt" },
  },
  {
    name: "vouch for a holder",
    method: "POST",
    path: () => "/v1/holder-assertions",
    as: "issuer",
    wrongRole: "consumer",
    body: () => ({ holder: HOLDER, key: HOLDER_JWK }),
    wrongType: { body: () => ({ holder: HOLDER, key: "not a key" }), path: "key" },
  },
  { name: "list matters", method: "GET", path: () => "/v1/matters", as: "consumer" },
  {
    name: "get matter",
    method: "GET",
    path: () => `/v1/matters/${CAUSE.matter}`,
    badPath: () => "/v1/matters/a%20b",
    as: "consumer",
  },
  {
    name: "add matter",
    method: "POST",
    path: () => "/v1/matters",
    as: "admin",
    wrongRole: "issuer",
    body: () => matter(`M-${rid()}`),
    wrongType: { body: () => ({ ...matter(`M-${rid()}`), requires: "营业执照" }), path: "requires" },
  },
  {
    name: "materials of a matter",
    method: "GET",
    path: () => `/v1/matters/${CAUSE.matter}/holders/${HOLDER.idType}/${HOLDER.idNumber}/materials`,
    badPath: () => `/v1/matters/${CAUSE.matter}/holders/${HOLDER.idType}/${BAD_HOLDER_NUMBER}/materials`,
    as: "consumer",
    cause: true,
  },
];

/** An approval matter needing a business licence's name and both its conditional fields. */
export function matter(code: string = CAUSE.matter): Record<string, unknown> {
  return { code, name: "食品经营许可", department: CONSUMER, requires: [{ type: BUSINESS_LICENCE.code, fields: ["name", "registeredCapital", "address"] }] };
}
