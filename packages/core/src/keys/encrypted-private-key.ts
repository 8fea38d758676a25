/**
 * Passphrase-protected private keys: PKCS#8 EncryptedPrivateKeyInfo with PBES2 (PBKDF2 + AES-CBC),
 * the `ENCRYPTED PRIVATE KEY` PEM that OpenSSL reads and writes. Keys are never stored in clear.
 *
 * WebCrypto only, so it runs in browsers as in Node. The passphrase is used as its UTF-8 bytes, without
 * Unicode normalisation, exactly as OpenSSL uses the bytes it is given.
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import { encodeEncryptedPrivateKeyInfo, isPrivateKeyInfo, parseEncryptedPrivateKeyInfo, type Pbes2Params } from "./pbes2.js";
import { encodePem, findPemBlocks } from "../encoding/pem.js";
import { randomBytes, toBufferSource, webCrypto } from "./webcrypto.js";

/** PBKDF2 iterations used when the caller does not say (OWASP 2023 for PBKDF2-HMAC-SHA256). */
export const PBKDF2_DEFAULT_ITERATIONS = 600_000;
/** Fewest PBKDF2 iterations accepted, writing or reading. */
export const PBKDF2_MIN_ITERATIONS = 1000;
/** Most PBKDF2 iterations accepted, writing or reading: a hostile file must not buy minutes of CPU. */
export const PBKDF2_MAX_ITERATIONS = 10_000_000;
/** Largest encrypted key accepted, in bytes or characters (an RSA-16384 key fits). */
const MAX_INPUT_LENGTH = 64 * 1024;

const ENCRYPTED_LABEL = "ENCRYPTED PRIVATE KEY";
const SALT_BYTES = 16;

/** Options of {@link encryptPrivateKey}. */
export interface EncryptPrivateKeyOptions {
  /** PBKDF2 iteration count, from 1000 to 10 000 000; default 600 000. */
  readonly iterations?: number;
}

function checkPassphrase(passphrase: unknown): asserts passphrase is string {
  if (typeof passphrase !== "string" || passphrase.length === 0) throw new TypeError("The passphrase must be a non-empty string.");
}

/** Derives the AES-CBC key from the passphrase; the raw key bytes are wiped once imported. */
async function deriveAesKey(passphrase: string, params: Pbes2Params, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  const subtle = webCrypto().subtle;
  const password = new TextEncoder().encode(passphrase);
  let raw: Uint8Array<ArrayBuffer> | undefined;
  try {
    const base = await subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
    const pbkdf2: Pbkdf2Params = { name: "PBKDF2", hash: params.prf, salt: toBufferSource(params.salt), iterations: params.iterations };
    raw = new Uint8Array(await subtle.deriveBits(pbkdf2, base, params.keyBytes * 8));
    return await subtle.importKey("raw", raw, { name: "AES-CBC" }, false, [usage]);
  } catch (cause) {
    // Some browsers have no AES-192 (Chromium); nothing else here depends on the input.
    throw new LicenceError("ERR_ALGORITHM_UNSUPPORTED", "This platform cannot derive or use the key-encryption key.", {
      cause,
      details: { aesKeyBits: params.keyBytes * 8, prf: params.prf },
    });
  } finally {
    password.fill(0);
    raw?.fill(0);
  }
}

/**
 * Encrypts a PKCS#8 private key under a passphrase, as an `ENCRYPTED PRIVATE KEY` PEM.
 *
 * PBES2 with PBKDF2-HMAC-SHA256 (random 16-byte salt) and AES-256-CBC (random IV): what
 * `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256` writes, and what `openssl pkey` reads.
 *
 * @param pkcs8Der - the PKCS#8 PrivateKeyInfo, DER
 * @param passphrase - a non-empty passphrase, used as its UTF-8 bytes
 * @param options - PBKDF2 iteration count (default 600 000)
 * @returns the PEM text, ending in a newline
 * @throws TypeError when `pkcs8Der` is not a PKCS#8 PrivateKeyInfo, the passphrase is empty or the
 *   iteration count is out of range
 * @example
 * ```ts
 * const pem = await encryptPrivateKey(root.privateKeyPkcs8, passphrase);
 * const again = await decryptPrivateKey(pem, passphrase); // the same bytes
 * ```
 */
