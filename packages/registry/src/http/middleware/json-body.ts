/**
 * Reads a JSON request body before the schema sees it: media type, size, UTF-8 and strict JSON
 * (duplicate members refused) are checked here, so a bad body is a 4xx with a code and never
 * reaches the registry.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import { parseStrictJson } from "@elicence/core/encoding";
import type { MiddlewareHandler } from "hono";
import { UnsupportedMediaTypeError } from "../problem.js";

// `application/json`, optionally with `charset=utf-8` (RFC 8259 §8.1: JSON is UTF-8).
const JSON_MEDIA_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function tooLarge(limit: number): LicenceError {
  return new LicenceError("ERR_INPUT_TOO_LARGE", "The request body is larger than allowed.", { details: { limit } });
}

/** Reads at most `limit` bytes of a stream; throws `ERR_INPUT_TOO_LARGE` past it. */
async function readLimited(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away mid-upload (or sent a broken chunked body): its fault, not ours.
      throw new LicenceError("ERR_INPUT_MALFORMED", "The request body ended before it was complete.");
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * Makes the middleware that reads and checks a JSON body of at most `limit` bytes. The checked
 * bytes replace the request's stream (as Hono's own `bodyLimit` does), and the route's schema
 * validator parses them again: the body is at most a few MiB, and the validator stays Hono's.
 *
 * @param limit - the largest body accepted, in bytes
 */
export function jsonBody(limit: number): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    const declared = c.req.header("Content-Length");
    if (raw.body === null || declared === "0") throw new LicenceError("ERR_INPUT_MALFORMED", "The request needs a JSON body.");
    if (!JSON_MEDIA_TYPE.test(c.req.header("Content-Type") ?? "")) throw new UnsupportedMediaTypeError();
    if (declared !== undefined && !(Number(declared) <= limit)) throw tooLarge(limit);
    const bytes = await readLimited(raw.body, limit);
    if (bytes.byteLength === 0) throw new LicenceError("ERR_INPUT_MALFORMED", "The request needs a JSON body.");
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new LicenceError("ERR_INPUT_MALFORMED", "The request body is not valid UTF-8.");
    }
    // parseStrictJson throws ERR_INPUT_MALFORMED or ERR_JSON_DUPLICATE_MEMBER, with fixed messages.
    parseStrictJson(text, { maxLength: limit, maxDepth: 32 });
    c.req.raw = new Request(raw, { body: bytes });
    await next();
  };
}
