/**
 * Memory for {@link ./verify.ts}: a verifier meets the same TSA certificate in every token, so its
 * parsed form, its imported key and its validated path are kept, bounded, and keyed by everything
 * they depend on — the certificate's DER (by SHA-256), the algorithm, and for a path also the
 * trust anchors, the intermediates and the validation time to the millisecond. Any changed input
 * is a different key; only successful path validations are kept (a failure is recomputed, so
 * nothing is remembered from hostile input but bounded, well-formed entries).
 *
 * @internal
 * @module
 */
import { backend } from "../crypto/index.js";
import type { PublicKeyHandle } from "../crypto/backend.js";
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import { toHex } from "../encoding/bytes.js";
import { CertificateCache } from "../x509/cache.js";
import { type Certificate, isCertificate } from "../x509/certificate.js";
import { toDer } from "../x509/certificate-input.js";
import type { CertificateInput, PathValidationResult } from "../x509/path-validation.js";

const MAX_ENTRIES = 64;

/** Certificates carried by tokens or given as intermediates, parsed once per DER. */
export const tokenCertificates = new CertificateCache({ maxEntries: 256 });

const keys = new Map<string, Promise<PublicKeyHandle>>();
const paths = new Map<string, PathValidationResult>();

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
}

/** The TSA certificate's public key for `alg`, imported once. A failed import is not kept. */
export function tsaPublicKey(tsa: Certificate, alg: SignatureAlgorithm): Promise<PublicKeyHandle> {
  const key = `${tsa.sha256Hex}|${alg}`;
  const hit = keys.get(key);
  if (hit) return hit;
  const pending = backend.importPublicKey(tsa.spki, alg);
  remember(keys, key, pending);
  pending.catch(() => keys.delete(key));
  return pending;
}

function fingerprint(input: CertificateInput): string {
  if (isCertificate(input)) return input.sha256Hex;
  try {
    return toHex(backend.sha256(toDer(input as string | Uint8Array)));
  } catch {
    return "unparsable";
  }
}

/** The cache key of a TSA path validation: every input it depends on. */
export function pathKey(tsa: Certificate, intermediates: readonly Certificate[], trustAnchors: readonly CertificateInput[], at: Date): string {
  return `${tsa.sha256Hex}|${intermediates.map((c) => c.sha256Hex).join(",")}|${trustAnchors.map(fingerprint).join(",")}|${at.getTime()}`;
}

/** A successful path validation remembered under `key`, if any. */
export function knownPath(key: string): PathValidationResult | undefined {
  const hit = paths.get(key);
  if (hit) {
    paths.delete(key);
    paths.set(key, hit);
  }
  return hit;
}

/** Remembers a path validation result when it succeeded. */
export function rememberPath(key: string, result: PathValidationResult): void {
  if (result.ok) remember(paths, key, result);
}
