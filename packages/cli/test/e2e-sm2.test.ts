/**
 * An all-SM2 workspace through the whole command line, with the built binary: `init --alg SM2`,
 * issue one and a batch, lookup, verify online (status from a running `elicence serve`) and
 * offline, revoke, an audit bundle exported and verified with the registry stopped, the log's tree
 * head; SM2 is accepted only where `--alg` lists it. The long-term evidence is SM2 too: a licence
 * issued B-T with an SM2 time-stamp, `augment --level LT` then `LTA` with the SM2 CA's OCSP answer,
 * and `verify --json` says B-LTA PASSED. And `department add --alg SM2` in an ES256
 * workspace: an SM2 key certified by the ES256 root, listed in the re-signed trust list.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServe, stopServe } from "./support/serve.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const PASS = "sm2 passphrase";
const BUSINESS = "11330100MB0000019K001";
const DEPT = "11330100MB0000019K";
const TIMEOUT = 240_000;
const cause = (reason: string) => ["--matter", "330100-SM2-1", "--reason", reason];
const BUSINESS_FIELDS = ["name=示例科技有限公司", "entityType=有限责任公司", "legalRepresentative=李四", "establishedOn=2020-05-18", "businessScope=软件开发", "registeredCapital=500", "address=示例市示例区示例路1号"].flatMap((f) => ["--field", f]);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], key = ""): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ELICENCE_PASSPHRASE: PASS, ELICENCE_PBKDF2_ITERATIONS: "2000", ELICENCE_API_KEY: key },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(r: Run): T {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const headerOf = (jws: string) => JSON.parse(Buffer.from(jws.split(".")[0]!, "base64url").toString()) as { alg: string };

describe("an all-SM2 workspace from the command line", () => {
  let dir: string;
  let home: string;
  let admin = "";
  let issuer = "";
  let url = "";
  let server: ChildProcess | undefined;
  let first = "";
  let batchIds: string[] = [];
  const trust = () => ["--trust", join(home, "trust-list.jwt"), "--operator-cert", join(home, "pki", "operator.pem")];

  beforeAll(async () => {
    expect(existsSync(BIN), "run `pnpm run build` first").toBe(true);
    dir = mkdtempSync(join(tmpdir(), "elicence-sm2-cli-"));
    home = join(dir, "ws");
    const init = json<{ apiKeys: { role: string; key: string }[]; departments: { alg: string }[] }>(run(["init", "--home", home, "--alg", "SM2", "--json"]));
    expect(init.departments.map((d) => d.alg)).toEqual(["SM2SM3"]);
    admin = init.apiKeys.find((k) => k.role === "admin")!.key;
    issuer = init.apiKeys.find((k) => k.role === "issuer")!.key;
  }, TIMEOUT);
  afterAll(async () => {
    if (server) await stopServe(server);
  });

  it("init: root CA, service keys, trust list and department are all SM2", () => {
    for (const cert of ["root-ca.pem", "operator.pem", "status.pem", "log.pem"]) {
      const text = spawnSync("openssl", ["x509", "-in", join(home, "pki", cert), "-text", "-noout"], { encoding: "utf8" }).stdout;
      expect(text, cert).toMatch(/Signature Algorithm: SM2-with-SM3/);
      expect(text, cert).toMatch(/ASN1 OID: SM2/);
    }
    expect(headerOf(readFileSync(join(home, "trust-list.jwt"), "utf8")).alg).toBe("SM2SM3");
    expect(json<{ code: string }[]>(run(["department", "list", "--home", home, "--json"])).map((d) => d.code)).toEqual([DEPT]);
  });

  it("issue one and a batch; verify accepts SM2 only with --alg SM2", () => {
    const file = join(dir, "licence.json");
    const one = run(["issue", "--home", home, "--type", BUSINESS, "--holder-id", "91330100MA2B3C4D1A", "--holder-name", "示例科技有限公司", ...BUSINESS_FIELDS, "--out", file], issuer);
    expect(one.code, one.stderr).toBe(0);
    first = one.stdout.trim().split(/\s/)[0]!;
    expect(headerOf(JSON.parse(readFileSync(file, "utf8")).protected + ".").alg).toBe("SM2SM3");
    const rows = ["type,holderName,holderIdType,holderId,name,entityType,legalRepresentative,establishedOn,businessScope,registeredCapital,address"];
    for (let i = 0; i < 12; i++) rows.push(`${BUSINESS},公司${i},001,91330100MA2B3C4D1A,公司${i},有限责任公司,李四,2020-05-18,软件开发,${100 + i},示例路${i}号`);
    writeFileSync(join(dir, "rows.csv"), `${rows.join("\n")}\n`);
    const batch = json<{ issued: number; licences: { id: string }[] }>(run(["issue", "--home", home, "--batch", join(dir, "rows.csv"), "--json"], issuer));
    expect(batch.issued).toBe(12);
    batchIds = batch.licences.map((l) => l.id);

    const allowed = run(["verify", file, "--home", home, "--alg", "SM2", "--json"]);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    expect(JSON.parse(allowed.stdout).algorithm).toBe("SM2SM3");
    expect(run(["verify", file, "--home", home, "--alg", "ES256,SM2SM3"]).code).toBe(0);
    expect(run(["verify", file, "--home", home]).code).not.toBe(0); // the default allow-list has no SM2
    expect(run(["verify", file, "--home", home, "--alg", "ES256"]).code).not.toBe(0);
  }, TIMEOUT);

  it("the licence is B-T with an SM2 time-stamp; augment --level LT then LTA adds the SM2 CA's evidence; verify --json says B-LTA PASSED", () => {
    const file = join(dir, "licence.json");
    // etsiU elements in clear JSON (as issued) or base64url (as augmented), ETSI TS 119 182-1 clause 5.3.1.
    const etsiU = (path: string) =>
      (JSON.parse(readFileSync(path, "utf8")) as { header: { etsiU: unknown[] } }).header.etsiU.map((e) => (typeof e === "string" ? JSON.parse(Buffer.from(e, "base64url").toString("utf8")) : e) as Record<string, any>);
    const issued = run(["verify", file, "--home", home, "--alg", "SM2", "--json"]);
    expect(JSON.parse(issued.stdout)).toMatchObject({ indication: "PASSED", level: "B-T" });
    // OpenSSL reads the signature time-stamp's SignerInfo: SM3 digest, SM2-with-SM3 signature.
    const sigTst = etsiU(file).find((e) => e.sigTst)!.sigTst.tstTokens[0].val as string;
    writeFileSync(join(dir, "sigtst.der"), Buffer.from(sigTst, "base64"));
    const printed = spawnSync("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", join(dir, "sigtst.der")], { encoding: "utf8" }).stdout;
    expect(printed).toMatch(/digestAlgorithm: \n\s+algorithm: sm3/);
    expect(printed).toMatch(/signatureAlgorithm: \n\s+algorithm: SM2-with-SM3/);

    const lt = run(["augment", file, "--home", home, "--level", "LT", "--json", "--out", join(dir, "lt.json")]);
    expect(lt.code, lt.stderr).toBe(0);
    expect(JSON.parse(lt.stdout)).toMatchObject({ level: "B-LT", added: ["xVals", "rVals"] });
    const lta = run(["augment", join(dir, "lt.json"), "--home", home, "--level", "LTA", "--json", "--out", join(dir, "lta.json")]);
    expect(lta.code, lta.stderr).toBe(0);
    expect(JSON.parse(lta.stdout)).toMatchObject({ level: "B-LTA", added: ["arcTst"] });
    // The revocation value is the SM2 CA's own OCSP answer, SM3withSM2-signed.
    const ocsp = etsiU(join(dir, "lta.json")).find((e) => e.rVals)!.rVals.ocspVals[0].val as string;
    writeFileSync(join(dir, "ocsp.der"), Buffer.from(ocsp, "base64"));
    expect(spawnSync("openssl", ["ocsp", "-respin", join(dir, "ocsp.der"), "-resp_text", "-noverify"], { encoding: "utf8" }).stdout).toMatch(/Signature Algorithm: SM2-with-SM3/);

    const verified = run(["verify", join(dir, "lta.json"), "--home", home, "--alg", "SM2", "--json"]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ indication: "PASSED", level: "B-LTA", algorithm: "SM2SM3" });
    // SM2 is still accepted only where --alg lists it.
    expect(run(["verify", join(dir, "lta.json"), "--home", home, "--json"]).code).not.toBe(0);
  }, TIMEOUT);

  it("lookup, then verify online against `serve`, revoke, verify again; offline without a status list is INDETERMINATE", async () => {
    const found = json<{ id: string }[]>(run(["lookup", "--home", home, "--holder-id", "91330100MA2B3C4D1A", "--type", BUSINESS, ...cause("lookup"), "--json"], admin));
    expect(found.map((l) => l.id)).toEqual(expect.arrayContaining([first, ...batchIds]));
    ({ url, child: server } = await startServe(BIN, home, PASS, { log: join(dir, "serve.log") }));
    const target = batchIds[3]!;
    const file = join(dir, "target.json");
    expect(run(["get", target, "--out", file, "--registry", url, ...cause("copy")], admin).code).toBe(0);
    const online = run(["verify", file, ...trust(), "--registry", url, "--alg", "SM2", "--json"], admin);
    expect(online.code, online.stdout + online.stderr).toBe(0);
    expect(JSON.parse(online.stdout).checks.find((c: { check: string }) => c.check === "status").result).toBe("passed");
    expect(run(["revoke", target, "--reason", "fraud", "--registry", url], issuer).code).toBe(0);
    const after = run(["verify", file, ...trust(), "--registry", url, "--alg", "SM2", "--json"], admin);
    expect(after.code).toBe(1);
    expect(JSON.parse(after.stdout).indication).toBe("FAILED");
    const offline = run(["verify", file, ...trust(), "--offline", "--alg", "SM2", "--json"]);
    expect(offline.code).toBe(2);
    expect(JSON.parse(offline.stdout).indication).toBe("INDETERMINATE");
    expect(run(["log", "head", ...trust(), "--registry", url]).code).toBe(0); // an SM2 tree head, checked
  }, TIMEOUT);

  it("bundle export, then bundle verify and verify --bundle with the registry stopped, SM2 only with --alg", async () => {
    const bundle = join(dir, "bundle.json");
    const kept = batchIds[4]!;
    expect(run(["bundle", "export", "--ids", kept, "--out", bundle, "--registry", url, ...cause("audit")], admin).code).toBe(0);
    expect(await stopServe(server!)).toBe(0);
    server = undefined;
    const operator = join(home, "pki", "operator.pem");
    const verified = run(["bundle", "verify", bundle, "--operator-cert", operator, "--alg", "SM2", "--json"]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout).indication).toBe("PASSED");
    expect(run(["bundle", "verify", bundle, "--operator-cert", operator]).code).not.toBe(0);
    expect(run(["verify", "--offline", "--bundle", bundle, kept, "--operator-cert", operator, "--alg", "SM2"]).code).toBe(0);
  }, TIMEOUT);
});

describe("department add --alg SM2 in an ES256 workspace", () => {
  it("adds an SM2 department whose certificate the ES256 root signs; the re-signed trust list lists it", () => {
    const dir = mkdtempSync(join(tmpdir(), "elicence-sm2-dept-"));
    const home = join(dir, "ws");
    const init = json<{ apiKeys: { role: string; key: string }[] }>(run(["init", "--home", home, "--json"]));
    const admin = init.apiKeys.find((k) => k.role === "admin")!.key;
    const code = "11330100MB0000027E";
    const added = run(["department", "add", "--home", home, "--name", "示例市市场监督管理局", "--code", code, "--alg", "SM2", "--json"], admin);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout).alg ?? JSON.parse(added.stdout).department?.alg).toBe("SM2SM3");
    const signing = spawnSync("openssl", ["x509", "-in", join(home, "departments", code, "signing.pem"), "-text", "-noout"], { encoding: "utf8" }).stdout;
    expect(signing).toMatch(/ASN1 OID: SM2/);
    expect(signing).toMatch(/Signature Algorithm: ecdsa-with-SHA256/); // the ES256 root signs it
    expect(json<{ code: string }[]>(run(["department", "list", "--home", home, "--json"])).map((d) => d.code)).toEqual(expect.arrayContaining([DEPT, code]));
  }, TIMEOUT);
});
