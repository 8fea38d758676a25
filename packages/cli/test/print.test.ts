/**
 * Printing and scanning as a person does: `elicence print` writes a PDF, Debian's pdftoppm renders
 * it at 150 dpi, and `elicence verify --qr` reads the QR code back and verifies what it holds —
 * offline for a licence that fits, online (through the user's own registry) for a reference. A QR
 * code from another workspace does not pass; a printout whose text was altered verifies to the
 * signed values, not the printed ones; bad input is refused with no file left behind.
 */
import { execFileSync, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseQrContent } from "@elicence/sdk";
import { archiveForm, readQrFromImage, renderLicencePdf } from "@elicence/sdk/print";
import { startServe, stopServe } from "./support/serve.js";

// Each step runs the CLI (and often pdftoppm) in a child process: minutes, not seconds, on a busy 2-core machine.
vi.setConfig({ testTimeout: 300_000 });

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const PASS = "correct horse battery staple";
const BUSINESS = "11330100MB0000019K001";
const COMPANY = "91330100MA2B3C4D1A";
const CAUSE = ["--matter", "330100-PRINT-0001", "--reason", "打印证照"];

let dir: string;
let home: string;
let other: string;
let issuer = "";
let otherIssuer = "";
let id = "";

function run(args: string[], key = issuer) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: key },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function init(path: string): string {
  const r = run(["init", "--home", path, "--json"], "");
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { apiKeys: { role: string; key: string }[] }).apiKeys.find((k) => k.role === "issuer")!.key;
}

function issue(path: string, key: string, scope = "软件开发"): string {
  const fields = ["name=示例科技有限公司", "entityType=有限责任公司", "legalRepresentative=李四", "establishedOn=2020-05-18", `businessScope=${scope}`, "registeredCapital=500", "address=示例市示例路1号"];
  const r = run(["issue", "--home", path, "--type", BUSINESS, "--holder-id", COMPANY, "--holder-name", "示例科技有限公司", ...fields.flatMap((f) => ["--field", f])], key);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

const png150 = (pdf: string): string => {
  execFileSync("pdftoppm", ["-r", "150", "-png", "-singlefile", pdf, pdf.replace(/\.pdf$/, "")]);
  return pdf.replace(/\.pdf$/, ".png");
};

beforeAll(() => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "elicence-cli-print-"));
  home = join(dir, "ws");
  other = join(dir, "other");
  issuer = init(home);
  otherIssuer = init(other);
  id = issue(home, issuer);
}, 240_000);

