/**
 * Holder consent (`elicence consent grant|withdraw|list`, `/v1/holder/consents…`): a holder signs a
 * permission for one department to see named conditional fields of their licences of one type, for a
 * purpose, until a time; the registry checks it, stores it with its signature as evidence, logs it,
 * and from then every read it opens names it. Withdrawing takes effect from the next request.
 *
 * A department at a service window vouches for the holder's key first (`vouchHolder`, an issuer key
 * of a department the registry signs for): see `core/src/holder/holder-token.ts` for why.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { createHolderAssertion, HOLDER_TOKEN_LIMITS, LicenceError, parseHolderJwk, type HolderConsent, type HolderPublicJwk, type HolderVouchRequest, type Principal, type TrustList, type VerifiedHolderToken, verifyHolderToken, type HolderTokenKind } from "@elicence/core";
import type { Queryable } from "../../storage/database.js";
import { requireRole } from "../access.js";
import { checkConditionalFields, checkHolder, parseTime } from "../checks.js";
import type { RegistryContext } from "../context.js";
import { reasonHash } from "../cause.js";
import { appendLogEvents } from "../log.js";
import { b64u, readLicenceType } from "../rows.js";

/** What the holder's jobs need beyond the registry's context. */
export interface HolderContext extends RegistryContext {
  /** The audience holder tokens must name: the log's origin. */
  readonly audience: string;
  /** The trust list as it is at a time (names the departments that may vouch). */
  trustListAt(at: Date): Promise<TrustList>;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * Signs a window assertion for a holder the caller's department identified (see `RegistryApi.vouchHolder`).
 *
 * @throws LicenceError `ERR_FORBIDDEN` (not an issuer key, or no signing key here), `ERR_IDENTIFIER_INVALID`, `ERR_VALIDATION`
 */
export async function vouchHolder(ctx: RegistryContext, principal: Principal, request: HolderVouchRequest): Promise<{ assertion: string }> {
  requireRole(principal, "issuer");
  checkHolder(request?.holder);
  let key: HolderPublicJwk;
  try {
    key = parseHolderJwk(request.key);
  } catch {
    throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["key"], message: "must be a public P-256 or Ed25519 JWK" }] });
  }
  const now = ctx.now();
  const expires = parseTime(request.expiresAt, "expiresAt") ?? new Date(now + YEAR_MS);
  if (expires.getTime() <= now || expires.getTime() - now > 10 * YEAR_MS) {
    throw new LicenceError("ERR_VALIDATION", "The request is not valid.", { issues: [{ path: ["expiresAt"], message: "must be in the next ten years" }] });
  }
  const signing = ctx.signing.context(principal.department);
  const assertion = await createHolderAssertion({
    holder: { idType: request.holder.idType, idNumber: request.holder.idNumber },
    key,
    issuer: principal.department,
    x5tS256: signing.x5tS256,
    signer: signing.signer,
    issuedAt: new Date(now),
    expiresAt: expires,
  });
  return { assertion };
}

/**
 * Verifies a holder token and spends its id in `tx` (a token id is accepted once; ids are kept
 * until their token is too old to pass the freshness check anyway, then dropped).
 */
export async function acceptHolderToken<K extends HolderTokenKind>(ctx: HolderContext, tx: Queryable, token: unknown, kind: K, now: number): Promise<VerifiedHolderToken<K>> {
  const verified = await verifyHolderToken(token, kind, { trustList: await ctx.trustListAt(new Date(now)), at: new Date(now), audience: ctx.audience });
  await tx.run("DELETE FROM holder_tokens WHERE stale_at <= ?", [now]);
  // Stale once its iat is out of the clock-skew window (verifyHolderToken refuses it from then on).
  // One statement, so two requests racing with the same token cannot both spend it.
  const spent = await tx.get<{ jti: string }>("INSERT INTO holder_tokens (jti, stale_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING RETURNING jti", [
    verified.jti,
    (verified.issuedAt + 2 * HOLDER_TOKEN_LIMITS.maxClockSkewSeconds) * 1000,
  ]);
  if (!spent) throw new LicenceError("ERR_REPLAYED", "This holder token was used before.");
  return verified;
}

interface ConsentRow {
  id: string;
  consumer: string;
  type_code: string;
  fields: string;
  purpose: string;
  vouched_by: string;
  key_thumbprint: string;
  created_at: number;
  expires_at: number;
  withdrawn_at: number | null;
}

const SELECT_CONSENT =
  "SELECT c.id, a.consumer, a.type_code, a.fields, c.purpose, c.vouched_by, c.key_thumbprint, c.created_at, c.expires_at, c.withdrawn_at FROM consents c JOIN authorisations a ON a.id = c.id";

function consentOf(r: ConsentRow): HolderConsent {
  return {
    id: r.id,
    consumer: r.consumer,
    type: r.type_code,
    fields: JSON.parse(r.fields) as string[],
    purpose: r.purpose,
    vouchedBy: r.vouched_by,
    keyThumbprint: r.key_thumbprint,
    createdAt: new Date(Number(r.created_at)).toISOString(),
    expiresAt: new Date(Number(r.expires_at)).toISOString(),
    ...(r.withdrawn_at !== null ? { withdrawnAt: new Date(Number(r.withdrawn_at)).toISOString() } : {}),
  };
}

