/**
 * Finding and reading a QR code in a picture (RGBA pixels), with jsQR: pure JavaScript, so the
 * same code reads a scan in Node and a photo or camera frame in the offline verifier page.
 *
 * @module
 */
import jsQRModule from "jsqr";
import { LicenceError } from "@elicence/core";

// jsQR is CommonJS with an `exports.default`: Node's ESM loader hands over `module.exports`, a bundler the default.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;

/** The largest picture read: 40 megapixels (an A4 page at 600 dpi is 35). */
export const MAX_QR_PIXELS = 40_000_000;

/** RGBA pixels, 4 bytes a pixel, row by row (as `ImageData` and pngjs give them). */
export interface RgbaImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/**
 * Reads the QR code in a picture and returns its text.
 *
 * A printed page is large and the code a small part of it: when jsQR finds nothing at full size,
 * the picture is tried again halved (jsQR's binariser works on 8 × 8 blocks, and a code printed
 * with many pixels per module reads better at a smaller scale).
 *
 * @param image - the pixels
 * @throws LicenceError `ERR_QR_UNREADABLE` when no QR code can be read, `ERR_INPUT_TOO_LARGE`
 */
export function decodeQr(image: RgbaImage): string {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || data.length !== width * height * 4) {
    throw new LicenceError("ERR_QR_UNREADABLE", "The picture is malformed.", { details: { reason: "pixels" } });
  }
  if (width * height > MAX_QR_PIXELS) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The picture is too large.", { details: { limit: MAX_QR_PIXELS } });
  let current: RgbaImage = image;
  for (let attempt = 0; attempt < 3; attempt++) {
    const clamped = current.data instanceof Uint8ClampedArray ? current.data : new Uint8ClampedArray(current.data.buffer, current.data.byteOffset, current.data.byteLength);
    const found = jsQR(clamped, current.width, current.height, { inversionAttempts: "attemptBoth" });
    if (found) return found.data;
    if (current.width < 400 || current.height < 400) break;
    current = halve(current);
  }
  throw new LicenceError("ERR_QR_UNREADABLE", "No QR code could be read in the picture.", { details: { reason: "not-found" } });
}

/** The picture at half size, each pixel the mean of a 2 × 2 block. */
function halve(image: RgbaImage): RgbaImage {
  const width = image.width >> 1;
  const height = image.height >> 1;
  const out = new Uint8ClampedArray(width * height * 4);
  const src = image.data;
  const stride = image.width * 4;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (2 * y * image.width + 2 * x) * 4;
      const o = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) out[o + c] = (src[i + c]! + src[i + 4 + c]! + src[i + stride + c]! + src[i + stride + 4 + c]!) >> 2;
    }
  }
  return { data: out, width, height };
}
