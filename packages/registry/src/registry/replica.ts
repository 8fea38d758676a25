/**
 * Holder lookups served by a PostgreSQL streaming replica (a hot standby), within a stated staleness
 * bound, while every write — the read log included — goes to the primary.
 *
 * **The bound.** A poller samples, every `pollMs`, the primary's WAL insert position `P` at wall time
 * `t0` (`pg_current_wal_insert_lsn()`, read after `t0` is taken, so every transaction that committed
 * before `t0` has its commit record below `P`), and the replica's replay position `R`
 * (`pg_last_wal_replay_lsn()`). Once `R ≥ P`, every transaction committed on the primary before `t0`
 * has been replayed on the replica, and a snapshot the replica takes from then on sees it (a hot
 * standby's snapshots follow replay, and replay only moves forward). `freshAsOf` is the latest such
 * `t0`. A lookup is sent to the replica only while `now − freshAsOf ≤ maxStalenessMs`; otherwise, and
 * whenever the replica fails (down, a recovery conflict, not a standby), it reads the primary. So a
 * revocation committed at `t` is seen by every lookup that starts after `t + maxStalenessMs`, on
 * whichever database it runs; reads that must be exact (status at a time, status history, a
 * licence's log entries, verify-data, the signed status lists) always read the primary.
 *
 * Why this is safe for status: a verifier is already allowed to rely on a status list token for its
 * `ttl` (300 s, see `PublicOperations.statusList`), so a lookup's status lagging a revocation by at
 * most `maxStalenessMs` (1 s by default) widens no window a relying party does not already accept;
 * and the lag is bounded by measurement, never assumed from the replication settings: a replica that
 * falls behind, or stops answering, takes no lookups until it has caught up again.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import { openDatabase, type Database, type Queryable } from "../storage/database.js";

/** Where and how fresh: the options of {@link ReplicaReads.open}. */
export interface ReplicaOptions {
  /** The hot standby's `postgres://` URL. */
  readonly url: string;
  /** The most a replica-served lookup may lag the primary, in ms (default 1000). */
  readonly maxStalenessMs?: number;
  /** How often the replay position is sampled, in ms (default a quarter of the bound). */
  readonly pollMs?: number;
  /** Connections to the replica (default 10). */
  readonly poolSize?: number;
}

/** How many lookups each database served, and how many replica attempts fell back to the primary. */
export interface ReplicaStats {
  replica: number;
  primary: number;
  fallbacks: number;
}

