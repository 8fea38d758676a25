/**
 * LicenceVerifier against a real registry: online, after a revocation, offline from a fresh or a
 * stale cache, and its background refresh.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALGORITHMS } from "@elicence/core";
import { LicenceError, LicenceVerifier, statusListIdOf, type DocumentSource, type LicenceVerifierOptions } from "../../src/index.js";
import { CAUSE, issueOne, sdkWorld, type SdkWorld } from "../support/world.js";

let s: SdkWorld;
let licence: string;
let id: string;
const MINUTE = 60_000;
const verifiers: LicenceVerifier[] = [];

function verifier(options: Partial<LicenceVerifierOptions> = {}): LicenceVerifier {
  const v = new LicenceVerifier({ source: s.anonymous, operatorCertificates: [s.operatorPem], algorithms: DEFAULT_ALGORITHMS, maxStaleness: 10 * MINUTE, ...options });
  verifiers.push(v);
  return v;
}

/** A source that counts calls and can be switched off. */
function countingSource(): DocumentSource & { calls: number; down: boolean } {
  const source = {
    calls: 0,
    down: false,
    trustList: async () => {
      source.calls++;
      if (source.down) throw new LicenceError("ERR_UNAVAILABLE", "down");
      return s.anonymous.trustList();
    },
    statusList: async (n: number) => {
      source.calls++;
      if (source.down) throw new LicenceError("ERR_UNAVAILABLE", "down");
      return s.anonymous.statusList(n);
    },
  };
  return source;
}

beforeAll(async () => {
  s = await sdkWorld();
  id = (await issueOne(s.clients.issuer)).id;
  licence = (await s.clients.consumer.get(id, CAUSE)).licence;
});
afterAll(async () => {
  for (const v of verifiers) v.close();
  await s?.close();
});

describe("online", () => {
  it("verifies a shared licence: PASSED, with the status list the licence names", async () => {
    expect(statusListIdOf(licence)).toBe(0);
    const report = await verifier().verify(licence);
    expect(report.indication).toBe("PASSED");
    expect(report.status).toBe("valid");
    expect(report.licence!.id).toBe(id);
  });

  it("a tampered licence FAILS", async () => {
    const [jws, ...rest] = licence.split("~");
    const [h, p, sig] = jws!.split(".");
    const flipped = sig!.slice(0, 10) + (sig![10] === "A" ? "B" : "A") + sig!.slice(11);
    expect((await verifier().verify([`${h}.${p}.${flipped}`, ...rest].join("~"))).indication).toBe("FAILED");
  });

  it("a licence revoked after its status list was cached FAILS once the verifier refreshes", async () => {
    const { id: revokedId } = await issueOne(s.clients.issuer);
    const compact = (await s.clients.consumer.get(revokedId, CAUSE)).licence;
    const v = verifier();
    expect((await v.verify(compact)).indication).toBe("PASSED");
    await s.clients.issuer.revoke(revokedId, { reason: "违法经营" });
    // Still within its age, the cached list is used as is.
    expect((await v.verify(compact)).indication).toBe("PASSED");
    expect(await v.refresh()).toBe(true);
    const report = await v.verify(compact);
    expect(report.indication).toBe("FAILED");
    expect(report.status).toBe("revoked");
  });

  it("a trust list signed by another operator than the pinned one makes everything INDETERMINATE", async () => {
    const logPem = readFileSync(join(s.h.w.home, "pki", "log.pem"), "utf8");
    const report = await verifier({ operatorCertificates: [logPem] }).verify(licence);
    expect(report.indication).toBe("INDETERMINATE");
    expect(report.checks.find((c) => c.check === "certificate-path")?.code).toBe("trust-list-unavailable");
  });
});

