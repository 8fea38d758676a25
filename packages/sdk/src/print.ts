/**
 * `@elicence/sdk/print` (Node only): print a licence as a PDF with its QR code, from a registry
 * or from a licence in hand, and read a QR code back from a PNG or JPEG file. Kept apart from the
 * SDK's root so that browser bundles do not pull in pdf-lib and the font.
 *
 * @module
 */
export { printLicenceFromRegistry, writeFileAtomically } from "./print/print.js";
export type { PrintFromRegistryOptions } from "./print/print.js";
export { ARCHIVE_ATTACHMENT_NAME, archiveForm, imageKind, loadFont, printLicencePdf, readQrFromImage, renderLicencePdf } from "@elicence/print";
export type { LoadedFont, PrintLicenceOptions, PrintedLicence, RenderLicencePdfOptions } from "@elicence/print";
