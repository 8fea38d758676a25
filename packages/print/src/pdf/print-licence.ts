/**
 * Printing a licence: verify it (a licence that fails is never printed), build its archive form
 * with the signer's chain as evidence, choose what its QR code holds, and render the PDF.
 *
 * @module
 */
import { DEFAULT_ALGORITHMS, LicenceError, verifyLicence, type FieldDefinition, type JwsAlgorithm, type TrustList, type VerificationReport } from "@elicence/core";
import { chooseQrContent, type QrChoice } from "../qr/content.js";
import type { LoadedFont } from "./font.js";
import { renderLicencePdf } from "./render.js";

/** Options of {@link printLicencePdf}. */
export interface PrintLicenceOptions {
  /** The verified trust list the licence is checked against; it also gives the chain the archive carries. */
  readonly trustList: TrustList;
  /** The licence type's field definitions: Chinese labels and order. */
  readonly fields?: readonly FieldDefinition[];
  /**
   * The registry's URL, for a QR reference when the licence does not fit a QR code (default: the
   * registry the licence's status list reference names, `…/v1/status-lists/N`).
   */
  readonly registry?: string;
  /** Status list tokens: a licence whose status is revoked or suspended is not printed. */
  readonly statusLists?: readonly string[];
  /** Verification and creation time (default: now). */
  readonly at?: Date;
  readonly algorithms?: readonly JwsAlgorithm[];
  readonly fonts?: { readonly regular: LoadedFont; readonly bold: LoadedFont };
}

/** A printed licence: the PDF, the QR choice and the verification it was printed after. */
export interface PrintedLicence {
  readonly pdf: Uint8Array;
  readonly qr: QrChoice;
  readonly report: VerificationReport;
}

/**
 * The archive (flattened JWS JSON) form of a compact licence, with the signer's chain as the
 * certificate values of its unsigned properties (`etsiU` → `xVals`, ETSI TS 119 182-1 clause
 * 5.3.5.1), so the embedded file verifies without the trust list's certificates.
 *
 * @param compact - `<jws>~<disclosure>~…~`
 * @param chain - the signer's chain, standard base64 DER, leaf first (none: no `etsiU`)
 */
export function archiveForm(compact: string, chain: readonly string[] = []): Record<string, unknown> {
  const [jws = "", ...rest] = compact.trim().split("~");
  const [protectedHeader, payload, signature] = jws.split(".");
  const header: Record<string, unknown> = { disclosures: rest.filter((d) => d.length > 0) };
  if (chain.length > 0) header.etsiU = [{ xVals: chain.map((val) => ({ x509Cert: { val } })) }];
  return { protected: protectedHeader, payload, signature, header };
}

/** The signer's chain the trust list holds for the licence's `x5t#S256`. */
function chainOf(compact: string, trustList: TrustList): readonly string[] {
  try {
    const header = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(compact.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)))) as Record<string, unknown>;
    const x5t = header["x5t#S256"];
    return typeof x5t === "string" ? (trustList.signerChain(x5t) ?? []) : [];
  } catch {
    return [];
  }
}

/** The registry a status list URI belongs to (`https://host/base/v1/status-lists/3` → `https://host/base`). */
function registryOfStatusList(uri: string | undefined): string | undefined {
  const match = uri === undefined ? null : /^(https?:\/\/[^?#]+?)\/v1\/status-lists\/\d+$/.exec(uri);
  return match ? match[1] : undefined;
}

/**
 * Verifies a licence and renders it as a PDF with its QR code and its archive form embedded.
 * Only a licence whose signature, chain and issuer check out is printed; one that is revoked,
 * suspended or expired (per the status lists given) is refused too.
 *
 * @param compact - the licence with the disclosures the reader may see (these fields are printed)
 * @param options - trust list, field labels, registry URL, status lists, time
 * @throws LicenceError `ERR_SIGNATURE_INVALID` (does not verify), `ERR_STATE_INVALID` (not valid now), `ERR_FONT_INVALID`, `ERR_QR_INVALID`
 * @example
 * ```ts
 * const { pdf } = await printLicencePdf(shared.licence, { trustList, fields: type.fields, registry: "https://registry.example" });
 * ```
 */
export async function printLicencePdf(compact: string, options: PrintLicenceOptions): Promise<PrintedLicence> {
  const at = options.at ?? new Date();
  const report = await verifyLicence(compact, {
    trustList: options.trustList,
    at,
    algorithms: options.algorithms ?? [...DEFAULT_ALGORITHMS],
    statusLists: options.statusLists ?? [],
  });
  if (report.indication === "FAILED" || !report.licence) {
    const stateOnly = report.checks.every((c) => c.result !== "failed" || c.check === "status" || c.check === "validity-period");
    if (stateOnly && report.licence) throw new LicenceError("ERR_STATE_INVALID", "The licence is not valid now (status or validity period): it is not printed.", { details: { reason: report.subIndication ?? "state" } });
    throw new LicenceError("ERR_SIGNATURE_INVALID", "The licence does not verify: it is not printed.", { details: { reason: report.subIndication ?? "failed" } });
  }
  const licence = report.licence;
  const registry = options.registry ?? registryOfStatusList(licence.status?.uri);
  const qr = chooseQrContent(compact, { id: licence.id, ...(registry !== undefined ? { registry } : {}) });
  const pdf = await renderLicencePdf({
    licence,
    ...(options.fields ? { fields: options.fields } : {}),
    qr: qr.text,
    qrKind: qr.kind,
    archive: archiveForm(compact, chainOf(compact, options.trustList)),
    createdAt: at,
    ...(options.fonts ? { fonts: options.fonts } : {}),
  });
  return { pdf, qr, report };
}