/** Parses a `pg_lsn` text (`16/B374D848`) into a number comparable across samples. */
export function parseLsn(text: string): bigint {
  const m = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(text);
  if (!m) throw new LicenceError("ERR_UNAVAILABLE", "The database reported a malformed WAL position.");
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

/** The most samples of the primary's position kept while the replica catches up (older ones are superseded). */
const MAX_SAMPLES = 64;

/** Routes holder lookups to a replica while it is provably fresh within the bound. */
export class ReplicaReads {
  readonly #primary: Database;
  readonly #options: ReplicaOptions;
  readonly maxStalenessMs: number;
  #replica: Database | undefined;
  #opening: Promise<void> | undefined;
  /** Primary positions not yet replayed, oldest first. */
  readonly #samples: { t0: number; lsn: bigint }[] = [];
  #freshAsOf = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setInterval> | undefined;
  #polling: Promise<void> | undefined;
  #closed = false;
  /** Lookups served by each database since open. */
  readonly stats: ReplicaStats = { replica: 0, primary: 0, fallbacks: 0 };

  private constructor(primary: Database, options: ReplicaOptions) {
    this.#primary = primary;
    this.#options = options;
    this.maxStalenessMs = options.maxStalenessMs ?? 1000;
  }

  /**
   * Starts routing: opens the replica (a replica that cannot be reached now is retried at every
   * poll; lookups read the primary meanwhile) and samples its freshness once before resolving.
   *
   * @param primary - the registry's database (must be PostgreSQL)
   * @param options - the replica's URL and the staleness bound
   * @throws LicenceError `ERR_INPUT_MALFORMED` when the primary or the URL is not PostgreSQL
   */
  static async open(primary: Database, options: ReplicaOptions): Promise<ReplicaReads> {
    if (primary.dialect !== "postgres" || !/^postgres(?:ql)?:\/\//.test(options.url)) {
      throw new LicenceError("ERR_INPUT_MALFORMED", "Replica reads need a PostgreSQL primary and a postgres:// replica URL.");
    }
    const bound = options.maxStalenessMs ?? 1000;
    const poll = options.pollMs ?? Math.max(10, Math.floor(bound / 4));
    if (!Number.isSafeInteger(bound) || bound < 1 || !Number.isSafeInteger(poll) || poll < 1 || poll > bound) {
      throw new TypeError("maxStalenessMs must be a positive integer and pollMs one from 1 to maxStalenessMs.");
    }
    const reads = new ReplicaReads(primary, options);
    await reads.poll();
    reads.#timer = setInterval(() => void reads.poll(), poll);
    reads.#timer.unref();
    return reads;
  }

  /** The wall time (ms) up to which the replica is known to hold every commit of the primary. */
  get freshAsOf(): number {
    return this.#freshAsOf;
  }

  /** Whether a lookup starting at `now` may read the replica. */
  fresh(now: number = Date.now()): boolean {
    return this.#replica !== undefined && now - this.#freshAsOf <= this.maxStalenessMs;
  }

  /**
   * Runs a read-only `work` on the replica when it is fresh, else on the primary; a replica that
   * fails mid-read is marked stale and `work` runs again on the primary (it must have no effects).
   */
  async read<T>(work: (db: Queryable) => Promise<T>): Promise<T> {
    const replica = this.#replica;
    if (replica && this.fresh()) {
      try {
        const result = await work(replica);
        this.stats.replica++;
        return result;
      } catch (err) {
        if (!(err instanceof LicenceError && err.code === "ERR_UNAVAILABLE")) throw err;
        // Down, restarting, or a query cancelled by a recovery conflict: the primary answers, and
        // the replica takes lookups again once a poll has shown it fresh.
        this.#freshAsOf = Number.NEGATIVE_INFINITY;
        this.#samples.length = 0;
        this.stats.fallbacks++;
      }
    }
    const result = await work(this.#primary);
    this.stats.primary++;
    return result;
  }

  /** One freshness sample (also what the timer runs); never throws. */
  async poll(): Promise<void> {
    if (this.#polling) return this.#polling;
    this.#polling = this.#pollOnce().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #pollOnce(): Promise<void> {
    if (this.#closed) return;
    if (!this.#replica) {
      // Short bounds for both reaching the replica and waiting on its pool: a dead or swamped
      // replica fails fast, and the lookup falls back to the primary.
      const bound = Math.max(100, this.maxStalenessMs);
      this.#opening ??= openDatabase(this.#options.url, { poolSize: this.#options.poolSize ?? 10, connectTimeoutMs: bound, poolWaitMs: bound })
        .then((db) => {
          if (this.#closed) return db.close();
          this.#replica = db;
        })
        .catch(() => undefined)
        .finally(() => {
          this.#opening = undefined;
        });
      await this.#opening;
      if (!this.#replica) return;
    }
    const t0 = Date.now();
    try {
      const p = await this.#primary.get<{ lsn: string }>("SELECT pg_current_wal_insert_lsn()::text AS lsn");
      this.#samples.push({ t0, lsn: parseLsn(p!.lsn) });
      if (this.#samples.length > MAX_SAMPLES) this.#samples.shift();
    } catch {
      return; // the primary is out of reach: nothing new can be proved fresh
    }
    try {
      const r = await this.#replica.get<{ lsn: string | null; standby: number }>("SELECT pg_last_wal_replay_lsn()::text AS lsn, pg_is_in_recovery() AS standby");
      // A server that is not (or no longer) a standby of this primary proves nothing.
      if (!r || r.standby !== 1 || r.lsn === null) {
        this.#freshAsOf = Number.NEGATIVE_INFINITY;
        return;
      }
      const replayed = parseLsn(r.lsn);
      while (this.#samples.length > 0 && this.#samples[0]!.lsn <= replayed) {
        this.#freshAsOf = Math.max(this.#freshAsOf, this.#samples.shift()!.t0);
      }
    } catch {
      this.#freshAsOf = Number.NEGATIVE_INFINITY;
    }
  }

  /** Stops polling and closes the replica's connections (the primary is the registry's to close). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#polling;
    await this.#opening;
    await this.#replica?.close();
    this.#replica = undefined;
  }
}
