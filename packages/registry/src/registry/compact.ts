/**
 * A stored licence as a compact SD-JWT again: the protected header is rebuilt from its signer
 * chain row (core's encoding, so the bytes match what was signed), then payload, signature and
 * the chosen disclosures are appended.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import { encodeLicenceHeader } from "@elicence/core/issue";
import type { Queryable } from "../storage/database.js";
import { b64u, type ChainRow, type LicenceRow } from "./rows.js";

/** The protected header a stored chain gives a licence signed at `iat`. */
export function protectedHeader(chain: ChainRow, iat: number): string {
  const x5c = Number(chain.header_x5c) === 1 ? (JSON.parse(chain.x5c) as string[]) : undefined;
  return encodeLicenceHeader({ alg: chain.alg, x5tS256: chain.x5t, ...(x5c ? { x5c } : {}) }, iat);
}

/** Rebuilds compact licences from rows, keeping signer chains and recent headers in memory. */
export class CompactLicences {
  readonly #chains = new Map<number, ChainRow>();
  readonly #headers = new Map<string, string>();

  /** The compact SD-JWT of a row with the named disclosures of its opened `disclosures` (unknown names are skipped). */
  async compact(db: Queryable, row: LicenceRow, disclosureNames: readonly string[], disclosures: Readonly<Record<string, string>>): Promise<string> {
    // Signer chains never change once stored: keep them in memory (there are few).
    let chain = this.#chains.get(row.chain_id);
    if (!chain) {
      chain = await db.get<ChainRow>("SELECT alg, x5t, x5c, header_x5c FROM signer_chains WHERE id = ?", [row.chain_id]);
      if (!chain) throw new LicenceError("ERR_UNAVAILABLE", "A signer chain is missing.");
      this.#chains.set(row.chain_id, chain);
    }
    // Licences issued in the same second with the same chain share their header: keep a few.
    const headerKey = `${row.chain_id}:${row.issued_at}`;
    let header = this.#headers.get(headerKey);
    if (header === undefined) {
      header = protectedHeader(chain, row.issued_at);
      if (this.#headers.size >= 4096) this.#headers.delete(this.#headers.keys().next().value!);
      this.#headers.set(headerKey, header);
    }
    const selected = disclosureNames.map((n) => disclosures[n]).filter((d): d is string => d !== undefined);
    return `${header}.${b64u(row.payload)}.${b64u(row.signature)}~${selected.map((d) => `${d}~`).join("")}`;
  }
}
