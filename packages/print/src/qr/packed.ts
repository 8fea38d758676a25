/**
 * The packed form of a licence in a QR code: `ELC1:` then base45 (RFC 9285) of the raw-deflated
 * bytes of the signed licence's three JWS parts — the same technique the EU Digital COVID
 * Certificate uses (`HC1:` + base45 of zlib). Base64url text hides the repetition in a licence's
 * JSON from a compressor and costs 8 bits a character in byte mode; decoded, deflated and put in
 * alphanumeric mode, the always-shared part of the sample business licence goes from QR version
 * 31 to 20 at error correction M.
 *
 * Layout before deflating: `u16 len(header) ‖ header ‖ u16 len(payload) ‖ payload ‖ signature`
 * (big-endian lengths; the bytes the base64url parts decode to). Unpacking re-encodes each part
 * as unpadded base64url: a licence whose parts were not canonical base64url then fails its
 * signature check, never passes as another licence.
 *
 * @module
 */
import { deflateSync, inflateSync } from "fflate";
import { LicenceError, base64url } from "@elicence/core";
import { decodeBase45, encodeBase45 } from "./base45.js";

/** The prefix of a packed licence in a QR code (version 1 of the layout). */
export const PACKED_PREFIX = "ELC1:";
/** The most bytes a packed licence inflates to: far above what a QR code can carry once deflated. */
export const MAX_PACKED_BYTES = 64 * 1024;

function invalid(reason: string, cause?: unknown): LicenceError {
  return new LicenceError("ERR_QR_INVALID", "The QR code's packed licence is malformed.", { details: { reason }, ...(cause === undefined ? {} : { cause }) });
}

/**
 * Packs a signed licence (`header.payload.signature`, no disclosures) for a QR code.
 *
 * @param jws - the compact JWS
 */
export function packLicence(jws: string): string {
  const [h, p, s] = jws.split(".").map((part) => base64url.decode(part));
  if (!h || !p || !s || h.length > 0xffff || p.length > 0xffff) throw invalid("jws");
  const raw = new Uint8Array(4 + h.length + p.length + s.length);
  const view = new DataView(raw.buffer);
  view.setUint16(0, h.length);
  raw.set(h, 2);
  view.setUint16(2 + h.length, p.length);
  raw.set(p, 4 + h.length);
  raw.set(s, 4 + h.length + p.length);
  return PACKED_PREFIX + encodeBase45(deflateSync(raw, { level: 9 }));
}

/**
 * Unpacks a packed licence to its compact form with no disclosures (`<jws>~`).
 *
 * @param text - `ELC1:…`
 * @throws LicenceError `ERR_QR_INVALID` (with `details.reason`)
 */
export function unpackLicence(text: string): string {
  if (!text.startsWith(PACKED_PREFIX)) throw invalid("prefix");
  // A version-40 QR code holds at most 4,296 alphanumeric characters.
  if (text.length > 4296) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The QR text is too long.", { details: { limit: 4296 } });
  const deflated = decodeBase45(text.slice(PACKED_PREFIX.length));
  let raw: Uint8Array;
  try {
    // A size-bounded output buffer: a deflate bomb stops at the limit instead of filling memory.
    raw = inflateSync(deflated, { out: new Uint8Array(MAX_PACKED_BYTES + 1) });
  } catch (err) {
    throw invalid("deflate", err);
  }
  if (raw.length > MAX_PACKED_BYTES) throw invalid("too-large");
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.length < 2) throw invalid("layout");
  const hl = view.getUint16(0);
  if (raw.length < 4 + hl) throw invalid("layout");
  const pl = view.getUint16(2 + hl);
  const sigStart = 4 + hl + pl;
  if (hl === 0 || pl === 0 || raw.length <= sigStart || raw.length - sigStart > 1024) throw invalid("layout");
  const part = (from: number, to: number) => base64url.encode(raw.subarray(from, to));
  return `${part(2, 2 + hl)}.${part(4 + hl, sigStart)}.${part(sigStart, raw.length)}~`;
}
