/**
 * The page of a printed licence, as a person expects a licence to look: the type name as title,
 * then the rows of a certificate — number, identifier, holder, issuer, dates, every surface field
 * the reader may see, each with its Chinese label — and the QR code that verifies it.
 *
 * @module
 */
import { rgb, type PDFFont, type PDFPage } from "pdf-lib";
import type { FieldDefinition, Licence } from "@elicence/core";

/** One labelled row of the licence. */
export interface LicenceRow {
  readonly label: string;
  readonly value: string;
}

const HOLDER_ID_LABELS: Record<string, string> = { "111": "公民身份号码", "001": "统一社会信用代码" };

/** A date-time as a licence prints it: the calendar date in China (UTC+8), 2026年12月04日. */
export function printedDate(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t + 8 * 3600 * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}年${p(d.getUTCMonth() + 1)}月${p(d.getUTCDate())}日`;
}

function printedValue(value: unknown, def: FieldDefinition | undefined): string {
  if (typeof value === "boolean") return value ? "是" : "否";
  if (def?.type === "date" && typeof value === "string") return printedDate(value);
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The rows a licence prints, in order: the licence's own data, then its surface fields in the
 * order of the licence type (fields the type does not list, after them, by name).
 *
 * @param licence - the licence, with the fields the reader may see
 * @param fields - the licence type's field definitions, for labels and order
 */
export function licenceRows(licence: Licence, fields: readonly FieldDefinition[] = []): LicenceRow[] {
  const rows: LicenceRow[] = [
    { label: "证照编号", value: licence.number },
    { label: "持证主体", value: licence.holder.name },
    { label: HOLDER_ID_LABELS[licence.holder.idType] ?? `证件号码（${licence.holder.idType}）`, value: licence.holder.idNumber },
  ];
  const byName = new Map(fields.map((f) => [f.name, f]));
  const names = [...fields.map((f) => f.name).filter((n) => n in licence.fields), ...Object.keys(licence.fields).filter((n) => !byName.has(n)).sort()];
  for (const name of names) rows.push({ label: byName.get(name)?.label ?? name, value: printedValue(licence.fields[name], byName.get(name)) });
  rows.push(
    { label: "发证机构", value: `${licence.issuer.name}（${licence.issuer.code}）` },
    { label: "发证日期", value: printedDate(licence.issuedAt) },
    { label: "有效期限", value: `${printedDate(licence.validFrom)} 至 ${licence.validUntil ? printedDate(licence.validUntil) : "长期"}` },
  );
  return rows;
}

/** Advance widths at size 1, per font and character: measuring a growing line costs one layout per character otherwise. */
const advances = new WeakMap<PDFFont, Map<string, number>>();

function advance(font: PDFFont, ch: string): number {
  let map = advances.get(font);
  if (!map) advances.set(font, (map = new Map()));
  let w = map.get(ch);
  if (w === undefined) map.set(ch, (w = font.widthOfTextAtSize(ch, 1)));
  return w;
}

/**
 * Splits text into lines no wider than `width` (CJK text breaks between any two characters). Widths
 * are summed per character (no kerning across characters: CJK text has none that matters here).
 */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  let used = 0;
  for (const ch of text.replace(/[\r\n\t]+/g, " ")) {
    const w = advance(font, ch) * size;
    if (line !== "" && used + w > width) {
      lines.push(line);
      line = ch === " " ? "" : ch;
      used = ch === " " ? 0 : w;
    } else {
      line += ch;
      used += w;
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * Draws a QR code as vector paths, one rectangle per run of dark modules in a row, inside a quiet
 * zone of 4 modules (ISO/IEC 18004 §6.3.8): sharp at any print resolution, and no image to encode.
 */
function drawQr(page: PDFPage, qr: PageContent["qr"], x: number, y: number, width: number): void {
  const quiet = 4;
  const unit = width / (qr.size + 2 * quiet);
  const parts: string[] = [];
  for (let row = 0; row < qr.size; row++) {
    let col = 0;
    while (col < qr.size) {
      if (!qr.dark(col, row)) {
        col++;
        continue;
      }
      const start = col;
      while (col < qr.size && qr.dark(col, row)) col++;
      parts.push(`M${start + quiet} ${row + quiet}h${col - start}v1h${start - col}z`);
    }
  }
  page.drawRectangle({ x, y, width, height: width, color: rgb(1, 1, 1) });
  // SVG coordinates run downwards from (x, top).
  page.drawSvgPath(parts.join(""), { x, y: y + width, scale: unit, color: rgb(0, 0, 0), borderWidth: 0 });
}

/** What the page is drawn from. */
export interface PageContent {
  readonly title: string;
  readonly rows: readonly LicenceRow[];
  readonly id: string;
  /** The QR code's modules: `size` × `size`, dark where `dark(x, y)`. */
  readonly qr: { readonly size: number; dark(x: number, y: number): boolean };
  /** A line under the QR code: what it holds. */
  readonly qrCaption: string;
}

const INK = rgb(0.1, 0.1, 0.12);
const RULE = rgb(0.55, 0.1, 0.1);
const MUTED = rgb(0.35, 0.35, 0.38);

/**
 * Draws the licence on an A4 page.
 *
 * @param page - an A4 page (595 × 842 pt)
 * @param fonts - regular and bold
 * @param content - what to draw
 */
export function drawLicencePage(page: PDFPage, fonts: { readonly regular: PDFFont; readonly bold: PDFFont }, content: PageContent): void {
  const { width, height } = page.getSize();
  const margin = 48;
  page.drawRectangle({ x: margin - 12, y: margin - 12, width: width - 2 * (margin - 12), height: height - 2 * (margin - 12), borderColor: RULE, borderWidth: 2.5 });
  page.drawRectangle({ x: margin - 6, y: margin - 6, width: width - 2 * (margin - 6), height: height - 2 * (margin - 6), borderColor: RULE, borderWidth: 0.6 });

  const titleSize = 30;
  const titleWidth = fonts.bold.widthOfTextAtSize(content.title, titleSize);
  page.drawText(content.title, { x: Math.max(margin, (width - titleWidth) / 2), y: height - margin - 52, size: titleSize, font: fonts.bold, color: RULE });
  const idLine = `电子证照标识  ${content.id}`;
  const idSize = 8.5;
  page.drawText(idLine, { x: (width - fonts.regular.widthOfTextAtSize(idLine, idSize)) / 2, y: height - margin - 76, size: idSize, font: fonts.regular, color: MUTED });

  // The rows, as a two-column table.
  const size = 11.5;
  const labelWidth = 118;
  const left = margin + 10;
  const valueWidth = width - left - labelWidth - margin - 10;
  let y = height - margin - 112;
  for (const row of content.rows) {
    const lines = wrapText(row.value, fonts.regular, size, valueWidth);
    page.drawText(row.label, { x: left, y, size, font: fonts.bold, color: INK });
    for (const [i, line] of lines.entries()) page.drawText(line, { x: left + labelWidth, y: y - i * (size + 5), size, font: fonts.regular, color: INK });
    y -= lines.length * (size + 5) + 9;
    // A rule halfway between this row's descenders and the next row's ascenders.
    page.drawLine({ start: { x: left, y: y + size + 5 }, end: { x: width - margin - 10, y: y + size + 5 }, thickness: 0.3, color: MUTED });
    if (y < 300) break;
  }

  // The QR code: 62 mm wide (176 pt), bottom right, with its caption.
  const qrSize = 176;
  const qx = width - margin - 10 - qrSize;
  const qy = margin + 40;
  drawQr(page, content.qr, qx, qy, qrSize);
  const caption = wrapText(content.qrCaption, fonts.regular, 8, qrSize);
  for (const [i, line] of caption.entries()) page.drawText(line, { x: qx, y: qy - 12 - i * 11, size: 8, font: fonts.regular, color: MUTED });
  const notes = ["扫描二维码核验本证照，核验结果以二维码中的签名数据为准。", "Scan the QR code to verify this licence; the signed data in it prevails over the print.", "本件附有电子证照归档文件（PDF 附件），可离线核验。"];
  let ny = qy + 130;
  for (const note of notes) {
    for (const line of wrapText(note, fonts.regular, 8.5, qx - left - 16)) {
      page.drawText(line, { x: left, y: ny, size: 8.5, font: fonts.regular, color: MUTED });
      ny -= 12;
    }
    ny -= 4;
  }
}
