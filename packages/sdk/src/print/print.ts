/**
 * Printing a licence from a registry (Node): read it with its cause (the read is logged), refuse
 * one that is not active, verify and render it with `@elicence/print`, and write the PDF so that
 * no partial file is ever left behind.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { LicenceError, type JwsAlgorithm, type ReadCause, type RegistryApi, type TrustList } from "@elicence/core";
import { printLicencePdf, type LoadedFont, type PrintedLicence } from "@elicence/print";

/** Options of {@link printLicenceFromRegistry}. */
export interface PrintFromRegistryOptions {
  /** The registry (in process or a `RegistryClient`): the licence is read from it, with its type. */
  readonly source: Pick<RegistryApi, "get" | "getLicenceType">;
  /** Why it is read (申请事由): printing is a read, recorded in the registry's log. */
  readonly cause: ReadCause;
  /** The verified trust list the licence is checked against before it is printed. */
  readonly trustList: TrustList;
  /** The registry's URL, for the QR reference of a licence too large for a QR code. */
  readonly registry?: string;
  readonly at?: Date;
  readonly algorithms?: readonly JwsAlgorithm[];
  readonly fonts?: { readonly regular: LoadedFont; readonly bold: LoadedFont };
}

/**
 * Reads a licence from a registry and prints it: the fields printed are those the caller may see.
 *
 * @param id - the licence identifier
 * @param options - the registry, the cause, the trust list
 * @throws LicenceError `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_STATE_INVALID` (not active), `ERR_SIGNATURE_INVALID`, `ERR_FONT_INVALID`
 * @example
 * ```ts
 * const { pdf } = await printLicenceFromRegistry(id, { source: client, cause, trustList, registry: url });
 * await writeFileAtomically("licence.pdf", pdf);
 * ```
 */
export async function printLicenceFromRegistry(id: string, options: PrintFromRegistryOptions): Promise<PrintedLicence> {
  const shared = await options.source.get(id, options.cause);
  if (shared.status !== "active") {
    throw new LicenceError("ERR_STATE_INVALID", "The licence is not active: it is not printed.", { details: { reason: shared.status } });
  }
  const type = await options.source.getLicenceType(shared.type);
  return printLicencePdf(shared.licence, {
    trustList: options.trustList,
    fields: type.fields,
    ...(options.registry !== undefined ? { registry: options.registry } : {}),
    ...(options.at ? { at: options.at } : {}),
    ...(options.algorithms ? { algorithms: options.algorithms } : {}),
    ...(options.fonts ? { fonts: options.fonts } : {}),
  });
}

/**
 * Writes a file all at once: to a temporary file beside it, then renamed over it (atomic on one
 * file system), so a reader never sees a partial file and a failure leaves none behind.
 *
 * @param path - the file to write
 * @param bytes - its content
 */
export async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, bytes, { mode: 0o644, flag: "wx" });
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