export async function encryptPrivateKey(pkcs8Der: Uint8Array, passphrase: string, options: EncryptPrivateKeyOptions = {}): Promise<string> {
  if (!(pkcs8Der instanceof Uint8Array) || pkcs8Der.length > MAX_INPUT_LENGTH || !isPrivateKeyInfo(pkcs8Der)) {
    throw new TypeError("The private key must be a DER PKCS#8 PrivateKeyInfo.");
  }
  checkPassphrase(passphrase);
  const iterations = options.iterations ?? PBKDF2_DEFAULT_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < PBKDF2_MIN_ITERATIONS || iterations > PBKDF2_MAX_ITERATIONS) {
    throw new TypeError(`The PBKDF2 iteration count must be an integer from ${PBKDF2_MIN_ITERATIONS} to ${PBKDF2_MAX_ITERATIONS}.`);
  }
  const params: Pbes2Params = { salt: randomBytes(SALT_BYTES), iterations, prf: "SHA-256", keyBytes: 32, iv: randomBytes(16) };
  const key = await deriveAesKey(passphrase, params, "encrypt");
  const encryptedData = new Uint8Array(await webCrypto().subtle.encrypt({ name: "AES-CBC", iv: toBufferSource(params.iv) }, key, toBufferSource(pkcs8Der)));
  return encodePem(encodeEncryptedPrivateKeyInfo({ params, encryptedData }), ENCRYPTED_LABEL);
}

function unencrypted(): LicenceError {
  return new LicenceError("ERR_KEY_INVALID", "The private key is not encrypted; keys are never stored in clear.", { details: { reason: "unencrypted" } });
}

/** Extracts the DER of the one private key in `input`, refusing anything that is not encrypted PKCS#8. */
function encryptedKeyDer(input: string | Uint8Array): Uint8Array {
  if (input.length > MAX_INPUT_LENGTH) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "The encrypted private key is too large.", { details: { limit: MAX_INPUT_LENGTH } });
  }
  // Bytes starting with a SEQUENCE tag are DER; anything else is PEM text (perhaps after a preamble).
  if (input instanceof Uint8Array && input[0] === 0x30) {
    if (isPrivateKeyInfo(input)) throw unencrypted();
    return input;
  }
  const text = typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: false }).decode(input);
  const keys = findPemBlocks(text).filter((b) => b.label.endsWith("PRIVATE KEY"));
  if (keys.length !== 1) {
    throw new LicenceError("ERR_INPUT_MALFORMED", "The input does not hold exactly one PEM private key.", { details: { found: keys.length } });
  }
  const { label, der } = keys[0]!;
  if (label === "PRIVATE KEY" || ((label === "RSA PRIVATE KEY" || label === "EC PRIVATE KEY") && der !== null)) throw unencrypted();
  if (label !== ENCRYPTED_LABEL) {
    // e.g. the legacy OpenSSL form with Proc-Type/DEK-Info headers (single-iteration MD5 key derivation).
    throw new LicenceError("ERR_ALGORITHM_UNSUPPORTED", "The private key uses a legacy format; convert it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`.", {
      details: { reason: "legacy-format" },
    });
  }
  if (der === null) throw new LicenceError("ERR_INPUT_MALFORMED", "The PEM body is not valid base64.");
  return der;
}

