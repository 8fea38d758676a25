/**
 * A licence as a PDF: one A4 page in Chinese (Noto Sans SC, subset), a QR code that verifies it,
 * the archive-form licence embedded as an associated file (PDF/A-3 style: an EmbeddedFile with
 * `AFRelationship /Source`, listed in the catalogue's `AF` array, ISO 19005-3 §6.8), and the
 * licence identifier in the document information and XMP metadata.
 *
 * @module
 */
import QRCode from "qrcode";
import { AFRelationship, PDFDocument, PDFName, PDFString, type PDFDict } from "pdf-lib";
import { LicenceError, type FieldDefinition, type Licence } from "@elicence/core";
import { fontkitFor, loadFont, type LoadedFont } from "./font.js";
import { drawLicencePage, licenceRows } from "./layout.js";

/** The name of the embedded archive-form licence. */
export const ARCHIVE_ATTACHMENT_NAME = "licence.json";

/** What {@link renderLicencePdf} draws. */
export interface RenderLicencePdfOptions {
  /** The licence as printed: the fields the reader may see. */
  readonly licence: Licence;
  /** The licence type's field definitions (labels and order); names are printed without them. */
  readonly fields?: readonly FieldDefinition[];
  /** The QR code's text (see `chooseQrContent`). */
  readonly qr: string;
  /** Whether the QR holds the licence or a reference, for its caption. */
  readonly qrKind: "licence" | "reference";
  /** The archive-form licence (flattened JWS JSON), embedded as the PDF's associated file. */
  readonly archive: unknown;
  /** The document's creation time (default: now). */
  readonly createdAt?: Date;
  /** Fonts: regular and bold (default: the packaged Noto Sans SC). */
  readonly fonts?: { readonly regular: LoadedFont; readonly bold: LoadedFont };
}

/** The QR code's modules at error correction M. */
function qrModules(text: string): { size: number; dark(x: number, y: number): boolean } {
  try {
    const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
    return { size: modules.size, dark: (x, y) => modules.get(y, x) !== 0 };
  } catch (err) {
    throw new LicenceError("ERR_QR_INVALID", "The QR text does not fit a QR code.", { cause: err, details: { reason: "too-large" } });
  }
}

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** XMP metadata naming the licence (dc:identifier, dc:title), as PDF/A readers look for it. */
function xmp(licence: Licence, title: string, createdAt: Date): string {
  const when = createdAt.toISOString();
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<dc:identifier>${xmlEscape(licence.id)}</dc:identifier>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>${xmlEscape(licence.issuer.name)}</rdf:li></rdf:Seq></dc:creator>
<xmp:CreateDate>${when}</xmp:CreateDate><xmp:CreatorTool>eLicence</xmp:CreatorTool>
<pdf:Producer>eLicence (pdf-lib)</pdf:Producer><pdf:Keywords>${xmlEscape(licence.id)}</pdf:Keywords>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`;
}

/**
 * Renders a licence as a one-page PDF.
 *
 * @param options - the licence, its field definitions, the QR text and the archive to embed
 * @returns the PDF bytes
 * @throws LicenceError `ERR_FONT_INVALID` when the font cannot be read, `ERR_QR_INVALID`
 * @example
 * ```ts
 * const pdf = await renderLicencePdf({ licence: report.licence!, fields: type.fields, qr: choice.text, qrKind: choice.kind, archive });
 * ```
 */
export async function renderLicencePdf(options: RenderLicencePdfOptions): Promise<Uint8Array> {
  const { licence } = options;
  const createdAt = options.createdAt ?? new Date();
  const fonts = options.fonts ?? { regular: await loadFont("regular"), bold: await loadFont("bold") };
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkitFor([fonts.regular, fonts.bold]));
  const [regular, bold] = await Promise.all([doc.embedFont(fonts.regular.bytes, { subset: true }), doc.embedFont(fonts.bold.bytes, { subset: true })]);
  const qr = qrModules(options.qr);
  const title = licence.type.name;
  drawLicencePage(doc.addPage([595.28, 841.89]), { regular, bold }, {
    title,
    rows: licenceRows(licence, options.fields),
    id: licence.id,
    qr,
    qrCaption: options.qrKind === "licence" ? "二维码内含已签名证照，可离线核验" : "二维码为证照索引，需联网核验",
  });

  doc.setTitle(`${title} ${licence.number}`, { showInWindowTitleBar: true });
  doc.setSubject(licence.id);
  doc.setKeywords([licence.id]);
  doc.setAuthor(licence.issuer.name);
  doc.setCreator("eLicence");
  doc.setProducer("eLicence (pdf-lib)");
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
  doc.setLanguage("zh-CN");
  // The identifier under a key of its own in the document information, for programs that look it up.
  (doc as unknown as { getInfoDict(): PDFDict }).getInfoDict().set(PDFName.of("LicenceId"), PDFString.of(licence.id));
  const metadata = doc.context.stream(new TextEncoder().encode(xmp(licence, title, createdAt)), { Type: "Metadata", Subtype: "XML" });
  doc.catalog.set(PDFName.of("Metadata"), doc.context.register(metadata));

  await doc.attach(new TextEncoder().encode(`${JSON.stringify(options.archive, null, 2)}\n`), ARCHIVE_ATTACHMENT_NAME, {
    mimeType: "application/json",
    description: `电子证照归档文件 ${licence.id} (JAdES, flattened JWS JSON)`,
    creationDate: createdAt,
    modificationDate: createdAt,
    afRelationship: AFRelationship.Source,
  });
  return doc.save({ useObjectStreams: true });
}
