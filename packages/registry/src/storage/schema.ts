/**
 * The registry schema, as migrations for both engines. Portable SQL where possible; the two
 * dialects differ only in column types (BLOB/BYTEA, INTEGER/BIGINT).
 *
 * Storage per licence is kept small: the signer's certificate chain is stored once in
 * `signer_chains` and the JWS protected header is rebuilt from it (byte-identical, checked at
 * issue time); the payload is kept as raw JSON bytes, not base64.
 *
 * @module
 */
import { V19_PARTITIONED_LOG } from "./partitions.js";
import type { Migration } from "./database.js";

function both(sql: string): { sqlite: string; postgres: string } {
  return {
    sqlite: sql.replace(/\bBYTES\b/g, "BLOB").replace(/\bINT64\b/g, "INTEGER"),
    postgres: sql.replace(/\bBYTES\b/g, "BYTEA").replace(/\bINT64\b/g, "BIGINT"),
  };
}

const V1 = `
CREATE TABLE licence_types (
  code TEXT NOT NULL,
  version INT64 NOT NULL,
  definition TEXT NOT NULL,
  created_at INT64 NOT NULL,
  PRIMARY KEY (code, version)
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  secret_hash BYTES NOT NULL,
  department TEXT NOT NULL,
  roles TEXT NOT NULL,
  licence_types TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INT64 NOT NULL,
  revoked_at INT64
);
CREATE TABLE signer_chains (
  id INT64 PRIMARY KEY,
  digest BYTES NOT NULL UNIQUE,
  alg TEXT NOT NULL,
  x5t TEXT NOT NULL,
  x5c TEXT NOT NULL
);
CREATE TABLE licences (
  id TEXT PRIMARY KEY,
  type_code TEXT NOT NULL,
  type_version INT64 NOT NULL,
  issuer TEXT NOT NULL,
  holder_key BYTES NOT NULL,
  serial TEXT NOT NULL,
  version INT64 NOT NULL,
  status TEXT NOT NULL,
  status_list INT64 NOT NULL,
  status_idx INT64 NOT NULL,
  issued_at INT64 NOT NULL,
  valid_from INT64 NOT NULL,
  valid_until INT64,
  supersedes TEXT,
  superseded_by TEXT,
  chain_id INT64 NOT NULL REFERENCES signer_chains (id),
  payload BYTES NOT NULL,
  signature BYTES NOT NULL,
  disclosures TEXT NOT NULL
);
CREATE INDEX licences_by_holder ON licences (holder_key, type_code);
CREATE UNIQUE INDEX licences_by_status ON licences (status_list, status_idx);
CREATE INDEX licences_by_issuer ON licences (issuer, issued_at);
CREATE TABLE status_history (
  licence_id TEXT NOT NULL,
  seq INT64 NOT NULL,
  status TEXT NOT NULL,
  at INT64 NOT NULL,
  reason TEXT NOT NULL,
  department TEXT NOT NULL,
  officer TEXT,
  PRIMARY KEY (licence_id, seq)
);
CREATE TABLE status_lists (
  id INT64 PRIMARY KEY,
  bits INT64 NOT NULL,
  size INT64 NOT NULL,
  used INT64 NOT NULL,
  bytes BYTES NOT NULL,
  revision INT64 NOT NULL
);
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INT64 NOT NULL
);
CREATE TABLE requests (
  department TEXT NOT NULL,
  request_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at INT64 NOT NULL,
  PRIMARY KEY (department, request_id)
);
CREATE TABLE agreements (
  id TEXT PRIMARY KEY,
  consumer TEXT NOT NULL,
  type_code TEXT NOT NULL,
  fields TEXT NOT NULL,
  expires_at INT64 NOT NULL,
  created_at INT64 NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX agreements_by_consumer ON agreements (consumer, type_code);
CREATE TABLE authorisations (
  id TEXT PRIMARY KEY,
  holder_key BYTES NOT NULL,
  holder_id_type TEXT NOT NULL,
  consumer TEXT NOT NULL,
  type_code TEXT NOT NULL,
  fields TEXT NOT NULL,
  expires_at INT64 NOT NULL,
  created_at INT64 NOT NULL
);
CREATE INDEX authorisations_by_holder ON authorisations (holder_key, consumer, type_code);
CREATE TABLE log_entries (
  idx INT64 PRIMARY KEY,
  leaf_hash BYTES NOT NULL,
  kind TEXT NOT NULL,
  entry TEXT NOT NULL,
  at INT64 NOT NULL
);
CREATE TABLE log_nodes (
  level INT64 NOT NULL,
  idx INT64 NOT NULL,
  hash BYTES NOT NULL,
  PRIMARY KEY (level, idx)
);
INSERT INTO counters (name, value) VALUES ('log.size', 0);
INSERT INTO counters (name, value) VALUES ('status.next', 0);
INSERT INTO counters (name, value) VALUES ('signer_chains.next', 0);
`;

