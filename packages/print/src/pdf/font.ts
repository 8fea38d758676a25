/// <reference path="../types/fontkit.d.ts" />
/**
 * The CJK font a printed licence is set in: Noto Sans SC (SIL Open Font License 1.1), a TrueType
 * font installed from the npm registry with `@expo-google-fonts/noto-sans-sc` — never one from the
 * machine — and embedded as a subset, so a licence's PDF carries only the glyphs it prints.
 *
 * pdf-lib's own fontkit fork (`@pdf-lib/fontkit` 1.1) drops glyphs when it subsets this font and
 * writes CFF subsets that poppler rejects ("Embedded font file may be invalid"); fontkit 2 subsets
 * both correctly, so pdf-lib is given fontkit 2 through the small adapter below.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { LicenceError } from "@elicence/core";
import * as fontkit from "fontkit";
import type { FontkitFont } from "fontkit";
import type { PDFDocument } from "pdf-lib";

/** The fontkit interface pdf-lib takes (not exported by pdf-lib itself). */
type Fontkit = Parameters<PDFDocument["registerFontkit"]>[0];

/** The largest font file read (Noto Sans SC Regular is 10.6 MB). */
export const MAX_FONT_BYTES = 32 * 1024 * 1024;

/** Which weight of the packaged font: regular for text, bold for the title. */
export type FontWeight = "regular" | "bold";

const PACKAGED: Record<FontWeight, string> = {
  regular: "@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
  bold: "@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf",
};

/** A font read and parsed once, ready to embed in any number of documents. */
export interface LoadedFont {
  readonly bytes: Uint8Array;
  /** @internal */
  readonly parsed: FontkitFont;
}

function unreadable(cause?: unknown): LicenceError {
  return new LicenceError("ERR_FONT_INVALID", "The font cannot be read as a TrueType or OpenType font with Chinese glyphs.", cause === undefined ? {} : { cause });
}

/**
 * Parses font bytes; the font must be TrueType/OpenType and carry the glyphs of a licence (汉字).
 *
 * @param bytes - a TTF or OTF file
 * @throws LicenceError `ERR_FONT_INVALID`, `ERR_INPUT_TOO_LARGE`
 */
export function parseFont(bytes: Uint8Array): LoadedFont {
  if (bytes.length > MAX_FONT_BYTES) throw new LicenceError("ERR_INPUT_TOO_LARGE", "The font file is too large.", { details: { limit: MAX_FONT_BYTES } });
  let parsed: FontkitFont;
  try {
    parsed = fontkit.create(bytes);
  } catch (err) {
    throw unreadable(err);
  }
  // A collection or a font without 证/照 is no use for a licence.
  if (typeof parsed?.hasGlyphForCodePoint !== "function" || !parsed.hasGlyphForCodePoint(0x8bc1) || !parsed.hasGlyphForCodePoint(0x7167)) throw unreadable();
  return { bytes, parsed };
}

const cache = new Map<string, Promise<LoadedFont>>();

/**
 * Reads a font file (once per path) or, by default, the packaged Noto Sans SC.
 *
 * @param source - a file path, or the packaged weight
 * @throws LicenceError `ERR_FONT_INVALID` when the file cannot be read or is not a usable font
 */
export function loadFont(source: { readonly path: string } | FontWeight = "regular"): Promise<LoadedFont> {
  const path = typeof source === "string" ? createRequire(import.meta.url).resolve(PACKAGED[source]) : source.path;
  let hit = cache.get(path);
  if (!hit) {
    hit = readFile(path).then(
      (bytes) => parseFont(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
      (err: unknown) => Promise.reject(unreadable(err)),
    );
    hit.catch(() => cache.delete(path));
    cache.set(path, hit);
  }
  return hit;
}

/**
 * A fontkit for pdf-lib (`doc.registerFontkit`) that hands back already parsed fonts: parsing is
 * done once per font, not once per document, and subsets are encoded by fontkit 2.
 *
 * @param fonts - the fonts the document will embed
 */
export function fontkitFor(fonts: readonly LoadedFont[]): Fontkit {
  return {
    create(buffer: Uint8Array) {
      const font = fonts.find((f) => f.bytes === buffer || (f.bytes.length === buffer.length && f.bytes.byteOffset === buffer.byteOffset && f.bytes.buffer === buffer.buffer));
      const parsed = font ? font.parsed : fontkit.create(buffer);
      return new Proxy(parsed, {
        get(target, key, receiver) {
          if (key !== "createSubset") return Reflect.get(target, key, receiver) as unknown;
          return () => {
            const subset = target.createSubset();
            // pdf-lib 1.17 reads a subset as a stream (the fontkit 1 API).
            return Object.assign(subset, { encodeStream: () => Readable.from([Buffer.from(subset.encode())]) });
          };
        },
      });
    },
  } as unknown as Fontkit;
}
