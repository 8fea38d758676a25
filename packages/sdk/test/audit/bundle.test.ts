/**
 * Audit bundles: exported from a real registry, verified after the server is gone.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { LicenceError, exportAuditBundle, verifyAuditBundle, type AuditBundle, type KnownLogEntry } from "../../src/index.js";
import { CAUSE, issueOne, sdkWorld } from "../support/world.js";

let bundle: AuditBundle;
let withProofs: AuditBundle;
let supplied: AuditBundle;
let operatorPem: string;
let ids: string[];

/** A bundle that went through a file: JSON text and back. */
const copy = (b: AuditBundle): AuditBundle => JSON.parse(JSON.stringify(b)) as AuditBundle;
const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);

beforeAll(async () => {
  const s = await sdkWorld();
  try {
    operatorPem = s.operatorPem;
    ids = [(await issueOne(s.clients.issuer)).id, (await issueOne(s.clients.issuer)).id];
    // By default the export asks the registry for each licence's log entries and proves them all.
    withProofs = copy(await exportAuditBundle(s.clients.auditor, { ids, cause: CAUSE }));
    // A bundle without inclusion proofs (what a consumer, who may not list log entries, can make).
    bundle = copy(await exportAuditBundle(s.clients.consumer, { ids, cause: CAUSE, logEntries: [] }));
    await expect(exportAuditBundle(s.clients.consumer, { ids, cause: CAUSE })).rejects.toMatchObject({ code: "ERR_FORBIDDEN" });
    // Entries the caller supplies (e.g. from the operator's database) are proven instead.
    const rows = await s.h.w.registry.database.all<{ idx: number; entry: string }>("SELECT idx, entry FROM log_entries WHERE kind = 'issue' ORDER BY idx");
    const logEntries: KnownLogEntry[] = rows.flatMap((r) => {
      const licence = (JSON.parse(r.entry) as { licence: string }).licence;
      return ids.includes(licence) ? [{ licence, index: Number(r.idx), entry: r.entry }] : [];
    });
    expect(logEntries).toHaveLength(2);
    supplied = copy(await exportAuditBundle(s.clients.auditor, { ids, cause: CAUSE, logEntries }));
  } finally {
    // Everything below runs with no registry at all.
    await s.close();
  }
});

describe("verifyAuditBundle, offline", () => {
  it("a bundle verifies PASSED with the server stopped", async () => {
    const report = await verifyAuditBundle(bundle, { operatorCertificates: [operatorPem], at: new Date(bundle.createdAt) });
    expect(report.indication).toBe("PASSED");
    expect(report.trustList.ok).toBe(true);
    expect(report.licences.map((l) => [l.id, l.report.indication])).toEqual(ids.map((id) => [id, "PASSED"]));
    expect(report.log.treeHead.ok).toBe(true);
    expect(report.log.licencesWithoutProof).toEqual(ids);
  });

  it("a default bundle carries inclusion proofs of every event of each licence, verified against the signed tree head", async () => {
    const report = await verifyAuditBundle(JSON.stringify(withProofs), { operatorCertificates: [operatorPem], at: new Date(withProofs.createdAt) });
    expect(report.indication).toBe("PASSED");
    // Per licence: its issue, the export's read and the log-entries read.
    const kinds = withProofs.log.entries.map((e) => [e.licence, (JSON.parse(e.entry) as { kind: string; disclosed?: string[] }).kind]);
    for (const id of ids) expect(kinds.filter(([l]) => l === id).map(([, k]) => k)).toEqual(["issue", "read", "read"]);
    expect(report.log.entries).toHaveLength(6);
    expect(report.log.entries.every((e) => e.ok)).toBe(true);
    expect(report.log.licencesWithoutProof).toEqual([]);
  });

  it("entries the caller supplies are proven instead", async () => {
    const report = await verifyAuditBundle(supplied, { operatorCertificates: [operatorPem], at: new Date(supplied.createdAt) });
    expect(report.indication).toBe("PASSED");
    expect(report.log.entries.map((e) => e.ok)).toEqual([true, true]);
  });

  it("a tampered licence is FAILED", async () => {
    const b = copy(bundle);
    const licence = b.licences[0]!.licence;
    (b.licences as unknown as { licence: string }[])[0]!.licence = flip(licence, licence.indexOf(".", licence.indexOf(".") + 1) + 5);
    const report = await verifyAuditBundle(b, { operatorCertificates: [operatorPem], at: new Date(b.createdAt) });
    expect(report.indication).toBe("FAILED");
    expect(report.licences[0]!.report.indication).toBe("FAILED");
    expect(report.licences[1]!.report.indication).toBe("PASSED");
  });

  it("a relabelled licence (bundle id not the signed one) is FAILED", async () => {
    const b = copy(bundle);
    (b.licences as unknown as { id: string }[])[0]!.id = ids[1]!;
    expect((await verifyAuditBundle(b, { operatorCertificates: [operatorPem], at: new Date(b.createdAt) })).indication).toBe("FAILED");
  });

  it("a tampered tree head, log entry or proof is FAILED", async () => {
    const head = copy(withProofs);
    (head.log as { treeHead: { rootHash: string } }).treeHead.rootHash = flip(head.log.treeHead.rootHash, 3);
    expect((await verifyAuditBundle(head, { operatorCertificates: [operatorPem], at: new Date(head.createdAt) })).log.treeHead.ok).toBe(false);
    const entry = copy(withProofs);
    (entry.log.entries as unknown as { entry: string }[])[0]!.entry = entry.log.entries[0]!.entry.replace('"kind":"issue"', '"kind":"renew"');
    const r = await verifyAuditBundle(entry, { operatorCertificates: [operatorPem], at: new Date(entry.createdAt) });
    expect(r.indication).toBe("FAILED");
    expect(r.log.entries[0]).toMatchObject({ ok: false, reason: "leaf-hash" });
    const swapped = copy(withProofs);
    (swapped.log.entries as unknown as { licence: string }[])[0]!.licence = ids[1]!;
    expect((await verifyAuditBundle(swapped, { operatorCertificates: [operatorPem], at: new Date(swapped.createdAt) })).log.entries[0]).toMatchObject({ ok: false, reason: "entry-licence" });
  });

  it("a trust list not signed by the pinned operator is not PASSED", async () => {
    const b = copy(bundle);
    (b as { trustList: string }).trustList = flip(b.trustList, b.trustList.length - 10);
    const report = await verifyAuditBundle(b, { operatorCertificates: [operatorPem], at: new Date(b.createdAt) });
    expect(report.indication).not.toBe("PASSED");
    expect(report.trustList.ok).toBe(false);
  });

  it("verified at a time the evidence no longer covers, it is INDETERMINATE, not PASSED", async () => {
    const later = new Date(Date.parse(bundle.createdAt) + 5 * 365 * 86400_000);
    expect((await verifyAuditBundle(bundle, { operatorCertificates: [operatorPem], at: later })).indication).toBe("INDETERMINATE");
  });

  it("a document that is not a bundle is refused with every problem's path", async () => {
    const err = (await verifyAuditBundle({ format: "x" } as never, { operatorCertificates: [operatorPem], at: new Date() }).catch((e: unknown) => e)) as LicenceError;
    expect(err.code).toBe("ERR_INPUT_MALFORMED");
    expect(err.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["format", "version", "trustList", "licences", "log.treeHead"]));
  });
});
