/**
 * What a JAdES signature signs: the JWS Payload attached, a detached payload (RFC 7515 Appendix F),
 * or detached data objects named by `sigD` (ETSI TS 119 182-1 clause 5.2.8) — HTTP header fields
 * (5.2.8.2), objects by URI (5.2.8.3.2) or by URI and digest (5.2.8.3.3). The caller supplies
 * detached content; this module builds the bytes after the '.' of the JWS Signing Input and checks
 * the `sigD` digests.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import { bytesEqual, digest } from "./digest.js";
import { SIGD_HTTP_HEADERS, SIGD_OBJECT_ID_BY_URI, SIGD_OBJECT_ID_BY_URI_HASH, type JadesProtectedHeader } from "./header.js";
import { failed, malformed, undetermined, type JadesCheckFailure } from "./report.js";

/** Detached content the caller supplies (content by URI, HTTP header fields, or one detached payload). */
export interface JadesDetachedContent {
  /** The detached JWS Payload of a signature without `sigD` (RFC 7515 Appendix F). */
  readonly content?: Uint8Array;
  /** Data objects by URI, for `sigD` ObjectIdByURI and ObjectIdByURIHash (the `pars` values). */
  readonly documents?: readonly { readonly uri: string; readonly content: Uint8Array }[];
  /** HTTP header fields of the signed message, for `sigD` HttpHeaders (`(request-target)` included). */
  readonly httpHeaders?: readonly { readonly name: string; readonly value: string }[];
}

/** The bytes after the '.' of the JWS Signing Input, and the verdict on the signed data objects. */
export interface SignedDataResult {
  /** `undefined` when the signed data was not supplied: the signature value cannot be checked. */
  readonly payload: Uint8Array | undefined;
  /** Why the signed data check did not pass, when it did not. */
  readonly failure?: JadesCheckFailure;
}

const ascii = (text: string) => backend.asciiBytes(text);
const utf8 = new TextEncoder();

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const notFound = (code: string) =>
  undetermined("SIGNED_DATA_NOT_FOUND", code, "The signed data was not supplied: give the detached content the signature references.");

/** The octets of a data object as they enter the signature: base64url text unless `b64` is false. */
function octets(content: Uint8Array, b64: boolean): Uint8Array {
  return b64 ? ascii(backend.base64urlEncode(content)) : content;
}

/**
 * Builds the signed payload bytes of one signature.
 *
 * @param documentPayload - the payload as it appears in the document (`""` when detached)
 * @param header - the read protected header
 * @param detached - what the caller supplied
 */
export function signedPayload(documentPayload: string, header: JadesProtectedHeader, detached: JadesDetachedContent): SignedDataResult {
  const sigD = header.signedData;
  if (documentPayload.length > 0) {
    // Clause 5.2.8: with sigD the JWS Payload is detached.
    if (sigD) return { payload: undefined, failure: malformed("payload-with-sigD") };
    if (header.b64) {
      if (backend.base64urlDecode(documentPayload) === null) return { payload: undefined, failure: malformed("payload") };
      return { payload: ascii(documentPayload) };
    }
    return { payload: utf8.encode(documentPayload) };
  }
  if (!sigD) {
    if (detached.content === undefined) return { payload: undefined, failure: notFound("detached-content-missing") };
    return { payload: octets(detached.content, header.b64) };
  }
  if (sigD.mechanism === SIGD_HTTP_HEADERS) return httpHeadersPayload(sigD.references, detached.httpHeaders ?? []);
  const documents = signedDocuments(sigD.references, detached);
  if (sigD.mechanism === SIGD_OBJECT_ID_BY_URI) {
    // Clause 5.2.8.3.2: the objects, in `pars` order, concatenated (each base64url-encoded unless b64 is false).
    if (documents.some((d) => d === undefined)) return { payload: undefined, failure: notFound("document-missing") };
    return { payload: concat(documents.map((d) => octets(d!.content, header.b64))) };
  }
  if (sigD.mechanism === SIGD_OBJECT_ID_BY_URI_HASH) {
    // Clause 5.2.8.3.3: the JWS Payload contributes an empty string; the objects are bound by `hashV`.
    const payload = new Uint8Array(0);
    for (const [i, d] of documents.entries()) {
      if (d === undefined) continue;
      if (!bytesEqual(digest(sigD.hashAlgorithm!, octets(d.content, header.b64)), sigD.hashes![i]!)) {
        return { payload, failure: failed("HASH_FAILURE", "sigD-digest", "A detached data object does not match its digest in sigD.") };
      }
    }
    if (documents.some((d) => d === undefined)) return { payload, failure: notFound("document-missing") };
    return { payload };
  }
  return { payload: undefined, failure: notFound("sigD-mechanism") };
}

/**
 * The data objects `pars` names, in order, from the caller's documents by URI; a single reference
 * with no document of that URI takes the single detached payload, as the EU's reference
 * validator does for one detached document whose name differs.
 */
export function signedDocuments(references: readonly string[], detached: JadesDetachedContent): ({ readonly content: Uint8Array } | undefined)[] {
  const found = references.map((uri) => (detached.documents ?? []).find((d) => d.uri === uri));
  if (references.length === 1 && found[0] === undefined && detached.content !== undefined) return [{ content: detached.content }];
  return found;
}

/**
 * Clause 5.2.8.2 with draft-cavage-http-signatures-10 §2.1.3: for each name of `pars`, in order,
 * `name: value` where the values of repeated fields are joined by ", ", lines joined by "\n".
 */
function httpHeadersPayload(names: readonly string[], fields: readonly { name: string; value: string }[]): SignedDataResult {
  const lines: string[] = [];
  for (const name of names) {
    const values = fields.filter((f) => f.name.trim().toLowerCase() === name).map((f) => f.value.trim());
    if (values.length === 0) return { payload: undefined, failure: notFound("http-header-missing") };
    lines.push(`${name}: ${values.join(", ")}`);
  }
  return { payload: utf8.encode(lines.join("\n")) };
}
