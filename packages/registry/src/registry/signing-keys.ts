/**
 * The departments' signing keys held by a running registry: each department's issuing context
 * for this thread, and the signing workers large batches go to (given the same keys in memory).
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import { type IssuingContext } from "@elicence/core/issue";
import { SignPool, type WorkerDepartment } from "./sign-pool.js";

/** A department's decrypted key: its issuing context here and what the workers sign with. */
export interface DepartmentKey extends WorkerDepartment {
  readonly context: IssuingContext;
  /** Its further keys' contexts (a dual-signed department), in signing order. */
  readonly cosigners?: readonly IssuingContext[];
}

/** The signing keys of the registry's departments and the workers that share them. */
export class SigningKeys {
  readonly #contexts = new Map<string, IssuingContext>();
  readonly #cosigners = new Map<string, readonly IssuingContext[]>();
  #pool: SignPool | undefined;
  /** Batches with fewer items than this are signed in this thread. */
  workerThreshold = 16;

  /** @param keys - every department's key (the workers start on first use) */
  constructor(keys: readonly DepartmentKey[]) {
    for (const k of keys) {
      this.#contexts.set(k.code, k.context);
      if (k.cosigners?.length) this.#cosigners.set(k.code, k.cosigners);
    }
    this.#pool = new SignPool(keys.map(({ code, alg, key, chain }) => ({ code, alg, key, chain })));
  }

  /** A department's issuing context. @throws LicenceError `ERR_FORBIDDEN` when the registry holds no key for it */
  context(department: string): IssuingContext {
    const context = this.#contexts.get(department);
    if (!context) throw new LicenceError("ERR_FORBIDDEN", "The registry holds no signing key for this department.");
    return context;
  }

  /** A department's further keys' contexts (none: it signs with one key). */
  cosigners(department: string): readonly IssuingContext[] {
    return this.#cosigners.get(department) ?? [];
  }

  /** The signing workers for batches; none: sign in this thread. */
  get pool(): SignPool | undefined {
    return this.#pool;
  }

  /**
   * Adds (or replaces) a department's key. The signing workers get it too: a new pool with every
   * department (the old one's workers stop; a batch they were signing fails whole, with nothing
   * written).
   */
  async add(key: DepartmentKey): Promise<void> {
    const { context, code, alg, chain } = key;
    this.#contexts.set(code, context);
    if (key.cosigners?.length) this.#cosigners.set(code, key.cosigners);
    else this.#cosigners.delete(code);
    if (this.#pool) {
      const old = this.#pool;
      this.#pool = new SignPool([...old.departments.filter((d) => d.code !== code), { code, alg, key: key.key, chain }]);
      await old.close();
    }
  }

  /** Stops the signing workers. */
  async close(): Promise<void> {
    await this.#pool?.close();
  }
}
