/**
 * The contract between eLicence and a cryptographic implementation.
 *
 * Two implementations exist: `backend-node.ts` (node:crypto, synchronous underneath, the fast path)
 * and `backend-web.ts` (WebCrypto + pure-JS hashing, for browsers). The package's `#crypto-backend`
 * import map picks one by the `node` export condition, so core never imports a Node built-in on the
 * browser path.
 *
 * @module
 */
import type { SignatureAlgorithm } from "./algorithms.js";

/** An imported public key, opaque to callers (a `KeyObject` or a `CryptoKey`). */
export interface PublicKeyHandle {
  readonly kind: "public";
  readonly alg: SignatureAlgorithm;
  /** SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
}

/** An imported private key, opaque to callers. */
export interface PrivateKeyHandle {
  readonly kind: "private";
  readonly alg: SignatureAlgorithm;
}

/** A freshly generated key pair. */
export interface GeneratedKeyPair {
  /** PKCS#8 PrivateKeyInfo, DER (unencrypted: encrypt before storing). */
  readonly pkcs8: Uint8Array;
  /** SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
  readonly privateKey: PrivateKeyHandle;
  readonly publicKey: PublicKeyHandle;
}

/** What eLicence needs from a crypto implementation. ECDSA signatures are always IEEE P1363 (r‖s). */
export interface CryptoBackend {
  readonly name: "node" | "web";
  sha256(data: Uint8Array): Uint8Array;
  sha384(data: Uint8Array): Uint8Array;
  sha512(data: Uint8Array): Uint8Array;
  /** SM3 (GB/T 32905). */
  sm3(data: Uint8Array): Uint8Array;
  randomBytes(length: number): Uint8Array;
  base64urlEncode(data: Uint8Array): string;
  /** base64url of the SHA-256 of a string's UTF-8 bytes (disclosure digests: one native call on Node). */
  sha256Base64url(text: string): string;
  /** base64url of a string's UTF-8 bytes (one step, so Node can skip an intermediate copy). */
  base64urlEncodeText(text: string): string;
  /** The bytes of an ASCII string (JWS signing inputs are ASCII by construction). */
  asciiBytes(text: string): Uint8Array;
  /** Decodes strict base64url (no padding, no other characters); returns `null` when malformed. */
  base64urlDecode(text: string): Uint8Array | null;
  importPublicKey(spki: Uint8Array, alg: SignatureAlgorithm): Promise<PublicKeyHandle>;
  importPrivateKey(pkcs8: Uint8Array, alg: SignatureAlgorithm): Promise<PrivateKeyHandle>;
  generateKeyPair(alg: SignatureAlgorithm): Promise<GeneratedKeyPair>;
  sign(key: PrivateKeyHandle, data: Uint8Array): Promise<Uint8Array>;
  /** Returns false for a wrong or malformed signature; never throws for bad signature bytes. */
  verify(key: PublicKeyHandle, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** Synchronous {@link CryptoBackend.sign}, where the platform has one (Node). */
  readonly signSync?: (key: PrivateKeyHandle, data: Uint8Array) => Uint8Array;
  /** Synchronous {@link CryptoBackend.verify}, where the platform has one (Node). */
  readonly verifySync?: (key: PublicKeyHandle, data: Uint8Array, signature: Uint8Array) => boolean;
}
