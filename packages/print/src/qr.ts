/**
 * `@elicence/print/qr`: what a printed licence's QR code holds, and reading it from pixels. No
 * Node built-ins: the offline verifier page uses it in the browser.
 *
 * @module
 */
export { MAX_QR_TEXT, MAX_QR_VERSION, QR_ERROR_CORRECTION, QR_REFERENCE_SCHEME, chooseQrContent, formatQrReference, licenceDigest, parseQrContent, qrVersionOf } from "./qr/content.js";
export type { QrChoice, QrContent, QrReference } from "./qr/content.js";
export { MAX_QR_PIXELS, decodeQr } from "./qr/decode.js";
export type { RgbaImage } from "./qr/decode.js";
export { MAX_PACKED_BYTES, PACKED_PREFIX, packLicence, unpackLicence } from "./qr/packed.js";
export { decodeBase45, encodeBase45 } from "./qr/base45.js";
