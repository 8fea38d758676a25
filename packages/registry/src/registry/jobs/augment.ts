/**
 * Augmenting licences' long-term evidence (JAdES B-T, B-LT, B-LTA; ETSI TS 119 182-1 clause 6):
 * a licence file (the operator's `elicence augment`, nothing stored), one stored licence, or a
 * page of a department's licences (e.g. when its certificate is about to expire). The evidence
 * comes from the registry's TSA and, for revocation values, from the workspace CA as it was at
 * the signature time-stamp's time; stored licences keep it in `licences.etsi_u`, and every change
 * is logged with its reason.
 *
 * @module
 */
import {
  LicenceError,
  isLicenceError,
  isValidUscc,
  type AugmentRequest,
  type AugmentResult,
  type DepartmentAugmentRequest,
  type DepartmentAugmentResult,
  type Principal,
  LICENCE_TYP,
} from "@elicence/core";
import { AUGMENT_LEVELS, augmentJades, type AugmentLevel, type AugmentedJades } from "@elicence/core/jades";
import { signatureTimestampProperty } from "@elicence/core/timestamp";
import type { RevocationFetcher } from "@elicence/core/revocation";
import { parseCertificate, type Certificate } from "@elicence/core/x509";
import type { Queryable } from "../../storage/database.js";
import { requireRole } from "../access.js";
import { reasonHash } from "../cause.js";
import { checkReason } from "../checks.js";
import type { RegistryContext } from "../context.js";
import { appendLogEvents } from "../log.js";
import { lockLicenceRow, readLicenceRow, type LicenceRow } from "../rows.js";
import type { Timestamper } from "../timestamper.js";

/** Licences per department page, by default and at most. */
export const AUGMENT_PAGE = { default: 100, max: 1000 } as const;

/** What an augmentation needs besides the licence: the TSA and the CA's evidence as of a time. */
export interface AugmentSources {
  readonly timestamper: Timestamper | undefined;
  readonly revocation: ((at: Date) => RevocationFetcher) | undefined;
}

/** The registry's own sources: its TSA and its workspace CA. */
export function sourcesOf(ctx: RegistryContext): AugmentSources {
  return { timestamper: ctx.timestamper, revocation: ctx.revocationAsOf };
}

function checkLevel(level: unknown): AugmentLevel {
  if (!AUGMENT_LEVELS.includes(level as AugmentLevel)) {
    throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["level"], message: "must be T, LT or LTA" }] });
  }
  return level as AugmentLevel;
}

/**
 * Augments a licence in archive form (or compact) against the registry's trust list: the signer's
 * certificate and path, the TSAs it names, and the given sources.
 *
 * @throws LicenceError as `augmentJades` does; `ERR_UNAVAILABLE` when there is no TSA
 */
export async function augmentArchive(ctx: RegistryContext, sources: AugmentSources, input: string | Record<string, unknown>, level: AugmentLevel): Promise<AugmentedJades> {
  const at = new Date(ctx.now());
  const timestamper = sources.timestamper;
  if (!timestamper) throw new LicenceError("ERR_UNAVAILABLE", "This registry has no time-stamping authority to augment with.");
  const list = await ctx.trustList.current(at);
  const document = list.document;
  const parse = (c: string) => parseCertificate(Buffer.from(c, "base64"));
  const departments = (document.certificates ?? []).map(parse);
  const tsas = document.services.filter((s) => s.role === "time-stamping").map((s) => parse(s.certificate));
  // SM2SM3 is in no default list: it is accepted when the trust list names an SM2 department key
  // (an SM2 workspace's licences, or an SM2 department's), whose licences the registry signed.
  const sm2 = departments.some((c) => c.publicKeyAlgorithm === "SM2SM3");
  return augmentJades(input, {
    level: checkLevel(level),
    trustAnchors: list.anchors,
    certificates: [...departments, ...tsas],
    algorithms: ["ES256", "ES384", "EdDSA", "PS256", ...(sm2 ? (["SM2SM3"] as const) : [])],
    at,
    // augmentJades asks for the imprint its signature's algorithm wants (SM3 for SM2).
    timestamp: async (data, hash) => (await timestamper.stamp([data], [hash]))[0]!,
    ...(sources.revocation ? { revocation: sources.revocation } : {}),
    unprotectedMembers: ["disclosures"],
    type: LICENCE_TYP,
  });
}

/** A stored licence's archive form, without disclosures, with the evidence the registry holds. */
async function storedArchive(ctx: RegistryContext, db: Queryable, row: LicenceRow & { sig_tst?: Uint8Array | null; etsi_u?: string | null }): Promise<Record<string, unknown>> {
  const [jws = ""] = (await ctx.compact(db, row, [])).split("~");
  const [protectedB64, payload, signature] = jws.split(".");
  const etsiU = row.etsi_u ? (JSON.parse(row.etsi_u) as string[]) : row.sig_tst ? [signatureTimestampProperty(new Uint8Array(row.sig_tst))] : undefined;
  return { protected: protectedB64, payload, signature, header: { disclosures: [], ...(etsiU ? { etsiU } : {}) } };
}

/** Admins, or an issuer of the licence's department. @throws LicenceError `ERR_FORBIDDEN` */
function requireAugmenter(principal: Principal, department: string): void {
  requireRole(principal, "admin", "issuer");
  if (!principal.roles.includes("admin") && principal.department !== department) throw new LicenceError("ERR_FORBIDDEN", "Only an admin or the issuing department may augment this licence.");
}

