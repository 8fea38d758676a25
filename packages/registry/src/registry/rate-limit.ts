/**
 * A per-key rate limit (a fixed window per key), for operations whose answers add up to a
 * disclosure: verify-data answers yes/no, and enough questions would rebuild a value.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";

/** How many calls one key may make per window. */
export interface RateLimit {
  /** Calls allowed per window. */
  readonly comparisons: number;
  /** The window, in milliseconds. */
  readonly perMs: number;
}

/** The default verify-data allowance: 120 comparisons per department per minute. */
export const DEFAULT_VERIFY_DATA_LIMIT: RateLimit = { comparisons: 120, perMs: 60_000 };

/** Windows kept at most; older ones are dropped first (a window that ended has nothing to keep). */
const MAX_KEYS = 10_000;

/** Counts calls per key in fixed windows and refuses the ones beyond the limit. */
export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #windows = new Map<string, { start: number; count: number }>();

  /** @throws TypeError for a limit that is not two positive integers */
  constructor(limit: RateLimit) {
    if (!Number.isSafeInteger(limit?.comparisons) || limit.comparisons < 1 || !Number.isSafeInteger(limit.perMs) || limit.perMs < 1) {
      throw new TypeError("A rate limit needs a positive whole number of calls per positive whole number of milliseconds.");
    }
    this.#limit = limit;
  }

  /**
   * Takes one call for a key at `now`.
   *
   * @throws LicenceError `ERR_RATE_LIMITED` (with `details.retryAfterSeconds`) beyond the limit
   */
  take(key: string, now: number): void {
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.#limit.perMs || now < window.start) {
      if (!window && this.#windows.size >= MAX_KEYS) this.#prune(now);
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    if (window.count >= this.#limit.comparisons) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window.start + this.#limit.perMs - now) / 1000));
      throw new LicenceError("ERR_RATE_LIMITED", "Too many requests of this kind from this department; try again later.", { details: { retryAfterSeconds } });
    }
    window.count++;
  }

  #prune(now: number): void {
    for (const [key, w] of this.#windows) if (now - w.start >= this.#limit.perMs) this.#windows.delete(key);
    // Still full: every window is live; drop the oldest (a fresh allowance errs towards callers, bounded by MAX_KEYS).
    if (this.#windows.size >= MAX_KEYS) this.#windows.delete(this.#windows.keys().next().value!);
  }
}
