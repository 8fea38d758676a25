/**
 * A licence row's disclosures at rest: the `conditional` and `none` fields of the licence (the
 * only ones that are SD-JWT disclosures — `unconditional` fields are plain claims of the signed
 * payload, shown to every authenticated department and kept in clear with it), as one JSON object
 * `{ name: disclosure }` sealed with the current data key. The associated data binds the sealed
 * bytes to the licence id and the key id, so a value copied onto another row (or relabelled with
 * another key id) fails authentication with `ERR_SEALED_DATA_INVALID` instead of being served.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import type { Queryable } from "../../storage/database.js";
import { openBytes, sealBytes, type DataKey, type DataKeys } from "./data-keys.js";

/** What a licence row stores of its disclosures. */
export interface SealedDisclosures {
  /** The sealed JSON (base64url of IV ‖ ciphertext ‖ tag), or clear JSON on a row from before sealing. */
  readonly disclosures: string;
  /** The data key id; `null` on a row from before sealing. */
  readonly disclosures_key: string | null;
}

function aad(licenceId: string, keyId: string): string {
  return `licences.disclosures\u0000${licenceId}\u0000${keyId}`;
}

/**
 * Seals a licence's disclosures.
 *
 * @param key - the data key ({@link DataKeys.current})
 * @param licenceId - the row's id (bound into the seal)
 * @param disclosures - encoded disclosures by field name
 */
export function sealDisclosures(key: DataKey, licenceId: string, disclosures: Readonly<Record<string, string>>): { disclosures: string; disclosures_key: string } {
  const sealed = sealBytes(key.key, Buffer.from(JSON.stringify(disclosures), "utf8"), aad(licenceId, key.id));
  return { disclosures: sealed.toString("base64url"), disclosures_key: key.id };
}

/**
 * Opens a row's disclosures.
 *
 * @throws LicenceError `ERR_SEALED_DATA_INVALID` (the bytes are not this row's), `ERR_DATA_KEY_INVALID`
 */
export async function openDisclosures(keys: DataKeys, q: Queryable, row: SealedDisclosures & { readonly id: string }): Promise<Record<string, string>> {
  // A row from before sealing (until `elicence workspace rotate-data-key` has run; the registry does not open with such rows).
  if (row.disclosures_key === null) return JSON.parse(row.disclosures) as Record<string, string>;
  const key = await keys.key(q, row.disclosures_key);
  const plain = openBytes(key, Buffer.from(row.disclosures, "base64url"), aad(row.id, row.disclosures_key));
  if (!plain) throw new LicenceError("ERR_SEALED_DATA_INVALID", "A licence's sealed fields do not belong to it or were altered.", { details: { licence: row.id } });
  return JSON.parse(plain.toString("utf8")) as Record<string, string>;
}

/** Opens rows' disclosures once each (a read shares a row's disclosures between its steps). */
export class DisclosureOpener {
  readonly #keys: DataKeys;
  readonly #opened = new WeakMap<object, Promise<Record<string, string>>>();

  /** @param keys - the registry's data keys */
  constructor(keys: DataKeys) {
    this.#keys = keys;
  }

  /** The data keys. */
  get keys(): DataKeys {
    return this.#keys;
  }

  /** A row's disclosures by field name. @throws LicenceError `ERR_SEALED_DATA_INVALID`, `ERR_DATA_KEY_INVALID` */
  open(q: Queryable, row: SealedDisclosures & { readonly id: string }): Promise<Record<string, string>> {
    let opened = this.#opened.get(row);
    if (!opened) {
      opened = openDisclosures(this.#keys, q, row);
      this.#opened.set(row, opened);
    }
    return opened;
  }

  /** Seals a new row's disclosures with the current data key. */
  seal(licenceId: string, disclosures: Readonly<Record<string, string>>): { disclosures: string; disclosures_key: string } {
    return sealDisclosures(this.#keys.current(), licenceId, disclosures);
  }
}
