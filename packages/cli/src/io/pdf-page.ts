/**
 * The first page of a PDF as a PNG, rendered by poppler's `pdftoppm` (Debian `poppler-utils`) at
 * 150 dpi — what a scanner or a phone photo of the printout gives a verifier.
 * @module
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CliError } from "../output.js";

const run = promisify(execFile);

/**
 * Renders page 1 of a PDF to PNG bytes.
 *
 * @param pdf - the PDF's bytes
 * @param dpi - resolution (default 150)
 */
export async function renderFirstPage(pdf: Uint8Array, dpi = 150): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "elicence-qr-"));
  try {
    await writeFile(join(dir, "in.pdf"), pdf);
    try {
      await run("pdftoppm", ["-r", String(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", join(dir, "in.pdf"), join(dir, "page")], { timeout: 60_000, maxBuffer: 1024 * 1024 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new CliError("software", "pdftoppm is not installed: it renders a PDF's page to read its QR code.", "Install Debian's poppler-utils, or give a PNG or JPEG of the page.");
      throw new CliError("data", "The PDF cannot be rendered: it is damaged or not a PDF.");
    }
    return new Uint8Array(await readFile(join(dir, "page.png")));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
