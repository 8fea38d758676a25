/**
 * The sharing interface's reads (`elicence lookup|get|check-data`, `GET /v1/licences…`): every read
 * names its cause, gives only the disclosures the caller is entitled to (agreements, the holder's
 * authorisations, or being the issuer) and is in the log before its answer leaves.
 *
 * @module
 */
import { LicenceError, type HolderCode, type HolderLicencesPage, type LicenceStatus, type LogEntry, type Principal, type ReadCause, type SharedLicence, type StatusHistoryEntry, type VerifyDataRequest } from "@elicence/core";
import type { Queryable, SqlValue } from "../../storage/database.js";
import { entitledConditionalFields, issuesType, requireCause, requireRole } from "../access.js";
import { checkHolder, parseTime } from "../checks.js";
import type { RegistryContext } from "../context.js";
import { reasonHash as hashReason } from "../cause.js";
import { appendLogEvents, logEntriesOf, type LogEvent } from "../log.js";
import { consentsOpening } from "./consent.js";
import { b64u, licenceFields, readLicenceRow, readLicenceType, type LicenceRow } from "../rows.js";
import { storedCosignatures } from "../cosignatures.js";

/** The keyed hash of a read's reason, as its log events carry it. */
function reasonHash(cause: ReadCause): string {
  return hashReason(cause.reason);
}

function requireReader(principal: Principal): void {
  requireRole(principal, "consumer", "auditor", "admin", "issuer");
}

/**
 * One licence as the caller may see it, and its read event. `limit` narrows the disclosures to the
 * fields a purpose needs (an approval matter's minimum necessary).
 */
export async function share(
  ctx: RegistryContext,
  principal: Principal,
  tx: Queryable,
  row: LicenceRow,
  cause: ReadCause,
  now: number,
  entitlements?: Map<string, Promise<Set<string>>>,
  reason: string = reasonHash(cause),
  prefetched?: Set<string>,
  limit?: ReadonlySet<string>,
): Promise<{ shared: SharedLicence; event: LogEvent }> {
  const type = await readLicenceType(tx, row.type_code, row.type_version, ctx.typeVersions);
  const available = Object.keys(await ctx.disclosures(tx, row));
  const conditional = type.fields.filter((f) => f.share === "conditional").map((f) => f.name);
  // The issuing department sees its own licences' conditional fields, through a key limited to this type.
  const own = row.issuer === principal.department && issuesType(principal, { code: row.type_code, issuers: type.issuers });
  // Within one request (one holder), licences of the same type share their entitlement.
  const key = `${row.type_code}:${Buffer.from(row.holder_key).toString("base64url")}`;
  let pending = prefetched ? Promise.resolve(prefetched) : entitlements?.get(key);
  if (!own && !pending) {
    pending = entitledConditionalFields(tx, principal.department, row.type_code, row.holder_key, now);
    entitlements?.set(key, pending);
  }
  const entitled = own ? new Set(conditional) : await pending!;
  // `none` fields never leave the issuer: no read path hands them out.
  const disclose = available.filter((name) => conditional.includes(name) && entitled.has(name) && (limit === undefined || limit.has(name)));
  const withheld = available.filter((name) => !disclose.includes(name));
  // Conditional fields opened by the holder's consents: the read names those consents (in its log entry and its answer).
  const consents = own ? [] : await consentsOpening(tx, row.holder_key, principal.department, row.type_code, disclose, now);
  const expired = row.status === "active" && row.valid_until !== null && row.valid_until * 1000 <= now;
  const shared: SharedLicence = {
    id: row.id,
    type: row.type_code,
    status: expired ? "expired" : row.status,
    licence: await ctx.compact(tx, row, disclose),
    withheld,
    ...(row.supersedes ? { supersedes: row.supersedes } : {}),
    ...(row.superseded_by ? { supersededBy: row.superseded_by } : {}),
    ...(row.etsi_u ? { etsiU: JSON.parse(row.etsi_u) as string[] } : {}),
    ...(consents.length > 0 ? { consents } : {}),
  };
  const cosigned = await storedCosignatures(tx, row, await ctx.disclosures(tx, row), disclose);
  if (cosigned) Object.assign(shared, { cosigned });
  const event: LogEvent = {
    kind: "read",
    at: now,
    department: principal.department,
    licence: row.id,
    matter: cause.matter,
    reason,
    disclosed: [...type.fields.filter((f) => f.share === "unconditional").map((f) => f.name), ...disclose],
    ...(consents.length > 0 ? { consents } : {}),
  };
  return { shared, event };
}

