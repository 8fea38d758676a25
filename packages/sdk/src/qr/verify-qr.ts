/**
 * Verifying what a printed licence's QR code holds: the licence itself, verified offline like any
 * licence; or a reference, resolved online and accepted only when the licence the registry returns
 * is the one the QR names (same identifier, same digest of its signed JWS).
 *
 * @module
 */
import type { VerificationReport } from "@elicence/core";
import { licenceDigest, parseQrContent, type QrContent, type QrReference } from "@elicence/print/qr";

/** Options of {@link verifyQrText}. */
export interface VerifyQrOptions {
  /** Verifies a licence (compact form): e.g. a `LicenceVerifier`'s `verify`, or `verifyLicence` with its options. */
  readonly verify: (licence: string) => Promise<VerificationReport>;
  /**
   * Fetches the licence a reference names (online; e.g. `RegistryClient.get` with a cause). Without
   * it, a reference cannot be checked: the answer is INDETERMINATE.
   */
  readonly resolve?: (reference: QrReference) => Promise<string>;
}

/** What the QR held and how it was checked, with the licence's report. */
export interface QrVerification {
  /** PASSED only when the licence verified and, for a reference, matched it. */
  readonly indication: VerificationReport["indication"];
  /** What the QR code held. */
  readonly content: QrContent["kind"];
  /** For a reference: what it named, and whether the registry's licence matched it. */
  readonly reference?: QrReference & { readonly resolved: boolean; readonly digestMatches?: boolean };
  /** Why the QR's answer differs from the report's, when it does. */
  readonly reason?: "reference-not-resolved" | "reference-digest-mismatch" | "reference-id-mismatch";
  /** The licence's report (absent when a reference could not be resolved or did not match). */
  readonly report?: VerificationReport;
}

/**
 * Verifies the text of a printed licence's QR code.
 *
 * @param text - the QR code's text (as a decoder read it)
 * @param options - how to verify a licence, and how to resolve a reference
 * @throws LicenceError `ERR_QR_INVALID` when the text is not a licence or reference
 * @example
 * ```ts
 * const result = await verifyQrText(text, { verify: (l) => verifier.verify(l) });
 * ```
 */
export async function verifyQrText(text: string, options: VerifyQrOptions): Promise<QrVerification> {
  const content = parseQrContent(text);
  if (content.kind === "licence") {
    const report = await options.verify(content.licence);
    return { indication: report.indication, content: "licence", report };
  }
  const { kind: _kind, ...reference } = content;
  if (!options.resolve) return { indication: "INDETERMINATE", content: "reference", reference: { ...reference, resolved: false }, reason: "reference-not-resolved" };
  const licence = await options.resolve(reference);
  const digestMatches = licenceDigest(licence) === reference.digest;
  if (!digestMatches) return { indication: "FAILED", content: "reference", reference: { ...reference, resolved: true, digestMatches }, reason: "reference-digest-mismatch" };
  const report = await options.verify(licence);
  if (report.licence && report.licence.id !== reference.id) {
    return { indication: "FAILED", content: "reference", reference: { ...reference, resolved: true, digestMatches }, reason: "reference-id-mismatch", report };
  }
  return { indication: report.indication, content: "reference", reference: { ...reference, resolved: true, digestMatches }, report };
}
