/**
 * `elicence augment FILE --level T|LT|LTA` end to end with the built CLI: a licence issued at B-T
 * goes to B-LT and B-LTA (and B-LTA again), each output verified with core's `verifyJades`; bad
 * input, an unknown level and TSA failures (an unreachable TSA, an RFC 3161 TSA over HTTP that the
 * trust list does not name) are refused with their exit codes, and no output file is left behind.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRootCa, createTimestampAuthority, createTsaCertificate } from "@elicence/pki";
import { verifyJades } from "@elicence/core/jades";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = join(ROOT, "packages/cli/dist/bin.js");
const PASS = "augment test passphrase";
let dir: string;
let home: string;
let rogue: Server;
let rogueUrl: string;

function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000" } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const verify = (file: string, at = new Date(Date.now() + 60_000)) =>
  verifyJades(readFileSync(join(dir, file), "utf8"), {
    trustAnchors: [readFileSync(join(home, "pki", "root-ca.pem"), "utf8")],
    certificates: [readFileSync(join(home, "departments", "11330100MB0000019K", "signing.pem"), "utf8")],
    at,
    algorithms: ["ES256"],
    unprotectedMembers: ["disclosures"],
  });

beforeAll(async () => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "elicence-augment-"));
  home = join(dir, "ws");
  const init = await cli(["init", "--home", home, "--json"]);
  expect(init.code, init.stderr).toBe(0);
  const issuer = (JSON.parse(init.stdout) as { apiKeys: { role: string; key: string }[] }).apiKeys.find((k) => k.role === "issuer")!.key;
  process.env.ELICENCE_API_KEY = issuer;
  const issued = await cli([
    "issue", "--home", home, "--type", "11330100MB0000019K001", "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "示例科技有限公司",
    "--field", "name=示例科技有限公司", "--field", "entityType=有限责任公司", "--field", "legalRepresentative=李四", "--field", "establishedOn=2020-05-18",
    "--field", "businessScope=软件开发", "--field", "registeredCapital=500", "--field", "address=示例市示例区示例路1号", "--out", "licence.json",
  ]);
  expect(issued.code, issued.stderr).toBe(0);
  // An RFC 3161 TSA over HTTP whose certificate chains to a root the trust list does not name.
  const otherRoot = await createRootCa({ commonName: "Other Root", notBefore: new Date(Date.now() - 60_000) });
  const cert = await createTsaCertificate({ issuer: { certificatePem: otherRoot.certificatePem, privateKeyPkcs8: otherRoot.privateKeyPkcs8, alg: otherRoot.alg }, commonName: "Rogue TSA", notBefore: new Date(Date.now() - 60_000) });
  const tsa = await createTimestampAuthority({ certificatePem: cert.certificatePem, privateKeyPkcs8: cert.privateKeyPkcs8, alg: cert.alg });
  rogue = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void tsa.respond(new Uint8Array(Buffer.concat(chunks))).then((der) => {
        res.writeHead(200, { "content-type": "application/timestamp-reply" });
        res.end(Buffer.from(der));
      });
    });
  });
  await new Promise<void>((resolve) => rogue.listen(0, "127.0.0.1", resolve));
  rogueUrl = `http://127.0.0.1:${(rogue.address() as { port: number }).port}/tsa`;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (rogue ? rogue.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("elicence augment", () => {
  it("B-T → B-LT → B-LTA → B-LTA again, each verified; T on a B-T file adds nothing", async () => {
    expect((await verify("licence.json")).signatures[0]!.level).toBe("B-T");
    const t = await cli(["augment", "licence.json", "--home", home, "--level", "T", "--json", "--out", "t.json"]);
    expect(t.code, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout)).toMatchObject({ level: "B-T", added: [] });
    const lt = await cli(["augment", "t.json", "--home", home, "--level", "LT", "--json", "--out", "lt.json"]);
    expect(JSON.parse(lt.stdout)).toMatchObject({ level: "B-LT", added: ["xVals", "rVals"] });
    const reportLt = await verify("lt.json");
    expect([reportLt.indication, reportLt.signatures[0]!.level]).toEqual(["PASSED", "B-LT"]);
    const lta = await cli(["augment", "lt.json", "--home", home, "--level", "LTA", "--out", "lta.json"]);
    expect(lta.code, lta.stderr).toBe(0);
    expect(lta.stderr).toContain("B-LTA: added arcTst");
    const again = await cli(["augment", "lta.json", "--home", home, "--level", "LTA", "--json"]);
    const archive = (JSON.parse(again.stdout) as { archive: { header: { etsiU: string[]; disclosures: string[] } } }).archive;
    expect(archive.header.etsiU).toHaveLength(5);
    expect(archive.header.etsiU.slice(0, 4)).toEqual((JSON.parse(readFileSync(join(dir, "lta.json"), "utf8")) as typeof archive).header.etsiU);
    expect(archive.header.disclosures).toEqual((JSON.parse(readFileSync(join(dir, "licence.json"), "utf8")) as typeof archive).header.disclosures);
    writeFileSync(join(dir, "lta2.json"), JSON.stringify(archive));
    for (const file of ["lta.json", "lta2.json"]) {
      const report = await verify(file);
      expect([report.indication, report.signatures[0]!.level], file).toEqual(["PASSED", "B-LTA"]);
    }
    // Five years on the department certificate has expired: PASSED on the evidence.
    const later = await verify("lta2.json", new Date(Date.now() + 5 * 365 * 86_400_000));
    expect(later.indication).toBe("PASSED");
  });

  it("verify --tsa-alg: a time-stamp from a TSA signing outside the list proves nothing (FAILED); a list naming the TSA's algorithm PASSES; bad names are usage errors", async () => {
    const licence = async (...extra: string[]) => cli(["verify", "licence.json", "--home", home, "--json", ...extra]);
    const any = await licence();
    expect(any.code, any.stderr).toBe(0);
    expect(JSON.parse(any.stdout)).toMatchObject({ indication: "PASSED", level: "B-T" });
    expect((await licence("--tsa-alg", "SM2,ES256")).code).toBe(0);
    const refused = await licence("--tsa-alg", "SM2");
    expect(refused.code).toBe(1);
    const report = JSON.parse(refused.stdout) as { indication: string; subIndication: string; checks: { check: string; code?: string }[] };
    expect([report.indication, report.subIndication]).toEqual(["FAILED", "CRYPTO_CONSTRAINTS_FAILURE"]);
    expect(report.checks.find((c) => c.check === "timestamp")?.code).toBe("ALGORITHM_NOT_ALLOWED");
    const root = join(home, "pki", "root-ca.pem");
    const signing = join(home, "departments", "11330100MB0000019K", "signing.pem");
    const jades = await cli(["verify", "--jades", "licence.json", "--trust-anchor", root, "--cert", signing, "--alg", "ES256", "--tsa-alg", "SM2", "--json"]);
    expect(jades.code, jades.stderr).toBe(1);
    expect((JSON.parse(jades.stdout) as { subIndication: string }).subIndication).toBe("CRYPTO_CONSTRAINTS_FAILURE");
    for (const bad of ["HS256", "none", ""]) {
      const r = await licence("--tsa-alg", bad);
      expect(r.code, bad).toBe(64);
      expect(r.stderr).toContain("--tsa-alg");
    }
    const qr = await cli(["verify", "--qr", "licence.png", "--home", home, "--tsa-alg", "ES256"]);
    expect([qr.code, qr.stderr.includes("--tsa-alg")]).toEqual([64, true]);
  });

  it("bad input, an unknown level, TSA failures: typed exit codes and no output file", async () => {
    const good = JSON.parse(readFileSync(join(dir, "licence.json"), "utf8")) as Record<string, any>;
    writeFileSync(join(dir, "malformed.json"), "{ not json");
    writeFileSync(join(dir, "oversized.json"), " ".repeat(2 * 1024 * 1024));
    writeFileSync(join(dir, "garbage-etsiu.json"), JSON.stringify({ ...good, header: { ...good.header, etsiU: [{ rVals: "garbage" }] } }));
    writeFileSync(join(dir, "not-signed.json"), JSON.stringify({ ...good, signature: `${good.signature[0] === "A" ? "B" : "A"}${good.signature.slice(1)}` }));
    const cases: [string[], number][] = [
      [["malformed.json", "--level", "T"], 65],
      [["oversized.json", "--level", "T"], 65],
      [["garbage-etsiu.json", "--level", "LT"], 65],
      [["not-signed.json", "--level", "T"], 65],
      [["missing.json", "--level", "T"], 66],
      [["licence.json", "--level", "B-LTA"], 64],
      [["licence.json", "--level", "LTA", "--tsa-url", "http://127.0.0.1:9/tsa"], 69],
      [["licence.json", "--level", "LTA", "--tsa-url", rogueUrl], 65],
    ];
    for (const [args, exit] of cases) {
      const out = join(dir, "never.json");
      const r = await cli(["augment", ...args, "--home", home, "--out", out]);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(exit);
      expect(existsSync(out), args.join(" ")).toBe(false);
    }
  });
});