/**
 * Runs a read's queries (outside any write transaction, as PostgreSQL's READ COMMITTED reads
 * them), then appends its events to the log through the group commit and answers only once the
 * commit holding them is durable: no answer leaves without its log record, and when that commit
 * fails the read fails.
 */
export async function loggedRead<T>(
  ctx: RegistryContext,
  work: (db: Queryable) => Promise<{ result: T; events: LogEvent[] }>,
  options?: { readonly replica?: boolean },
): Promise<T> {
  // Holder lookups may read a fresh replica (see replica.ts); the log is always written to the primary.
  const { result, events } = options?.replica && ctx.replica ? await ctx.replica.read(work) : await work(ctx.db);
  await ctx.readLog.append(events);
  return result;
}

/** Holder lookups and single-licence reads may be served by a replica. */
const REPLICA = { replica: true } as const;

/** The licences one holder lookup answers by default, and at most. */
export const HOLDER_PAGE = { default: 100, max: 1000 } as const;

function checkPage(page: HolderLicencesPage | undefined): { limit: number; after?: string } {
  const limit = page?.limit ?? HOLDER_PAGE.default;
  const issues = [];
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > HOLDER_PAGE.max) issues.push({ path: ["limit"], message: `must be a whole number from 1 to ${HOLDER_PAGE.max}` });
  if (page?.after !== undefined && (typeof page.after !== "string" || page.after.length === 0 || page.after.length > 128)) issues.push({ path: ["after"], message: "must be a licence identifier" });
  if (issues.length > 0) throw new LicenceError("ERR_VALIDATION", "The page is not valid.", { issues });
  return { limit, ...(page?.after !== undefined ? { after: page.after } : {}) };
}

/** A page of a holder's licences, each with the disclosures the caller is entitled to (see `RegistryApi.findByHolder`). */
export async function findByHolder(ctx: RegistryContext, principal: Principal, holder: HolderCode, cause: ReadCause, type?: string, page?: HolderLicencesPage): Promise<SharedLicence[]> {
  requireReader(principal);
  const c = requireCause(cause);
  checkHolder(holder);
  const { limit, after } = checkPage(page);
  const key = ctx.holderKey(holder);
  const now = ctx.now();
  const department = principal.department;
  return loggedRead(ctx, async (db) => {
    // One statement: the licences, each with the fields the caller's agreements and the
    // holder's authorisations entitle it to (as a JSON array of the rows' field lists).
    const agg = ctx.db.dialect === "postgres" ? "json_agg" : "json_group_array";
    const entitled = `(SELECT ${agg}(x.fields) FROM (SELECT a.fields AS fields FROM agreements a WHERE a.consumer = ? AND a.type_code = l.type_code AND a.expires_at > ? UNION ALL SELECT h.fields AS fields FROM authorisations h WHERE h.holder_key = l.holder_key AND h.consumer = ? AND h.type_code = l.type_code AND h.expires_at > ?) x) AS entitled_fields`;
    // Keyset paging in (issued_at, id) order: the page after the licence `after` (of this holder).
    const where = ["l.holder_key = ?"];
    const params: SqlValue[] = [department, now, department, now, key];
    if (type !== undefined) {
      where.push("l.type_code = ?");
      params.push(type);
    }
    if (after !== undefined) {
      where.push("(l.issued_at > a.issued_at OR (l.issued_at = a.issued_at AND l.id > a.id))");
    }
    const from = after !== undefined ? "licences l JOIN licences a ON a.id = ? AND a.holder_key = l.holder_key" : "licences l";
    const rows = await db.all<LicenceRow & { entitled_fields: string | null }>(
      `SELECT l.*, ${entitled} FROM ${from} WHERE ${where.join(" AND ")} ORDER BY l.issued_at, l.id LIMIT ${limit}`,
      after !== undefined ? [...params.slice(0, 4), after, ...params.slice(4)] : params,
    );
    const out: SharedLicence[] = [];
    const events: LogEvent[] = [];
    const reason = reasonHash(c);
    for (const row of rows) {
      const fields = new Set<string>();
      for (const list of JSON.parse(row.entitled_fields ?? "[]") as string[]) for (const f of JSON.parse(list) as string[]) fields.add(f);
      const { shared, event } = await share(ctx, principal, db, row, c, now, undefined, reason, fields);
      out.push(shared);
      events.push(event);
    }
    if (events.length === 0) {
      events.push({ kind: "read", at: now, department, holder: b64u(key), matter: c.matter, reason, found: 0, disclosed: [] });
    }
    return { result: out, events };
  }, REPLICA);
}

