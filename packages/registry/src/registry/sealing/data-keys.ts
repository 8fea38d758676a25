/**
 * The registry's data keys: AES-256 keys that seal the hidden (`conditional` and `none`)
 * disclosures of every licence row at rest. Envelope encryption: each data key is stored in the
 * database (`data_keys`) wrapped under a key-encryption key that only the workspace holds —
 * `pki/data.key.pem`, an encrypted PKCS#8 file like every other workspace key, opened with the
 * workspace passphrase. A copy of the database alone opens nothing.
 *
 * Rotation adds a data key; rows name the key that sealed them (`licences.disclosures_key`), so
 * every key stays readable while rows move to the new one (`rotateDataKey`). Data keys are never
 * deleted: a row sealed under an older key by a process that had not yet seen the new one stays
 * readable, and the next rotation moves it.
 *
 * Cipher: AES-256-GCM (NIST SP 800-38D), a random 96-bit IV per seal, 128-bit tag; the associated
 * data names what the bytes are for, so a sealed value moved elsewhere fails authentication.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, generateKeyPairSync, hkdfSync, randomBytes } from "node:crypto";
import { link, readFile, unlink, writeFile } from "node:fs/promises";
import { LicenceError } from "@elicence/core";
import { decryptPrivateKey, encryptPrivateKey } from "@elicence/core/keys";
import type { Queryable } from "../../storage/database.js";

/** Where the key-encryption key lives in a workspace. */
export const DATA_KEK_FILE = ["pki", "data.key.pem"] as const;
/** HKDF info (RFC 5869 §2.3) of the key-encryption key: it is used for this and nothing else. */
const KEK_INFO = "elicence data-key wrapping v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** How often a running registry looks for a data key another process (a rotation) added. */
const REFRESH_MS = 30_000;

/**
 * Seals bytes with AES-256-GCM: IV ‖ ciphertext ‖ tag.
 *
 * @param key - 32 bytes
 * @param plain - what to seal
 * @param aad - associated data: what the sealed bytes belong to
 */
export function sealBytes(key: Uint8Array, plain: Uint8Array, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/**
 * Opens what {@link sealBytes} sealed, or `undefined` when the key, the associated data or the
 * bytes are not the ones it was sealed with (GCM authentication fails; nothing is released).
 */
export function openBytes(key: Uint8Array, sealed: Uint8Array, aad: string): Buffer | undefined {
  if (sealed.length < IV_BYTES + TAG_BYTES) return undefined;
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/**
 * Writes a new key-encryption key file under the passphrase, unless one is there already: written
 * aside and hard-linked into place, so two processes creating it at once end with one key.
 *
 * @param path - the file (`pki/data.key.pem` of a workspace)
 * @param passphrase - the workspace passphrase
 * @param iterations - PBKDF2 iterations (default: core's)
 */
export async function createKeyEncryptionKeyFile(path: string, passphrase: string, iterations?: number): Promise<void> {
  // A random private key, so that it is stored encrypted like every other workspace key.
  const pkcs8 = new Uint8Array(generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }));
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, await encryptPrivateKey(pkcs8, passphrase, iterations ? { iterations } : {}), { mode: 0o600 });
    await link(tmp, path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "EEXIST") throw err;
    });
  } finally {
    pkcs8.fill(0);
    await unlink(tmp).catch(() => undefined);
  }
}

/**
 * The workspace's key-encryption key (created on first use): HKDF-SHA256 of the decrypted key file.
 *
 * @param path - the key file
 * @param passphrase - the workspace passphrase
 * @throws LicenceError `ERR_PASSPHRASE_INCORRECT`
 */
export async function loadKeyEncryptionKey(path: string, passphrase: string): Promise<Buffer> {
  let pem: string;
  try {
    pem = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    await createKeyEncryptionKeyFile(path, passphrase);
    pem = await readFile(path, "utf8");
  }
  const pkcs8 = await decryptPrivateKey(pem, passphrase);
  try {
    return Buffer.from(hkdfSync("sha256", pkcs8, new Uint8Array(0), KEK_INFO, 32));
  } finally {
    pkcs8.fill(0);
  }
}

