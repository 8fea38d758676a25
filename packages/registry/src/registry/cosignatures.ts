/**
 * Dual-signed licences in the registry: a department with several keys (SM2SM3 beside ES256) signs
 * each licence it issues with every one. The first signature is the licence row's, as for any
 * licence; each further one signs the same payload under its own protected header (its
 * certificate's `x5t#S256`, the same `iat`) and is kept in `licence_signatures` with its signer
 * chain and time-stamp token. Read back, each is a compact licence of its own with the disclosures
 * the caller may see.
 *
 * @module
 */
import type { CosignedForm } from "@elicence/core";
import { LicenceError, type JwsAlgorithm } from "@elicence/core";
import { encodeLicenceHeader, type IssuingContext } from "@elicence/core/issue";
import { signatureTimestampData, timestampHashFor } from "@elicence/core/timestamp";
import type { Queryable } from "../storage/database.js";
import { protectedHeader } from "./compact.js";
import type { RegistryContext } from "./context.js";
import { insertRows } from "./log.js";
import { b64u, type ChainRow, type LicenceRow } from "./rows.js";

/** A further signature of a licence just signed, before it is written. */
export interface Cosignature {
  readonly chainId: number;
  /** The algorithm it is made with (its time-stamp's imprint follows it: SM3 for SM2). */
  readonly alg: JwsAlgorithm;
  readonly protected: string;
  readonly signature: string;
}

/**
 * Signs a licence's payload with each further key (same `iat` as its first signature).
 *
 * @param contexts - the department's further keys, with the ids of their stored signer chains
 * @param payload - the licence's base64url payload
 * @param iat - the signing time of its first signature (seconds)
 */
export async function cosign(contexts: readonly { context: IssuingContext; chainId: number }[], payload: string, iat: number): Promise<Cosignature[]> {
  const out: Cosignature[] = [];
  for (const { context, chainId } of contexts) {
    const header = encodeLicenceHeader({ alg: context.signer.alg, x5tS256: context.x5tS256 }, iat);
    const value = await context.signer.sign(new TextEncoder().encode(`${header}.${payload}`));
    out.push({ chainId, alg: context.signer.alg, protected: header, signature: Buffer.from(value).toString("base64url") });
  }
  return out;
}

/** Starts time-stamping further signatures (one token per signature, in order); none without a TSA. */
export function stampCosignatures(ctx: RegistryContext, signatures: readonly Cosignature[]): Promise<Uint8Array[]> | undefined {
  if (!ctx.timestamper || signatures.length === 0) return undefined;
  const pending = ctx.timestamper.stamp(
    signatures.map((s) => signatureTimestampData(s.signature)),
    signatures.map((s) => timestampHashFor(s.alg)),
  );
  pending.catch(() => {});
  return pending;
}

/** Writes further signatures (`seq` from 1; the licence row's own is 0). */
export async function insertCosignatures(tx: Queryable, rows: readonly { licence: string; signatures: readonly Cosignature[]; tokens?: readonly (Uint8Array | undefined)[] }[]): Promise<void> {
  const values = rows.flatMap((r) => r.signatures.map((s, i) => [r.licence, i + 1, s.chainId, Buffer.from(s.signature, "base64url"), r.tokens?.[i] ?? null]));
  await insertRows(tx, "INSERT INTO licence_signatures (licence_id, seq, chain_id, signature, sig_tst) VALUES ", "(?, ?, ?, ?, ?)", values, 200);
}

/** The compact form of one further signature, given the first form's tail (`~disclosures~`). */
export function cosignedForm(s: Cosignature, payload: string, tail: string, token?: Uint8Array): CosignedForm {
  return { licence: `${s.protected}.${payload}.${s.signature}${tail}`, ...(token ? { signatureTimestamp: Buffer.from(token).toString("base64") } : {}) };
}

/**
 * A stored licence's further signatures as compact forms with the named disclosures (none for a
 * licence with one signature: no query is made for it). `disclosures` are the row's, opened from
 * their seal (`RegistryContext.disclosures`).
 */
export async function storedCosignatures(
  db: Queryable,
  row: LicenceRow,
  disclosures: Readonly<Record<string, string>>,
  disclosureNames: readonly string[],
): Promise<CosignedForm[] | undefined> {
  if (row.signatures === undefined || row.signatures === null || Number(row.signatures) <= 1) return undefined;
  const rows = await db.all<ChainRow & { signature: Uint8Array; sig_tst: Uint8Array | null }>(
    "SELECT c.alg, c.x5t, c.x5c, c.header_x5c, s.signature, s.sig_tst FROM licence_signatures s JOIN signer_chains c ON c.id = s.chain_id WHERE s.licence_id = ? ORDER BY s.seq",
    [row.id],
  );
  if (rows.length !== Number(row.signatures) - 1) throw new LicenceError("ERR_UNAVAILABLE", "A licence's further signatures are missing.");
  const tail = `~${disclosureNames.map((n) => disclosures[n]).filter((d): d is string => d !== undefined).map((d) => `${d}~`).join("")}`;
  const payload = b64u(row.payload);
  return rows.map((r) => ({
    licence: `${protectedHeader(r, row.issued_at)}.${payload}.${b64u(r.signature)}${tail}`,
    ...(r.sig_tst ? { signatureTimestamp: Buffer.from(r.sig_tst).toString("base64") } : {}),
  }));
}