/** One licence with the disclosures the caller is entitled to (see `RegistryApi.get`). */
export async function get(ctx: RegistryContext, principal: Principal, id: string, cause: ReadCause): Promise<SharedLicence> {
  requireReader(principal);
  const c = requireCause(cause);
  const now = ctx.now();
  return loggedRead(ctx, async (db) => {
    const { shared, event } = await share(ctx, principal, db, await readLicenceRow(db, id), c, now);
    return { result: shared, events: [event] };
  }, REPLICA);
}

/** Whether a holder's active licence of a type has a field with a value, without disclosing it (see `RegistryApi.verifyData`). */
export async function verifyData(ctx: RegistryContext, principal: Principal, request: VerifyDataRequest, cause: ReadCause): Promise<{ match: boolean; consents?: string[] }> {
  requireReader(principal);
  const c = requireCause(cause);
  checkHolder(request?.holder);
  const now = ctx.now();
  return loggedRead(ctx, async (db) => {
    const type = await readLicenceType(db, request.type);
    const field = type.fields.find((f) => f.name === request.field);
    if (!field) throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["field"], message: "is not a field of this licence type" }] });
    if (field.share === "none") throw new LicenceError("ERR_FORBIDDEN", "Fields shared with no one cannot be compared.");
    const key = ctx.holderKey(request.holder);
    // A yes/no about a withheld value is a disclosure by instalments: comparing a conditional field
    // needs the same entitlement as seeing it (an agreement or the holder's authorisation naming
    // it, or being the type's issuer through a key limited to it).
    let consents: string[] = [];
    if (field.share === "conditional" && !issuesType(principal, type)) {
      const entitled = await entitledConditionalFields(db, principal.department, type.code, key, now);
      if (!entitled.has(field.name)) throw new LicenceError("ERR_FORBIDDEN", "Comparing this field needs an agreement or the holder's authorisation that names it.");
      consents = await consentsOpening(db, key, principal.department, type.code, [field.name], now);
    }
    // Counted once the question is one the caller may ask: refusals cost nothing and write nothing.
    ctx.verifyDataLimiter.take(principal.department, now);
    const rows = await db.all<LicenceRow>("SELECT * FROM licences WHERE holder_key = ? AND type_code = ? AND status = 'active'", [key, request.type]);
    let match = false;
    for (const row of rows) {
      if (row.valid_until !== null && row.valid_until * 1000 <= now) continue;
      // Only hidden fields are sealed: an unconditional one is compared without opening anything.
      const disclosures = field.share === "unconditional" ? {} : await ctx.disclosures(db, row);
      if (licenceFields(row, disclosures)[request.field] === request.value) {
        match = true;
        break;
      }
    }
    // One entry per licence compared, keyed by it, so the comparison is in that licence's log
    // entries and audit bundles; one entry by holder when there was none to compare.
    const base = { kind: "verify-data", at: now, department: principal.department, holder: b64u(key), type: request.type, field: request.field, matter: c.matter, reason: reasonHash(c), match, ...(consents.length > 0 ? { consents } : {}) } as const;
    const events: LogEvent[] = rows.length === 0 ? [base] : rows.map((row) => ({ ...base, licence: row.id }));
    return { result: consents.length > 0 ? { match, consents } : { match }, events };
  });
}