function wrapAad(id: string): string {
  return `data_keys\u0000${id}`;
}

function keyInvalid(reason: "unknown" | "unwrap"): LicenceError {
  return new LicenceError(
    "ERR_DATA_KEY_INVALID",
    reason === "unknown" ? "A licence row names a data key the database does not hold." : "The workspace key does not open the registry's data key; the database belongs to another workspace.",
    { details: { reason } },
  );
}

/** A data key in use: its id (stored on every row it seals) and its bytes. */
export interface DataKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The data keys a registry process has opened, and the one it seals new rows with. */
export class DataKeys {
  readonly #kek: Buffer;
  readonly #keys = new Map<string, Buffer>();
  #current: DataKey | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** @param kek - the workspace's key-encryption key ({@link loadKeyEncryptionKey}) */
  constructor(kek: Buffer) {
    this.#kek = kek;
  }

  /**
   * Opens the newest data key (adding the first one to an empty `data_keys`), then looks for a
   * newer one every 30 s so that a rotation made by another process is followed.
   *
   * @throws LicenceError `ERR_DATA_KEY_INVALID` when the workspace key does not open it
   */
  async start(db: Queryable, now: number): Promise<void> {
    if (!(await db.get("SELECT id FROM data_keys LIMIT 1"))) await addDataKey(db, this.#kek, now);
    await this.refresh(db);
    this.#timer = setInterval(() => void this.refresh(db).catch(() => undefined), REFRESH_MS);
    this.#timer.unref();
  }

  /** Re-reads which data key is the newest (outside any transaction). */
  async refresh(db: Queryable): Promise<void> {
    const row = await db.get<{ id: string; wrapped: Uint8Array }>("SELECT id, wrapped FROM data_keys ORDER BY created_at DESC, id DESC LIMIT 1");
    if (!row) throw keyInvalid("unknown");
    this.#current = { id: row.id, key: this.#unwrap(row.id, row.wrapped) };
  }

  /** The key new rows are sealed with. */
  current(): DataKey {
    if (!this.#current) throw new TypeError("DataKeys.start() has not run.");
    return this.#current;
  }

  /**
   * A data key by id, from memory or the database.
   *
   * @throws LicenceError `ERR_DATA_KEY_INVALID` (no such key, or the workspace key does not open it)
   */
  async key(q: Queryable, id: string): Promise<Buffer> {
    const known = this.#keys.get(id);
    if (known) return known;
    const row = await q.get<{ wrapped: Uint8Array }>("SELECT wrapped FROM data_keys WHERE id = ?", [id]);
    if (!row) throw keyInvalid("unknown");
    return this.#unwrap(id, row.wrapped);
  }

  /** Stops looking for new keys. */
  stop(): void {
    clearInterval(this.#timer);
  }

  #unwrap(id: string, wrapped: Uint8Array): Buffer {
    const known = this.#keys.get(id);
    if (known) return known;
    const key = openBytes(this.#kek, wrapped, wrapAad(id));
    if (!key || key.length !== 32) throw keyInvalid("unwrap");
    this.#keys.set(id, key);
    return key;
  }
}

/**
 * Adds a fresh data key, wrapped under the key-encryption key; it becomes the newest.
 *
 * @returns its id
 */
export async function addDataKey(db: Queryable, kek: Buffer, now: number): Promise<string> {
  const id = `dk-${new Date(now).toISOString().slice(0, 10).replaceAll("-", "")}-${randomBytes(6).toString("hex")}`;
  const key = randomBytes(32);
  // Milliseconds, and always after the newest so far (a fixed test clock too): the newest key is the current one.
  const newest = await db.get<{ at: number | bigint | null }>("SELECT MAX(created_at) AS at FROM data_keys");
  const at = Math.max(Math.floor(now), newest?.at === null || newest?.at === undefined ? 0 : Number(newest.at) + 1);
  try {
    await db.run("INSERT INTO data_keys (id, wrapped, created_at) VALUES (?, ?, ?)", [id, sealBytes(kek, key, wrapAad(id)), at]);
  } finally {
    key.fill(0);
  }
  return id;
}
