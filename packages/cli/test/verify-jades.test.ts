/**
 * `elicence verify --jades`: the built binary validating JAdES signatures that are not licences —
 * made with jose over certificates from the development PKI — with its exit codes and usage errors.
 */
import { spawnSync } from "node:child_process";
import { createHash, createPrivateKey } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CompactSign, GeneralSign } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createDepartmentCertificate, createRootCa } from "@elicence/pki";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
let dir: string;
const file = (name: string, body: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
};

function elicence(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let rootPem: string;
let signingPem: string;
let otherPem: string;
let decision: string;
let detachedJws: string;
let general: string;
const DOCUMENT = new TextEncoder().encode("关于准予行政许可的决定 2025-17");

beforeAll(async () => {
  expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "elicence-jades-"));
  const notBefore = new Date(Date.now() - 86_400_000);
  const root = await createRootCa({ commonName: "JAdES CLI Root", notBefore });
  const dept = await createDepartmentCertificate({ issuer: root, department: { name: "示例市行政审批局", uscc: "11330100MB0000019K" }, notBefore });
  const other = await createDepartmentCertificate({ issuer: root, department: { name: "示例市卫生健康委员会", uscc: "11330100MB0000027E" }, notBefore });
  rootPem = file("root.pem", root.certificatePem);
  signingPem = file("signing.pem", dept.certificatePem);
  otherPem = file("other.pem", other.certificatePem);
  const key = createPrivateKey({ key: Buffer.from(dept.privateKeyPkcs8), format: "der", type: "pkcs8" });
  const header = { alg: "ES256", "x5t#S256": createHash("sha256").update(dept.certificateDer).digest("base64url"), iat: Math.floor(Date.now() / 1000) - 60 };
  const jws = await new CompactSign(new TextEncoder().encode('{"decision":"准予许可"}')).setProtectedHeader(header).sign(key);
  decision = file("decision.jws", jws);
  const [h, , s] = (await new CompactSign(DOCUMENT).setProtectedHeader(header).sign(key)).split(".");
  detachedJws = file("detached.jws", `${h}..${s}`);
  const otherKey = createPrivateKey({ key: Buffer.from(other.privateKeyPkcs8), format: "der", type: "pkcs8" });
  const otherHeader = { ...header, "x5t#S256": createHash("sha256").update(other.certificateDer).digest("base64url") };
  const both = await new GeneralSign(new TextEncoder().encode("two signers"))
    .addSignature(key)
    .setProtectedHeader(header)
    .addSignature(otherKey)
    .setProtectedHeader(otherHeader)
    .sign();
  general = file("general.json", JSON.stringify(both));
}, 60_000);

describe("verify --jades", () => {
  it("a compact JAdES signature PASSES (exit 0) at B-B, in text and in JSON", () => {
    const r = elicence(["verify", "--jades", decision, "--trust-anchor", rootPem, "--cert", signingPem]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASSED/);
    expect(r.stdout).toContain("JAdES B-B");
    const j = elicence(["verify", "--jades", decision, "--trust-anchor", rootPem, "--cert", signingPem, "--json"]);
    const report = JSON.parse(j.stdout) as { indication: string; serialisation: string; signatures: { level: string; signer: { organizationIdentifier: string } }[] };
    expect(report).toMatchObject({ indication: "PASSED", serialisation: "compact" });
    expect(report.signatures[0]!.level).toBe("B-B");
    expect(report.signatures[0]!.signer.organizationIdentifier).toBe("11330100MB0000019K");
  });

  it("without the signing certificate it is INDETERMINATE (exit 2); the signer as its own anchor FAILS (exit 1)", () => {
    expect(elicence(["verify", "--jades", decision, "--trust-anchor", rootPem]).code).toBe(2);
    expect(elicence(["verify", "--jades", decision, "--trust-anchor", signingPem, "--cert", signingPem]).code).toBe(1);
  });

  it("a detached signature needs --detached: the content passes, other content fails", () => {
    const content = file("decision.txt", DOCUMENT);
    const wrong = file("wrong.txt", "关于不予行政许可的决定");
    expect(elicence(["verify", "--jades", detachedJws, "--trust-anchor", rootPem, "--cert", signingPem, "--detached", content]).code).toBe(0);
    expect(elicence(["verify", "--jades", detachedJws, "--trust-anchor", rootPem, "--cert", signingPem]).code).toBe(2);
    expect(elicence(["verify", "--jades", detachedJws, "--trust-anchor", rootPem, "--cert", signingPem, "--detached", wrong]).code).toBe(1);
  });

  it("a general JSON signature with two signers passes only when both do", () => {
    expect(elicence(["verify", "--jades", general, "--trust-anchor", rootPem, "--cert", signingPem, "--cert", otherPem]).code).toBe(0);
    const r = elicence(["verify", "--jades", general, "--trust-anchor", rootPem, "--cert", signingPem, "--json"]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { signatures: { indication: string }[] };
    expect(report.signatures.map((s) => s.indication)).toEqual(["PASSED", "INDETERMINATE"]);
  });

  it("a tampered or garbage file FAILS (exit 1)", () => {
    const [h, p, sig] = readFileSync(decision, "utf8").split(".");
    const tampered = file("tampered.jws", `${h}.${p}x.${sig}`);
    expect(elicence(["verify", "--jades", tampered, "--trust-anchor", rootPem, "--cert", signingPem]).code).toBe(1);
    expect(elicence(["verify", "--jades", file("garbage.json", '{"protected":1}'), "--trust-anchor", rootPem]).code).toBe(1);
    expect(elicence(["verify", "--jades", file("dup.json", '{"signatures":[],"signatures":[]}'), "--trust-anchor", rootPem]).code).toBe(1);
  });

  it("usage and input errors have their exit codes", () => {
    expect(elicence(["verify", "--jades", decision]).code).toBe(64);
    expect(elicence(["verify", "licence.json", "--jades", decision, "--trust-anchor", rootPem]).code).toBe(64);
    expect(elicence(["verify", "--jades", decision, "--trust-anchor", rootPem, "--home", dir]).code).toBe(64);
    expect(elicence(["verify", "licence.json", "--trust-anchor", rootPem, "--trust", "x"]).code).toBe(64);
    expect(elicence(["verify", "--trust", "x"]).code).toBe(64);
    expect(elicence(["verify", "--jades", join(dir, "missing.jws"), "--trust-anchor", rootPem]).code).toBe(66);
    expect(elicence(["verify", "--jades", decision, "--trust-anchor", file("bad.pem", "not a pem")]).code).toBe(65);
    expect(elicence(["verify", "--jades", decision, "--trust-anchor", rootPem, "--alg", "HS256"]).code).toBe(64);
  });
});