/** A licence's status changes, oldest first (see `RegistryApi.statusHistory`). */
export async function statusHistory(ctx: RegistryContext, principal: Principal, id: string, cause: ReadCause): Promise<StatusHistoryEntry[]> {
  requireReader(principal);
  const c = requireCause(cause);
  const now = ctx.now();
  return loggedRead(ctx, async (db) => {
    await readLicenceRow(db, id);
    const rows = await db.all<{ status: LicenceStatus; at: number; reason: string; department: string }>(
      "SELECT status, at, reason, department FROM status_history WHERE licence_id = ? ORDER BY seq",
      [id],
    );
    const events: LogEvent[] = [{ kind: "read", at: now, department: principal.department, licence: id, matter: c.matter, reason: reasonHash(c), disclosed: ["status-history"] }];
    return { result: rows.map((r) => ({ status: r.status, at: new Date(r.at).toISOString(), reason: r.reason, department: r.department })), events };
  });
}

/** A licence's status at a time (see `RegistryApi.statusAt`). */
export async function statusAt(ctx: RegistryContext, principal: Principal, id: string, at: string, cause: ReadCause): Promise<{ status: LicenceStatus | "expired" | "not-issued" }> {
  requireReader(principal);
  const c = requireCause(cause);
  const t = parseTime(at, "at")!;
  const now = ctx.now();
  return loggedRead(ctx, async (db) => {
    const row = await readLicenceRow(db, id);
    const entry = await db.get<{ status: LicenceStatus }>("SELECT status FROM status_history WHERE licence_id = ? AND at <= ? ORDER BY seq DESC LIMIT 1", [id, t.getTime()]);
    const events: LogEvent[] = [{ kind: "read", at: now, department: principal.department, licence: id, matter: c.matter, reason: reasonHash(c), disclosed: ["status"] }];
    const status: LicenceStatus | "expired" | "not-issued" = !entry
      ? "not-issued"
      : entry.status === "active" && row.valid_until !== null && row.valid_until * 1000 <= t.getTime()
        ? "expired"
        : entry.status;
    return { result: { status }, events };
  });
}

/** A licence's log entries, this read's included (see `RegistryApi.logEntries`). */
export async function logEntries(ctx: RegistryContext, principal: Principal, id: string, cause: ReadCause): Promise<LogEntry[]> {
  requireRole(principal, "auditor", "admin", "issuer");
  const c = requireCause(cause);
  const now = ctx.now();
  return ctx.transaction(async (tx) => {
    const row = await readLicenceRow(tx, id);
    const overseer = principal.roles.includes("auditor") || principal.roles.includes("admin");
    if (!overseer && row.issuer !== principal.department) {
      throw new LicenceError("ERR_FORBIDDEN", "Only auditors, admins and the issuing department may list a licence's log entries.");
    }
    // Logged first, so the answer proves this read too.
    await appendLogEvents(tx, [{ kind: "read", at: now, department: principal.department, licence: row.id, matter: c.matter, reason: reasonHash(c), disclosed: ["log-entries"] }], ctx.logFrontier);
    return logEntriesOf(tx, row.id);
  });
}
