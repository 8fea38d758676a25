/**
 * Migration 19 (PostgreSQL only; the SQLite schema is unchanged): the Merkle log's entries,
 * partitioned by index range with PostgreSQL's declarative partitioning.
 *
 * The log is the one table that grows without bound and with use (every read is an entry: a
 * province at 500 lookups/s on average adds tens of millions a day), while only its right edge is
 * written and proofs read it by index. Ranges of 2^26 entries (≈ 50 GB each at ≈ 740 B an entry with its indexes, as measured at 10M)
 * keep each partition's indexes small, let an operator move or archive old ranges whole (the tiles
 * served from `/v1/log/tile/…` already hold what they contain), and keep every query of the log
 * unchanged: the primary key `idx` is the partition key, so `ON CONFLICT (idx)` and look-ups by
 * index prune to one partition. Sixteen ranges (2^30 entries) are made now, and a default
 * partition takes whatever lies beyond until the operator adds more.
 *
 * Why not licences: their unique keys (the identifier, the status slot) must include the
 * partition key, and holder lookups are one index probe whose latency does not grow with size
 * (1M ÷ 10k ≤ 1.04 in `bench/registry`); hash partitions by holder would split the `id` and
 * status-slot uniqueness that issuing relies on.
 *
 * @module
 */
import type { Migration } from "./database.js";

/** Entries per log partition. */
export const LOG_PARTITION_ENTRIES = 2 ** 26;
/** Log partitions created by the migration (beyond them: the default partition). */
export const LOG_PARTITIONS = 16;

const POSTGRES = `
ALTER TABLE log_entries RENAME TO log_entries_flat;
ALTER TABLE log_entries_flat RENAME CONSTRAINT log_entries_pkey TO log_entries_flat_pkey;
ALTER INDEX log_entries_by_licence RENAME TO log_entries_flat_by_licence;
ALTER INDEX log_entries_by_kind RENAME TO log_entries_flat_by_kind;
CREATE TABLE log_entries (LIKE log_entries_flat INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (idx);
ALTER TABLE log_entries ADD CONSTRAINT log_entries_pkey PRIMARY KEY (idx);
CREATE INDEX log_entries_by_licence ON log_entries (licence, idx);
CREATE INDEX log_entries_by_kind ON log_entries (kind, at);
DO $$
BEGIN
  FOR i IN 0..${LOG_PARTITIONS - 1} LOOP
    EXECUTE format('CREATE TABLE log_entries_p%s PARTITION OF log_entries FOR VALUES FROM (%s) TO (%s)', i, i::bigint * ${LOG_PARTITION_ENTRIES}, (i + 1)::bigint * ${LOG_PARTITION_ENTRIES});
  END LOOP;
END
$$;
CREATE TABLE log_entries_beyond PARTITION OF log_entries DEFAULT;
INSERT INTO log_entries SELECT * FROM log_entries_flat;
DROP TABLE log_entries_flat;
`;

/** Migration 19: the log's entries partitioned by index range on PostgreSQL; nothing on SQLite. */
export const V19_PARTITIONED_LOG: Migration = {
  version: 19,
  name: "log entries partitioned by index (PostgreSQL)",
  sqlite: "SELECT 1;",
  postgres: POSTGRES,
};
