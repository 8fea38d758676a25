/**
 * The verification part of the SDK in a real browser: Debian's headless Chromium (driven by
 * playwright-core, no browser download) loads the SDK bundled for the browser platform (core on its
 * WebCrypto backend) from a page on loopback, and verifies there — with no network — a trust list,
 * licences with their status list, and an audit bundle exported from a real registry. The same
 * inputs tampered with must FAIL in the browser too.
 */
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportAuditBundle, type AuditBundle } from "../../src/index.js";
import { CAUSE, issueOne, sdkWorld } from "../support/world.js";

const CHROMIUM = "/usr/bin/chromium";

let server: Server;
let browser: Browser;
let page: Page;
let inputs: { trustList: string; statusList: string; licences: string[]; bundle: AuditBundle; operatorPem: string; at: string };

/** What the page exposes, from the bundle below. */
const ENTRY = `
export { DEFAULT_ALGORITHMS, verifyLicence, verifyTrustList } from "@elicence/core";
export { verifyAuditBundle } from "./src/index.ts";
`;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), "Debian's chromium is needed (scripts/test-deps.mjs --install installs it)").toBe(true);
  const s = await sdkWorld();
  try {
    const a = await issueOne(s.clients.issuer);
    const b = await issueOne(s.clients.issuer);
    const bundle = await exportAuditBundle(s.clients.auditor, { ids: [a.id, b.id], cause: CAUSE });
    inputs = {
      trustList: await s.anonymous.trustList(),
      statusList: await s.anonymous.statusList(0),
      licences: [a.licence, b.licence],
      bundle: JSON.parse(JSON.stringify(bundle)) as AuditBundle,
      operatorPem: s.operatorPem,
      at: new Date().toISOString(),
    };
  } finally {
    await s.close();
  }
  const sdkRoot = fileURLToPath(new URL("../../", import.meta.url));
  const bundled = await build({
    stdin: { contents: ENTRY, resolveDir: sdkRoot, loader: "ts" },
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "elicence",
    write: false,
    logLevel: "silent",
    conditions: ["@elicence/source", "browser"],
  });
  const script = bundled.outputFiles[0]!.text;
  expect(script).not.toMatch(/require\(["']node:/);
  server = createServer((req, res) => {
    if (req.url === "/elicence.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script);
    } else {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end('<!doctype html><meta charset="utf-8"><title>eLicence</title><script src="/elicence.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage();
  // The page may reach the loopback server that serves it, and nothing else.
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await page.route("**/*", (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => typeof (globalThis as { elicence?: unknown }).elicence === "object");
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Verifies licences in the page; returns each report's indication and the backend's traits. */
function verifyInPage(licences: readonly string[]) {
  return page.evaluate(
    async ({ trustList, statusList, licences, operatorPem, at }) => {
      const e = (globalThis as unknown as { elicence: any }).elicence;
      const when = new Date(at);
      const list = await e.verifyTrustList(trustList, { at: when, algorithms: e.DEFAULT_ALGORITHMS, operatorCertificates: [operatorPem] });
      const reports = [];
      for (const licence of licences) {
        const r = await e.verifyLicence(licence, { trustList: list, at: when, algorithms: e.DEFAULT_ALGORITHMS, statusLists: [statusList] });
        reports.push({ indication: r.indication, subIndication: r.subIndication ?? null, checks: r.checks.map((c: { check: string; result: string }) => `${c.check}:${c.result}`) });
      }
      return { reports, secure: globalThis.isSecureContext, node: typeof (globalThis as { process?: unknown }).process !== "undefined" };
    },
    { ...inputs, licences },
  );
}

describe("in headless Chromium", () => {
  it("runs in a secure browser context, not in Node", async () => {
    const { secure, node } = await verifyInPage([]);
    expect(secure).toBe(true);
    expect(node).toBe(false);
    expect(await page.evaluate(() => navigator.userAgent)).toMatch(/HeadlessChrome/);
  });

  it("verifies the trust list and licences with their status list: PASSED, every check", async () => {
    const { reports } = await verifyInPage(inputs.licences);
    expect(reports).toHaveLength(2);
    for (const r of reports) {
      expect(r.indication).toBe("PASSED");
      expect(r.checks).toEqual(["format", "algorithm", "signature", "certificate-path", "issuer-authorised", "disclosures", "validity-period", "status"].map((c) => `${c}:passed`));
    }
  });

  it("a tampered licence FAILS in the browser too", async () => {
    const [jws, ...rest] = inputs.licences[0]!.split("~");
    const [h, p, sig] = jws!.split(".");
    const flipped = `${h}.${p}.${sig!.slice(0, 10)}${sig![10] === "A" ? "B" : "A"}${sig!.slice(11)}`;
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, nbf: 0 })).toString("base64url")}.${sig}`;
    const { reports } = await verifyInPage([[flipped, ...rest].join("~"), [forged, ...rest].join("~")]);
    expect(reports.map((r) => [r.indication, r.subIndication])).toEqual([
      ["FAILED", "SIG_CRYPTO_FAILURE"],
      ["FAILED", "SIG_CRYPTO_FAILURE"],
    ]);
  });

  it("verifies an audit bundle offline: PASSED; with a forged log proof, FAILED", async () => {
    const run = (bundle: AuditBundle) =>
      page.evaluate(
        async ({ bundle, operatorPem }) => {
          const e = (globalThis as unknown as { elicence: any }).elicence;
          const r = await e.verifyAuditBundle(bundle, { operatorCertificates: [operatorPem], at: new Date(bundle.createdAt) });
          return { indication: r.indication, licences: r.licences.map((l: { report: { indication: string } }) => l.report.indication), entries: r.log.entries.map((x: { ok: boolean }) => x.ok) };
        },
        { bundle, operatorPem: inputs.operatorPem },
      );
    const good = await run(inputs.bundle);
    expect(good.indication).toBe("PASSED");
    expect(good.licences).toEqual(["PASSED", "PASSED"]);
    expect(good.entries.length).toBeGreaterThan(0);
    expect(good.entries.every(Boolean)).toBe(true);
    const forged = JSON.parse(JSON.stringify(inputs.bundle)) as AuditBundle & { log: { entries: { entry: string }[] } };
    forged.log.entries[0]!.entry = forged.log.entries[0]!.entry.replace('"issue"', '"read"');
    const bad = await run(forged);
    expect(bad.indication).toBe("FAILED");
    expect(bad.entries[0]).toBe(false);
  });
});
