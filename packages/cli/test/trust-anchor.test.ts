/**
 * Hardening defect 3, from a terminal: `elicence verify FILE --trust LIST --offline` with no pinned
 * operator is refused with a hint to pin one, and a forged trust list (another operator's, naming
 * the same department) never verifies a forged licence once the genuine operator is pinned.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const PASS = "correct horse battery staple";
const BUSINESS = "11330100MB0000019K001";
const FIELDS = ["name=示例科技有限公司", "entityType=有限责任公司", "legalRepresentative=李四", "establishedOn=2020-05-18", "businessScope=软件开发", "registeredCapital=500", "address=示例市示例区示例路1号"].flatMap((f) => ["--field", f]);

function elicence(args: string[], apiKey = "") {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: apiKey },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let genuine: string;
let forger: string;
let forged: string;

beforeAll(() => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  const dir = mkdtempSync(join(tmpdir(), "elicence-anchor-"));
  genuine = join(dir, "genuine");
  forger = join(dir, "forger");
  let issuerKey = "";
  for (const home of [genuine, forger]) {
    const init = elicence(["init", "--home", home, "--json"]);
    expect(init.code, init.stderr).toBe(0);
    issuerKey = (JSON.parse(init.stdout) as { apiKeys: { role: string; key: string }[] }).apiKeys.find((k) => k.role === "issuer")!.key;
  }
  // The forger's workspace names the same operator and department codes, under its own keys.
  forged = join(dir, "forged.json");
  const issued = elicence(["issue", "--home", forger, "--type", BUSINESS, "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "示例科技有限公司", ...FIELDS, "--out", forged], issuerKey);
  expect(issued.code, issued.stderr).toBe(0);
});

describe("verify --trust anchoring", () => {
  it("refuses a trust list with no pinned operator, saying how to pin it", () => {
    const r = elicence(["verify", forged, "--trust", join(forger, "trust-list.jwt"), "--offline"]);
    expect(r.code).toBe(64);
    expect(r.stdout).not.toMatch(/PASSED/);
    expect(r.stderr).toMatch(/--operator-cert/);
  });

  it("refuses the forged trust list once the genuine operator is pinned", () => {
    const r = elicence(["verify", forged, "--trust", join(forger, "trust-list.jwt"), "--offline", "--operator-cert", join(genuine, "pki", "operator.pem")]);
    expect(r.code).toBe(65);
    expect(r.stdout).not.toMatch(/PASSED/);
  });

  it("a bundle is not verified on its own trust list's word either", () => {
    const r = elicence(["bundle", "verify", forged]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--operator-cert/);
  });
});