/**
 * V2: log entries name their licence in a column (indexed), so a licence's events are found
 * without scanning the log; reads and issues are found by kind and time for the sharing figures.
 */
const V2 = `
ALTER TABLE log_entries ADD COLUMN licence TEXT;
CREATE INDEX log_entries_by_licence ON log_entries (licence, idx);
CREATE INDEX log_entries_by_kind ON log_entries (kind, at);
`;

/**
 * Licences name their signing certificate by `x5t#S256` only; those signed before carry the chain
 * in `x5c`. A signer chain row says which header form its licences were signed with, so the
 * header is rebuilt byte for byte either way (existing rows: the older form).
 */
const V3 = `
ALTER TABLE signer_chains ADD COLUMN header_x5c INTEGER NOT NULL DEFAULT 1;
`;

/**
 * V4: a request id's request is remembered by a digest of its body, so reusing the id with another
 * body is refused instead of answered with the first result (rows from before: any body replays).
 */
const V4 = `
ALTER TABLE requests ADD COLUMN body_hash TEXT;
`;

/**
 * Approval matters (事项目录): each matter's definition as validated JSON (like licence types), with
 * who added it and when. Numbered 12 (its issue), leaving room for migrations made in parallel.
 */
const V12 = `
CREATE TABLE approval_matters (
  code TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  created_at INT64 NOT NULL,
  created_by TEXT NOT NULL
);
`;

/**
 * The RFC 3161 time-stamp token over each licence's signature (JAdES `sigTst`), DER; NULL for a
 * licence issued without a TSA. It goes in the archive form's `etsiU`, never in the compact form.
 */
const V5 = `
ALTER TABLE licences ADD COLUMN sig_tst BYTES;
`;

/**
 * V6: certificates the workspace CA revoked (`elicence department revoke`), by serial number
 * (lowercase hex): what its CRL lists and its OCSP responder answers (RFC 5280 §5, RFC 6960).
 */
const V6 = `
CREATE TABLE revoked_certificates (
  serial TEXT PRIMARY KEY,
  department TEXT NOT NULL,
  certificate TEXT NOT NULL,
  revoked_at INT64 NOT NULL,
  reason TEXT NOT NULL
);
`;

/**
 * V13: the long-term evidence a licence was augmented with (JAdES B-T/B-LT/B-LTA, ETSI TS 119 182-1
 * clause 6): its archive form's `etsiU`, a JSON array of base64url elements (`sigTst`, `xVals`,
 * `rVals`, `arcTst`, …) kept byte for byte, since each archive time-stamp covers the elements
 * before it; NULL until the licence is augmented.
 */
const V13 = `
ALTER TABLE licences ADD COLUMN etsi_u TEXT;
`;

/**
 * V17: the hidden fields' disclosures are sealed at rest (AES-256-GCM under a data key the
 * workspace key wraps; see `registry/sealing/`). Data keys live here, wrapped; each licence row
 * names the key that sealed it. Rows from before stay clear (`disclosures_key` NULL) until
 * `elicence workspace rotate-data-key` seals them: SQL cannot, it has no key, and the registry
 * refuses to open while such rows remain. The partial index finds them without a scan.
 */
const V17 = `
CREATE TABLE data_keys (
  id TEXT PRIMARY KEY,
  wrapped BYTES NOT NULL,
  created_at INT64 NOT NULL
);
ALTER TABLE licences ADD COLUMN disclosures_key TEXT;
CREATE INDEX licences_unsealed ON licences (id) WHERE disclosures_key IS NULL;
`;