describe("offline", () => {
  it("works from an imported fresh cache with no source at all", async () => {
    const online = verifier();
    expect((await online.verify(licence)).indication).toBe("PASSED");
    const cache = JSON.stringify(online.exportCache());
    const offline = verifier({ source: undefined, offline: true });
    offline.importCache(cache);
    expect((await offline.verify(licence)).indication).toBe("PASSED");
  });

  it("a stale cache gives INDETERMINATE (TRY_LATER), never PASSED", async () => {
    let now = Date.now();
    const online = verifier({ clock: () => new Date(now) });
    expect((await online.verify(licence)).indication).toBe("PASSED");
    const offline = verifier({ source: undefined, offline: true, clock: () => new Date(now) });
    offline.importCache(online.exportCache());
    expect((await offline.verify(licence)).indication).toBe("PASSED");
    now += 11 * MINUTE;
    const report = await offline.verify(licence);
    expect(report.indication).toBe("INDETERMINATE");
    expect(report.subIndication).toBe("TRY_LATER");
  });

  it("a stale status list alone gives INDETERMINATE from core's status check", async () => {
    let now = Date.now();
    const online = verifier({ clock: () => new Date(now) });
    await online.verify(licence);
    const cache = online.exportCache();
    now += 11 * MINUTE;
    const offline = verifier({ source: undefined, offline: true, clock: () => new Date(now) });
    offline.importCache({ ...cache, trustList: { ...cache.trustList!, fetchedAt: new Date(now).toISOString() } });
    const report = await offline.verify(licence);
    expect(report.indication).toBe("INDETERMINATE");
    expect(report.checks.find((c) => c.check === "status")).toMatchObject({ result: "indeterminate", code: "status-list-missing" });
  });

  it("no cache at all gives INDETERMINATE", async () => {
    const report = await verifier({ source: undefined, offline: true }).verify(licence);
    expect(report.indication).toBe("INDETERMINATE");
  });

  it("when the registry goes down, a fresh cache still works and a stale one does not", async () => {
    let now = Date.now();
    const source = countingSource();
    const v = verifier({ source, clock: () => new Date(now), backgroundRefresh: false });
    expect((await v.verify(licence)).indication).toBe("PASSED");
    source.down = true;
    now += 6 * MINUTE; // past half the allowed age: it tries to refetch, fails, keeps the cache
    expect((await v.verify(licence)).indication).toBe("PASSED");
    now += 5 * MINUTE;
    expect((await v.verify(licence)).indication).toBe("INDETERMINATE");
    expect(await v.refresh()).toBe(false);
  });

  it("tampered cached documents are never used", async () => {
    const online = verifier();
    await online.verify(licence);
    const cache = online.exportCache();
    const tampered = { ...cache, trustList: { ...cache.trustList!, token: cache.trustList!.token.slice(0, -4) + "AAAA" } };
    const offline = verifier({ source: undefined, offline: true });
    offline.importCache(tampered);
    expect((await offline.verify(licence)).indication).toBe("INDETERMINATE");
  });

  it("a malformed cache is refused with every problem's path", () => {
    const v = verifier({ source: undefined, offline: true });
    const err = (() => {
      try {
        v.importCache({ format: "x", version: 2, statusLists: { a: {} } } as never);
      } catch (e) {
        return e as LicenceError;
      }
      return undefined;
    })();
    expect(err?.code).toBe("ERR_INPUT_MALFORMED");
    expect(err!.issues.map((i) => i.path.join("."))).toEqual(["format", "version", "statusLists.a"]);
  });
});

