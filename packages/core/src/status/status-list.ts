/**
 * The Token Status List (draft-ietf-oauth-status-list §4): a byte array with one status of `bits`
 * bits per index, packed from the least significant bit of byte 0, ZLIB-compressed and base64url
 * encoded as `{ bits, lst }`.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { LicenceError } from "../errors/errors.js";
import { deflateZlib, inflateZlib } from "./zlib.js";

/** Bits per status: the draft allows 1, 2, 4 and 8 so that no status straddles two bytes. */
export type StatusListBits = 1 | 2 | 4 | 8;

/** The JSON `status_list` object (draft §4.2). */
export interface StatusListJSON {
  readonly bits: StatusListBits;
  /** base64url (no padding) of the ZLIB-compressed byte array. */
  readonly lst: string;
  /** URI of a Status List Aggregation (optional; carried, not used). */
  readonly aggregation_uri?: string;
}

/** Options of {@link StatusList.fromJSON}. */
export interface StatusListDecodeOptions {
  /** Most decompressed bytes to accept (default {@link DEFAULT_MAX_STATUS_LIST_BYTES}). */
  readonly maxBytes?: number;
}

/** Default decompressed-size limit: 16 MiB, i.e. 67 million 2-bit statuses. */
export const DEFAULT_MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024;

/** Largest list {@link StatusList} will allocate: 1 GiB. */
const MAX_ALLOCATION = 2 ** 30;

/** Why a status list was refused (`details.reason` of `ERR_STATUS_LIST_INVALID`), besides the ZLIB reasons. */
export type StatusListFailureReason = "shape" | "bits" | "lst" | "base64url" | "empty";

function isBits(bits: unknown): bits is StatusListBits {
  return bits === 1 || bits === 2 || bits === 4 || bits === 8;
}

function invalid(reason: StatusListFailureReason): LicenceError {
  return new LicenceError("ERR_STATUS_LIST_INVALID", "The status list is not valid.", { details: { reason } });
}

/**
 * A mutable status list.
 *
 * Every value read fits in `bits`: values are stored in `bits`-wide fields, so `get` can only return
 * `0 … 2^bits − 1`, and `set` refuses anything wider. A list decoded by {@link StatusList.fromJSON}
 * holds `8 / bits` statuses per decompressed byte; its `size` is therefore a multiple of `8 / bits`
 * (the draft gives no other size), and a list built with `new StatusList(size, bits)` keeps the
 * extra indices of its last byte only as zero padding.
 *
 * @example
 * ```ts
 * const list = new StatusList(100_000, 2);
 * list.set(42, LICENCE_STATUS_VALUES.suspended);
 * const published = list.toJSON(); // { bits: 2, lst: "eNrt…" }
 * StatusList.fromJSON(published).get(42); // 2
 * ```
 */
export class StatusList {
  readonly #bits: StatusListBits;
  readonly #size: number;
  readonly #bytes: Uint8Array;

  /**
   * Creates a list with every status 0 (VALID).
   *
   * @param size - number of statuses (≥ 1)
   * @param bits - bits per status: 1, 2, 4 or 8
   */
  constructor(size: number, bits: StatusListBits) {
    if (!isBits(bits)) throw new TypeError("bits must be 1, 2, 4 or 8.");
    if (!Number.isSafeInteger(size) || size < 1) throw new TypeError("size must be a positive integer.");
    const byteLength = Math.ceil((size * bits) / 8);
    if (byteLength > MAX_ALLOCATION) throw new TypeError("The status list would exceed 1 GiB.");
    this.#bits = bits;
    this.#size = size;
    this.#bytes = new Uint8Array(byteLength);
  }

  /** Number of statuses (indices `0 … size − 1`). */
  get size(): number {
    return this.#size;
  }

  /** Bits per status. */
  get bits(): StatusListBits {
    return this.#bits;
  }

