/**
 * Reading input files and writing output files with the CLI's errors (66 unreadable, 73 unwritable).
 * @module
 */
import { constants } from "node:fs";
import { access, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { archiveOfCompacts, type CosignedForm } from "@elicence/core";
import { CliError } from "../output.js";

/** The largest single document the CLI reads (a licence, a trust list, a licence type, a tree head). */
export const MAX_INPUT = 1024 * 1024;

/**
 * Reads a text file (or `-` for standard input) of at most `limit` bytes.
 *
 * @param path - the file, or `-`
 * @param what - what it is, for the error message
 */
export async function readInput(path: string, what: string, limit = MAX_INPUT): Promise<string> {
  try {
    const text = path === "-" ? await readStdin(limit) : await readFile(path, "utf8");
    if (Buffer.byteLength(text) > limit) throw new CliError("data", `${what} is larger than ${limit} bytes.`);
    return text;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError("noInput", `Cannot read ${what} ${path}.`, "Check the path and the file's permissions.");
  }
}

async function readStdin(limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new CliError("data", `The input is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads and parses a JSON file; malformed JSON is a data error (65). */
export async function readJson(path: string, what: string): Promise<unknown> {
  const text = await readInput(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError("data", `${what} ${path} is not valid JSON.`, "Check the file's syntax.");
  }
}

/**
 * Checks, before any work is done, that `path` can be written: a command that issues, amends or
 * reads (each logged) must not do it and then fail to save the result. Creates nothing.
 */
export async function checkWritable(path: string): Promise<void> {
  const full = resolve(path);
  try {
    const existing = await stat(full).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? undefined : Promise.reject(err)));
    if (existing?.isDirectory()) throw new Error("a directory");
    await access(existing ? full : dirname(full), constants.W_OK);
  } catch {
    throw new CliError("cantCreate", `Cannot write ${path}.`, "Check that the directory exists and is writable; nothing was done.");
  }
}

/** Writes a file (mode 0600); failure is exit 73. */
export async function writeOutput(path: string, body: string): Promise<void> {
  try {
    await writeFile(path, body, { mode: 0o600 });
  } catch {
    throw new CliError("cantCreate", `Cannot write ${path}.`, "Check that the directory exists and is writable.");
  }
}

/**
 * The archive (flattened JWS JSON) form of a compact SD-JWT `<jws>~<disclosure>~…~`, with the
 * registry's time-stamp token over its signature (base64 DER) as `etsiU` → `sigTst` when there is one.
 */
export function compactToArchive(
  compact: string,
  signatureTimestamp?: string,
): { protected: string; payload: string; signature: string; header: { disclosures: string[]; etsiU?: unknown[] } } {
  const [jws = "", ...rest] = compact.trim().split("~");
  const [protectedHeader = "", payload = "", signature = ""] = jws.split(".");
  const etsiU = signatureTimestamp ? [{ sigTst: { tstTokens: [{ val: signatureTimestamp }] } }] : undefined;
  return { protected: protectedHeader, payload, signature, header: { disclosures: rest.filter((d) => d.length > 0), ...(etsiU ? { etsiU } : {}) } };
}

/**
 * The licence in the requested file format (the time-stamp token goes in the archive form only).
 * A dual-signed licence (`cosigned` forms): the archive is the JWS general serialisation of all its
 * signatures, the compact file one compact form per signature, a line each.
 */
export function licenceFile(compact: string, format: "archive" | "compact", signatureTimestamp?: string, cosigned?: readonly CosignedForm[]): string {
  if (cosigned?.length) {
    if (format === "compact") return [compact, ...cosigned.map((c) => c.licence)].map((c) => `${c.trim()}\n`).join("");
    return `${JSON.stringify(archiveOfCompacts([{ licence: compact, ...(signatureTimestamp ? { signatureTimestamp } : {}) }, ...cosigned]), null, 2)}\n`;
  }
  return format === "compact" ? `${compact.trim()}\n` : `${JSON.stringify(compactToArchive(compact, signatureTimestamp), null, 2)}\n`;
}

/**
 * A licence file's text as `verify` takes it: a file of several compact forms (a dual-signed
 * licence, one line per signature) becomes their general-serialisation archive; anything else is
 * left as it is.
 */
export function joinCompactLines(text: string): string {
  const lines = text.trim().split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length < 2 || lines.some((l) => !l.startsWith("eyJ"))) return text;
  return JSON.stringify(archiveOfCompacts(lines.map((licence) => ({ licence }))));
}

/** The claims a compact SD-JWT shows: its plain fields and those of the disclosures it carries. */
export function shownFields(compact: string): Record<string, unknown> {
  const [jws = "", ...disclosures] = compact.trim().split("~");
  const fields: Record<string, unknown> = {};
  try {
    const payload = JSON.parse(Buffer.from(jws.split(".")[1] ?? "", "base64url").toString("utf8")) as { fields?: Record<string, unknown> };
    for (const [k, v] of Object.entries(payload.fields ?? {})) if (k !== "_sd") fields[k] = v;
    for (const d of disclosures) {
      if (!d) continue;
      const decoded = JSON.parse(Buffer.from(d, "base64url").toString("utf8")) as unknown;
      if (Array.isArray(decoded) && decoded.length === 3 && typeof decoded[1] === "string") fields[decoded[1]] = decoded[2];
    }
  } catch {
    // A malformed licence shows no fields; `verify` says why.
  }
  return fields;
}
