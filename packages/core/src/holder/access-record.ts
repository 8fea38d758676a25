/**
 * A holder's access record (谁使用谁负责, seen from the holder's side): every read and comparison of
 * the holder's licences, as the registry's log entries, each with an RFC 9162 inclusion proof against
 * one signed checkpoint (C2SP tlog-checkpoint). A holder who checks a page knows the entries are in the
 * registry's one log — the same log auditors and other holders see — and not a list made up for them.
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import { isJsonObject, parseStrictJson } from "../encoding/json.js";
import { hashLeaf } from "../log/hash.js";
import { verifyCheckpoint, type Checkpoint, type CheckpointKey } from "../log/checkpoint.js";
import { assertInclusion, MAX_PROOF_HASHES } from "../log/verify.js";
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import { backend } from "../crypto/index.js";
import type { TrustList } from "../trust/trust-list.js";

/** One log entry of an access record with its inclusion proof. */
export interface AccessRecordEntry {
  /** The entry's index in the log. */
  readonly index: number;
  /** The entry exactly as logged (RFC 8785 canonical JSON). */
  readonly entry: string;
  /** The RFC 9162 inclusion path (base64url hashes) to the page's checkpoint. */
  readonly proof: readonly string[];
}

/** One page of a holder's access record. */
export interface AccessRecordPage {
  /** The signed checkpoint every proof of the page leads to. */
  readonly checkpoint: string;
  readonly entries: readonly AccessRecordEntry[];
  /** The index to pass as `after` for the next page; absent on the last page. */
  readonly next?: number;
}

/** Which page of an access record to read: at most `limit` entries (default 100, at most 500) after log index `after`. */
export interface AccessRecordQuery {
  readonly limit?: number;
  readonly after?: number;
}

/** One read or comparison of a holder's licence, as the holder is shown it. */
export interface AccessEvent {
  readonly index: number;
  readonly kind: string;
  /** When, ISO 8601. */
  readonly at: string;
  /** The department that read (USCC). */
  readonly department: string;
  readonly licence?: string;
  /** The approval matter named as the cause. */
  readonly matter?: string;
  /** The keyed hash of the reason given (the holder can recompute it from the reason they were told). */
  readonly reasonHash?: string;
  /** Field names disclosed (reads) or compared (verify-data). */
  readonly fields: readonly string[];
  /** Consents that opened conditional fields in this read. */
  readonly consents: readonly string[];
}

/** An access record page whose every entry was proven in the checkpoint. */
export interface VerifiedAccessRecord {
  readonly checkpoint: Checkpoint;
  readonly events: readonly AccessEvent[];
  readonly next?: number;
}

function invalid(reason: string): LicenceError {
  return new LicenceError("ERR_LOG_PROOF_INVALID", "The access record does not prove against the registry's log.", { details: { reason } });
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

/** What a log entry tells its holder. */
function eventOf(index: number, text: string): AccessEvent {
  let e: unknown;
  try {
    e = parseStrictJson(text);
  } catch {
    throw invalid("entry");
  }
  if (!isJsonObject(e) || typeof e.kind !== "string" || typeof e.at !== "number" || typeof e.department !== "string") throw invalid("entry");
  const fields = e.kind === "verify-data" ? strings([e.field]) : strings(e.disclosed);
  return {
    index,
    kind: e.kind,
    at: new Date(e.at).toISOString(),
    department: e.department,
    ...(typeof e.licence === "string" ? { licence: e.licence } : {}),
    ...(typeof e.matter === "string" ? { matter: e.matter } : {}),
    ...(typeof e.reason === "string" ? { reasonHash: e.reason } : {}),
    fields,
    consents: strings(e.consents),
  };
}

/**
 * Checks one page of an access record: the checkpoint is signed by a log key of the trust list
 * (its origin is the checkpoint's own first line, bound into the key id), and each entry is in
 * the tree the checkpoint names, at its index.
 *
 * @param page - the page as the registry answered it
 * @param trustList - the verified trust list (its `log` service certificates)
 * @throws LicenceError `ERR_LOG_PROOF_INVALID` (with `details.reason`) when anything does not prove
 * @example
 * ```ts
 * const record = await verifyAccessRecord(page, trustList);
 * for (const e of record.events) console.log(e.at, e.department, e.matter, e.fields);
 * ```
 */
export async function verifyAccessRecord(page: AccessRecordPage, trustList: TrustList): Promise<VerifiedAccessRecord> {
  if (!isJsonObject(page) || typeof page.checkpoint !== "string" || !Array.isArray(page.entries)) throw invalid("shape");
  const origin = page.checkpoint.slice(0, page.checkpoint.indexOf("\n"));
  const keys: CheckpointKey[] = trustList
    .serviceCertificates("log")
    .flatMap((c) => (c.publicKeyAlgorithm ? [{ name: origin, spki: c.spki, alg: c.publicKeyAlgorithm as SignatureAlgorithm }] : []));
  const checkpoint = await verifyCheckpoint(page.checkpoint, { origin, keys });
  const events: AccessEvent[] = [];
  let last = -1;
  for (const item of page.entries) {
    if (!isJsonObject(item) || typeof item.index !== "number" || !Number.isSafeInteger(item.index) || typeof item.entry !== "string" || !Array.isArray(item.proof) || item.proof.length > MAX_PROOF_HASHES) throw invalid("shape");
    const index = item.index;
    // Entries come in log order, each once.
    if (index <= last) throw invalid("order");
    last = index;
    const proof = item.proof.map((h) => (typeof h === "string" ? backend.base64urlDecode(h) : null));
    if (proof.some((h) => h === null)) throw invalid("shape");
    assertInclusion({ leafHash: hashLeaf(new TextEncoder().encode(item.entry)), index, treeSize: checkpoint.treeSize, proof: proof as Uint8Array[], root: checkpoint.rootHash });
    events.push(eventOf(index, item.entry));
  }
  if (page.next !== undefined && (!Number.isSafeInteger(page.next) || page.next !== last)) throw invalid("next");
  return { checkpoint, events, ...(page.next !== undefined ? { next: page.next } : {}) };
}