/** Records a consent token (see `HolderApi.grantConsent`). */
export async function grantConsent(ctx: HolderContext, token: unknown): Promise<HolderConsent> {
  const now = ctx.now();
  return ctx.transaction(async (tx) => {
    const v = await acceptHolderToken(ctx, tx, token, "consent", now);
    const c = v.claims;
    if (c.exp * 1000 <= now) throw new LicenceError("ERR_CONSENT_EXPIRED", "The consent has already ended.");
    const type = await readLicenceType(tx, c.type);
    // Only conditional fields can be opened: `none` fields never leave the issuer, whoever consents.
    checkConditionalFields(type, c.fields);
    const holderKey = ctx.holderKey(v.holder);
    const id = randomUUID();
    const expires = c.exp * 1000;
    await tx.run("INSERT INTO authorisations (id, holder_key, holder_id_type, consumer, type_code, fields, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
      id,
      holderKey,
      v.holder.idType,
      c.consumer,
      type.code,
      JSON.stringify(c.fields),
      expires,
      now,
    ]);
    await tx.run("INSERT INTO consents (id, holder_key, key_thumbprint, vouched_by, purpose, token, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
      id,
      holderKey,
      v.keyThumbprint,
      v.vouchedBy,
      c.purpose,
      token as string,
      now,
      expires,
    ]);
    await appendLogEvents(
      tx,
      [{ kind: "consent", at: now, department: v.vouchedBy, actor: "holder", consent: id, holder: b64u(holderKey), key: v.keyThumbprint, consumer: c.consumer, type: type.code, fields: [...c.fields], purpose: reasonHash(c.purpose), expires }],
      ctx.logFrontier,
    );
    return consentOf({ id, consumer: c.consumer, type_code: type.code, fields: JSON.stringify(c.fields), purpose: c.purpose, vouched_by: v.vouchedBy, key_thumbprint: v.keyThumbprint, created_at: now, expires_at: expires, withdrawn_at: null });
  });
}

/** Withdraws a consent of the token's holder (see `HolderApi.withdrawConsent`). */
export async function withdrawConsent(ctx: HolderContext, token: unknown): Promise<HolderConsent> {
  const now = ctx.now();
  return ctx.transaction(async (tx) => {
    const v = await acceptHolderToken(ctx, tx, token, "withdrawal", now);
    const holderKey = ctx.holderKey(v.holder);
    const row = await tx.get<ConsentRow & { holder_key: Uint8Array }>(`${SELECT_CONSENT.replace("SELECT ", "SELECT c.holder_key, ")} WHERE c.id = ?`, [v.claims.consent]);
    if (!row) throw new LicenceError("ERR_NOT_FOUND", "There is no such consent.");
    // Another holder's consent: the token's key is not bound to the holder who gave it.
    if (!Buffer.from(row.holder_key).equals(Buffer.from(holderKey))) throw new LicenceError("ERR_HOLDER_KEY_MISMATCH", "The consent was given by another holder.");
    if (row.withdrawn_at !== null) throw new LicenceError("ERR_CONSENT_WITHDRAWN", "The consent was already withdrawn.");
    // The authorisation row ends now: every read path compares its expiry with the read's time.
    await tx.run("UPDATE authorisations SET expires_at = ? WHERE id = ? AND expires_at > ?", [now, row.id, now]);
    await tx.run("UPDATE consents SET withdrawn_at = ? WHERE id = ?", [now, row.id]);
    await appendLogEvents(tx, [{ kind: "consent-withdrawal", at: now, department: v.vouchedBy, actor: "holder", consent: row.id, holder: b64u(holderKey), key: v.keyThumbprint }], ctx.logFrontier);
    return consentOf({ ...row, withdrawn_at: now });
  });
}

/** The token's holder's consents, oldest first (see `HolderApi.listConsents`). */
export async function listConsents(ctx: HolderContext, token: unknown): Promise<HolderConsent[]> {
  const now = ctx.now();
  const holderKey = await ctx.transaction(async (tx) => {
    const v = await acceptHolderToken(ctx, tx, token, "request", now);
    if (v.claims.scope !== "consents") throw new LicenceError("ERR_HOLDER_TOKEN_INVALID", "The holder token is not valid.", { details: { reason: "claims" } });
    return ctx.holderKey(v.holder);
  });
  const rows = await ctx.db.all<ConsentRow>(`${SELECT_CONSENT} WHERE c.holder_key = ? ORDER BY c.created_at, c.id`, [holderKey]);
  return rows.map(consentOf);
}

/**
 * The ids of the holder's live consents for a consumer and type that name any of `fields`: what a
 * read that disclosed those fields shows as their cause.
 */
export async function consentsOpening(db: Queryable, holderKey: Uint8Array, consumer: string, typeCode: string, fields: readonly string[], now: number): Promise<string[]> {
  if (fields.length === 0) return [];
  const rows = await db.all<{ id: string; fields: string }>(
    "SELECT c.id, a.fields FROM consents c JOIN authorisations a ON a.id = c.id WHERE a.holder_key = ? AND a.consumer = ? AND a.type_code = ? AND a.expires_at > ? AND c.withdrawn_at IS NULL ORDER BY c.created_at, c.id",
    [holderKey, consumer, typeCode, now],
  );
  return rows.filter((r) => (JSON.parse(r.fields) as string[]).some((f) => fields.includes(f))).map((r) => r.id);
}
