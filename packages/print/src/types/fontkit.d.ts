/** The small part of fontkit 2 this package uses (fontkit ships no types). */
declare module "fontkit" {
  export interface FontkitSubset {
    includeGlyph(glyph: unknown): number;
    encode(): Uint8Array;
  }
  export interface FontkitFont {
    readonly numGlyphs: number;
    readonly unitsPerEm: number;
    hasGlyphForCodePoint(codePoint: number): boolean;
    createSubset(): FontkitSubset;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): FontkitFont;
}
