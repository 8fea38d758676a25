/**
 * Sharing figures (`elicence stats`, `GET /v1/stats`): per department, the licence types it is
 * catalogued for and provides electronically, the licences it issued, reads of its licences by
 * others, and the licences served to it per approval matter.
 *
 * @module
 */
import { LicenceError, type DepartmentStats, type MatterStats, type Principal, type RegistryStats } from "@elicence/core";
import { requireRole } from "../access.js";
import { parseTime } from "../checks.js";
import type { RegistryContext } from "../context.js";
import { listLicenceTypes } from "./catalogue.js";
import { listMatters } from "./matters.js";

const DEFAULT_PERIOD_MS = 30 * 24 * 3600 * 1000;

/**
 * Sharing figures per department over a period (admins and auditors; see `RegistryApi.stats`).
 *
 * @throws LicenceError `ERR_VALIDATION` unless `from` is before `to`
 */
export async function stats(ctx: RegistryContext, principal: Principal, period?: { from?: string; to?: string }): Promise<RegistryStats> {
  requireRole(principal, "admin", "auditor");
  // The period defaults to the last 30 days: `to` now, `from` 30 days before `to`.
  const to = period?.to === undefined ? new Date(ctx.now()) : parseTime(period.to, "to");
  const from = period?.from === undefined ? (to ? new Date(to.getTime() - DEFAULT_PERIOD_MS) : undefined) : parseTime(period.from, "from");
  if (!from || !to || from.getTime() >= to.getTime()) {
    throw new LicenceError("ERR_VALIDATION", "The period is not valid.", { issues: [{ path: ["to"], message: "from and to must be ISO 8601 times with from before to" }] });
  }
  const [f, t] = [from.getTime(), to.getTime()];
  const db = ctx.db;
  const types = await listLicenceTypes(ctx);
  const provided = await db.all<{ issuer: string; type_code: string }>("SELECT DISTINCT issuer, type_code FROM licences WHERE issued_at < ?", [Math.ceil(t / 1000)]);
  // From the log: its times are exact to the millisecond (the licences table keeps seconds).
  const issued = await db.all<{ issuer: string; n: number }>(
    "SELECT l.issuer AS issuer, COUNT(*) AS n FROM log_entries e JOIN licences l ON l.id = e.licence WHERE e.kind IN ('issue', 'amend', 'renew') AND e.at >= ? AND e.at < ? GROUP BY l.issuer",
    [f, t],
  );
  const reads = await db.all<{ entry: string; issuer: string | null }>(
    "SELECT e.entry AS entry, l.issuer AS issuer FROM log_entries e LEFT JOIN licences l ON l.id = e.licence WHERE e.kind = 'read' AND e.at >= ? AND e.at < ? AND e.licence IS NOT NULL",
    [f, t],
  );
  const rows = new Map<string, { typesCatalogued: number; typesProvided: number; licencesIssued: number; readsByOthers: number; servedByMatter: Record<string, number> }>();
  const row = (d: string) => {
    let r = rows.get(d);
    if (!r) rows.set(d, (r = { typesCatalogued: 0, typesProvided: 0, licencesIssued: 0, readsByOthers: 0, servedByMatter: {} }));
    return r;
  };
  const providedSet = new Set(provided.map((p) => `${p.issuer} ${p.type_code}`));
  for (const type of types) {
    for (const d of type.issuers) {
      const r = row(d);
      r.typesCatalogued++;
      if (providedSet.has(`${d} ${type.code}`)) r.typesProvided++;
    }
  }
  for (const i of issued) row(i.issuer).licencesIssued = Number(i.n);
  // Status and log look-ups are oversight, not sharing: only licence reads count.
  const META = new Set(["status", "status-history", "log-entries"]);
  for (const read of reads) {
    const event = JSON.parse(read.entry) as { department: string; matter?: string; disclosed?: string[] };
    if (event.disclosed?.length === 1 && META.has(event.disclosed[0]!)) continue;
    if (read.issuer !== null && read.issuer !== event.department) row(read.issuer).readsByOthers++;
    const served = row(event.department).servedByMatter;
    const matter = event.matter ?? "";
    served[matter] = (served[matter] ?? 0) + 1;
  }
  const departments: DepartmentStats[] = [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([department, r]) => ({ department, ...r, provisionRate: r.typesCatalogued === 0 ? 0 : r.typesProvided / r.typesCatalogued }));
  return { from: from.toISOString(), to: to.toISOString(), departments, matters: await matterStats(ctx, f, t) };
}

/**
 * Per approval matter of the catalogue: its materials checks in `[f, t)` and how many served every
 * required licence electronically (the `materials` log events' `complete`).
 */
async function matterStats(ctx: RegistryContext, f: number, t: number): Promise<MatterStats[]> {
  const rows = await ctx.db.all<{ entry: string }>("SELECT entry FROM log_entries WHERE kind = 'materials' AND at >= ? AND at < ?", [f, t]);
  const counts = new Map<string, { checks: number; served: number }>();
  for (const row of rows) {
    const event = JSON.parse(row.entry) as { matter: string; complete: boolean };
    const c = counts.get(event.matter) ?? { checks: 0, served: 0 };
    c.checks++;
    if (event.complete) c.served++;
    counts.set(event.matter, c);
  }
  return (await listMatters(ctx)).map((m) => {
    const c = counts.get(m.code) ?? { checks: 0, served: 0 };
    return { matter: m.code, department: m.department, checks: c.checks, servedElectronically: c.served, noOriginalRate: c.checks === 0 ? 0 : c.served / c.checks };
  });
}
