/**
 * The registry's public URL: what licences and status lists name, checked when it is set and
 * compared with where the server listens when it starts.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LicenceError } from "@elicence/core";
import { initWorkspace, normalisePublicUrl, publicUrlWarnings, Registry } from "@elicence/registry";
import { BUSINESS_LICENCE, SAMPLE_DEPARTMENT, SAMPLE_OPERATOR } from "@elicence/registry/samples";

describe("normalisePublicUrl", () => {
  it("accepts an http(s) origin with an optional path, without the trailing slash", () => {
    expect(normalisePublicUrl("https://registry.example.gov.cn/")).toBe("https://registry.example.gov.cn");
    expect(normalisePublicUrl("https://gw.example.gov.cn/elicence/")).toBe("https://gw.example.gov.cn/elicence");
    expect(normalisePublicUrl("http://127.0.0.1:9090")).toBe("http://127.0.0.1:9090");
  });

  it("refuses anything else with ERR_VALIDATION", () => {
    const bad = ["", "registry.example", "ftp://x.example", "https://x.example/?q=1", "https://x.example/#f", "https://user:pw@x.example", "javascript:alert(1)", `https://${"a".repeat(2100)}.example`, 42 as unknown as string];
    for (const url of bad) {
      const err = (() => {
        try {
          normalisePublicUrl(url);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, String(url).slice(0, 40)).toBeInstanceOf(LicenceError);
      expect((err as LicenceError).code).toBe("ERR_VALIDATION");
    }
  });
});

describe("publicUrlWarnings", () => {
  it("is silent when the declared URL is the workspace's, or when a loopback URL matches the listening port", () => {
    expect(publicUrlWarnings({ configured: "https://registry.example.gov.cn", declared: "https://registry.example.gov.cn/", listening: "http://127.0.0.1:8080" })).toEqual([]);
    expect(publicUrlWarnings({ configured: "http://localhost:8080", listening: "http://127.0.0.1:8080" })).toEqual([]);
  });

  it("warns when the declared URL is not the one licences name", () => {
    const [w] = publicUrlWarnings({ configured: "http://localhost:8080", declared: "https://registry.example.gov.cn", listening: "http://127.0.0.1:8080" });
    expect(w).toContain("http://localhost:8080");
    expect(w).toContain("https://registry.example.gov.cn");
  });

  it("warns when a loopback URL names another port than the server listens on, or the server listens beyond loopback", () => {
    expect(publicUrlWarnings({ configured: "http://localhost:8080", listening: "http://127.0.0.1:9090" })).toHaveLength(1);
    expect(publicUrlWarnings({ configured: "http://localhost:8080", listening: "http://0.0.0.0:8080" })).toHaveLength(1);
  });
});

describe("a workspace made with a public URL", () => {
  it("names it in every licence's status reference and status list", async () => {
    const home = mkdtempSync(join(tmpdir(), "elicence-public-url-"));
    await initWorkspace(home, {
      passphrase: "p",
      now: new Date(),
      operator: SAMPLE_OPERATOR,
      departments: [SAMPLE_DEPARTMENT],
      licenceTypes: [BUSINESS_LICENCE],
      iterations: 1000,
      publicUrl: "https://registry.example.gov.cn/",
    });
    const registry = await Registry.open({ home, passphrase: "p" });
    try {
      expect(registry.publicUrl).toBe("https://registry.example.gov.cn");
      expect(registry.statusListUri(0)).toBe("https://registry.example.gov.cn/v1/status-lists/0");
    } finally {
      await registry.close();
    }
    await expect(initWorkspace(mkdtempSync(join(tmpdir(), "elicence-public-url-")), { passphrase: "p", now: new Date(), operator: SAMPLE_OPERATOR, departments: [SAMPLE_DEPARTMENT], licenceTypes: [BUSINESS_LICENCE], publicUrl: "localhost" })).rejects.toMatchObject({ code: "ERR_VALIDATION" });
  });
});
