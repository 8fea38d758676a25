/**
 * A PNG or JPEG file to RGBA pixels (pngjs, jpeg-js: pure JavaScript, no native code), with limits,
 * so a hostile picture cannot exhaust memory.
 *
 * @module
 */
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { LicenceError } from "@elicence/core";
import { MAX_QR_PIXELS, decodeQr, type RgbaImage } from "./decode.js";

/** The largest picture file read. */
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The kind of picture the bytes are, by their magic number. */
export function imageKind(bytes: Uint8Array): "png" | "jpeg" | "pdf" | undefined {
  if (PNG_MAGIC.every((b, i) => bytes[i] === b)) return "png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46 && bytes[4] === 0x2d) return "pdf";
  return undefined;
}

function unreadable(reason: string, cause?: unknown): LicenceError {
  return new LicenceError("ERR_QR_UNREADABLE", "The picture cannot be read as PNG or JPEG.", { details: { reason }, ...(cause === undefined ? {} : { cause }) });
}

/** PNG dimensions from the IHDR chunk, read before decoding (a decompression bomb is refused unread). */
function pngSize(bytes: Uint8Array): [number, number] {
  if (bytes.length < 24) throw unreadable("png");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

/**
 * Decodes a PNG or JPEG file to RGBA pixels.
 *
 * @param bytes - the file
 * @throws LicenceError `ERR_QR_UNREADABLE` (not a PNG/JPEG, or corrupt), `ERR_INPUT_TOO_LARGE`
 */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  if (bytes.length > MAX_IMAGE_BYTES) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The picture file is too large.", { details: { limit: MAX_IMAGE_BYTES } });
  const kind = imageKind(bytes);
  if (kind === "png") {
    const [w, h] = pngSize(bytes);
    if (w * h > MAX_QR_PIXELS) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The picture is too large.", { details: { limit: MAX_QR_PIXELS } });
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { data: png.data, width: png.width, height: png.height };
    } catch (err) {
      throw unreadable("png", err);
    }
  }
  if (kind === "jpeg") {
    try {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_QR_PIXELS / 1e6, maxMemoryUsageInMB: 512 });
      return { data: img.data, width: img.width, height: img.height };
    } catch (err) {
      if (err instanceof Error && /maxResolutionInMP|maxMemoryUsage/.test(err.message)) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The picture is too large.", { details: { limit: MAX_QR_PIXELS } });
      throw unreadable("jpeg", err);
    }
  }
  throw unreadable(kind === "pdf" ? "pdf" : "format");
}

/**
 * Reads the QR code of a PNG or JPEG file.
 *
 * @param bytes - the file
 * @throws LicenceError `ERR_QR_UNREADABLE`, `ERR_INPUT_TOO_LARGE`
 */
export function readQrFromImage(bytes: Uint8Array): string {
  return decodeQr(decodeImage(bytes));
}
