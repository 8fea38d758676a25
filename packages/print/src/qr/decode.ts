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
 * with many pixels per module reads better at a smaller scale). When that fails too, a poor scan's
 * specks are the likely cause: the picture is tried once more through a 3 × 3 median filter, which
 * removes isolated dark and light pixels and keeps the modules' edges (only then: it costs about
 * as much as the attempts before it).
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
  if (width >= 3 && height >= 3) {
    const found = jsQR(median3(image), width, height, { inversionAttempts: "attemptBoth" });
    if (found) return found.data;
  }
  throw new LicenceError("ERR_QR_UNREADABLE", "No QR code could be read in the picture.", { details: { reason: "not-found" } });
}

/** The picture in grey, each pixel the median of its 3 × 3 neighbourhood's luminance (edges kept as they are). */
function median3(image: RgbaImage): Uint8ClampedArray {
  const { width, height, data } = image;
  const grey = new Uint8Array(width * height);
  for (let p = 0; p < grey.length; p++) grey[p] = (data[p * 4]! * 77 + data[p * 4 + 1]! * 150 + data[p * 4 + 2]! * 29) >> 8;
  const out = new Uint8ClampedArray(width * height * 4);
  const v = new Uint8Array(9);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      let m = grey[p]!;
      if (x > 0 && y > 0 && x < width - 1 && y < height - 1) {
        let k = 0;
        for (let dy = -width; dy <= width; dy += width) for (let dx = -1; dx <= 1; dx++) v[k++] = grey[p + dy + dx]!;
        m = median9(v);
      }
      out[p * 4] = out[p * 4 + 1] = out[p * 4 + 2] = m;
      out[p * 4 + 3] = 255;
    }
  }
  return out;
}

/** The median of nine values (partial insertion sort up to the middle; `v` is reordered). */
function median9(v: Uint8Array): number {
  for (let i = 1; i < 9; i++) {
    const x = v[i]!;
    let j = i - 1;
    while (j >= 0 && v[j]! > x) {
      v[j + 1] = v[j]!;
      j--;
    }
    v[j + 1] = x;
  }
  return v[4]!;
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