  /**
   * Reads a status. A verifier checks `index < size` first: an index outside the list must make
   * the licence's status unknown (fail closed), not throw deep inside a check.
   *
   * @param index - the index (0 ≤ index < size)
   * @returns the status value, `0 … 2^bits − 1`
   * @throws TypeError when the index is not an integer in range
   * @example
   * ```ts
   * if (list.get(ref.idx) !== STATUS_TYPE.VALID) refuse();
   * ```
   */
  get(index: number): number {
    this.#checkIndex(index);
    const perByte = 8 / this.#bits;
    const shift = (index % perByte) * this.#bits;
    return (this.#bytes[Math.floor(index / perByte)]! >> shift) & ((1 << this.#bits) - 1);
  }

  /**
   * Writes a status.
   *
   * @param index - the index (0 ≤ index < size)
   * @param value - the status value (0 ≤ value < 2^bits)
   * @throws TypeError when the index or the value is out of range
   * @example
   * ```ts
   * list.set(7, STATUS_TYPE.INVALID);
   * ```
   */
  set(index: number, value: number): void {
    this.#checkIndex(index);
    const mask = (1 << this.#bits) - 1;
    if (!Number.isInteger(value) || value < 0 || value > mask) {
      throw new TypeError(`A ${this.#bits}-bit status value is an integer from 0 to ${mask}.`);
    }
    const perByte = 8 / this.#bits;
    const at = Math.floor(index / perByte);
    const shift = (index % perByte) * this.#bits;
    this.#bytes[at] = (this.#bytes[at]! & ~(mask << shift)) | (value << shift);
  }

  /**
   * Returns a copy of the packed byte array (uncompressed), e.g. to store it.
   *
   * @example
   * ```ts
   * const copy = StatusList.fromBytes(list.toBytes(), list.bits);
   * ```
   */
  toBytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /**
   * Encodes the list as the draft's JSON `status_list` object (ZLIB at level 9, base64url).
   *
   * @returns `{ bits, lst }`
   * @example
   * ```ts
   * const payload = { sub: uri, iat, status_list: list.toJSON() };
   * ```
   */
  toJSON(): StatusListJSON {
    return { bits: this.#bits, lst: backend.base64urlEncode(deflateZlib(this.#bytes)) };
  }

  /**
   * Creates a list from a packed byte array (copied); its size is `bytes.length · 8 / bits`.
   *
   * @param bytes - the packed statuses, index 0 in the low bits of byte 0
   * @param bits - bits per status
   * @example
   * ```ts
   * const list = StatusList.fromBytes(new Uint8Array([0xb9, 0xa3]), 1); // 16 statuses
   * ```
   */
  static fromBytes(bytes: Uint8Array, bits: StatusListBits): StatusList {
    if (!isBits(bits)) throw new TypeError("bits must be 1, 2, 4 or 8.");
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new TypeError("A status list has at least one byte.");
    const list = new StatusList((bytes.length * 8) / bits, bits);
    list.#bytes.set(bytes);
    return list;
  }

  /**
   * Decodes a `status_list` object received from outside, strictly.
   *
   * Checks: an object with `bits` ∈ {1, 2, 4, 8} and `lst` a non-empty string of strict base64url
   * (no padding, no stray characters); `aggregation_uri`, when present, a string; `lst` a ZLIB
   * stream with a valid header and no preset dictionary, a DEFLATE body that decodes completely and
   * an Adler-32 that matches; at least one byte and at most `maxBytes` bytes decompressed. The limit
   * is enforced while decompressing, so a zip bomb is refused without its output being allocated.
   * Other members are ignored, as the draft allows extensions.
   *
   * @param json - the `status_list` value (untrusted)
   * @param options - the decompressed-size limit
   * @returns the list
   * @throws LicenceError `ERR_STATUS_LIST_INVALID` (with `details.reason`) or `ERR_INPUT_TOO_LARGE`
   * @example
   * ```ts
   * const list = StatusList.fromJSON(payload.status_list, { maxBytes: 1 << 20 });
   * ```
   */
  static fromJSON(json: unknown, options: StatusListDecodeOptions = {}): StatusList {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_STATUS_LIST_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_ALLOCATION) {
      throw new TypeError("maxBytes must be a positive integer up to 1 GiB.");
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw invalid("shape");
    const { bits, lst, aggregation_uri } = json as Record<string, unknown>;
    if (!isBits(bits)) throw invalid("bits");
    if (typeof lst !== "string" || lst.length === 0) throw invalid("lst");
    if (aggregation_uri !== undefined && typeof aggregation_uri !== "string") throw invalid("shape");
    // DEFLATE expands incompressible data by at most 5 bytes per 64 KiB block; anything longer
    // than that bound (plus headers, in base64url) cannot decode within the limit.
    const maxCompressed = maxBytes + 5 * Math.ceil(maxBytes / 65_535) + 16;
    if (lst.length > Math.ceil((maxCompressed * 4) / 3)) {
      throw new LicenceError("ERR_INPUT_TOO_LARGE", "The status list is larger than the limit.", {
        details: { limit: maxBytes },
      });
    }
    const compressed = backend.base64urlDecode(lst);
    if (compressed === null) throw invalid("base64url");
    const bytes = inflateZlib(compressed, maxBytes);
    if (bytes.length === 0) throw invalid("empty");
    const list = new StatusList((bytes.length * 8) / bits, bits);
    list.#bytes.set(bytes);
    return list;
  }

  #checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.#size) {
      throw new TypeError("The index is outside the status list.");
    }
  }
}
