/**
 * A first-come, first-served async mutex: one holder at a time, waiters served in arrival order.
 *
 * @module
 */

/** An async lock; `unlock` hands the lock straight to the next waiter, so nobody can cut in. */
export class Mutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  /** True while someone holds the lock. */
  get locked(): boolean {
    return this.#locked;
  }

  /** Resolves once the caller holds the lock; the caller must call {@link unlock} exactly once. */
  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Releases the lock, or passes it to the longest waiter. */
  unlock(): void {
    if (!this.#locked) throw new TypeError("The mutex is not locked.");
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}
