/**
 * The log's checkpoint as a C2SP signed note (`tlog-checkpoint`, `signed-note`): the origin, the
 * tree size and the root hash, one per line, signed by the registry's log key — the form monitors
 * and witnesses of Certificate Transparency's tiled logs read.
 *
 * Signature types (C2SP signed-note, "Signature types"): an Ed25519 log key signs as type `0x01`
 * (key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte key)[:4]); a P-256 key as type `0x02` (ECDSA as
 * the transparency-dev witness implements it: an ASN.1 DER ECDSA-Sig-Value over SHA-256, key ID =
 * SHA-256 of the DER SubjectPublicKeyInfo, first four bytes). Any other JWS algorithm (PS256, SM2)
 * uses the reserved type `0xff` followed by the identifier `elicence/jws/<alg>` and a NUL, with
 * key ID = SHA-256(name ‖ 0x0A ‖ 0xff ‖ identifier ‖ 0x00 ‖ SPKI)[:4] and the JWS signature bytes.
 *
 * @module
 */
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import { backend } from "../crypto/index.js";
import { decodeBase64, encodeBase64 } from "../encoding/base64.js";
import { encodeSequence, encodeTlv } from "../encoding/der-write.js";
import { LicenceError } from "../errors/errors.js";
import type { Signer } from "../jws/jws.js";
import { ecdsaDerToP1363 } from "../x509/signature.js";
import { HASH_SIZE } from "./hash.js";

/** A checkpoint's note text, read. */
export interface Checkpoint {
  /** The log's identity (the tree head's `logId`), e.g. `registry.example.gov.cn/log`. */
  readonly origin: string;
  readonly treeSize: number;
  /** `MTH(D[0:treeSize])`, 32 bytes. */
  readonly rootHash: Uint8Array;
}

/** A key that may have signed a checkpoint: the log's name (its origin) and public key. */
export interface CheckpointKey {
  /** The key name in the signature line; the log's origin. */
  readonly name: string;
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** The JWS algorithm of the key (ES256, EdDSA, or another the backend supports). */
  readonly alg: SignatureAlgorithm;
}

/** At most this many bytes in a note, and signature lines in it (C2SP: at least 16 must be accepted). */
const MAX_NOTE_BYTES = 16 * 1024;
const MAX_SIGNATURES = 32;
const ORIGIN = /^[\x21-\x7e]{1,255}$/;
const SIZE = /^(0|[1-9][0-9]{0,15})$/;
const encoder = new TextEncoder();

/** Why a checkpoint was refused (`details.reason`; part of `ProofFailureReason`). */
export type CheckpointFailureReason =
  | "checkpoint-size"
  | "checkpoint-characters"
  | "checkpoint-shape"
  | "checkpoint-signatures"
  | "checkpoint-text"
  | "checkpoint-origin"
  | "checkpoint-tree-size"
  | "checkpoint-root-hash"
  | "checkpoint-signature-line"
  | "checkpoint-signature";

function malformed(reason: CheckpointFailureReason): LicenceError {
  return new LicenceError("ERR_LOG_PROOF_INVALID", "The checkpoint is malformed.", { details: { reason } });
}

/**
 * The note text of a checkpoint: `origin\nsize\nbase64(root)\n` (no extension lines).
 *
 * @param checkpoint - the checkpoint
 * @example
 * ```ts
 * checkpointText({ origin: "example.gov.cn/log", treeSize: 7, rootHash }); // "example.gov.cn/log\n7\n…=\n"
 * ```
 */
export function checkpointText(checkpoint: Checkpoint): string {
  const { origin, treeSize, rootHash } = checkpoint;
  if (typeof origin !== "string" || !ORIGIN.test(origin)) throw new TypeError("A checkpoint origin is 1 to 255 visible ASCII characters without spaces.");
  if (origin.includes("+")) throw new TypeError("A checkpoint origin has no '+' (it is also the key name).");
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new TypeError("A tree size is a non-negative safe integer.");
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== HASH_SIZE) throw new TypeError("A root hash is 32 bytes.");
  return `${origin}\n${treeSize}\n${encodeBase64(rootHash)}\n`;
}

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The 4-byte key ID of a log key in signed notes (see the module's notes): type 0x02 hashes the
 * SPKI alone; the others hash name ‖ 0x0A ‖ type ‖ key.
 *
 * @param key - the key
 */
export function checkpointKeyId(key: CheckpointKey): Uint8Array {
  let input: Uint8Array;
  if (key.alg === "ES256") input = key.spki;
  else if (key.alg === "EdDSA") {
    // RFC 8410 SubjectPublicKeyInfo of Ed25519: a 12-byte prefix, then the 32-byte key.
    if (key.spki.length !== 44) throw new LicenceError("ERR_KEY_INVALID", "The log key is not an Ed25519 key.");
    input = concat(encoder.encode(`${key.name}\n`), Uint8Array.of(0x01), key.spki.subarray(12));
  } else {
    input = concat(encoder.encode(`${key.name}\n`), Uint8Array.of(0xff), encoder.encode(`elicence/jws/${key.alg}`), Uint8Array.of(0), key.spki);
  }
  return backend.sha256(input).slice(0, 4);
}

function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  return encodeTlv(0x02, trimmed[0]! >= 0x80 ? concat(Uint8Array.of(0), trimmed) : trimmed);
}

