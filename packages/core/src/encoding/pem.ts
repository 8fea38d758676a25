/**
 * PEM (RFC 7468) ⇄ DER, the one PEM codec: a strict decoder for certificates and trust anchors
 * (labels checked, no headers, no explanatory text between blocks, canonical base64 only, sizes
 * bounded), a lenient block finder for key files (text around blocks ignored, as OpenSSL does), and
 * one encoder.
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import { decodeBase64, encodeBase64 } from "./base64.js";

/**
 * Largest DER block {@link decodePem} and {@link decodePemBundle} accept, in bytes (64 KiB).
 *
 * @example
 * ```ts
 * if (der.length > MAX_PEM_BLOCK_BYTES) reject();
 * ```
 */
export const MAX_PEM_BLOCK_BYTES = 65_536;

/** Options for {@link decodePem} and {@link decodePemBundle}. */
export interface PemOptions {
  /** The label every block must carry. Default `"CERTIFICATE"`. */
  readonly label?: string;
  /** Longest text accepted, in characters. Default 128 KiB for one block, 4 MiB for a bundle. */
  readonly maxLength?: number;
  /** Most blocks accepted in a bundle. Default 1000. */
  readonly maxBlocks?: number;
}

const LABEL = /^[\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e])*$/;
const BEGIN = /^-----BEGIN ([^-]*(?:-[^-]+)*)-----$/;
const END = /^-----END ([^-]*(?:-[^-]+)*)-----$/;
const BODY_LINE = /^[A-Za-z0-9+/=]+$/;

function malformed(reason: string): LicenceError {
  return new LicenceError("ERR_INPUT_MALFORMED", "The PEM text is malformed.", { details: { reason } });
}

function checkLabel(label: string): void {
  if (typeof label !== "string" || !LABEL.test(label)) throw new TypeError("PEM label must be RFC 7468 label characters.");
}

function decodeBlocks(text: string, label: string, maxLength: number, maxBlocks: number): Uint8Array[] {
  if (typeof text !== "string") throw new TypeError("PEM input must be a string.");
  checkLabel(label);
  if (text.length > maxLength) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "The PEM text is too large.", { details: { limit: maxLength } });
  }
  const lines = text.split(/\r?\n/);
  const blocks: Uint8Array[] = [];
  let body: string[] | null = null;
  for (const rawLine of lines) {
    const line = rawLine.replace(/[ \t]+$/, "");
    if (body === null) {
      if (line === "") continue;
      const begin = BEGIN.exec(line);
      if (!begin) throw malformed("text outside a PEM block");
      if (begin[1] !== label) throw malformed("unexpected PEM label");
      if (blocks.length >= maxBlocks) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The PEM text has too many blocks.", { details: { limit: maxBlocks } });
      body = [];
      continue;
    }
    const end = END.exec(line);
    if (end) {
      if (end[1] !== label) throw malformed("END label does not match BEGIN label");
      const b64 = body.join("");
      if (b64.length === 0) throw malformed("empty PEM block");
      const der = decodeBase64(b64);
      if (der === null) throw malformed("invalid base64 in PEM block");
      if (der.length > MAX_PEM_BLOCK_BYTES) {
        throw new LicenceError("ERR_INPUT_TOO_LARGE", "A PEM block is too large.", { details: { limit: MAX_PEM_BLOCK_BYTES } });
      }
      blocks.push(der);
      body = null;
      continue;
    }
    if (!BODY_LINE.test(line)) throw malformed(line.includes(":") ? "PEM headers are not supported" : "invalid character in PEM body");
    body.push(line);
  }
  if (body !== null) throw malformed("PEM block has no END line");
  if (blocks.length === 0) throw malformed("no PEM block");
  return blocks;
}

