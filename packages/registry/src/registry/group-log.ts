/**
 * Group commit of read events. Reads append `read` events to the log; each committed on its own
 * would cost one transaction (and on SQLite one fsync) per read. Here the events of concurrent
 * reads are queued and committed together in one transaction, by whoever is queued when the
 * previous commit ends; each read is answered only after the commit that holds its events has
 * succeeded, and when that commit fails every read of the group fails with its error (none is
 * answered without its log record).
 *
 * @module
 */
import { channel } from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import type { LogEvent } from "./log.js";

/**
 * Each group commit of read events, published as `{ ms, reads, events, ok }` on this
 * `node:diagnostics_channel` channel for whoever subscribes: `ms` from the start of the group's
 * commit to its end (the rows planned, the transaction, its durable COMMIT), on either database;
 * every read of the group waited that long for its answer. Nothing is timed without a subscriber.
 */
export const READ_LOG_COMMIT_CHANNEL = "elicence:read-log:commit";
const commitChannel = channel(READ_LOG_COMMIT_CHANNEL);

/** What {@link READ_LOG_COMMIT_CHANNEL} publishes for each group. */
export interface ReadLogCommitEvent {
  readonly ms: number;
  /** Reads in the group, and the log events they append. */
  readonly reads: number;
  readonly events: number;
  /** False when the commit failed (every read of the group failed with it). */
  readonly ok: boolean;
}

function publishCommit(started: number, reads: number, events: number, ok: boolean): void {
  commitChannel.publish({ ms: performance.now() - started, reads, events, ok } satisfies ReadLogCommitEvent);
}

interface Waiter {
  readonly events: readonly LogEvent[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** At most this many reads share one commit. */
const MAX_GROUP = 256;

/** Queues events and commits them in groups; {@link append} resolves once its events are durable. */
export class GroupCommitLog {
  readonly #commit: (events: readonly LogEvent[]) => Promise<void>;
  readonly #queue: Waiter[] = [];
  #running: Promise<void> | undefined;
  #scheduled = false;
  /** Figures for tests and the bench: commits made and events committed. */
  readonly stats = { commits: 0, events: 0, groups: [] as number[] };

  /** @param commit - appends the events in one transaction and resolves after COMMIT */
  constructor(commit: (events: readonly LogEvent[]) => Promise<void>) {
    this.#commit = commit;
  }

  /** Appends `events` (kept together, in order); resolves after the commit that holds them. */
  append(events: readonly LogEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ events, resolve, reject });
      this.#kick();
    });
  }

  /** Resolves when nothing is queued or committing. */
  async idle(): Promise<void> {
    while (this.#running || this.#scheduled || this.#queue.length > 0) {
      if (this.#running) await this.#running;
      else await new Promise((r) => setImmediate(r));
    }
  }

  #kick(): void {
    if (this.#running || this.#scheduled) return;
    // One turn of the event loop lets reads that finish together share the first commit too.
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#running = this.#flush().finally(() => {
        this.#running = undefined;
        if (this.#queue.length > 0) this.#kick();
      });
    });
  }

  async #flush(): Promise<void> {
    const group = this.#queue.splice(0, MAX_GROUP);
    if (group.length === 0) return;
    const events = group.flatMap((w) => w.events);
    const started = commitChannel.hasSubscribers ? performance.now() : undefined;
    try {
      await this.#commit(events);
    } catch (err) {
      if (started !== undefined) publishCommit(started, group.length, events.length, false);
      for (const w of group) w.reject(err);
      return;
    }
    if (started !== undefined) publishCommit(started, group.length, events.length, true);
    this.stats.commits++;
    this.stats.events += events.length;
    if (this.stats.groups.length < 10_000) this.stats.groups.push(group.length);
    for (const w of group) w.resolve();
  }
}