/**
 * V18: a change counter for API keys, moved by the database itself (a trigger) whenever a key row
 * is updated (revoked) or deleted, by any process or by hand. Each registry process keeps the keys
 * it has checked in memory and reads this one counter per request: a changed counter drops the
 * cache, so a key revoked anywhere is refused from the next request (`registry/key-cache.ts`).
 * Numbered 18 (its issue's slot), leaving room for migrations made in parallel.
 */
const V18_COUNTER = `INSERT INTO counters (name, value) VALUES ('api_keys.epoch', 0) ON CONFLICT (name) DO NOTHING;
`;
const V18_SQLITE = `${V18_COUNTER}CREATE TRIGGER api_keys_epoch_update AFTER UPDATE ON api_keys BEGIN UPDATE counters SET value = value + 1 WHERE name = 'api_keys.epoch'; END;
CREATE TRIGGER api_keys_epoch_delete AFTER DELETE ON api_keys BEGIN UPDATE counters SET value = value + 1 WHERE name = 'api_keys.epoch'; END;
`;
const V18_POSTGRES = `${V18_COUNTER}CREATE FUNCTION api_keys_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE counters SET value = value + 1 WHERE name = 'api_keys.epoch';
  RETURN NULL;
END
$fn$;
CREATE TRIGGER api_keys_epoch AFTER UPDATE OR DELETE ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION api_keys_epoch_bump();
`;

/**
 * V14: dual-signed licences. A department with several keys (SM2SM3 and ES256) signs each licence
 * with every one; the `licences` row keeps the first signature as before, `signatures` says how
 * many there are (NULL: one), and each further one is a row here: its signer chain (the protected
 * header is rebuilt from it and `issued_at`, as for the first) and its value and time-stamp token.
 */
const V14 = `
ALTER TABLE licences ADD COLUMN signatures INT64;
CREATE TABLE licence_signatures (
  licence_id TEXT NOT NULL,
  seq INT64 NOT NULL,
  chain_id INT64 NOT NULL REFERENCES signer_chains (id),
  signature BYTES NOT NULL,
  sig_tst BYTES,
  PRIMARY KEY (licence_id, seq)
);
`;

/**
 * V15: holder consents. A consent is also a row of `authorisations` (same id), so every read path
 * already entitles from it; withdrawing moves that row's `expires_at` to the withdrawal time. This
 * table keeps what only a consent has: the holder's signed token (the evidence), the key and the
 * vouching department, the purpose, and the withdrawal. `holder_tokens` remembers every holder
 * token id until its token is too old to be accepted anyway, so none is accepted twice.
 */
const V15 = `
CREATE TABLE consents (
  id TEXT PRIMARY KEY,
  holder_key BYTES NOT NULL,
  key_thumbprint TEXT NOT NULL,
  vouched_by TEXT NOT NULL,
  purpose TEXT NOT NULL,
  token TEXT NOT NULL,
  created_at INT64 NOT NULL,
  expires_at INT64 NOT NULL,
  withdrawn_at INT64
);
CREATE INDEX consents_by_holder ON consents (holder_key, created_at);
CREATE TABLE holder_tokens (
  jti TEXT PRIMARY KEY,
  stale_at INT64 NOT NULL
);
`;

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  { version: 1, name: "initial schema", ...both(V1) },
  {
    version: 2,
    name: "log entries by licence",
    sqlite: `${V2}UPDATE log_entries SET licence = json_extract(entry, '$.licence');\n`,
    postgres: `${V2}UPDATE log_entries SET licence = (entry::jsonb ->> 'licence');\n`,
  },
  { version: 3, name: "signer chains say their header form", ...both(V3) },
  { version: 4, name: "requests remember their body", ...both(V4) },
  { version: 5, name: "licences keep their signature time-stamp", ...both(V5) },
  { version: 6, name: "revoked certificates", ...both(V6) },
  { version: 12, name: "approval matters", ...both(V12) },
  { version: 13, name: "licences keep their long-term evidence", ...both(V13) },
  { version: 14, name: "dual-signed licences", ...both(V14) },
  { version: 15, name: "holder consents", ...both(V15) },
  { version: 17, name: "sealed disclosures", ...both(V17) },
  { version: 18, name: "api key change counter", sqlite: V18_SQLITE, postgres: V18_POSTGRES },
  V19_PARTITIONED_LOG,
]);