/**
 * Decodes text that holds exactly one PEM block.
 *
 * @param text - the PEM text; whitespace may surround the block, nothing else
 * @param options - label (default `CERTIFICATE`) and size limit
 * @returns the DER bytes
 * @throws LicenceError `ERR_INPUT_MALFORMED` or `ERR_INPUT_TOO_LARGE`
 * @example
 * ```ts
 * const der = decodePem(fs.readFileSync("root.pem", "utf8"));
 * ```
 */
export function decodePem(text: string, options: PemOptions = {}): Uint8Array {
  const blocks = decodeBlocks(text, options.label ?? "CERTIFICATE", options.maxLength ?? 131_072, 2);
  if (blocks.length !== 1) throw malformed("more than one PEM block");
  return blocks[0]!;
}

/**
 * Decodes a bundle of one or more PEM blocks with the same label (e.g. a CA file).
 *
 * @param text - the PEM text; blocks separated by whitespace only
 * @param options - label (default `CERTIFICATE`), size and count limits
 * @returns the DER bytes of each block, in order
 * @throws LicenceError `ERR_INPUT_MALFORMED` or `ERR_INPUT_TOO_LARGE`
 * @example
 * ```ts
 * const anchors = decodePemBundle(fs.readFileSync("roots.pem", "utf8")).map((der) => parseCertificate(der));
 * ```
 */
export function decodePemBundle(text: string, options: PemOptions = {}): Uint8Array[] {
  return decodeBlocks(text, options.label ?? "CERTIFICATE", options.maxLength ?? 4_194_304, options.maxBlocks ?? 1000);
}

/**
 * Encodes DER as one PEM block (64-character lines, trailing newline).
 *
 * @param der - the DER bytes
 * @param label - the block label, default `CERTIFICATE`
 * @example
 * ```ts
 * const pem = encodePem(cert.der); // "-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n"
 * ```
 */
export function encodePem(der: Uint8Array, label = "CERTIFICATE"): string {
  if (!(der instanceof Uint8Array)) throw new TypeError("DER input must be a Uint8Array.");
  checkLabel(label);
  const b64 = encodeBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** One PEM block found by {@link findPemBlocks}: its label and its DER content. */
export interface PemBlock {
  /** `CERTIFICATE`, `ENCRYPTED PRIVATE KEY`, … */
  readonly label: string;
  /** The decoded content, or `null` when the body is not strict base64 (or has RFC 1421 headers). */
  readonly der: Uint8Array | null;
}

const FIND_BEGIN = "-----BEGIN ";
const FIND_END = "-----END ";
const DASHES = "-----";
const FIND_LABEL = /^[A-Z0-9]+(?: [A-Z0-9]+)*$/;

/**
 * Finds every PEM block in `text`, in one linear pass. Text outside blocks is ignored (as OpenSSL
 * does); a block whose END label differs from its BEGIN label is not a block; whitespace inside a
 * body is allowed. The caller bounds the length of `text`.
 *
 * @param text - text that may hold PEM blocks
 * @example
 * ```ts
 * const keys = findPemBlocks(text).filter((b) => b.label.endsWith("PRIVATE KEY"));
 * ```
 */
export function findPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let from = 0;
  for (;;) {
    const begin = text.indexOf(FIND_BEGIN, from);
    if (begin < 0) break;
    const labelEnd = text.indexOf(DASHES, begin + FIND_BEGIN.length);
    if (labelEnd < 0) break;
    const label = text.slice(begin + FIND_BEGIN.length, labelEnd);
    const end = text.indexOf(FIND_END, labelEnd + DASHES.length);
    if (end < 0) break;
    const endLabelEnd = text.indexOf(DASHES, end + FIND_END.length);
    if (endLabelEnd < 0) break;
    const endLabel = text.slice(end + FIND_END.length, endLabelEnd);
    if (FIND_LABEL.test(label) && label === endLabel) {
      blocks.push({ label, der: decodeBase64(text.slice(labelEnd + DASHES.length, end).replace(/[ \t\r\n]/g, "")) });
    }
    from = endLabelEnd + DASHES.length;
  }
  return blocks;
}
