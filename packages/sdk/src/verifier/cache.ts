/**
 * The verifier's cache of signed documents (trust list and status list tokens) as a JSON value, so
 * an offline verifier can be primed from a file. It holds only public, signed documents: whatever
 * is imported is verified again before it is used.
 *
 * @module
 */
import { LicenceError, type ValidationIssue } from "@elicence/core";

/** One cached document. */
export interface CachedDocument {
  /** The signed token, as the registry published it. */
  readonly token: string;
  /** When it was fetched (ISO 8601): its age decides whether it may still be used. */
  readonly fetchedAt: string;
  /** When the document itself says it expires (ISO 8601), when it says so. Informational. */
  readonly expiresAt?: string;
}

/** The exported cache of a {@link LicenceVerifier}. */
export interface VerifierCache {
  readonly format: "elicence-verifier-cache";
  readonly version: 1;
  readonly trustList?: CachedDocument;
  /** Status list tokens by status list number. */
  readonly statusLists: Readonly<Record<string, CachedDocument>>;
}

/** Largest cache accepted (a status list of millions of entries compresses to a few MB). */
const MAX_TOKEN_LENGTH = 32 * 1024 * 1024;
const MAX_STATUS_LISTS = 10_000;

function documentIssues(value: unknown, path: (string | number)[], issues: ValidationIssue[]): value is CachedDocument {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push({ path, message: "must be an object" });
    return false;
  }
  const d = value as Record<string, unknown>;
  const before = issues.length;
  if (typeof d.token !== "string" || d.token.length === 0 || d.token.length > MAX_TOKEN_LENGTH) issues.push({ path: [...path, "token"], message: "must be a token" });
  if (typeof d.fetchedAt !== "string" || Number.isNaN(Date.parse(d.fetchedAt))) issues.push({ path: [...path, "fetchedAt"], message: "must be an ISO 8601 time" });
  if (d.expiresAt !== undefined && (typeof d.expiresAt !== "string" || Number.isNaN(Date.parse(d.expiresAt)))) issues.push({ path: [...path, "expiresAt"], message: "must be an ISO 8601 time" });
  return issues.length === before;
}

/**
 * Checks the shape of an imported cache, reporting every problem with its path.
 *
 * @param value - the parsed JSON
 * @throws LicenceError `ERR_INPUT_MALFORMED`
 */
export function parseVerifierCache(value: unknown): VerifierCache {
  const issues: ValidationIssue[] = [];
  const v = (typeof value === "object" && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  if (v.format !== "elicence-verifier-cache") issues.push({ path: ["format"], message: "must be \"elicence-verifier-cache\"" });
  if (v.version !== 1) issues.push({ path: ["version"], message: "must be 1" });
  let trustList: CachedDocument | undefined;
  if (v.trustList !== undefined && documentIssues(v.trustList, ["trustList"], issues)) trustList = v.trustList;
  const statusLists: Record<string, CachedDocument> = {};
  if (typeof v.statusLists !== "object" || v.statusLists === null || Array.isArray(v.statusLists)) {
    issues.push({ path: ["statusLists"], message: "must be an object" });
  } else {
    const entries = Object.entries(v.statusLists);
    if (entries.length > MAX_STATUS_LISTS) issues.push({ path: ["statusLists"], message: `must have at most ${MAX_STATUS_LISTS} members` });
    else {
      for (const [id, doc] of entries) {
        if (!/^(0|[1-9]\d{0,8})$/.test(id)) issues.push({ path: ["statusLists", id], message: "must be keyed by a status list number" });
        else if (documentIssues(doc, ["statusLists", id], issues)) statusLists[id] = doc;
      }
    }
  }
  if (issues.length > 0) throw new LicenceError("ERR_INPUT_MALFORMED", "The verifier cache is malformed.", { issues });
  return { format: "elicence-verifier-cache", version: 1, ...(trustList ? { trustList } : {}), statusLists };
}
