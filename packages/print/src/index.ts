/**
 * `@elicence/print`: printable licences (Node). A one-page PDF in Chinese with an embedded subset
 * of Noto Sans SC, a QR code that verifies the licence from a scan, and the archive-form licence
 * embedded as a PDF associated file; reading a QR code back from a PNG or JPEG file.
 * `@elicence/print/qr` holds the browser-safe part (QR content, decoding pixels).
 *
 * @packageDocumentation
 */
export { archiveForm, printLicencePdf } from "./pdf/print-licence.js";
export type { PrintLicenceOptions, PrintedLicence } from "./pdf/print-licence.js";
export { ARCHIVE_ATTACHMENT_NAME, renderLicencePdf } from "./pdf/render.js";
export type { RenderLicencePdfOptions } from "./pdf/render.js";
export { licenceRows, printedDate } from "./pdf/layout.js";
export type { LicenceRow } from "./pdf/layout.js";
export { MAX_FONT_BYTES, loadFont, parseFont } from "./pdf/font.js";
export type { FontWeight, LoadedFont } from "./pdf/font.js";
export { MAX_IMAGE_BYTES, decodeImage, imageKind, readQrFromImage } from "./qr/image.js";

export { MAX_QR_TEXT, MAX_QR_VERSION, QR_ERROR_CORRECTION, QR_REFERENCE_SCHEME, chooseQrContent, formatQrReference, licenceDigest, parseQrContent, qrVersionOf } from "./qr/content.js";
export type { QrChoice, QrContent, QrReference } from "./qr/content.js";
export { MAX_QR_PIXELS, decodeQr } from "./qr/decode.js";
export type { RgbaImage } from "./qr/decode.js";
export { MAX_PACKED_BYTES, PACKED_PREFIX, packLicence, unpackLicence } from "./qr/packed.js";
export { decodeBase45, encodeBase45 } from "./qr/base45.js";
