/**
 * `init --public-url` and `serve --public-url`: licences name the registry where it is really
 * reached, and the server warns at start when the URLs do not agree. The built binary.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const PASS = "correct horse battery staple";
const BUSINESS = "11330100MB0000019K001";
const FIELDS = ["name=示例科技有限公司", "entityType=有限责任公司", "legalRepresentative=李四", "establishedOn=2020-05-18", "businessScope=软件开发", "registeredCapital=500", "address=示例市示例区示例路1号", "legalRepresentativeIdNumber=440524188001010014"].flatMap((f) => ["--field", f]);
const PUBLIC = "https://registry.example.gov.cn";

function elicence(args: string[], key = "") {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: key }, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `serve` on a free port, waits for it to listen, stops it; resolves with what it printed. */
function serveOnce(home: string, extra: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "serve", "--home", home, "--port", "0", ...extra], { env: { ...process.env, ELICENCE_PASSPHRASE: PASS }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      // The warnings are written right after the "listening" line: give them a moment, then stop.
      if (stdout.includes("listening on")) setTimeout(() => child.kill("SIGTERM"), 300);
    });
    child.on("error", reject);
    child.on("close", () => resolve({ stdout, stderr }));
  });
}

let home: string;
let issuerKey = "";

beforeAll(() => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  home = join(mkdtempSync(join(tmpdir(), "elicence-public-url-")), "ws");
  const init = elicence(["init", "--home", home, "--public-url", `${PUBLIC}/`, "--json"]);
  expect(init.code, init.stderr).toBe(0);
  const out = JSON.parse(init.stdout) as { publicUrl: string; apiKeys: { role: string; key: string }[] };
  expect(out.publicUrl).toBe(PUBLIC);
  issuerKey = out.apiKeys.find((k) => k.role === "issuer")!.key;
});

describe("init --public-url", () => {
  it("every licence names its status list under the public URL", () => {
    const file = join(home, "..", "licence.json");
    const issued = elicence(["issue", "--home", home, "--type", BUSINESS, "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "示例科技有限公司", ...FIELDS, "--out", file], issuerKey);
    expect(issued.code, issued.stderr).toBe(0);
    const archive = JSON.parse(readFileSync(file, "utf8")) as { payload: string };
    const payload = JSON.parse(Buffer.from(archive.payload, "base64url").toString("utf8")) as { status: { status_list: { uri: string } } };
    expect(payload.status.status_list.uri).toBe(`${PUBLIC}/v1/status-lists/0`);
  });

  it("refuses a URL that is not an absolute http(s) URL, in one line, writing no workspace", () => {
    const bad = join(mkdtempSync(join(tmpdir(), "elicence-public-url-")), "ws");
    const r = elicence(["init", "--home", bad, "--public-url", "registry.example.gov.cn"]);
    expect(r.code).toBe(65);
    expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
    expect(existsSync(join(bad, "elicence.json"))).toBe(false);
  });
});

describe("serve --public-url", () => {
  it("prints the public URL and no warning when it is the workspace's", async () => {
    const { stdout, stderr } = await serveOnce(home, ["--public-url", PUBLIC]);
    expect(stdout).toContain(`public URL ${PUBLIC}`);
    expect(stderr).not.toContain("warning:");
  });

  it("warns when the server is declared at another URL than licences name", async () => {
    const { stderr } = await serveOnce(home, ["--public-url", "https://elsewhere.example.gov.cn"]);
    expect(stderr).toMatch(/^warning: .*registry\.example\.gov\.cn.*elsewhere\.example\.gov\.cn/m);
  });

  it("warns when a workspace made without one names localhost:8080 and the server listens elsewhere", async () => {
    const plain = join(mkdtempSync(join(tmpdir(), "elicence-public-url-")), "ws");
    expect(elicence(["init", "--home", plain]).code).toBe(0);
    const { stderr } = await serveOnce(plain, []);
    expect(stderr).toMatch(/^warning: .*http:\/\/localhost:8080.*elicence init --public-url/m);
  });

  it("refuses a malformed --public-url before asking anything", () => {
    const r = elicence(["serve", "--home", home, "--public-url", "ftp://x"]);
    expect(r.code).toBe(64);
  });
});
