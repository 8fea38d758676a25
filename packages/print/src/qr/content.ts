/**
 * What a printed licence's QR code holds, and reading it back.
 *
 * - The licence itself, when it fits: the compact SD-JWT with no disclosures (`<jws>~`), so the
 *   QR carries the always-shared claims (the `unconditional` fields are plain claims) and nothing
 *   a bystander may not see; a verifier checks it offline with a trust list and a status list. It
 *   is packed (`ELC1:`, deflate + base45, see `packed.ts`): as base64url text in byte mode the
 *   sample licences need QR version 30–31, packed version 19–20.
 * - Otherwise a short reference, `elicence:<identifier>?d=<digest>&r=<registry URL>`: the licence
 *   identifier, the base64url SHA-256 of the signed licence (its JWS, `header.payload.signature`)
 *   and the registry that holds it. A verifier fetches the licence online and checks the digest.
 *
 * "Fits" means QR version ≤ 25 at error correction M (ISO/IEC 18004 §7.5.1; 117 × 117 modules),
 * which a phone still reads from an A4 print at a few centimetres (measured in `bench/print`).
 * No Node built-ins: this module runs in browsers (the offline verifier page).
 *
 * @module
 */
import QRCode from "qrcode";
import { LicenceError, base64url } from "@elicence/core";
import { sha256 } from "@noble/hashes/sha2.js";
import { PACKED_PREFIX, packLicence, unpackLicence } from "./packed.js";

/** The largest QR version a printed licence uses (error correction M). */
export const MAX_QR_VERSION = 25;
/** The error-correction level of a printed licence's QR code (ISO/IEC 18004: about 15 % recoverable). */
export const QR_ERROR_CORRECTION = "M";
/** The URI scheme of a reference to a licence held by a registry. */
export const QR_REFERENCE_SCHEME = "elicence:";
/** The longest QR text read back: a version-40 code holds at most 4,296 alphanumeric characters (2,953 bytes). */
export const MAX_QR_TEXT = 4296;

/** A licence reference: resolved online, then checked against its digest. */
export interface QrReference {
  readonly id: string;
  /** base64url SHA-256 of the signed licence (its compact JWS without disclosures). */
  readonly digest: string;
  /** The registry's base URL (http or https). */
  readonly registry: string;
}

/** What a QR code of a printed licence holds. */
export type QrContent = { readonly kind: "licence"; readonly licence: string } | ({ readonly kind: "reference" } & QrReference);

/** The QR text chosen for a licence, with the QR version it needs. */
export interface QrChoice {
  readonly text: string;
  readonly kind: QrContent["kind"];
  /** QR version (1–40) at error correction M. */
  readonly version: number;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const DIGEST = /^[A-Za-z0-9_-]{43}$/;
const LICENCE_ID = /^1\.2\.156\.3005\.2\.[0-9A-Z.]{20,120}$/;

/** The JWS of a compact licence (`<jws>~<d1>~…~` → `<jws>`), checked for form. */
function jwsOf(compact: string): string {
  const jws = compact.trim().split("~")[0] ?? "";
  if (!COMPACT_JWS.test(jws)) throw new LicenceError("ERR_QR_INVALID", "The licence is not a compact SD-JWT.", { details: { reason: "not-compact" } });
  return jws;
}

/**
 * The digest a reference carries: base64url SHA-256 of the licence's JWS (disclosures left out, so
 * every reader's copy of the same signed licence has the same digest).
 *
 * @param compact - the licence, compact form
 */
export function licenceDigest(compact: string): string {
  return base64url.encode(sha256(new TextEncoder().encode(jwsOf(compact))));
}

/** The QR version `text` needs at error correction M (the densest mode its characters allow), or 41 when it does not fit at all. */
export function qrVersionOf(text: string): number {
  try {
    return QRCode.create(text, { errorCorrectionLevel: QR_ERROR_CORRECTION }).version;
  } catch {
    return 41;
  }
}

/** Formats a reference as its `elicence:` URI. */
export function formatQrReference(reference: QrReference): string {
  return `${QR_REFERENCE_SCHEME}${reference.id}?d=${reference.digest}&r=${encodeURIComponent(reference.registry)}`;
}

/**
 * Chooses what a licence's QR code holds: the licence without disclosures when it fits version
 * {@link MAX_QR_VERSION} at error correction M, else a reference to it at `registry`.
 *
 * @param compact - the licence, compact form (any disclosures are left out of the QR)
 * @param options - the licence identifier and the registry's URL, for a reference
 * @throws LicenceError `ERR_QR_INVALID` when the licence does not fit and no registry is given
 * @example
 * ```ts
 * const { text, kind, version } = chooseQrContent(shared.licence, { id: shared.id, registry: "https://registry.example" });
 * ```
 */
export function chooseQrContent(compact: string, options: { readonly id: string; readonly registry?: string }): QrChoice {
  const packed = packLicence(jwsOf(compact));
  const version = qrVersionOf(packed);
  if (version <= MAX_QR_VERSION) return { text: packed, kind: "licence", version };
  if (options.registry === undefined) {
    throw new LicenceError("ERR_QR_INVALID", "The licence does not fit a QR code and no registry URL was given for a reference.", { details: { reason: "too-large", limit: MAX_QR_VERSION } });
  }
  const text = formatQrReference({ id: options.id, digest: licenceDigest(compact), registry: checkRegistry(options.registry) });
  return { text, kind: "reference", version: qrVersionOf(text) };
}

function checkRegistry(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid("registry");
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password || url.hash || url.search) throw invalid("registry");
  return url.toString().replace(/\/$/, "");
}

function invalid(reason: string): LicenceError {
  return new LicenceError("ERR_QR_INVALID", "The QR code does not hold an eLicence licence or reference.", { details: { reason } });
}

/**
 * Reads what a QR code holds: a packed licence (`ELC1:`, unpacked to its compact form), a compact
 * licence as text, or an `elicence:` reference. Anything else —
 * another URI, a payment code, an oversized or malformed text — is refused.
 *
 * @param text - the decoded QR text
 * @throws LicenceError `ERR_QR_INVALID` (with `details.reason`), `ERR_INPUT_TOO_LARGE`
 */
export function parseQrContent(text: string): QrContent {
  if (typeof text !== "string") throw new TypeError("The QR text must be a string.");
  if (text.length > MAX_QR_TEXT) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The QR text is too long.", { details: { limit: MAX_QR_TEXT } });
  const trimmed = text.trim();
  if (trimmed.startsWith(QR_REFERENCE_SCHEME)) return parseReference(trimmed);
  if (trimmed.startsWith(PACKED_PREFIX)) return { kind: "licence", licence: unpackLicence(trimmed) };
  const parts = trimmed.split("~");
  if (parts.length >= 2 && COMPACT_JWS.test(parts[0]!) && trimmed.startsWith("eyJ")) return { kind: "licence", licence: trimmed };
  throw invalid("unknown-content");
}

function parseReference(text: string): QrContent {
  const rest = text.slice(QR_REFERENCE_SCHEME.length);
  const q = rest.indexOf("?");
  if (q < 0) throw invalid("reference");
  const id = rest.slice(0, q);
  if (!LICENCE_ID.test(id)) throw invalid("reference-id");
  const params = new URLSearchParams(rest.slice(q + 1));
  const keys = [...params.keys()];
  if (keys.length !== 2 || keys.sort().join(",") !== "d,r") throw invalid("reference");
  const digest = params.get("d")!;
  if (!DIGEST.test(digest)) throw invalid("reference-digest");
  return { kind: "reference", id, digest, registry: checkRegistry(params.get("r")!) };
}
