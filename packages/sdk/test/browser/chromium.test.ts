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
import { serveRegistry, type RunningServer } from "@elicence/registry";
import { COMPANY } from "@elicence/test-support/registry-world";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportAuditBundle, type AuditBundle } from "../../src/index.js";
import { loadVector } from "@elicence/vectors/load";
import { CAUSE, issueOne, sdkWorld, type SdkWorld } from "../support/world.js";
import { sm2Inputs, type Sm2Inputs } from "../support/sm2-world.js";

const CHROMIUM = "/usr/bin/chromium";

let server: Server;
let world: SdkWorld;
let registryServer: RunningServer;
let pageOrigin: string;
let browser: Browser;
let page: Page;
let sm2: Sm2Inputs;
let inputs: { trustList: string; statusList: string; licences: string[]; bundle: AuditBundle; operatorPem: string; at: string };

/** What the page exposes, from the bundle below. */
const ENTRY = `
export { DEFAULT_ALGORITHMS, verifyLicence, verifyTrustList } from "@elicence/core";
export { LicenceVerifier, RegistryClient, verifyAuditBundle } from "./src/index.ts";
export { sm2Verify } from "@elicence/core/keys";
`;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), "Debian's chromium is needed (scripts/test-deps.mjs --install installs it)").toBe(true);
  world = await sdkWorld();
  sm2 = await sm2Inputs();
  const s = world;
  {
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
  pageOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The same registry on a second port, open to the page's origin (CORS): a cross-origin server.
  registryServer = await serveRegistry(world.h.w.registry, { port: 0, corsOrigins: [pageOrigin], logger: {} });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage();
  // The page may reach the loopback servers of this test, and nothing else.
  const reachable = [pageOrigin, registryServer.url, world.h.url];
  await page.route("**/*", (route) => (reachable.some((o) => route.request().url().startsWith(`${o}/`)) ? route.continue() : route.abort()));
  await page.goto(`${pageOrigin}/`);
  await page.waitForFunction(() => typeof (globalThis as { elicence?: unknown }).elicence === "object");
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await registryServer?.close();
  await world?.close();
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

  it("verifies SM2: the GM/T 0003.5 Annex A signature, an SM2 trust list and an SM2SM3 licence (only when allowed)", async () => {
    const v = loadVector("sm2-sm3/sm2-gmt0003.5-annexA.json") as { public_key: { x: string; y: string }; message: string; r: string; s: string };
    const out = await page.evaluate(
      async ({ sm2, vector }) => {
        const e = (globalThis as unknown as { elicence: any }).elicence;
        const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));
        const point = hex(`04${vector.public_key.x}${vector.public_key.y}`);
        const msg = new TextEncoder().encode(vector.message);
        const annex = [e.sm2Verify(point, msg, hex(vector.r + vector.s)), e.sm2Verify(point, msg, hex(vector.s + vector.r))];
        const at = new Date();
        const list = await e.verifyTrustList(sm2.trustList, { at, algorithms: ["SM2SM3"], operatorCertificates: [sm2.operatorPem] });
        const allowed = await e.verifyLicence(sm2.licence, { trustList: list, at, algorithms: ["ES256", "SM2SM3"] });
        const refused = await e.verifyLicence(sm2.licence, { trustList: list, at, algorithms: e.DEFAULT_ALGORITHMS });
        const [h, p, sig] = sm2.licence.split("~")[0].split(".");
        const flipped = `${h}.${p}.${sig.slice(0, 10)}${sig[10] === "A" ? "B" : "A"}${sig.slice(11)}~`;
        const tampered = await e.verifyLicence(flipped, { trustList: list, at, algorithms: ["SM2SM3"] });
        return { annex, allowed: [allowed.indication, allowed.algorithm], refused: refused.subIndication, tampered: tampered.subIndication };
      },
      { sm2, vector: v },
    );
    expect(out.annex).toEqual([true, false]);
    expect(out.allowed).toEqual(["PASSED", "SM2SM3"]);
    expect(out.refused).toBe("CRYPTO_CONSTRAINTS_FAILURE");
    expect(out.tampered).toBe("SIG_CRYPTO_FAILURE");
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

describe("in headless Chromium, online against a registry on another origin", () => {
  it("LicenceVerifier fetches the trust list and status list itself (public, any origin) and PASSES", async () => {
    const out = await page.evaluate(
      async ({ url, licences, operatorPem }) => {
        const e = (globalThis as unknown as { elicence: any }).elicence;
        const verifier = new e.LicenceVerifier({
          source: new e.RegistryClient({ baseUrl: url }),
          operatorCertificates: [operatorPem],
          algorithms: e.DEFAULT_ALGORITHMS,
          maxStaleness: 60_000,
          backgroundRefresh: false,
        });
        const reports = [];
        for (const l of licences) reports.push((await verifier.verify(l)).indication);
        const cache = verifier.exportCache();
        verifier.close();
        return { reports, cached: Object.keys(cache.statusLists) };
      },
      { url: registryServer.url, licences: inputs.licences, operatorPem: inputs.operatorPem },
    );
    expect(out.reports).toEqual(["PASSED", "PASSED"]);
    expect(out.cached).toEqual(["0"]);
  });

  it("a consumer's lookup from the allowed origin works; from an origin not listed, the browser refuses it", async () => {
    const lookup = (url: string) =>
      page.evaluate(
        async ({ url, key, holder, cause }) => {
          const e = (globalThis as unknown as { elicence: any }).elicence;
          const client = new e.RegistryClient({ baseUrl: url, apiKey: key, retries: 0 });
          try {
            return { count: (await client.findByHolder(holder, cause)).length };
          } catch (err) {
            return { error: (err as { code?: string }).code ?? String(err) };
          }
        },
        { url, key: world.h.w.keys.consumer, holder: { idType: COMPANY.idType, idNumber: COMPANY.idNumber }, cause: CAUSE },
      );
    const allowed = await lookup(registryServer.url);
    expect(allowed.count).toBeGreaterThanOrEqual(2);
    // The test world's own server lists no origin: the preflight gets no CORS headers.
    expect(await lookup(world.h.url)).toEqual({ error: "ERR_UNAVAILABLE" });
  });
});