describe("documents the caller holds (addTrustList, statusLists)", () => {
  const held = () => verifier({ source: undefined, offline: true });

  it("an offline verifier with a held trust list and status list token PASSES, with no source or cache", async () => {
    const v = held();
    const list = await v.addTrustList(`${await s.anonymous.trustList()}\n`);
    expect(list.document.departments.length).toBeGreaterThan(0);
    const report = await v.verify(licence, { statusLists: [await s.anonymous.statusList(statusListIdOf(licence)!)] });
    expect(report.indication).toBe("PASSED");
    expect(report.status).toBe("valid");
  });

  it("no status list given → the status check is INDETERMINATE", async () => {
    const v = held();
    await v.addTrustList(await s.anonymous.trustList());
    const report = await v.verify(licence, { statusLists: [] });
    expect(report.indication).toBe("INDETERMINATE");
    expect(report.checks.find((c) => c.check === "status")).toMatchObject({ result: "indeterminate", code: "status-list-missing" });
  });

  it("a status list token that does not verify is reported with core's reason, not used", async () => {
    const v = held();
    await v.addTrustList(await s.anonymous.trustList());
    const token = await s.anonymous.statusList(statusListIdOf(licence)!);
    const report = await v.verify(licence, { statusLists: [token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA")] });
    expect(report.indication).toBe("INDETERMINATE");
    expect(report.checks.find((c) => c.check === "status")).toMatchObject({ result: "indeterminate", code: "signature" });
  });

  it("a trust list that does not verify (another pinned signer, or before it was issued) throws and is not held", async () => {
    const logPem = readFileSync(join(s.h.w.home, "pki", "log.pem"), "utf8");
    const pinnedElsewhere = verifier({ source: undefined, offline: true, operatorCertificates: [logPem] });
    await expect(pinnedElsewhere.addTrustList(await s.anonymous.trustList())).rejects.toMatchObject({ code: "ERR_TRUST_LIST_INVALID" });
    const report = await pinnedElsewhere.verify(licence, { statusLists: [] });
    expect(report.checks.find((c) => c.check === "certificate-path")?.code).toBe("trust-list-unavailable");
    await expect(held().addTrustList(await s.anonymous.trustList(), { at: new Date("2000-01-01T00:00:00Z") })).rejects.toBeInstanceOf(LicenceError);
  });

  it("online, given status lists are used instead of fetching any", async () => {
    const source = countingSource();
    const v = verifier({ source, backgroundRefresh: false });
    const token = await s.anonymous.statusList(statusListIdOf(licence)!);
    expect((await v.verify(licence, { statusLists: [token] })).indication).toBe("PASSED");
    expect(source.calls).toBe(1); // the trust list only
  });

  it("refuses bad arguments as TypeError", async () => {
    const v = held();
    await expect(v.addTrustList(42 as never)).rejects.toBeInstanceOf(TypeError);
    await expect(v.addTrustList("x", { at: new Date("nope") })).rejects.toBeInstanceOf(TypeError);
    await expect(v.verify(licence, { statusLists: "token" as never })).rejects.toBeInstanceOf(TypeError);
  });
});

describe("background refresh", () => {
  it("refreshes before documents age, and close() stops it", async () => {
    const source = countingSource();
    const v = verifier({ source, maxStaleness: 400 });
    expect((await v.verify(licence)).indication).toBe("PASSED");
    const after = source.calls;
    await new Promise((r) => setTimeout(r, 700));
    expect(source.calls).toBeGreaterThan(after);
    v.close();
    const closed = source.calls;
    await new Promise((r) => setTimeout(r, 500));
    expect(source.calls).toBe(closed);
  });

  it("refuses bad options as TypeError", () => {
    const pin = { operatorCertificates: [s.operatorPem] };
    expect(() => new LicenceVerifier({ ...pin, algorithms: DEFAULT_ALGORITHMS, maxStaleness: 1000 })).toThrow(TypeError);
    expect(() => new LicenceVerifier({ ...pin, source: s.anonymous, algorithms: [], maxStaleness: 1000 })).toThrow(TypeError);
    expect(() => new LicenceVerifier({ ...pin, source: s.anonymous, algorithms: DEFAULT_ALGORITHMS, maxStaleness: 0 })).toThrow(TypeError);
  });
});

describe("time-stamps of the archive form", () => {
  it("timestampAlgorithms reaches core: a TSA signing outside the list makes the licence FAILED; without it, PASSED", async () => {
    const own = await issueOne(s.clients.issuer);
    const { archive, level } = await s.clients.issuer.augment(own.id, { level: "T", reason: "long-term evidence" });
    expect(level).toBe("B-T");
    const passed = await verifier().verify(archive as Record<string, unknown>);
    expect([passed.indication, passed.level]).toEqual(["PASSED", "B-T"]);
    const refused = await verifier({ timestampAlgorithms: ["SM2SM3"] }).verify(archive as Record<string, unknown>);
    expect([refused.indication, refused.subIndication]).toEqual(["FAILED", "CRYPTO_CONSTRAINTS_FAILURE"]);
    expect(refused.checks.find((c) => c.check === "timestamp")).toMatchObject({ result: "failed", code: "ALGORITHM_NOT_ALLOWED" });
  });

  it("an empty or non-list timestampAlgorithms is refused when the verifier is made", () => {
    expect(() => verifier({ timestampAlgorithms: [] })).toThrow(/timestampAlgorithms/);
    expect(() => verifier({ timestampAlgorithms: "ES256" as never })).toThrow(/timestampAlgorithms/);
  });
});

describe("clocks", () => {
  it("a verifier whose clock is two seconds behind the registry's still PASSES a licence whose status list is signed as it is fetched", async () => {
    // Another licence of the same list changes its status, so the registry signs the list anew when asked.
    const other = await issueOne(s.clients.issuer);
    // The licence itself must be older than the lag: one "issued in the future" is not valid yet.
    const issuedAt = Date.parse((await verifier().verify(licence)).signingTime!);
    await new Promise((r) => setTimeout(r, Math.max(0, issuedAt + 3000 - Date.now())));
    const behind = verifier({ clock: () => new Date(Date.now() - 2000) });
    await s.clients.issuer.suspend(other.id, { reason: "整改" });
    const report = await behind.verify(licence);
    expect(report.checks.find((c) => c.check === "status")).toMatchObject({ result: "passed" });
    expect(report.indication).toBe("PASSED");
  });
});
