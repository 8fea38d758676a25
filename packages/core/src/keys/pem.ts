/**
 * PEM (RFC 7468) encoding and a strict decoder for the blocks keys and certificates travel in.
 *
 * Portable (no Node built-ins): `btoa`/`atob` exist in browsers and in Node ≥ 16.
 *
 * @module
 */

/** One PEM block: its label (`CERTIFICATE`, `ENCRYPTED PRIVATE KEY`, …) and its DER content. */
export interface PemBlock {
  readonly label: string;
  /** The decoded content, or `null` when the body is not strict base64 (or has RFC 1421 headers). */
  readonly der: Uint8Array | null;
}

const BEGIN = "-----BEGIN ";
const END = "-----END ";
const DASHES = "-----";
const LABEL = /^[A-Z0-9]+(?: [A-Z0-9]+)*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Encodes DER as a PEM block: 64-character lines, `\n` line ends, a final newline.
 *
 * @param label - the label, e.g. `CERTIFICATE`
 * @param der - the content
 */
export function encodePem(label: string, der: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < der.length; i += 0x8000) binary += String.fromCharCode(...der.subarray(i, i + 0x8000));
  const body = btoa(binary).replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Decodes padded standard base64 with whitespace between characters; `null` when malformed. */
function decodeBase64(body: string): Uint8Array | null {
  const compact = body.replace(/[ \t\r\n]/g, "");
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return null;
  const binary = atob(compact);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Finds every PEM block in `text`, in one linear pass. Text outside blocks is ignored (as OpenSSL
 * does); a block whose END label differs from its BEGIN label is not a block. The caller bounds the
 * length of `text`.
 *
 * @param text - text that may hold PEM blocks
 */
export function findPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let from = 0;
  for (;;) {
    const begin = text.indexOf(BEGIN, from);
    if (begin < 0) break;
    const labelEnd = text.indexOf(DASHES, begin + BEGIN.length);
    if (labelEnd < 0) break;
    const label = text.slice(begin + BEGIN.length, labelEnd);
    const end = text.indexOf(END, labelEnd + DASHES.length);
    if (end < 0) break;
    const endLabelEnd = text.indexOf(DASHES, end + END.length);
    if (endLabelEnd < 0) break;
    const endLabel = text.slice(end + END.length, endLabelEnd);
    if (LABEL.test(label) && label === endLabel) {
      blocks.push({ label, der: decodeBase64(text.slice(labelEnd + DASHES.length, end)) });
    }
    from = endLabelEnd + DASHES.length;
  }
  return blocks;
}