/**
 * Decrypts an `ENCRYPTED PRIVATE KEY` (PKCS#8 EncryptedPrivateKeyInfo) to its PKCS#8 DER.
 *
 * Reads PBES2 with PBKDF2 (HMAC-SHA-256 or HMAC-SHA-1) and AES-128/192/256-CBC, which covers what
 * OpenSSL 1.1 and 3 write with `openssl pkcs8 -topk8 -v2 aes-256-cbc`; refuses everything else.
 *
 * @param pem - the PEM text, or its bytes, or the DER EncryptedPrivateKeyInfo itself
 * @param passphrase - the passphrase (its UTF-8 bytes are used)
 * @returns the PKCS#8 PrivateKeyInfo, DER — secret: wipe it (`fill(0)`) when done
 * @throws LicenceError `ERR_PASSPHRASE_INCORRECT` (wrong passphrase), `ERR_KEY_INVALID` (an unencrypted
 *   key, or fewer than 1000 iterations), `ERR_ALGORITHM_UNSUPPORTED` (PBES1, 3DES, unknown OIDs, legacy
 *   PEM encryption), `ERR_INPUT_TOO_LARGE` (over 64 KiB, or more than 10 000 000 iterations),
 *   `ERR_INPUT_MALFORMED` (anything else)
 * @example
 * ```ts
 * const pkcs8 = await decryptPrivateKey(await readFile("department.key", "utf8"), passphrase);
 * const key = await backend.importPrivateKey(pkcs8, "ES256");
 * pkcs8.fill(0);
 * ```
 */
export async function decryptPrivateKey(pem: string | Uint8Array, passphrase: string): Promise<Uint8Array> {
  if (typeof pem !== "string" && !(pem instanceof Uint8Array)) throw new TypeError("The encrypted private key must be a string or a Uint8Array.");
  checkPassphrase(passphrase);
  const { params, encryptedData } = parseEncryptedPrivateKeyInfo(encryptedKeyDer(pem));
  if (params.iterations > PBKDF2_MAX_ITERATIONS) {
    throw new LicenceError("ERR_INPUT_TOO_LARGE", "The private key asks for more PBKDF2 iterations than allowed.", {
      details: { limit: PBKDF2_MAX_ITERATIONS },
    });
  }
  if (params.iterations < PBKDF2_MIN_ITERATIONS) {
    throw new LicenceError("ERR_KEY_INVALID", "The private key is protected by too few PBKDF2 iterations.", {
      details: { reason: "weak-kdf", iterations: params.iterations, minimum: PBKDF2_MIN_ITERATIONS },
    });
  }
  const key = await deriveAesKey(passphrase, params, "decrypt");
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(await webCrypto().subtle.decrypt({ name: "AES-CBC", iv: toBufferSource(params.iv) }, key, toBufferSource(encryptedData)));
  } catch {
    // Bad CBC padding: with the right passphrase it cannot happen for a file that parsed.
    throw new LicenceError("ERR_PASSPHRASE_INCORRECT", "The passphrase is incorrect.");
  }
  // Padding that happens to be valid (about 1 in 256 wrong passphrases) still leaves garbage.
  if (!isPrivateKeyInfo(plain)) {
    plain.fill(0);
    throw new LicenceError("ERR_PASSPHRASE_INCORRECT", "The passphrase is incorrect.");
  }
  return plain;
}

/**
 * True when `text` holds exactly one well-formed `ENCRYPTED PRIVATE KEY` PEM block and no other key.
 *
 * A cheap syntactic check (no decryption); use it to tell an encrypted key file from a clear one.
 *
 * @param text - file contents
 * @example
 * ```ts
 * if (!isEncryptedPrivateKeyPem(text)) throw new Error("Refusing a private key stored in clear.");
 * ```
 */
export function isEncryptedPrivateKeyPem(text: string): boolean {
  if (typeof text !== "string" || text.length > MAX_INPUT_LENGTH) return false;
  const keys = findPemBlocks(text).filter((b) => b.label.endsWith("PRIVATE KEY"));
  return keys.length === 1 && keys[0]!.label === ENCRYPTED_LABEL && keys[0]!.der !== null;
}
