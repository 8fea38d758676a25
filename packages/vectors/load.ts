/**
 * Reads conformance vectors by path, for tests only (it uses `node:fs`, so no runtime package may
 * import it).
 *
 * @module
 */
import { readFileSync } from "node:fs";

const ROOT = new URL("./", import.meta.url);

function resolveVector(relativePath: string): URL {
  if (typeof relativePath !== "string" || relativePath === "" || relativePath.startsWith("/") || relativePath.includes("\\")) {
    throw new TypeError("A vector path is relative to packages/vectors, with forward slashes.");
  }
  if (relativePath.split("/").some((segment) => segment === ".." || segment === "." || segment === "")) {
    throw new TypeError("A vector path may not contain empty, '.' or '..' segments.");
  }
  return new URL(relativePath, ROOT);
}

/**
 * Reads a vector file as UTF-8 text.
 *
 * @param relativePath - path under `packages/vectors`, for example `"jcs/outhex/arrays.txt"`
 * @returns the file's text
 * @example
 * ```ts
 * const hex = loadVectorText("jcs/outhex/values.txt");
 * ```
 */
export function loadVectorText(relativePath: string): string {
  return readFileSync(resolveVector(relativePath), "utf8");
}

/**
 * Reads and parses a JSON vector file.
 *
 * @param relativePath - path under `packages/vectors`, for example `"cn-identifiers/uscc.json"`
 * @returns the parsed JSON (check its shape before use)
 * @example
 * ```ts
 * const uscc = loadVector("cn-identifiers/uscc.json") as { entries: unknown[] };
 * ```
 */
export function loadVector(relativePath: string): unknown {
  return JSON.parse(loadVectorText(relativePath)) as unknown;
}
