/**
 * ZLIB (RFC 1950) around DEFLATE (RFC 1951) for status lists, with the checks fflate leaves out.
 *
 * fflate's `unzlibSync` neither verifies the Adler-32 trailer nor bounds its output (given an `out`
 * buffer it silently drops what does not fit). So the header and trailer are checked here, and the
 * DEFLATE body is fed to fflate's streaming `Inflate` in small slices with a running output count:
 * a zip bomb is stopped as soon as it passes the limit, having produced at most one slice's worth
 * (≤ 1032 × slice size) beyond it.
 *
 * One thing is not detected: bytes between the end of the DEFLATE stream and the trailer (fflate
 * does not report where the stream ended). They cannot change the decoded bytes, which the Adler-32
 * check covers, and a status list's bytes are covered by the token's signature anyway.
 *
 * @module
 */
import { Inflate, zlibSync } from "fflate";
import { LicenceError } from "../errors/errors.js";

/** Compressed bytes fed to the inflater at a time; bounds the overshoot past the output limit. */
const SLICE = 2048;
/** Largest prime below 2^16 (RFC 1950 §8.2). */
const ADLER_BASE = 65521;
/** Most bytes that can be summed before the Adler-32 sums must be reduced (zlib's NMAX). */
const ADLER_NMAX = 5552;

/** Why decoding failed, as `details.reason` of the `ERR_STATUS_LIST_INVALID` error. */
export type ZlibFailureReason = "zlib-truncated" | "zlib-header" | "zlib-dictionary" | "deflate" | "adler32";

function invalid(reason: ZlibFailureReason): LicenceError {
  return new LicenceError("ERR_STATUS_LIST_INVALID", "The status list is not valid.", { details: { reason } });
}

/** Updates an Adler-32 checksum (RFC 1950 §8.2) with `data`. */
function adler32(adler: number, data: Uint8Array): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  for (let i = 0; i < data.length; ) {
    const end = Math.min(i + ADLER_NMAX, data.length);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Compresses bytes as ZLIB at the highest level (the draft recommends it).
 *
 * @param data - the uncompressed bytes
 * @returns the ZLIB stream
 * @example
 * ```ts
 * const z = deflateZlib(new Uint8Array([0xb9, 0xa3]));
 * ```
 */
export function deflateZlib(data: Uint8Array): Uint8Array {
  return zlibSync(data, { level: 9 });
}

/**
 * Decompresses a ZLIB stream, checking the header, the Adler-32 trailer and an output limit.
 *
 * @param data - the ZLIB stream (untrusted)
 * @param maxBytes - most decompressed bytes to accept
 * @returns the decompressed bytes
 * @throws LicenceError `ERR_INPUT_TOO_LARGE` past `maxBytes`; `ERR_STATUS_LIST_INVALID` with a
 *   {@link ZlibFailureReason} for anything malformed
 * @example
 * ```ts
 * const bytes = inflateZlib(compressed, 16 * 1024 * 1024);
 * ```
 */
export function inflateZlib(data: Uint8Array, maxBytes: number): Uint8Array {
  // 2 header bytes, at least 2 bytes of DEFLATE (an empty fixed block), 4 trailer bytes.
  if (data.length < 8) throw invalid("zlib-truncated");
  const cmf = data[0]!;
  const flg = data[1]!;
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0) throw invalid("zlib-header");
  // FDICT: the stream needs a preset dictionary nobody gave us.
  if (flg & 0x20) throw invalid("zlib-dictionary");
  const end = data.length - 4;
  const expected = ((data[end]! << 24) | (data[end + 1]! << 16) | (data[end + 2]! << 8) | data[end + 3]!) >>> 0;

  const chunks: Uint8Array[] = [];
  let total = 0;
  let adler = 1;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > maxBytes) {
      throw new LicenceError("ERR_INPUT_TOO_LARGE", "The status list is larger than the limit.", {
        details: { limit: maxBytes },
      });
    }
    if (chunk.length > 0) {
      adler = adler32(adler, chunk);
      chunks.push(chunk);
    }
  });
  try {
    for (let at = 2; at < end; at += SLICE) {
      const stop = Math.min(at + SLICE, end);
      inflater.push(data.subarray(at, stop), stop === end);
    }
  } catch (err) {
    if (err instanceof LicenceError) throw err;
    throw invalid("deflate");
  }
  if (adler !== expected) throw invalid("adler32");

  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
