/**
 * The offline verifier page in Debian's headless Chromium (playwright-core, no browser download),
 * opened from `file://` as an auditor would: a licence file, an audit bundle and a picture of a
 * printed licence's QR code, each checked against a trust list and status lists loaded from files;
 * PASSED, FAILED and INDETERMINATE shown; no network request made. A screenshot of each state is
 * kept in `test-artefacts/` and checked not to be blank.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DEFAULT_ALGORITHMS, archiveOfCompacts, verifyTrustList } from "@elicence/core";
import { SAMPLE_DEPARTMENT } from "@elicence/registry/samples";
import { PASSPHRASE } from "@elicence/test-support/registry-world";
import { chromium, type Browser, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportAuditBundle } from "../../src/index.js";
import { printLicencePdf } from "../../src/print.js";
import { CAUSE, issueOne, sdkWorld, type SdkWorld } from "../support/world.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const ARTEFACTS = fileURLToPath(new URL("../../test-artefacts/", import.meta.url));

let world: SdkWorld;
let dir: string;
let browser: Browser;
let page: Page;
const requests: string[] = [];
const files: Record<"page" | "trust" | "operator" | "status" | "licence" | "tampered" | "bundle" | "qr" | "noise" | "dual", string> = {} as never;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), "Debian's chromium is needed (scripts/test-deps.mjs --install installs it)").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "elicence-page-"));
  files.page = join(dir, "verify.html");
  execFileSync(process.execPath, [join(ROOT, "scripts/build-verifier-page.mjs"), files.page], { stdio: "ignore" });
  world = await sdkWorld();
  // The issuing department signs with SM2SM3 beside ES256: every licence below is dual-signed.
  await world.h.w.registry.addDepartmentKey({ code: SAMPLE_DEPARTMENT.code, alg: "SM2SM3", passphrase: PASSPHRASE, iterations: 1000 });
  const a = await issueOne(world.clients.issuer);
  const shared = await world.clients.consumer.get(a.id, CAUSE);
  const write = (name: string, body: string | Uint8Array) => (writeFileSync(join(dir, name), body), join(dir, name));
  files.trust = write("trust-list.jwt", await world.anonymous.trustList());
  files.operator = write("operator.pem", world.operatorPem);
  files.status = write("status-0.jwt", await world.anonymous.statusList(0));
  files.licence = write("licence.txt", shared.licence);
  expect(shared.cosigned, "the HTTP API and the SDK client carry the further signature").toHaveLength(1);
  files.dual = write("dual.json", JSON.stringify(archiveOfCompacts([{ licence: shared.licence }, ...shared.cosigned!])));
  const [h, p, s] = shared.licence.split("~")[0]!.split(".");
  files.tampered = write("tampered.txt", `${h}.${p}.${s!.slice(0, 6)}${s![6] === "A" ? "B" : "A"}${s!.slice(7)}~`);
  files.bundle = write("audit.json", JSON.stringify(await exportAuditBundle(world.clients.auditor, { ids: [a.id], cause: CAUSE })));
  const trustList = await verifyTrustList(await world.anonymous.trustList(), { at: new Date(), algorithms: [...DEFAULT_ALGORITHMS], operatorCertificates: [world.operatorPem] });
  const { pdf } = await printLicencePdf(shared.licence, { trustList });
  const pdfFile = write("licence.pdf", pdf);
  execFileSync("pdftoppm", ["-r", "150", "-png", "-singlefile", pdfFile, join(dir, "scan")]);
  files.qr = join(dir, "scan.png");
  files.noise = write("no-qr.png", PNG.sync.write(Object.assign(new PNG({ width: 64, height: 64 }), { data: Buffer.alloc(64 * 64 * 4, 200) })));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 1100 }, locale: "zh-CN" });
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(files.page).href);
  await page.waitForSelector("body[data-ready=true]");
  mkdirSync(ARTEFACTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

/** Waits until no check is under way (the page marks its body busy while one runs). */
const settled = () => page.waitForSelector("body[data-busy=false]", { timeout: 60_000 });

/** Loads an input and waits for the report's indication, once every check under way has ended. */
async function check(input: string, expected: string): Promise<string> {
  await settled();
  // Cleared first: choosing the same file again fires no change event.
  await page.setInputFiles("#input", []);
  await page.evaluate(() => (document.getElementById("result")!.innerHTML = ""));
  await page.setInputFiles("#input", input);
  await settled();
  const el = await page.waitForSelector("#result [data-indication]", { timeout: 60_000 });
  const got = (await el.getAttribute("data-indication"))!;
  expect(got, await page.locator("#result").innerText()).toBe(expected);
  return page.locator("#result").innerText();
}

