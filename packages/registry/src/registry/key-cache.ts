/**
 * API keys checked once, then kept in memory. A request with a known key costs one read of the
 * `api_keys.epoch` counter (a primary-key row; migration 18) and one SHA-256, instead of reading
 * and parsing the key's row. The counter is moved by a database trigger whenever any key row is
 * updated or deleted — a revocation by this process, by another process on the same database, or
 * by hand — in the same transaction as the change. Every request reads the counter before it
 * trusts the cache, and a changed counter drops the whole cache, so a key revoked and committed
 * anywhere is refused from the next request on (the cache never outlives a committed revocation).
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { LicenceError, type Principal } from "@elicence/core";
import type { Queryable } from "../storage/database.js";
import { authenticatedRow, KEY_FORMAT } from "./access.js";

/** At most this many keys are kept; a full cache starts again empty. */
const MAX_KEYS = 10_000;

interface Entry {
  readonly secretHash: Buffer;
  readonly principal: Principal;
}

/** The key cache of one registry process. */
export class ApiKeyCache {
  readonly #keys = new Map<string, Entry>();
  #epoch: number | undefined;
  /** Requests answered from the cache, and keys read from the database (tests, bench). */
  readonly stats = { hits: 0, misses: 0, drops: 0 };

  /**
   * Authenticates an API key (see the module comment).
   *
   * @throws LicenceError `ERR_UNAUTHENTICATED` for a malformed, unknown, revoked or wrong key
   */
  async authenticate(db: Queryable, key: unknown): Promise<Principal> {
    if (typeof key !== "string") throw unauthenticated();
    const m = KEY_FORMAT.exec(key);
    if (!m) throw unauthenticated();
    const id = m[1]!;
    const presented = createHash("sha256").update(m[2]!).digest();
    // The counter first: a key row read after it is at least as new as the counter value.
    const row = await db.get<{ value: number }>("SELECT value FROM counters WHERE name = 'api_keys.epoch'");
    const epoch = row?.value ?? -1;
    if (epoch !== this.#epoch) {
      if (this.#keys.size > 0) this.stats.drops++;
      this.#keys.clear();
      this.#epoch = epoch;
    }
    const hit = this.#keys.get(id);
    if (hit) {
      if (!timingSafeEqual(hit.secretHash, presented)) throw unauthenticated();
      this.stats.hits++;
      return hit.principal;
    }
    this.stats.misses++;
    const found = await authenticatedRow(db, id, presented);
    // Kept only if no newer counter was seen meanwhile (another request may have dropped the cache).
    if (this.#epoch === epoch) {
      if (this.#keys.size >= MAX_KEYS) this.#keys.clear();
      this.#keys.set(id, { secretHash: presented, principal: found });
    }
    return found;
  }
}

function unauthenticated(): LicenceError {
  return new LicenceError("ERR_UNAUTHENTICATED", "The API key is not valid.");
}
