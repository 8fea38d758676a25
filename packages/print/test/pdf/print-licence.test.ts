/**
 * Printing a licence issued by a real registry: the PDF's text (read back with poppler's pdftotext),
 * its embedded font (a subset), its associated file (the archive form, which verifies), its
 * metadata, and its QR code read back from a 150 dpi rendering.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_ALGORITHMS, isLicenceError, verifyLicence } from "@elicence/core";
import { PDFDocument, PDFName, PDFDict, PDFArray, PDFStream, decodePDFRawStream, PDFRawStream } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARCHIVE_ATTACHMENT_NAME, parseFont, parseQrContent, printLicencePdf, readQrFromImage } from "../../src/index.js";
import { BUSINESS_FIELDS, BUSINESS_LICENCE, CAUSE, COMPANY, printWorld, renderPage, rid, type PrintWorld } from "../support/world.js";

let world: PrintWorld;
let compact: string;
let id: string;
let pdf: Uint8Array;

beforeAll(async () => {
  world = await printWorld();
  const issued = await world.w.issuer.issue({ requestId: rid(), type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  id = issued.id;
  compact = (await world.w.consumer.get(id, CAUSE)).licence;
  pdf = (await printLicencePdf(compact, { trustList: world.trustList, fields: BUSINESS_LICENCE.fields, statusLists: [await world.statusList()] })).pdf;
  writeFileSync(join(world.dir, "licence.pdf"), pdf);
}, 120_000);
afterAll(() => world?.close());

function pdftotext(file: string): string {
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

describe("printLicencePdf", () => {
  it("prints the type name, holder, issuer, number, identifier, validity and every field the reader may see, in Chinese", () => {
    const text = pdftotext(join(world.dir, "licence.pdf"));
    for (const s of ["营业执照", "示例科技有限公司", "统一社会信用代码", COMPANY.idNumber, "示例市行政审批局", "有效期限", "发证日期", "法定代表人", "李四", "经营范围", "软件开发", "成立日期", "2020年05月18日"]) {
      expect(text).toContain(s);
    }
    // The identifier is printed whole (on one line).
    expect(text.replace(/\s+/g, "")).toContain(id);
    // A consumer without an agreement sees no conditional field, and no one sees a `none` field.
    expect(text).not.toContain("注册资本");
    expect(text).not.toContain(BUSINESS_FIELDS.legalRepresentativeIdNumber);
  });

  it("embeds a subset of Noto Sans SC, so the file stays small", () => {
    const fonts = execFileSync("pdffonts", [join(world.dir, "licence.pdf")], { encoding: "utf8" });
    expect(fonts).toMatch(/NotoSansSC-Regular\S* +CID TrueType +Identity-H +yes/);
    expect(fonts).toMatch(/NotoSansSC-Bold\S* +CID TrueType +Identity-H +yes/);
    // Each whole font is 10.5 MB: only a subset fits in this.
    expect(pdf.length).toBeLessThan(100_000);
  });

  it("carries the archive-form licence as a PDF/A-3 associated file that verifies, and names the licence in its metadata", async () => {
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(doc.getSubject()).toBe(id);
    expect(doc.getKeywords()).toBe(id);
    const af = doc.catalog.lookup(PDFName.of("AF"), PDFArray);
    expect(af.size()).toBe(1);
    const spec = af.lookup(0, PDFDict);
    expect(spec.get(PDFName.of("AFRelationship"))).toEqual(PDFName.of("Source"));
    expect(spec.lookup(PDFName.of("F"))?.toString()).toContain(ARCHIVE_ATTACHMENT_NAME);
    const stream = spec.lookup(PDFName.of("EF"), PDFDict).lookup(PDFName.of("F")) as PDFStream;
    const bytes = decodePDFRawStream(stream as PDFRawStream).decode();
    const archive = JSON.parse(new TextDecoder().decode(bytes)) as { header: { etsiU: { xVals: unknown[] }[] } };
    expect(archive.header.etsiU[0]!.xVals.length).toBeGreaterThanOrEqual(1);
    const report = await verifyLicence(archive as unknown as Record<string, unknown>, { trustList: world.trustList, at: new Date(), algorithms: [...DEFAULT_ALGORITHMS], statusLists: [await world.statusList()] });
    expect(report.indication).toBe("PASSED");
    const metadata = doc.catalog.lookup(PDFName.of("Metadata"), PDFStream) as PDFRawStream;
    expect(new TextDecoder().decode(metadata.contents)).toContain(`<dc:identifier>${id}</dc:identifier>`);
  });

  it("puts the licence with its always-shared claims only in the QR code, which reads back from a 150 dpi page", () => {
    const text = readQrFromImage(renderPage(pdf, world.dir, 150));
    expect(text.startsWith("ELC1:")).toBe(true);
    const content = parseQrContent(text);
    expect(content).toEqual({ kind: "licence", licence: `${compact.split("~")[0]}~` });
  });

  it("refuses a licence that does not verify, and an unreadable font, with typed errors", async () => {
    const [h, p, s] = compact.split("~")[0]!.split(".");
    const forged = `${h}.${p}.${s!.slice(0, 5)}${s![5] === "A" ? "B" : "A"}${s!.slice(6)}~`;
    await expect(printLicencePdf(forged, { trustList: world.trustList })).rejects.toSatisfy((e) => isLicenceError(e, "ERR_SIGNATURE_INVALID"));
    expect(() => parseFont(new TextEncoder().encode("not a font at all"))).toThrow(expect.objectContaining({ code: "ERR_FONT_INVALID" }));
    expect(() => parseFont(new Uint8Array(64))).toThrow(expect.objectContaining({ code: "ERR_FONT_INVALID" }));
  });
});
