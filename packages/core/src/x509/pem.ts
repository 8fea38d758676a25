/**
 * PEM (RFC 7468) ⇄ DER, strictly: labels checked, no headers, no explanatory text between blocks,
 * canonical base64 only, sizes bounded.
 *
 * @module
 */
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.js";
import { LicenceError } from "../errors/errors.js";

/**
 * Largest DER certificate accepted, in bytes (64 KiB).
 *
 * @example
 * ```ts
 * if (der.length > MAX_CERTIFICATE_BYTES) reject();
 * ```
 */
export const MAX_CERTIFICATE_BYTES = 65_536;

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
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function malformed(reason: string): LicenceError {
  return new LicenceError("ERR_INPUT_MALFORMED", "The PEM text is malformed.", { details: { reason } });
}

function checkLabel(label: string): void {
  if (typeof label !== "string" || !LABEL.test(label)) throw new TypeError("PEM label must be RFC 7468 label characters.");
}

/**
 * Decodes strict standard base64 (RFC 4648 §4, padded, canonical); `null` when malformed.
 *
 * @param text - base64 text without whitespace
 * @example
 * ```ts
 * decodeBase64("QQ==");  // Uint8Array [0x41]
 * decodeBase64("QQ");    // null (padding missing)
 * ```
 */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null;
  const unpadded = text.replace(/=+$/, "");
  return decodeBase64url(unpadded.replace(/\+/g, "-").replace(/\//g, "_"));
}

/**
 * Encodes standard padded base64 (RFC 4648 §4), e.g. for a JWS `x5c` entry.
 *
 * @param data - the bytes
 * @example
 * ```ts
 * const x5c = [encodeBase64(leaf.der), encodeBase64(issuer.der)];
 * ```
 */
export function encodeBase64(data: Uint8Array): string {
  const url = encodeBase64url(data).replace(/-/g, "+").replace(/_/g, "/");
  return url + "=".repeat((4 - (url.length % 4)) % 4);
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
      if (der.length > MAX_CERTIFICATE_BYTES) {
        throw new LicenceError("ERR_INPUT_TOO_LARGE", "A PEM block is too large.", { details: { limit: MAX_CERTIFICATE_BYTES } });
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

/**
 * Turns certificate input into DER: a `Uint8Array` is copied, a string is either one PEM
 * `CERTIFICATE` block or bare standard base64 (the form of a JWS `x5c` entry).
 *
 * @param input - PEM text, base64 DER or DER bytes
 * @returns a fresh copy of the DER bytes (at most {@link MAX_CERTIFICATE_BYTES})
 * @throws LicenceError `ERR_CERTIFICATE_INVALID` when the text cannot be decoded or is too large
 * @example
 * ```ts
 * const der = toDer(header.x5c[0]);
 * ```
 */
export function toDer(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length === 0) throw invalidCertificate("empty input");
    if (input.length > MAX_CERTIFICATE_BYTES) throw invalidCertificate("certificate too large");
    return input.slice();
  }
  if (typeof input !== "string") throw new TypeError("Certificate input must be a string or a Uint8Array.");
  if (input.length > 131_072) throw invalidCertificate("certificate too large");
  if (input.trimStart().startsWith("-----BEGIN")) {
    try {
      return decodePem(input);
    } catch (cause) {
      if (cause instanceof LicenceError) throw invalidCertificate(String(cause.details.reason ?? "PEM text too large"), cause);
      throw cause;
    }
  }
  const der = decodeBase64(input);
  if (der === null || der.length === 0) throw invalidCertificate("neither PEM nor base64");
  if (der.length > MAX_CERTIFICATE_BYTES) throw invalidCertificate("certificate too large");
  return der;
}

/** The error every certificate decoding problem becomes. */
export function invalidCertificate(reason: string, cause?: unknown): LicenceError {
  return new LicenceError("ERR_CERTIFICATE_INVALID", "The certificate is malformed.", { cause, details: { reason } });
}
