/**
 * The registry's licence rows and their mapping: the row types of `licences` and `signer_chains`,
 * reading (and locking) a row, the licence type a row or request names, and a row's record and
 * fields as the API returns them.
 *
 * @module
 */
import { LicenceError, type LicenceRecord, type LicenceStatus, type LicenceType } from "@elicence/core";
import { decodeUtf8, parseStrictJson } from "@elicence/core/encoding";
import type { Queryable } from "../storage/database.js";

/** A row of `licences`. */
export interface LicenceRow {
  id: string;
  type_code: string;
  type_version: number;
  issuer: string;
  holder_key: Uint8Array;
  serial: string;
  version: number;
  status: LicenceStatus;
  status_list: number;
  status_idx: number;
  issued_at: number;
  valid_from: number;
  valid_until: number | null;
  supersedes: string | null;
  superseded_by: string | null;
  chain_id: number;
  payload: Uint8Array;
  signature: Uint8Array;
  /** The hidden fields' disclosures, sealed (see `sealing/disclosures.ts`). */
  disclosures: string;
  /** The signature time-stamp token, DER (migration 5), when the licence was issued with a TSA. */
  sig_tst?: Uint8Array | null;
  /** The archive form's `etsiU` once augmented (migration 13): a JSON array of base64url elements. */
  etsi_u?: string | null;
  /** The data key that sealed them (`null`: a clear row from before migration 17). */
  disclosures_key: string | null;
  /** How many signatures the licence has (NULL or 1: one; a dual-signed licence's others are in `licence_signatures`). */
  signatures?: number | null;
}

/** A row of `signer_chains`: what a licence's protected header is rebuilt from. */
export interface ChainRow {
  alg: string;
  x5t: string;
  x5c: string;
  /** 1 when the licences signed with this chain carry it in their header (the form issued before), else 0. */
  header_x5c: number;
}

/** Stored bytes (hashes, keyed holder codes, payloads) as log events and proofs carry them. */
export function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** The error of every look-up of a licence that is not there (or whose id is not one). */
export function notFound(): LicenceError {
  return new LicenceError("ERR_NOT_FOUND", "There is no such licence.");
}

/** A licence row by id. @throws LicenceError `ERR_NOT_FOUND` */
export async function readLicenceRow(db: Queryable, id: unknown): Promise<LicenceRow> {
  if (typeof id !== "string" || id.length > 128) throw notFound();
  const row = await db.get<LicenceRow>("SELECT * FROM licences WHERE id = ?", [id]);
  if (!row) throw notFound();
  return row;
}

/** Reads a licence row and locks it until the transaction ends (an UPDATE locks on both engines). */
export async function lockLicenceRow(tx: Queryable, id: unknown): Promise<LicenceRow> {
  if (typeof id !== "string" || id.length > 128) throw notFound();
  const row = await tx.get<LicenceRow>("UPDATE licences SET status = status WHERE id = ? RETURNING *", [id]);
  if (!row) throw notFound();
  return row;
}

/**
 * A licence type by code (latest version) or by code and version. Versions never change once
 * registered, so versioned lookups may use the registry's cache.
 *
 * @throws LicenceError `ERR_LICENCE_TYPE_UNKNOWN`
 */
export async function readLicenceType(db: Queryable, code: unknown, version?: number, typeVersions?: Map<string, LicenceType>): Promise<LicenceType> {
  if (typeof code !== "string") throw new LicenceError("ERR_LICENCE_TYPE_UNKNOWN", "The catalogue has no licence type with this code.");
  if (version !== undefined) {
    const key = `${code}@${version}`;
    const cached = typeVersions?.get(key);
    if (cached) return cached;
    const row = await db.get<{ definition: string }>("SELECT definition FROM licence_types WHERE code = ? AND version = ?", [code, version]);
    if (!row) throw new LicenceError("ERR_LICENCE_TYPE_UNKNOWN", "The catalogue has no licence type with this code.");
    const type = JSON.parse(row.definition) as LicenceType;
    if (typeVersions && typeVersions.size > 10_000) typeVersions.clear();
    typeVersions?.set(key, type);
    return type;
  }
  const row = await db.get<{ definition: string }>("SELECT definition FROM licence_types WHERE code = ? ORDER BY version DESC LIMIT 1", [code]);
  if (!row) throw new LicenceError("ERR_LICENCE_TYPE_UNKNOWN", "The catalogue has no licence type with this code.");
  return JSON.parse(row.definition) as LicenceType;
}

/** The latest version of every licence type, by code. */
export async function readLatestLicenceTypes(db: Queryable): Promise<LicenceType[]> {
  const rows = await db.all<{ definition: string }>(
    "SELECT t.definition FROM licence_types t WHERE t.version = (SELECT MAX(u.version) FROM licence_types u WHERE u.code = t.code) ORDER BY t.code",
  );
  return rows.map((r) => JSON.parse(r.definition) as LicenceType);
}

/** Every field of a licence (plain and disclosed), from its row and its opened disclosures. */
export function licenceFields(row: LicenceRow, disclosures: Readonly<Record<string, string>>): Record<string, unknown> {
  const payload = parseStrictJson(decodeUtf8(row.payload)) as { fields: Record<string, unknown> };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload.fields)) if (k !== "_sd") fields[k] = v;
  for (const encoded of Object.values(disclosures)) {
    const [, name, value] = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as [string, string, unknown];
    fields[name] = value;
  }
  return fields;
}

/** A licence's record (what a status change answers), from its row. */
export function recordOf(row: LicenceRow): LicenceRecord {
  return {
    id: row.id,
    type: row.type_code,
    status: row.status,
    version: row.version,
    issuedAt: new Date(row.issued_at * 1000).toISOString(),
    ...(row.valid_until !== null ? { validUntil: new Date(row.valid_until * 1000).toISOString() } : {}),
    ...(row.supersedes ? { supersedes: row.supersedes } : {}),
    ...(row.superseded_by ? { supersededBy: row.superseded_by } : {}),
  };
}
