/**
 * Access to the platform's WebCrypto, for code that must run in browsers as well as Node (key
 * storage here, and the development PKI of `@elicence/pki`, through `@elicence/core/keys`).
 *
 * @internal
 * @module
 */
import { LicenceError } from "../errors/errors.js";

/**
 * The platform's `crypto` object; throws a coded error where there is none.
 *
 * @internal
 */
export function webCrypto(): Crypto {
  const c = globalThis.crypto;
  if (!c?.subtle) throw new LicenceError("ERR_ALGORITHM_UNSUPPORTED", "This platform has no WebCrypto.");
  return c;
}

/**
 * Copies bytes into a fresh `ArrayBuffer`-backed view, the form WebCrypto's types ask for.
 *
 * @internal
 */
export function toBufferSource(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(data);
}

/**
 * Random bytes from the platform CSPRNG.
 *
 * @internal
 */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return webCrypto().getRandomValues(new Uint8Array(length));
}
