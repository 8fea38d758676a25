/**
 * A bounded cache of parsed certificates, so that a verifier parses each `x5c` certificate once.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { toHex } from "../encoding/bytes.js";
import { type Certificate, parseCertificate } from "./certificate.js";
import { toDer } from "./certificate-input.js";

/** Options for {@link CertificateCache}. */
export interface CertificateCacheOptions {
  /** Most certificates kept; the least recently used is dropped first. Default 256, at most 100 000. */
  readonly maxEntries?: number;
}

/**
 * A least-recently-used cache of parsed certificates, keyed by the SHA-256 of the DER (so PEM, base64
 * and DER forms of one certificate share an entry). Hashing costs a few microseconds; parsing costs
 * a few hundred. Failures are not cached. There is no global instance: make one per verifier.
 *
 * @example
 * ```ts
 * const cache = new CertificateCache({ maxEntries: 512 });
 * const leaf = cache.parse(header.x5c[0]);          // parsed
 * const again = cache.parse(header.x5c[0]);         // same object, from the cache
 * await validateCertificatePath({ leaf, trustAnchors, at, cache });
 * ```
 */
export class CertificateCache {
  readonly #max: number;
  readonly #entries = new Map<string, Certificate>();

  /** @param options - the size bound */
  constructor(options: CertificateCacheOptions = {}) {
    const max = options.maxEntries ?? 256;
    if (!Number.isInteger(max) || max < 1 || max > 100_000) throw new TypeError("maxEntries must be an integer from 1 to 100000.");
    this.#max = max;
  }

  /**
   * Parses `input`, or returns the certificate already parsed from the same DER.
   *
   * @param input - PEM text, bare base64 DER or DER bytes
   * @returns the immutable certificate
   * @throws LicenceError `ERR_CERTIFICATE_INVALID`
   */
  parse(input: string | Uint8Array): Certificate {
    const der = toDer(input);
    const key = toHex(backend.sha256(der));
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const cert = parseCertificate(der);
    this.#entries.set(key, cert);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    return cert;
  }

  /** Number of certificates held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