/**
 * Signs a checkpoint with the log key: the note text, a blank line and one signature line.
 *
 * @param checkpoint - the checkpoint
 * @param key - the log key's name (the origin) and public key
 * @param signer - the log key's signer (JWS form: ECDSA as r‖s)
 * @returns the signed note
 * @example
 * ```ts
 * const note = await signCheckpoint({ origin, treeSize, rootHash }, { name: origin, spki, alg: "ES256" }, logSigner);
 * ```
 */
export async function signCheckpoint(checkpoint: Checkpoint, key: CheckpointKey, signer: Signer): Promise<string> {
  const text = checkpointText(checkpoint);
  if (signer.alg !== key.alg) throw new TypeError("The signer's algorithm is not the key's.");
  let signature = await signer.sign(encoder.encode(text));
  if (key.alg === "ES256") signature = encodeSequence(unsignedInteger(signature.subarray(0, 32)), unsignedInteger(signature.subarray(32)));
  return `${text}\n\u2014 ${key.name} ${encodeBase64(concat(checkpointKeyId(key), signature))}\n`;
}

/**
 * Verifies a signed note (C2SP signed-note) and returns its text. Signature lines of unknown keys
 * are ignored; a line of a known key (same name and key ID) must verify, and at least one must.
 *
 * @param note - the signed note
 * @param keys - the keys trusted to sign it
 * @returns the note text (with its final newline)
 * @throws LicenceError `ERR_LOG_PROOF_INVALID` with `details.reason`
 * @example
 * ```ts
 * const text = await verifyNote(note, [{ name: "example.gov.cn/log", spki, alg: "EdDSA" }]);
 * ```
 */
export async function verifyNote(note: string, keys: readonly CheckpointKey[]): Promise<string> {
  if (typeof note !== "string" || note.length > MAX_NOTE_BYTES) throw malformed("checkpoint-size");
  // Valid UTF-8 (a JS string) without control characters other than newline.
  if (/[\x00-\x09\x0b-\x1f\x7f]/.test(note) || !note.endsWith("\n")) throw malformed("checkpoint-characters");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw malformed("checkpoint-shape");
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) throw malformed("checkpoint-signatures");
  const message = encoder.encode(text);
  let verified = false;
  for (const line of lines) {
    const m = /^\u2014 ([^\s+]+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
    if (!m) throw malformed("checkpoint-signature-line");
    const bytes = decodeBase64(m[2]!);
    if (!bytes || bytes.length < 5) throw malformed("checkpoint-signature-line");
    for (const key of keys) {
      if (key.name !== m[1]) continue;
      const id = checkpointKeyId(key);
      if (!id.every((b, i) => b === bytes[i])) continue;
      let signature: Uint8Array | undefined = bytes.subarray(4);
      if (key.alg === "ES256") signature = ecdsaDerToP1363(signature, "ES256");
      const ok = signature !== undefined && (await backend.verify(await backend.importPublicKey(key.spki, key.alg), message, signature));
      if (!ok) throw new LicenceError("ERR_LOG_PROOF_INVALID", "A signature of a known log key does not verify.", { details: { reason: "checkpoint-signature" satisfies CheckpointFailureReason } });
      verified = true;
    }
  }
  if (!verified) throw new LicenceError("ERR_LOG_PROOF_INVALID", "No known log key signed the note.", { details: { reason: "checkpoint-signature" satisfies CheckpointFailureReason } });
  return text;
}

/**
 * Verifies a signed checkpoint ({@link verifyNote}) and reads it: exactly the origin expected, a
 * tree size in canonical decimal and a root hash in canonical base64 (extension lines refused).
 *
 * @param note - the signed note, as served at `<prefix>/checkpoint`
 * @param options - the expected origin and the log keys (from the trust list)
 * @returns the checkpoint
 * @throws LicenceError `ERR_LOG_PROOF_INVALID` with `details.reason`
 * @example
 * ```ts
 * const cp = await verifyCheckpoint(await (await fetch(`${prefix}/checkpoint`)).text(), { origin, keys });
 * ```
 */
export async function verifyCheckpoint(note: string, options: { readonly origin: string; readonly keys: readonly CheckpointKey[] }): Promise<Checkpoint> {
  const text = await verifyNote(note, options.keys);
  const body = text.slice(0, -1).split("\n");
  if (body.length !== 3) throw malformed("checkpoint-text");
  const [origin, size, root] = body as [string, string, string];
  if (origin !== options.origin) throw malformed("checkpoint-origin");
  if (!SIZE.test(size) || !Number.isSafeInteger(Number(size))) throw malformed("checkpoint-tree-size");
  const rootHash = decodeBase64(root);
  if (!rootHash || rootHash.length !== HASH_SIZE || encodeBase64(rootHash) !== root) throw malformed("checkpoint-root-hash");
  return { origin, treeSize: Number(size), rootHash };
}