describe("elicence print", () => {
  it("prints a licence by identifier (a read with its cause) to a PDF whose QR code holds the licence", () => {
    const out = join(dir, "licence.pdf");
    const r = run(["print", id, "--home", home, ...CAUSE, "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { file: string; id: string; qr: { content: string; version: number } };
    expect(summary).toMatchObject({ file: out, id, qr: { content: "licence" } });
    expect(summary.qr.version).toBeLessThanOrEqual(25);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe("%PDF-");
    expect(execFileSync("pdftotext", [out, "-"], { encoding: "utf8" })).toContain("营业执照");
  });

  it("prints a licence file (archive form) as well", () => {
    const file = join(dir, "licence.json");
    expect(run(["get", id, "--home", home, ...CAUSE, "--out", file]).code).toBe(0);
    const r = run(["print", file, "--home", home, "--out", join(dir, "from-file.pdf")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Printed 营业执照 ${id}`);
  });

  it("bad input: unknown identifier, unwritable output, a forged file — a clear error and no file left behind", () => {
    const missing = id.replace(/\.(\d{3})\.(.)$/, ".002.$2");
    const out = join(dir, "bad", "x.pdf");
    const unknown = run(["print", missing, "--home", home, ...CAUSE, "--out", join(dir, "missing.pdf")]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/^elicence: /);
    expect(existsSync(join(dir, "missing.pdf"))).toBe(false);
    expect(run(["print", id, "--home", home, ...CAUSE, "--out", out]).code).toBe(73);
    const forged = join(dir, "forged.txt");
    const compact = run(["get", id, "--home", home, ...CAUSE, "--format", "compact", "--out", join(dir, "c.txt")]);
    expect(compact.code).toBe(0);
    const text = readFileSync(join(dir, "c.txt"), "utf8").trim();
    const [h, p, s] = text.split("~")[0]!.split(".");
    writeFileSync(forged, `${h}.${p}.${s!.slice(0, 4)}${s![4] === "A" ? "B" : "A"}${s!.slice(5)}~`);
    const bad = run(["print", forged, "--home", home, "--out", join(dir, "forged.pdf")]);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain("ERR_SIGNATURE_INVALID");
    expect(existsSync(join(dir, "forged.pdf"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("elicence verify --qr", () => {
  it("PDF → pdftoppm at 150 dpi → decode → PASSED, offline with the trust list and the workspace's status list", () => {
    const page = png150(join(dir, "licence.pdf"));
    const r = run(["verify", "--qr", page, "--home", home, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { indication: string; content: string; report: { licence: { id: string } } };
    expect(result).toMatchObject({ indication: "PASSED", content: "licence", report: { licence: { id } } });
    // The PDF itself (its first page, rendered by pdftoppm) reads the same.
    const fromPdf = run(["verify", "--qr", join(dir, "licence.pdf"), "--home", home]);
    expect(fromPdf.code, fromPdf.stderr).toBe(0);
    expect(fromPdf.stdout).toMatch(/^QR code: holds the licence/);
    expect(fromPdf.stdout).toContain("PASSED");
  });

  it("a QR code from another workspace is not PASSED", () => {
    const foreign = issue(other, otherIssuer);
    const out = join(dir, "foreign.pdf");
    expect(run(["print", foreign, "--home", other, ...CAUSE, "--out", out], otherIssuer).code).toBe(0);
    const r = run(["verify", "--qr", png150(out), "--home", home, "--json"]);
    expect([1, 2]).toContain(r.code);
    expect(JSON.parse(r.stdout).indication).not.toBe("PASSED");
  });

  it("a printout whose text was altered verifies to the signed values, which differ from the print", async () => {
    const file = join(dir, "licence.json");
    const archive = JSON.parse(readFileSync(file, "utf8")) as { protected: string; payload: string; signature: string };
    const compact = `${archive.protected}.${archive.payload}.${archive.signature}~`;
    const printed = parseQrContent(readQrFromImage(readFileSync(png150(join(dir, "licence.pdf")))));
    expect(printed).toEqual({ kind: "licence", licence: compact });
    // A forger keeps the genuine QR code and changes the printed legal representative.
    const r0 = JSON.parse(run(["verify", file, "--home", home, "--json"]).stdout) as { licence: Parameters<typeof renderLicencePdf>[0]["licence"] };
    const tampered = { ...r0.licence, fields: { ...r0.licence.fields, legalRepresentative: "王五" } };
    const qr = readQrFromImage(readFileSync(png150(join(dir, "licence.pdf"))));
    const pdf = await renderLicencePdf({ licence: tampered, qr, qrKind: "licence", archive: archiveForm(compact) });
    const out = join(dir, "tampered.pdf");
    writeFileSync(out, pdf);
    expect(execFileSync("pdftotext", [out, "-"], { encoding: "utf8" })).toContain("王五");
    const r = run(["verify", "--qr", png150(out), "--home", home, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const shown = JSON.parse(r.stdout) as { report: { licence: { fields: Record<string, string> } } };
    expect(shown.report.licence.fields.legalRepresentative).toBe("李四");
    const human = run(["verify", "--qr", png150(out), "--home", home]);
    expect(human.stdout).toMatch(/legalRepresentative\s+李四/);
  });

  it("pictures without a QR code, and files that are not pictures, are refused with exit 65", () => {
    const blank = join(dir, "blank.png");
    execFileSync("pdftoppm", ["-r", "20", "-png", "-singlefile", "-f", "1", "-l", "1", join(dir, "licence.pdf"), join(dir, "tiny")]);
    const noise = Buffer.from(readFileSync(join(dir, "tiny.png")));
    writeFileSync(blank, noise.subarray(0, 40));
    const text = join(dir, "not-a-picture.txt");
    writeFileSync(text, "hello");
    for (const f of [blank, text, join(dir, "tiny.png")]) {
      const r = run(["verify", "--qr", f, "--home", home]);
      expect(r.code, r.stderr).toBe(65);
      expect(r.stderr).toContain("ERR_QR_UNREADABLE");
    }
    expect(run(["verify", "--qr", join(dir, "nope.png"), "--home", home]).code).toBe(66);
    expect(run(["verify", "--home", home]).code).toBe(64);
  });
});

describe("a licence too large for a QR code: an elicence: reference, resolved online", () => {
  let serve: { url: string; child: ChildProcess } | undefined;
  afterAll(async () => {
    if (serve) await stopServe(serve.child);
  });

  it("prints a reference; verify --qr fetches it from the user's registry, checks its digest and PASSES", async () => {
    // 400 distinct characters: repetition would deflate away, these do not.
    const big = issue(home, issuer, Array.from({ length: 400 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join(""));
    const out = join(dir, "big.pdf");
    const r = run(["print", big, "--home", home, ...CAUSE, "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).qr.content).toBe("reference");
    const page = png150(out);
    const offline = run(["verify", "--qr", page, "--home", home, "--offline", "--json"]);
    expect(offline.code).toBe(2);
    expect(JSON.parse(offline.stdout)).toMatchObject({ indication: "INDETERMINATE", content: "reference", reason: "reference-not-resolved" });
    serve = await startServe(BIN, home, PASS);
    writeFileSync(join(dir, "trust.jwt"), readFileSync(join(home, "trust-list.jwt")));
    const online = run(["verify", "--qr", page, "--registry", serve.url, "--trust", join(dir, "trust.jwt"), "--operator-cert", join(home, "pki", "operator.pem"), ...CAUSE, "--json"]);
    expect(online.code, online.stderr).toBe(0);
    expect(JSON.parse(online.stdout)).toMatchObject({ indication: "PASSED", content: "reference", reference: { id: big, digestMatches: true } });
  });
});