/** Screenshots the page as an artefact and checks it is not blank: many non-background pixels, and the indication's colour. */
async function screenshot(name: string, colour: [number, number, number]): Promise<void> {
  const file = join(ARTEFACTS, `verifier-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const png = PNG.sync.read(readFileSync(file));
  let ink = 0;
  let badge = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    if (Math.abs(r - 246) + Math.abs(g - 244) + Math.abs(b - 241) > 30 && r + g + b < 700) ink++;
    if (Math.abs(r - colour[0]) + Math.abs(g - colour[1]) + Math.abs(b - colour[2]) < 12) badge++;
  }
  expect(ink / (png.width * png.height)).toBeGreaterThan(0.03);
  expect(badge).toBeGreaterThan(2000);
}

const GREEN: [number, number, number] = [0x1d, 0x7a, 0x3a];
const RED: [number, number, number] = [0xb3, 0x26, 0x1e];
const AMBER: [number, number, number] = [0xb2, 0x6a, 0x00];

describe("the offline verifier page, from file://", () => {
  it("a licence file with the trust list, operator certificate and status list: PASSED, with each check, the fields and the signer, in Chinese", async () => {
    await page.setInputFiles("#trust", files.trust);
    await page.setInputFiles("#operator", files.operator);
    await page.setInputFiles("#status", files.status);
    const text = await check(files.licence, "PASSED");
    for (const s of ["核验通过", "签名", "证书链", "状态", "营业执照", "示例科技有限公司", "签名者"]) expect(text).toContain(s);
    // Each check's reason in Chinese, with the report's English sentence beneath it.
    expect(text).toContain("签名对签名证书有效。");
    expect(text).toContain("状态列表显示证照有效。");
    expect(text).toContain("The signature is valid for the signing certificate.");
    await screenshot("passed", GREEN);
  });

  it("in English at the press of a button", async () => {
    await page.click("#lang");
    await page.waitForFunction(() => document.documentElement.lang === "en");
    const text = await check(files.licence, "PASSED");
    expect(text).toContain("PASSED");
    expect(text).toContain("certificate path");
    expect(text).not.toContain("签名对签名证书有效。");
    await page.click("#lang");
    await page.waitForFunction(() => document.documentElement.lang === "zh-CN");
  });

  it("a tampered licence: FAILED, the signature check says why", async () => {
    const text = await check(files.tampered, "FAILED");
    expect(text).toContain("SIG_CRYPTO_FAILURE");
    expect(text).toContain("签名值验证失败");
    await screenshot("failed", RED);
  });

  it("a re-run still under way (a language switch) never lands over the report of a file chosen after it", async () => {
    await check(files.qr, "PASSED");
    // The switch re-checks the scan, made slow here (its picture decodes half a second late); the tampered
    // licence is chosen before that re-run ends. Its signature fails at once, so without ordering the
    // scan's PASSED would land last.
    await page.evaluate(() => {
      const decode = window.createImageBitmap.bind(window) as (b: Blob) => Promise<ImageBitmap>;
      (window as unknown as { slowDecode: typeof decode }).slowDecode = decode;
      window.createImageBitmap = ((b: Blob) => new Promise((r) => setTimeout(r, 500)).then(() => decode(b))) as typeof window.createImageBitmap;
    });
    await page.evaluate(() => (document.getElementById("result")!.innerHTML = ""));
    await page.click("#lang");
    await page.setInputFiles("#input", files.tampered);
    expect(await page.getAttribute("body", "data-busy"), "the page shows that it is checking").toBe("true");
    await settled();
    expect(await page.getAttribute("#result [data-indication]", "data-indication")).toBe("FAILED");
    expect(await page.locator("#busy").isVisible()).toBe(false);
    await page.evaluate(() => (window.createImageBitmap = (window as unknown as { slowDecode: typeof window.createImageBitmap }).slowDecode));
    await page.click("#lang");
    await page.waitForFunction(() => document.documentElement.lang === "zh-CN");
    await check(files.licence, "PASSED");
  });

  it("without a status list: INDETERMINATE", async () => {
    await page.setInputFiles("#status", []);
    expect(await check(files.licence, "INDETERMINATE")).toContain("暂时缺少有效的状态列表");
    await screenshot("indeterminate", AMBER);
    await page.setInputFiles("#status", files.status);
  });

  it("a dual-signed licence (general serialisation): PASSED via its ES256 signature, its SM2 one verified in the page too", async () => {
    const text = await check(files.dual!, "PASSED");
    expect(text).toContain("SM2SM3");
    expect(await page.locator("tr.signature[data-indication=PASSED]").count()).toBe(2);
  });

  it("an audit bundle: PASSED, with its log proofs", async () => {
    const text = await check(files.bundle, "PASSED");
    expect(text).toContain("审计包");
    await screenshot("bundle", GREEN);
  });

  it("a 150 dpi scan of a printed licence: its QR code read in the page, PASSED", async () => {
    const text = await check(files.qr, "PASSED");
    expect(text).toContain("(QR)");
    await screenshot("qr", GREEN);
  });

  it("a picture without a QR code: a clear error, never a verdict", async () => {
    const text = await check(files.noise, "ERROR");
    expect(text).toContain("ERR_QR_UNREADABLE");
  });

  it("made no network request: every request was for the page itself", () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
  });
});
