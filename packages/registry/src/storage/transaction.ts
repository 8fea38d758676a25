/**
 * What both adapters share about transactions: knowing when code runs inside one, and how long to
 * wait before retrying one that lost a race.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

interface Scope {
  readonly owner: object;
  readonly parent: Scope | undefined;
  active: boolean;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Runs `fn` marked as inside a transaction of `owner`; `end()` clears the mark (work started inside
 * `fn` that outlives it is no longer "inside").
 */
export function enterTransaction<T>(owner: object, fn: () => Promise<T>): { readonly result: Promise<T>; end(): void } {
  const scope: Scope = { owner, parent: scopes.getStore(), active: true };
  return { result: scopes.run(scope, fn), end: () => void (scope.active = false) };
}

/**
 * Refuses a query or transaction on `owner` itself from inside one of its transactions: on SQLite it
 * would wait for the transaction that waits for it; on PostgreSQL it would run outside the transaction.
 */
export function assertOutsideTransaction(owner: object): void {
  for (let s = scopes.getStore(); s; s = s.parent) {
    if (s.owner === owner && s.active) {
      throw new TypeError("Inside transaction(), use the transaction's own query methods (tx.all/get/run), not the database's.");
    }
  }
}

/** How many times a transaction runs at most when it keeps losing races (busy / serialization failure / deadlock). */
export const DEFAULT_MAX_ATTEMPTS = 10;

/** Full-jitter exponential backoff: a random wait up to 5 ms × 2^(attempt-1), capped at 250 ms. */
export function retryDelayMs(attempt: number): number {
  return Math.random() * Math.min(250, 5 * 2 ** (attempt - 1));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