/** Augments one stored licence and stores its evidence (see `RegistryApi.augment`). */
export async function augmentLicence(ctx: RegistryContext, sources: AugmentSources, principal: Principal, id: string, request: AugmentRequest): Promise<AugmentResult> {
  const level = checkLevel(request?.level);
  checkReason(request.reason);
  const row = await readLicenceRow(ctx.db, id);
  requireAugmenter(principal, row.issuer);
  return augmentRow(ctx, sources, principal, row, level, request.reason);
}

async function augmentRow(ctx: RegistryContext, sources: AugmentSources, principal: Principal, row: LicenceRow, level: AugmentLevel, reason: string): Promise<AugmentResult> {
  const before = (row as { etsi_u?: string | null }).etsi_u ?? null;
  const augmented = await augmentArchive(ctx, sources, await storedArchive(ctx, ctx.db, row), level);
  if (augmented.added.length > 0) {
    await ctx.transaction(async (tx) => {
      const locked = (await lockLicenceRow(tx, row.id)) as LicenceRow & { etsi_u?: string | null };
      // Another augmentation got there first: its archive time-stamps must not be lost.
      if ((locked.etsi_u ?? null) !== before) throw new LicenceError("ERR_CONFLICT", "The licence's evidence changed meanwhile: augment again.");
      await tx.run("UPDATE licences SET etsi_u = ? WHERE id = ?", [JSON.stringify(augmented.archive.header.etsiU), row.id]);
      const at = ctx.now();
      await appendLogEvents(
        tx,
        [{ kind: "augment", at, department: principal.department, licence: row.id, level: augmented.level, added: augmented.added, reason: reasonHash(reason) }],
        ctx.logFrontier,
      );
    });
  }
  return { id: row.id, level: augmented.level, added: augmented.added, archive: { ...augmented.archive } };
}

/** The earliest end of validity among a department's listed signing certificates. */
function departmentNotAfter(certificates: readonly Certificate[]): Date {
  return new Date(Math.min(...certificates.map((c) => c.notAfter.getTime())));
}

/** Augments a page of a department's licences (see `RegistryApi.augmentDepartment`). */
export async function augmentDepartment(ctx: RegistryContext, sources: AugmentSources, principal: Principal, code: string, request: DepartmentAugmentRequest): Promise<DepartmentAugmentResult> {
  const level = checkLevel(request?.level);
  checkReason(request.reason);
  if (typeof code !== "string" || !isValidUscc(code)) throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["department"], message: "must be a unified social credit code" }] });
  const limit = request.limit ?? AUGMENT_PAGE.default;
  const issues = [];
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > AUGMENT_PAGE.max) issues.push({ path: ["limit"], message: `must be a whole number from 1 to ${AUGMENT_PAGE.max}` });
  if (request.after !== undefined && (typeof request.after !== "string" || request.after.length === 0 || request.after.length > 128)) issues.push({ path: ["after"], message: "must be a licence identifier" });
  const threshold = request.expiringBefore === undefined ? undefined : Date.parse(request.expiringBefore);
  if (threshold !== undefined && (typeof request.expiringBefore !== "string" || Number.isNaN(threshold))) issues.push({ path: ["expiringBefore"], message: "must be an ISO 8601 time" });
  if (issues.length > 0) throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues });
  requireAugmenter(principal, code);
  const list = await ctx.trustList.current(new Date(ctx.now()));
  const listed = list.department(code);
  if (!listed) throw new LicenceError("ERR_NOT_FOUND", "The trust list names no such department.");
  const byThumbprint = new Map((list.document.certificates ?? []).map((c) => {
    const cert = parseCertificate(Buffer.from(c, "base64"));
    return [Buffer.from(cert.sha256).toString("base64url"), cert] as const;
  }));
  const certificates = listed.certificates.map((t) => byThumbprint.get(t)).filter((c): c is Certificate => c !== undefined);
  if (certificates.length === 0) throw new LicenceError("ERR_NOT_FOUND", "The trust list holds no certificate of the department.");
  const notAfter = departmentNotAfter(certificates);
  const base = { department: code, certificateNotAfter: notAfter.toISOString() };
  if (threshold !== undefined && notAfter.getTime() >= threshold) return { ...base, due: false, augmented: [], errors: [] };
  const rows = await ctx.db.all<LicenceRow>(
    `SELECT * FROM licences WHERE issuer = ?${request.after !== undefined ? " AND id > ?" : ""} ORDER BY id LIMIT ?`,
    request.after !== undefined ? [code, request.after, limit] : [code, limit],
  );
  const augmented: { id: string; level: string; added: readonly string[] }[] = [];
  const errors: { id: string; code: string }[] = [];
  for (const row of rows) {
    try {
      const result = await augmentRow(ctx, sources, principal, row, level, request.reason);
      augmented.push({ id: result.id, level: result.level, added: result.added });
    } catch (err) {
      // One licence that cannot be augmented (its signature, its evidence) does not stop the others.
      if (!isLicenceError(err) || err.code === "ERR_UNAVAILABLE") throw err;
      errors.push({ id: row.id, code: err.code });
    }
  }
  return { ...base, due: true, augmented, errors, ...(rows.length === limit ? { next: rows.at(-1)!.id } : {}) };
}
